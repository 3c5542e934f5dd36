"""The parts of a record a source page names: people, bodies, a journal, a chapter's book.

Plain frozen data, shared by the page reader (``viewer.core.importers.page_model``) and the record
(``viewer.core.record``). A part the source does not give is None (or empty), never a guess.
"""

from __future__ import annotations

from dataclasses import dataclass


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

    def as_text(self) -> str:
        """Name, address lines and country as the page lists them, on one line."""
        return ", ".join([self.name, *self.address] + ([self.country] if self.country else []))


@dataclass(frozen=True)
class Journal:
    """The page's "Journal" line: any part may be missing."""

    title: str | None = None
    volume: str | None = None
    issue: str | None = None
    dated: str | None = None  # as printed, parentheses included: "(Summer 1980)"
    pages: str | None = None  # "3-8,41-44", "complete issue"

    def as_text(self) -> str:
        """The line in today's NCJRS form: "<journal> Volume: 18 Issue: 2 Dated: Fall 2008 Pages: 1-9"."""
        parts = [self.title or ""] + [f"{label}: {value}" for label, value in (
            ("Volume", self.volume), ("Issue", self.issue), ("Dated", self.dated), ("Pages", self.pages)) if value]
        return " ".join(p for p in parts if p)


@dataclass(frozen=True)
class Chapter:
    """The book a chapter comes from, read from "Title (From Book, P 81-88, 1988, A B, ed. -- See NCJ-1)"."""

    container_title: str
    pages: str | None = None
    year: int | None = None
    editors: tuple[Name, ...] = ()
    editors_raw: str | None = None
    container_ncj: str | None = None
    printed: str | None = None  # what the title line's "(From ...)" says, verbatim
