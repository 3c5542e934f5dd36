"""NCJRS pages as records: schema 2 round trip, version 1 files, the details rows, CSL items per
type, the import's sniffing, refusals and clipboard, and the bundled record built from the seed."""

from __future__ import annotations

import dataclasses
import importlib.util
import json
from pathlib import Path

import pytest

from viewer.core.csl_item import csl_item
from viewer.core.importers import (
    ImportFileError,
    format_from_name,
    parse_text,
    read_clipboard,
    read_file,
    sniff_format,
)
from viewer.core.importers.ncjrs import MAX_PAGE_BYTES, NOT_ANY
from viewer.core.importers.page_html import html_to_text
from viewer.core.record import (
    Agency,
    Journal,
    Name,
    RecordError,
    parse_record,
    record_to_data,
)
from viewer.core.resources import bundled_record, resource_path

ROOT = Path(__file__).resolve().parents[2]
PAGES = ROOT / "tests" / "data" / "pages"
REAL = ROOT.parent / "shared" / "ncjrs-pages"
TITLED = ("agency-library-chapter.txt", "legacy-2009.txt", "legacy-2012.txt", "legacy-abstractdb.txt",
          "legacy-html-only.html", "vl-new-article.txt", "vl-new-complete.html", "vl-new-degraded.txt",
          "vl-new-periodical.txt", "vl-new-report.txt")
UNTITLED = ("agency-library-footer.txt", "vl-new-headerless.txt", "vl-new-indented.txt")
# Site chrome of every layout: never a word of a record.
CHROME = ("U.S. flag", "official website", "Similar Publications", "Add to Shopping cart", "Find in a Library",
          "skip navigation", "Register for Latest Research", "Click here to search", "Virtual Library houses",
          "NCJRS Abstract", "How to Obtain Documents", "Other Invented Title", "Main Term", "Index Term")


def imported(name: str):
    report = read_file(PAGES / name)
    assert report.format == "ncjrs-page" and not report.bad
    (entry,) = report.entries
    return entry.record


def fields(name: str) -> dict[str, str]:
    return dict(imported(name).fields())


# --- the record file, version 2 and 1 --------------------------------------------------------


@pytest.mark.parametrize("name", TITLED)
def test_every_page_record_survives_the_record_file(name):
    record = imported(name)
    data = record_to_data(record)
    assert data["schema_version"] == 2 and data["origin"] == "ncjrs-page"
    again = parse_record(json.dumps(data))
    assert again == record
    assert csl_item(again, "apa") == csl_item(record, "apa")


def test_record_2_holds_structured_names_agencies_and_journal():
    record = imported("legacy-2012.txt")
    assert record.author_names[0] == Name("Brandt", "K L")
    assert record.authors == ("Brandt, K L", "Mwangi, O P", "Santos, R")
    assert record.authors_printed == "K L Brandt; O P Mwangi; R Santos"
    assert record.journal == Journal("Rural Court Review", "7", "2", "(October-December 1979)", "3-8,41-44")
    assert record.sponsoring_agencies[1] == Agency("US Dept of Justice", ("Washington, DC 20531",))
    assert record.grant_numbers == ("78-ZZ-AX-0001",)
    assert dict(record.labels) == {"length": "Page Count", "pubtype": "Type"}


def test_version_1_file_still_loads_with_its_citation_fields():
    data = {"schema": "ncjrs-viewer.record", "schema_version": 1, "id": "ref-1", "ncj_number": "", "title": "T",
            "authors": ["Doe, Jane"], "provenance": {"library": "L", "agency": "A"},
            "citation": {"type": "book", "publisher": "P"}}
    record = parse_record(json.dumps(data))
    assert record.csl_extra == {"type": "book", "publisher": "P"} and record.authors == ("Doe, Jane",)
    assert record.author_names == () and record.origin == ""
    assert csl_item(record)["type"] == "book"
    again = record_to_data(record)
    assert again["schema_version"] == 2 and again["csl_extra"] == {"type": "book", "publisher": "P"}
    assert "citation" not in again
    with pytest.raises(RecordError, match="missing field 'agency'"):
        parse_record(json.dumps({**data, "provenance": {"library": "L"}}))


