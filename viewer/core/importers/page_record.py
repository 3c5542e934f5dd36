"""An NCJRS page as a Record (everything it gives), and a page-read Record back as the page, so
that its CSL item comes from the one set of page rules (page_csl.py)."""

from __future__ import annotations

from viewer.core.csl_item import csl_name
from viewer.core.importers.common import reference_id
from viewer.core.importers.page_lines import LABELS as PAGE_SPELLINGS
from viewer.core.importers.page_model import NcjrsPage
from viewer.core.record_details import LABELS
from viewer.core.record_model import PAGE_ORIGIN, Provenance, Record, standard_sections
from viewer.core.record_parts import Name

_KEY_OF = {spelling: key for key, spellings in PAGE_SPELLINGS.items() for spelling in spellings}


def page_id(page: NcjrsPage) -> str:
    """``ncj-<number>``, or for a page without one the usual ``ref-`` hash of title, authors, year."""
    if page.ncj_number:
        return f"ncj-{page.ncj_number}"
    return reference_id(page.title or "", tuple(n.sort_form() for n in page.authors), page.year)


def page_to_record(page: NcjrsPage, record_id: str | None = None) -> Record:
    """The record a page gives (the caller has checked it has a title)."""
    annotation, abstract = page.annotation or "", page.abstract or ""
    title = page.title or ""
    return Record(
        id=record_id or page_id(page), ncj_number=page.ncj_number or "", title=title,
        title_sentence_case=title, origin=PAGE_ORIGIN,
        date_published=page.date_published or "", issued_year=page.year,
        issued_month=page.month if page.year else None, issued_season=page.season if page.year else None,
        length=page.length or "", pages=page.page_count, annotation=annotation, abstract=abstract,
        authors=tuple(n.sort_form() for n in page.authors), author_names=page.authors,
        authors_printed=page.authors_raw or "", editors=page.editors, editors_printed=page.editors_raw or "",
        corporate_authors=page.corporate_authors, publishers=page.publishers, publisher_place=page.place or "",
        sponsoring_agencies=page.sponsoring_agencies, sale_sources=page.sale_sources,
        grant_numbers=page.grant_numbers, journal=page.journal, chapter=page.chapter,
        country=page.country or "", language=page.language or "", publication_type=page.publication_type or "",
        format=page.format or "", isbn=page.isbn or "", series=page.series or "",
        document_url=page.document_url or "", dataset_url=page.dataset_url or "",
        provenance=_provenance(page), labels=_labels(page),
        sections=standard_sections(annotation, abstract),
    )


def record_to_page(record: Record) -> NcjrsPage:
    """The page a page-read record came from, as far as citations need it."""
    publishers = record.publishers
    return NcjrsPage(
        title=record.title, ncj_number=record.ncj_number or None, authors=_names(record),
        authors_raw=record.authors_printed or None, editors=record.editors,
        editors_raw=record.editors_printed or None, corporate_authors=record.corporate_authors,
        publisher=publishers[0].name if publishers else None, place=record.publisher_place or None,
        publishers=publishers, sponsoring_agencies=record.sponsoring_agencies, sale_sources=record.sale_sources,
        grant_numbers=record.grant_numbers, journal=record.journal, chapter=record.chapter,
        date_published=record.date_published or None, year=record.issued_year, month=record.issued_month,
        season=record.issued_season, length=record.length or None, page_count=record.pages,
        annotation=record.annotation or None, abstract=record.abstract or None,
        country=record.country or None, language=record.language or None,
        publication_type=record.publication_type or None, format=record.format or None,
        isbn=record.isbn or None, series=record.series or None, document_url=record.document_url or None,
        dataset_url=record.dataset_url or None,
        page_url=record.provenance.url or None if record.provenance else None,
    )


def _names(record: Record) -> tuple[Name, ...]:
    """The structured names; for names held only as text ("Family, Given", a body whole), those."""
    if record.author_names or not record.authors:
        return record.author_names
    names = []
    for text in record.authors:
        csl = csl_name(text)
        names.append(Name(csl.get("family", ""), csl.get("given", ""), literal=csl.get("literal", "")))
    return tuple(names)


def _provenance(page: NcjrsPage) -> Provenance | None:
    if not (page.site or page.page_url):
        return None
    return Provenance(page.site or "", page.site_agency or "", page.page_url or "")


def _labels(page: NcjrsPage) -> tuple[tuple[str, str], ...]:
    """The page's spelling of each label that is not today's (the first spelling of each field)."""
    spelled: dict[str, str] = {}
    for label in page.labels_seen:
        key = _KEY_OF.get(label)
        if key in LABELS and key not in spelled:
            spelled[key] = label
    return tuple(sorted((k, v) for k, v in spelled.items() if v != LABELS[k]))
