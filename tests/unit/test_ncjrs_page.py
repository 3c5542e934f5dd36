"""The NCJRS page parser: every layout and value form on invented fixtures, the 38 real pages of
../shared/ncjrs-pages against a librarian's reading, the seed, chrome, and fuzzing."""

from __future__ import annotations

import json
import time
from dataclasses import asdict
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from viewer.core.importers.ncjrs_page import (
    PageError,
    html_to_page,
    looks_like_page,
    parse_page,
    require_title,
    to_index_fields,
)
from viewer.core.importers.page_csl import page_to_csl
from viewer.core.importers.page_html import html_to_text
from viewer.core.importers.page_names import parse_names

REPO = Path(__file__).resolve().parents[2]
PAGES = REPO / "tests" / "data" / "pages"
SHARED = Path(__file__).resolve().parents[3] / "shared"
REAL = SHARED / "ncjrs-pages"
SEED = SHARED / "seeds" / "000_32c79920fd745abc.txt"
FIXTURES = sorted(p for p in PAGES.iterdir() if p.name != "not-a-page.txt")
CHROME = ("U.S. flag", "official website", "Similar Publications", "Add to Shopping cart", "Find in a Library",
          "skip navigation", "Register for Latest Research", "Stay Informed", "Click here to search",
          "Virtual Library houses", "NCJRS Abstract", "How to Obtain Documents", "To download this abstract",
          "JUSTINFO", "Downloads", "Skip to main content", "Please enable JavaScript", "settings")


def page(name: str):
    return parse_page((PAGES / name).read_text(encoding="utf-8"))


def test_todays_layout_journal_article():
    p = page("vl-new-article.txt")
    assert p.title == "Lantern Patrols and Night Markets: A Field Study of Informal Guardianship"
    assert p.ncj_number == "900101"
    assert p.journal is not None
    assert (p.journal.title, p.journal.volume, p.journal.issue, p.journal.dated, p.journal.pages) == (
        "Quarterly Review of Imaginary Policing", "12", "4", "Fall 2008", "101-120")
    assert (p.year, p.month, p.season) == (2008, None, 3)
    assert p.abstract == ("Observers walked with twelve patrols over two seasons.\n\n"
                          "Findings suggest that patrols mostly redirected lost visitors.")
    item = page_to_csl(p, "ncj-900101")
    assert item["type"] == "article-journal"
    assert item["issued"] == {"date-parts": [[2008]], "season": 3}
    assert (item["container-title"], item["volume"], item["issue"], item["page"]) == (
        "Quarterly Review of Imaginary Policing", "12", "4", "101-120")
    assert "archive_location" not in item and "number-of-pages" not in item and "URL" not in item
    assert item["author"] == [
        {"family": "Berg", "given": "Anna", "non-dropping-particle": "van der"},
        {"family": "Gimenez-Ferrer i Puig", "given": "Jordi"},
        {"family": "Dubois-Lenoir", "given": "Marie-Claire"},
    ]


def test_todays_layout_report_with_every_label():
    p = page("vl-new-report.txt")
    assert [n.sort_form() for n in p.authors] == ["Castellanos, Priya R.", "Whitcombe, Tobias, Jr.", "Ng, Lee"]
    assert [a.name for a in p.corporate_authors] == ["Meadowbrook Institute for Applied Research"]
    assert (p.publisher, p.place) == ("Meadowbrook Press", "Elmfield, OR")
    assert [a.name for a in p.sponsoring_agencies] == ["National Institute of Justice", "Bureau of Justice Statistics"]
    assert p.grant_numbers == ("1999-IJ-CX-0001", "1999-IJ-CX-0002")
    assert (p.date_published, p.year, p.month) == ("October 1999", 1999, 10)
    assert (p.publication_type, p.country, p.language) == ("Report (Study/Research)", "United States of America",
                                                           "English")
    assert p.document_url == "https://www.example.org/invented/900102.pdf"
    assert p.dataset_url == "https://data.example.org/invented/900102"
    assert "  • Part One: Counting Thefts by Lee Ng" in p.abstract.split("\n")
    item = page_to_csl(p, "r")
    assert item["type"] == "report"
    assert (item["publisher"], item["publisher-place"]) == ("Meadowbrook Press", "Elmfield, OR")
    assert (item["archive"], item["archive_location"]) == ("NCJRS Virtual Library", "NCJ 900102")
    assert item["number-of-pages"] == 88 and item["URL"] == p.document_url
    assert item["author"][1] == {"family": "Whitcombe", "given": "Tobias", "suffix": "Jr."}


