"""Reading an attached report beyond one page: a selection dragged from one page into the next
(copied whole, cited "pp. 3–4"), copies that never read PDFium or run citeproc-js on the window's
thread, and dark page colours on request. The PDFs are built by tests/pdfmaker.py."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QGuiApplication, QImage

import pdfmaker
from viewer.core.library import Library
from viewer.ui.report_colours import INK, PAPER, dark_page

CTRL, ALT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.AltModifier


def _point(view, page: int, text: str, last: bool = False) -> QPoint:
    """The viewport position of the middle of ``text``'s first (or last) character on ``page`` (0-based)."""
    hit = view.document.find_on_page(page, text)[0]
    left, top, right, bottom = view.document.rects(page, hit.start + (hit.length - 1 if last else 0), 1)[0]
    rect, scale = view._page_rect(page), view._scale()
    return QPoint(round(rect.left() + (left + right) / 2 * scale), round(rect.top() + (top + bottom) / 2 * scale))


def _drag_from_page_3_into_page_4(window, qtbot):
    view = window.report_panel.view
    window.select_section("report/1")
    view.verticalScrollBar().setValue(int(view._tops[3] - view.viewport().height() / 2))
    start, end = _point(view, 2, "Page 3 line 39"), _point(view, 3, "Page 4 line 2", last=True)
    assert 0 < start.y() < end.y() < view.viewport().height()  # both in sight: a real drag, no scrolling
    qtbot.mousePress(view.viewport(), Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(view.viewport(), QPoint(start.x() + 40, start.y()))
    qtbot.mouseMove(view.viewport(), end)
    qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, pos=end)
    return view


def test_a_drag_held_below_the_view_keeps_scrolling_and_selecting(window_with_report, qtbot):
    """As in any reader: the mouse held still below the pages scrolls them on, the selection with them."""
    view = window_with_report.report_panel.view
    window_with_report.select_section("report/1")
    view.verticalScrollBar().setValue(int(view._tops[3] - view.viewport().height() / 2))
    start = _point(view, 2, "Page 3 line 39")
    assert 0 < start.y() < view.viewport().height()
    qtbot.mousePress(view.viewport(), Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(view.viewport(), QPoint(start.x(), view.viewport().height() + 20))  # once, then still
    top = view.verticalScrollBar().value()
    qtbot.waitUntil(lambda: view.verticalScrollBar().value() > top + 100)  # five ticks and more
    assert view.selection_range()[1][0] >= 3  # the selection went on into page 4
    qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, pos=start)
    assert not view._autoscroll.isActive()  # nothing moves after the release


def _copy(qtbot, view, modifiers) -> str:
    view.setFocus()
    with qtbot.waitSignal(QGuiApplication.clipboard().dataChanged, timeout=20000):
        qtbot.keyClick(view, Qt.Key.Key_C, modifiers)
    return QGuiApplication.clipboard().mimeData().text()


def test_a_drag_from_one_page_into_the_next_is_copied_whole(window_with_report, qtbot):
    view = _drag_from_page_3_into_page_4(window_with_report, qtbot)
    assert view.selection_range()[0][0] == 2 and view.selection_range()[1][0] == 3
    assert window_with_report.menu_actions.copy.isEnabled()
    text = _copy(qtbot, view, CTRL)
    assert text.startswith("Page 3 line 39: the report studies victims")
    assert "Page 3 line 40" in text and text.endswith("Page 4 line 2")  # up to the character under the mouse
    assert "\n" not in text


def test_a_passage_over_two_pages_is_cited_with_a_page_range(window_with_report, qtbot):
    view = _drag_from_page_3_into_page_4(window_with_report, qtbot)
    text = _copy(qtbot, view, CTRL | ALT)
    assert text.startswith("\u201cPage 3 line 39:")
    assert "(Trafficking in Human Beings, Especially Women and Children, 2003, pp. 3\u20134)" in text
    assert "pp. 3\u20134)" in QGuiApplication.clipboard().mimeData().html()
    assert "pages 3\u20134" in window_with_report.statusBar().currentMessage()


