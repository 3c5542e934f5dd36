"""Values as NCJRS pages write them: dates, journal lines, chapter titles, lengths, agency blocks.

Every pattern is anchored or bounded (no nested repetition) and every int() reads at most nine
digits, so hostile text costs linear time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from viewer.core.importers.page_model import Agency, Chapter, Journal
from viewer.core.importers.page_names import parse_names

MONTHS = {m: i for i, m in enumerate(
    ("january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"), start=1)}
MONTHS.update({k[:3]: v for k, v in list(MONTHS.items())})
MONTHS["sept"] = 9
SEASONS = {"spring": 1, "summer": 2, "fall": 3, "autumn": 3, "winter": 4}
_YEAR = re.compile(r"(?<!\d)(1[6-9]\d\d|20\d\d)(?!\d)")
_MONTH_YEAR = re.compile(r"([A-Za-z]{3,9})\.?\s+(?:(\d{1,2}),?\s+)?(\d{4})")
_NUMERIC_DATE = re.compile(r"(\d{1,2})/(?:(\d{1,2})/)?(\d{4})")
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})(?:-(\d{2}))?")
_LENGTH = re.compile(r"(\d{1,9})(?:\s*(?:pages?|pp?\.?|leaves))?", re.IGNORECASE)
_JOURNAL_KEYS = re.compile(r"\b(Volume|Vol\.|Issue|Number|Dated|Pages)\s*:", re.IGNORECASE)
_ISBN = re.compile(r"ISBN(?:-1[03])?\s*:?\s*([0-9][0-9Xx\- ]{8,20}[0-9Xx])")
_URL = re.compile(r"https?://[^\s<>\"']{1,2000}", re.IGNORECASE)
_US_ADDRESS = re.compile(r",\s*[A-Z]{2}\.?\s+\d{5}(?:-\d{4})?\s*$")
_STREET = re.compile(r"^(?:\d{1,6}\b|P\.?\s?O\.?\s+Box\b|Box\s+\d|Suite\b|Room\b|Rm\b)", re.IGNORECASE)
_MAX_PAGES = 100_000
COUNTRIES = frozenset(c.lower() for c in (
    "United States of America", "United States", "USA", "Canada", "United Kingdom", "England",
    "Scotland", "Wales", "Northern Ireland", "Ireland", "Australia", "New Zealand", "France", "Germany",
    "West Germany", "Italy", "Spain", "Portugal", "Netherlands", "Belgium", "Switzerland", "Austria",
    "Sweden", "Norway", "Denmark", "Finland", "Iceland", "Poland", "Hungary", "Czech Republic",
    "Greece", "Turkey", "Israel", "Japan", "China", "India", "Mexico", "Brazil", "Argentina", "Chile",
    "Colombia", "South Africa", "Nigeria", "Kenya", "Egypt", "Russia", "Soviet Union", "Ukraine",
    "Philippines", "Thailand", "Singapore", "Hong Kong", "Taiwan", "Korea", "South Korea",
    "Puerto Rico", "Jamaica", "International", "Unknown", "Luxembourg", "Yugoslavia", "Romania",
))


@dataclass(frozen=True)
class DateValue:
    year: int | None = None
    month: int | None = None
    day: int | None = None
    season: int | None = None


def parse_date(text: str) -> DateValue:
    """ "1981", "October 1999", "09/2008", "Fall 2008", "(March 1985)", "January 1, 1998"; "Unknown"
    gives nothing. A range of months ("October-December 1979") gives the year only."""
    text = text.strip().strip("()").strip()
    if len(text) > 80:
        return DateValue()
    if m := _NUMERIC_DATE.fullmatch(text):
        month, year = _int(m.group(1)), _int(m.group(3))
        return DateValue(year, month if month and 1 <= month <= 12 else None)
    if m := _ISO_DATE.fullmatch(text):
        month = _int(m.group(2))
        return DateValue(_int(m.group(1)), month if month and 1 <= month <= 12 else None,
                         _int(m.group(3)) if m.group(3) else None)
    if m := _MONTH_YEAR.fullmatch(text):
        word = m.group(1).lower()
        year = _int(m.group(3))
        if word in SEASONS:
            return DateValue(year, season=SEASONS[word])
        if word in MONTHS:
            return DateValue(year, MONTHS[word], _int(m.group(2)) if m.group(2) else None)
    years = _YEAR.findall(text)
    return DateValue(_int(years[-1]) if years else None)


def looks_like_date(text: str) -> bool:
    t = text.strip()
    return t.lower() in {"unknown", "n.d.", "undated"} or (len(t) <= 40 and parse_date(t).year is not None
                                                           and not any(c in t for c in ".;:"))


def parse_length(text: str) -> int | None:
    """ "164 pages" or "10" -> the count; anything else (e.g. "xii, 240") -> None."""
    m = _LENGTH.fullmatch(text.strip())
    if m is None:
        return None
    count = _int(m.group(1))
    return count if count is not None and 0 < count <= _MAX_PAGES else None


def looks_like_length(text: str) -> bool:
    return bool(re.fullmatch(r"\d{1,6}\s*(?:pages?|p\.|pp\.)", text.strip(), re.IGNORECASE))


def parse_journal(line: str) -> Journal | None:
    """ "State Court Journal Volume: 4 Issue: 3 Dated: (Summer 1980) Pages: 3-8,41-44"."""
    line = " ".join(line.split())
    marks = list(_JOURNAL_KEYS.finditer(line))
    title = line[: marks[0].start()].strip() if marks else line.strip()
    parts: dict[str, str] = {}
    for i, mark in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(line)
        key = mark.group(1).lower().rstrip(".")
        value = line[mark.end(): end].strip()
        if value and key not in parts:
            parts[{"vol": "volume", "number": "issue"}.get(key, key)] = value
    if not (title or parts):
        return None
    return Journal(title or None, parts.get("volume"), parts.get("issue"), parts.get("dated"), parts.get("pages"))


def looks_like_journal(line: str) -> bool:
    marks = {m.group(1).lower() for m in _JOURNAL_KEYS.finditer(line)}
    return len(line) <= 600 and (len(marks) >= 2 or bool(marks & {"dated", "volume"}))


def split_chapter_title(title: str) -> tuple[str, Chapter | None]:
    """ "Title (From Book, P 81-88, 1988, Dennis Rowe, ed. -- See NCJ-117642)" -> ("Title", Chapter)."""
    at = title.rfind("(From ")
    if at <= 0 or not title.rstrip().endswith(")"):
        return title, None
    inner = title[at + 6: title.rstrip().rfind(")")].strip()
    printed = inner
    ncj = None
    if (see := inner.rfind("--")) >= 0:
        if m := re.search(r"NCJ[- ]?(\d{1,9})", inner[see:]):
            ncj = m.group(1)
        inner = inner[:see].strip()
    pages = year = None
    book, editors_raw = inner, None
    if m := re.search(r",\s*P{1,2}\.?\s+([0-9ivxlcdm][0-9ivxlcdm,\- ]{0,40}?)(?=,|$)", inner, re.IGNORECASE):
        book, rest = inner[: m.start()].strip(), inner[m.end():]
        pages = m.group(1).strip()
        bits = [b.strip() for b in rest.split(",") if b.strip()]
        if bits and re.fullmatch(r"\d{4}", bits[0]):
            year = _int(bits.pop(0))
        if bits and re.fullmatch(r"eds?\.?", bits[-1], re.IGNORECASE):
            editors_raw = ", ".join(bits[:-1]) or None
    if not book:
        return title, None
    editors_text = (editors_raw or "").replace(" and ", "; ")
    editors = parse_names(editors_text) if editors_raw else ()
    chapter = Chapter(book, pages, year, editors, editors_raw, ncj, printed)
    return title[:at].strip(), chapter


def parse_agencies(lines: list[str], hierarchy: bool) -> tuple[Agency, ...]:
    """Blocks of name lines, address lines and a country line, one agency after another.

    Name lines in a row are one body's hierarchy ("Georgetown University / School of Foreign
    Service") for corporate authors and wherever addresses are printed (the older pages); without
    addresses (today's pages) each line is an agency of its own.
    """
    hierarchy = hierarchy or any(_is_address(" ".join(line.split())) for line in lines)
    agencies: list[Agency] = []
    names: list[str] = []
    address: list[str] = []

    def close(country: str | None = None) -> None:
        if names:
            joined = names[0]
            for part in names[1:]:
                joined = f"{joined}{part}" if joined.endswith("/") else f"{joined}, {part}"
            agencies.append(Agency(joined.rstrip("/ "), tuple(address), country))
        names.clear()
        address.clear()

    for raw in lines[:200]:
        line = " ".join(raw.split())
        if not line:
            close()
        elif line.lower() in COUNTRIES and (names or address):
            close(line)
        elif names and _is_address(line):
            address.append(line)
        else:
            if address or (names and not hierarchy and not names[-1].endswith("/")):
                close()
            names.append(line)
    close()
    return tuple(agencies)


def _is_address(line: str) -> bool:
    return bool(_US_ADDRESS.search(line) or _STREET.match(line))


def place_of(agency: Agency) -> str | None:
    """ "Alexandria, VA 22314" -> "Alexandria, VA": where a publisher is, as a citation names it."""
    for line in reversed(agency.address):
        if _US_ADDRESS.search(line):
            return re.sub(r"\s+\d{5}(?:-\d{4})?\s*$", "", line).strip() or None
    return None


def find_isbn(text: str) -> str | None:
    m = _ISBN.search(text[:500])
    if m is None:
        bare = text.strip()
        return bare if re.fullmatch(r"[0-9][0-9Xx\-]{8,20}", bare) else None
    return m.group(1).strip()


def find_url(text: str) -> str | None:
    """The first http(s) address written out in ``text`` (link text such as "PDF" is not one)."""
    m = _URL.search(text[:5000])
    return m.group(0).rstrip(".,;)") if m else None


def _int(digits: str | None) -> int | None:
    if not digits or len(digits) > 9 or not digits.isdigit():
        return None
    return int(digits)
