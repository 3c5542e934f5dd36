"""An attached report in the window: the Report branch from the PDF's bookmarks, a page shown for a
node and the node for the page scrolled to, find with highlights ("n of N"), Ctrl+Alt+C quoting a
passage with its page, attach and detach with Undo. The PDFs are built by tests/pdfmaker.py."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLineEdit

import pdfmaker
from viewer.core import reports
from viewer.core.library import Library
from viewer.ui.outline_model import SectionIdRole


@pytest.fixture
def report_file(tmp_path):
    pages, outline = pdfmaker.report(12)
    path = tmp_path / "report.pdf"
    path.write_bytes(pdfmaker.build(pages, outline))
    return path


def _branch_ids(window) -> list[str]:
    model = window.outline.model
    root = model.index_of("report")
    found = []

    def walk(parent):
        for row in range(model.rowCount(parent)):
            index = model.index(row, 0, parent)
            found.append(index.data(SectionIdRole))
            walk(index)
    walk(root)
    return found


def test_no_engine_at_start_up_without_a_report(make_window, tmp_path):
    sys.modules.pop("viewer.services.report_engine", None)
    sys.modules.pop("pypdfium2", None)
    window = make_window(library=Library.open(tmp_path / "lib"))
    assert not window.outline.model.index_of("report").isValid()
    assert "pypdfium2" not in sys.modules and "viewer.services.report_engine" not in sys.modules
    assert not window.menu_actions.detach_report.isEnabled()


def test_an_engine_that_cannot_be_loaded_is_said_not_crashed_on(make_window, tmp_path, report_file, monkeypatch):
    """The one-file build unpacks PDFium on its first import; a full temporary folder makes that
    import fail. Attaching then warns in one message, and opening a record's report says so."""
    library = Library.open(tmp_path / "lib")
    window = make_window(library=library)
    assert window.reports.attach(str(report_file))
    warned = []
    monkeypatch.setattr(window.reports, "_warn", warned.append)
    monkeypatch.setitem(sys.modules, "viewer.services.report_engine", None)  # importing it raises ImportError
    assert not window.reports.attach(str(report_file))
    assert len(warned) == 1 and "PDF engine cannot be loaded" in warned[0]
    window.reports.reload()
    assert "The report cannot be read" in window.statusBar().currentMessage()
    assert not window.outline.model.index_of("report").isValid()


def test_report_branch_follows_bookmarks(window_with_report, qtmodeltester):
    window = window_with_report
    assert window.outline.model.index_of("details").isValid()  # the abstract's outline stays beside it
    assert _branch_ids(window) == ["report/1", "report/1.1", "report/1.2", "report/2", "report/2.1", "report/2.2",
                                   "report/3", "report/3.1", "report/3.2"]
    assert window.outline.model.index_of("report/2.1").data() == "2.1 Section 2.1"
    qtmodeltester.check(window.outline.model)


def test_selecting_a_node_shows_its_page_and_scrolling_moves_the_tree(window_with_report, qtbot):
    window = window_with_report
    view = window.report_panel.view
    window.tree.setFocus()
    assert window.select_section("report/2")
    assert window.detail_stack.currentWidget() is window.report_panel
    assert view.current_page() == 3
    view.go_to_page(5)  # scrolling down to the page 2.2 starts on
    assert window.current_section_id() == "report/2.2"
    assert window.select_section("abstract")
    assert window.detail_stack.currentWidget() is window.pane


def test_page_rendered_at_the_zoom_level(window_with_report):
    view = window_with_report.report_panel.view
    window_with_report.select_section("report/1")
    small = view._image(0).size()
    window_with_report.pane.set_zoom(200)
    assert view.zoom == 200
    large = view._image(0).size()
    assert large.width() == pytest.approx(small.width() * 2, abs=2)


