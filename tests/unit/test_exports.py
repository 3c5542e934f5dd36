"""Exports parse back with the libraries that read them, and hold only what the record gives."""

from __future__ import annotations

import dataclasses
import json

import bibtexparser
import pytest
import rispy

from viewer.core.exports import ExportError, export, formats, latex_escape
from viewer.core.importers import parse_bytes
from viewer.core.resources import bundled_record

INVENTED = ("Department of Justice", "Washington", "Anonymous")


@pytest.fixture
def record():
    return bundled_record()


@pytest.fixture
def authored(record):
    return dataclasses.replace(
        record,
        authors=("United Nations Office on Drugs and Crime", "Müller, Jürgen", "van der Berg, Anna"),
        title="Minors & \u201cAdults\u201d: 100% of $5 <cases> #1_a {x}",
    )


def test_every_offered_format_exports_what_its_importer_reads_back(record):
    # The formats offered are exactly those an export reads back as this record (the round trip
    # is what makes an export useful); each format's text is its own.
    texts = {fmt: export(record, fmt) for fmt in formats()}
    assert set(texts) == {"ris", "bibtex", "csl-json"}
    assert len(set(texts.values())) == len(texts)
    for fmt, text in texts.items():
        report = parse_bytes(text.encode("utf-8"), f"export.{fmt}", fmt)
        assert [entry.record.title for entry in report.entries] == [record.title], fmt


def test_unknown_format_names_the_valid_ones(record):
    with pytest.raises(ExportError, match="ris, bibtex, csl-json"):
        export(record, "endnote")


# --- RIS -----------------------------------------------------------------------------------------


def test_ris_starts_with_ty_and_parses_back(record):
    text = export(record, "ris")
    assert text.startswith("TY  - RPRT\n"), "rispy's '1.' header must not be written"
    assert text.rstrip().endswith("ER  -")
    (entry,) = rispy.loads(text)
    assert entry == {
        "type_of_reference": "RPRT",
        "title": "Trafficking in Human Beings, Especially Women and Children",
        "year": "2003",
        "date": "2003/03/",
        "start_page": "8",
        "accession_number": "NCJ 203234",
        "name_of_database": "NCJRS Virtual Library",
        "abstract": record.abstract,
    }


def test_ris_lines_are_only_known_tags_and_no_invented_data(record):
    text = export(record, "ris")
    tags = [line[:2] for line in text.splitlines() if line.strip()]
    assert tags == ["TY", "TI", "PY", "DA", "SP", "AN", "DB", "AB", "ER"]
    assert not any(word in text for word in INVENTED)
    assert "AU  -" not in text and "PB  -" not in text and "CY  -" not in text


def test_ris_with_authors(authored):
    (entry,) = rispy.loads(export(authored, "ris"))
    assert entry["authors"] == list(authored.authors)
    assert entry["title"] == authored.title


def test_ris_without_optional_fields(record):
    bare = dataclasses.replace(record, issued_year=None, issued_month=None, pages=None, provenance=None,
                               abstract="")
    (entry,) = rispy.loads(export(bare, "ris"))
    assert entry == {"type_of_reference": "RPRT", "title": record.title, "accession_number": "NCJ 203234"}


# --- BibTeX --------------------------------------------------------------------------------------


def parse_bibtex(text):
    library = bibtexparser.parse_string(text)  # the default stack removes the outer braces
    assert not library.failed_blocks, library.failed_blocks
    (entry,) = library.entries
    return entry


def test_bibtex_parses_back_with_only_the_records_fields(record):
    text = export(record, "bibtex")
    entry = parse_bibtex(text)
    assert entry.entry_type == "techreport"
    assert entry.key == "ncj203234"
    fields = {f.key: f.value for f in entry.fields}
    assert fields == {
        "title": "{Trafficking in Human Beings, Especially Women and Children}",
        "year": "2003",
        "month": "mar",
        "pagetotal": "8",
        "note": "NCJRS Virtual Library, NCJ 203234",
        "abstract": record.abstract,
    }
    assert "month = mar," in text  # the BibTeX month macro, not a braced string
    assert not any(word in text for word in INVENTED)


def test_bibtex_braces_corporate_names_and_splits_persons(authored):
    entry = parse_bibtex(export(authored, "bibtex"))
    author = entry.fields_dict["author"].value
    assert author == "{United Nations Office on Drugs and Crime} and Müller, Jürgen and van der Berg, Anna"
    # bibtexparser's own name splitting keeps the corporate name whole
    from bibtexparser.middlewares import SeparateCoAuthors, SplitNameParts

    library = bibtexparser.parse_string(
        export(authored, "bibtex"),
        append_middleware=[SeparateCoAuthors(), SplitNameParts()])
    names = library.entries[0].fields_dict["author"].value
    assert names[0].last == ["{United Nations Office on Drugs and Crime}"] and names[0].first == []
    assert (names[1].last, names[1].first) == (["Müller"], ["Jürgen"])
    assert (names[2].von, names[2].last, names[2].first) == (["van", "der"], ["Berg"], ["Anna"])


def test_bibtex_escapes_latex_specials(authored):
    title = parse_bibtex(export(authored, "bibtex")).fields_dict["title"].value
    assert title == "{" + latex_escape(authored.title) + "}"
    assert r"Minors \& " in title and r"100\% of \$5" in title and r"\#1\_a \{x\}" in title


def test_latex_escape():
    assert latex_escape("a & b % c $ d # e _ f { g } h ~ i ^ j \\ k") == (
        r"a \& b \% c \$ d \# e \_ f \{ g \} h \textasciitilde{} i \textasciicircum{} j \textbackslash{} k")


# --- CSL-JSON ------------------------------------------------------------------------------------


def test_csl_json_is_the_canonical_item_with_the_title_as_published(record):
    (item,) = json.loads(export(record, "csl-json"))
    assert item == {
        "id": "ncj-203234",
        "type": "report",
        "title": "Trafficking in Human Beings, Especially Women and Children",
        "issued": {"date-parts": [[2003, 3]]},
        "number-of-pages": 8,
        "archive": "NCJRS Virtual Library",
        "archive_location": "NCJ 203234",
        "abstract": record.abstract,
    }


def test_csl_json_with_authors(authored):
    (item,) = json.loads(export(authored, "csl-json"))
    assert item["author"] == [
        {"literal": "United Nations Office on Drugs and Crime"},
        {"family": "Müller", "given": "Jürgen"},
        {"family": "van der Berg", "given": "Anna"},
    ]
    assert "Müller" in export(authored, "csl-json")  # UTF-8, not \\u escapes
