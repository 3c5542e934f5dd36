"""The bundled record's row: an entry for listing and search, kept equal to the resources."""

from __future__ import annotations

import sqlite3
from typing import Callable, ContextManager

from viewer.core.library import index
from viewer.core.library.rows import pack, row_for
from viewer.core.record import record_to_data
from viewer.core.resources import bundled_record


def seed_bundled(conn: sqlite3.Connection, write: Callable[[], ContextManager[object]]) -> None:
    """Write the bundled record's row (listing and search only) where it is missing or differs."""
    record = bundled_record()
    data = record_to_data(record)
    text = pack(data)

    def current() -> tuple | None:
        return conn.execute("SELECT rid, json, protected, removed FROM records WHERE id = ?",
                            (record.id,)).fetchone()

    row = current()
    if row is not None and row[1:] == (text, 1, 0):
        return
    with write():
        row = current()
        if row is not None and row[1:] == (text, 1, 0):
            return
        fields = row_for(record, data, protected=True)
        if row is None:
            index.insert_rows(conn, [fields])
        else:
            rid = row[0]
            if not row[3]:
                index.fts_delete(conn, [rid])
            conn.execute(
                "UPDATE records SET ncj_number=?, title=?, sort_group=0, sort_title=?, authors=?, "
                "issued_year=?, json=?, protected=1, removed=0, creator=?, sort_creator=?, others=? WHERE rid=?",
                (fields["ncj_number"], fields["title"], fields["sort_title"], fields["authors"],
                 fields["issued_year"], text, fields["creator"], fields["sort_creator"], fields["others"], rid))
            index.fts_insert_range(conn, rid, rid)
        index.count_terms(conn, [fields])
