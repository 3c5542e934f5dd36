"""The library file: its name, its schema and migrations, and setting a damaged one aside."""

from __future__ import annotations

import json
import re
import sqlite3
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from viewer.core.library.errors import CorruptLibraryError, LibraryError

LIBRARY_FILE_NAME = "library.sqlite3"
SCHEMA_VERSION = 5
COMPACT_VERSION = 5  # records compressed: a library migrated to it gives the space freed back
APPLICATION_ID = 0x4E434A52  # "NCJR"
SQLITE_HEADER = b"SQLite format 3\x00"


def check_header(path: Path) -> None:
    try:
        with open(path, "rb") as f:
            head = f.read(100)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise LibraryError(path, f"cannot be read ({exc.strerror or exc})") from None
    if head and not head.startswith(SQLITE_HEADER):
        raise CorruptLibraryError(path, "not an SQLite database (the file is damaged or something else)")
    if 0 < len(head) < 100:
        raise CorruptLibraryError(path, "the library file is truncated")


# An upgrade of a library this large takes long enough (about a minute per 60,000 records,
# VACUUM included) that the user is told first, not left with a silent wait.
UPGRADE_NOTICE_BYTES = 20 * 1024 * 1024


def upgrade_due(path: Path) -> int:
    """The size of the library file at ``path`` when opening it will upgrade its format and that
    takes a while (over UPGRADE_NOTICE_BYTES); else 0. Reads the header only (user_version is at
    byte 60)."""
    try:
        with open(path, "rb") as f:
            head = f.read(100)
        size = path.stat().st_size
    except OSError:
        return 0
    if len(head) < 100 or not head.startswith(SQLITE_HEADER):
        return 0
    version = int.from_bytes(head[60:64], "big")
    return size if 0 < version < SCHEMA_VERSION and size > UPGRADE_NOTICE_BYTES else 0


def upgrade_notice(size: int) -> str:
    # Each migration is one transaction, so a stop (even a kill) leaves the library as it was.
    return (f"Upgrading the library ({size / 1_000_000:,.0f} MB) to this version's format, once; this can "
            f"take a few minutes. If it is stopped, the library stays as it was and is upgraded next time.")


# --- schema and migrations ----------------------------------------------------------------


def _migrate_to_1(conn: sqlite3.Connection) -> None:
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID:d}")
    for statement in _SCHEMA_1:  # one by one: executescript() would commit the transaction
        conn.execute(statement)


_SCHEMA_1 = (
    """CREATE TABLE records (
        rid INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        ncj_number TEXT NOT NULL DEFAULT '',
        title TEXT NOT NULL,
        sort_group INTEGER NOT NULL DEFAULT 1,   -- 0 for the bundled record: listed first
        sort_title TEXT NOT NULL,
        authors TEXT NOT NULL DEFAULT '',       -- "; "-joined, as Record.authors
        issued_year INTEGER,
        protected INTEGER NOT NULL DEFAULT 0 CHECK (protected IN (0, 1)),
        removed INTEGER NOT NULL DEFAULT 0 CHECK (removed IN (0, 1)),  -- hidden, awaiting undo or purge
        added_at TEXT NOT NULL,
        json TEXT NOT NULL                      -- the record file format, plus "citation"
    )""",
    "CREATE INDEX records_order ON records(removed, sort_group, sort_title)",
    """CREATE VIEW record_text(rid, title, authors, abstract, annotation, ncj_number) AS
        SELECT rid, title, authors, coalesce(json_extract(json, '$.abstract'), ''),
               coalesce(json_extract(json, '$.annotation'), ''),
               CASE ncj_number WHEN '' THEN '' ELSE 'NCJ ' || ncj_number END
        FROM records""",
    """CREATE VIRTUAL TABLE record_fts USING fts5(
        title, authors, abstract, annotation, ncj_number,
        content='record_text', content_rowid='rid', tokenize='unicode61 remove_diacritics 2')""",
    """CREATE VIRTUAL TABLE head_fts USING fts5(
        title, authors, ncj_number,
        content='record_text', content_rowid='rid', tokenize='unicode61 remove_diacritics 2')""",
    "CREATE TABLE terms (term TEXT PRIMARY KEY, df INTEGER NOT NULL) WITHOUT ROWID",
    "CREATE INDEX terms_p1 ON terms(substr(term, 1, 1), df DESC)",
    "CREATE INDEX terms_p2 ON terms(substr(term, 1, 2), df DESC)",
    """CREATE TRIGGER records_keep_bundled BEFORE DELETE ON records WHEN old.protected = 1
        BEGIN SELECT RAISE(ABORT, 'the bundled record cannot be deleted'); END""",
    """CREATE TRIGGER records_keep_bundled_listed BEFORE UPDATE OF removed ON records
        WHEN old.protected = 1 AND new.removed = 1
        BEGIN SELECT RAISE(ABORT, 'the bundled record cannot be removed'); END""",
)

