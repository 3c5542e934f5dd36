"""The library store: one SQLite connection, reading and writing records in transactions."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any, Iterable, Mapping

from viewer.core.importers.common import ImportedRecord, ImportReport, ImportStream  # not the package: it loads every reader
from viewer.core.library import health, index, listing, opening, rows, schema, sessions
from viewer.core.library.adding import AddResult, Cancel, ImportOutcome, Progress, Refused, add_items, refused_on_bad, stored
from viewer.core.library.bundled import seed_bundled
from viewer.core.library.errors import (
    CorruptLibraryError,
    DamagedRecordError,
    ForeignDatabaseError,
    LibraryError,
    NewerLibraryError,
    sqlite_error,
)
from viewer.core.library.listing import ListRow, Order
from viewer.core.library.matching import Hit, SearchResult, parse_query
from viewer.core.library.ranking import Ranker, Ranking
from viewer.core.library.rows import Guard, record_from_json, record_of
from viewer.core.library.schema import APPLICATION_ID, LIBRARY_FILE_NAME, REQUIRED_OBJECTS, check_header
from viewer.core.record import Record, RecordError
from viewer.core.resources import BUNDLED_RECORD_ID, bundled_record


TERMS_REBUILD_MIN = 5_000


class Library:
    """One connection to one library. Use one Library per thread (an import worker opens its own)."""

    def __init__(self, conn: sqlite3.Connection, path: Path | None, read_only: bool = False) -> None:
        self._conn = conn
        self.path = path
        self.read_only = read_only  # on a read-only disk: read, never written (see opening)
        self._data_version: int | None = None
        self._ranker = Ranker(conn)
        rows.register_functions(conn)

    # -- opening ---------------------------------------------------------------------------

    @classmethod
    def open(cls, directory: Path | str | None) -> "Library":
        """Open (or create) the library in ``directory``; None gives one in memory.

        Raises CorruptLibraryError, NewerLibraryError or ForeignDatabaseError for a file that
        must be set aside (:func:`set_aside`), LibraryError when the folder cannot be used.
        """
        if directory is None:
            lib = cls(sqlite3.connect(":memory:", isolation_level=None), None)
            lib._prepare(None)
            return lib
        directory = Path(directory)
        path = directory / LIBRARY_FILE_NAME
        try:
            directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise LibraryError(directory, f"cannot create the library folder ({exc.strerror or exc})") from None
        check_header(path)
        checked = health.quick_check_due(path)
        conn, read_only = opening.connect(path)  # read-only on a disk that cannot be written
        lib = cls(conn, path, read_only)
        try:
            lib._prepare(path, checked)
        except BaseException:
            conn.close()
            raise
        return lib

    def _prepare(self, path: Path | None, checked: bool = False) -> None:
        conn = self._conn
        try:
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            tables = conn.execute("SELECT count(*) FROM sqlite_schema").fetchone()[0]
        except sqlite3.Error as exc:
            raise sqlite_error(path, exc) from None
        if app_id not in (0, APPLICATION_ID) or (app_id == 0 and (version or tables)):
            raise ForeignDatabaseError(path, "an SQLite database of another program, not a library")
        if version > schema.SCHEMA_VERSION:
            raise NewerLibraryError(path or "<memory>", version)
        problems = health.quick_check(conn) if checked else []
        if problems:  # found now, not as a failed search later: the file is set aside, kept as it is
            raise CorruptLibraryError(path, f"the library file is damaged ({'; '.join(problems)[:300]})")
        if self.read_only:  # nothing written: no pragma that writes, no migration, no bundled row
            opening.check_readable(path, version)
            return self._check_schema()
        try:
            if version == 0:
                # Before the first write: records of NCJRS length (2-3 KB) waste most of a 4 KB page.
                conn.execute("PRAGMA page_size=16384")
            if path is not None:
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA journal_size_limit=67108864")
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute("PRAGMA foreign_keys=ON")
            conn.execute("PRAGMA cache_size=-32000")
            self._migrate()
            self._check_schema()
            seed_bundled(self._conn, self._write)
        except sqlite3.Error as exc:
            raise sqlite_error(path, exc) from None

    def _migrate(self) -> None:
        """Apply MIGRATIONS one version at a time, each in its own transaction."""
        # A plain read first: opening an up-to-date library must not wait for another writer.
        before = self._conn.execute("PRAGMA user_version").fetchone()[0]
        while self._conn.execute("PRAGMA user_version").fetchone()[0] < schema.SCHEMA_VERSION:
            with self._write():  # re-read under the write lock: another process may have migrated
                version = self._conn.execute("PRAGMA user_version").fetchone()[0]
                if version > schema.SCHEMA_VERSION:
                    raise NewerLibraryError(self.path or "<memory>", version)
                if version == schema.SCHEMA_VERSION:
                    break
                schema.MIGRATIONS[version + 1](self._conn)
                self._conn.execute(f"PRAGMA user_version = {version + 1:d}")
        schema.give_back_space(self._conn, before)

    def _check_schema(self) -> None:
        present = {name for (name,) in self._conn.execute("SELECT name FROM sqlite_schema")}
        missing = sorted(REQUIRED_OBJECTS - present)
        if missing:
            raise CorruptLibraryError(self.path, f"the library's schema is damaged (missing {', '.join(missing)})")

    def close(self) -> None:
        try:
            self._conn.execute("PRAGMA optimize")
        except sqlite3.Error:
            pass
        self._conn.close()

    def __enter__(self) -> "Library":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- reading ---------------------------------------------------------------------------

    def count(self) -> int:
        """Records in the library (the bundled one included, removed ones not)."""
        with self._reading():
            return self._conn.execute("SELECT count(*) FROM records WHERE removed = 0").fetchone()[0]

    def page(self, offset: int, limit: int) -> list[tuple[str, str]]:
        """(id, title) of records ``offset`` to ``offset + limit`` in list order: the bundled
        record first, then by title (case-insensitive), then in the order added."""
        return [(r.id, r.title) for r in self.list_rows(offset, limit)]

    def list_rows(self, offset: int, limit: int, order: Order = Order()) -> list[ListRow]:
        """The list's rows ``offset`` to ``offset + limit`` in ``order`` (read from an index)."""
        with self._reading():
            return listing.list_rows(self._conn, offset, limit, order)

    def row_of(self, record_id: str, order: Order = Order()) -> int | None:
        """The position of a record in :meth:`list_rows` order, or None if it is not in the library."""
        with self._reading():
            return listing.position(self._conn, record_id, order)

    def __contains__(self, record_id: object) -> bool:
        with self._reading():
            return self._conn.execute("SELECT 1 FROM records WHERE id = ? AND removed = 0",
                                      (record_id,)).fetchone() is not None

    def get(self, record_id: str) -> Record:
        """The record; KeyError if it is not in the library (or removed)."""
        if record_id == BUNDLED_RECORD_ID:
            return bundled_record()
        return self._load(record_id)[0]

    def get_many(self, record_ids: Iterable[str]) -> list[Record]:
        return [self.get(i) for i in record_ids]

    def citation_fields(self, record_id: str) -> dict[str, Any]:
        """The CSL-JSON fields an imported RIS/BibTeX/CSL-JSON file gave beyond the Record (its
        ``csl_extra``; empty for the bundled record)."""
        if record_id == BUNDLED_RECORD_ID:
            return {}
        return dict(self._load(record_id)[1])

    def is_protected(self, record_id: str) -> bool:
        return record_id == BUNDLED_RECORD_ID

    def _load(self, record_id: str) -> tuple[Record, Mapping[str, Any]]:
        with self._reading():
            row = self._conn.execute(f"SELECT {rows.STORED} FROM records WHERE id = ? AND removed = 0", (record_id,)).fetchone()
        if row is None:
            raise KeyError(record_id)
        source = f"{self.path or 'library'} (record {record_id})"
        try:
            record = record_from_json(rows.record_json(rows.stored(*row)), source)
            citation = record.csl_extra
        except (RecordError, ValueError, AttributeError) as exc:
            raise DamagedRecordError(self.path, f"record {record_id} cannot be read ({exc})") from None
        return record, citation

    # -- writing ---------------------------------------------------------------------------

    def add_records(self, items: Iterable[Record | ImportedRecord], *, replace: bool = False,
                    progress: Progress | None = None, cancel: Cancel | None = None) -> AddResult:
        """Add records in one transaction. A record already there (same id, or the same NCJ number
        under another id) is skipped as a duplicate, or with ``replace`` takes the stored one's
        place; the bundled record is never replaced. ``progress(done, total)`` is called between
        batches; when ``cancel()`` returns True the transaction is rolled back and ImportCancelled raised."""
        with self._write():
            result, written = add_items(self._conn, self.path, items, replace=replace, progress=progress,
                                        cancel=cancel, terms_until=TERMS_REBUILD_MIN)
            if written >= TERMS_REBUILD_MIN:
                index.rebuild_terms(self._conn)
        self._changed()
        if written >= TERMS_REBUILD_MIN and self.path is not None:
            self._checkpoint()
        return result

    def already_there(self, records: Iterable[Record | ImportedRecord]) -> dict[str, str]:
        """For each record the library already holds (same id, or the same NCJ number under another
        id): its id -> the stored record's id. Ask before adding, to offer Replace / Keep."""
        chosen = [record_of(r) for r in records]
        with self._reading():
            have = stored(self._conn, chosen)
        return {r.id: match[0] for r in chosen if (match := have.match(r)) is not None}

    def id_for_ncj(self, ncj_number: str) -> str | None:
        """The id of the listed record with this NCJ number (the bundled record first), or None."""
        digits = ncj_number.strip().upper().removeprefix("NCJ").strip(" -#:")
        if not digits.isdigit() or len(digits) > 9:
            return None
        with self._reading():
            row = self._conn.execute("SELECT id FROM records WHERE removed = 0 AND ncj_number = ? "
                                     "ORDER BY protected DESC, rid LIMIT 1", (str(int(digits)),)).fetchone()
        return row[0] if row else None

    def import_report(self, report: ImportReport | ImportStream, *, all_or_none: bool = False,
                      replace: bool = False, progress: Progress | None = None,
                      cancel: Cancel | None = None) -> ImportOutcome:
        """Add a report's good entries (a stream's as it is read, in the one transaction); with
        ``all_or_none`` one bad entry adds nothing; ``replace`` as for :meth:`add_records`."""
        if all_or_none and report.bad:
            return ImportOutcome(report, AddResult(), written=False)
        entries: Iterable[ImportedRecord] = report.entries
        if all_or_none and isinstance(report, ImportStream):
            entries = refused_on_bad(report)
        try:
            result = self.add_records(entries, replace=replace, progress=progress, cancel=cancel)
        except Refused:
            return ImportOutcome(report, AddResult(), written=False)
        return ImportOutcome(report, result, True)

    def remove(self, record_ids: Iterable[str], *, wait: float | None = None) -> tuple[str, ...]:
        """Hide records from list and search, pending for this session: undo with :meth:`restore`
        until the session ends (:meth:`end_session`) or is proven dead (:meth:`purge_removed`).
        The bundled record and unknown ids are skipped; returns the ids removed. ``wait``: seconds
        to wait for another copy's write (default: the connection's)."""
        ids = [i for i in dict.fromkeys(record_ids) if i != BUNDLED_RECORD_ID]
        with self._write(wait):
            rows = self._rows_where(ids, removed=0)
            rids = [rid for rid, _ in rows]
            session = sessions.register(self._conn) if rids else None
            index.fts_delete(self._conn, rids)
            self._conn.executemany("UPDATE records SET removed = 1, removed_by = ? WHERE rid = ?",
                                   [(session, r) for r in rids])
        self._changed()
        done = {i for _, i in rows}
        return tuple(i for i in ids if i in done)

    def restore(self, record_ids: Iterable[str], *, wait: float | None = None) -> tuple[str, ...]:
        """Bring back removed records; returns the ids restored (not those purged meanwhile)."""
        ids = list(dict.fromkeys(record_ids))
        with self._write(wait):
            rows = self._rows_where(ids, removed=1)
            rids = [rid for rid, _ in rows]
            self._conn.executemany("UPDATE records SET removed = 0, removed_by = NULL WHERE rid = ?",
                                   [(r,) for r in rids])
            for rid in rids:
                index.fts_insert_range(self._conn, rid, rid)
        self._changed()
        done = {i for _, i in rows}
        return tuple(i for i in ids if i in done)

    def purge_removed(self) -> int:
        """Delete for good the removals no undo can reach: those of sessions proven dead, and those
        made before sessions were kept. Another running copy's removals stay (the app calls this
        at start-up)."""
        with self._write():
            dead = sessions.dead_sessions(self._conn)
            n = self._conn.execute(  # removed rows found by an index, not a scan of the library (ANALYZE)
                "DELETE FROM records WHERE rid IN (SELECT rid FROM records WHERE removed = 1) AND (removed_by IS "
                "NULL OR removed_by IN (SELECT value FROM json_each(?)))", (json.dumps(dead),)).rowcount
            self._conn.execute("DELETE FROM sessions WHERE id IN (SELECT value FROM json_each(?))",
                               (json.dumps(dead),))
        self._changed()
        return n

    def end_session(self) -> int:
        """This copy is quitting: its removals can no longer be undone, so they go for good."""
        me = sessions.current().id
        with self._write():
            n = self._conn.execute("DELETE FROM records WHERE rid IN (SELECT rid FROM records WHERE removed = 1) AND removed_by = ?", (me,)).rowcount
            self._conn.execute("DELETE FROM sessions WHERE id = ?", (me,))
        self._changed()
        return n

    def optimize(self) -> None:
        """Maintenance: merge the index, recount words, checkpoint. Slow on a large library."""
        with self._write():
            self._conn.execute("INSERT INTO record_fts(record_fts) VALUES ('optimize')")
            index.rebuild_terms(self._conn)
        self._changed()
        if self.path is not None:
            self._checkpoint()

    def damaged(self) -> list[str]:
        """Ids of listed records whose stored JSON is damaged: the one place they are named
        (each reads as a DamagedRecordError; search passes over their text)."""
        return [i for i, _ in self.damaged_titles()]

    def damaged_titles(self) -> list[tuple[str, str]]:
        with self._reading():  # the title column is kept apart from the JSON: it names the record
            return health.damaged(self._conn)

    def check(self) -> list[str]:
        """A full integrity check (reads the whole file): the problems found, empty when none."""
        with self._reading():
            return health.full_check(self._conn)

    # -- search ----------------------------------------------------------------------------

    def search(self, query: str, limit: int = 50, *, prefix: bool = True, exact: bool | None = None) -> SearchResult:
        """Records matching every word of ``query``, best first, with matched words located.

        As-you-type: the last word is a prefix unless ``prefix`` is False or the query ends in
        a space. ``exact=None`` ranks with full bm25 when that is cheap and otherwise ranks the
        newest matches (title matches first) so that a keystroke never waits on a scan of the
        whole library; ``exact=True`` always ranks every match (the CLI, or a search run when
        the user stops typing); the result says which it was.
        """
        groups = parse_query(query, prefix)
        labels = tuple(g.label for g in groups)
        if not groups or limit <= 0:
            return SearchResult(query, (), True, labels)
        with self._reading():
            self._refresh()
            return self._ranker.search(query, groups, labels, limit, exact)

    def rank(self, query: str, order: Order = Order(), *, prefix: bool = True) -> Ranking:
        """Every record matching ``query`` (as :meth:`search` with ``exact=True``), best first or in
        ``order``; read them with :meth:`hits` or :meth:`ranked_rows`."""
        groups = parse_query(query, prefix)
        if not groups:
            return Ranking(query, order, (), ())
        with self._reading():
            self._refresh()
            return Ranking(query, order, tuple(self._ranker.rank_all(groups, order)), tuple(groups))

    def hits(self, ranking: Ranking, start: int, stop: int) -> tuple[Hit, ...]:
        """Hits ``start`` to ``stop`` of a ranking (a record removed since is left out)."""
        with self._reading():
            return self._ranker.hits_for(list(ranking.rids[start:stop]), list(ranking.groups))

    def ranked_rows(self, ranking: Ranking, start: int, stop: int) -> list[ListRow]:
        with self._reading():
            return listing.rows_by_rid(self._conn, ranking.rids[start:stop])

    def _refresh(self) -> None:
        """Forget cached counts when this or another connection changed the library."""
        version = self._conn.execute("PRAGMA data_version").fetchone()[0]
        if version != self._data_version or self._data_version is None:
            self._data_version = version
            self._ranker.forget(self._conn.execute("SELECT count(*) FROM records WHERE removed = 0").fetchone()[0])

    def _changed(self) -> None:
        self._data_version = None

    # -- internals -------------------------------------------------------------------------

    def _reading(self) -> "Guard":
        return Guard(self, write=False)

    def _write(self, wait: float | None = None) -> "Guard":
        return Guard(self, write=True, wait=wait)

    def _rows_where(self, ids: list[str], removed: int) -> list[tuple[int, str]]:
        if not ids:
            return []
        return self._conn.execute(
            "SELECT rid, id FROM records WHERE removed = ? AND protected = 0 AND "
            "id IN (SELECT value FROM json_each(?))", (removed, json.dumps(ids))).fetchall()

    def _checkpoint(self) -> None:
        try:
            self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.Error:
            pass  # another reader keeps the WAL; SQLite checkpoints later
