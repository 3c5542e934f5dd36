"""The rows of a record's details section: every field the source gave, under the label the
page gives it (today's NCJRS spelling unless the page spelled it otherwise), and nothing else."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from viewer.core.record_model import Record

# Today's ojp.gov labels, keyed as the page reader keys them (viewer.core.importers.page_lines).
LABELS: dict[str, str] = {
    "title": "Title", "ncj": "NCJ Number", "chapter": "From", "journal": "Journal", "authors": "Author(s)",
    "editors": "Editor(s)", "corporate": "Corporate Author", "publisher": "Publisher",
    "sponsors": "Sponsoring Agency", "sale": "Sale Source", "grant": "Grant Number", "date": "Date Published",
    "length": "Length", "country": "Country", "language": "Language", "pubtype": "Publication Type",
    "format": "Format", "isbn": "ISBN", "series": "Series", "document_url": "Document URL",
    "dataset_url": "Dataset URL",
}


def detail_rows(record: Record) -> list[tuple[str, str]]:
    """(label, value) pairs in the order NCJRS lists them; an agency a row of its own."""
    label = {**LABELS, **dict(record.labels)}
    rows: list[tuple[str, str]] = [(label["title"], record.title), (label["ncj"], record.ncj_number)]
    if record.chapter is not None and record.chapter.printed:
        rows.append((label["chapter"], record.chapter.printed))
    if record.journal is not None:
        rows.append((label["journal"], record.journal.as_text()))
    if record.authors_printed:
        rows.append((label["authors"], record.authors_printed))
    elif record.authors:
        # Imported from a file (RIS, BibTeX...): names as the record holds them.
        rows.append(("Authors" if not record.origin else label["authors"], "; ".join(record.authors)))
    if record.editors_printed or record.editors:
        rows.append((label["editors"], record.editors_printed or "; ".join(n.sort_form() for n in record.editors)))
    for key, agencies in (("corporate", record.corporate_authors), ("publisher", record.publishers),
                          ("sponsors", record.sponsoring_agencies), ("sale", record.sale_sources)):
        rows += [(label[key], agency.as_text()) for agency in agencies]
    if record.grant_numbers:
        rows.append((label["grant"], "; ".join(record.grant_numbers)))
    rows += [(label["date"], record.date_published), (label["length"], record.length)]
    rows += [(label[key], value) for key, value in (
        ("country", record.country), ("language", record.language), ("pubtype", record.publication_type),
        ("format", record.format), ("isbn", record.isbn), ("series", record.series),
        ("document_url", record.document_url), ("dataset_url", record.dataset_url))]
    return [(name, value) for name, value in rows if value]