def test_headerless_copy_has_no_title_and_is_refused_by_require_title():
    p = page("vl-new-headerless.txt")
    assert p.title is None and p.ncj_number == "900103" and p.page_count == 164
    with pytest.raises(PageError, match="^the page has no title$"):
        require_title(p)
    assert require_title(page("vl-new-article.txt")).title


def test_indented_copy_and_unknown_date():
    p = page("vl-new-indented.txt")
    assert (p.ncj_number, p.date_published, p.year, p.length) == ("900104", "Unknown", None, "47 pages")
    assert p.abstract == "The first part sets out the method.\nThe second part gives exercises."
    assert "issued" not in page_to_csl(p, "x")


def test_degraded_page_never_takes_a_label_or_a_number_as_a_value():
    p = page("vl-new-degraded.txt")
    assert p.ncj_number is None and p.date_published is None
    assert p.journal is not None and (p.journal.title, p.journal.volume, p.journal.pages) == (
        "Northfield Law Quarterly", "1986", "77-99")
    assert [n.sort_form() for n in p.authors] == ["OKAFOR, C D"]
    assert (p.year, p.length, p.page_count) == (1986, "23 pages", 23)
    assert p.annotation.startswith("A survey of invented") and p.abstract.startswith("The boards met")


def test_whole_issue_is_a_periodical_with_comma_separated_editors():
    p = page("vl-new-periodical.txt")
    assert [n.sort_form() for n in p.editors] == ["Marsh, Helga", "Oduya, Ravi"]
    assert p.journal.pages == "complete issue" and (p.year, p.month) == (1985, 3)
    item = page_to_csl(p, "x")
    assert item["type"] == "periodical" and "page" not in item and item["number-of-pages"] == 223


def test_chapter_title_line_gives_the_book():
    p = page("agency-library-chapter.txt")
    assert p.title == "Street Lighting Experiments"
    c = p.chapter
    assert (c.container_title, c.pages, c.year, c.container_ncj) == ("Safer Streets Reader", "45-60", 1991, "900100")
    assert [n.sort_form() for n in c.editors] == ["de la Cruz, Maria", "Novak, Tomas"]
    assert (p.date_published, p.month, p.length) == ("March 1991", 3, "16 pages")
    item = page_to_csl(p, "x")
    assert item["type"] == "chapter" and item["container-title"] == "Safer Streets Reader"
    assert item["page"] == "45-60" and item["editor"][0]["non-dropping-particle"] == "de la"
    assert "archive" not in item and "number-of-pages" not in item


def test_agency_library_footer_date_is_not_a_month():
    p = page("agency-library-footer.txt")
    assert (p.date_published, p.year, p.month) == ("1998", 1998, None)
    assert page_to_csl(p, "x")["issued"] == {"date-parts": [[1998]]}


def test_legacy_2012_label_value_page():
    p = page("legacy-2012.txt")
    assert (p.title, p.ncj_number) == ("Docket Speed in Rural Courts - A Summary", "900109")
    assert (p.journal.volume, p.journal.issue, p.journal.dated, p.journal.pages) == (
        "7", "2", "(October-December 1979)", "3-8,41-44")
    assert (p.year, p.month, p.season) == (1979, None, None)
    assert [a.name for a in p.corporate_authors] == ["Institute for Rural Courts, Research Division"]
    assert p.corporate_authors[0].country == "United States of America"
    assert [(a.name, a.address) for a in p.sponsoring_agencies] == [
        ("Institute for Rural Courts", ("Greenvale, VA 23000",)), ("US Dept of Justice", ("Washington, DC 20531",))]
    assert [a.name for a in p.sale_sources] == ["Invented Documents Office, GPO",
                                                "National Institute of Justice/NCJRS paper reproduction"]
    assert p.sale_sources[1].address == ("Box 6000, Dept F", "Rockville, MD 20849")
    assert (p.length, p.page_count, p.publication_type, p.format) == ("10", 10, "Program Description", "Article")
    assert p.abstract.endswith("closed cases faster.")
    assert p.page_url == "https://www.ncjrs.gov/App/Publications/abstract.aspx?ID=900109"


def test_legacy_2009_degrees_suffix_and_pdf_link_text():
    p = page("legacy-2009.txt")
    assert p.ncj_number == "900110" and p.document_url is None
    assert [n.sort_form() for n in p.authors] == ["Wozniak, Ilona K.", "Reyes, Samuel T.", "Dale, Frank O., Jr."]
    assert (p.date_published, p.year, p.month) == ("09/2008", 2008, 9)
    assert p.annotation == "This report lists invented studies of informal labor brokers."
    item = page_to_csl(p, "x")
    assert item["type"] == "report" and item["publisher"].startswith("Harborview University")


