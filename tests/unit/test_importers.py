"""Importing RIS, BibTeX, CSL-JSON and record files: good records, bad entries with their place."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from viewer.core import exports
from viewer.core.importers import (
    ImportFileError,
    format_from_name,
    parse_bibtex,
    parse_csl_json,
    parse_ris,
    parse_text,
    read_file,
    sniff_format,
)
from viewer.core.record import ABSTRACT_ID, ANNOTATION_ID, DETAILS_ID, RecordError, standard_sections
from viewer.core.resources import bundled_record, resource_path

DATA = Path(__file__).resolve().parents[1] / "data"


def by_title(report):
    return {e.record.title: e for e in report.entries}


def bad_places(report):
    return [(b.line, b.index, b.reason) for b in report.bad]


# --- RIS -------------------------------------------------------------------------------------


def test_ris_sample_good_records_carry_what_the_file_gives():
    report = read_file(DATA / "sample.ris")
    assert report.format == "ris"
    records = by_title(report)
    assert set(records) == {"Drug Courts: The Second Decade", "Hot Spots Policing and Crime Reduction",
                            "Community Policing in Small Towns", "Juvenile Detention Alternatives"}

    drug = records["Drug Courts: The Second Decade"]
    r = drug.record
    assert (r.id, r.ncj_number) == ("ncj-211081", "211081")  # AN - NCJ 211081
    assert r.authors == ("National Institute of Justice",)
    assert (r.issued_year, r.issued_month, r.date_published) == (2006, 6, "June 2006")
    assert (r.pages, r.length) == (28, "28 pages")  # SP of a report is its page count
    assert r.abstract.startswith("This report reviews research") and "effects on recidivism" in r.abstract
    assert drug.citation["publisher"] == "U.S. Department of Justice"
    assert drug.citation["type"] == "report"
    assert (drug.line, drug.index) == (1, 0)

    hot = records["Hot Spots Policing and Crime Reduction"]
    assert hot.record.ncj_number == "239991"  # N1 - NCJ Number: 239991
    assert hot.record.authors == ("Braga, Anthony A.", "Weisburd, David L.")
    assert hot.record.pages is None and hot.citation["page"] == "201-219"
    assert hot.citation["container-title"] == "Journal of Experimental Criminology"

    # AN with bare digits counts as an NCJ number only because DB names NCJRS.
    assert records["Juvenile Detention Alternatives"].record.ncj_number == "239992"


def test_ris_bad_entries_name_line_and_reason():
    report = read_file(DATA / "sample.ris")
    assert bad_places(report) == [
        (29, 2, "no title (TI or T1)"),
        (35, 3, "reference not closed by 'ER  - ' before the next 'TY  - '"),
        (44, None, "text outside a reference (a reference starts with 'TY  - ')"),
    ]
    assert str(report.bad[0]) == f"{DATA / 'sample.ris'}: line 29: no title (TI or T1)"
    assert all(b.file == str(DATA / "sample.ris") for b in report.bad)


def test_ris_entry_not_closed_at_end_of_file_is_bad():
    report = parse_ris("TY  - JOUR\nTI  - Good\nER  - \n\nTY  - JOUR\nTI  - Cut off\n", "cut.ris")
    assert [e.record.title for e in report.entries] == ["Good"]
    assert bad_places(report) == [(5, 1, "reference not closed by 'ER  - ' at the end of the file")]


def test_ris_accession_digits_without_ncjrs_database_are_not_an_ncj_number():
    report = parse_ris("TY  - JOUR\nTI  - A PubMed Article\nAN  - 12345678\nDB  - PubMed\nER  - \n", "p.ris")
    record = report.entries[0].record
    assert record.ncj_number == "" and record.id.startswith("ref-")


def test_ris_with_windows_line_endings_and_bom():
    text = "\ufeffTY  - RPRT\r\nTI  - Crime Mapping\r\nPY  - 2001\r\nER  - \r\n"
    report = parse_bytes_via_file(text.encode("utf-8"))
    assert [(e.record.title, e.record.issued_year) for e in report.entries] == [("Crime Mapping", 2001)]


def parse_bytes_via_file(raw: bytes):
    from viewer.core.importers import parse_bytes

    return parse_bytes(raw, "crlf.ris", "ris")


# --- BibTeX ----------------------------------------------------------------------------------


def test_bibtex_sample_braced_corporate_names_and_latex():
    report = read_file(DATA / "sample.bib")
    assert report.format == "bibtex"
    records = by_title(report)
    cafe = records["Café Society and Crime: Eyewitness Identification"]
    r = cafe.record
    assert r.authors == ("National Institute of Justice",)  # {braced}: one corporate name, not split
    assert cafe.citation["author"] == [{"literal": "National Institute of Justice"}]
    assert (r.issued_year, r.issued_month, r.date_published) == (2003, 3, "March 2003")  # month = mar
    assert (r.ncj_number, r.id) == ("178240", "ncj-178240")  # note = {NCJRS Virtual Library, NCJ 178240}
    assert (r.pages, r.length) == (8, "8 pages")  # pagetotal
    assert r.abstract.endswith("50% of cases.")
    assert (cafe.line, cafe.index) == (2, 0)

    reentry = records["Reentry Courts and Recidivism"].record
    assert reentry.authors == ("Smith, John A.", "van der Berg, Jane", "U.S. Department of Justice")
    assert reentry.annotation == "Evaluates three reentry courts."  # annote
    assert reentry.ncj_number == "" and reentry.id.startswith("ref-")
    assert records["Reentry Courts and Recidivism"].citation["page"] == "101-130"

    online = records["Juvenile Justice Bulletin"].record
    assert online.ncj_number == "188181"  # from the NCJRS abstract address
    assert (online.issued_year, online.issued_month) == (2001, 7)


def test_bibtex_bad_entries_name_line_and_reason():
    report = read_file(DATA / "sample.bib")
    places = bad_places(report)
    assert [(line, index) for line, index, _ in places] == [(23, 2), (28, 3), (32, 4), (36, 5)]
    reasons = [reason for _, _, reason in places]
    assert reasons[0] == "@article{notitle}: no title field"
    assert reasons[1].startswith("not valid BibTeX (")
    assert reasons[2] == "duplicate key 'smith2010'"
    assert reasons[3] == "@book{badmonth}: month: expected 1 to 12, found 13"


def test_bibtex_with_only_garbage_is_a_file_error():
    with pytest.raises(ImportFileError, match="no BibTeX entries"):
        parse_bibtex("% just a comment\n", "empty.bib")


# --- CSL-JSON --------------------------------------------------------------------------------


def test_csl_json_sample_items_and_bad_items_with_index_and_line():
    report = read_file(DATA / "sample.json")
    assert report.format == "csl-json"
    records = by_title(report)
    vaw = records["Violence Against Women: Identifying Risk Factors"]
    assert (vaw.index, vaw.line) == (0, 2)
    r = vaw.record
    assert (r.ncj_number, r.pages, r.date_published) == ("197019", 16, "November 2004")
    assert r.annotation == "This research in brief summarizes two studies of risk factors."
    cams = records["Body-Worn Cameras and Citizen Complaints"].record
    assert cams.authors == ("Ariel, Barak", "Sutherland, Alex")
    assert (cams.issued_year, cams.issued_month) == (2017, 5)  # issued.raw

    assert bad_places(report) == [
        (13, 1, "no title"),
        (18, 2, "author: expected a list of names, found text"),
        (32, 4, "expected an object, found text"),
        (33, 5, 'issued.date-parts[0][0]: expected a number, found "abc"'),
        (38, 6, "two different NCJ numbers: 100001 (number) and 100002 (note)"),
    ]
    assert report.bad[0].where == "item 1 (line 13)"


@pytest.mark.parametrize("field, value", [
    ("number", "NCJ 123456"), ("number", "NCJ-123456"), ("note", "NCJ Number: 123456"),
    ("note", "Found in NCJRS. NCJ #123456."), ("call-number", "NCJ123456"),
    ("archive_location", "NCJ 123456"),  # what viewer.core.csl_item writes
    ("URL", "https://www.ncjrs.gov/App/abstractdb/AbstractDBDetails.aspx?id=123456"),
])
def test_csl_json_ncj_number_from_ncjrs_exports(field, value):
    report = parse_csl_json(json.dumps([{"title": "T", field: value}]), "x.json")
    assert report.entries[0].record.ncj_number == "123456"
    assert report.entries[0].record.id == "ncj-123456"


def test_csl_json_report_number_without_ncj_is_not_an_ncj_number():
    report = parse_csl_json(json.dumps([{"title": "T", "number": "TR-2003-12"}]), "x.json")
    assert report.entries[0].record.ncj_number == ""
    assert report.entries[0].citation["number"] == "TR-2003-12"


def test_nothing_is_invented():
    report = parse_csl_json(json.dumps([{"title": "Only a Title"}]), "x.json")
    entry = report.entries[0]
    r = entry.record
    assert (r.authors, r.issued_year, r.date_published, r.pages, r.length, r.annotation, r.abstract,
            r.ncj_number, r.provenance) == ((), None, "", None, "", "", "", "", None)
    assert entry.citation == {}  # no author, publisher, type... unless the file gives one
    assert r.section_ids() == [DETAILS_ID]


def test_sections_are_the_standard_ones():
    report = read_file(DATA / "sample.json")
    r = by_title(report)["Violence Against Women: Identifying Risk Factors"].record
    assert r.sections == standard_sections(r.annotation, r.abstract)
    assert r.section_ids() == [DETAILS_ID, ANNOTATION_ID, ABSTRACT_ID]


def test_same_reference_gets_the_same_id_from_any_format():
    ris = parse_ris("TY  - JOUR\nAU  - Doe, Jane\nTI  - Gangs in Schools\nPY  - 2009\nER  - \n", "a.ris")
    bib = parse_bibtex("@article{k, author={Doe, Jane}, title={Gangs in Schools}, year={2009}}", "a.bib")
    csl = parse_csl_json('[{"title": "Gangs in Schools", "author": [{"family": "Doe", "given": "Jane"}],'
                         ' "issued": {"date-parts": [[2009]]}}]', "a.json")
    ids = {r.entries[0].record.id for r in (ris, bib, csl)}
    assert len(ids) == 1 and ids.pop().startswith("ref-")


def test_control_characters_and_runs_of_space_are_cleaned():
    report = parse_csl_json(json.dumps([{"title": "  A\x00 Title\n\twith   space ", "abstract": "x\x1by"}]), "x.json")
    assert report.entries[0].record.title == "A Title with space"
    assert report.entries[0].record.abstract == "x y"


# --- the program's own record files ------------------------------------------------------------


def test_record_file_is_read_with_its_outline(tmp_path):
    data = json.loads(resource_path("records", "ncj-203234.json").read_text(encoding="utf-8"))
    data["id"], data["ncj_number"] = "ncj-999001", "999001"
    path = tmp_path / "record.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    report = read_file(path)
    assert report.format == "record" and not report.bad
    record = report.entries[0].record
    assert record.id == "ncj-999001"
    assert record.section_ids() == bundled_record().section_ids()


def test_csl_json_item_with_half_a_character_is_a_bad_entry_and_the_rest_imports():
    text = json.dumps([{"type": "report", "title": "Fine"},
                       {"type": "report", "title": "Broken", "author": [{"family": "Smith\ud800"}]}])
    report = parse_csl_json(text, "refs.json")
    assert [e.record.title for e in report.entries] == ["Fine"]
    assert [(b.where, b.reason) for b in report.bad] == [
        ("item 1 (line 1)", "author[0].family: unpaired surrogate \\ud800 (half of a character)")]


def test_bad_record_file_is_one_bad_entry_with_its_place(tmp_path):
    data = json.loads(resource_path("records", "ncj-203234.json").read_text(encoding="utf-8"))
    data["ncj_number"] = "NCJ-1"
    path = tmp_path / "record.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    report = read_file(path)
    assert report.entries == []
    assert [(b.where, b.index) for b in report.bad] == [("ncj_number", 0)]
    assert "expected digits" in report.bad[0].reason


# --- whole files ------------------------------------------------------------------------------


def test_file_errors_name_the_file_and_place(tmp_path):
    with pytest.raises(ImportFileError, match="missing.ris: file not found"):
        read_file(tmp_path / "missing.ris")
    latin1 = tmp_path / "latin1.ris"
    latin1.write_bytes(b"TY  - JOUR\nTI  - Caf\xe9\nER  - \n")
    with pytest.raises(ImportFileError, match=r"latin1.ris at line 2: not UTF-8 text"):
        read_file(latin1)
    broken = tmp_path / "broken.json"
    broken.write_text('[\n  {"title": "ok"},\n  {"title": }\n]\n', encoding="utf-8")
    with pytest.raises(ImportFileError, match=r"broken.json at line 3, column 13: not valid JSON"):
        read_file(broken)
    prose = tmp_path / "notes.txt"
    prose.write_text("Dear diary,\n", encoding="utf-8")
    with pytest.raises(ImportFileError, match="not an NCJRS record page, RIS, BibTeX, CSL-JSON or record file$"):
        read_file(prose)
    assert issubclass(ImportFileError, RecordError)


def test_format_from_name_and_content():
    assert [format_from_name(n) for n in ("a.ris", "a.BIB", "a.json", "a.txt")] == ["ris", "bibtex", "json", None]
    assert sniff_format("TY  - JOUR\n") == "ris"
    assert sniff_format("% c\n@book{k, title={t}}") == "bibtex"
    assert sniff_format(" [ ]") == "json"
    assert parse_text("[]", "empty.json").entries == []


# --- round trip with the program's own exports -------------------------------------------------


@pytest.mark.parametrize("fmt", ["ris", "bibtex", "csl-json"])
def test_exported_bundled_record_imports_back(fmt):
    original = bundled_record()
    report = parse_text(exports.export(original, fmt), f"export.{fmt}", "json" if fmt == "csl-json" else fmt)
    assert not report.bad
    (entry,) = report.entries
    r = entry.record
    assert (r.id, r.ncj_number, r.title) == (original.id, original.ncj_number, original.title)
    assert (r.authors, r.issued_year, r.issued_month) == (original.authors, original.issued_year,
                                                          original.issued_month)
    assert (r.pages, r.abstract) == (original.pages, original.abstract)


@pytest.mark.parametrize("text", [
    "TY  - RPRT\nTI  - Superscript pages\nSP  - \u00b2\nER  - \n",
    "TY  - RPRT\nTI  - Huge pages\nSP  - " + "9" * 5000 + "\nER  - \n",
    "@techreport{k, title={Superscript month}, year={2003}, month={\u00b2}}",
    '[{"title": "Superscript year", "issued": {"date-parts": [["\u00b2"]]}}]',
    '[{"title": "Huge year", "issued": {"date-parts": [["' + "9" * 5000 + '"]]}}]',
])
def test_numbers_are_read_only_from_a_few_ascii_digits(text):
    """int() never sees a digit Python cannot convert ("²") or thousands of them: no page count,
    or a bad entry naming the field, never a crash."""
    report = parse_text(text, "odd")
    assert all(r.pages is None for r in report.records)
    assert all("int()" not in bad.reason for bad in report.bad)
