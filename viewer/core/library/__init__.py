"""The user's library: records in an embedded SQLite database, searched with FTS5. No Qt here.

One file, ``library.sqlite3``, in a folder the caller chooses (the app passes its data
location or ``--library DIR``); ``Library.open(None)`` gives a library in memory that
holds only the bundled record and keeps nothing.

How the data is kept
--------------------
* ``records``: one row a record. ``json`` holds the record in the record file format
  (``"schema": "ncjrs-viewer.record"``, see :func:`record_to_data`) plus, under
  ``"citation"``, the CSL-JSON fields the imported file gave that a Record has no field for
  (publisher, journal, DOI, URL, structured author names...). Title, authors and NCJ number
  are also columns, for lists, sorting and search.
* ``record_fts``: an FTS5 index over title, authors, abstract, annotation and NCJ number.
  Its content is the ``record_text`` view over ``records`` (external content), so the text
  is stored once. It is kept in step by this module, inside the same transaction as every
  change to ``records`` (triggers would be simpler, but made a bulk import three times slower).
* ``head_fts``: a second, small FTS5 index over title, authors and NCJ number only, for
  ranking broad queries cheaply (see :meth:`Library.search`).
* ``terms``: every indexed word with the number of records holding it. It turns the word
  being typed into its most frequent completions and tells the search what a query costs.
  Counts are upper bounds: removals do not lower them; large imports and
  :meth:`Library.optimize` recount them from the index.
* Versioned schema: ``PRAGMA user_version`` counts the migrations applied (``MIGRATIONS``),
  ``PRAGMA application_id`` marks the file as ours. WAL journal, ``synchronous=FULL``; every
  change (one import, one removal) is one transaction, so a killed program leaves the
  library as it was before or after it, never between.

The bundled record
------------------
NCJ 203234 ships in ``resources/records``. Its row here is only an entry for listing and
search: it is written from the resources when a library is created and again on every open
where it is missing or differs, it is marked ``protected`` (triggers refuse to delete or
remove it), and :meth:`Library.get` always answers it from the resources, never from the
database. Whatever happens to the database, the user sees the shipped record.

Search
------
Every word of the query must match (title, authors, abstract, annotation or NCJ number);
"quoted words" match as a phrase; the last word, while it is being typed, matches as a
prefix through its most frequent completions. FTS5's bm25 ranks every match when that is
cheap (known from ``terms``: few index entries to count, few matches to rank). For a broad
query (common words, one or two letters typed) bm25 would count the whole index on every
keystroke (over 100 ms at 235,000 records), so the keystroke is answered from a bounded
set instead: the newest records with every word in title, authors or NCJ number, ranked by
bm25 over those fields, then other matches; the result says ``exact=False`` and the caller
can search again with ``exact=True`` when typing stops.

Errors
------
Everything this module raises is a :class:`LibraryError` naming the file:
:class:`CorruptLibraryError` (not a database, damaged pages or schema),
:class:`NewerLibraryError` (written by a newer version of the program),
:class:`ForeignDatabaseError` (an SQLite file of some other program). For each of these the
app should call :func:`set_aside` (a rename, never a delete) and open a fresh library.
"""

from __future__ import annotations

import html
import json
import math
import re
import sqlite3
import unicodedata
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping, Sequence

from viewer.core.importers import ImportedRecord, ImportReport, read_file
from viewer.core.record import ABSTRACT_ID, SCHEMA_NAME, Record, RecordError, Section, parse_record
from viewer.core.record import SCHEMA_VERSION as RECORD_SCHEMA_VERSION
from viewer.core.resources import BUNDLED_RECORD_ID, bundled_record

LIBRARY_FILE_NAME = "library.sqlite3"
SCHEMA_VERSION = 1
APPLICATION_ID = 0x4E434A52  # "NCJR"
_SQLITE_HEADER = b"SQLite format 3\x00"

# Column weights of the ranking: title, authors, abstract, annotation, NCJ number.
WEIGHTS = (10.0, 5.0, 1.0, 2.0, 10.0)
# The word being typed is matched by at most this many of its completions, most frequent first
# (by its length: a one-letter word has thousands).
MAX_COMPLETIONS = {1: 8, 2: 16}
MAX_COMPLETIONS_LONG = 32
# A query is ranked with full bm25 over all its matches when that is cheap: no more than
# EXACT_POSTINGS index entries to count and no more than EXACT_MATCHES records to rank.
EXACT_POSTINGS = 40_000
EXACT_MATCHES = 2_000
# Otherwise (as-you-type over common words) the newest matches are ranked: up to CAP_HEAD that
# match in title/authors/NCJ number and CAP_ANY that match anywhere.
CAP_HEAD = 300
CAP_ANY = 100
# An import this large rebuilds the word list from the index instead of counting in Python.
TERMS_REBUILD_MIN = 5_000
_BATCH = 1_000


# --- errors -----------------------------------------------------------------------------


