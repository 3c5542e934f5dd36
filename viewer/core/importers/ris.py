"""RIS, read with rispy: one entry per ``TY`` ... ``ER`` block."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from viewer.core.importers.common import (
    BadEntry,
    BadValue,
    cancel_point,
    Builder,
    ImportedRecord,
    ImportFileError,
    ImportReport,
    clean,
    date_from_text,
    with_place,
)

_RIS_TAG = re.compile(r"^([A-Z][A-Z0-9])  -(?: (.*))?$")


def parse_ris(text: str, source: str = "<ris>") -> ImportReport:
    report = ImportReport(source, "ris")
    report.entries.extend(iter_ris(text.splitlines(), source, report.bad))
    return report


def iter_ris(lines: Iterable[str], source: str, bad_entries: list[BadEntry]) -> Iterator[ImportedRecord]:
    """The good entries of RIS text given line by line (as ``str.splitlines`` gives them), read
    while they are asked for; bad ones are appended to ``bad_entries``. Holds one entry's lines."""
    import rispy

    body: list[str] = []
    entry_start: int | None = None
    index = good = 0
    garbage_reported_at: int | None = None

    def bad(line: int, reason: str, idx: int | None) -> None:
        bad_entries.append(BadEntry(source, f"line {line}", reason, line=line, index=idx))

    number = 0
    for number, line in enumerate(lines, 1):
        match = _RIS_TAG.match(line.rstrip())
        tag = match.group(1) if match else None
        if entry_start is None:
            if tag == "TY":
                entry_start, body = number, [line]
            elif line.strip() and garbage_reported_at is None:
                garbage_reported_at = number
                bad(number, "text outside a reference (a reference starts with 'TY  - ')", None)
            continue
        if tag == "TY":  # a new reference before this one ended
            bad(entry_start, "reference not closed by 'ER  - ' before the next 'TY  - '", index)
            index += 1
            entry_start, body = number, [line]
            continue
        body.append(line)
        if tag == "ER":
            cancel_point()
            where = f"line {entry_start}"
            try:
                entries = rispy.loads("\n".join(body) + "\n", skip_unknown_tags=True)
                if len(entries) != 1:
                    raise BadValue("not a readable RIS reference")
                imported = _ris_entry(entries[0], where)
            except BadValue as exc:
                bad(entry_start, str(exc), index)
            except Exception as exc:  # rispy rejects what it cannot read; report it as this entry's fault
                bad(entry_start, f"not a readable RIS reference ({exc})", index)
            else:
                good += 1
                yield with_place(imported, entry_start, index)
            index += 1
            entry_start, body = None, []
            garbage_reported_at = None
    if entry_start is not None:
        bad(entry_start, "reference not closed by 'ER  - ' at the end of the file", index)
    if not good and not bad_entries:
        raise ImportFileError(source, "", "no RIS references found (a reference starts with 'TY  - ')")


def _ris_entry(entry: dict, where: str) -> ImportedRecord:
    b = Builder()
    b.title = _ris_first(entry, "title", "primary_title")
    if not b.title:
        raise BadValue("no title (TI or T1)")
    for key in ("authors", "first_authors"):
        for name in entry.get(key) or []:
            name = clean(name)
            if name:
                b.add_name(split_comma_name(name))
        if b.names:
            break
    year = month = day = None
    date_text = ""
    for key in ("year", "date", "publication_year"):
        value = clean(entry.get(key) or "")
        if value:
            y, m, d, text = date_from_text(value, _RIS_KEY_TAG[key])
            if year is None:
                year, date_text = y, text
            if y == year and m and month is None:
                month, day = m, d
    if year is not None or date_text:
        b.set_date(year, month, day, date_text)
    b.abstract = _ris_first(entry, "abstract", "notes_abstract")
    database = " ".join(clean(entry.get(k) or "") for k in ("name_of_database", "database_provider"))
    accession = clean(entry.get("accession_number") or "")
    if accession.isdigit() and re.search(r"NCJRS|National Criminal Justice Reference", database, re.IGNORECASE):
        b.set_ncj(accession, "AN")
    else:
        b.ncj_from_text(accession, "AN")
    b.ncj_from_text(clean(entry.get("note") or ""), "M1")
    b.ncj_from_text(clean(entry.get("call_number") or ""), "CN")
    for note in entry.get("notes") or []:
        b.ncj_from_text(clean(note), "N1")
    urls = [clean(u) for u in entry.get("urls") or [] if clean(u)]
    for url in urls:
        b.ncj_from_url(url, "UR")
    b.citation["type"] = _RIS_TYPES.get(entry.get("type_of_reference", ""), "document")
    for key, csl in (("publisher", "publisher"), ("place_published", "publisher-place"), ("volume", "volume"),
                     ("number", "issue"), ("doi", "DOI"), ("issn", "ISSN"), ("edition", "edition")):
        value = clean(entry.get(key) or "")
        if value:
            b.citation[csl] = value
    container = _ris_first(entry, "journal_name", "secondary_title", "alternate_title3", "alternate_title1")
    if container:
        b.citation["container-title"] = container
    if entry.get("type_of_reference") in _RIS_EDITED:  # A2 of a chapter or book: its editors
        editors = [split_comma_name(clean(n)) for n in entry.get("secondary_authors") or [] if clean(n)]
        if editors:
            b.citation["editor"] = editors
    first, last = clean(entry.get("start_page") or ""), clean(entry.get("end_page") or "")
    if first and not last and first.isdigit() and entry.get("type_of_reference") in _RIS_WHOLE_WORKS:
        b.set_pages(first)  # SP of a whole report or book is its number of pages (as Zotero writes it)
    elif first:
        b.citation["page"] = f"{first}-{last}" if last else first
    if urls:
        b.citation["URL"] = urls[0]
    return b.build(where)


_RIS_EDITED = frozenset({"CHAP", "ECHAP", "BOOK", "EBOOK", "EDBOOK", "CONF", "CPAPER"})
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
        value = clean(value or "")
        if value:
            return value
    return ""


def split_comma_name(name: str) -> dict[str, str]:
    """RIS and our own convention: "Family, Given" is a person; a name without a comma is kept whole."""
    if "," in name:
        family, given = (part.strip() for part in name.split(",", 1))
        if family:
            return {"family": family, "given": given} if given else {"family": family}
    return {"literal": name}
