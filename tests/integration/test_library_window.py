"""The library in the window: lazy list, search as you type, import, drag and drop, remove and undo."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent, QKeySequence
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from viewer.core.library import Library
from viewer.core.record import Record
from viewer.ui.library_model import PAGE, HtmlRole, LibraryModel, RecordIdRole

DATA = Path(__file__).resolve().parents[1] / "data"
CTRL = Qt.KeyboardModifier.ControlModifier


def make_records(n: int) -> list[Record]:
    return [Record(id=f"ref-{i:05d}", ncj_number="", title=f"Report {i:05d} on juvenile courts",
                   abstract=f"Abstract number {i} about probation and parole.", authors=("Doe, Jane",))
            for i in range(n)]


@pytest.fixture
def library(tmp_path):
    lib = Library.open(tmp_path / "library")
    yield lib
    lib.close()


def test_library_model_is_lazy_and_passes_qtmodeltester(qtmodeltester, library):
    library.add_records(make_records(PAGE + 200))
    model = LibraryModel(library)
    assert model.rowCount() == 0 and model.canFetchMore()
    model.fetchMore()
    assert model.rowCount() == PAGE and model.canFetchMore()
    assert model.index(0, 0).data(RecordIdRole) == "ncj-203234"  # the bundled record comes first
    qtmodeltester.check(model)
    model.set_query("juvenile 00042")
    assert model.index(0, 0).data(RecordIdRole) == "ref-00042"
    assert "<b>" in model.index(0, 0).data(HtmlRole)
    assert not model.canFetchMore()


def test_choosing_a_record_opens_its_sections(make_window, qtbot, library):
    library.add_records(make_records(3))
    window = make_window(library=library)
    window.library_panel.list.setFocus()
    qtbot.keyClick(window.library_panel.list, Qt.Key.Key_Down)
    assert window.record.id == "ref-00000"
    assert "Report 00000 on juvenile courts" in window.windowTitle()
    assert [window.model.index(r, 0).data() for r in range(window.model.rowCount())] == ["Record details", "Abstract"]
    assert "Doe, Jane" in window.pane.toPlainText()
    assert not window.outline.note.isVisible()  # no derived outline for this record
    qtbot.keyClick(window.library_panel.list, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert window.record.id == "ncj-203234"  # history crosses records


def test_search_as_you_type_highlights_words(make_window, qtbot, library):
    library.add_records(make_records(30))
    window = make_window(library=library)
    qtbot.keyClick(window.tree, Qt.Key.Key_K, CTRL)
    assert QApplication.focusWidget() is window.library_panel.search_edit
    qtbot.keyClicks(window.library_panel.search_edit, "traffick")
    model = window.library_model
    assert model.rowCount() == 1 and model.index(0, 0).data(RecordIdRole) == "ncj-203234"
    assert "<b>Trafficking</b>" in model.index(0, 0).data(HtmlRole)
    assert window.library_panel.count_label.text() == "1 record matches"
    qtbot.keyClick(window.library_panel.search_edit, Qt.Key.Key_A, CTRL)
    qtbot.keyClicks(window.library_panel.search_edit, "probation 00007")
    assert model.index(0, 0).data(RecordIdRole) == "ref-00007"
    window.library_panel.list.setFocus()
    qtbot.keyClick(window.library_panel.list, Qt.Key.Key_Home)
    window.select_section("abstract")
    marked = {sel.cursor.selectedText().lower() for sel in window.pane.extraSelections()}
    assert "probation" in marked


def answer_with(monkeypatch, button_text: str) -> list[QMessageBox]:
    """The import question answered by clicking its button named ``button_text``; the boxes asked."""
    asked: list[QMessageBox] = []

    def click(box: QMessageBox) -> int:
        asked.append(box)
        (button,) = [b for b in box.buttons() if b.text() == button_text]
        button.click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", click)
    return asked


def test_import_with_bad_entries_asks_then_imports_the_good_ones(make_window, qtbot, library, monkeypatch):
    window = make_window(library=library)
    asked = answer_with(monkeypatch, "Import Good Entries")
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: ([str(DATA / "sample.ris")], ""))
    with qtbot.waitSignal(window.library_control.imports.finished, timeout=30000) as done:
        qtbot.keyClick(window.tree, Qt.Key.Key_I, CTRL | Qt.KeyboardModifier.ShiftModifier)
    (box,) = asked
    assert re.fullmatch(r"[1-9]\d* entries cannot be imported; [1-9]\d* can\.", box.text())
    assert "sample.ris at line 29: no title" in box.detailedText()
    added = done.args[0]
    assert added and window.record.id == added[0]
    qtbot.waitUntil(lambda: window.library_model.total() == 1 + len(added))  # counted in the worker
    # Kept for the next launch.
    with Library.open(library.path.parent) as again:
        assert again.count() == 1 + len(added)


def test_import_none_leaves_the_library_unchanged(make_window, qtbot, library, monkeypatch):
    window = make_window(library=library)
    answer_with(monkeypatch, "Import None from Those Files")
    with qtbot.waitSignal(window.library_control.imports.finished, timeout=30000) as done:
        window.library_control.imports.start([str(DATA / "sample.bib")])
    assert done.args[0] == [] and library.count() == 1


def test_drop_a_record_file_opens_it(make_window, qtbot, library, tmp_path):
    data = json.loads((Path(__file__).resolve().parents[2] / "resources/records/ncj-203234.json").read_text())
    data.update(id="ncj-5", ncj_number="5", title="A Dropped Record", outline=[])
    path = tmp_path / "dropped.json"
    path.write_text(json.dumps(data))
    window = make_window(library=library)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    drop = QDropEvent(QPointF(50, 50), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    with qtbot.waitSignal(window.library_control.imports.finished, timeout=30000):
        window.dropEvent(drop)
    assert window.record.title == "A Dropped Record"


def test_remove_and_undo_but_never_the_bundled_record(make_window, qtbot, library):
    library.add_records(make_records(2))
    window = make_window(library=library)
    assert not window.menu_actions.remove.isEnabled()  # the bundled record is selected
    assert window.menu_actions.remove.shortcut() == QKeySequence(QKeySequence.StandardKey.Delete)
    window.library_panel.list.setFocus()
    qtbot.keyClick(window.library_panel.list, Qt.Key.Key_Down)
    qtbot.keyClick(window.library_panel.list, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
    assert window.library_panel.selected_record_ids() == ["ref-00000", "ref-00001"]
    qtbot.keyClick(window.library_panel.list, Qt.Key.Key_Delete)
    assert library.count() == 1 and window.record.id == "ncj-203234"
    qtbot.keyClick(window.library_panel.list, Qt.Key.Key_Z, CTRL)
    assert library.count() == 3
    qtbot.waitUntil(lambda: window.library_model.total() == 3)  # counted in the worker
    window.library_panel.select_record("ncj-203234")
    window.menu_actions.remove.trigger()
    assert library.count() == 3


def test_copy_one_bibliography_of_several_records(make_window, qtbot, library):
    from PySide6.QtGui import QGuiApplication
    records = [Record(id="ref-b", ncj_number="", title="Beta report on courts", authors=("Zeller, Ann",),
                      issued_year=2001),
               Record(id="ref-a", ncj_number="", title="Alpha report on courts", authors=("Adams, Bo",),
                      issued_year=2002)]
    library.add_records(records)
    window = make_window(library=library)
    window.library_panel.search_edit.setText("report courts")
    window.library_panel.list.selectAll()
    assert sorted(window.library_panel.selected_record_ids()) == ["ref-a", "ref-b"]
    with qtbot.waitSignal(window.citations.bibliography_ready, timeout=120000):
        qtbot.keyClick(window.library_panel.list, Qt.Key.Key_C, CTRL | Qt.KeyboardModifier.ShiftModifier)
    text = QGuiApplication.clipboard().mimeData().text()
    assert text.index("Adams") < text.index("Zeller")  # APA orders by author
    assert window.statusBar().currentMessage() == "Copied the bibliography of 2 records (APA 7th edition)."


def test_pdf_of_a_library_record_uses_the_workers_citation(make_window, qtbot, library, tmp_path, monkeypatch):
    """The PDF's "Cite as" comes from the worker thread; nothing renders in the window's thread."""
    import subprocess

    from PySide6.QtWidgets import QFileDialog

    from viewer.citeproc import citation
    library.add_records(make_records(1))
    window = make_window(library=library)
    window.library_panel.select_record("ref-00000")
    target = tmp_path / "ref.pdf"
    monkeypatch.setattr(QFileDialog, "exec", lambda self: 1)
    monkeypatch.setattr(QFileDialog, "selectedFiles", lambda self: [str(target)])
    monkeypatch.setattr(citation, "render", lambda *a, **k: pytest.fail("rendered in the window's thread"))
    with qtbot.waitSignal(window.citations.ready, timeout=60000):
        window.menu_actions.export_pdf_whole.trigger()
    qtbot.waitUntil(target.exists)
    text = subprocess.run(["pdftotext", str(target), "-"], capture_output=True, text=True, check=True).stdout
    assert "Report 00000 on juvenile courts" in text and "Cite as:" in text and "Doe, J." in text
    assert "NCJ " not in text.split("Cite as:")[0]  # no empty NCJ line for a record without one
