"""The library list's columns and their order in SQL: each sortable column is read from an index,
so the first screen of 235,000 records sorted by any column costs one index walk, not a sort."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Sequence

from viewer.core.library.matching import Hit

COLUMNS = ("title", "creator", "year", "ncj")

# Each column's sort key, as SQL expressions over ``records``. The same expressions make the
# indexes below (SQLite uses an index on expressions only for the very same expressions). Empty
# values come last in ascending order; NCJ numbers (digits, no leading zeros) sort as numbers.
SORT_KEYS: dict[str, tuple[str, ...]] = {
    "title": ("sort_title",),
    "creator": ("sort_creator = ''", "sort_creator"),
    "year": ("coalesce(issued_year, 100000)",),
    "ncj": ("ncj_number = ''", "length(ncj_number)", "ncj_number"),
}
# No column chosen: the library order, the bundled record first, then by title.
LIBRARY_ORDER = ("sort_group", "sort_title")

INDEXES = tuple(f"CREATE INDEX records_by_{name} ON records(removed, {', '.join(keys)})"
                for name, keys in SORT_KEYS.items())

ROW_COLUMNS = "id, title, creator, issued_year, ncj_number"


@dataclass(frozen=True)
class Order:
    """A list order: a column of COLUMNS (ascending or descending), or "" for the library order."""

    column: str = ""
    descending: bool = False

    @classmethod
    def parse(cls, text: str) -> "Order":
        """From a setting: "year", "-year", or "" (library order); anything else is the library order."""
        column = text.lstrip("-")
        return cls(column, text.startswith("-")) if column in COLUMNS else cls()

    def __str__(self) -> str:
        return ("-" if self.descending else "") + self.column if self.column else ""

    def keys(self) -> tuple[str, ...]:
        return SORT_KEYS[self.column] if self.column else LIBRARY_ORDER

    def order_by(self) -> str:
        direction = " DESC" if self.descending else ""
        return ", ".join(f"{k}{direction}" for k in (*self.keys(), "rid"))


@dataclass(frozen=True)
class ListRow:
    id: str
    title: str
    creator: str
    year: int | None
    ncj_number: str


def creator_text(authors: Sequence[str], corporate: Sequence[str] = ()) -> str:
    """The Creator column: the first author (or, with none, the first corporate author) as the
    record gives it, with "et al." when the record names more creators."""
    names = [n for n in (*authors, *corporate) if n]
    if not names:
        return ""
    return names[0] + (" et al." if len(names) > 1 else "")


def creator_sql(authors: str | None, corporate_json: str | None) -> str:
    """creator_text for a stored row: "; "-joined authors and the JSON of its corporate authors."""
    try:
        corporate = [a.get("name", "") for a in json.loads(corporate_json or "[]") if isinstance(a, dict)]
    except (ValueError, TypeError, AttributeError):
        corporate = []
    return creator_text(authors.split("; ") if authors else [], corporate)


def sorted_hits(hits: Sequence[Hit], order: Order) -> list[Hit]:
    """Hits at hand in a column's order, as SORT_KEYS orders them in SQL."""
    def key(hit: Hit) -> tuple:
        return {"title": (hit.title.casefold(),),
                "creator": (hit.creator == "", hit.creator.casefold()),
                "year": (hit.year if hit.year is not None else 100000,),
                "ncj": (hit.ncj_number == "", len(hit.ncj_number), hit.ncj_number)}[order.column]
    return sorted(hits, key=key, reverse=order.descending)


def list_rows(conn: sqlite3.Connection, offset: int, limit: int, order: Order) -> list[ListRow]:
    rows = conn.execute(f"SELECT {ROW_COLUMNS} FROM records WHERE removed = 0 ORDER BY {order.order_by()} "
                        "LIMIT ? OFFSET ?", (max(0, limit), max(0, offset))).fetchall()
    return [ListRow(*r) for r in rows]


def position(conn: sqlite3.Connection, record_id: str, order: Order) -> int | None:
    """How many listed records come before this one in ``order``; None when it is not listed."""
    keys = (*order.keys(), "rid")
    row = conn.execute(f"SELECT {', '.join(keys)} FROM records WHERE id = ? AND removed = 0",
                       (record_id,)).fetchone()
    if row is None:
        return None
    compare = ">" if order.descending else "<"
    marks = ", ".join("?" * len(keys))
    return conn.execute(f"SELECT count(*) FROM records WHERE removed = 0 AND ({', '.join(keys)}) {compare} ({marks})",
                        row).fetchone()[0]


def sorted_matches(conn: sqlite3.Connection, expr: str, order: Order) -> list[int]:
    """The rids of every record the FTS expression matches, in a column's order."""
    return [rid for (rid,) in conn.execute(
        f"SELECT rid FROM records WHERE removed = 0 AND rid IN (SELECT rowid FROM record_fts WHERE record_fts "
        f"MATCH ?) ORDER BY {order.order_by()}", (expr,))]


def rows_by_rid(conn: sqlite3.Connection, rids: Sequence[int]) -> list[ListRow]:
    """Rows of these rids, in the order given."""
    found = {r[0]: ListRow(*r[1:]) for r in conn.execute(
        f"SELECT rid, {ROW_COLUMNS} FROM records WHERE rid IN (SELECT value FROM json_each(?))",
        (json.dumps(list(rids)),))}
    return [found[rid] for rid in rids if rid in found]
