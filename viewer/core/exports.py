"""A record exported as RIS, BibTeX or CSL-JSON. No Qt here.

Only what the record holds is written: no author, publisher or place unless the record names one.
RIS goes through rispy, BibTeX through bibtexparser 2, CSL-JSON is the canonical item of
:mod:`viewer.core.csl_item` (title as published) plus the abstract.
"""

from __future__ import annotations

import calendar
import json
import re
from typing import Any, Sequence

from viewer.core.csl_item import csl_item, csl_name
from viewer.core.record import Record

FORMATS: dict[str, str] = {  # id -> file name extension
    "ris": "ris",
    "bibtex": "bib",
    "csl-json": "json",
}


class ExportError(ValueError):
    """An unknown export format; the message names the valid ones."""


def formats() -> list[str]:
    return list(FORMATS)


def export(record: Record, fmt: str) -> str:
    """``record`` as text in ``fmt`` (one of :func:`formats`)."""
    return export_many([record], fmt)


def export_many(records: Sequence[Record], fmt: str) -> str:
    """Several records in one file, in the order given."""
    if fmt == "ris":
        return to_ris(records)
    if fmt == "bibtex":
        return to_bibtex(records)
    if fmt == "csl-json":
        return to_csl_json(records)
    raise ExportError(f"unknown export format {fmt!r}; choose one of: {', '.join(FORMATS)}")


# --- RIS ---------------------------------------------------------------------------------


def ris_fields(record: Record) -> dict[str, Any]:
    """The rispy dictionary for ``record`` (keys are rispy's names for the RIS tags)."""
    ref: dict[str, Any] = {"type_of_reference": "RPRT", "title": record.title}
    if record.authors:
        # RIS writes persons as "Family, Given"; a corporate name as it stands.
        ref["authors"] = [" ".join(a.split()) for a in record.authors]
    if record.issued_year is not None:
        ref["year"] = str(record.issued_year)
        month = f"{record.issued_month:02d}" if record.issued_month else ""
        ref["date"] = f"{record.issued_year}/{month}/"  # RIS DA: YYYY/MM/DD/other
    if record.pages is not None:
        ref["start_page"] = str(record.pages)  # SP: number of pages of a whole report (as Zotero)
    if record.ncj_number:
        ref["accession_number"] = f"NCJ {record.ncj_number}"
    if record.provenance is not None:
        if record.provenance.library:
            ref["name_of_database"] = record.provenance.library
        if record.provenance.url:
            ref["urls"] = [record.provenance.url]
    if record.abstract:
        ref["abstract"] = record.abstract
    return ref


def to_ris(records: Sequence[Record]) -> str:
    # rispy and bibtexparser are imported on use: start-up only needs the format names.
    import rispy
    from rispy.writer import RisWriter

    class PlainRisWriter(RisWriter):
        """rispy's writer without the "1." line it puts before each TY by default."""

        def set_header(self, count: int) -> str:
            return ""

    return rispy.dumps([ris_fields(r) for r in records], implementation=PlainRisWriter)


# --- BibTeX ------------------------------------------------------------------------------

_LATEX_SPECIALS = re.compile(r"([&%$#_{}~^\\])")
_LATEX_REPLACEMENTS = {"~": r"\textasciitilde{}", "^": r"\textasciicircum{}", "\\": r"\textbackslash{}"}


def latex_escape(text: str) -> str:
    """Escape the characters that mean something to (La)TeX; UTF-8 letters stay as they are."""
    return _LATEX_SPECIALS.sub(lambda m: _LATEX_REPLACEMENTS.get(m.group(1), "\\" + m.group(1)), text)


def bibtex_name(name: str) -> str:
    """A BibTeX name: "Family, Given" for a person, a braced ``{Name}`` for a corporate body
    (unbraced, BibTeX would split "United Nations" into a given and a family name)."""
    csl = csl_name(name)
    if "literal" in csl:
        return "{" + latex_escape(csl["literal"]) + "}"
    return f"{latex_escape(csl['family'])}, {latex_escape(csl['given'])}"


def bibtex_key(record: Record) -> str:
    base = f"ncj{record.ncj_number}" if record.ncj_number else record.id
    return re.sub(r"[^A-Za-z0-9_:-]", "", base) or "ncjrs"


def bibtex_fields(record: Record) -> list[tuple[str, str]]:
    """(field, value as written, with its braces) for ``record``."""
    fields: list[tuple[str, str]] = []
    if record.authors:
        fields.append(("author", "{" + " and ".join(bibtex_name(a) for a in record.authors) + "}"))
    # Double braces keep the published capitalisation from BibTeX styles that re-case titles.
    fields.append(("title", "{{" + latex_escape(record.title) + "}}"))
    if record.issued_year is not None:
        fields.append(("year", "{" + str(record.issued_year) + "}"))
        if record.issued_month:
            fields.append(("month", calendar.month_abbr[record.issued_month].lower()))  # BibTeX macro
    if record.pages is not None:
        fields.append(("pagetotal", "{" + str(record.pages) + "}"))  # biblatex; BibTeX ignores it
    # NCJRS accession number and database: biblatex has no accession field; a note keeps both.
    if record.ncj_number:
        library = record.provenance.library if record.provenance and record.provenance.library else "NCJRS Virtual Library"
        fields.append(("note", "{" + latex_escape(f"{library}, NCJ {record.ncj_number}") + "}"))
    if record.provenance is not None and record.provenance.url:
        fields.append(("url", "{" + record.provenance.url + "}"))
    if record.abstract:
        fields.append(("abstract", "{" + latex_escape(record.abstract) + "}"))
    return fields


def to_bibtex(records: Sequence[Record]) -> str:
    import bibtexparser
    from bibtexparser.model import Block, Entry, Field

    entries: list[Block] = []
    used: set[str] = set()
    for record in records:
        key, n = bibtex_key(record), 1
        while key in used:  # keys must be unique within a file
            n += 1
            key = f"{bibtex_key(record)}-{n}"
        used.add(key)
        entries.append(Entry("techreport", key, [Field(k, v) for k, v in bibtex_fields(record)]))
    library = bibtexparser.Library(entries)
    # Values above are written exactly as they should appear: no middleware re-encloses them.
    return bibtexparser.write_string(library, unparse_stack=[])


# --- CSL-JSON ----------------------------------------------------------------------------


def csl_json_item(record: Record) -> dict[str, Any]:
    item = csl_item(record)  # the title as published
    if record.abstract:
        item["abstract"] = record.abstract
    return item


def to_csl_json(records: Sequence[Record]) -> str:
    return json.dumps([csl_json_item(r) for r in records], ensure_ascii=False, indent=2) + "\n"