@pytest.mark.parametrize("change, place", [
    ({"origin": "somewhere"}, "origin"),
    ({"journal": {}}, "journal"),
    ({"authors": [{"given": "Ann"}]}, "authors[0]."),
    ({"corporate_authors": [{"address": ["x"]}]}, "corporate_authors[0]."),
    ({"document_url": "PDF"}, "document_url"),
    ({"issued": {"year": 2003, "season": 5}}, "issued.season"),
    ({"chapter": {"container_title": "B", "container_ncj": "NCJ-1"}}, "chapter.container_ncj"),
    ({"labels": {"length": ""}}, "labels.length"),
    ({"ncj_number": "1234567890"}, "ncj_number"),
])
def test_version_2_fields_are_checked(change, place):
    data = {**record_to_data(imported("vl-new-report.txt")), **change}
    with pytest.raises(RecordError) as caught:
        parse_record(json.dumps(data), "r.json")
    assert caught.value.where == place


# --- details: the page's labels, nothing else ------------------------------------------------


def test_details_show_every_field_of_todays_page_under_its_label():
    rows = imported("vl-new-report.txt").fields()
    assert rows == [
        ("Title", "Measuring Bicycle Theft in Small Cities, 1990-1998"),
        ("NCJ Number", "900102"),
        ("Author(s)", "Priya R. Castellanos Ph.D.; Tobias Whitcombe Jr.; Lee Ng, M.A."),
        ("Corporate Author", "Meadowbrook Institute for Applied Research"),
        ("Publisher", "Meadowbrook Press, Elmfield, OR 97000"),
        ("Sponsoring Agency", "National Institute of Justice"),
        ("Sponsoring Agency", "Bureau of Justice Statistics"),
        ("Grant Number", "1999-IJ-CX-0001; 1999-IJ-CX-0002"),
        ("Date Published", "October 1999"),
        ("Length", "88 pages"),
        ("Country", "United States of America"),
        ("Language", "English"),
        ("Publication Type", "Report (Study/Research)"),
        ("Document URL", "https://www.example.org/invented/900102.pdf"),
        ("Dataset URL", "https://data.example.org/invented/900102"),
    ]


def test_details_keep_an_older_pages_own_labels():
    shown = fields("legacy-2012.txt")
    assert shown["Page Count"] == "10" and "Length" not in shown
    assert shown["Type"] == "Program Description" and shown["Format"] == "Article"
    assert shown["Journal"] == "Rural Court Review Volume: 7 Issue: 2 Dated: (October-December 1979) Pages: 3-8,41-44"


def test_details_of_the_seed_are_its_four_fields():
    assert bundled_record().fields() == [
        ("Title", "Trafficking in Human Beings, Especially Women and Children"), ("NCJ Number", "203234"),
        ("Date Published", "March 2003"), ("Length", "8 pages")]


def test_a_chapter_shows_where_it_is_from_and_has_no_ncj_number():
    record = imported("agency-library-chapter.txt")
    assert record.id.startswith("ref-") and record.ncj_number == ""
    assert dict(record.fields())["From"] == ("Safer Streets Reader, P 45-60, 1991, Maria de la Cruz and Tomas "
                                             "Novak, eds. -- See NCJ-900100")


@pytest.mark.parametrize("name", TITLED)
def test_every_shown_value_is_the_pages_text(name):
    page = (PAGES / name).read_text(encoding="utf-8")
    page = " ".join((html_to_text(page).text if name.endswith(".html") else page).split())
    bare = page.replace(" ", "")  # an agency's name lines are joined: "Institute/" + "Division"
    record = imported(name)
    for label, value in record.fields():
        for piece in value.split("; ") if label in ("Author(s)", "Grant Number") else value.split(", "):
            if label not in ("Journal", "From") and not (name.endswith(".html") and "URL" in label):
                assert piece.replace(" ", "") in bare, (label, piece)
    for text in (record.annotation, record.abstract):
        assert " ".join(text.split()) in page


