"""Print and PDF: the PDF's text (read back with poppler's pdftotext) is the text the pane shows."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from viewer.citeproc import citation
from viewer.core.resources import bundled_record
from viewer.ui import printing
from viewer.ui.detail_pane import DetailPane

ROOT = Path(__file__).resolve().parents[2]
SECTIONS = ["details", "annotation", "empowerment", "cooperation-national"]


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is needed to read PDFs back: apt-get install poppler-utils")
    return path


def pdf_text(path: Path) -> str:
    """The PDF's text, page by page, without the page numbers QTextDocument prints at the foot."""
    out = subprocess.run([_tool("pdftotext"), "-layout", "-enc", "UTF-8", str(path), "-"],
                         capture_output=True, text=True, check=True).stdout
    pages = []
    for page in out.split("\f"):
        lines = page.rstrip().splitlines()
        if lines and lines[-1].strip().isdigit():
            lines.pop()
        pages.append("\n".join(lines))
    return "\n".join(pages)


def pdf_info(path: Path) -> dict[str, str]:
    out = subprocess.run([_tool("pdfinfo"), str(path)], capture_output=True, text=True, check=True).stdout
    return dict(line.split(":", 1) for line in out.splitlines() if ":" in line)


def squeeze(text: str) -> str:
    """Whitespace-normalised to nothing: lines wrap differently on paper (a URL breaks at '?')."""
    return re.sub(r"\s+", "", text)


@pytest.fixture
def pane(qtbot):
    widget = DetailPane()
    qtbot.addWidget(widget)
    return widget


def pane_text(pane: DetailPane, section_id: str) -> str:
    record = bundled_record()
    pane.show_section(record, record.section(section_id))
    return pane.toPlainText()


def source_line(record) -> str:
    """The footer's source: the site and agency the page names, and its address when it gave one."""
    p = record.provenance
    return f"Source: {p.library}, {p.agency}" + (f". {p.url}" if p.url else "")


@pytest.mark.parametrize("section_id", SECTIONS)
def test_a_sections_pdf_holds_the_panes_text_then_the_citation(tmp_path, pane, section_id):
    record = bundled_record()
    path = printing.write_pdf(record, tmp_path / "out.pdf", section_id=section_id)
    assert path.read_bytes().startswith(b"%PDF-")
    text = squeeze(pdf_text(path))
    shown = squeeze(pane_text(pane, section_id))
    assert len(shown) > 60
    assert text.startswith(shown)  # the same text, in the same order, and first
    end = squeeze(f"Cite as: {citation.render(record, citation.DEFAULT_STYLE).text}{source_line(record)}")
    assert text == shown + end


def test_the_whole_record_in_tree_order_each_with_its_heading(tmp_path, pane):
    record = bundled_record()
    path = printing.write_pdf(record, tmp_path / "whole.pdf")
    text = squeeze(pdf_text(path))
    assert text.startswith(squeeze(record.title + f"NCJ {record.ncj_number}"))
    position = 0
    for _depth, section in record.walk():
        shown = pane_text(pane, section.id)
        record_line, heading_and_body = shown.split("\n", 1)
        assert "NCJ" in record_line and heading_and_body.startswith(section.heading)
        found = text.find(squeeze(heading_and_body), position)
        assert found >= position, section.id
        position = found + len(squeeze(heading_and_body))
    assert text[position:] == squeeze(f"Cite as: {citation.render(record, citation.DEFAULT_STYLE).text}"
                                      f"{source_line(record)}")
    assert text.count(squeeze(f"\u00b7 NCJ {record.ncj_number}")) == 0  # the title is said once, on top
    assert int(pdf_info(path)["Pages"]) >= 3


def test_pdf_text_is_real_unligated_text(tmp_path):
    record = bundled_record()
    path = printing.write_pdf(record, tmp_path / "out.pdf")
    text = pdf_text(path)
    assert "trafficking in human beings" in re.sub(r"\s+", " ", text)
    assert not re.search("[\ufb00-\ufb06]", text)  # no "ﬃ": copied and searched text stays the record's


