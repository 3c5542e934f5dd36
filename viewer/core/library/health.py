"""Finding damage in a library: the records whose JSON cannot be read, and SQLite's checks."""

from __future__ import annotations

import sqlite3

from viewer.core.record import RecordError, parse_record


def damaged(conn: sqlite3.Connection) -> list[str]:
    """Ids of listed records whose stored JSON is damaged."""
    return [i for (i,) in conn.execute(
        "SELECT id FROM records WHERE removed = 0 AND NOT json_valid(json) ORDER BY rid")]


def full_check(conn: sqlite3.Connection) -> list[str]:
    """Every problem ``PRAGMA integrity_check``, FTS5's own check and reading each record find."""
    problems = [r for (r,) in conn.execute("PRAGMA integrity_check") if r != "ok"]
    try:
        conn.execute("INSERT INTO record_fts(record_fts, rank) VALUES ('integrity-check', 1)")
    except sqlite3.DatabaseError as exc:
        problems.append(f"search index: {exc}")
    for rid, text in conn.execute("SELECT rid, json FROM records"):
        try:
            parse_record(text, "<library>")
        except (RecordError, ValueError) as exc:
            problems.append(f"record row {rid}: {exc}")
    return problems
