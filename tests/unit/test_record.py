"""The record data: loading, validation, and fidelity to the source page."""

from __future__ import annotations

import json
import re

import pytest

from viewer.core.record import RecordError, load_record_file, parse_record
from viewer.core.resources import bundled_record, resource_path
from viewer.core.section_text import section_html, section_plain

RECORD_FILE = resource_path("records", "ncj-203234.json")


def record_json() -> dict:
    return json.loads(RECORD_FILE.read_text(encoding="utf-8"))


def test_bundled_record_fields_match_the_source(seed_text):
    record = bundled_record()
    assert record.title == "Trafficking in Human Beings, Especially Women and Children"
    assert (record.ncj_number, record.date_published, record.length) == ("203234", "March 2003", "8 pages")
    assert (record.issued_year, record.issued_month, record.pages) == (2003, 3, 8)
    for value in (record.title, record.date_published, record.length, record.annotation, record.abstract,
                  record.provenance.library, record.provenance.agency):
        assert value in seed_text
    assert record.authors == ()  # the source names none


def test_every_shown_sentence_occurs_in_the_source(seed_text):
    record = bundled_record()
    shown = 0
    for _, section in record.walk():
        for sentence in section.text:
            for piece in re.split(r"(?<=\.) ", sentence):
                assert piece in seed_text, piece
                shown += 1
        if section.emphasis:
            assert section.emphasis in seed_text
    assert shown > 10


def test_detail_pane_text_is_source_text_plus_our_headings_and_notes(seed_text):
    record = bundled_record()
    for _, section in record.walk():
        html = section_html(record, section)
        for field_value in (value for _, value in record.fields()) if section.kind == "details" else section.text:
            # Record text appears escaped and unaltered (emphasis markup aside).
            stripped = re.sub(r"<[^>]+>", "", html)
            assert field_value.replace("&", "&amp;") in stripped or field_value in stripped


def test_outline_follows_the_abstract():
    record = bundled_record()
    ids = record.section_ids()
    assert ids[:3] == ["details", "annotation", "abstract"]
    abstract = record.section("abstract")
    assert [c.id for c in abstract.children] == [
        "trends", "cooperation", "child-victims", "victims-justice", "victim-support", "lessons"]
    assert [c.id for c in record.section("victim-support").children] == ["root-causes", "empowerment", "civil-society"]
    assert "derived from the record's abstract" in section_plain(record, abstract)


@pytest.mark.parametrize("mutate, place, problem", [
    (lambda d: d.pop("title"), "", "missing field 'title'"),
    (lambda d: d.update(schema_version=3), "schema_version", "newer than this program reads"),
    (lambda d: d.update(schema="other"), "schema", "expected"),
    (lambda d: d.update(pages="eight"), "pages", "expected a whole number"),
    (lambda d: d.update(ncj_number="NCJ-1"), "ncj_number", "expected digits"),
    (lambda d: d["issued"].update(month=13), "issued.month", "1 to 12"),
    (lambda d: d["outline"][1]["text"].__setitem__(0, "An invented sentence."), "outline[1].text[0]",
     "not a verbatim quotation"),
    (lambda d: d["outline"][1].update(emphasis="not there"), "outline[1].emphasis", "does not occur"),
    (lambda d: d["outline"][2].update(id="trends"), "outline[2].id", "duplicate section id"),
    (lambda d: d["outline"][0].update(source="preface"), "outline[0].source", "expected one of"),
    # "\ud800" alone in the file (json.dumps escapes it): not text the library or clipboard can hold
    (lambda d: d.update(title="Traffic \ud800"), "title", "unpaired surrogate \\ud800"),
    (lambda d: d["outline"][1]["text"].__setitem__(0, "\udfff"), "outline[1].text[0]", "unpaired surrogate"),
])
def test_schema_violations_name_the_place(mutate, place, problem):
    data = record_json()
    mutate(data)
    with pytest.raises(RecordError) as caught:
        parse_record(json.dumps(data), "rec.json")
    assert caught.value.where == place
    assert problem in str(caught.value)
    assert str(caught.value).startswith("rec.json")


def test_broken_files_give_clear_errors(tmp_path):
    with pytest.raises(RecordError, match="file not found"):
        load_record_file(tmp_path / "nope.json")
    bad = tmp_path / "bad.json"
    bad.write_text('{"schema": "ncjrs-viewer.record",\n  "id": }')
    with pytest.raises(RecordError, match=r"bad.json at line 2, column 9: not valid JSON"):
        load_record_file(bad)
    binary = tmp_path / "bin.json"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(RecordError, match="not UTF-8"):
        load_record_file(binary)
    with pytest.raises(RecordError, match="top level"):
        parse_record("[1, 2]")
    with pytest.raises(RecordError, match="nested too deeply"):
        parse_record("[" * 100000)


def test_records_not_from_ncjrs_have_no_ncj_number_and_keep_citation_fields():
    from viewer.core.csl_item import csl_item
    data = record_json()
    data.update(id="ref-1", ncj_number="", provenance=None, outline=[], authors=["Doe, Jane"],
                csl_extra={"type": "article-journal", "container-title": "Journal of Tests", "volume": "3"})
    del data["provenance"], data["origin"]  # imported from a file, not read from a page
    record = parse_record(json.dumps(data))
    assert record.ncj_number == "" and ("NCJ Number", "") not in record.fields()
    item = csl_item(record, "apa")
    assert item["type"] == "article-journal" and item["container-title"] == "Journal of Tests"
    assert "archive_location" not in item and "archive" not in item
    assert item["author"] == [{"family": "Doe", "given": "Jane"}]
    with pytest.raises(RecordError, match="expected an object"):
        parse_record(json.dumps({**data, "csl_extra": [1]}))


def test_the_outline_note_comes_only_with_a_derived_outline():
    # The bundled record's outline stands for phrases of its abstract: its abstract says so.
    # A page record has no derived outline, so its abstract ends with its own text.
    from pathlib import Path

    from viewer.core.importers import read_file
    from viewer.core.section_text import OUTLINE_NOTE

    bundled = bundled_record()
    assert section_plain(bundled, bundled.section("abstract")).endswith(OUTLINE_NOTE)
    (entry,) = read_file(Path(__file__).resolve().parents[1] / "data" / "pages" / "vl-new-report.txt").entries
    page = entry.record
    abstract = page.section("abstract")
    assert abstract is not None and not abstract.children
    assert OUTLINE_NOTE not in section_plain(page, abstract)
    assert "outline is derived" not in section_html(page, abstract)
