"""What an NCJRS record page says, as plain frozen data (no Qt, no parsing here).

Strings are the page's own words with whitespace normalised; the annotation and abstract keep
their line breaks. A field the page does not give is None (or an empty tuple), never a guess.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from viewer.core.record_parts import Agency, Chapter, Journal, Name

__all__ = ["Agency", "Chapter", "Journal", "Name", "NcjrsPage", "PageError"]


class PageError(ValueError):
    """The text is not an NCJRS record page, or lacks what a record needs (one-line message)."""


@dataclass(frozen=True)
class NcjrsPage:
    title: str | None = None
    ncj_number: str | None = None
    authors: tuple[Name, ...] = ()
    authors_raw: str | None = None
    editors: tuple[Name, ...] = ()
    editors_raw: str | None = None
    corporate_authors: tuple[Agency, ...] = ()
    publisher: str | None = None
    place: str | None = None
    publishers: tuple[Agency, ...] = ()  # the Publisher block(s) whole: name, address, country
    sponsoring_agencies: tuple[Agency, ...] = ()
    sale_sources: tuple[Agency, ...] = ()
    grant_numbers: tuple[str, ...] = ()
    journal: Journal | None = None
    chapter: Chapter | None = None
    date_published: str | None = None
    year: int | None = None
    month: int | None = None
    season: int | None = None  # CSL's season: 1 spring, 2 summer, 3 autumn, 4 winter
    length: str | None = None
    page_count: int | None = None
    annotation: str | None = None
    abstract: str | None = None
    country: str | None = None
    language: str | None = None
    publication_type: str | None = None
    format: str | None = None
    isbn: str | None = None
    series: str | None = None
    document_url: str | None = None
    dataset_url: str | None = None
    page_url: str | None = None
    # The site the page says it is from: "NCJRS Virtual Library", and the agency its banner names
    # ("An official website of the United States government, Department of Justice.").
    site: str | None = None
    site_agency: str | None = None
    labels_seen: tuple[str, ...] = field(default=())