def _migrate_to_2(conn: sqlite3.Connection) -> None:
    """Record schema 2 (SCHEMA.md): a row's JSON says version 2 and its CSL extras, "citation" in
    version 1, are "csl_extra". Nothing else differs (every field version 2 adds is optional), so
    SQL rewrites the rows in place; a row that is not JSON stays as it is, to be reported as damaged
    when read, never lost. NCJ numbers get an index: imports ask whether one is already there."""
    conn.execute("CREATE INDEX records_ncj ON records(ncj_number) WHERE ncj_number != ''")
    conn.execute(
        """UPDATE records SET json = CASE WHEN json_type(json, '$.citation') IS NULL
                THEN json_set(json, '$.schema_version', 2)
                ELSE json_set(json_remove(json, '$.citation'), '$.schema_version', 2,
                              '$.csl_extra', json(json_extract(json, '$.citation'))) END
           WHERE json_valid(json) AND json_extract(json, '$.schema_version') = 1""")


def _migrate_to_3(conn: sqlite3.Connection) -> None:
    """The list's columns: a Creator column (first author or corporate author, "et al.") and an
    index for each column the list sorts by (listing.SORT_KEYS), so a click on a header reads the
    first screen from an index instead of sorting 235,000 rows."""
    from viewer.core.library.listing import INDEXES, creator_sql

    conn.execute("ALTER TABLE records ADD COLUMN creator TEXT NOT NULL DEFAULT ''")
    conn.execute("ALTER TABLE records ADD COLUMN sort_creator TEXT NOT NULL DEFAULT ''")
    conn.create_function("ncjrs_creator", 2, creator_sql, deterministic=True)
    conn.execute("UPDATE records SET creator = ncjrs_creator(authors, CASE WHEN json_valid(json) "
                 "THEN json_extract(json, '$.corporate_authors') END)")
    conn.create_function("ncjrs_casefold", 1, str.casefold, deterministic=True)
    conn.execute("UPDATE records SET sort_creator = ncjrs_casefold(creator) WHERE creator != ''")
    for statement in INDEXES:
        conn.execute(statement)


def _migrate_sessions_and_safe_text(conn: sqlite3.Connection) -> None:
    """Hardening (issue 16): a removal belongs to the session that made it (``removed_by``, a row
    of ``sessions``), so another copy's start-up no longer purges it; and the search view reads a
    row whose JSON is damaged as empty text instead of failing every search that reaches it."""
    conn.execute("""CREATE TABLE sessions (
        id TEXT PRIMARY KEY, pid INTEGER NOT NULL, started TEXT NOT NULL, host TEXT NOT NULL)""")
    conn.execute("ALTER TABLE records ADD COLUMN removed_by TEXT")  # NULL: removed before sessions
    conn.execute("DROP VIEW record_text")
    conn.execute(_SAFE_RECORD_TEXT)


_SAFE_RECORD_TEXT = """CREATE VIEW record_text(rid, title, authors, abstract, annotation, ncj_number) AS
    SELECT rid, title, authors,
           CASE WHEN json_valid(json) THEN coalesce(json_extract(json, '$.abstract'), '') ELSE '' END,
           CASE WHEN json_valid(json) THEN coalesce(json_extract(json, '$.annotation'), '') ELSE '' END,
           CASE ncj_number WHEN '' THEN '' ELSE 'NCJ ' || ncj_number END
    FROM records"""


