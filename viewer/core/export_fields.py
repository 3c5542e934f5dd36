"""What a record's RIS and BibTeX entries hold, read from its canonical CSL item. No Qt here.

The CSL item (:func:`viewer.core.csl_item.csl_item`, title as published) already decides the kind
of work (report, journal article, chapter, book...) and holds only what the record gives; the
exports map its variables to each format's fields, as Zotero's RIS and BibTeX exports do, so an
article exports as an article with its journal, volume, issue and pages, not as a report.
"""

from __future__ import annotations

import calendar
import re
from typing import Any

from viewer.core.record import Record

# CSL type -> RIS TY (the RIS importer reads each back as the same CSL type).
RIS_TYPES = {"report": "RPRT", "article-journal": "JOUR", "article-magazine": "MGZN",
             "article-newspaper": "NEWS", "book": "BOOK", "chapter": "CHAP", "paper-conference": "CPAPER",
             "thesis": "THES", "webpage": "ELEC", "legislation": "STAT", "bill": "BILL",
             "legal_case": "CASE", "periodical": "JFULL"}
# CSL type -> BibTeX entry type (biblatex reads these too).
BIBTEX_TYPES = {"report": "techreport", "article-journal": "article", "article-magazine": "article",
                "article-newspaper": "article", "book": "book", "chapter": "incollection",
                "paper-conference": "inproceedings", "thesis": "phdthesis"}
# Kinds whose SP (RIS) is the number of pages of the whole work, as Zotero writes it.
_WHOLE_WORKS = frozenset({"report", "book", "thesis"})
_PAGE_RANGE = re.compile(r"^\s*(\S+?)\s*[-\u2013\u2014]+\s*(\S+)\s*$")


def page_range(page: str) -> tuple[str, str]:
    """("12", "34") for "12-34" or "12–34"; (page, "") for anything else."""
    match = _PAGE_RANGE.match(page)
    return (match.group(1), match.group(2)) if match else (page.strip(), "")


def _date_parts(item: dict[str, Any]) -> list[Any]:
    issued = item.get("issued")
    if not isinstance(issued, dict):
        return []
    parts = issued.get("date-parts") or [[]]
    return list(parts[0]) if parts and isinstance(parts[0], list) else []


def _person(name: dict[str, Any]) -> tuple[str, str, str] | None:
    """(family with its particle, given, suffix) of a CSL person; None for a body."""
    if "literal" in name or not name.get("family"):
        return None
    family = " ".join(p for p in (name.get("non-dropping-particle"), name.get("family")) if p)
    return family, str(name.get("given") or ""), str(name.get("suffix") or "")


# --- RIS -----------------------------------------------------------------------------------------


def ris_name(name: dict[str, Any]) -> str:
    """RIS writes a person as "Family, Given, Suffix" and a body's name as it stands."""
    person = _person(name)
    if person is None:
        return " ".join(str(name.get("literal") or name.get("family") or "").split())
    return ", ".join(part for part in person if part)


def ris_fields(record: Record, item: dict[str, Any]) -> dict[str, Any]:
    """The rispy dictionary (keys are rispy's names for the RIS tags) for ``record``."""
    kind = item.get("type", "report")
    ref: dict[str, Any] = {"type_of_reference": RIS_TYPES.get(kind, "GEN"), "title": record.title}
    for csl, key in (("author", "authors"), ("editor", "secondary_authors")):
        names = [ris_name(n) for n in item.get(csl) or []]
        if names:
            ref[key] = names
    _put(ref, "secondary_title", item.get("container-title"))
    _put(ref, "tertiary_title", item.get("collection-title"))
    parts = _date_parts(item)
    if parts:
        ref["year"] = str(parts[0])
        month = f"{parts[1]:02d}" if len(parts) > 1 else ""
        day = f"{parts[2]:02d}" if len(parts) > 2 else ""
        ref["date"] = f"{parts[0]}/{month}/{day}"  # RIS DA: YYYY/MM/DD/other
    _put(ref, "volume", item.get("volume"))
    _put(ref, "number", item.get("issue"))
    if item.get("page"):
        first, last = page_range(str(item["page"]))
        ref["start_page"] = first
        _put(ref, "end_page", last)
    elif item.get("number-of-pages") is not None and kind in _WHOLE_WORKS:
        ref["start_page"] = str(item["number-of-pages"])
    _put(ref, "publisher", item.get("publisher"))
    _put(ref, "place_published", item.get("publisher-place"))
    _put(ref, "issn", item.get("ISBN") or item.get("ISSN"))
    _put(ref, "doi", item.get("DOI"))
    if record.ncj_number:
        ref["accession_number"] = f"NCJ {record.ncj_number}"
        if record.provenance is not None:
            _put(ref, "name_of_database", record.provenance.library)
    if item.get("URL"):
        ref["urls"] = [item["URL"]]
    _put(ref, "language", item.get("language"))
    _put(ref, "abstract", record.abstract)
    return ref


