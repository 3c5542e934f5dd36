"""NCJRS Virtual Library record pages (copied text or a saved HTML file) read into an NcjrsPage.

    page = parse_page(text)      # PageError("not an NCJRS record page") for anything else
    require_title(page)          # PageError("the page has no title") for a copy that starts at "NCJ Number"
    html_to_page(html)           # a browser's saved page: "complete" or "HTML only"; never fetches
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from viewer.core.importers.page_fields import Found, read_fields
from viewer.core.importers.page_html import html_to_text, looks_like_html
from viewer.core.importers.page_kind import csl_type
from viewer.core.importers.page_lines import segment, title_from_header
from viewer.core.importers.page_model import Agency, Chapter, Journal, Name, NcjrsPage, PageError
from viewer.core.importers.page_names import parse_names
from viewer.core.importers.page_values import (
    DateValue,
    find_url,
    parse_agencies,
    parse_date,
    parse_journal,
    parse_length,
    place_of,
    split_chapter_title,
)

__all__ = ["Agency", "Chapter", "Journal", "Name", "NcjrsPage", "PageError", "html_to_page",
           "looks_like_page", "parse_page", "require_title", "to_index_fields"]

NOT_A_PAGE = "not an NCJRS record page"
NO_TITLE = "the page has no title"
_SNIFF = re.compile(r"^[ \t\u00a0]*NCJ[ \t\u00a0]+Number\b", re.IGNORECASE | re.MULTILINE)
_ANY_LABEL = re.compile(r"^[ \t\u00a0]*(?:Date Published|Annotation|Abstract|Author\(s\)|Length|"
                        r"Page Count|Sponsoring Agency|Corporate Author)\b", re.MULTILINE)
_MAX_TEXT = 8_000_000  # characters; a saved page is far smaller (viewer.core.importers limits the file)
SITE = "NCJRS Virtual Library"
_BANNER = "An official website of the United States government,"


def looks_like_page(text: str) -> bool:
    """A cheap test to choose between formats: an "NCJ Number" label, or NCJRS plus two field labels."""
    if looks_like_html(text):
        text = html_to_text(text[:_MAX_TEXT]).text
    head = text[:60_000]
    if _SNIFF.search(head):
        return True
    return "NCJRS" in head and len(_ANY_LABEL.findall(head)) >= 2


def parse_page(text: str) -> NcjrsPage:
    """The record a page's text (or HTML) shows. The title may be None: see ``require_title``."""
    if looks_like_html(text):
        return html_to_page(text)
    return _parse(text, {})


def html_to_page(html: str) -> NcjrsPage:
    """A saved page: its visible text read as a page, its address from canonical/og:url, and a
    "Document URL" whose text is only "PDF" resolved to that link's own http(s) address."""
    result = html_to_text(html[:_MAX_TEXT])
    page = _parse(result.text, result.links)
    return replace(page, page_url=result.url or page.page_url) if result.url else page


def require_title(page: NcjrsPage) -> NcjrsPage:
    if not page.title:
        raise PageError(NO_TITLE)
    return page


def _parse(text: str, links: dict[str, str]) -> NcjrsPage:
    text = text[:_MAX_TEXT].replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    if not looks_like_page(text):
        raise PageError(NOT_A_PAGE)
    segments = segment(text)
    if not segments.fields:
        raise PageError(NOT_A_PAGE)
    found = read_fields(segments.fields)
    for key, link_text in found.link_texts.items():
        if key not in found.values and link_text in links:
            found.values[key] = links[link_text]
    title = found.values.get("title") or title_from_header(segments.header)
    chapter = None
    if title:
        title, chapter = split_chapter_title(title)
    page = replace(_assemble(found, title, chapter), **_site(segments.header))
    cite = find_url(segments.cite_url_text or "")
    return replace(page, page_url=cite) if cite else page