def test_no_chrome_in_any_stored_record():
    for name in TITLED:
        record = imported(name)
        stored = record_to_data(record)
        stored.pop("provenance", None)  # the banner's site and agency, kept as where the page says it is from
        text = json.dumps(stored, ensure_ascii=False)
        for chrome in CHROME:
            assert chrome not in text, (name, chrome)


# --- CSL items per type ----------------------------------------------------------------------


def test_article_journal_is_cited_by_its_journal_without_the_archive():
    item = csl_item(imported("legacy-2012.txt"), "apa")
    assert item["type"] == "article-journal"
    assert (item["container-title"], item["volume"], item["issue"], item["page"]) == (
        "Rural Court Review", "7", "2", "3-8,41-44")
    assert item["issued"] == {"date-parts": [[1979]]}  # a range of months gives no month
    assert not {"archive", "archive_location", "number-of-pages", "publisher"} & item.keys()


def test_chapter_has_its_book_and_the_books_editors():
    item = csl_item(imported("agency-library-chapter.txt"))
    assert item["type"] == "chapter" and item["title"] == "Street Lighting Experiments"
    assert (item["container-title"], item["page"]) == ("Safer Streets Reader", "45-60")
    assert item["editor"] == [{"family": "Cruz", "given": "Maria", "non-dropping-particle": "de la"},
                              {"family": "Novak", "given": "Tomas"}]
    assert "archive_location" not in item


def test_report_has_persons_publisher_archive_and_the_document_url():
    item = csl_item(imported("vl-new-report.txt"))
    assert item["type"] == "report"
    assert item["author"][0] == {"family": "Castellanos", "given": "Priya R."}
    assert (item["publisher"], item["publisher-place"]) == ("Meadowbrook Press", "Elmfield, OR")
    assert (item["archive"], item["archive_location"], item["number-of-pages"]) == (
        "NCJRS Virtual Library", "NCJ 900102", 88)
    assert item["URL"] == "https://www.example.org/invented/900102.pdf" and item["language"] == "en"


def test_book_from_an_isbn():
    item = csl_item(imported("legacy-abstractdb.txt"))
    assert item["type"] == "book" and "ISBN" in item and item["archive_location"] == "NCJ 900111"


def test_periodical_whole_issue_has_editors_and_no_archive():
    item = csl_item(imported("vl-new-periodical.txt"))
    assert item["type"] == "periodical" and "editor" in item and "author" not in item
    assert "archive_location" not in item and "page" not in item


def test_page_address_is_the_url_only_for_a_report_without_a_document_url():
    record = imported("vl-new-complete.html")
    assert record.provenance.url.startswith("https://www.ojp.gov/")
    assert "URL" not in csl_item(record)  # a journal article is cited by its journal
    report = dataclasses.replace(imported("vl-new-report.txt"), document_url="")
    assert "URL" not in csl_item(report)  # the text copy gave no address: none is made up


# --- importing: sniffing, refusals, clipboard -------------------------------------------------


def test_formats_are_recognised_before_a_page():
    assert format_from_name("page.html") == format_from_name("page.HTM") == "ncjrs-page"
    assert format_from_name("page.txt") is None
    seed = (ROOT / "tests" / "data" / "ncj-203234-source.txt").read_text(encoding="utf-8")
    assert sniff_format(seed) == "ncjrs-page"
    assert sniff_format("TY  - RPRT\nTI  - NCJ Number\nER  - \n") == "ris"
    assert sniff_format("@report{k, title={NCJ Number}}") == "bibtex"
    assert sniff_format('[{"title": "NCJ Number"}]') == "json"


@pytest.mark.parametrize("text", ["Dear diary,\nNothing here.\n", "", "   \n", "<html><body>hi</body></html>"])
def test_anything_else_is_refused_in_one_line(text):
    with pytest.raises(ImportFileError) as caught:
        parse_text(text, "pasted")
    assert str(caught.value) == f"pasted: {NOT_ANY}" and "\n" not in str(caught.value)


