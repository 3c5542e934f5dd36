"""Transactions and the rows a record is stored as."""

from __future__ import annotations

import json
import sqlite3
import time
import zlib
from datetime import datetime, timezone
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Literal, Mapping

from viewer.core.importers.common import ImportedRecord
from viewer.core.library.errors import ReadOnlyLibraryError, sqlite_error
from viewer.core.library.listing import creator_text
from viewer.core.record import Record, parse_record

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


_clock: list[Any] = [0, ""]


def _now() -> str:
    """The time, to the second, as ``added_at`` keeps it (formatted once a second, not once a row)."""
    second = int(time.time())
    if second != _clock[0]:
        _clock[:] = [second, datetime.fromtimestamp(second, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")]
    return _clock[1]


def row_for(record: Record, data: Mapping[str, Any], protected: bool = False) -> dict[str, Any]:
    """The columns of a record's row; ``data`` is its JSON object (record_to_data)."""
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
        "added_at": _now(),
        "json": pack(data),
        # the search index's text (index.insert_rows), kept for the batch only
        "abstract": record.abstract,
        "annotation": record.annotation,
        "others": others_text(data),
    }


def dumps(data: Mapping[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))




# --- the stored record (schema 5) -------------------------------------------------------
#
# ``records.json`` holds a record as a BLOB: zlib-compressed UTF-8 text made of a header line
# "<abstract length> <annotation length>\n" (characters; -1: not a text, left in the JSON), the
# abstract, the annotation, then the rest of the record's JSON object without those two fields.
# Search results and the search index read the two texts without parsing any JSON; the record
# file is their JSON put back together. zlib's checksum finds a damaged blob. A TEXT value is
# the record's JSON as written before schema 5 (or by hand): read as it is.
#
# The compression starts from a preset dictionary: the record format's field names and the
# agencies that publish most NCJRS records, which a 2 KB record would otherwise spell out once
# each (about 120 bytes a record). It is part of the stored format: never change it without a
# migration (zlib writes the dictionary's checksum into each blob, so a wrong one is refused).

PACK_LEVEL = 6
PACK_DICTIONARY = (
    '{"schema":"ncjrs-viewer.record","schema_version":2,"id":"ncj-","origin":"ncjrs-page","ncj_number":"",'
    '"title":"","title_sentence_case":"","date_published":"","issued":{"year":19,"month":,"season":},'
    '"length":" pages","pages":,"authors":[{"family":"","given":"","particle":"","suffix":"","literal":""}],'
    '"editors":[],"corporate_authors":[{"name":"","address":[""],"country":"United States of America"}],'
    '"publishers":[],"sponsoring_agencies":[],"sale_sources":[],"grant_numbers":[],'
    '"journal":{"title":"","volume":"","issue":"","dated":"","pages":""},"country":"","language":"English",'
    '"publication_type":"","format":"","provenance":{"library":"","agency":"","url":"https://www.ojp.gov/ncjrs/"},'
    '"outline":[{"heading":"","text":""}],"csl_extra":{"type":"report","publisher":"","number":"NCJ ",'
    '"container-title":"","URL":"","DOI":"","author":[{"family":"","given":""}],"issued":{"date-parts":[[19'
    ' U.S. Department of Justice, Office of Justice Programs, National Institute of Justice,'
    ' Bureau of Justice Statistics, National Criminal Justice Reference Service').encode("utf-8")
_TEXTS = ("abstract", "annotation")
# How to select a stored record for :func:`stored`: a damaged TEXT value may not even be UTF-8,
# which the sqlite3 module would refuse to read at all.
STORED = "typeof(json), CAST(json AS BLOB)"


def stored(kind: str, raw: bytes | None) -> bytes | str | None:
    """The stored record selected as STORED: bytes for a blob, text for JSON text (ValueError
    when that text is not UTF-8)."""
    if kind != "text" or raw is None:
        return raw
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(f"not UTF-8 text (byte {exc.start})") from None


def pack(data: Mapping[str, Any]) -> bytes:
    """A record's JSON object as stored."""
    rest = dict(data)
    texts: list[str | None] = []
    for key in _TEXTS:
        value = rest.get(key)
        if isinstance(value, str):
            del rest[key]
            texts.append(value)
        else:
            texts.append(None)
    head = " ".join("-1" if t is None else str(len(t)) for t in texts)
    payload = head + "\n" + "".join(t or "" for t in texts) + dumps(rest)
    packer = zlib.compressobj(PACK_LEVEL, zlib.DEFLATED, zlib.MAX_WBITS, 9, zlib.Z_DEFAULT_STRATEGY, PACK_DICTIONARY)
    return packer.compress(payload.encode("utf-8")) + packer.flush()


def _unpacked(value: bytes) -> tuple[list[str | None], str]:
    """The texts (None: left in the JSON) and the rest of the JSON of a stored blob; ValueError
    when it is damaged."""
    unpacker = zlib.decompressobj(zdict=PACK_DICTIONARY)
    try:
        payload = (unpacker.decompress(value) + unpacker.flush()).decode("utf-8")
    except (zlib.error, UnicodeDecodeError) as exc:
        raise ValueError(f"stored data damaged ({exc})") from None
    if not unpacker.eof or unpacker.unused_data:
        raise ValueError("stored data damaged (cut short, or followed by other bytes)")
    head, sep, body = payload.partition("\n")
    try:
        sizes = [int(n) for n in head.split(" ")]
    except ValueError:
        sizes = []
    if not sep or len(sizes) != len(_TEXTS) or any(n < -1 for n in sizes):
        raise ValueError("stored data damaged (no header)")
    texts: list[str | None] = []
    at = 0
    for n in sizes:
        texts.append(None if n < 0 else body[at:at + n])
        at += max(n, 0)
    return texts, body[at:]


def record_from_json(text: str, source: str = "<library>") -> Record:
    """Read a stored record's JSON (:func:`record_json`), checked as a record file is (raises RecordError)."""
    return parse_record(text, source)


def record_json(value: bytes | str | None) -> str:
    """The stored record as record-file JSON text (ValueError when the blob is damaged)."""
    if value is None:
        raise ValueError("no stored data")
    if isinstance(value, str):
        return value
    texts, rest = _unpacked(value)
    rest = rest.rstrip()
    added = "".join(f',"{k}":{json.dumps(t, ensure_ascii=False)}' for k, t in zip(_TEXTS, texts) if t is not None)
    if not added or not rest.endswith("}"):
        return rest
    if rest[:-1].rstrip().endswith("{"):  # an empty object
        added = added[1:]
    return rest[:-1] + added + "}"


def record_texts(value: bytes | str | None) -> tuple[str, str]:
    """(abstract, annotation) of a stored record for search; empty when damaged or not text."""
    if isinstance(value, bytes):
        return _blob_texts(value)
    try:
        data = json.loads(value) if isinstance(value, str) else None
    except (ValueError, RecursionError):
        return "", ""
    found = [data.get(k) for k in _TEXTS] if isinstance(data, dict) else ["", ""]
    return (found[0] if isinstance(found[0], str) else "", found[1] if isinstance(found[1], str) else "")


@lru_cache(maxsize=1024)  # by content: the next keystroke shows many of the same records (≈3 MB)
def _blob_texts(value: bytes) -> tuple[str, str]:
    try:
        texts, _ = _unpacked(value)
    except ValueError:
        return "", ""
    return texts[0] or "", texts[1] or ""


def is_damaged(value: bytes | str | None) -> bool:
    """Whether a stored record cannot be read as JSON (a blob: its checksum or header fails)."""
    try:
        if isinstance(value, bytes):
            _unpacked(value)
        else:
            json.loads(value or "")
    except (ValueError, RecursionError):
        return True
    return False


def others_text(data: Mapping[str, Any]) -> str:
    """Names searched beside the authors: corporate authors, sponsoring agencies, the journal."""
    names: list[str] = []
    for key in ("corporate_authors", "sponsoring_agencies"):
        for agency in data.get(key) or ():
            if isinstance(agency, dict) and isinstance(agency.get("name"), str):
                names.append(agency["name"])
    journal = data.get("journal")
    if isinstance(journal, dict) and isinstance(journal.get("title"), str):
        names.append(journal["title"])
    extra = data.get("csl_extra")
    container = extra.get("container-title") if isinstance(extra, dict) else None
    if isinstance(container, str) and container not in names:
        names.append(container)
    return "; ".join(n for n in names if n)


def register_functions(conn: sqlite3.Connection) -> None:
    """The SQL functions the ``record_text`` view and the damage check use (every connection)."""
    # The view asks twice a row (abstract, then annotation): the second is a cache hit.
    conn.create_function("ncjrs_text", 2, lambda value, i: record_texts(value)[i], deterministic=True)
    conn.create_function("ncjrs_damaged", 1, is_damaged, deterministic=True)


# SQL over ``records``: whether a row's record cannot be read, and its abstract and annotation.
# A blob is read by the functions above; JSON text (older rows, rows written by hand) as the
# version 4 view read it, in SQL: the sqlite3 module cannot pass on text that is not UTF-8.
DAMAGED_SQL = "CASE typeof(json) WHEN 'blob' THEN ncjrs_damaged(json) ELSE NOT json_valid(json) END"
TEXT_SQL = ("CASE WHEN typeof(json) = 'blob' THEN ncjrs_text(json, {i}) "
            "WHEN json_valid(json) THEN coalesce(json_extract(json, '$.{name}'), '') ELSE '' END")
