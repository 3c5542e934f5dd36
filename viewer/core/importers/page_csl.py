"""The CSL-JSON item a librarian would sign for an NCJRS page (rules: resources/records/SCHEMA.md, "NCJRS pages")."""

from __future__ import annotations

from typing import Any

from viewer.core.importers.page_kind import csl_type
from viewer.core.importers.page_model import Name, NcjrsPage

ARCHIVE = "NCJRS Virtual Library"
# CSL's language is a code; pages name the language in English.
_LANGUAGES = {"english": "en", "french": "fr", "spanish": "es", "german": "de", "italian": "it",
              "portuguese": "pt", "dutch": "nl", "swedish": "sv", "norwegian": "no", "danish": "da",
              "finnish": "fi", "polish": "pl", "russian": "ru", "japanese": "ja", "chinese": "zh",
              "korean": "ko", "hebrew": "he", "arabic": "ar", "greek": "el", "turkish": "tr",
              "hungarian": "hu", "czech": "cs", "catalan": "ca"}
_CITED_IN_CONTAINER = frozenset({"article-journal", "chapter", "periodical"})


def page_to_csl(page: NcjrsPage, item_id: str) -> dict[str, Any]:
    kind = csl_type(page)
    item: dict[str, Any] = {"id": item_id, "type": kind}
    if page.title:
        item["title"] = page.title
    _names(page, kind, item)
    _container(page, kind, item)
    issued = _issued(page)
    if issued:
        item["issued"] = issued
    if page.page_count is not None and kind not in ("article-journal", "chapter"):
        item["number-of-pages"] = page.page_count
    if kind in ("report", "book", "thesis"):
        _publisher(page, item)
        if page.ncj_number:
            item["archive"] = ARCHIVE
            item["archive_location"] = f"NCJ {page.ncj_number}"
    if page.isbn:
        item["ISBN"] = page.isbn
    if page.series and kind not in _CITED_IN_CONTAINER:
        item["collection-title"] = page.series
    language = _LANGUAGES.get((page.language or "").strip().lower())
    if language:
        item["language"] = language
    url = page.document_url or (page.page_url if kind in ("report", "book", "thesis") else None)
    if url:
        item["URL"] = url
    return item


def csl_name(name: Name) -> dict[str, str]:
    if name.literal or not name.given and not name.particle:
        return {"literal": name.literal} if name.literal else {"family": name.family}
    out = {"family": name.family, "given": name.given}
    if name.particle:
        out["non-dropping-particle"] = name.particle
    if name.suffix:
        out["suffix"] = name.suffix
    return out


def _names(page: NcjrsPage, kind: str, item: dict[str, Any]) -> None:
    if page.authors:
        item["author"] = [csl_name(n) for n in page.authors]
    editors = page.editors or (page.chapter.editors if page.chapter else ())
    if editors:
        item["editor"] = [csl_name(n) for n in editors]
    if not page.authors and not editors and page.corporate_authors:
        item["author"] = [{"literal": page.corporate_authors[0].name}]  # APA's group author


def _container(page: NcjrsPage, kind: str, item: dict[str, Any]) -> None:
    if page.chapter is not None:
        item["container-title"] = page.chapter.container_title
        if page.chapter.pages:
            item["page"] = page.chapter.pages
        return
    journal = page.journal
    if journal is None or not journal.title:
        return
    item["container-title"] = journal.title
    for key, value in (("volume", journal.volume), ("issue", journal.issue)):
        if value:
            item[key] = value
    if journal.pages and kind == "article-journal":
        item["page"] = journal.pages


def _issued(page: NcjrsPage) -> dict[str, Any] | None:
    if page.year is None:
        return None
    parts = [page.year] + ([page.month] if page.month else [])
    issued: dict[str, Any] = {"date-parts": [parts]}
    if page.season and not page.month:
        issued["season"] = page.season
    return issued


def _publisher(page: NcjrsPage, item: dict[str, Any]) -> None:
    """The page's publisher; else, beside personal authors, the corporate author publishes."""
    if page.publisher:
        item["publisher"] = page.publisher
        if page.place:
            item["publisher-place"] = page.place
    elif (page.authors or page.editors) and page.corporate_authors:
        item["publisher"] = page.corporate_authors[0].name