def test_legacy_abstract_database_isbn_and_all_caps_names():
    p = page("legacy-abstractdb.txt")
    assert p.isbn == "0-00-000000-0" and p.format == "Book (Softbound)"
    assert [n.sort_form() for n in p.authors] == ["HOLLOWAY, P Q", "GIMENEZ-SALINAS I COLOMER, ESTHER"]
    assert page_to_csl(p, "x")["type"] == "book"


def test_corporate_author_alone_is_the_literal_author():
    text = (PAGES / "legacy-2009.txt").read_text(encoding="utf-8").replace(
        "Author(s): Ilona K. Wozniak Ph.D. ; Samuel T. Reyes J.D. ; Frank O. Dale Jr.\n", "")
    item = page_to_csl(parse_page(text), "x")
    assert item["author"] == [{"literal": "Harborview University, School of Public Affairs, "
                                          "Center for the Study of Invented Migration"}]
    assert "publisher" not in item


def test_complete_html_save():
    html = (PAGES / "vl-new-complete.html").read_text(encoding="utf-8")
    p = html_to_page(html)
    assert p.title == "Courthouse Gardens & Juror Mood" and p.ncj_number == "900112"
    assert p.page_url == "https://www.ojp.gov/ncjrs/virtual-library/abstracts/courthouse-gardens-and-juror-mood"
    assert p.journal.title == "Journal of Invented Court Design" and p.journal.pages == "1-26"
    assert p.abstract == ("Jurors in two invented courthouses were surveyed.\n\n"
                          "Those with a garden view reported \u201cless tension\u201d \u2014 a small effect.")
    assert parse_page(html) == p and looks_like_page(html)
    assert "Not The Title" not in html_to_text(html).text


def test_html_only_save_resolves_the_pdf_link():
    p = parse_page((PAGES / "legacy-html-only.html").read_text(encoding="utf-8"))
    assert (p.title, p.ncj_number) == ("Ferry Terminal Security Audits", "900113")
    assert p.document_url == "https://www.example.org/invented/900113.pdf"
    assert p.abstract == "Audits at six invented terminals found gaps in lighting.\nTwo terminals fixed them within a month."
    assert p.page_url is None


def test_not_a_page():
    text = (PAGES / "not-a-page.txt").read_text(encoding="utf-8")
    assert not looks_like_page(text)
    for bad in (text, "", "TY  - RPRT\nER  - \n", "@report{x, title={NCJ}}", "<html><body>hi</body></html>"):
        with pytest.raises(PageError, match="^not an NCJRS record page$"):
            parse_page(bad)


@pytest.mark.parametrize("raw, expected", [
    ("J S Wall; J D Hawkins", ["Wall, J S", "Hawkins, J D"]),
    ("Elzbieta Q. Example Ph.D. ; Micah Z. Sample M.A.", ["Example, Elzbieta Q.", "Sample, Micah Z."]),
    ("Ann Lee B.S.", ["Lee, Ann"]),
    ("Carl Roe J.D., Dana Poe", ["Roe, Carl", "Poe, Dana"]),
    ("Jan van Dijk", ["van Dijk, Jan"]),
    ("Esther Gimenez-Salinas i Colomer", ["Gimenez-Salinas i Colomer, Esther"]),
    ("Smith, John", ["Smith, John"]),
    ("Tom Bell III", ["Bell, Tom, III"]),
    ("Yue Ma", ["Ma, Yue"]),
])
def test_name_forms(raw, expected):
    assert [n.sort_form() for n in parse_names(raw)] == expected


def test_the_seed(seed_page=SEED):
    if not seed_page.is_file():
        pytest.skip(f"the seed is not beside this checkout ({seed_page})")
    text = seed_page.read_text(encoding="utf-8")
    p = parse_page(text)
    lines = text.split("\n")
    assert p.title == "Trafficking in Human Beings, Especially Women and Children"
    assert (p.ncj_number, p.date_published, p.length, p.year, p.month) == ("203234", "March 2003", "8 pages", 2003, 3)
    assert p.annotation == lines[lines.index("Annotation") + 1].strip()
    assert p.abstract == lines[lines.index("Abstract") + 1].strip()
    item = page_to_csl(p, "ncj-203234")
    assert item["type"] == "report" and item["archive_location"] == "NCJ 203234"


def _real_pages() -> list[dict]:
    if not (REAL / "index.json").is_file():
        return []
    return json.loads((REAL / "index.json").read_text(encoding="utf-8"))


