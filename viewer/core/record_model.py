"""A record and its sections as plain frozen data. No Qt, no loading here (see record_load.py).

Version 2 of the record holds everything an NCJRS record page gives (``origin == "ncjrs-page"``):
people as structured names beside the page's own spelling, corporate authors, journal, the book
a chapter is in, publisher, sponsors, sale sources, grant numbers and the rest. A field the source
does not give stays empty; nothing is filled in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Iterator, Mapping

from viewer.core.record_parts import Agency, Chapter, Journal, Name

SCHEMA_NAME = "ncjrs-viewer.record"
SCHEMA_VERSION = 2
PAGE_ORIGIN = "ncjrs-page"  # Record.origin of a record read from an NCJRS record page

# Ids of the sections every record has; outline topics hang below ABSTRACT_ID.
DETAILS_ID = "details"
ANNOTATION_ID = "annotation"
ABSTRACT_ID = "abstract"


class RecordError(ValueError):
    """A record file that cannot be used; the message names the file and the place."""

    def __init__(self, source: str, where: str, problem: str) -> None:
        self.source, self.where, self.problem = source, where, problem
        place = f" at {where}" if where else ""
        super().__init__(f"{source}{place}: {problem}")


@dataclass(frozen=True)
class Provenance:
    """Where the record was read: the site and agency a page names, the page's own address."""

    library: str = ""
    agency: str = ""
    url: str = ""


@dataclass(frozen=True)
class Section:
    """One node of a record's outline.

    ``text`` holds sentences quoted verbatim from the record's ``source`` field
    (annotation or abstract); ``emphasis`` is the phrase within them that the
    section is about, or empty when the whole text is the section.
    """

    id: str
    heading: str
    kind: str = "text"  # "details" (the field table) or "text"
    source: str = ""  # "annotation" | "abstract" | "" for the details node
    text: tuple[str, ...] = ()
    emphasis: str = ""
    children: tuple["Section", ...] = ()

    def walk(self, depth: int = 0) -> Iterator[tuple[int, "Section"]]:
        yield depth, self
        for child in self.children:
            yield from child.walk(depth + 1)

    @property
    def plain_text(self) -> str:
        return " ".join(self.text)


def _empty() -> Mapping[str, Any]:
    return MappingProxyType({})


@dataclass(frozen=True)
class Record:
    id: str
    ncj_number: str
    title: str
    date_published: str = ""
    issued_year: int | None = None
    issued_month: int | None = None
    length: str = ""
    pages: int | None = None
    annotation: str = ""
    abstract: str = ""
    # Same title as published, cased for styles that want sentence case (APA). Derived, not a
    # fact of the source: a citation style's rendering of the title.
    title_sentence_case: str = ""
    # Names as text ("Family, Given" for a person, a body whole): for lists, search and exports.
    authors: tuple[str, ...] = ()
    provenance: Provenance | None = None
    sections: tuple[Section, ...] = field(default=(), repr=False)
    # CSL-JSON variables an imported RIS/BibTeX/CSL-JSON file gave that the fields here cannot
    # hold (container title, DOI, item type...). Used for citations, never shown as text.
    csl_extra: Mapping[str, Any] = field(default_factory=_empty, repr=False, compare=False)
    # --- version 2: what an NCJRS record page gives ---
    origin: str = ""  # PAGE_ORIGIN when read from a page: its CSL item follows the page rules
    issued_season: int | None = None  # CSL's season: 1 spring, 2 summer, 3 autumn, 4 winter
    author_names: tuple[Name, ...] = ()  # the persons of ``authors``, structured
    authors_printed: str = ""  # the page's "Author(s)" value as printed
    editors: tuple[Name, ...] = ()
    editors_printed: str = ""
    corporate_authors: tuple[Agency, ...] = ()
    publishers: tuple[Agency, ...] = ()
    publisher_place: str = ""  # "Alexandria, VA", read from the first publisher's address
    sponsoring_agencies: tuple[Agency, ...] = ()
    sale_sources: tuple[Agency, ...] = ()
    grant_numbers: tuple[str, ...] = ()
    journal: Journal | None = None
    chapter: Chapter | None = None  # the book a chapter is in
    country: str = ""
    language: str = ""
    publication_type: str = ""
    format: str = ""
    isbn: str = ""
    series: str = ""
    document_url: str = ""
    dataset_url: str = ""
    # The page's spelling of a label where it is not today's ("length" -> "Page Count").
    labels: tuple[tuple[str, str], ...] = ()

    def walk(self) -> Iterator[tuple[int, Section]]:
        for section in self.sections:
            yield from section.walk()

    def section(self, section_id: str) -> Section | None:
        return next((s for _, s in self.walk() if s.id == section_id), None)

    def section_ids(self) -> list[str]:
        return [s.id for _, s in self.walk()]

    def fields(self) -> list[tuple[str, str]]:
        """The record's details as (label, value) pairs, omitting what the source does not give."""
        from viewer.core.record_details import (
            detail_rows,  # it reads Record: imported on use
        )

        return detail_rows(self)


def standard_sections(annotation: str, abstract: str, topics: tuple[Section, ...] = ()) -> tuple[Section, ...]:
    """The sections every record has: details, then annotation and abstract where given."""
    sections = [Section(DETAILS_ID, "Record details", kind="details")]
    if annotation:
        sections.append(Section(ANNOTATION_ID, "Annotation", source="annotation", text=(annotation,)))
    if abstract or topics:
        sections.append(Section(ABSTRACT_ID, "Abstract", source="abstract",
                                text=(abstract,) if abstract else (), children=topics))
    return tuple(sections)
