"""A Record in the record file format, version 2: the inverse of ``parse_record``. No Qt.

Only what the record holds is written; empty fields are left out (an absent field reads back empty).
"""

from __future__ import annotations

from typing import Any, Mapping

from viewer.core.record_model import (
    ABSTRACT_ID,
    SCHEMA_NAME,
    SCHEMA_VERSION,
    Record,
    Section,
)
from viewer.core.record_parts import Agency, Chapter, Journal, Name

_TEXTS_2 = ("authors_printed", "editors_printed", "publisher_place", "country", "language", "publication_type",
            "format", "isbn", "series", "document_url", "dataset_url")


def record_to_data(record: Record, csl_extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The record as a JSON object; ``csl_extra`` (an import's CSL extras) beside or instead of the record's."""
    data: dict[str, Any] = {"schema": SCHEMA_NAME, "schema_version": SCHEMA_VERSION, "id": record.id}
    if record.origin:
        data["origin"] = record.origin
    data.update(ncj_number=record.ncj_number, title=record.title)
    if record.title_sentence_case and record.title_sentence_case != record.title:
        data["title_sentence_case"] = record.title_sentence_case
    if record.date_published:
        data["date_published"] = record.date_published
    if record.issued_year is not None:
        issued = {"year": record.issued_year, "month": record.issued_month, "season": record.issued_season}
        data["issued"] = {k: v for k, v in issued.items() if v is not None}
    if record.length:
        data["length"] = record.length
    if record.pages is not None:
        data["pages"] = record.pages
    data["authors"] = [name_data(n) for n in record.author_names] if record.author_names else list(record.authors)
    _version_2(record, data)
    data["annotation"] = record.annotation
    data["abstract"] = record.abstract
    if record.provenance:
        prov = {"library": record.provenance.library, "agency": record.provenance.agency,
                "url": record.provenance.url}
        data["provenance"] = {k: v for k, v in prov.items() if v}
    abstract = record.section(ABSTRACT_ID)
    if abstract and abstract.children:
        data["outline"] = [_section_to_data(s) for s in abstract.children]
    extra = dict(record.csl_extra) if csl_extra is None else dict(csl_extra)
    if extra:
        data["csl_extra"] = extra
    return data


def _version_2(record: Record, data: dict[str, Any]) -> None:
    if record.editors:
        data["editors"] = [name_data(n) for n in record.editors]
    for key in ("corporate_authors", "publishers", "sponsoring_agencies", "sale_sources"):
        agencies: tuple[Agency, ...] = getattr(record, key)
        if agencies:
            data[key] = [_agency_data(a) for a in agencies]
    if record.grant_numbers:
        data["grant_numbers"] = list(record.grant_numbers)
    if record.journal is not None:
        data["journal"] = _journal_data(record.journal)
    if record.chapter is not None:
        data["chapter"] = _chapter_data(record.chapter)
    for key in _TEXTS_2:
        if getattr(record, key):
            data[key] = getattr(record, key)
    if record.labels:
        data["labels"] = dict(record.labels)


def name_data(name: Name) -> dict[str, str]:
    if name.literal:
        return {"literal": name.literal}
    parts = {"family": name.family, "given": name.given, "particle": name.particle, "suffix": name.suffix}
    return {k: v for k, v in parts.items() if v}


def _agency_data(agency: Agency) -> dict[str, Any]:
    data: dict[str, Any] = {"name": agency.name}
    if agency.address:
        data["address"] = list(agency.address)
    if agency.country:
        data["country"] = agency.country
    return data


def _journal_data(journal: Journal) -> dict[str, str]:
    parts = {"title": journal.title, "volume": journal.volume, "issue": journal.issue, "dated": journal.dated,
             "pages": journal.pages}
    return {k: v for k, v in parts.items() if v}


def _chapter_data(chapter: Chapter) -> dict[str, Any]:
    data: dict[str, Any] = {"container_title": chapter.container_title}
    for key, value in (("pages", chapter.pages), ("year", chapter.year), ("editors_printed", chapter.editors_raw),
                       ("container_ncj", chapter.container_ncj), ("printed", chapter.printed)):
        if value is not None and value != "":
            data[key] = value
    if chapter.editors:
        data["editors"] = [name_data(n) for n in chapter.editors]
    return data


def _section_to_data(section: Section) -> dict[str, Any]:
    data: dict[str, Any] = {"id": section.id, "heading": section.heading, "source": section.source,
                            "text": list(section.text)}
    if section.emphasis:
        data["emphasis"] = section.emphasis
    if section.children:
        data["children"] = [_section_to_data(c) for c in section.children]
    return data