class LibraryError(Exception):
    """A library that cannot be used; the message names the file."""

    def __init__(self, path: Path | str | None, problem: str) -> None:
        self.path = Path(path) if path else None
        self.problem = problem
        super().__init__(f"{path or 'library in memory'}: {problem}")


class CorruptLibraryError(LibraryError):
    """Not an SQLite database, or one whose pages or schema are damaged."""


class NewerLibraryError(LibraryError):
    """Written by a newer version of the program; this one must not touch it."""

    def __init__(self, path: Path | str, version: int) -> None:
        self.version = version
        super().__init__(path, f"library version {version} is newer than this program reads ({SCHEMA_VERSION})")


class ForeignDatabaseError(LibraryError):
    """An SQLite database, but not a library of this program."""


class DamagedRecordError(LibraryError):
    """One stored record cannot be read (the rest of the library is fine)."""


class ImportCancelled(LibraryError):
    """An import stopped by its cancel callback; nothing of it was written."""


# --- results ----------------------------------------------------------------------------

Span = tuple[int, int]


@dataclass(frozen=True)
class AddResult:
    added: tuple[str, ...] = ()
    duplicates: tuple[str, ...] = ()  # already in the library (or twice in the input): skipped


@dataclass(frozen=True)
class ImportOutcome:
    report: ImportReport
    result: AddResult
    written: bool  # False when all-or-none refused a file with bad entries


@dataclass(frozen=True)
class Hit:
    """One search result. Spans are (start, end) character offsets of matched words."""

    id: str
    title: str
    authors: str
    ncj_number: str
    rank: float  # higher is better; compare only within one SearchResult
    title_spans: tuple[Span, ...] = ()
    snippet: str = ""  # plain text from the field named by snippet_field, "…" where cut
    snippet_spans: tuple[Span, ...] = ()
    snippet_field: str = ""  # "abstract", "annotation", "authors" or ""

    def title_html(self) -> str:
        return highlight_html(self.title, self.title_spans)

    def snippet_html(self) -> str:
        return highlight_html(self.snippet, self.snippet_spans)


@dataclass(frozen=True)
class SearchResult(Sequence[Hit]):
    query: str
    hits: tuple[Hit, ...] = ()
    # True: ranked by bm25 over every match. False: a broad query while typing, ranked over
    # its newest matches (title matches first); search again with exact=True when idle.
    exact: bool = True
    terms: tuple[str, ...] = ()  # words matched, folded; a trailing "*" marks a prefix

    def __len__(self) -> int:
        return len(self.hits)

    def __getitem__(self, index):  # type: ignore[override]
        return self.hits[index]

    def __iter__(self) -> Iterator[Hit]:
        return iter(self.hits)


def highlight_html(text: str, spans: Iterable[Span], tag: str = "b") -> str:
    """Text as escaped HTML with each span wrapped in <tag>: record text is never markup."""
    out, pos = [], 0
    for start, end in sorted(spans):
        if start < pos:
            continue
        out.append(html.escape(text[pos:start]))
        out.append(f"<{tag}>{html.escape(text[start:end])}</{tag}>")
        pos = end
    out.append(html.escape(text[pos:]))
    return "".join(out)


# --- record <-> stored JSON -------------------------------------------------------------


