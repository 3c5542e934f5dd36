"""Exports keep the kind of work: an article exports as an article with its journal, a chapter
with its book and editors, a report with its publisher; each reads back as the same CSL item."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import bibtexparser
import pytest
import rispy

from viewer.core.csl_item import csl_item
from viewer.core.exports import export
from viewer.core.importers import parse_bytes, read_file

PAGES = Path(__file__).resolve().parents[1] / "data" / "pages"


def page_record(name: str):
    (entry,) = read_file(PAGES / name).entries
    return entry.record


def bibtex_entry(text: str):
    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks
    (entry,) = library.entries
    return entry.entry_type, {f.key: f.value for f in entry.fields}


def test_article_exports_as_a_journal_article_with_its_issue_and_pages():
    record = page_record("vl-new-article.txt")
    (ris,) = rispy.loads(export(record, "ris"))
    assert ris["type_of_reference"] == "JOUR"
    assert (ris["secondary_title"], ris["volume"], ris["number"], ris["start_page"], ris["end_page"]) == (
        "Quarterly Review of Imaginary Policing", "12", "4", "101", "120")
    assert ris["authors"][0] == "van der Berg, Anna"  # the particle stays with the family name
    kind, fields = bibtex_entry(export(record, "bibtex"))
    assert kind == "article"
    assert (fields["journal"], fields["volume"], fields["number"], fields["pages"]) == (
        "Quarterly Review of Imaginary Policing", "12", "4", "101--120")
    assert "pagetotal" not in fields and "institution" not in fields


def test_chapter_exports_with_its_book_and_the_books_editors():
    record = page_record("agency-library-chapter.txt")
    (ris,) = rispy.loads(export(record, "ris"))
    assert ris["type_of_reference"] == "CHAP"
    assert ris["secondary_authors"] == ["de la Cruz, Maria", "Novak, Tomas"]
    assert (ris["secondary_title"], ris["start_page"], ris["end_page"]) == ("Safer Streets Reader", "45", "60")
    kind, fields = bibtex_entry(export(record, "bibtex"))
    assert kind == "incollection"
    assert fields["booktitle"] == "Safer Streets Reader" and fields["pages"] == "45--60"
    assert fields["editor"] == "de la Cruz, Maria and Novak, Tomas"


def test_report_exports_its_publisher_place_and_suffixes_in_each_formats_own_order():
    record = page_record("vl-new-report.txt")
    (ris,) = rispy.loads(export(record, "ris"))
    assert (ris["type_of_reference"], ris["publisher"], ris["place_published"], ris["start_page"]) == (
        "RPRT", "Meadowbrook Press", "Elmfield, OR", "88")
    assert "Whitcombe, Tobias, Jr." in ris["authors"]  # RIS: Last, First, Suffix
    kind, fields = bibtex_entry(export(record, "bibtex"))
    assert kind == "techreport"
    assert (fields["institution"], fields["address"], fields["pagetotal"]) == ("Meadowbrook Press", "Elmfield, OR", "88")
    assert "Whitcombe, Jr., Tobias" in fields["author"]  # BibTeX: von Last, Jr, First


@pytest.mark.parametrize("fmt", ["ris", "bibtex"])
@pytest.mark.parametrize("name", ["vl-new-article.txt", "agency-library-chapter.txt", "vl-new-report.txt"])
def test_each_kind_reads_back_as_the_same_type_and_container(fmt, name):
    record = page_record(name)
    (entry,) = parse_bytes(export(record, fmt).encode("utf-8"), f"export.{fmt}", fmt).entries
    # As the library stores an import: the record and the citation fields it cannot hold.
    back = dataclasses.replace(entry.record, csl_extra=dict(entry.citation))
    before, after = csl_item(record), csl_item(back)
    for key in ("type", "title", "container-title", "volume", "issue", "page", "publisher", "publisher-place"):
        assert after.get(key) == before.get(key), key
    assert [as_written(n) for n in after.get("editor", [])] == [as_written(n) for n in before.get("editor", [])]


def as_written(name: dict) -> tuple[str, str]:
    """A name as a reader sees it: a particle kept apart or inside the family name reads the same."""
    return " ".join(p for p in (name.get("non-dropping-particle"), name["family"]) if p), name.get("given", "")
