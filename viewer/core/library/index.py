"""Keeping the search indexes in step with ``records``, inside the caller's transaction.

Both FTS5 tables take their content from the ``record_text`` view (external content), so rows
are added by rowid range and taken out with their old values."""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from typing import Any

from viewer.core.library.matching import words
from viewer.core.record import Record


def insert_rows(conn: sqlite3.Connection, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    first = (conn.execute("SELECT max(rid) FROM records").fetchone()[0] or 0) + 1
    conn.executemany(
        "INSERT INTO records(rid, id, ncj_number, title, sort_group, sort_title, authors, issued_year, "
        "protected, removed, added_at, json, creator, sort_creator) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?)",
        [(first + i, r["id"], r["ncj_number"], r["title"], r["sort_group"], r["sort_title"], r["authors"],
          r["issued_year"], r["protected"], r["added_at"], r["json"], r["creator"], r["sort_creator"])
         for i, r in enumerate(rows)])
    fts_insert_range(conn, first, first + len(rows) - 1)

def fts_insert_range(conn: sqlite3.Connection, first: int, last: int) -> None:
    conn.execute(
        "INSERT INTO record_fts(rowid, title, authors, abstract, annotation, ncj_number) "
        "SELECT rid, title, authors, abstract, annotation, ncj_number FROM record_text "
        "WHERE rid BETWEEN ? AND ?", (first, last))
    conn.execute(
        "INSERT INTO head_fts(rowid, title, authors, ncj_number) "
        "SELECT rid, title, authors, ncj_number FROM record_text WHERE rid BETWEEN ? AND ?", (first, last))

def fts_delete(conn: sqlite3.Connection, rids: list[int]) -> None:
    """Take rows out of both indexes (external content: the old values must be given)."""
    if rids:
        chosen = json.dumps(rids)
        conn.execute(
            "INSERT INTO record_fts(record_fts, rowid, title, authors, abstract, annotation, ncj_number) "
            "SELECT 'delete', rid, title, authors, abstract, annotation, ncj_number FROM record_text "
            "WHERE rid IN (SELECT value FROM json_each(?))", (chosen,))
        conn.execute(
            "INSERT INTO head_fts(head_fts, rowid, title, authors, ncj_number) "
            "SELECT 'delete', rid, title, authors, ncj_number FROM record_text "
            "WHERE rid IN (SELECT value FROM json_each(?))", (chosen,))

def count_terms(conn: sqlite3.Connection, records: list[Record]) -> None:
    counts: Counter[str] = Counter()
    for r in records:
        text = " ".join((r.title, "; ".join(r.authors), r.abstract, r.annotation,
                         f"NCJ {r.ncj_number}" if r.ncj_number else ""))
        counts.update(set(words(text)))
    if counts:
        conn.executemany(
            "INSERT INTO terms(term, df) VALUES (?, ?) ON CONFLICT(term) DO UPDATE SET df = df + excluded.df",
            counts.items())

def rebuild_terms(conn: sqlite3.Connection) -> None:
    conn.execute(
        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.record_vocab USING fts5vocab(main, record_fts, row)")
    conn.execute("DELETE FROM terms")
    conn.execute("INSERT INTO terms(term, df) SELECT term, doc FROM temp.record_vocab")
