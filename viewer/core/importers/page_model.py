"""What an NCJRS record page says, as plain frozen data (no Qt, no parsing here).

Strings are the page's own words with whitespace normalised; the annotation and abstract keep
their line breaks. A field the page does not give is None (or an empty tuple), never a guess.
"""

from __future__ import annotations

from dataclasses import dataclass, field


class PageError(ValueError):
    """The text is not an NCJRS record page, or lacks what a record needs (one-line message)."""


@dataclass(frozen=True)
class Name:
    """A person as the page names them: "J S Wall" -> Name("Wall", "J S")."""

    family: str
    given: str = ""
    particle: str = ""  # "van", "de la": lowercase words before the family name
    suffix: str = ""  # "Jr.", "III" (academic degrees are dropped, not kept here)
    literal: str = ""  # a name that would not split (kept whole)

    def sort_form(self) -> str:
        """ "Family, Given" (with the particle before the family name), as librarians list names."""
        if self.literal:
            return self.literal
        family = f"{self.particle} {self.family}" if self.particle else self.family
        parts = [family] + [p for p in (self.given, self.suffix) if p]
        return ", ".join(parts)


@dataclass(frozen=True)
class Agency:
    """A corporate author, sponsor, publisher or sale source: its name, address lines, country."""

    name: str
    address: tuple[str, ...] = ()
    country: str | None = None


@dataclass(frozen=True)
class Journal:
    """The page's "Journal" line: any part may be missing."""

    title: str | None = None
    volume: str | None = None
    issue: str | None = None
    dated: str | None = None  # as printed, parentheses included: "(Summer 1980)"
    pages: str | None = None  # "3-8,41-44", "complete issue"


@dataclass(frozen=True)
class Chapter:
    """The book a chapter comes from, read from "Title (From Book, P 81-88, 1988, A B, ed. -- See NCJ-1)"."""

    container_title: str
    pages: str | None = None
    year: int | None = None
    editors: tuple[Name, ...] = ()
    editors_raw: str | None = None
    container_ncj: str | None = None


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
    labels_seen: tuple[str, ...] = field(default=())
