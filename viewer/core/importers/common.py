"""What every reader shares: the report types, limits, and the builder that turns a reader's
fields into a Record (nothing invented: only what the file gives)."""

from __future__ import annotations

import contextlib
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Mapping

from viewer.core.bounded import Cancelled
from viewer.core.record import Record, RecordError, standard_sections

FORMATS = ("ris", "bibtex", "csl-json", "record", "ncjrs-page")

MAX_TITLE = 2_000
MAX_TEXT = 200_000  # characters in an abstract or annotation
MAX_AUTHORS = 1_000
MAX_FILE_BYTES = 1 << 30

MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December")
MONTHS = {name.lower(): i for i, name in enumerate(MONTH_NAMES, 1)}
MONTHS.update({name[:3].lower(): i for i, name in enumerate(MONTH_NAMES, 1)})
MONTHS["sept"] = 9

NCJ_TEXT = re.compile(r"\bNCJ(?:RS)?\s*(?:(?:number|no\.?|num\.?)\s*)?[:#-]?\s*(\d{3,8})\b", re.IGNORECASE)
NCJ_URL = re.compile(r"ncjrs\.gov/\S*?[?&]id=(\d{3,8})\b", re.IGNORECASE)
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u2028\u2029\ufeff]")
SPACE = re.compile(r"\s+")
YEAR_MONTH_DAY = re.compile(r"^\s*(\d{4})(?:\s*[-/.]\s*(\d{1,2})(?:\s*[-/.]\s*(\d{1,2}))?)?")


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
    def good(self) -> int:
        return len(self.entries)

    @property
    def records(self) -> list[Record]:
        return [entry.record for entry in self.entries]

    def summary(self) -> str:
        return f"{self.file}: {len(self.entries)} good, {len(self.bad)} bad ({self.format})"


@dataclass
class ImportStream:
    """An import read while it is written (:func:`viewer.core.importers.stream_file`): ``entries``
    can be iterated once; ``bad`` and ``good`` grow as it is."""

    file: str
    format: str
    entries: Iterator[ImportedRecord]
    bad: list[BadEntry] = field(default_factory=list)
    good: int = 0

    def summary(self) -> str:
        return f"{self.file}: {self.good} good, {len(self.bad)} bad ({self.format})"


_cancel = threading.local()


@contextlib.contextmanager
def cancellable(cancelled: Callable[[], bool] | None) -> Iterator[None]:
    """While parsing in this thread, :func:`cancel_point` asks ``cancelled()``."""
    before = getattr(_cancel, "check", None)
    _cancel.check = cancelled
    try:
        yield
    finally:
        _cancel.check = before


def cancel_point() -> None:
    """Called by the readers once an entry (cheap): raises Cancelled when the import was cancelled."""
    check = getattr(_cancel, "check", None)
    if check is not None and check():
        raise Cancelled("the import was cancelled")


class BadValue(Exception):
    """Raised inside a reader for one entry; becomes a BadEntry."""



def small_int(text: str) -> int | None:
    """ASCII digits (at most nine) as a number; anything else ("²", 5,000 digits, "-1") None."""
    text = text.strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 9 else None


def clean(value: str) -> str:
    """One line of text: control characters out, runs of white space as one space."""
    if value.isprintable() and "  " not in value and value[:1] != " " and value[-1:] != " ":
        return value  # the common case, checked in C
    return SPACE.sub(" ", CONTROL.sub(" ", value)).strip()


def date_from_text(value: str, key: str) -> tuple[int | None, int | None, int | None, str]:
    match = YEAR_MONTH_DAY.match(value)
    if not match:
        return None, None, None, value.strip()  # e.g. "n.d." or "Spring 2003": kept as given
    year = int(match.group(1))
    month = int(match.group(2)) if match.group(2) else None
    day = int(match.group(3)) if match.group(3) else None
    if month is not None and not 1 <= month <= 12:
        raise BadValue(f"{key}: month {month} is not 1 to 12")
    return year, month, day, ""


def with_place(imported: ImportedRecord, line: int | None, index: int) -> ImportedRecord:
    return ImportedRecord(imported.record, imported.where, imported.citation, line=line, index=index)


class Builder:
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
            raise BadValue(f"more than {MAX_AUTHORS} authors")
        self.names.append(name)

    def set_date(self, year: int | None, month: int | None, day: int | None, text: str) -> None:
        if year is not None and not 1 <= year <= 9999:
            raise BadValue(f"date: year {year} is out of range")
        if month is not None and not 1 <= month <= 12:
            raise BadValue(f"date: month {month} is not 1 to 12")
        if day is not None and not 1 <= day <= 31:
            day = None  # a day that cannot be is dropped, the year and month stay
        self.year, self.month, self.day, self.date_text = year, month if year else None, day, text

    def set_pages(self, value: str) -> None:
        value = clean(value)
        count = small_int(value)
        if count:
            self.pages = count
            self.length = f"{self.pages} page" + ("s" if self.pages != 1 else "")
        elif value:
            self.length = value  # e.g. "xii, 240": kept as given, not counted

    def set_ncj(self, digits: str, key: str) -> None:
        digits = str(int(digits))
        if self.ncj and self.ncj != digits:
            raise BadValue(f"two different NCJ numbers: {self.ncj} ({self.ncj_from}) and {digits} ({key})")
        self.ncj, self.ncj_from = digits, self.ncj_from or key

    def ncj_from_text(self, value: str, key: str) -> None:
        for match in NCJ_TEXT.finditer(value or ""):
            self.set_ncj(match.group(1), key)

    def ncj_from_url(self, value: str, key: str) -> None:
        for match in NCJ_URL.finditer(value or ""):
            self.set_ncj(match.group(1), key)

    def build(self, where: str) -> ImportedRecord:
        title = clean(self.title)
        if not title:
            raise BadValue("no title")
        if len(title) > MAX_TITLE:
            raise BadValue(f"title longer than {MAX_TITLE:,} characters")
        for name, value in (("abstract", self.abstract), ("annotation", self.annotation)):
            if len(value) > MAX_TEXT:
                raise BadValue(f"{name} longer than {MAX_TEXT:,} characters")
        authors = tuple(name_text(n) for n in self.names)
        if self.year is not None:
            date = f"{MONTH_NAMES[self.month - 1]} {self.year}" if self.month else str(self.year)
        else:
            date = self.date_text[:200]
        record_id = f"ncj-{self.ncj}" if self.ncj else reference_id(title, authors, self.year)
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


def name_text(name: Mapping[str, str]) -> str:
    """A name as Record.authors holds it: "Family, Given" for a person, a corporate name whole."""
    if name.get("literal"):
        return name["literal"]
    family = " ".join(p for p in (name.get("non-dropping-particle"), name.get("family")) if p)
    # One comma only: "Smith, John Jr." (viewer.core.csl_item reads a second comma as a corporate name).
    given = " ".join(p for p in (name.get("given"), name.get("dropping-particle"), name.get("suffix")) if p)
    return ", ".join(p for p in (family, given) if p)


def reference_id(title: str, authors: tuple[str, ...], year: int | None) -> str:
    key = "\x1f".join((title.casefold(), "\x1e".join(a.casefold() for a in authors), str(year or "")))
    import hashlib  # on use: it loads OpenSSL, which the window's start does not need

    return "ref-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]
