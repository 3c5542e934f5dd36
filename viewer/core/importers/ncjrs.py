"""NCJRS record pages (copied text, a saved .html/.htm, or the clipboard) read as an import.

One page is one record, id ``ncj-<number>`` (``ref-…`` when the page shows no NCJ number). A
page is taken whole or refused whole: "not an NCJRS record page…" or "the page has no title…",
one line each, and nothing partial reaches a library.
"""

from __future__ import annotations

from viewer.core.importers.common import (
    MAX_TEXT,
    MAX_TITLE,
    ImportedRecord,
    ImportFileError,
    ImportReport,
)
from viewer.core.importers.ncjrs_page import (
    NO_TITLE,
    NOT_A_PAGE,
    PageError,
    looks_like_page,
    parse_page,
)
from viewer.core.importers.page_html import looks_like_html
from viewer.core.importers.page_record import page_to_record

FORMAT = "ncjrs-page"
# What an input that is none of the formats read is told (one line).
NOT_ANY = "not an NCJRS record page, RIS, BibTeX, CSL-JSON or record file"
MISSING_TITLE = f"{NO_TITLE} (copy the page from above its title, or save the whole page)"
# A saved "complete" page is a few hundred kilobytes; anything far larger is not one.
MAX_PAGE_BYTES = 8 * 1024 * 1024


def parse_ncjrs_page(text: str, source: str = "<page>", *, asked: bool = True) -> ImportReport:
    """One page as a report with one record; ImportFileError when it is not a page or has no title.

    ``asked``: the caller chose this format (an .html file, ``--format ncjrs-page``); otherwise the
    text was sniffed and a refusal names every format it is not."""
    if len(text) > MAX_PAGE_BYTES:
        raise ImportFileError(source, "", f"too large for an NCJRS record page ({len(text):,} characters)")
    try:
        page = parse_page(text)
    except PageError:
        raise ImportFileError(source, "", NOT_A_PAGE if asked else NOT_ANY) from None
    if not page.title:
        raise ImportFileError(source, "", MISSING_TITLE)
    if len(page.title) > MAX_TITLE:
        raise ImportFileError(source, "", f"title longer than {MAX_TITLE:,} characters")
    for name, value in (("annotation", page.annotation), ("abstract", page.abstract)):
        if value and len(value) > MAX_TEXT:
            raise ImportFileError(source, "", f"{name} longer than {MAX_TEXT:,} characters")
    report = ImportReport(source, FORMAT)
    report.entries.append(ImportedRecord(page_to_record(page), "page", {}, index=0))
    return report


def looks_like_ncjrs_page(text: str) -> bool:
    """For sniffing: an HTML file, or text with an "NCJ Number" label (or NCJRS and two labels)."""
    return looks_like_html(text) or looks_like_page(text[:200_000])
