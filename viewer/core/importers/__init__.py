"""Read references from RIS, BibTeX, CSL-JSON and the program's own record files. No Qt here.

Every reader returns an :class:`ImportReport`: the good entries as :class:`Record` objects
(with their sections from :func:`viewer.core.record.standard_sections`) and every bad entry as a
:class:`BadEntry` naming the file, the line (RIS, BibTeX) or item index (CSL-JSON, with its
line too) and the reason. A file that cannot be read at all (missing, not UTF-8, not JSON,
unknown format) raises :class:`ImportFileError`, a :class:`RecordError` naming the file and place.

Nothing is invented: a record gets authors, dates, pages, an annotation only when the file
gives them. What the file gives that a :class:`Record` has no field for (publisher, journal,
volume, DOI, URL, the structured author names, the entry type...) is kept, CSL-JSON style,
in :attr:`ImportedRecord.citation` so a library can store it for citations.

Field mapping (first match wins)
--------------------------------
========================  ==============================  ==============================  =========================
Record field              RIS                             BibTeX                          CSL-JSON
========================  ==============================  ==============================  =========================
title                     TI, T1                          title                           title
authors                   AU, A1                          author ({Braced} = corporate)   author (literal = corporate)
issued year / month       PY, DA, Y1                      date, year, month               issued
abstract                  AB, N2                          abstract                        abstract
annotation                (none)                          annotation, annote              annotation (not standard)
pages / length            SP of RPRT/BOOK/THES (no EP)    pagetotal                       number-of-pages
NCJ number                see below                       see below                       see below
========================  ==============================  ==============================  =========================

NCJ numbers (records from NCJRS exports): a text such as ``NCJ 203234``, ``NCJ-203234``,
``NCJ Number: 203234`` or ``NCJ #203234`` in RIS ``AN`` (accession number), ``M1``, ``N1``,
``CN``; BibTeX ``number``, ``note``, ``ncj``; CSL-JSON ``number``, ``note``, ``call-number``,
``archive_location``. RIS ``AN`` holding bare digits counts only when ``DB``/``DP`` names
NCJRS. An NCJRS abstract address (``...ncjrs.gov/...?id=203234``) in RIS ``UR``, BibTeX
``url`` or CSL ``URL`` counts too. Two different NCJ numbers in one entry make it a bad entry.

Record ids: ``ncj-<number>`` for a record with an NCJ number (as the bundled record), else
``ref-`` and 16 hex digits of a hash of title, authors and year, so importing the same
reference twice gives the same id (a library treats it as a duplicate).
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

from viewer.core.record import Record, RecordError, parse_record, standard_sections, unpaired_surrogate

# bibtexparser logs every block it cannot parse; we report those ourselves.
logging.getLogger("bibtexparser").addHandler(logging.NullHandler())

FORMATS = ("ris", "bibtex", "csl-json", "record")

MAX_TITLE = 2_000
MAX_TEXT = 200_000  # characters in an abstract or annotation
MAX_AUTHORS = 1_000
MAX_FILE_BYTES = 1 << 30

MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December")
_MONTHS = {name.lower(): i for i, name in enumerate(MONTH_NAMES, 1)}
_MONTHS.update({name[:3].lower(): i for i, name in enumerate(MONTH_NAMES, 1)})
_MONTHS["sept"] = 9

_NCJ_TEXT = re.compile(r"\bNCJ(?:RS)?\s*(?:(?:number|no\.?|num\.?)\s*)?[:#-]?\s*(\d{3,8})\b", re.IGNORECASE)
_NCJ_URL = re.compile(r"ncjrs\.gov/\S*?[?&]id=(\d{3,8})\b", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u2028\u2029\ufeff]")
_SPACE = re.compile(r"\s+")
_YEAR_MONTH_DAY = re.compile(r"^\s*(\d{4})(?:\s*[-/.]\s*(\d{1,2})(?:\s*[-/.]\s*(\d{1,2}))?)?")


class ImportFileError(RecordError):
    """A file that cannot be imported at all; the message names the file and the place."""


@dataclass(frozen=True)
class BadEntry:
    """One entry that was not imported: where it is and why."""

    file: str
    where: str  # "line 12" or "item 3 (line 40)": what a person looks for in the file
    reason: str
    line: int | None = None  # 1-based
    index: int | None = None  # 0-based position among the file's entries/items

    def __str__(self) -> str:
        return f"{self.file}: {self.where}: {self.reason}"


@dataclass(frozen=True)
class ImportedRecord:
    """A good entry: the record, where it came from, and the citation fields a Record cannot hold."""

    record: Record
    where: str
    citation: Mapping[str, Any] = field(default_factory=dict)
    line: int | None = None
    index: int | None = None


@dataclass
class ImportReport:
    file: str
    format: str
    entries: list[ImportedRecord] = field(default_factory=list)
    bad: list[BadEntry] = field(default_factory=list)

    @property
    def records(self) -> list[Record]:
        return [entry.record for entry in self.entries]

    def summary(self) -> str:
        return f"{self.file}: {len(self.entries)} good, {len(self.bad)} bad ({self.format})"


class _Bad(Exception):
    """Raised inside a reader for one entry; becomes a BadEntry."""


# --- reading files ----------------------------------------------------------------------


def read_file(path: Path | str, format: str | None = None) -> ImportReport:
    """Read one file; the format comes from ``format``, else the extension, else the content."""
    path = Path(path)
    source = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ImportFileError(source, "", f"too large to import ({size:,} bytes)")
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ImportFileError(source, "", "file not found") from None
    except IsADirectoryError:
        raise ImportFileError(source, "", "is a folder, not a file") from None
    except OSError as exc:
        raise ImportFileError(source, "", f"cannot be read ({exc.strerror or exc})") from None
    return parse_bytes(raw, source, format or format_from_name(path.name))


def parse_bytes(raw: bytes, source: str, format: str | None = None) -> ImportReport:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise ImportFileError(source, f"line {line}", "not UTF-8 text") from None
    return parse_text(text, source, format)


def parse_text(text: str, source: str = "<text>", format: str | None = None) -> ImportReport:
    text = text.removeprefix("\ufeff")
    format = format or sniff_format(text)
    if format is None:
        raise ImportFileError(source, "", "not a RIS, BibTeX, CSL-JSON or record file")
    readers: dict[str, Callable[[str, str], ImportReport]] = {
        "ris": parse_ris, "bibtex": parse_bibtex, "csl-json": parse_csl_json, "record": parse_record_json,
    }
    if format == "json":  # .json: ours or CSL-JSON, by content
        format = "record" if _looks_like_record(text) else "csl-json"
    if format not in readers:
        raise ImportFileError(source, "", f"unknown format {format!r} (expected one of {', '.join(FORMATS)})")
    return readers[format](text, source)


def format_from_name(name: str) -> str | None:
    suffix = name.lower().rsplit(".", 1)[-1] if "." in name else ""
    return {"ris": "ris", "txt": None, "bib": "bibtex", "bibtex": "bibtex", "json": "json",
            "csljson": "csl-json"}.get(suffix)


def sniff_format(text: str) -> str | None:
    head = text.lstrip()[:4096]
    if head.startswith(("[", "{")):
        return "json"
    if re.match(r"TY  -", head):
        return "ris"
    if re.search(r"^\s*@\s*\w+\s*[{(]", head, re.MULTILINE):
        return "bibtex"
    return None


def _looks_like_record(text: str) -> bool:
    return re.match(r'\s*\{[^\[]{0,2000}?"schema"\s*:\s*"ncjrs-viewer\.record"', text) is not None


# --- the program's own record JSON ------------------------------------------------------


def parse_record_json(text: str, source: str = "<record>") -> ImportReport:
    report = ImportReport(source, "record")
    try:
        record = parse_record(text, source)
    except RecordError as exc:
        report.bad.append(BadEntry(source, exc.where or "record", exc.problem, index=0))
    else:
        report.entries.append(ImportedRecord(record, "record", {}, index=0))
    return report


# --- CSL-JSON ---------------------------------------------------------------------------

_CSL_TEXT_KEYS = ("type", "publisher", "publisher-place", "container-title", "collection-title", "volume",
                  "issue", "page", "edition", "DOI", "URL", "ISBN", "ISSN", "note", "number", "genre")


def parse_csl_json(text: str, source: str = "<csl-json>") -> ImportReport:
    report = ImportReport(source, "csl-json")
    for index, line, item in _json_items(text, source):
        where = f"item {index} (line {line})"
        try:
            found = unpaired_surrogate(item)
            if found:
                raise _Bad(f"{found[0]}: {found[1]}")
            imported = _csl_item(item, where)
        except _Bad as exc:
            report.bad.append(BadEntry(source, where, str(exc), line=line, index=index))
        else:
            report.entries.append(_with_place(imported, line, index))
    return report


def _json_items(text: str, source: str) -> Iterable[tuple[int, int, Any]]:
    """The items of a JSON array (or one object) with their index and 1-based start line."""
    decoder = json.JSONDecoder()
    lines = _LineIndex(text)
    pos = _skip_space(text, 0)
    if pos < len(text) and text[pos] == "{":
        item, _ = _decode(decoder, text, pos, source, lines)
        if isinstance(item, dict) and isinstance(item.get("items"), list):  # {"items": [...]}
            for i, sub in enumerate(item["items"]):
                yield i, lines.line(pos), sub
        else:
            yield 0, lines.line(pos), item
        return
    if pos >= len(text) or text[pos] != "[":
        raise ImportFileError(source, f"line {lines.line(pos)}", "expected a JSON array of CSL items")
    pos = _skip_space(text, pos + 1)
    index = 0
    if pos < len(text) and text[pos] == "]":
        return
    while True:
        item, end = _decode(decoder, text, pos, source, lines)
        yield index, lines.line(pos), item
        index += 1
        pos = _skip_space(text, end)
        if pos < len(text) and text[pos] == ",":
            pos = _skip_space(text, pos + 1)
            continue
        if pos < len(text) and text[pos] == "]":
            break
        raise ImportFileError(source, f"line {lines.line(pos)}", "not valid JSON (expected ',' or ']')")
    if _skip_space(text, pos + 1) != len(text):
        raise ImportFileError(source, f"line {lines.line(pos + 1)}", "not valid JSON (text after the array)")


def _decode(decoder: json.JSONDecoder, text: str, pos: int, source: str, lines: "_LineIndex") -> tuple[Any, int]:
    try:
        return decoder.raw_decode(text, pos)
    except json.JSONDecodeError as exc:
        raise ImportFileError(source, f"line {exc.lineno}, column {exc.colno}", f"not valid JSON ({exc.msg})") from None
    except RecursionError:
        raise ImportFileError(source, f"line {lines.line(pos)}", "not valid JSON (nested too deeply)") from None


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\r\n":
        pos += 1
    return pos


class _LineIndex:
    """1-based line of a character offset, counting newlines incrementally (offsets only grow)."""

    def __init__(self, text: str) -> None:
        self.text, self.pos, self.count = text, 0, 1

    def line(self, pos: int) -> int:
        if pos < self.pos:  # not expected, but stay correct
            return self.text.count("\n", 0, pos) + 1
        self.count += self.text.count("\n", self.pos, pos)
        self.pos = pos
        return self.count


def _csl_item(item: Any, where: str) -> ImportedRecord:
    if not isinstance(item, dict):
        raise _Bad(f"expected an object, found {_json_kind(item)}")
    b = _Builder()
    b.title = _csl_text(item, "title")
    names = item.get("author")
    if names is not None:
        if not isinstance(names, list):
            raise _Bad(f"author: expected a list of names, found {_json_kind(names)}")
        for i, name in enumerate(names):
            b.add_name(_csl_name(name, f"author[{i}]"))
    issued = item.get("issued")
    if issued is not None:
        b.set_date(*_csl_date(issued))
    b.abstract = _csl_text(item, "abstract")
    b.annotation = _csl_text(item, "annotation")
    pages = item.get("number-of-pages")
    if pages is not None:
        if isinstance(pages, bool) or not isinstance(pages, (int, str)):
            raise _Bad(f"number-of-pages: expected a number, found {_json_kind(pages)}")
        b.set_pages(str(pages))
    for key in ("number", "note", "call-number", "archive_location"):
        b.ncj_from_text(_csl_text(item, key), key)
    b.ncj_from_url(_csl_text(item, "URL"), "URL")
    for key in _CSL_TEXT_KEYS:
        value = _csl_text(item, key)
        if value:
            b.citation[key] = value
    return b.build(where)


def _csl_text(item: dict, key: str) -> str:
    value = item.get(key)
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise _Bad(f"{key}: expected text, found {_json_kind(value)}")
    return _clean(str(value))


def _csl_name(name: Any, where: str) -> dict[str, str]:
    if not isinstance(name, dict):
        raise _Bad(f"{where}: expected a name object, found {_json_kind(name)}")
    parts = {}
    for key in ("family", "given", "literal", "non-dropping-particle", "dropping-particle", "suffix"):
        value = name.get(key)
        if value is None:
            continue
        if not isinstance(value, str):
            raise _Bad(f"{where}.{key}: expected text, found {_json_kind(value)}")
        if _clean(value):
            parts[key] = _clean(value)
    if not (parts.get("literal") or parts.get("family") or parts.get("given")):
        raise _Bad(f"{where}: a name needs 'family', 'given' or 'literal'")
    return parts


def _csl_date(issued: Any) -> tuple[int | None, int | None, int | None, str]:
    if isinstance(issued, str):  # not CSL, but common
        return _date_from_text(issued, "issued")
    if not isinstance(issued, dict):
        raise _Bad(f"issued: expected a date object, found {_json_kind(issued)}")
    parts = issued.get("date-parts")
    if parts is not None:
        if not (isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]):
            raise _Bad("issued.date-parts: expected [[year, month, day]]")
        numbers = []
        for i, part in enumerate(parts[0][:3]):
            numeric = isinstance(part, (int, str)) and not isinstance(part, bool)
            if not numeric or not str(part).strip().lstrip("-").isdigit():
                raise _Bad(f"issued.date-parts[0][{i}]: expected a number, found {json.dumps(part)[:40]}")
            numbers.append(int(part))
        numbers += [None] * (3 - len(numbers))
        return numbers[0], numbers[1], numbers[2], ""
    for key in ("raw", "literal"):
        value = issued.get(key)
        if isinstance(value, str) and value.strip():
            return _date_from_text(value, f"issued.{key}")
    raise _Bad("issued: expected 'date-parts', 'raw' or 'literal'")


def _json_kind(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "text", bool: "true/false", int: "a number",
            float: "a number", type(None): "null"}.get(type(value), type(value).__name__)


# --- RIS --------------------------------------------------------------------------------

_RIS_TAG = re.compile(r"^([A-Z][A-Z0-9])  -(?: (.*))?$")


def parse_ris(text: str, source: str = "<ris>") -> ImportReport:
    import rispy

    report = ImportReport(source, "ris")
    lines = text.splitlines()
    entry_start: int | None = None
    index = 0
    garbage_reported_at: int | None = None

    def bad(line: int, reason: str, idx: int | None) -> None:
        report.bad.append(BadEntry(source, f"line {line}", reason, line=line, index=idx))

    for number, line in enumerate(lines, 1):
        match = _RIS_TAG.match(line.rstrip())
        tag = match.group(1) if match else None
        if entry_start is None:
            if tag == "TY":
                entry_start = number
            elif line.strip() and garbage_reported_at is None:
                garbage_reported_at = number
                bad(number, "text outside a reference (a reference starts with 'TY  - ')", None)
            continue
        if tag == "TY":  # a new reference before this one ended
            bad(entry_start, "reference not closed by 'ER  - ' before the next 'TY  - '", index)
            index += 1
            entry_start = number
            continue
        if tag == "ER":
            body = "\n".join(lines[entry_start - 1:number]) + "\n"
            where = f"line {entry_start}"
            try:
                entries = rispy.loads(body, skip_unknown_tags=True)
                if len(entries) != 1:
                    raise _Bad("not a readable RIS reference")
                imported = _ris_entry(entries[0], where)
            except _Bad as exc:
                bad(entry_start, str(exc), index)
            except Exception as exc:  # rispy rejects what it cannot read; report it as this entry's fault
                bad(entry_start, f"not a readable RIS reference ({exc})", index)
            else:
                report.entries.append(_with_place(imported, entry_start, index))
            index += 1
            entry_start = None
            garbage_reported_at = None
    if entry_start is not None:
        bad(entry_start, "reference not closed by 'ER  - ' at the end of the file", index)
    if not report.entries and not report.bad:
        raise ImportFileError(source, "", "no RIS references found (a reference starts with 'TY  - ')")
    return report


def _ris_entry(entry: dict, where: str) -> ImportedRecord:
    b = _Builder()
    b.title = _ris_first(entry, "title", "primary_title")
    if not b.title:
        raise _Bad("no title (TI or T1)")
    for key in ("authors", "first_authors"):
        for name in entry.get(key) or []:
            name = _clean(name)
            if name:
                b.add_name(_split_comma_name(name))
        if b.names:
            break
    year = month = day = None
    date_text = ""
    for key in ("year", "date", "publication_year"):
        value = _clean(entry.get(key) or "")
        if value:
            y, m, d, text = _date_from_text(value, _RIS_KEY_TAG[key])
            if year is None:
                year, date_text = y, text
            if y == year and m and month is None:
                month, day = m, d
    if year is not None or date_text:
        b.set_date(year, month, day, date_text)
    b.abstract = _ris_first(entry, "abstract", "notes_abstract")
    database = " ".join(_clean(entry.get(k) or "") for k in ("name_of_database", "database_provider"))
    accession = _clean(entry.get("accession_number") or "")
    if accession.isdigit() and re.search(r"NCJRS|National Criminal Justice Reference", database, re.IGNORECASE):
        b.set_ncj(accession, "AN")
    else:
        b.ncj_from_text(accession, "AN")
    b.ncj_from_text(_clean(entry.get("note") or ""), "M1")
    b.ncj_from_text(_clean(entry.get("call_number") or ""), "CN")
    for note in entry.get("notes") or []:
        b.ncj_from_text(_clean(note), "N1")
    urls = [_clean(u) for u in entry.get("urls") or [] if _clean(u)]
    for url in urls:
        b.ncj_from_url(url, "UR")
    b.citation["type"] = _RIS_TYPES.get(entry.get("type_of_reference", ""), "document")
    for key, csl in (("publisher", "publisher"), ("place_published", "publisher-place"), ("volume", "volume"),
                     ("number", "issue"), ("doi", "DOI"), ("issn", "ISSN"), ("edition", "edition")):
        value = _clean(entry.get(key) or "")
        if value:
            b.citation[csl] = value
    container = _ris_first(entry, "journal_name", "secondary_title", "alternate_title3", "alternate_title1")
    if container:
        b.citation["container-title"] = container
    first, last = _clean(entry.get("start_page") or ""), _clean(entry.get("end_page") or "")
    if first and not last and first.isdigit() and entry.get("type_of_reference") in _RIS_WHOLE_WORKS:
        b.set_pages(first)  # SP of a whole report or book is its number of pages (as Zotero writes it)
    elif first:
        b.citation["page"] = f"{first}-{last}" if last else first
    if urls:
        b.citation["URL"] = urls[0]
    return b.build(where)


_RIS_WHOLE_WORKS = frozenset({"RPRT", "BOOK", "EBOOK", "EDBOOK", "THES", "GOVDOC"})
_RIS_KEY_TAG = {"year": "PY", "date": "DA", "publication_year": "Y1"}
_RIS_TYPES = {"JOUR": "article-journal", "JFULL": "article-journal", "MGZN": "article-magazine",
              "NEWS": "article-newspaper", "RPRT": "report", "BOOK": "book", "EBOOK": "book",
              "CHAP": "chapter", "ECHAP": "chapter", "CONF": "paper-conference", "CPAPER": "paper-conference",
              "THES": "thesis", "ELEC": "webpage", "GOVDOC": "report", "STAT": "legislation",
              "BILL": "bill", "CASE": "legal_case", "GEN": "document"}


def _ris_first(entry: dict, *keys: str) -> str:
    for key in keys:
        value = entry.get(key)
        if isinstance(value, list):
            value = value[0] if value else ""
        value = _clean(value or "")
        if value:
            return value
    return ""


def _split_comma_name(name: str) -> dict[str, str]:
    """RIS and our own convention: "Family, Given" is a person; a name without a comma is kept whole."""
    if "," in name:
        family, given = (part.strip() for part in name.split(",", 1))
        if family:
            return {"family": family, "given": given} if given else {"family": family}
    return {"literal": name}


# --- BibTeX -----------------------------------------------------------------------------

_BIB_TYPES = {"article": "article-journal", "book": "book", "inbook": "chapter", "incollection": "chapter",
              "inproceedings": "paper-conference", "conference": "paper-conference", "techreport": "report",
              "report": "report", "phdthesis": "thesis", "mastersthesis": "thesis", "thesis": "thesis",
              "online": "webpage", "misc": "document", "unpublished": "manuscript", "manual": "book"}


def parse_bibtex(text: str, source: str = "<bibtex>") -> ImportReport:
    import bibtexparser
    from bibtexparser import model

    report = ImportReport(source, "bibtex")
    try:
        library = bibtexparser.parse_string(text)
    except RecursionError:
        raise ImportFileError(source, "", "not readable BibTeX (nested too deeply)") from None
    index = 0
    for block in library.blocks:
        line = (block.start_line or 0) + 1
        if isinstance(block, model.DuplicateBlockKeyBlock):
            report.bad.append(BadEntry(source, f"line {line}", f"duplicate key '{block.key}'", line=line, index=index))
            index += 1
        elif isinstance(block, model.ParsingFailedBlock):
            report.bad.append(BadEntry(source, f"line {line}", _bib_error(block), line=line, index=index))
            index += 1
        elif isinstance(block, model.Entry):
            where = f"line {line}"
            try:
                imported = _bib_entry(block, where)
            except _Bad as exc:
                report.bad.append(BadEntry(source, where, f"@{block.entry_type}{{{block.key}}}: {exc}",
                                           line=line, index=index))
            else:
                report.entries.append(_with_place(imported, line, index))
            index += 1
    if not report.entries and not report.bad:
        raise ImportFileError(source, "", "no BibTeX entries found")
    return report


def _bib_error(block: Any) -> str:
    error = getattr(block, "error", None)
    message = _SPACE.sub(" ", str(getattr(error, "abort_reason", "") or error or "")).strip()
    return f"not valid BibTeX ({message[:200]})" if message else "not valid BibTeX"


def _bib_entry(entry: Any, where: str) -> ImportedRecord:
    fields = {f.key.lower(): f.value for f in entry.fields if isinstance(f.value, str)}

    def text(*keys: str) -> str:
        for key in keys:
            if fields.get(key, "").strip():
                return _clean(_latex_to_text(fields[key]))
        return ""

    b = _Builder()
    b.title = text("title")
    if not b.title:
        raise _Bad("no title field")
    for name in _bib_names(fields.get("author", "")):
        b.add_name(name)
    if fields.get("date", "").strip():
        b.set_date(*_date_from_text(text("date"), "date"))
    elif fields.get("year", "").strip():
        year, _, _, date_text = _date_from_text(text("year"), "year")
        month = _bib_month(text("month")) if fields.get("month", "").strip() else None
        b.set_date(year, month, None, date_text)
    b.abstract = text("abstract")
    b.annotation = text("annotation", "annote")
    if fields.get("pagetotal", "").strip():
        b.set_pages(text("pagetotal"))
    for key in ("number", "note", "ncj"):
        b.ncj_from_text(text(key), key)
    b.ncj_from_url(text("url"), "url")
    b.citation["type"] = _BIB_TYPES.get(entry.entry_type.lower(), "document")
    for keys, csl in ((("publisher", "institution", "organization", "school"), "publisher"),
                      (("address", "location"), "publisher-place"),
                      (("journal", "journaltitle", "booktitle"), "container-title"),
                      (("series",), "collection-title"), (("volume",), "volume"), (("number",), "number"),
                      (("edition",), "edition"), (("doi",), "DOI"), (("url",), "URL"),
                      (("isbn",), "ISBN"), (("issn",), "ISSN"), (("note",), "note")):
        value = text(*keys)
        if value:
            b.citation[csl] = value
    if text("pages"):
        b.citation["page"] = re.sub(r"\s*-+\s*", "-", text("pages"))  # 101--130 -> 101-130
    b.citation["citation-key"] = entry.key
    return b.build(where)


def _bib_names(value: str) -> list[dict[str, str]]:
    from bibtexparser.middlewares.names import parse_single_name_into_parts, split_multiple_persons_names

    names = []
    for raw in split_multiple_persons_names(value) if value.strip() else []:
        raw = raw.strip()
        if not raw or raw.lower() == "others":
            continue
        if raw.startswith("{") and raw.endswith("}") and _balanced(raw[1:-1]):
            names.append({"literal": _clean(_latex_to_text(raw[1:-1]))})  # {Corporate Name}
            continue
        try:
            parts = parse_single_name_into_parts(raw, strict=False)
        except Exception as exc:
            raise _Bad(f"author: cannot read the name {raw[:60]!r} ({exc})") from None
        family = _clean(_latex_to_text(" ".join(parts.von + parts.last)))
        given = _clean(_latex_to_text(" ".join(parts.first)))
        suffix = _clean(_latex_to_text(" ".join(parts.jr)))
        name = {k: v for k, v in (("family", family), ("given", given), ("suffix", suffix)) if v}
        if not (family or given):
            continue
        names.append(name)
    return names


def _balanced(text: str) -> bool:
    depth = 0
    for char in text:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def _bib_month(value: str) -> int | None:
    value = value.strip().strip(".").lower()
    if value.isdigit():
        month = int(value)
        if 1 <= month <= 12:
            return month
        raise _Bad(f"month: expected 1 to 12, found {value}")
    if value in _MONTHS:
        return _MONTHS[value]
    raise _Bad(f"month: not a month ({value[:20]!r})")


def _latex_to_text(value: str) -> str:
    if "\\" not in value and "{" not in value and "$" not in value and "~" not in value:
        return value
    try:
        from pylatexenc.latex2text import LatexNodes2Text

        return LatexNodes2Text(math_mode="verbatim", keep_comments=True).latex_to_text(value)
    except Exception:  # pylatexenc is tolerant, but never let odd LaTeX lose a whole entry
        return value.replace("{", "").replace("}", "")


# --- shared -----------------------------------------------------------------------------


def _clean(value: str) -> str:
    """One line of text: control characters out, runs of white space as one space."""
    if value.isprintable() and "  " not in value and value[:1] != " " and value[-1:] != " ":
        return value  # the common case, checked in C
    return _SPACE.sub(" ", _CONTROL.sub(" ", value)).strip()


def _date_from_text(value: str, key: str) -> tuple[int | None, int | None, int | None, str]:
    match = _YEAR_MONTH_DAY.match(value)
    if not match:
        return None, None, None, value.strip()  # e.g. "n.d." or "Spring 2003": kept as given
    year = int(match.group(1))
    month = int(match.group(2)) if match.group(2) else None
    day = int(match.group(3)) if match.group(3) else None
    if month is not None and not 1 <= month <= 12:
        raise _Bad(f"{key}: month {month} is not 1 to 12")
    return year, month, day, ""


def _with_place(imported: ImportedRecord, line: int | None, index: int) -> ImportedRecord:
    return ImportedRecord(imported.record, imported.where, imported.citation, line=line, index=index)


class _Builder:
    """Collects one entry's fields, checks them, and builds the Record."""

    def __init__(self) -> None:
        self.title = ""
        self.names: list[dict[str, str]] = []
        self.year: int | None = None
        self.month: int | None = None
        self.day: int | None = None
        self.date_text = ""
        self.abstract = ""
        self.annotation = ""
        self.pages: int | None = None
        self.length = ""
        self.ncj = ""
        self.ncj_from = ""
        self.citation: dict[str, Any] = {}

    def add_name(self, name: dict[str, str]) -> None:
        if len(self.names) >= MAX_AUTHORS:
            raise _Bad(f"more than {MAX_AUTHORS} authors")
        self.names.append(name)

    def set_date(self, year: int | None, month: int | None, day: int | None, text: str) -> None:
        if year is not None and not 1 <= year <= 9999:
            raise _Bad(f"date: year {year} is out of range")
        if month is not None and not 1 <= month <= 12:
            raise _Bad(f"date: month {month} is not 1 to 12")
        if day is not None and not 1 <= day <= 31:
            day = None  # a day that cannot be is dropped, the year and month stay
        self.year, self.month, self.day, self.date_text = year, month if year else None, day, text

    def set_pages(self, value: str) -> None:
        value = _clean(value)
        if value.isdigit() and int(value) > 0:
            self.pages = int(value)
            self.length = f"{self.pages} page" + ("s" if self.pages != 1 else "")
        elif value:
            self.length = value  # e.g. "xii, 240": kept as given, not counted

    def set_ncj(self, digits: str, key: str) -> None:
        digits = str(int(digits))
        if self.ncj and self.ncj != digits:
            raise _Bad(f"two different NCJ numbers: {self.ncj} ({self.ncj_from}) and {digits} ({key})")
        self.ncj, self.ncj_from = digits, self.ncj_from or key

    def ncj_from_text(self, value: str, key: str) -> None:
        for match in _NCJ_TEXT.finditer(value or ""):
            self.set_ncj(match.group(1), key)

    def ncj_from_url(self, value: str, key: str) -> None:
        for match in _NCJ_URL.finditer(value or ""):
            self.set_ncj(match.group(1), key)

    def build(self, where: str) -> ImportedRecord:
        title = _clean(self.title)
        if not title:
            raise _Bad("no title")
        if len(title) > MAX_TITLE:
            raise _Bad(f"title longer than {MAX_TITLE:,} characters")
        for name, value in (("abstract", self.abstract), ("annotation", self.annotation)):
            if len(value) > MAX_TEXT:
                raise _Bad(f"{name} longer than {MAX_TEXT:,} characters")
        authors = tuple(_name_text(n) for n in self.names)
        if self.year is not None:
            date = f"{MONTH_NAMES[self.month - 1]} {self.year}" if self.month else str(self.year)
        else:
            date = self.date_text[:200]
        record_id = f"ncj-{self.ncj}" if self.ncj else _reference_id(title, authors, self.year)
        citation = dict(self.citation)
        if self.names:
            citation["author"] = [dict(n) for n in self.names]
        if self.year is not None:
            citation["issued"] = {"date-parts": [[p for p in (self.year, self.month, self.day) if p is not None]]}
        record = Record(
            id=record_id,
            ncj_number=self.ncj,
            title=title,
            title_sentence_case=title,
            date_published=date,
            issued_year=self.year,
            issued_month=self.month if self.year is not None else None,
            length=self.length,
            pages=self.pages,
            annotation=self.annotation,
            abstract=self.abstract,
            authors=authors,
            sections=standard_sections(self.annotation, self.abstract),
        )
        return ImportedRecord(record, where, citation)


def _name_text(name: Mapping[str, str]) -> str:
    """A name as Record.authors holds it: "Family, Given" for a person, a corporate name whole."""
    if name.get("literal"):
        return name["literal"]
    family = " ".join(p for p in (name.get("non-dropping-particle"), name.get("family")) if p)
    # One comma only: "Smith, John Jr." (viewer.core.csl_item reads a second comma as a corporate name).
    given = " ".join(p for p in (name.get("given"), name.get("dropping-particle"), name.get("suffix")) if p)
    return ", ".join(p for p in (family, given) if p)


def _reference_id(title: str, authors: tuple[str, ...], year: int | None) -> str:
    key = "\x1f".join((title.casefold(), "\x1e".join(a.casefold() for a in authors), str(year or "")))
    return "ref-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]
