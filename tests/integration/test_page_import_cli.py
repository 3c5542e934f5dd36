"""NCJRS pages on the command line: import prints imported / already there / replaced, export gives
the page's item, sections and show quote annotation and abstract verbatim, --file shows a page
without adding it, and the bundled record is never replaced."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from viewer.cli import main
from viewer.core.library import Library

ROOT = Path(__file__).resolve().parents[2]
PAGES = ROOT / "tests" / "data" / "pages"
SEED = ROOT / "tests" / "data" / "ncj-203234-source.txt"
SHARED_PAGES = ROOT.parent / "shared" / "ncjrs-pages"

# Citing runs citeproc-js in Qt; the session's QApplication must come first.
pytestmark = pytest.mark.usefixtures("qapp")


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def library(tmp_path) -> str:
    return str(tmp_path / "library")


def page_block(page: Path, label: str, end: str) -> str:
    """The lines of the fixture between a label line and the next label, as the file has them."""
    lines = page.read_text(encoding="utf-8").splitlines()
    start = lines.index(label) + 1
    return "\n".join(lines[start:lines.index(end, start)]).strip("\n")


def test_import_a_page_then_export_its_item_and_show_its_text_verbatim(capsys, library):
    page = PAGES / "vl-new-article.txt"
    code, out, err = run(capsys, "import", "--library", library, str(page))
    assert (code, out, err) == (0, "imported\tncj-900101\n", "")
    code, out, _ = run(capsys, "export", "--format", "csl-json", "--library", library, "--record", "ncj-900101")
    [item] = json.loads(out)
    assert item["type"] == "article-journal" and item["id"] == "ncj-900101"
    assert item["container-title"] == "Quarterly Review of Imaginary Policing"
    assert (item["volume"], item["issue"], item["page"]) == ("12", "4", "101-120")
    assert item["author"][0] == {"family": "Berg", "given": "Anna", "non-dropping-particle": "van der"}
    assert item["issued"] == {"date-parts": [[2008]], "season": 3}
    assert "archive_location" not in item  # an article is cited by its journal, not the database
    _, sections, _ = run(capsys, "sections", "--library", library, "--record", "ncj-900101")
    assert [line.split("\t")[0] for line in sections.splitlines()] == ["details", "annotation", "abstract"]
    _, annotation, _ = run(capsys, "show", "annotation", "--library", library, "--record", "ncj-900101")
    assert page_block(page, "Annotation", "Abstract") in annotation
    _, abstract, _ = run(capsys, "show", "abstract", "--library", library, "--record", "ncj-900101")
    assert page_block(page, "Abstract", "Similar Publications") in abstract  # the blank line kept
    assert "Similar" not in abstract and "Harbor Lighting" not in abstract


def test_a_saved_html_page_imports_with_its_address(capsys, library):
    code, out, _ = run(capsys, "import", "--library", library, str(PAGES / "vl-new-complete.html"))
    assert code == 0 and out.startswith("imported\tncj-")
    record_id = out.split("\t")[1].strip()
    _, details, _ = run(capsys, "show", "details", "--library", library, "--record", record_id)
    assert "Link" in details and "http" in details


def test_the_seeds_text_names_the_bundled_record_as_already_there(capsys, library):
    code, out, err = run(capsys, "import", "--library", library, str(SEED))
    assert (code, out, err) == (0, "already there\tncj-203234\n", "")
    code, out, err = run(capsys, "import", "--replace", "--library", library, str(SEED))
    assert code == 0 and out == "already there\tncj-203234\n"
    assert err == "ncjrs-viewer: ncj-203234 is the bundled record: it is never replaced\n"
    with Library.open(library) as lib:
        assert lib.count() == 1 and lib.get("ncj-203234").title.startswith("Trafficking")


def test_already_there_is_kept_unless_replace_is_asked(capsys, library, tmp_path):
    page = PAGES / "vl-new-report.txt"
    assert run(capsys, "import", "--library", library, str(page))[1] == "imported\tncj-900102\n"
    changed = tmp_path / "changed.txt"  # the same NCJ number with another title
    changed.write_text(page.read_text(encoding="utf-8").replace(
        "Measuring Bicycle Theft in Small Cities, 1990-1998", "Bicycle Theft Measured Again"), encoding="utf-8")
    code, out, _ = run(capsys, "import", "--library", library, str(changed), str(page))
    assert code == 0 and out == "already there\tncj-900102\nalready there\tncj-900102\n"
    with Library.open(library) as lib:
        assert lib.get("ncj-900102").title == "Measuring Bicycle Theft in Small Cities, 1990-1998"
    code, out, _ = run(capsys, "import", "--replace", "--library", library, str(changed))
    assert code == 0 and out == "replaced\tncj-900102\n"
    with Library.open(library) as lib:
        assert lib.get("ncj-900102").title == "Bicycle Theft Measured Again" and lib.count() == 2


def test_file_shows_a_page_without_adding_it(capsys, library):
    page = PAGES / "vl-new-report.txt"
    code, out, _ = run(capsys, "--library", library, "sections", "--file", str(page))
    assert code == 0 and out.splitlines()[0] == "details\tRecord details"
    code, out, _ = run(capsys, "show", "details", "--file", str(PAGES / "vl-new-complete.html"))
    assert code == 0 and "NCJ Number" in out
    code, out, _ = run(capsys, "export", "--format", "csl-json", "--file", str(page))
    assert json.loads(out)[0]["archive_location"] == "NCJ 900102"
    with Library.open(library) as lib:
        assert lib.count() == 1 and "ncj-900102" not in lib


@pytest.mark.parametrize("name", ["not-a-page.txt", "../sample.ris"])
def test_file_refuses_what_is_neither_a_record_file_nor_a_page_in_one_line(capsys, name):
    path = PAGES / name
    code, out, err = run(capsys, "sections", "--file", str(path))
    assert code == 1 and out == ""
    assert err == f"ncjrs-viewer: error: {path}: neither a record file nor an NCJRS record page\n"


def test_file_still_reads_a_record_file_and_names_bad_json(capsys, tmp_path):
    record = ROOT / "resources" / "records" / "ncj-203234.json"
    code, out, _ = run(capsys, "sections", "--file", str(record))
    assert code == 0 and "cooperation" in out
    broken = tmp_path / "broken.json"
    broken.write_text("{nope", encoding="utf-8")
    code, _, err = run(capsys, "sections", "--file", str(broken))
    assert code == 1 and "broken.json at line 1" in err and err.count("\n") == 1


def test_a_real_page_imports_when_the_shared_pages_are_there(capsys, library):
    """A real NCJRS page, read where it lies at test time (never copied into the repository)."""
    pages = sorted(SHARED_PAGES.glob("*.txt")) if SHARED_PAGES.is_dir() else []
    if not pages:
        pytest.skip("no shared NCJRS pages beside this checkout")
    code, out, _ = run(capsys, "import", "--library", library, str(pages[0]))
    assert code == 0 and out.startswith("imported\tncj-")
    record_id = out.split("\t")[1].strip()
    assert run(capsys, "import", "--library", library, str(pages[0]))[1] == f"already there\t{record_id}\n"