def record_to_data(record: Record, citation: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The record in the record file format (what ``viewer.core.record.parse_record`` reads)."""
    data: dict[str, Any] = {
        "schema": SCHEMA_NAME,
        "schema_version": RECORD_SCHEMA_VERSION,
        "id": record.id,
        "ncj_number": record.ncj_number,
        "title": record.title,
    }
    if record.title_sentence_case and record.title_sentence_case != record.title:
        data["title_sentence_case"] = record.title_sentence_case
    if record.date_published:
        data["date_published"] = record.date_published
    if record.issued_year is not None:
        data["issued"] = {"year": record.issued_year}
        if record.issued_month is not None:
            data["issued"]["month"] = record.issued_month
    if record.length:
        data["length"] = record.length
    if record.pages is not None:
        data["pages"] = record.pages
    data["authors"] = list(record.authors)
    data["annotation"] = record.annotation
    data["abstract"] = record.abstract
    if record.provenance:
        prov = {"library": record.provenance.library, "agency": record.provenance.agency}
        if record.provenance.url:
            prov["url"] = record.provenance.url
        data["provenance"] = prov
    abstract = record.section(ABSTRACT_ID)
    if abstract and abstract.children:
        data["outline"] = [_section_to_data(s) for s in abstract.children]
    if citation:
        data["citation"] = dict(citation)
    return data


def _section_to_data(section: Section) -> dict[str, Any]:
    data: dict[str, Any] = {"id": section.id, "heading": section.heading, "source": section.source,
                            "text": list(section.text)}
    if section.emphasis:
        data["emphasis"] = section.emphasis
    if section.children:
        data["children"] = [_section_to_data(c) for c in section.children]
    return data


def record_from_json(text: str, source: str = "<library>") -> Record:
    """Read a stored record, checked as a record file is (raises RecordError)."""
    return parse_record(text, source)


def _dumps(data: Mapping[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


# --- words ------------------------------------------------------------------------------

_WORD = re.compile(r"[^\W_]+")
_NCJ_JOINED = re.compile(r"^(ncj)(\d+)$")


def fold(word: str) -> str:
    """A word as the index keeps it (unicode61, remove_diacritics 2): lower case, no accents."""
    if word.isascii():
        return word.lower()
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def words(text: str) -> list[str]:
    return [fold(w) for w in _WORD.findall(text)]


def _folded_with_map(text: str) -> tuple[str, list[int] | None]:
    """Text folded for matching, and for non-ASCII text the original offset of each folded char."""
    if text.isascii():
        return text.lower(), None
    out, where = [], []
    for i, char in enumerate(text):
        for f in fold(char) if (char.isalnum() or unicodedata.combining(char)) else char.lower():
            out.append(f)
            where.append(i)
    where.append(len(text))
    return "".join(out), where


@dataclass(frozen=True)
class _Group:
    words: tuple[str, ...]  # one word, or the words of a quoted phrase
    prefix: bool = False  # the word still being typed

    @property
    def label(self) -> str:
        return " ".join(self.words) + ("*" if self.prefix else "")


def parse_query(query: str, prefix: bool = True) -> list[_Group]:
    """Words to match, each a group; "quoted words" make a phrase; the last word, when the
    query does not end in a space or punctuation, is a prefix (as-you-type)."""
    groups: list[_Group] = []
    for i, part in enumerate(query.split('"')):
        found: list[str] = []
        for w in words(part):
            m = _NCJ_JOINED.match(w)
            found.extend(m.groups() if m else (w,))
        # "NCJ 203234": the number says it all (and "ncj" is in nearly every NCJRS record).
        found = [w for i, w in enumerate(found) if not (w == "ncj" and i + 1 < len(found) and found[i + 1].isdigit())]
        if i % 2 and len(found) > 1:
            groups.append(_Group(tuple(found)))
        else:
            groups.extend(_Group((w,)) for w in found)
    groups = list(dict.fromkeys(groups))[:16]
    if prefix and groups and query and _WORD.match(query[-1]) and len(groups[-1].words) == 1 \
            and query.count('"') % 2 == 0:
        groups[-1] = _Group(groups[-1].words, prefix=True)
    return groups


class _Matcher:
    """Finds the query's words in a text (for scoring and highlighting)."""

    def __init__(self, groups: Sequence[_Group]) -> None:
        self.groups = groups
        self.any = self._pattern(groups)
        self.exact: dict[str, list[int]] = {}
        self.prefixes: list[tuple[str, int]] = []
        for gi, g in enumerate(groups):
            if g.prefix:
                self.prefixes.append((g.words[0], gi))
            else:
                for w in g.words:
                    self.exact.setdefault(w, []).append(gi)

    @staticmethod
    def _pattern(groups: Sequence[_Group]) -> re.Pattern[str]:
        alts = sorted({re.escape(w) + (r"[^\W_]*" if g.prefix else "") for g in groups for w in g.words},
                      key=len, reverse=True)
        return re.compile(r"(?<![^\W_])(?:" + "|".join(alts) + r")(?![^\W_])")

    def spans(self, text: str) -> list[Span]:
        if not text:
            return []
        folded, where = _folded_with_map(text)
        found = [(m.start(), m.end()) for m in self.any.finditer(folded)]
        if where is not None:
            found = [(where[s], where[e - 1] + 1) for s, e in found]
        return found

    def tally(self, tokens: list[str]) -> list[int]:
        """How many of the (folded) tokens match each group."""
        counts = [0] * len(self.groups)
        exact, prefixes = self.exact, self.prefixes
        for token in tokens:
            hit = exact.get(token)
            if hit:
                for gi in hit:
                    counts[gi] += 1
            for p, gi in prefixes:
                if token.startswith(p):
                    counts[gi] += 1
        return counts


def match_spans(text: str, query: str, prefix: bool = True) -> tuple[Span, ...]:
    """Where the words of a query occur in a text, as search matches them (for highlighting
    a record's sections after a search)."""
    groups = parse_query(query, prefix)
    return tuple(_Matcher(groups).spans(text)) if groups else ()


# --- the library ------------------------------------------------------------------------

Progress = Callable[[int, int], None]
Cancel = Callable[[], bool]


class Library:
    """One connection to one library. Use one Library per thread (an import worker opens its own)."""

    def __init__(self, conn: sqlite3.Connection, path: Path | None) -> None:
        self._conn = conn
        self.path = path
        self._data_version: int | None = None
        self._doc_count = 0
        self._completions: dict[str, tuple[list[tuple[str, int]], bool]] = {}

    # -- opening ---------------------------------------------------------------------------

    @classmethod
    def open(cls, directory: Path | str | None) -> "Library":
        """Open (or create) the library in ``directory``; None gives one in memory.

        Raises CorruptLibraryError, NewerLibraryError or ForeignDatabaseError for a file that
        must be set aside (:func:`set_aside`), LibraryError when the folder cannot be used.
        """
        if directory is None:
            conn = sqlite3.connect(":memory:", isolation_level=None)
            lib = cls(conn, None)
            lib._prepare(None)
            return lib
        directory = Path(directory)
        path = directory / LIBRARY_FILE_NAME
        try:
            directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise LibraryError(directory, f"cannot create the library folder ({exc.strerror or exc})") from None
        _check_header(path)
        try:
            conn = sqlite3.connect(str(path), isolation_level=None, timeout=5.0)
        except sqlite3.Error as exc:
            raise _error(path, exc) from None
        lib = cls(conn, path)
        try:
            lib._prepare(path)
        except BaseException:
            conn.close()
            raise
        return lib

    def _prepare(self, path: Path | None) -> None:
        conn = self._conn
        try:
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            tables = conn.execute("SELECT count(*) FROM sqlite_schema").fetchone()[0]
        except sqlite3.Error as exc:
            raise _error(path, exc) from None
        if app_id not in (0, APPLICATION_ID) or (app_id == 0 and (version or tables)):
            raise ForeignDatabaseError(path, "an SQLite database of another program, not a library")
        if version > SCHEMA_VERSION:
            raise NewerLibraryError(path or "<memory>", version)
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
            self._seed_bundled()
        except sqlite3.Error as exc:
            raise _error(path, exc) from None

    def _migrate(self) -> None:
        """Apply MIGRATIONS one version at a time, each in its own transaction."""
        # A plain read first: opening an up-to-date library must not wait for another writer.
        while self._conn.execute("PRAGMA user_version").fetchone()[0] < SCHEMA_VERSION:
            with self._write():  # re-read under the write lock: another process may have migrated
                version = self._conn.execute("PRAGMA user_version").fetchone()[0]
                if version > SCHEMA_VERSION:
                    raise NewerLibraryError(self.path or "<memory>", version)
                if version == SCHEMA_VERSION:
                    break
                MIGRATIONS[version + 1](self._conn)
                self._conn.execute(f"PRAGMA user_version = {version + 1:d}")

    def _check_schema(self) -> None:
        present = {name for (name,) in self._conn.execute("SELECT name FROM sqlite_schema")}
        missing = sorted(_REQUIRED_OBJECTS - present)
        if missing:
            raise CorruptLibraryError(self.path, f"the library's schema is damaged (missing {', '.join(missing)})")

    def _seed_bundled(self) -> None:
        record = bundled_record()
        text = _dumps(record_to_data(record))

        def current() -> tuple | None:
            return self._conn.execute("SELECT rid, json, protected, removed FROM records WHERE id = ?",
                                      (record.id,)).fetchone()

        row = current()
        if row is not None and row[1:] == (text, 1, 0):
            return
        with self._write():
            row = current()
            if row is not None and row[1:] == (text, 1, 0):
                return
            if row is None:
                self._insert_rows([_row_for(record, text, protected=True)])
            else:
                rid = row[0]
                if not row[3]:
                    self._fts_delete([rid])
                fields = _row_for(record, text, protected=True)
                self._conn.execute(
                    "UPDATE records SET ncj_number=?, title=?, sort_group=0, sort_title=?, authors=?, "
                    "issued_year=?, json=?, protected=1, removed=0 WHERE rid=?",
                    (fields["ncj_number"], fields["title"], fields["sort_title"], fields["authors"],
                     fields["issued_year"], text, rid))
                self._fts_insert_range(rid, rid)
            self._count_terms([record])

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
        with self._reading():
            return self._conn.execute(
                "SELECT id, title FROM records WHERE removed = 0 ORDER BY sort_group, sort_title, rid "
                "LIMIT ? OFFSET ?", (max(0, limit), max(0, offset))).fetchall()

    def row_of(self, record_id: str) -> int | None:
        """The position of a record in :meth:`page` order, or None if it is not in the library."""
        with self._reading():
            row = self._conn.execute("SELECT sort_group, sort_title, rid FROM records WHERE id = ? AND removed = 0",
                                     (record_id,)).fetchone()
            if row is None:
                return None
            return self._conn.execute(
                "SELECT count(*) FROM records WHERE removed = 0 AND (sort_group, sort_title, rid) < (?, ?, ?)",
                row).fetchone()[0]

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
        """The CSL-JSON fields an imported file gave beyond the Record (empty for the bundled record)."""
        if record_id == BUNDLED_RECORD_ID:
            return {}
        return dict(self._load(record_id)[1])

    def is_protected(self, record_id: str) -> bool:
        return record_id == BUNDLED_RECORD_ID

    def _load(self, record_id: str) -> tuple[Record, Mapping[str, Any]]:
        with self._reading():
            row = self._conn.execute("SELECT json FROM records WHERE id = ? AND removed = 0", (record_id,)).fetchone()
        if row is None:
            raise KeyError(record_id)
        source = f"{self.path or 'library'} (record {record_id})"
        try:
            record = record_from_json(row[0], source)
            citation = record.citation
        except (RecordError, ValueError, AttributeError) as exc:
            raise DamagedRecordError(self.path, f"record {record_id} cannot be read ({exc})") from None
        return record, citation

    # -- writing ---------------------------------------------------------------------------

    def add_records(self, items: Iterable[Record | ImportedRecord], *, progress: Progress | None = None,
                    cancel: Cancel | None = None) -> AddResult:
        """Add records in one transaction; records whose id is already there are skipped as
        duplicates. ``progress(done, total)`` is called between batches; when ``cancel()``
        returns True the transaction is rolled back and ImportCancelled raised."""
        items = list(items)
        total = len(items)
        added: list[str] = []
        duplicates: list[str] = []
        with self._write():
            present = self._present_ids([_record_of(i).id for i in items])
            seen: set[str] = set()
            fresh: list[Record] = []
            for start in range(0, total, _BATCH):
                if cancel is not None and cancel():
                    raise ImportCancelled(self.path, "import cancelled; nothing was added")
                rows = []
                for item in items[start:start + _BATCH]:
                    record = _record_of(item)
                    if record.id in seen or present.get(record.id) == 0:
                        duplicates.append(record.id)
                        continue
                    seen.add(record.id)
                    citation = item.citation if isinstance(item, ImportedRecord) else None
                    rows.append(_row_for(record, _dumps(record_to_data(record, citation))))
                    fresh.append(record)
                    added.append(record.id)
                replaced = [(r["id"],) for r in rows if present.get(r["id"]) == 1]
                if replaced:  # removed earlier, awaiting purge: the new copy takes its place
                    self._conn.executemany("DELETE FROM records WHERE id = ? AND removed = 1", replaced)
                self._insert_rows(rows)
                if progress is not None:
                    progress(min(start + _BATCH, total), total)
            if cancel is not None and cancel():
                raise ImportCancelled(self.path, "import cancelled; nothing was added")
            if len(fresh) >= TERMS_REBUILD_MIN:
                self._rebuild_terms()
            else:
                self._count_terms(fresh)
        self._changed()
        if len(added) >= TERMS_REBUILD_MIN and self.path is not None:
            self._checkpoint()
        return AddResult(tuple(added), tuple(duplicates))

    def import_report(self, report: ImportReport, *, all_or_none: bool = False, progress: Progress | None = None,
                      cancel: Cancel | None = None) -> ImportOutcome:
        """Add a report's good entries; with ``all_or_none`` a report with bad entries adds nothing."""
        if all_or_none and report.bad:
            return ImportOutcome(report, AddResult(), written=False)
        return ImportOutcome(report, self.add_records(report.entries, progress=progress, cancel=cancel), True)

    def import_file(self, path: Path | str, *, format: str | None = None, all_or_none: bool = False,
                    progress: Progress | None = None, cancel: Cancel | None = None) -> ImportOutcome:
        """Read one file (raises ImportFileError if it cannot be read at all) and add it, in one transaction."""
        return self.import_report(read_file(path, format), all_or_none=all_or_none, progress=progress, cancel=cancel)

    def remove(self, record_ids: Iterable[str]) -> tuple[str, ...]:
        """Hide records from list and search (undo with :meth:`restore` until :meth:`purge_removed`).
        The bundled record and unknown ids are skipped; returns the ids removed."""
        ids = [i for i in dict.fromkeys(record_ids) if i != BUNDLED_RECORD_ID]
        with self._write():
            rows = self._rows_where(ids, removed=0)
            rids = [rid for rid, _ in rows]
            self._fts_delete(rids)
            self._conn.executemany("UPDATE records SET removed = 1 WHERE rid = ?", [(r,) for r in rids])
        self._changed()
        done = {i for _, i in rows}
        return tuple(i for i in ids if i in done)

    def restore(self, record_ids: Iterable[str]) -> tuple[str, ...]:
        """Bring back removed records; returns the ids restored."""
        ids = list(dict.fromkeys(record_ids))
        with self._write():
            rows = self._rows_where(ids, removed=1)
            rids = [rid for rid, _ in rows]
            self._conn.executemany("UPDATE records SET removed = 0 WHERE rid = ?", [(r,) for r in rids])
            for rid in rids:
                self._fts_insert_range(rid, rid)
        self._changed()
        done = {i for _, i in rows}
        return tuple(i for i in ids if i in done)

    def purge_removed(self) -> int:
        """Delete removed records for good (the app calls this at start-up, when no undo can reach them)."""
        with self._write():
            n = self._conn.execute("DELETE FROM records WHERE removed = 1").rowcount
        self._changed()
        return n

    def optimize(self) -> None:
        """Maintenance: merge the index, recount words, checkpoint. Slow on a large library."""
        with self._write():
            self._conn.execute("INSERT INTO record_fts(record_fts) VALUES ('optimize')")
            self._rebuild_terms()
        self._changed()
        if self.path is not None:
            self._checkpoint()

    def check(self) -> list[str]:
        """A full integrity check (reads the whole file): the problems found, empty when none."""
        with self._reading():
            problems = [r for (r,) in self._conn.execute("PRAGMA integrity_check") if r != "ok"]
            try:
                self._conn.execute("INSERT INTO record_fts(record_fts, rank) VALUES ('integrity-check', 1)")
            except sqlite3.DatabaseError as exc:
                problems.append(f"search index: {exc}")
            for rid, text in self._conn.execute("SELECT rid, json FROM records"):
                try:
                    record_from_json(text)
                except (RecordError, ValueError) as exc:
                    problems.append(f"record row {rid}: {exc}")
        return problems

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
            return self._search(query, groups, labels, limit, exact)

    def _search(self, query: str, groups: list[_Group], labels: tuple[str, ...], limit: int,
                exact: bool | None) -> SearchResult:
        complete = True
        alternatives: list[list[tuple[str, int]]] = []  # per group: (fts term, df)
        for g in groups:
            if len(g.words) > 1:
                df = min(self._df(w) for w in g.words)
                alternatives.append([('"' + " ".join(g.words) + '"', df)])
            elif g.prefix and exact is not True:
                terms, truncated = self._complete(g.words[0])
                complete = complete and not truncated
                if not terms:  # not in the word list: ask the index itself (cheap: nothing shares it)
                    terms = [(f'"{g.words[0]}"*', 0)]
                else:
                    terms = [(f'"{t}"', df) for t, df in terms]
                alternatives.append(terms)
            elif g.prefix:
                alternatives.append([(f'"{g.words[0]}"*', self._doc_count)])
            else:
                alternatives.append([(f'"{g.words[0]}"', self._df(g.words[0]))])
        expr = " AND ".join(a[0][0] if len(a) == 1 else "(" + " OR ".join(t for t, _ in a) + ")"
                            for a in alternatives)
        group_df = [min(self._doc_count, sum(df for _, df in a)) for a in alternatives]
        cheap = complete and sum(group_df) <= EXACT_POSTINGS and min(group_df) <= EXACT_MATCHES
        matcher = _Matcher(groups)
        if exact or (exact is None and cheap):
            ranked = self._rank_bm25(expr, limit)
            is_exact = complete or bool(exact)
        else:
            ranked = self._rank_broad(expr, groups, group_df, matcher, limit)
            is_exact = False
        return SearchResult(query, self._hits(ranked, matcher), is_exact, labels)

    def _rank_bm25(self, expr: str, limit: int) -> list[tuple[int, float]]:
        weights = ", ".join(str(w) for w in WEIGHTS)
        rows = self._conn.execute(
            f"SELECT rowid, bm25(record_fts, {weights}) AS score FROM record_fts WHERE record_fts MATCH ? "
            "ORDER BY score LIMIT ?", (expr, limit)).fetchall()
        return [(rid, -score) for rid, score in rows]

    def _rank_broad(self, expr: str, groups: list[_Group], group_df: list[int], matcher: _Matcher,
                    limit: int) -> list[tuple[int, float]]:
        """Rank a bounded set of candidates, so that a keystroke never ranks half the library:
        first the newest CAP_HEAD records with every word in title, authors or NCJ number,
        ranked by bm25 over those fields (a small index: cheap to count); then, if they are
        fewer than ``limit``, the newest CAP_ANY matches elsewhere, ranked by the words their
        title and authors hold, then newest first."""
        weights = f"{WEIGHTS[0]}, {WEIGHTS[1]}, {WEIGHTS[4]}"
        head = self._conn.execute(
            f"SELECT rid, score FROM (SELECT rowid AS rid, bm25(head_fts, {weights}) AS score FROM head_fts "
            "WHERE head_fts MATCH ? ORDER BY rowid DESC LIMIT ?) ORDER BY score LIMIT ?",
            (expr, CAP_HEAD, limit)).fetchall()
        ranked = [(rid, 1000.0 - score) for rid, score in head]  # bm25 is negative: best first
        if len(ranked) >= limit:
            return ranked
        seen = {rid for rid, _ in ranked}
        others = [r for (r,) in self._conn.execute(
            "SELECT rowid FROM record_fts WHERE record_fts MATCH ? ORDER BY rowid DESC LIMIT ?", (expr, CAP_ANY))
            if r not in seen]
        if not others:
            return ranked
        rows = self._conn.execute(
            "SELECT rid, title, authors FROM records WHERE rid IN (SELECT value FROM json_each(?))",
            (json.dumps(others),)).fetchall()
        n = max(self._doc_count, 1)
        idf = [math.log(1 + (n - df + 0.5) / (df + 0.5)) for df in group_df]
        scored = []
        for rid, title, authors in rows:
            counts = matcher.tally(_WORD.findall(fold_text(f"{title} {authors}")))
            scored.append((rid, sum(idf[gi] for gi, c in enumerate(counts) if c)))
        scored.sort(key=lambda s: (-s[1], -s[0]))
        return (ranked + scored)[:limit]

    def _hits(self, ranked: list[tuple[int, float]], matcher: _Matcher) -> tuple[Hit, ...]:
        if not ranked:
            return ()
        rows = {r[0]: r for r in self._conn.execute(
            "SELECT rid, id, title, authors, ncj_number, json_extract(json, '$.abstract'), "
            "json_extract(json, '$.annotation') FROM records WHERE rid IN (SELECT value FROM json_each(?))",
            (json.dumps([rid for rid, _ in ranked]),))}
        hits = []
        for rid, score in ranked:
            row = rows.get(rid)
            if row is None:
                continue
            _, record_id, title, authors, ncj, abstract, annotation = row
            snippet, spans, source = "", (), ""
            for name, text in (("abstract", abstract or ""), ("annotation", annotation or ""),
                               ("authors", authors or "")):
                found = matcher.spans(text)
                if found:
                    snippet, spans = _excerpt(text, found)
                    source = name
                    break
            if not source:
                lead = annotation or abstract or ""
                snippet, spans = _excerpt(lead, [])
                source = "annotation" if annotation else ("abstract" if abstract else "")
            hits.append(Hit(record_id, title, authors, ncj, score, tuple(matcher.spans(title)), snippet,
                            tuple(spans), source))
        return tuple(hits)

    def _complete(self, prefix: str) -> tuple[list[tuple[str, int]], bool]:
        cached = self._completions.get(prefix)
        if cached is not None:
            return cached
        most = MAX_COMPLETIONS.get(len(prefix), MAX_COMPLETIONS_LONG)
        if len(prefix) <= 2:
            rows = self._conn.execute(
                f"SELECT term, df FROM terms WHERE substr(term, 1, {len(prefix)}) = ? ORDER BY df DESC LIMIT ?",
                (prefix, most + 1)).fetchall()
        else:
            rows = self._conn.execute(
                "SELECT term, df FROM terms WHERE term >= ? AND term < ? || char(1114111) ORDER BY df DESC LIMIT ?",
                (prefix, prefix, most + 1)).fetchall()
        result = (rows[:most], len(rows) > most)
        if len(self._completions) > 4096:
            self._completions.clear()
        self._completions[prefix] = result
        return result

    def _df(self, word: str) -> int:
        row = self._conn.execute("SELECT df FROM terms WHERE term = ?", (word,)).fetchone()
        return row[0] if row else 0

    def _refresh(self) -> None:
        """Forget cached counts when this or another connection changed the library."""
        version = self._conn.execute("PRAGMA data_version").fetchone()[0]
        if version != self._data_version or self._data_version is None:
            self._data_version = version
            self._doc_count = self._conn.execute("SELECT count(*) FROM records WHERE removed = 0").fetchone()[0]
            self._completions.clear()

    def _changed(self) -> None:
        self._data_version = None

    # -- internals -------------------------------------------------------------------------

    def _reading(self) -> "_Guard":
        return _Guard(self, write=False)

    def _write(self) -> "_Guard":
        return _Guard(self, write=True)

    def _present_ids(self, ids: list[str]) -> dict[str, int]:
        """id -> removed flag (0/1) for the ids already stored."""
        present: dict[str, int] = {}
        for start in range(0, len(ids), 20_000):
            chunk = json.dumps(ids[start:start + 20_000])
            present.update(self._conn.execute(
                "SELECT id, removed FROM records WHERE id IN (SELECT value FROM json_each(?))", (chunk,)))
        return present

    def _rows_where(self, ids: list[str], removed: int) -> list[tuple[int, str]]:
        if not ids:
            return []
        return self._conn.execute(
            "SELECT rid, id FROM records WHERE removed = ? AND protected = 0 AND "
            "id IN (SELECT value FROM json_each(?))", (removed, json.dumps(ids))).fetchall()

    def _insert_rows(self, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        first = (self._conn.execute("SELECT max(rid) FROM records").fetchone()[0] or 0) + 1
        self._conn.executemany(
            "INSERT INTO records(rid, id, ncj_number, title, sort_group, sort_title, authors, issued_year, "
            "protected, removed, added_at, json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)",
            [(first + i, r["id"], r["ncj_number"], r["title"], r["sort_group"], r["sort_title"], r["authors"],
              r["issued_year"], r["protected"], r["added_at"], r["json"]) for i, r in enumerate(rows)])
        self._fts_insert_range(first, first + len(rows) - 1)

    def _fts_insert_range(self, first: int, last: int) -> None:
        self._conn.execute(
            "INSERT INTO record_fts(rowid, title, authors, abstract, annotation, ncj_number) "
            "SELECT rid, title, authors, abstract, annotation, ncj_number FROM record_text "
            "WHERE rid BETWEEN ? AND ?", (first, last))
        self._conn.execute(
            "INSERT INTO head_fts(rowid, title, authors, ncj_number) "
            "SELECT rid, title, authors, ncj_number FROM record_text WHERE rid BETWEEN ? AND ?", (first, last))

    def _fts_delete(self, rids: list[int]) -> None:
        """Take rows out of both indexes (external content: the old values must be given)."""
        if rids:
            chosen = json.dumps(rids)
            self._conn.execute(
                "INSERT INTO record_fts(record_fts, rowid, title, authors, abstract, annotation, ncj_number) "
                "SELECT 'delete', rid, title, authors, abstract, annotation, ncj_number FROM record_text "
                "WHERE rid IN (SELECT value FROM json_each(?))", (chosen,))
            self._conn.execute(
                "INSERT INTO head_fts(head_fts, rowid, title, authors, ncj_number) "
                "SELECT 'delete', rid, title, authors, ncj_number FROM record_text "
                "WHERE rid IN (SELECT value FROM json_each(?))", (chosen,))

    def _count_terms(self, records: list[Record]) -> None:
        counts: Counter[str] = Counter()
        for r in records:
            text = " ".join((r.title, "; ".join(r.authors), r.abstract, r.annotation,
                             f"NCJ {r.ncj_number}" if r.ncj_number else ""))
            counts.update(set(words(text)))
        if counts:
            self._conn.executemany(
                "INSERT INTO terms(term, df) VALUES (?, ?) ON CONFLICT(term) DO UPDATE SET df = df + excluded.df",
                counts.items())

    def _rebuild_terms(self) -> None:
        self._conn.execute(
            "CREATE VIRTUAL TABLE IF NOT EXISTS temp.record_vocab USING fts5vocab(main, record_fts, row)")
        self._conn.execute("DELETE FROM terms")
        self._conn.execute("INSERT INTO terms(term, df) SELECT term, doc FROM temp.record_vocab")

    def _checkpoint(self) -> None:
        try:
            self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.Error:
            pass  # another reader keeps the WAL; SQLite checkpoints later


class _Guard:
    """A read, or a write transaction (BEGIN IMMEDIATE ... COMMIT / ROLLBACK), turning SQLite
    errors into LibraryErrors that name the file."""

    def __init__(self, lib: Library, write: bool) -> None:
        self.lib, self.write = lib, write
        self.began = False

    def __enter__(self) -> "_Guard":
        if self.write:
            try:
                self.lib._conn.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise _error(self.lib.path, exc) from None
            self.began = True
        return self

    def __exit__(self, kind, exc, tb) -> bool:
        if self.began:
            try:
                self.lib._conn.execute("COMMIT" if exc is None else "ROLLBACK")
            except sqlite3.Error as commit_exc:
                if exc is None:
                    try:
                        self.lib._conn.execute("ROLLBACK")
                    except sqlite3.Error:
                        pass
                    raise _error(self.lib.path, commit_exc) from None
        if isinstance(exc, sqlite3.Error):
            raise _error(self.lib.path, exc) from None
        return False


def _error(path: Path | None, exc: sqlite3.Error) -> LibraryError:
    code = getattr(exc, "sqlite_errorcode", 0) & 0xFF
    if code in (11, 26):  # SQLITE_CORRUPT, SQLITE_NOTADB
        return CorruptLibraryError(path, f"the library file is damaged ({exc})")
    if "malformed" in str(exc):
        return CorruptLibraryError(path, f"the library file is damaged ({exc})")
    if code == 5:  # SQLITE_BUSY
        return LibraryError(path, "the library is busy (another copy of the program is writing to it)")
    return LibraryError(path, f"library error ({exc})")


def _check_header(path: Path) -> None:
    try:
        with open(path, "rb") as f:
            head = f.read(100)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise LibraryError(path, f"cannot be read ({exc.strerror or exc})") from None
    if head and not head.startswith(_SQLITE_HEADER):
        raise CorruptLibraryError(path, "not an SQLite database (the file is damaged or something else)")
    if 0 < len(head) < 100:
        raise CorruptLibraryError(path, "the library file is truncated")


def fold_text(text: str) -> str:
    return _folded_with_map(text)[0]


def _excerpt(text: str, spans: list[Span], width: int = 240) -> tuple[str, list[Span]]:
    """About ``width`` characters around the densest run of matches, cut at spaces."""
    if len(text) <= width:
        return text, list(spans)
    if spans:
        best, best_n = 0, 0
        for i, (s, _) in enumerate(spans):
            n = sum(1 for t, _ in spans[i:] if t - s < width * 0.7)
            if n > best_n:
                best, best_n = i, n
        start = max(0, spans[best][0] - width // 5)
    else:
        start = 0
    if start:
        space = text.rfind(" ", 0, start)
        start = space + 1 if space >= 0 and start - space < 30 else start
    end = min(len(text), start + width)
    if end < len(text):
        space = text.rfind(" ", start + width // 2, end)
        end = space if space > 0 else end
    lead = "…" if start else ""
    tail = "…" if end < len(text) else ""
    shift = len(lead) - start
    inside = [(s + shift, e + shift) for s, e in spans if s >= start and e <= end]
    return lead + text[start:end] + tail, inside


def _record_of(item: Record | ImportedRecord) -> Record:
    return item.record if isinstance(item, ImportedRecord) else item


def _row_for(record: Record, text: str, protected: bool = False) -> dict[str, Any]:
    return {
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

_REQUIRED_OBJECTS = {"records", "record_text", "record_fts", "head_fts", "terms", "records_keep_bundled"}

# MIGRATIONS[v] takes a library at version v - 1 to version v, inside one transaction.
MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {1: _migrate_to_1}


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
