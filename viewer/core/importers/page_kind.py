"""What kind of work a page describes, as a CSL item type, decided from what the page says."""

from __future__ import annotations

import re

from viewer.core.importers.page_model import NcjrsPage

_CHAPTER = re.compile(r"\b(?:this|the) chapter\b", re.IGNORECASE)
_REPORT = re.compile(r"\b(?:this|the|final|research|technical|evaluation|annual) report\b|"
                     r"\bthis (?:paper|brief|program brief|bulletin|fact sheet|study|document|summary)\b",
                     re.IGNORECASE)
_BOOK = re.compile(r"\b(?:book|monograph|workbook|textbook|thesaurus|booklet|handbook|anthology|"
                   r"compendium|encyclopedia|dictionary)\b|\bthis (?:text|volume|reference guide|"
                   r"compilation)\b|\b(?:resource|reference) (?:volume|guide)\b|\bcompilation of\b|"
                   r"\bedition\b", re.IGNORECASE)
_WHOLE_ISSUE = re.compile(r"complete issue|entire issue|whole issue", re.IGNORECASE)
_BOOK_PAGES = 100  # an unlabelled work this long with no other sign is a book, a shorter one a report


def csl_type(page: NcjrsPage) -> str:
    """ "chapter", "article-journal", "periodical", "thesis", "book" or "report"."""
    if page.chapter is not None:
        return "chapter"
    if page.journal is not None and page.journal.title:
        whole = page.journal.pages is not None and _WHOLE_ISSUE.search(page.journal.pages)
        return "periodical" if whole and not page.authors else "article-journal"
    annotation = (page.annotation or "")[:600]
    if _CHAPTER.search(annotation):
        return "chapter"
    said = f"{page.publication_type or ''} {page.format or ''}".lower()
    if "thesis" in said or "dissertation" in said:
        return "thesis"
    if "book" in said or page.isbn:
        return "book"
    if "report" in said:
        return "report"
    by_words = _by_words(f"{page.title or ''}. {annotation}")
    if by_words:
        return by_words
    if page.editors:
        return "book"
    if page.grant_numbers or (page.corporate_authors and not page.authors):
        return "report"
    return "book" if (page.page_count or 0) >= _BOOK_PAGES else "report"


def _by_words(text: str) -> str | None:
    """The kind the title and annotation name first ("This booklet asks...", "this report discusses")."""
    report = _REPORT.search(text)
    book = _BOOK.search(text)
    if report and (not book or report.start() < book.start()):
        return "report"
    return "book" if book else None