def _migrate_to_compact(conn: sqlite3.Connection) -> None:
    """Version 5, a library about the size of the file it was imported from (issue 15): each
    record's JSON is stored compressed (:func:`rows.pack`), the search view reads its abstract and
    annotation through ``ncjrs_text`` (registered on every connection, :func:`rows.register_functions`),
    and corporate authors, sponsoring agencies and journal titles become searchable (``others``,
    a sixth column of ``record_fts``). A row that is not JSON stays as it is, to be reported as
    damaged when read, never lost. The space freed is given back by a VACUUM after the commit."""
    from viewer.core.library import index, rows

    conn.execute("ALTER TABLE records ADD COLUMN others TEXT NOT NULL DEFAULT ''")
    last = 0
    while batch := conn.execute("SELECT rid, json FROM records WHERE rid > ? AND typeof(json) = 'text' "
                                "ORDER BY rid LIMIT 2000", (last,)).fetchall():
        last = batch[-1][0]
        packed = []
        for rid, text in batch:
            try:  # what cannot be packed (not JSON, half a surrogate pair) stays as it is
                data = json.loads(text)
                if isinstance(data, dict):
                    packed.append((rows.pack(data), rows.others_text(data), rid))
            except (ValueError, RecursionError):
                continue
        conn.executemany("UPDATE records SET json = ?, others = ? WHERE rid = ?", packed)
    conn.execute("DROP VIEW record_text")
    conn.execute(_compact_record_text())
    conn.execute("DROP TABLE record_fts")
    conn.execute(_RECORD_FTS_5)
    conn.execute(f"INSERT INTO record_fts(rowid, {index.FTS_COLUMNS}) SELECT rid, {index.FTS_COLUMNS} "
                 "FROM record_text WHERE rid IN (SELECT rid FROM records WHERE removed = 0)")
    index.rebuild_terms(conn)


# A damaged row reads as no text (ncjrs_text gives "" for what it cannot read).
def _compact_record_text() -> str:
    from viewer.core.library.rows import TEXT_SQL

    return f"""CREATE VIEW record_text(rid, title, authors, abstract, annotation, ncj_number, others) AS
    SELECT rid, title, authors, {TEXT_SQL.format(i=0, name='abstract')}, {TEXT_SQL.format(i=1, name='annotation')},
           CASE ncj_number WHEN '' THEN '' ELSE 'NCJ ' || ncj_number END, others
    FROM records"""

_RECORD_FTS_5 = """CREATE VIRTUAL TABLE record_fts USING fts5(
    title, authors, abstract, annotation, ncj_number, others,
    content='record_text', content_rowid='rid', tokenize='unicode61 remove_diacritics 2')"""


REQUIRED_OBJECTS = {"records", "record_text", "record_fts", "head_fts", "terms", "records_keep_bundled",
                    "records_ncj", "records_by_creator", "sessions"}

# MIGRATIONS[v] takes a library at version v - 1 to version v, inside one transaction.
MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {1: _migrate_to_1, 2: _migrate_to_2, 3: _migrate_to_3,
                                                               4: _migrate_sessions_and_safe_text,
                                                               5: _migrate_to_compact}


def give_back_space(conn: sqlite3.Connection, migrated_from: int) -> None:
    """After the migration to COMPACT_VERSION of a library that held records (committed): VACUUM,
    which rewrites the file without the pages the old rows held. Atomic like any transaction; when
    it cannot run now (another copy is reading, the disk lacks room for the copy it makes) the
    library works as it is, larger."""
    if not 0 < migrated_from < COMPACT_VERSION <= SCHEMA_VERSION:
        return
    try:
        conn.execute("VACUUM")
    except sqlite3.Error:
        pass


# --- setting a library aside ------------------------------------------------------------


def library_file(directory: Path | str) -> Path:
    return Path(directory) / LIBRARY_FILE_NAME


def set_aside(directory: Path | str, reason: str = "set-aside") -> Path | None:
    """Rename the library file (and its -wal/-shm companions) to a timestamped name in the same
    folder, untouched, so a fresh library can be opened. Never deletes. Returns the new path of
    the database file, or None when there was none. Close every Library on it first."""
    path = library_file(directory)
    if not path.exists():
        return None
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    tag = re.sub(r"[^A-Za-z0-9-]+", "-", reason).strip("-") or "set-aside"
    for n in range(1000):
        name = f"library-{stamp}-{tag}{f'-{n}' if n else ''}.sqlite3"
        target = path.with_name(name)
        if not any(target.with_name(name + s).exists() for s in ("", "-wal", "-shm")):
            break
    else:
        raise LibraryError(path, "cannot find a free name to set the library aside")
    try:
        # Companions first, the main file last: stopped half-way, a fresh library could otherwise
        # meet the old -wal under its own name and replay it.
        for suffix in ("-wal", "-shm"):
            companion = path.with_name(path.name + suffix)
            if companion.exists():
                companion.rename(target.with_name(target.name + suffix))
        path.rename(target)
    except OSError as exc:
        raise LibraryError(path, f"cannot be set aside ({exc.strerror or exc})") from None
    return target

