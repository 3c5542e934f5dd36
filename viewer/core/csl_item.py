"""The one canonical CSL-JSON item of a record: what every citation style is given. No Qt here.

Only what the record holds goes in: a record without authors gets no author, and no publisher
or place is ever made up (each style then applies its own rule for a work without an author).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from viewer.core.record import PAGE_ORIGIN, Record

# The NCJRS Virtual Library is the database the record comes from.
ARCHIVE = "NCJRS Virtual Library"

# Titles: one rule for every style. The record keeps the title as published (headline case) for
# display, and a sentence-case copy where it has one. CSL can turn sentence case into title case
# (text-case="title") but not the reverse, so every style is given the sentence-case title, and a
# style that wants headline case converts it itself; a record without a sentence-case copy gives
# its title as published.
#
# One exception, read from the style's XML, not from a list: a style that title-cases the full
# title itself (text-case="title" on the title, not only its short form) but prints it unconverted
# inside its author <substitute> (where a work without an author is cited by its title) wants
# headline case and would show sentence case there; it is given the title as published, which is
# what its own conversion gives everywhere else. Checked on the eight offered styles (the stored
# citations of the bundled record did not change): APA, Harvard and IEEE print sentence case;
# MLA, both Chicago styles and Bluebook title-case the sentence-case title themselves; ASA is the
# exception (its no-author substitute prints the title plain), as are 57 of the 2,851 independent
# styles of the repository. In-text short titles that a style title-cases itself (APA's
# "(Title, 2003)") come out in headline case either way.


# Variables an import file may carry the NCJ number in (see viewer/core/importers/__init__.py).
_NCJ_CARRIERS = frozenset({"number", "note", "call-number", "archive_location", "accessionNumber"})


def keeps_published_title(style_id: str, user_styles: Path | None = None) -> bool:
    """True when ``style_id`` is given the title as published rather than in sentence case (see
    "Titles" above); an unknown style follows the rule (sentence case)."""
    if style_id in OFFERED_KEEP_PUBLISHED_TITLE:
        return OFFERED_KEEP_PUBLISHED_TITLE[style_id]
    from viewer.citeproc import style_repo  # plain Python; loads the style index on first use

    try:
        xml = style_repo.style_xml(style_id, user_styles)
    except (style_repo.StyleError, OSError):
        return False
    return _title_cased_but_not_in_substitute(xml)


# The rule's answer for the eight offered styles, so a stored citation is served without reading a
# style file (a test checks these against the rule on their XML).
OFFERED_KEEP_PUBLISHED_TITLE = {
    "apa": False, "modern-language-association": False, "chicago-author-date": False,
    "chicago-notes-bibliography": False, "harvard-cite-them-right": False,
    "american-sociological-association": True, "bluebook-law-review": False, "ieee": False,
}

_CSL = "{http://purl.org/net/xbiblio/csl}"
_TITLE_CASE_TITLE = re.compile(r'<text\b[^>]*\btext-case="title"[^>]*>')


@lru_cache(maxsize=64)
def _title_cased_but_not_in_substitute(style_xml: str) -> bool:
    if not any('variable="title"' in m.group(0) and 'form="short"' not in m.group(0)
               for m in _TITLE_CASE_TITLE.finditer(style_xml)):
        return False  # a quick no for most styles, without parsing
    import xml.etree.ElementTree as ET  # on use: expat is not needed for the window's start

    try:
        root = ET.fromstring(style_xml.encode("utf-8"))
    except ET.ParseError:
        return False
    return any(text.get("variable") == "title" and text.get("form") != "short" and text.get("text-case") is None
               for substitute in root.iter(f"{_CSL}substitute") for text in substitute.iter(f"{_CSL}text"))


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


def csl_item(record: Record, style_id: str | None = None, user_styles: Path | None = None) -> dict[str, Any]:
    """The CSL-JSON item for ``record``, with the title cased for ``style_id`` (None: as published;
    see "Titles" above); ``user_styles``: the folder of the user's own styles.

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
    if style_id is not None and record.title_sentence_case and not keeps_published_title(style_id, user_styles):
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
