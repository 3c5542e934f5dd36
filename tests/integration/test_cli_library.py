"""The library on the command line: import, search, and --record / --library on every command."""

from __future__ import annotations

from pathlib import Path

import pytest

from viewer.cli import main

DATA = Path(__file__).resolve().parents[1] / "data"

# Citing a library record runs citeproc-js in Qt; the test session's QApplication must come first.
pytestmark = pytest.mark.usefixtures("qapp")


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def library(tmp_path):
    return str(tmp_path / "library")


def test_import_reports_imported_and_rejected(capsys, library):
    code, out, err = run(capsys, "import", str(DATA / "sample.json"), "--library", library)
    assert code == 1  # the sample has bad entries: the good ones are imported, the bad ones named
    imported = [line.split("\t")[1] for line in out.splitlines() if line.startswith("imported\t")]
    assert "ncj-197019" in imported
    assert "sample.json at item 1 (line 13): no title" in err
    code, out, err = run(capsys, "import", str(DATA / "sample.ris"), "--library", library)
    assert code == 1
    assert "sample.ris at line 29: no title" in err
    assert all(line.startswith("ncjrs-viewer: rejected: ") for line in err.splitlines())
    code, out, _ = run(capsys, "import", str(DATA / "sample.json"), "--library", library)
    assert out.count("already there\t") == len(imported)


def test_all_or_none_imports_nothing_from_a_file_with_bad_entries(capsys, library):
    code, out, _ = run(capsys, "import", "--all-or-none", str(DATA / "sample.bib"), "--library", library)
    assert code == 1 and "nothing imported" in out
    _, hits, _ = run(capsys, "search", "a", "--library", library)
    assert [line.split("\t")[0] for line in hits.splitlines()] in ([], ["ncj-203234"])


def test_search_and_record_options(capsys, library):
    run(capsys, "import", str(DATA / "sample.json"), "--library", library)
    code, out, _ = run(capsys, "search", "violence women", "--library", library, "--limit", "5")
    assert code == 0
    first_id, first_title = out.splitlines()[0].split("\t")
    assert "Violence" in first_title
    _, sections, _ = run(capsys, "sections", "--record", first_id, "--library", library)
    assert sections.splitlines()[0] == "details\tRecord details"
    _, cite, _ = run(capsys, "--library", library, "cite", "--record", first_id, "--style", "apa")
    assert "Violence" in cite and cite.count("NCJ") <= 1 + cite.count("NCJRS")
    code, _, err = run(capsys, "show", "details", "--record", "nope", "--library", library)
    assert code == 2 and "unknown record 'nope'" in err


def test_bad_limit_and_unusable_library(capsys, tmp_path):
    code, _, err = run(capsys, "search", "x", "--limit", "all", "--library", str(tmp_path))
    assert code == 2 and "expected a whole number from 0 to" in err
    not_a_db = tmp_path / "lib"
    not_a_db.mkdir()
    from viewer.core.library import library_file
    library_file(not_a_db).write_bytes(b"this is not a database" * 100)
    code, _, err = run(capsys, "search", "x", "--library", str(not_a_db))
    assert code == 1 and err.count("\n") == 1 and "Traceback" not in err