def _same(got, want, case_free: bool) -> bool:
    if got == want:
        return True
    if case_free and isinstance(got, str) and isinstance(want, str):
        return got.casefold() == want.casefold()
    if case_free and isinstance(got, list) and isinstance(want, list) and len(got) == len(want):
        return all(_same(g, w, True) for g, w in zip(got, want))
    return False


@pytest.mark.skipif(not (REAL / "index.json").is_file(), reason=f"the real pages are not beside the checkout ({REAL})")
@pytest.mark.parametrize("entry", _real_pages(), ids=lambda e: e["file"])
def test_real_pages_read_as_a_librarian_reads_them(entry):
    p = parse_page((REAL / entry["file"]).read_text(encoding="utf-8"))
    got = to_index_fields(p)
    alternatives = entry.get("acceptable_alternatives") or {}
    case_free = "case-insensitive" in (entry.get("notes") or "")
    differ = {}
    for key, want in entry["expected"].items():
        if key in got and not any(_same(got[key], w, case_free or key in ("title",))
                                  for w in [want] + list(alternatives.get(key, []))):
            differ[key] = (want, got[key])
    extra = entry["expected"]
    if "container_title" in extra:
        assert p.chapter is not None and (p.chapter.container_title, p.chapter.container_ncj) == (
            extra["container_title"], extra.get("container_ncj"))
    assert not differ, differ


def _all_texts() -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in FIXTURES]
    texts += [p.read_text(encoding="utf-8") for p in sorted(REAL.glob("*.txt"))] if REAL.is_dir() else []
    return texts + ([SEED.read_text(encoding="utf-8")] if SEED.is_file() else [])


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, (list, tuple)):
        return [s for v in value for s in _strings(v)]
    return []


def test_no_chrome_in_any_field():
    for text in _all_texts():
        p = parse_page(text)
        fields = asdict(p)
        fields.pop("labels_seen")
        for s in _strings(fields) + _strings(page_to_csl(p, "x")):
            for word in CHROME:
                assert word.lower() not in s.lower(), (word, p.ncj_number, s[:120])


def test_parsing_is_fast():
    texts = _all_texts()
    start = time.perf_counter()
    for text in texts:
        parse_page(text)
    assert (time.perf_counter() - start) / len(texts) < 0.010


_SEEDS = [t for t in _all_texts()]
_WORDS = ["NCJ Number", "Journal", "Author(s)", "Date Published", "Length", "Annotation", "Abstract", "Title:",
          "Volume:", "Pages:", "(From ", ", P ", " -- See NCJ-", "\u00a0", "\n", ";", ",", "1" * 30,
          "Corporate Author:", "Sponsoring Agency:", "United States of America", "Washington, DC 20531",
          "<html><body>", "<p>", "&amp;", "Similar Publications", "Date Published: January 1, 1998"]


@st.composite
def mutated_pages(draw):
    text = draw(st.sampled_from(_SEEDS))
    for _ in range(draw(st.integers(0, 6))):
        at = draw(st.integers(0, len(text)))
        cut = draw(st.integers(0, 200))
        insert = draw(st.one_of(st.sampled_from(_WORDS), st.text(max_size=40)))
        text = text[:at] + insert + text[at + cut:]
    return text


@settings(max_examples=300, deadline=2000, suppress_health_check=[HealthCheck.too_slow,
                                                                   HealthCheck.data_too_large])
@given(text=st.one_of(mutated_pages(), st.text(max_size=3000),
                      st.lists(st.sampled_from(_WORDS), max_size=60).map("".join)))
def test_fuzz_returns_a_page_or_raises_page_error(text):
    start = time.perf_counter()
    try:
        p = parse_page(text)
    except PageError as exc:
        assert str(exc) in ("not an NCJRS record page", "the page has no title")
    else:
        page_to_csl(p, "x")
        to_index_fields(p)
        assert p.page_count is None or 0 < p.page_count <= 100_000
    assert time.perf_counter() - start < 1.0


def test_long_hostile_lines_stay_linear():
    for text in ("NCJ Number\n" + "1" * 200_000, "Journal\n" + "Volume: " * 30_000,
                 "NCJ Number\nx\nAuthor(s)\n" + "A " * 100_000, "Title: x (From " + "P 1-2, " * 30_000 + ")\nNCJ Number: 1",
                 "<html><body>" + "<div>" * 50_000 + "NCJ Number"):
        start = time.perf_counter()
        try:
            parse_page(text)
        except PageError:
            pass
        assert time.perf_counter() - start < 2.0
