"""Find in an attached report runs on the report worker: the window's thread never reads PDFium to
search, each page's text is read once, a newer query supersedes an older one (whose matches are never
shown), and Enter pressed while searching is taken when the matches are in. The PDFs are built by
tests/pdfmaker.py."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import Qt


TEXT_METHODS = ("find_on_page", "page_text", "char_count", "text_between", "text_range")


@pytest.fixture
def window_with_report(window_with_report):
    """The shared window (tests/conftest.py) on the report's first page, its find bar open."""
    window = window_with_report
    window.select_section("report/1")
    window.find_bar.activate()
    return window


def _spy(monkeypatch, names=TEXT_METHODS) -> list[tuple[str, int]]:
    """Records (method, thread id) for each call of the engine's text methods."""
    from viewer.services.report_engine import ReportDocument

    calls: list[tuple[str, int]] = []
    for name in names:
        original = getattr(ReportDocument, name)

        def wrapper(*args, _original=original, _name=name, **kwargs):
            calls.append((_name, threading.get_ident()))
            return _original(*args, **kwargs)
        monkeypatch.setattr(ReportDocument, name, wrapper)
    return calls


def test_find_reads_the_text_off_the_windows_thread(window_with_report, qtbot, monkeypatch):
    window = window_with_report
    bar, view = window.find_bar, window.report_panel.view
    calls = _spy(monkeypatch)
    bar.line_edit.setText("trafficking")
    assert bar.count_label.text() == "Searching\u2026"  # the answer is a queued signal: not in yet
    qtbot.waitUntil(lambda: bar.count_label.text() == f"1 of {12 * 6}")
    assert calls and threading.get_ident() not in {thread for _, thread in calls}
    assert len(view._hits) == 12 * 6 and view._current_hit == 0
    first = view._hits[0]
    assert first.page == 0 and view.document.text_between(0, first.start, first.start + first.length) == "trafficking"


def test_each_page_text_is_read_once(window_with_report, qtbot, monkeypatch):
    window = window_with_report
    bar = window.find_bar
    calls = _spy(monkeypatch, ("page_text",))
    bar.line_edit.setText("trafficking")
    qtbot.waitUntil(lambda: bar.match_count() == 12 * 6)
    bar.line_edit.setText("Page 4 line 2")  # Page 4 line 2, 20-29
    qtbot.waitUntil(lambda: bar.match_count() == 11)
    assert len(calls) == 12  # one read a page, for both searches


def test_a_newer_query_supersedes_an_older_one(window_with_report, qtbot, monkeypatch):
    from viewer.services.report_engine import PDFIUM_LOCK

    window = window_with_report
    bar, view, worker = window.find_bar, window.report_panel.view, window.reports.worker
    answered: list[int] = []
    worker.found.connect(lambda generation, _hits: answered.append(generation))
    shown: list[list] = []
    set_hits = view.set_hits
    monkeypatch.setattr(view, "set_hits", lambda hits, current: (shown.append(list(hits)), set_hits(hits, current)))
    reading = threading.Event()
    original = type(view.document).page_text

    def page_text(doc, page):
        reading.set()  # the worker is inside the first search: it waits for the lock below
        return original(doc, page)
    monkeypatch.setattr(type(view.document), "page_text", page_text)
    with PDFIUM_LOCK:
        bar.line_edit.setText("Page 3")
        qtbot.waitUntil(reading.is_set)
        bar.line_edit.setText("Page 3 line 39")  # typed on: "Page 3" is superseded mid-search
        assert bar.count_label.text() == "Searching\u2026"
        last = window.report_panel.find_target._generation
    qtbot.waitUntil(lambda: bar.count_label.text() == "1 of 1")
    assert answered == [last]  # the older search stopped at its next page, without answering
    assert [len(hits) for hits in shown if hits] == [1] and shown[-1][0].page == 2


def test_enter_while_searching_is_taken_when_the_matches_are_in(window_with_report, qtbot):
    from viewer.services.report_engine import PDFIUM_LOCK

    window = window_with_report
    bar = window.find_bar
    with PDFIUM_LOCK:
        bar.line_edit.setText("trafficking")
        qtbot.keyClick(bar.line_edit, Qt.Key.Key_Return)
        qtbot.keyClick(bar.line_edit, Qt.Key.Key_Return)
        assert bar.count_label.text() == "Searching\u2026"
    qtbot.waitUntil(lambda: bar.count_label.text() == f"3 of {12 * 6}")
    assert window.report_panel.view._current_hit == 2
