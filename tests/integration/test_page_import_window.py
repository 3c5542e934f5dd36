"""NCJRS pages in the window: Ctrl+Shift+Alt+I (and Ctrl+V in the list) adds the clipboard's page and
opens it; a clipboard without a record says so in one line; records already there are named and
Replace / Keep asked; dropped pages import; --file shows a page without adding it."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QTimer, QUrl
from PySide6.QtGui import QDropEvent, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QApplication, QMessageBox

from viewer.cli import main
from viewer.core.importers import read_file
from viewer.core.library import Library
from viewer.core.record import Provenance
from viewer.core.resources import bundled_record
from viewer.ui import import_flow
from viewer.ui.library_controller import IMPORT_FILTERS

ROOT = Path(__file__).resolve().parents[2]
PAGES = ROOT / "tests" / "data" / "pages"
SEED = ROOT / "tests" / "data" / "ncj-203234-source.txt"
CTRL = Qt.KeyboardModifier.ControlModifier
IMPORT_KEYS = CTRL | Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.AltModifier
ARTICLE = "Lantern Patrols and Night Markets: A Field Study of Informal Guardianship"


@pytest.fixture
def library(tmp_path):
    lib = Library.open(tmp_path / "library")
    yield lib
    lib.close()


def put_on_clipboard(text: str = "", html: str = "") -> None:
    mime = QMimeData()
    if text:
        mime.setText(text)
    if html:
        mime.setHtml(html)
    QGuiApplication.clipboard().setMimeData(mime)


def page_text(name: str) -> str:
    return (PAGES / name).read_text(encoding="utf-8")


def answer_dialog(qtbot, button_text: str, seen: list) -> None:
    """Clicks a button of the next message box once it is up (it runs its own event loop)."""
    def click(tries: int = 0) -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            assert tries < 500, "no dialog came up"
            QTimer.singleShot(10, lambda: click(tries + 1))
            return
        seen.append((box.text(), box.detailedText(), [b.text() for b in box.buttons()]))
        button = next(b for b in box.buttons() if b.text() == button_text)
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    QTimer.singleShot(0, click)


def status(window) -> str:
    return window.statusBar().currentMessage()


def test_ctrl_shift_alt_i_adds_the_clipboard_page_and_opens_it(make_window, qtbot, library):
    window = make_window(library=library)
    assert window.menu_actions.import_clipboard.shortcut() == QKeySequence("Ctrl+Shift+Alt+I")
    put_on_clipboard(page_text("vl-new-article.txt"))
    qtbot.keyClick(window.tree, Qt.Key.Key_I, IMPORT_KEYS)
    assert "ncj-900101" in library and library.count() == 2
    assert window.record.id == "ncj-900101" and window.record.title == ARTICLE
    assert window.library_panel.current_record_id() == "ncj-900101"
    assert ARTICLE in window.windowTitle()
    assert window.select_section("abstract")
    assert "Findings suggest that patrols mostly redirected lost visitors." in window.pane.toPlainText()
    assert status(window) == "Imported 1 record."


def test_the_html_flavour_is_preferred_and_gives_the_page_address(make_window, qtbot, library):
    window = make_window(library=library)
    put_on_clipboard(text="Courthouse Gardens & Juror Mood", html=page_text("vl-new-complete.html"))
    window.menu_actions.import_clipboard.trigger()
    assert window.record.id == "ncj-900112"
    assert window.record.provenance.url.startswith("https://www.ojp.gov/ncjrs/virtual-library/abstracts/")
    assert window.menu_actions.open_source.isEnabled()


def test_ctrl_v_pastes_a_record_in_the_list_but_text_in_the_search_field(make_window, qtbot, library):
    window = make_window(library=library)
    put_on_clipboard(page_text("vl-new-report.txt"))
    search = window.library_panel.search_edit
    search.setFocus()
    qtbot.keyClick(search, Qt.Key.Key_V, CTRL)
    assert search.text().startswith("U.S. flag") and "ncj-900102" not in library
    search.clear()
    window.library_panel.list.setFocus()
    qtbot.keyClick(window.library_panel.list, Qt.Key.Key_V, CTRL)
    assert "ncj-900102" in library and window.record.id == "ncj-900102"
    window.pane.setFocus()  # the reading pane keeps its own Ctrl+V (read-only: nothing happens)
    qtbot.keyClick(window.pane, Qt.Key.Key_V, CTRL)
    assert library.count() == 2


@pytest.mark.parametrize(("clipboard", "said"), [
    ("", "Nothing imported: the clipboard holds no text"),
    ("Dear colleague, the meeting is at ten.",
     "Nothing imported: not an NCJRS record page, RIS, BibTeX, CSL-JSON or record file"),
])
def test_a_clipboard_without_a_record_says_so_in_one_line(make_window, qtbot, library, clipboard, said):
    window = make_window(library=library)
    put_on_clipboard(clipboard)
    qtbot.keyClick(window.tree, Qt.Key.Key_I, IMPORT_KEYS)
    assert status(window) == said and library.count() == 1 and window.record.id == "ncj-203234"


def test_a_page_without_a_title_is_refused_naming_the_title(make_window, qtbot, library):
    window = make_window(library=library)
    put_on_clipboard(page_text("vl-new-headerless.txt"))
    qtbot.keyClick(window.tree, Qt.Key.Key_I, IMPORT_KEYS)
    assert status(window).startswith("Nothing imported: the page has no title") and library.count() == 1


def test_pasting_the_seed_names_the_bundled_record_as_already_there(make_window, qtbot, library):
    window = make_window(library=library)
    put_on_clipboard(SEED.read_text(encoding="utf-8"))
    qtbot.keyClick(window.tree, Qt.Key.Key_I, IMPORT_KEYS)  # no question: it is never replaced
    assert status(window) == "Nothing new imported; 1 already there: ncj-203234."
    assert library.count() == 1 and window.record == bundled_record()


def test_a_page_already_there_asks_replace_or_keep(make_window, qtbot, library):
    window = make_window(library=library)
    original = page_text("vl-new-report.txt")
    put_on_clipboard(original)
    qtbot.keyClick(window.tree, Qt.Key.Key_I, IMPORT_KEYS)
    put_on_clipboard(original.replace("Measuring Bicycle Theft in Small Cities", "Bicycle Theft Recounted"))
    seen: list = []
    answer_dialog(qtbot, "Keep", seen)
    qtbot.keyClick(window.tree, Qt.Key.Key_I, IMPORT_KEYS)
    assert seen[0][0] == "ncj-900102 is already in your library."
    assert seen[0][1] == "ncj-900102: Bicycle Theft Recounted, 1990-1998"
    assert library.get("ncj-900102").title.startswith("Measuring") and window.record.title.startswith("Measuring")
    assert status(window) == "Nothing new imported; 1 already there: ncj-900102."
    window.activateWindow()  # offscreen Qt has no window manager to hand activation back after a dialog
    qtbot.waitUntil(window.isActiveWindow)
    answer_dialog(qtbot, "Replace", seen)
    qtbot.keyClick(window.tree, Qt.Key.Key_I, IMPORT_KEYS)
    assert library.get("ncj-900102").title == "Bicycle Theft Recounted, 1990-1998"
    assert window.record.title == "Bicycle Theft Recounted, 1990-1998"  # the open record read again
    assert status(window) == "Replaced 1 record." and library.count() == 2 and len(seen) == 2


def test_dropped_pages_import_and_the_summary_counts_those_already_there(make_window, qtbot, library, monkeypatch):
    library.import_report(read_file(PAGES / "vl-new-report.txt"))
    window = make_window(library=library)
    asked = []
    monkeypatch.setattr(import_flow, "ask_replace",
                        lambda parent, records, already, protected: asked.append((already, protected)) or False)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in
                  (PAGES / "vl-new-report.txt", PAGES / "vl-new-complete.html", SEED)])
    drop = QDropEvent(QPointF(50, 50), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    with qtbot.waitSignal(window.library_control.imports.finished, timeout=30000) as done:
        window.dropEvent(drop)
    assert asked == [({"ncj-900102": "ncj-900102", "ncj-203234": "ncj-203234"}, {"ncj-203234"})]
    assert done.args[0] == ["ncj-900112"] and window.record.id == "ncj-900112"
    assert status(window) == "Imported 1 record; 2 already there: ncj-900102, ncj-203234."


def test_the_import_dialog_offers_ncjrs_pages():
    assert "NCJRS record pages (*.html *.htm *.txt)" in IMPORT_FILTERS
    assert "*.html *.htm *.txt" in IMPORT_FILTERS.split(";;")[0]


def test_about_says_nothing_of_a_source_the_page_did_not_name(make_window, monkeypatch):
    seen = {}
    monkeypatch.setattr(QMessageBox, "about", lambda parent, title, text: seen.update(text=text))
    record = replace(bundled_record(), provenance=Provenance("", "", "https://example.org/x"))
    make_window(record=record).menu_actions.about.trigger()
    assert "comes from" not in seen["text"] and ", ." not in seen["text"]
    record = replace(bundled_record(), provenance=Provenance("NCJRS Virtual Library", "", ""))
    make_window(record=record).menu_actions.about.trigger()
    assert "comes from the NCJRS Virtual Library.</p>" in seen["text"]


def test_file_shows_a_page_in_the_window_without_adding_it(start_until_shown, monkeypatch, tmp_path):
    from viewer.ui import main_window

    windows = []
    monkeypatch.setattr(main_window.MainWindow, "show",
                        lambda self: windows.append(self) or main_window.QMainWindow.show(self))
    monkeypatch.setattr(QMessageBox, "warning", lambda *args: pytest.fail(f"warned: {args[2]}"))
    monkeypatch.setattr("viewer.ui.plain.warn", lambda *args: pytest.fail(f"warned: {args[2]}"))  # start-up problems, shown plain
    folder = tmp_path / "library"
    code = main(["--file", str(PAGES / "vl-new-article.txt"), "--library", str(folder),
                 "--settings", str(tmp_path / "s.ini")])
    assert code == 0 and windows[0].record.title == ARTICLE
    with Library.open(folder) as lib:
        assert lib.count() == 1 and "ncj-900101" not in lib
