"""The one canonical CSL-JSON item of a record: what every citation style is given. No Qt here.

Only what the record holds goes in: a record without authors gets no author, and no publisher
or place is ever made up (each style then applies its own rule for a work without an author).
"""

from __future__ import annotations

from typing import Any

from viewer.core.record import PAGE_ORIGIN, Record

# The NCJRS Virtual Library is the database the record comes from.
ARCHIVE = "NCJRS Virtual Library"

# Titles. The record keeps the title as published (headline case) for display, and a
# sentence-case copy. CSL can turn sentence case into title case (text-case="title") but not
# the reverse, and most styles do not re-case a report's title at all, so each style gets the
# casing its own guide asks for:
#   apa                      APA 7: titles of works in sentence case.
#   harvard-cite-them-right  Cite Them Right: capital only for the first word and proper nouns.
#   ieee                     IEEE Reference Guide: a report's title, in quotes, in sentence case.
# The others (MLA, both Chicago styles, ASA, Bluebook) want headline case, i.e. the title as
# published. In-text short titles that a style title-cases itself (APA's "(Title, 2003)") come
# out in headline case either way.
SENTENCE_CASE_STYLES = frozenset({"apa", "harvard-cite-them-right", "ieee"})


# Variables an import file may carry the NCJ number in (see viewer/core/importers/__init__.py).
_NCJ_CARRIERS = frozenset({"number", "note", "call-number", "archive_location", "accessionNumber"})


def csl_name(name: str) -> dict[str, str]:
    """A CSL name for one author string: "Family, Given" is a person, anything else a body.

    A name with a comma but more than one of them (e.g. "Office of Justice Programs, U.S.
    Department of Justice, Washington") is not a "Family, Given" pair and stays literal.
    """
    name = " ".join(name.split())
    family, sep, given = name.partition(",")
    if sep and "," not in given and family.strip() and given.strip():
        # Particles ("van Dijk, Jan") stay in the family name: citeproc-js splits them itself.
        return {"family": family.strip(), "given": given.strip()}
    return {"literal": name}


def csl_item(record: Record, style_id: str | None = None) -> dict[str, Any]:
    """The CSL-JSON item for ``record``, with the title cased for ``style_id`` (None: as published).

    The NCJ number is NCJRS's accession number, not a report number the publisher gave, so it is
    not CSL's ``number`` (which APA prints as "(Report No. ...)"). It goes in
    ``archive_location`` ("storage location within an archive"): the place of the item within
    the ``archive`` named beside it, which is what an accession number in a database is, and the
    variable Zotero fills from "Loc. in Archive". APA prints it as "NCJRS Virtual Library
    (NCJ 203234)", MLA, Chicago author-date and Chicago notes print it next to the archive; ASA,
    Harvard, IEEE and Bluebook leave archive data out. ``call-number`` (a library shelf mark) was
    the other candidate; none of the eight styles prints it, and it does not mean accession.
    """
    title = record.title
    if style_id in SENTENCE_CASE_STYLES and record.title_sentence_case:
        title = record.title_sentence_case
    if record.origin == PAGE_ORIGIN:
        return _page_item(record, title)
    item: dict[str, Any] = {"id": record.id, "type": "report", "title": title}
    if record.authors:
        item["author"] = [csl_name(a) for a in record.authors]
    if record.issued_year is not None:
        parts = [record.issued_year] + ([record.issued_month] if record.issued_month else [])
        item["issued"] = {"date-parts": [parts]}
    if record.pages is not None:
        item["number-of-pages"] = record.pages
    if record.ncj_number:
        item["archive"] = record.provenance.library if record.provenance else ARCHIVE
        item["archive_location"] = f"NCJ {record.ncj_number}"
    if record.provenance is not None and record.provenance.url:
        item["URL"] = record.provenance.url
    # What an imported file said beyond the record's fields: its item type and structured names
    # are better than the defaults; anything else only fills a gap.
    for key, value in record.csl_extra.items():
        if record.ncj_number and key in _NCJ_CARRIERS and record.ncj_number in str(value):
            continue  # the importer read the NCJ number from here; it is cited once, as above
        if key in ("type", "author") or key not in item:
            if key not in ("id", "title", "issued", "number-of-pages"):
                item[key] = value
    return item


def _page_item(record: Record, title: str) -> dict[str, Any]:
    """A record read from an NCJRS page: the page rules ("NCJRS pages" in SCHEMA.md), title cased for the style."""
    from viewer.core.importers.page_csl import (
        page_to_csl,  # the importers package reads records too
    )
    from viewer.core.importers.page_record import record_to_page

    item = page_to_csl(record_to_page(record), record.id)
    if "title" in item:
        item["title"] = title
    return item
