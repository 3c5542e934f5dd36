"""The import summary line and the file --file shows: no window, milliseconds."""

from __future__ import annotations

from pathlib import Path

import pytest

from viewer.core.importers.shown import NEITHER, load_record_or_page
from viewer.core.record import RecordError
from viewer.ui.duplicates import ImportSummary, summary_line

ROOT = Path(__file__).resolve().parents[2]
PAGES = ROOT / "tests" / "data" / "pages"


@pytest.mark.parametrize(("summary", "line"), [
    (ImportSummary(added=["a"]), "Imported 1 record."),
    (ImportSummary(added=[f"r{i}" for i in range(47970)], already=[f"d{i}" for i in range(2030)]),
     "Imported 47,970 records; 2,030 already there."),
    (ImportSummary(already=["ncj-203234"]), "Nothing new imported; 1 already there: ncj-203234."),
    (ImportSummary(added=["a", "b"], already=["x", "y", "x"], replaced=["z"]),
     "Imported 2 records; 1 replaced; 3 already there."),
    (ImportSummary(replaced=["z", "w"]), "Replaced 2 records."),
    (ImportSummary(added=["a"], bad=2), "Imported 1 record; 2 entries could not be read."),
    (ImportSummary(), "Nothing new imported."),
])
def test_summary_line(summary, line):
    assert summary_line(summary) == line


@pytest.mark.parametrize(("name", "record_id"), [("vl-new-report.txt", "ncj-900102"),
                                                 ("vl-new-complete.html", "ncj-900112"),
                                                 ("legacy-html-only.html", None)])
def test_a_page_is_shown_as_the_record_it_gives(name, record_id):
    record = load_record_or_page(PAGES / name)
    assert record.title and record.origin == "ncjrs-page"
    assert record_id is None or record.id == record_id


def test_a_record_file_still_loads_whatever_its_name(tmp_path):
    bundled = (ROOT / "resources" / "records" / "ncj-203234.json").read_bytes()
    named_txt = tmp_path / "record.txt"
    named_txt.write_bytes(bundled)
    assert load_record_or_page(named_txt).id == "ncj-203234"


@pytest.mark.parametrize("name", ["pages/not-a-page.txt", "sample.ris", "sample.bib"])
def test_anything_else_is_refused_naming_the_file(name):
    path = ROOT / "tests" / "data" / name
    with pytest.raises(RecordError) as caught:
        load_record_or_page(path)
    assert str(caught.value) == f"{path}: {NEITHER}"


def test_a_titleless_page_says_the_title_is_missing():
    with pytest.raises(RecordError, match="the page has no title"):
        load_record_or_page(PAGES / "vl-new-headerless.txt")