def _put(target: dict[str, Any], key: str, value: Any) -> None:
    if value not in (None, ""):
        target[key] = str(value)


# --- BibTeX --------------------------------------------------------------------------------------

_LATEX_SPECIALS = re.compile(r"([&%$#_{}~^\\])")
_LATEX_REPLACEMENTS = {"~": r"\textasciitilde{}", "^": r"\textasciicircum{}", "\\": r"\textbackslash{}"}


def latex_escape(text: str) -> str:
    """Escape the characters that mean something to (La)TeX; UTF-8 letters stay as they are."""
    return _LATEX_SPECIALS.sub(lambda m: _LATEX_REPLACEMENTS.get(m.group(1), "\\" + m.group(1)), text)


def bibtex_name(name: dict[str, Any]) -> str:
    """A BibTeX name: "von Last, Jr., First" for a person, a braced ``{Name}`` for a corporate body
    (unbraced, BibTeX would split "United Nations" into a given and a family name)."""
    person = _person(name)
    if person is None:
        return "{" + latex_escape(ris_name(name)) + "}"
    family, given, suffix = (latex_escape(part) for part in person)
    return ", ".join(part for part in (family, suffix, given) if part)


def _braced(value: Any) -> str:
    return "{" + latex_escape(str(value)) + "}"


def bibtex_fields(record: Record, item: dict[str, Any]) -> list[tuple[str, str]]:
    """(field, value as written, with its braces) for ``record``."""
    kind = item.get("type", "report")
    fields: list[tuple[str, str]] = []
    for csl in ("author", "editor"):
        if item.get(csl):
            fields.append((csl, "{" + " and ".join(bibtex_name(n) for n in item[csl]) + "}"))
    # Double braces keep the published capitalisation from BibTeX styles that re-case titles.
    fields.append(("title", "{{" + latex_escape(record.title) + "}}"))
    if item.get("container-title"):
        container = "journal" if kind.startswith("article") else "booktitle"
        fields.append((container, _braced(item["container-title"])))
    if item.get("collection-title"):
        fields.append(("series", _braced(item["collection-title"])))
    parts = _date_parts(item)
    if parts:
        fields.append(("year", "{" + str(parts[0]) + "}"))
        if len(parts) > 1 and isinstance(parts[1], int) and 1 <= parts[1] <= 12:
            fields.append(("month", calendar.month_abbr[parts[1]].lower()))  # BibTeX macro
    for csl, key in (("volume", "volume"), ("issue", "number")):
        if item.get(csl):
            fields.append((key, _braced(item[csl])))
    if item.get("page"):
        first, last = page_range(str(item["page"]))
        fields.append(("pages", _braced(f"{first}--{last}" if last else first)))
    elif item.get("number-of-pages") is not None:
        fields.append(("pagetotal", "{" + str(item["number-of-pages"]) + "}"))  # biblatex; BibTeX ignores it
    if item.get("publisher"):
        # BibTeX's techreport names its publisher "institution" and a thesis its "school".
        key = {"report": "institution", "thesis": "school"}.get(kind, "publisher")
        fields.append((key, _braced(item["publisher"])))
    if item.get("publisher-place"):
        fields.append(("address", _braced(item["publisher-place"])))
    for csl, key in (("ISBN", "isbn"), ("ISSN", "issn"), ("DOI", "doi"), ("language", "language")):
        if item.get(csl):
            fields.append((key, _braced(item[csl])))
    # NCJRS accession number and database: biblatex has no accession field; a note keeps both.
    if record.ncj_number:
        library = record.provenance.library if record.provenance and record.provenance.library else None
        library = library or item.get("archive") or "NCJRS Virtual Library"
        fields.append(("note", _braced(f"{library}, NCJ {record.ncj_number}")))
    if item.get("URL"):
        fields.append(("url", "{" + str(item["URL"]) + "}"))
    if record.abstract:
        fields.append(("abstract", _braced(record.abstract)))
    return fields


def bibtex_type(item: dict[str, Any]) -> str:
    return BIBTEX_TYPES.get(str(item.get("type", "report")), "misc")
