"""Finding damage in a library: the records whose JSON cannot be read, and SQLite's checks."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from viewer.core.library.rows import DAMAGED_SQL, STORED, record_json, stored
from viewer.core.record import RecordError, parse_record


def damaged(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    """(id, title) of listed records whose stored JSON is damaged (a compressed one: its checksum)."""
    return conn.execute(
        f"SELECT id, title FROM records WHERE removed = 0 AND {DAMAGED_SQL} ORDER BY rid").fetchall()


def full_check(conn: sqlite3.Connection) -> list[str]:
    """Every problem ``PRAGMA integrity_check``, FTS5's own check and reading each record find."""
    problems = [r for (r,) in conn.execute("PRAGMA integrity_check") if r != "ok"]
    # rank 1 also compares the index with its content (the records view); a removal awaiting Undo
    # is in the view but out of the index on purpose, so then only the index itself is checked.
    pending = conn.execute("SELECT EXISTS (SELECT 1 FROM records WHERE removed != 0)").fetchone()[0]
    try:
        conn.execute("INSERT INTO record_fts(record_fts, rank) VALUES ('integrity-check', ?)", (0 if pending else 1,))
    except sqlite3.DatabaseError as exc:
        problems.append(f"search index: {exc}")
    for rid, kind, raw in conn.execute(f"SELECT rid, {STORED} FROM records"):
        try:
            parse_record(record_json(stored(kind, raw)), "<library>")
        except (RecordError, ValueError) as exc:
            problems.append(f"record row {rid}: {exc}")
    return problems


# PRAGMA quick_check reads every page: 310 ms for a 100,000-record library (390 MB, warm cache, this
# machine's 2 cores), too slow for every open. So it runs at open only for a file up to this size
# (about 80 ms), or after an unclean shutdown of any size (a write-ahead log left beside the file:
# a clean close checkpoints and removes it; another running copy keeps one too, a harmless extra check).
QUICK_CHECK_MAX_BYTES = 100 * 1024 * 1024


def quick_check_due(path: Path) -> bool:
    try:
        size = path.stat().st_size
    except OSError:
        return False  # a new library
    return size <= QUICK_CHECK_MAX_BYTES or Path(f"{path}-wal").exists()


def quick_check(conn: sqlite3.Connection) -> list[str]:
    """What ``PRAGMA quick_check`` finds (at most five problems); empty when the file is sound."""
    try:
        return [r for (r,) in conn.execute("PRAGMA quick_check(5)") if r != "ok"]
    except sqlite3.DatabaseError as exc:
        return [str(exc)]