def test_find_highlights_and_counts(window_with_report, qtbot):
    window = window_with_report
    window.select_section("report/1")
    window.report_panel.view.setFocus()
    qtbot.keyClick(window.report_panel.view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    bar = window.find_bar  # the window's one find bar, aimed at the report
    assert bar.isVisible() and bar.target is window.report_panel.find_target
    assert bar.line_edit.placeholderText() == "Find in report"
    qtbot.keyClicks(bar.line_edit, "trafficking")
    qtbot.waitUntil(lambda: bar.match_count() == 12 * 6)  # six lines a page say it (found by the worker)
    assert bar.count_label.text() == f"1 of {12 * 6}"
    qtbot.keyClick(bar.line_edit, Qt.Key.Key_Return)
    assert bar.count_label.text() == f"2 of {12 * 6}"
    assert window.report_panel.view._hits and window.report_panel.view._current_hit == 1
    qtbot.keyClick(bar.line_edit, Qt.Key.Key_F3, Qt.KeyboardModifier.ShiftModifier)
    assert bar.count_label.text() == f"1 of {12 * 6}"
    qtbot.keyClick(bar.line_edit, Qt.Key.Key_Escape)
    assert not bar.isVisible() and window.report_panel.view._hits == []
    assert not window.report_panel.findChildren(QLineEdit)  # no second find bar in the panel


def test_the_find_bar_follows_the_detail_area(window_with_report, qtbot):
    window = window_with_report
    window.select_section("report/1")
    bar = window.find_bar
    bar.activate()
    qtbot.keyClicks(bar.line_edit, "trafficking")
    qtbot.waitUntil(lambda: bar.match_count() == 12 * 6)
    window.select_section("abstract")  # the same bar, the same text: now the section's
    assert bar.target.widget is window.pane and bar.isVisible()
    qtbot.waitUntil(lambda: bar.match_count() == window.pane.toPlainText().lower().count("trafficking"))
    assert window.report_panel.view._hits == []  # the report's highlights went with it
    window.select_section("report/1")
    qtbot.waitUntil(lambda: bar.match_count() == 12 * 6)
    assert window.report_panel.view._hits


def test_quote_a_passage_with_its_page(window_with_report, qtbot):
    window = window_with_report
    window.select_section("report/2")  # page 4
    view = window.report_panel.view
    doc = view.document
    hit = doc.find_on_page(3, "trafficking in human beings")[0]
    view.select(3, hit.start, hit.start + hit.length - 1)
    assert window.menu_actions.copy_quotation.isEnabled()
    view.setFocus()
    with qtbot.waitSignal(QGuiApplication.clipboard().dataChanged, timeout=20000):
        qtbot.keyClick(view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier)
    text = QGuiApplication.clipboard().mimeData().text()
    html = QGuiApplication.clipboard().mimeData().html()
    assert text.startswith("\u201ctrafficking in human beings\u201d (Trafficking in Human Beings, Especially "
                           "Women and Children, 2003, p. 4)")
    assert "p. 4)" in html
    assert text.split("\n\n")[1].startswith("Trafficking in human beings, especially women and children. (2003).")


def test_detach_and_undo(window_with_report, tmp_path):
    window = window_with_report
    path = reports.report_path(tmp_path / "lib", window.record.id)
    assert path.is_file()
    window.menu_actions.detach_report.trigger()
    assert not path.exists() and not window.outline.model.index_of("report").isValid()
    window.menu_actions.undo.trigger()
    assert path.is_file() and window.outline.model.index_of("report/1").isValid()


def test_a_bad_pdf_is_refused_in_one_line(make_window, tmp_path, monkeypatch):
    window = make_window(library=Library.open(tmp_path / "lib"))
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(pdfmaker.build(*pdfmaker.report(3), password="secret"))
    warnings = []
    monkeypatch.setattr("PySide6.QtWidgets.QMessageBox.warning", lambda *a: warnings.append(a[2]))
    assert not window.reports.attach(str(bad))
    assert warnings and "needs a password" in warnings[0] and "\n" not in warnings[0]
    assert not (tmp_path / "lib" / "reports").exists() or not list((tmp_path / "lib" / "reports").iterdir())