def _assemble(found: Found, title: str | None, chapter: Chapter | None) -> NcjrsPage:
    v = found.values
    journal = parse_journal(v["journal"]) if "journal" in v else None
    length = v.get("length")
    publishers = _agencies(found, "publisher", True)
    year, month, season = _issued(v.get("date"), v.get("date_footer"), journal, chapter)
    corporate = _agencies(found, "corporate", True)
    return NcjrsPage(
        title=title,
        ncj_number=v.get("ncj"),
        authors=parse_names(v["authors"]) if "authors" in v else (),
        authors_raw=v.get("authors"),
        editors=parse_names(v["editors"]) if "editors" in v else (),
        editors_raw=v.get("editors"),
        corporate_authors=corporate,
        publisher=publishers[0].name if publishers else None,
        place=place_of(publishers[0]) if publishers else None,
        publishers=publishers,
        sponsoring_agencies=_agencies(found, "sponsors", False),
        sale_sources=_agencies(found, "sale", True),
        grant_numbers=tuple(dict.fromkeys(found.grants))[:50],
        journal=journal,
        chapter=chapter,
        date_published=v.get("date") or v.get("date_footer"),
        year=year, month=month, season=season,
        length=length,
        page_count=parse_length(length) if length else None,
        annotation=v.get("annotation"),
        abstract=v.get("abstract"),
        # Older pages without a Country line still print the corporate author's country.
        country=v.get("country") or (corporate[0].country if corporate else None),
        language=v.get("language"),
        publication_type=v.get("pubtype"),
        format=v.get("format"),
        isbn=v.get("isbn"),
        series=v.get("series"),
        document_url=v.get("document_url"),
        dataset_url=v.get("dataset_url"),
        labels_seen=tuple(found.labels),
    )


def _site(header: list[str]) -> dict[str, Any]:
    """The site and agency the page's banner names, in its own words (nothing when it names none)."""
    found: dict[str, str] = {}
    for line in header[:60]:
        if line.lower() == SITE.lower():
            found["site"] = SITE
        elif line.lower().startswith(_BANNER.lower()) and len(line) < 200:
            agency = line[len(_BANNER):].strip().rstrip(".").strip()
            if agency:
                found["site_agency"] = agency
    return found


def _agencies(found: Found, key: str, hierarchy: bool) -> tuple[Agency, ...]:
    return parse_agencies(found.blocks[key], hierarchy)[:50] if key in found.blocks else ()


def _issued(date: str | None, footer: str | None, journal: Journal | None,
            chapter: Chapter | None) -> tuple[int | None, int | None, int | None]:
    """Year, month and season where the page states them. A journal's "Dated" month counts when its
    year is the record's; an agency-library footer's "January 1" is the site's default, not a month."""
    stated = parse_date(date) if date else DateValue()
    dated = parse_date(journal.dated) if journal and journal.dated else DateValue()
    tail = parse_date(footer) if footer else DateValue()
    if tail.month == 1 and tail.day == 1:
        tail = DateValue(tail.year)
    year = stated.year or dated.year or (chapter.year if chapter else None) or tail.year
    if date and year is None:
        return None, None, None  # "Unknown": the page says it does not know
    month = stated.month
    season = stated.season
    if month is None and season is None and dated.year == year:
        month, season = dated.month, dated.season
    if month is None and season is None and not date and tail.year == year:
        month = tail.month
    return year, month, season


def to_index_fields(page: NcjrsPage) -> dict[str, Any]:
    """The fields of ../shared/ncjrs-pages/index.json's ``expected`` objects (without ``kind``)."""
    journal = page.journal or Journal()
    chapter = page.chapter
    editors = page.editors or (chapter.editors if chapter else ())
    return {
        "title": page.title,
        "authors": [n.sort_form() for n in page.authors],
        "corporate_authors": [a.name for a in page.corporate_authors],
        "editors": [n.sort_form() for n in editors],
        "journal": journal.title,
        "volume": journal.volume,
        "issue": journal.issue,
        "pages": journal.pages or (chapter.pages if chapter else None),
        "journal_dated": journal.dated,
        "date_published": page.date_published,
        "year": page.year,
        "month": page.month,
        "length": page.length,
        "page_count": page.page_count,
        "publisher": page.publisher,
        "place": page.place,
        "sponsoring_agency": [a.name for a in page.sponsoring_agencies],
        "grant_number": "; ".join(page.grant_numbers) or None,
        "document_url": page.document_url,
        "publication_type": page.publication_type,
        "format": page.format,
        "language": page.language,
        "country": page.country,
        "isbn": page.isbn,
        "csl_type": csl_type(page),
    }
