"""Keeping the search indexes in step with ``records``, inside the caller's transaction.

Both FTS5 tables take their content from the ``record_text`` view (external content): new rows
are indexed from the values in hand (the view would decompress what was just compressed), rows
restored by rowid range from the view, and rows are taken out with their old values."""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from typing import Any

from viewer.core.library.matching import WORD, words

# The columns of record_fts, as the record_text view gives them (schema 5 added "others").
FTS_COLUMNS = "title, authors, abstract, annotation, ncj_number, others"
HEAD_COLUMNS = "title, authors, ncj_number"


def fts_values(row: dict[str, Any]) -> tuple[str, str, str, str, str, str]:
    """A row's text as record_text gives it: title, authors, abstract, annotation, NCJ, others."""
    ncj = row["ncj_number"]
    return (row["title"], row["authors"], row["abstract"], row["annotation"], f"NCJ {ncj}" if ncj else "",
            row["others"])


def insert_rows(conn: sqlite3.Connection, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    first = (conn.execute("SELECT max(rid) FROM records").fetchone()[0] or 0) + 1
    conn.executemany(
        "INSERT INTO records(rid, id, ncj_number, title, sort_group, sort_title, authors, issued_year, "
        "protected, removed, added_at, json, creator, sort_creator, others) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?)",
        [(first + i, r["id"], r["ncj_number"], r["title"], r["sort_group"], r["sort_title"], r["authors"],
          r["issued_year"], r["protected"], r["added_at"], r["json"], r["creator"], r["sort_creator"], r["others"])
         for i, r in enumerate(rows)])
    texts = [(first + i, *fts_values(r)) for i, r in enumerate(rows)]
    conn.executemany(f"INSERT INTO record_fts(rowid, {FTS_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)", texts)
    conn.executemany(f"INSERT INTO head_fts(rowid, {HEAD_COLUMNS}) VALUES (?, ?, ?, ?)",
                     [(t[0], t[1], t[2], t[5]) for t in texts])


def fts_insert_range(conn: sqlite3.Connection, first: int, last: int) -> None:
    conn.execute(f"INSERT INTO record_fts(rowid, {FTS_COLUMNS}) SELECT rid, {FTS_COLUMNS} FROM record_text "
                 "WHERE rid BETWEEN ? AND ?", (first, last))
    conn.execute(f"INSERT INTO head_fts(rowid, {HEAD_COLUMNS}) SELECT rid, {HEAD_COLUMNS} FROM record_text "
                 "WHERE rid BETWEEN ? AND ?", (first, last))

def fts_delete(conn: sqlite3.Connection, rids: list[int]) -> None:
    """Take rows out of both indexes (external content: the old values must be given)."""
    if rids:
        chosen = json.dumps(rids)
        for table, columns in (("record_fts", FTS_COLUMNS), ("head_fts", HEAD_COLUMNS)):
            conn.execute(f"INSERT INTO {table}({table}, rowid, {columns}) SELECT 'delete', rid, {columns} "
                         "FROM record_text WHERE rid IN (SELECT value FROM json_each(?))", (chosen,))

def count_terms(conn: sqlite3.Connection, rows: list[dict[str, Any]]) -> None:
    """Add the words of rows (:func:`rows.row_for`) to ``terms``."""
    counts: Counter[str] = Counter()
    for r in rows:
        text = " ".join(fts_values(r))
        # ASCII text folds as a whole (matching.fold lowers ASCII words): one call, not one a word
        counts.update(set(WORD.findall(text.lower())) if text.isascii() else set(words(text)))
    if counts:
        conn.executemany(
            "INSERT INTO terms(term, df) VALUES (?, ?) ON CONFLICT(term) DO UPDATE SET df = df + excluded.df",
            counts.items())

def rebuild_terms(conn: sqlite3.Connection) -> None:
    conn.execute(
        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.record_vocab USING fts5vocab(main, record_fts, row)")
    conn.execute("DELETE FROM terms")
    conn.execute("INSERT INTO terms(term, df) SELECT term, doc FROM temp.record_vocab")
