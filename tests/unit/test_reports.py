"""Attached reports without a window: checks, atomic copies, folders by NCJ number, numbered parts,
and the command line (attach, sections, show report/N, cite --locator). PDFs built by tests/pdfmaker.py."""

from __future__ import annotations

import contextlib
import io

import pytest

import pdfmaker
from viewer.cli import main
from viewer.core import reports
from viewer.services import report_engine


@pytest.fixture
def report_pdf(tmp_path):
    path = tmp_path / "report.pdf"
    path.write_bytes(pdfmaker.build(*pdfmaker.report(12)))
    return path


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


def test_attach_copies_beside_the_record(tmp_path, report_pdf):
    target = reports.attach(tmp_path / "lib", "ncj-203234", report_pdf, report_engine.check)
    assert target == tmp_path / "lib" / "reports" / "ncj-203234.pdf"
    assert target.read_bytes() == report_pdf.read_bytes()
    assert reports.detach(tmp_path / "lib", "ncj-203234") == report_pdf.read_bytes()
    assert not target.exists() and reports.detach(tmp_path / "lib", "ncj-203234") is None


@pytest.mark.parametrize("data, reason", [
    (b"hello", "not a PDF"),
    (b"%PDF-1.4\n1 0 obj <<>> endobj\n", "cannot be read as a PDF"),
    (None, "needs a password"),
])
def test_refused_in_one_line_and_nothing_left(tmp_path, data, reason):
    source = tmp_path / "x.pdf"
    source.write_bytes(data if data is not None else pdfmaker.build(*pdfmaker.report(2), password="secret"))
    with pytest.raises(reports.ReportError) as caught:
        reports.attach(tmp_path / "lib", "ncj-1", source, report_engine.check)
    assert reason in str(caught.value) and "\n" not in str(caught.value)
    assert not reports.report_path(tmp_path / "lib", "ncj-1").exists()
    assert not list((tmp_path / "lib").rglob("*")) or not list((tmp_path / "lib" / "reports").iterdir())


def test_readable_encryption_is_accepted(tmp_path):
    source = tmp_path / "x.pdf"
    source.write_bytes(pdfmaker.build(*pdfmaker.report(2), password=""))  # encrypted, no password needed
    reports.attach(tmp_path / "lib", "ncj-1", source, report_engine.check)


def test_size_bounded(tmp_path, report_pdf, monkeypatch):
    monkeypatch.setattr(reports, "MAX_BYTES", 100)
    with pytest.raises(reports.ReportError, match="report.pdf"):
        reports.attach(tmp_path / "lib", "ncj-1", report_pdf, report_engine.check)


def test_unsafe_record_ids_name_no_file(tmp_path):
    for bad in ("../x", "a/b", "", ".hidden"):
        with pytest.raises(reports.ReportError):
            reports.report_path(tmp_path, bad)


def test_folder_by_ncj_number(tmp_path, report_pdf):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "203234.pdf").write_bytes(report_pdf.read_bytes())
    (folder / "999.pdf").write_bytes(report_pdf.read_bytes())
    (folder / "notes.txt").write_text("x")
    (folder / "NCJ-5.pdf").write_bytes(b"not a pdf")
    result = reports.attach_folder(tmp_path / "lib", folder, {"203234": "ncj-203234", "5": "ncj-5"}.get,
                                   report_engine.check)
    assert result.attached == [("203234.pdf", "ncj-203234")]
    assert result.unmatched == ["999.pdf", "notes.txt"]
    assert [name for name, _ in result.rejected] == ["NCJ-5.pdf"]


def test_parts_and_their_pages():
    nodes = (reports.ReportNode("A", 0, (reports.ReportNode("A.1", 2),)), reports.ReportNode("B", 5))
    assert [(i, d, n.title) for i, d, n in reports.numbered(nodes)] == [
        ("report/1", 0, "A"), ("report/1.1", 1, "A.1"), ("report/2", 0, "B")]
    assert reports.part_pages(nodes, "report/1", 9) == range(0, 5)
    assert reports.part_pages(nodes, "report/1.1", 9) == range(2, 5)
    assert reports.part_pages(nodes, "report/2", 9) == range(5, 9)
    assert reports.part_pages(nodes, "report/3", 9) is None


def test_no_bookmarks_one_node_a_page():
    doc = report_engine.ReportDocument(pdfmaker.build(*pdfmaker.report(3)[:1]))
    assert [n.title for n in doc.outline()] == ["Page 1", "Page 2", "Page 3"]


def test_cli_attach_sections_show_cite(tmp_path, report_pdf):
    lib = str(tmp_path / "lib")
    code, out, _ = run("attach", "--library", lib, "--record", "ncj-203234", str(report_pdf))
    assert code == 0 and out.startswith("attached\tncj-203234\t")
    _, out, _ = run("sections", "--library", lib)
    report_lines = out.split("report\tReport\n")[1].splitlines()
    _, outline = pdfmaker.report(12)
    titles = [m.title for c in outline for m in [c, *c.children]]
    assert [line.split("\t")[1].strip() for line in report_lines] == titles
    assert report_lines[4].startswith("report/2.1\t")
    code, out, _ = run("show", "report/2.1", "--library", lib)
    assert code == 0 and out.startswith("2.1 Section 2.1\n") and "[p. 5]" in out and "[p. 6]" not in out
    code, _, err = run("show", "report/9", "--library", lib)
    assert code == 2 and "unknown report part" in err
    code, out, _ = run("cite", "--in-text", "--locator", "4", "--style", "apa", "--library", lib)
    assert out.rstrip().endswith("p. 4)")


def test_cli_locator_any_style():
    code, out, _ = run("cite", "--in-text", "--locator", "12", "--label", "chapter", "--style", "chicago-author-date")
    assert code == 0 and "chap. 12" in out
    _, plain, _ = run("cite", "--in-text", "--style", "apa")
    assert plain.strip() == "(Trafficking in Human Beings, Especially Women and Children, 2003)"


def test_cli_attach_folder_and_refusals(tmp_path, report_pdf):
    lib = str(tmp_path / "lib")
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "203234.pdf").write_bytes(report_pdf.read_bytes())
    (folder / "1.pdf").write_bytes(b"x")
    code, out, _ = run("attach", "--library", lib, "--folder", str(folder))
    assert code == 0 and out.splitlines() == ["attached\tncj-203234\t203234.pdf", "unmatched\t1.pdf"]
    code, _, err = run("attach", "--library", lib, "--record", "ncj-203234", str(folder / "1.pdf"))
    assert code == 1 and err.count("\n") == 1 and "not a PDF" in err
    code, _, err = run("attach", "--library", lib, "--record", "nope", str(report_pdf))
    assert code == 2 and "unknown record" in err


def test_page_locator_is_one_page_or_a_range():
    assert reports.page_locator(4, 4) == "4"
    assert reports.page_locator(3, 4) == "3-4"
    assert reports.page_locator(9, 7) == "7-9"


def test_cli_locator_page_range():
    code, out, _ = run("cite", "--in-text", "--locator", reports.page_locator(3, 4), "--style", "apa")
    assert code == 0 and out.strip().endswith("2003, pp. 3\u20134)")
