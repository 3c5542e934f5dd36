"""Issue 16 in the window: record data as plain text, a search that fails ends its reset, Delete
and Undo that say what did not happen instead of recording it."""

from __future__ import annotations

import sqlite3

import pytest
from PySide6.QtCore import Qt

from viewer.core.library import Library, LibraryError
from viewer.core.record import Record
from viewer.ui import library_controller
from viewer.ui.library_model import LibraryModel
from viewer.ui.outline_model import OutlineModel

TITLE = '<img src="/dev/zero"> Report'


@pytest.fixture
def library(tmp_path):
    lib = Library.open(tmp_path / "library")
    lib.add_records([Record(id="ref-a", ncj_number="", title=TITLE, abstract="About courts."),
                     Record(id="ref-b", ncj_number="", title="Other report", abstract="About courts.")])
    yield lib
    lib.close()


def test_tooltips_show_record_markup_as_text(library, qapp):
    from PySide6.QtGui import QTextDocument
    model = LibraryModel(library)
    model.fetchMore()
    row = next(r for r in range(model.rowCount()) if model.index(r, 0).data() == TITLE)
    tip = model.index(row, 0).data(Qt.ItemDataRole.ToolTipRole)
    shown = QTextDocument()
    shown.setHtml(tip)
    assert shown.toPlainText() == TITLE and "<img" not in tip
    outline = OutlineModel(library.get("ref-a"))
    first = outline.index(0, 0)
    assert "<img" not in first.data(Qt.ItemDataRole.ToolTipRole)


def test_a_failing_search_ends_the_reset_and_is_said(library, qapp, qtbot, monkeypatch):
    model = LibraryModel(library)
    monkeypatch.setattr(library, "search", lambda *a, **k: (_ for _ in ()).throw(
        LibraryError(library.path, "the library file is damaged (malformed)")))
    with qtbot.waitSignal(model.modelReset):
        model.set_query("courts")
    assert model.rowCount() == 0 and "damaged" in model.error and not model.canFetchMore()
    model.set_query("")  # and the model still works afterwards
    assert model.error == ""


def _hold_write_lock(library: Library) -> sqlite3.Connection:
    holder = sqlite3.connect(library.path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    return holder


def test_delete_while_another_copy_writes_records_nothing(make_window, library, monkeypatch):
    told = []
    monkeypatch.setattr(library_controller, "warn", lambda _parent, _title, text: told.append(text))
    window = make_window(library=library)
    window.library_panel.select_record("ref-b")
    holder = _hold_write_lock(library)
    try:
        window.library_control.remove_selected()
    finally:
        holder.close()
    assert window.library_control.undo_stack.count() == 0 and "ref-b" in library
    assert told and "try again" in told[0]


def test_undo_of_records_gone_for_good_says_so(make_window, library, monkeypatch):
    told = []
    monkeypatch.setattr(library_controller, "warn", lambda _p, _t, text: told.append(text))
    window = make_window(library=library)
    window.library_panel.select_record("ref-b")
    window.library_control.remove_selected()
    stack = window.library_control.undo_stack
    assert stack.count() == 1
    conn = sqlite3.connect(library.path)
    conn.execute("DELETE FROM records WHERE id = 'ref-b'")  # as a purge by another copy would
    conn.commit()
    conn.close()
    messages = []
    window.statusBar().messageChanged.connect(messages.append)
    stack.undo()
    assert any("cannot be brought back" in m for m in messages)
    assert stack.count() == 0  # nothing left to promise
