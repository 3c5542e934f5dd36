"""Transactions and the rows a record is stored as."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Literal, Mapping

from viewer.core.importers.common import ImportedRecord
from viewer.core.library.errors import ReadOnlyLibraryError, sqlite_error
from viewer.core.library.listing import creator_text
from viewer.core.record import Record

if TYPE_CHECKING:
    from viewer.core.library.store import Library


class Guard:
    """A read, or a write transaction (BEGIN IMMEDIATE ... COMMIT / ROLLBACK), turning SQLite
    errors into LibraryErrors that name the file."""

    def __init__(self, lib: Library, write: bool, wait: float | None = None) -> None:
        self.lib, self.write, self.wait = lib, write, wait
        self.began = False

    def __enter__(self) -> "Guard":
        if self.write and self.lib.read_only:
            raise ReadOnlyLibraryError(self.lib.path)
        if self.write:
            conn = self.lib._conn
            try:
                if self.wait is None:
                    conn.execute("BEGIN IMMEDIATE")
                else:  # the window's own writes: a short wait, then "busy", never a frozen window
                    before = conn.execute("PRAGMA busy_timeout").fetchone()[0]
                    conn.execute(f"PRAGMA busy_timeout = {int(self.wait * 1000):d}")
                    try:
                        conn.execute("BEGIN IMMEDIATE")
                    finally:
                        conn.execute(f"PRAGMA busy_timeout = {int(before):d}")
            except sqlite3.Error as exc:
                raise sqlite_error(self.lib.path, exc) from None
            self.began = True
        return self

    def __exit__(self, kind, exc, tb) -> Literal[False]:  # never swallows an exception
        if self.began:
            try:
                self.lib._conn.execute("COMMIT" if exc is None else "ROLLBACK")
            except sqlite3.Error as commit_exc:
                if exc is None:
                    try:
                        self.lib._conn.execute("ROLLBACK")
                    except sqlite3.Error:
                        pass
                    raise sqlite_error(self.lib.path, commit_exc) from None
        if isinstance(exc, sqlite3.Error):
            raise sqlite_error(self.lib.path, exc) from None
        return False


def record_of(item: Record | ImportedRecord) -> Record:
    return item.record if isinstance(item, ImportedRecord) else item


def row_for(record: Record, text: str, protected: bool = False) -> dict[str, Any]:
    creator = creator_text(record.authors, [a.name for a in record.corporate_authors])
    return {
        "creator": creator,
        "sort_creator": creator.casefold(),
        "id": record.id,
        "ncj_number": record.ncj_number,
        "title": record.title,
        "sort_group": 0 if protected else 1,
        "sort_title": record.title.casefold(),
        "authors": "; ".join(record.authors),
        "issued_year": record.issued_year,
        "protected": 1 if protected else 0,
        "added_at": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "json": text,
    }




def dumps(data: Mapping[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