def test_copies_read_the_text_and_make_the_citation_off_the_windows_thread(window_with_report, qtbot, monkeypatch):
    """The window's thread never calls PDFium for the passage, nor citeproc-js for its citation."""
    from viewer.citeproc.engine import CslEngine
    from viewer.services.report_engine import ReportDocument

    threads: dict[str, list[int]] = {"pdfium": [], "citeproc": []}

    def spy(cls, name, kind):
        original = getattr(cls, name)

        def wrapper(*args, **kwargs):
            threads[kind].append(threading.get_ident())
            return original(*args, **kwargs)
        monkeypatch.setattr(cls, name, wrapper)

    spy(ReportDocument, "text_between", "pdfium")
    spy(ReportDocument, "page_text", "pdfium")
    spy(CslEngine, "render", "citeproc")
    window = window_with_report
    window.select_section("report/2")
    view = window.report_panel.view
    hit = view.document.find_on_page(3, "trafficking in human beings")[0]
    view.select(3, hit.start, hit.start + hit.length - 1)
    text = _copy(qtbot, view, CTRL | ALT)
    assert text.startswith("\u201ctrafficking in human beings\u201d (Trafficking") and "p. 4)" in text
    gui = threading.get_ident()
    assert threads["pdfium"] and threads["citeproc"]
    assert gui not in threads["pdfium"] and gui not in threads["citeproc"]
    assert _copy(qtbot, view, CTRL) == "trafficking in human beings"
    assert gui not in threads["pdfium"]


def test_a_copy_for_a_closed_report_is_dropped(window_with_report, qtbot):
    window = window_with_report
    window.select_section("report/2")
    view = window.report_panel.view
    view.select(3, 0, 10)
    QGuiApplication.clipboard().setText("before")
    window.menu_actions.copy.trigger()
    window.reports.close_document()  # the worker's answer about the closed document is not copied
    thread = window.reports.worker.worker_thread
    qtbot.waitUntil(lambda: not window.reports._reading)
    assert thread is not None and QGuiApplication.clipboard().text() == "before"


# --- dark pages ---

def _near(name: str, colour: QColor) -> bool:
    found = QColor(name)
    return all(abs(a - b) <= 1 for a, b in zip(found.getRgb()[:3], colour.getRgb()[:3]))


def _corner(view) -> str:
    return view._image(0).pixelColor(2, 2).name()


def test_dark_pages_on_request_and_remembered(window_with_report, make_window, settings_file, tmp_path):
    window = window_with_report
    window.set_appearance("light")
    window.select_section("report/1")
    view, action = window.report_panel.view, window.menu_actions.dark_pages
    assert not action.isChecked() and _corner(view) == "#ffffff"
    action.trigger()
    assert action.isChecked() and view.dark and _near(_corner(view), PAPER)
    window.close()
    again = make_window(settings_path=settings_file, library=Library.open(tmp_path / "lib"))
    again.set_appearance("light")  # the user's choice holds whatever the window's palette
    assert again.menu_actions.dark_pages.isChecked() and again.report_panel.view.dark


def test_dark_pages_follow_the_window_until_the_user_chooses(window_with_report, qtbot):
    window = window_with_report
    view, action = window.report_panel.view, window.menu_actions.dark_pages
    window.set_appearance("dark")
    qtbot.waitUntil(lambda: view.dark and action.isChecked())
    window.set_appearance("light")
    qtbot.waitUntil(lambda: not view.dark and not action.isChecked())
    window.set_appearance("dark")
    qtbot.waitUntil(lambda: view.dark)
    action.trigger()  # the user turns them off: a dark window keeps light pages now
    with qtbot.waitSignal(view.palette_changed):
        window.set_appearance("light")
    with qtbot.waitSignal(view.palette_changed):
        window.set_appearance("dark")
    assert not view.dark and not action.isChecked()


def test_dark_page_colours_turn_lightness_over_and_keep_hue(qapp):
    image = QImage(4, 1, QImage.Format.Format_RGBX8888)
    for x, colour in enumerate(("#ffffff", "#000000", "#1f3a93", "#7f7f7f")):
        image.setPixelColor(x, 0, QColor(colour))
    dark = dark_page(image)
    paper, ink, blue, grey = (dark.pixelColor(x, 0) for x in range(4))
    assert _near(paper.name(), PAPER) and abs(ink.lightness() - INK.lightness()) <= 2
    source = QColor("#1f3a93")
    assert blue.lightness() > 140 > source.lightness()  # a dark blue turns light...
    assert abs(blue.hslHue() - source.hslHue()) <= 4 and blue.blue() > blue.red()  # ...and stays blue
    assert abs(grey.lightness() - (PAPER.lightness() + INK.lightness()) / 2) <= 4


def test_a_page_in_greys_only_is_inverted_between_paper_and_ink(qapp):
    image = QImage(3, 1, QImage.Format.Format_RGBX8888)
    for x, colour in enumerate(("#ffffff", "#000000", "#404040")):
        image.setPixelColor(x, 0, QColor(colour))
    paper, ink, grey = (dark_page(image).pixelColor(x, 0) for x in range(3))
    assert _near(paper.name(), PAPER) and abs(ink.lightness() - INK.lightness()) <= 2
    expected = PAPER.lightness() + (INK.lightness() - PAPER.lightness()) * (255 - 0x40) / 255
    assert abs(grey.lightness() - expected) <= 3