def test_title_metadata_and_page_sizes(tmp_path):
    record = bundled_record()
    letter = printing.write_pdf(record, tmp_path / "letter.pdf", section_id="annotation")
    a4 = printing.write_pdf(record, tmp_path / "a4.pdf", section_id="annotation", page_size="A4")
    info = pdf_info(letter)
    assert info["Title"].strip() == record.title
    assert info["Page size"].split("(")[0].split() == ["612", "x", "792", "pts"]  # US Letter by default
    assert pdf_info(a4)["Page size"].split()[:3] == ["595", "x", "842"]  # A4
    with pytest.raises(ValueError, match="page size"):
        printing.write_pdf(record, tmp_path / "x.pdf", page_size="tabloid")


def test_another_citation_style(tmp_path):
    record = bundled_record()
    path = printing.write_pdf(record, tmp_path / "ieee.pdf", section_id="annotation", style_id="ieee")
    ieee = citation.render(record, "ieee").text
    assert ieee.startswith("[1]")
    assert squeeze(pdf_text(path)).find(squeeze("Cite as: " + ieee)) > 0


def test_the_document_is_the_panes_html(pane):
    record = bundled_record()
    document = printing.record_document(record, "empowerment")
    plain = document.toPlainText()
    assert plain.startswith(pane_text(pane, "empowerment"))
    assert "Cite as: " in plain and "Source: NCJRS Virtual Library, Department of Justice" in plain
    html = document.toHtml()
    assert "font-weight:" in html and "background-color:#fff0a8" in html  # the emphasised phrase


def test_failures_leave_no_file(tmp_path):
    record = bundled_record()
    with pytest.raises(ValueError, match="unknown section 'nope'"):
        printing.write_pdf(record, tmp_path / "out.pdf", section_id="nope")
    with pytest.raises(printing.PdfError, match="cannot write"):
        printing.write_pdf(record, tmp_path / "missing" / "out.pdf")
    assert list(tmp_path.iterdir()) == []
    # An existing file is replaced only by a complete PDF.
    target = tmp_path / "keep.pdf"
    target.write_bytes(b"old")
    with pytest.raises(ValueError):
        printing.write_pdf(record, target, section_id="nope")
    assert target.read_bytes() == b"old"
    printing.write_pdf(record, target, section_id="annotation")
    assert target.read_bytes().startswith(b"%PDF-")
    assert [p.name for p in tmp_path.iterdir()] == ["keep.pdf"]


def test_suggested_file_names():
    record = bundled_record()
    assert printing.suggested_file_name(record) == "NCJ-203234.pdf"
    assert printing.suggested_file_name(record, "child-law-reform") == "NCJ-203234-child-law-reform.pdf"


def test_print_dialog_accepted_prints_cancelled_does_not(tmp_path, qtbot, monkeypatch):
    from PySide6.QtGui import QPageSize
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter
    from PySide6.QtWidgets import QWidget

    parent = QWidget()
    qtbot.addWidget(parent)
    target = tmp_path / "printed.pdf"
    shown = []

    def accept(dialog):  # the user picks "Print to File (PDF)" and presses Print
        printer = dialog.printer()
        shown.append((dialog.parent(), printer.pageLayout().pageSize().id(), printer.docName()))
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(target))
        return QPrintDialog.DialogCode.Accepted

    monkeypatch.setattr(QPrintDialog, "exec", accept)
    record = bundled_record()
    assert printing.print_document(parent, record, "annotation") is True
    assert shown == [(parent, QPageSize.PageSizeId.Letter, record.title)]
    text = squeeze(pdf_text(target))
    assert text.startswith(squeeze(record.title)) and squeeze(record.annotation) in text
    assert pdf_info(target)["Title"].strip() == record.title

    target.unlink()
    monkeypatch.setattr(QPrintDialog, "exec", lambda dialog: QPrintDialog.DialogCode.Rejected)
    assert printing.print_document(parent, record, None) is False
    assert not target.exists()


def test_pdf_command_needs_no_display(tmp_path):
    """``ncjrs-viewer pdf`` in a process with no display and a platform that would need one."""
    out = tmp_path / "cli.pdf"
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env["QT_QPA_PLATFORM"] = "xcb"  # would fail without a display: the command must not use it
    code = ("import sys; from viewer.ui.printing import pdf_command; from viewer.core.resources import bundled_record; "
            "pdf_command(bundled_record(), sys.argv[1], section_id='lessons')")
    result = subprocess.run([sys.executable, "-c", code, str(out)], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert out.read_bytes().startswith(b"%PDF-")
    record = bundled_record()
    assert squeeze(record.section("lessons").plain_text) in squeeze(pdf_text(out))
