"""Adding records to a library in one transaction: new ones added, ones already there (by id or
NCJ number) skipped, or replaced when asked, except the bundled record, which is never replaced."""

from __future__ import annotations

import itertools
import json
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sized

from viewer.core.importers.common import ImportedRecord, ImportReport, ImportStream  # not the package: it loads every reader
from viewer.core.library import index
from viewer.core.library.errors import ImportCancelled
from viewer.core.library.rows import record_of, row_for
from viewer.core.record import Record, record_to_data

Progress = Callable[[int, int], None]
Cancel = Callable[[], bool]
BATCH = 1_000


@dataclass(frozen=True)
class AddResult:
    added: tuple[str, ...] = ()
    duplicates: tuple[str, ...] = ()  # already in the library (or twice in the input): skipped
    replaced: tuple[str, ...] = ()  # already there and replaced (add_records(..., replace=True))
    # incoming id -> the stored record it duplicates (same id, or another id with the same NCJ number)
    existing: dict[str, str] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class ImportOutcome:
    report: ImportReport | ImportStream
    result: AddResult
    written: bool  # False when all-or-none refused a file with bad entries


@dataclass(frozen=True)
class Stored:
    """What a library already holds for some ids and NCJ numbers."""

    by_id: dict[str, tuple[int, int, int]]  # id -> (rid, removed, protected)
    by_ncj: dict[str, tuple[str, int, int]]  # NCJ number -> (id, rid, protected) of a listed record

    def match(self, record: Record) -> tuple[str, int, int] | None:
        """(id, rid, protected) of the listed record that ``record`` duplicates, if any."""
        hit = self.by_id.get(record.id)
        if hit is not None and hit[1] == 0:
            return record.id, hit[0], hit[2]
        return self.by_ncj.get(record.ncj_number) if record.ncj_number else None


def stored(conn: sqlite3.Connection, records: list[Record]) -> Stored:
    by_id: dict[str, tuple[int, int, int]] = {}
    by_ncj: dict[str, tuple[str, int, int]] = {}
    ids = [r.id for r in records]
    ncjs = sorted({r.ncj_number for r in records if r.ncj_number})
    for start in range(0, len(ids), 20_000):
        for rid, rec_id, removed, protected in conn.execute(
                "SELECT rid, id, removed, protected FROM records WHERE id IN (SELECT value FROM json_each(?))",
                (json.dumps(ids[start:start + 20_000]),)):
            by_id[rec_id] = (rid, removed, protected)
    for start in range(0, len(ncjs), 20_000):
        for rid, rec_id, ncj, protected in conn.execute(
                "SELECT rid, id, ncj_number, protected FROM records WHERE removed = 0 AND "
                "ncj_number IN (SELECT value FROM json_each(?)) ORDER BY protected, rid",
                (json.dumps(ncjs[start:start + 20_000]),)):
            by_ncj[ncj] = (rec_id, rid, protected)  # the bundled record (protected) wins
    return Stored(by_id, by_ncj)


def add_items(conn: sqlite3.Connection, path: Path | None, items: Iterable[Record | ImportedRecord], *,
              replace: bool, progress: Progress | None, cancel: Cancel | None,
              terms_until: int = 0) -> tuple[AddResult, int]:
    """The body of Library.add_records, inside the caller's write transaction; also how many records
    were written. ``items`` is read a batch at a time (an import streams through here): what is held
    is one batch and the ids seen. Word counts are kept up while fewer than ``terms_until`` were written."""
    total = len(items) if isinstance(items, Sized) else 0  # a stream: not known until read
    adder = _Adder(conn, replace)
    done = 0
    source = iter(items)
    while batch := list(itertools.islice(source, BATCH)):
        if cancel is not None and cancel():
            raise ImportCancelled(path, "import cancelled; nothing was added")
        written = adder.add(batch)
        if adder.written < terms_until:
            index.count_terms(conn, written)
        done += len(batch)
        if progress is not None:
            progress(done, max(total, done))
    if cancel is not None and cancel():
        raise ImportCancelled(path, "import cancelled; nothing was added")
    result = AddResult(tuple(adder.added), tuple(adder.duplicates), tuple(adder.replaced), adder.existing)
    return result, adder.written


class _Adder:
    """What an add keeps between batches: the ids and NCJ numbers written, and what it reports."""

    def __init__(self, conn: sqlite3.Connection, replace: bool) -> None:
        self.conn, self.replace = conn, replace
        self.added: list[str] = []
        self.duplicates: list[str] = []
        self.replaced: list[str] = []
        self.existing: dict[str, str] = {}
        self.seen: set[str] = set()
        self.written = 0

    def add(self, batch: list[Record | ImportedRecord]) -> list[dict[str, Any]]:
        """Write one batch; returns the rows written (rows.row_for)."""
        have = stored(self.conn, [record_of(i) for i in batch])
        rows: list[dict[str, Any]] = []
        drop: list[int] = []
        for item in batch:
            record = record_of(item)
            keys = {record.id} | ({f"ncj:{record.ncj_number}"} if record.ncj_number else set())
            match = have.match(record)
            if match is not None and match[0] in self.seen:
                match = None  # written by this add, in an earlier batch: a duplicate within the input
            if keys & self.seen or (match is not None and (not self.replace or match[2])):
                self.duplicates.append(record.id)
                if match is not None:
                    self.existing[record.id] = match[0]
                continue
            self.seen |= keys
            if match is not None:
                drop.append(match[1])
                self.replaced.append(record.id)
                self.existing[record.id] = match[0]
            else:
                self.added.append(record.id)
            hidden = have.by_id.get(record.id)
            if hidden is not None and hidden[1] == 1:  # removed earlier, awaiting purge: the new copy takes its place
                drop.append(hidden[0])
            citation = item.citation if isinstance(item, ImportedRecord) else None
            rows.append(row_for(record, record_to_data(record, citation)))
        _delete(self.conn, drop, have)
        index.insert_rows(self.conn, rows)
        self.written += len(rows)
        return rows


class Refused(Exception):
    """All-or-none met a bad entry in a stream: the transaction rolls back."""


def refused_on_bad(stream: ImportStream) -> Iterator[ImportedRecord]:
    for entry in stream.entries:
        if stream.bad:
            break
        yield entry
    for _ in stream.entries:  # read on, for every bad entry in the report
        pass
    if stream.bad:
        raise Refused


def _delete(conn: sqlite3.Connection, rids: list[int], have: Stored) -> None:
    """Delete rows (a listed one leaves the search index first; removed ones are out of it already)."""
    if not rids:
        return
    removed = {rid for rid, flag, _ in have.by_id.values() if flag == 1}
    index.fts_delete(conn, [rid for rid in rids if rid not in removed])
    conn.executemany("DELETE FROM records WHERE rid = ?", [(rid,) for rid in rids])