@pytest.mark.parametrize("name", UNTITLED)
def test_a_page_without_a_title_is_refused(name):
    with pytest.raises(ImportFileError, match=r": the page has no title \(") as caught:
        read_file(PAGES / name)
    assert "\n" not in str(caught.value)


def test_an_html_file_that_is_no_page_says_so(tmp_path):
    path = tmp_path / "other.html"
    path.write_text("<html><body><p>A recipe.</p></body></html>", encoding="utf-8")
    with pytest.raises(ImportFileError, match="other.html: not an NCJRS record page$"):
        read_file(path)


def test_a_page_file_has_a_size_limit(tmp_path):
    path = tmp_path / "huge.html"
    with open(path, "wb") as f:
        f.truncate(MAX_PAGE_BYTES + 1)
    with pytest.raises(ImportFileError, match="too large for an NCJRS record page"):
        read_file(path)
    with pytest.raises(ImportFileError, match="too large for an NCJRS record page"):
        parse_text("NCJ Number\n1\n" + "x" * MAX_PAGE_BYTES, "pasted")


def test_clipboard_prefers_the_html_page_and_falls_back_to_text():
    html = (PAGES / "vl-new-complete.html").read_text(encoding="utf-8")
    seed = (ROOT / "tests" / "data" / "ncj-203234-source.txt").read_text(encoding="utf-8")
    from_html = read_clipboard("Courthouse Gardens & Juror Mood", html).records[0]
    assert from_html.id == "ncj-900112" and from_html.provenance.url
    assert read_clipboard(seed, "<html><body><b>Trafficking</b></body></html>").records[0].id == "ncj-203234"
    assert read_clipboard("TY  - RPRT\nTI  - A Report\nER  - \n").format == "ris"
    with pytest.raises(ImportFileError, match=f"^clipboard: {NOT_ANY}$"):
        read_clipboard("hello", None)
    with pytest.raises(ImportFileError, match="^clipboard: the clipboard holds no text$"):
        read_clipboard("", None)


@pytest.mark.skipif(not REAL.is_dir(), reason="the shared real pages are not beside this checkout")
def test_real_pages_import_or_are_refused_whole():
    imported_count = 0
    for path in sorted(REAL.glob("*.txt")):
        try:
            report = read_file(path)
        except ImportFileError as exc:
            assert "the page has no title" in str(exc), path
            continue
        (record,) = report.records
        assert record.id == (f"ncj-{record.ncj_number}" if record.ncj_number else record.id)
        assert parse_record(json.dumps(record_to_data(record))) == record
        imported_count += 1
    assert imported_count >= 20


# --- the bundled record comes from the seed --------------------------------------------------


def _build_script():
    spec = importlib.util.spec_from_file_location("build_bundled_record", ROOT / "scripts" / "build_bundled_record.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_bundled_json_fields_are_exactly_what_the_parser_reads_from_the_seed(seed_text):
    script = _build_script()
    stored = json.loads(resource_path("records", "ncj-203234.json").read_text(encoding="utf-8"))
    curated = {key: stored.pop(key) for key in script.CURATED_KEYS}
    assert stored == script.page_fields(seed_text)
    assert stored == record_to_data(parse_text(seed_text, "seed").records[0])
    assert "url" not in stored["provenance"]  # the seed gives no address
    assert curated == json.loads(script.CURATED.read_text(encoding="utf-8"))


def test_stored_bundled_record_is_what_the_build_writes(seed_text):
    script = _build_script()
    built = script.dumps(script.build(seed_text, json.loads(script.CURATED.read_text(encoding="utf-8"))))
    assert resource_path("records", "ncj-203234.json").read_text(encoding="utf-8") == built


def test_the_curated_title_may_only_change_letter_case(seed_text):
    script = _build_script()
    curated = json.loads(script.CURATED.read_text(encoding="utf-8"))
    with pytest.raises(SystemExit, match="more than case"):
        script.build(seed_text, {**curated, "title_sentence_case": "Trafficking in people"})
    curated["outline"][0]["text"] = ["A sentence the record never says."]
    with pytest.raises(RecordError, match="not a verbatim quotation"):
        script.build(seed_text, curated)
