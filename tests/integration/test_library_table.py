"""The library list as a table: columns, sorting by a header click (remembered), every match of a
search paged with its total, the keys of the search fields, Help ▸ Keyboard Shortcuts and About."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QModelIndex, QPoint, Qt
from PySide6.QtGui import QPainter, QPixmap
from PySide6.QtWidgets import QApplication, QMessageBox, QStyleOptionViewItem

from viewer.core.library import Library
from viewer.core.record import Record
from viewer.ui.help_dialogs import ShortcutsDialog
from viewer.ui.library_model import FIRST_HITS, PAGE, HtmlRole, LibraryModel, RecordIdRole
from viewer.ui.hit_delegate import HtmlDelegate

CTRL = Qt.KeyboardModifier.ControlModifier


def records(n: int) -> list[Record]:
    return [Record(id=f"ref-{i:04d}", ncj_number=str(5000 - i), title=f"Report {i:04d} on juvenile courts",
                   abstract="About probation.", authors=(f"Author{i % 7}, Ann", "Other, Bo") if i % 3 else (),
                   issued_year=1980 + i % 40)
            for i in range(n)]


@pytest.fixture
def library(tmp_path):
    lib = Library.open(tmp_path / "library")
    yield lib
    lib.close()


def click_header(qtbot, window, column: int) -> None:
    header = window.library_panel.list.header()
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))


def shown(window, column: int, rows: int = 5) -> list[str]:
    model = window.library_model
    return [model.index(r, column).data() for r in range(min(rows, model.rowCount()))]


def test_the_model_has_four_columns_and_passes_qtmodeltester(qtmodeltester, library):
    library.add_records(records(PAGE + 50))
    model = LibraryModel(library)
    model.fetchMore()
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(4)] == ["Title", "Creator", "Year", "NCJ"]
    row = model.row_of("ref-0001")
    assert [model.index(row, c).data() for c in range(4)] == [
        "Report 0001 on juvenile courts", "Author1, Ann et al.", "1981", "4999"]
    qtmodeltester.check(model)
    # Each state on a model of its own: the tester fetches more inside a reset's signal, which a
    # lazy model cannot take while it resets.
    by_year = LibraryModel(library)
    by_year.sort(2, Qt.SortOrder.DescendingOrder)
    by_year.fetchMore()
    assert by_year.index(0, 2).data() == "2019"
    qtmodeltester.check(by_year)
    found = LibraryModel(library)
    found.set_query("juvenile")
    found.complete()
    assert found.total() == PAGE + 50 and found.canFetchMore()
    qtmodeltester.check(found)


def test_sorting_by_a_header_click_is_remembered(make_window, qtbot, library, settings_file):
    library.add_records(records(300))
    window = make_window(library=library)
    click_header(qtbot, window, 2)  # Year, ascending
    years = shown(window, 2, 60)
    assert years == sorted(years) and years[0] == "1980"
    click_header(qtbot, window, 2)  # again: descending
    assert shown(window, 2, 1) == ["2019"]
    click_header(qtbot, window, 3)  # NCJ: as numbers
    ncj = [int(n) for n in shown(window, 3, 250)]
    assert ncj == sorted(ncj)
    assert window.library_panel.list.header().sortIndicatorSection() == 3
    window.close()
    again = make_window(library=library, settings_path=settings_file)
    assert again.library_model.order.column == "ncj"
    assert [int(n) for n in shown(again, 3, 3)] == ncj[:3]


def test_a_search_pages_through_every_match_with_its_total(make_window, qtbot, library):
    library.add_records(records(450))
    window = make_window(library=library)
    panel = window.library_panel
    qtbot.keyClick(window.tree, Qt.Key.Key_K, CTRL)
    qtbot.keyClicks(panel.search_edit, "juvenile")
    model = window.library_model
    assert model.rowCount() == FIRST_HITS and panel.count_label.text() == f"{FIRST_HITS}+ records match"
    qtbot.waitUntil(lambda: panel.count_label.text() == "450 records match")
    assert panel.list.header().sortIndicatorSection() == -1  # relevance order
    panel.list.scrollToBottom()
    while model.has_more():
        model.fetchMore()
    assert model.rowCount() == 450 and len({model.index(r, 0).data(RecordIdRole) for r in range(450)}) == 450
    click_header(qtbot, window, 0)  # Title: the matches sorted, the search kept
    assert panel.search_edit.text() == "juvenile" and shown(window, 0, 2) == [
        "Report 0000 on juvenile courts", "Report 0001 on juvenile courts"]
    assert "<b>juvenile</b>" in model.index(0, 0).data(HtmlRole)


def test_escape_clears_then_returns_to_the_list_and_down_enters_the_results(make_window, qtbot, library):
    library.add_records(records(5))
    window = make_window(library=library)
    panel = window.library_panel
    qtbot.keyClick(window.tree, Qt.Key.Key_K, CTRL)
    qtbot.keyClicks(panel.search_edit, "report 0003")
    qtbot.keyClick(panel.search_edit, Qt.Key.Key_Down)
    assert QApplication.focusWidget() is panel.list and window.record.id == "ref-0003"
    qtbot.keyClick(window.tree, Qt.Key.Key_K, CTRL)
    qtbot.keyClick(panel.search_edit, Qt.Key.Key_Escape)
    assert panel.search_edit.text() == "" and QApplication.focusWidget() is panel.search_edit
    qtbot.keyClick(panel.search_edit, Qt.Key.Key_Escape)
    assert QApplication.focusWidget() is panel.list
    qtbot.keyClick(window.tree, Qt.Key.Key_F, CTRL | Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClicks(window.filter_edit, "probation")
    qtbot.keyClick(window.filter_edit, Qt.Key.Key_Return)
    assert QApplication.focusWidget() is window.tree
    qtbot.keyClick(window.tree, Qt.Key.Key_F, CTRL | Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(window.filter_edit, Qt.Key.Key_Escape)
    assert window.filter_edit.text() == ""
    qtbot.keyClick(window.filter_edit, Qt.Key.Key_Escape)
    assert QApplication.focusWidget() is window.tree


def test_keyboard_shortcuts_lists_every_action_of_the_registry(make_window, qtbot, monkeypatch):
    window = make_window()
    opened = []
    monkeypatch.setattr(ShortcutsDialog, "exec", lambda self: opened.append(self) or 0)
    qtbot.keyClick(window.tree, Qt.Key.Key_Slash, CTRL)
    text = opened[0].text.toPlainText()
    for action in window.menu_actions.all().values():
        assert action.text().replace("&", "").rstrip("…") in text
    assert "Ctrl+Shift+C" in text and "Copy Citation" in text and "Escape" in text


def test_about_names_versions_and_licences(make_window, monkeypatch):
    import PySide6
    window = make_window()
    shown_text = []
    monkeypatch.setattr(QMessageBox, "about", lambda parent, title, text: shown_text.append(text))
    window.menu_actions.about.trigger()
    text = shown_text[0]
    from viewer import __version__
    for part in (__version__, "MIT", PySide6.__version__, "citeproc-js", "1.4.61", "CPAL", "rispy", "bibtexparser",
                 "CC BY-SA 3.0", "QuickJS"):
        assert part in text


def test_the_delegate_paints_without_a_widget(library):
    model = LibraryModel(library)
    model.set_query("trafficking")
    index = model.index(0, 0)
    assert index.data(HtmlRole)
    pixmap = QPixmap(300, 40)
    painter = QPainter(pixmap)
    option = QStyleOptionViewItem()  # option.widget is None
    option.rect = pixmap.rect()
    HtmlDelegate().paint(painter, option, index)
    painter.end()
    assert option.widget is None and not model.index(0, 1).data(HtmlRole) and not QModelIndex().data(HtmlRole)


def test_copy_offers_html_and_text_without_a_paragraph(make_window, qtbot):
    window = make_window()
    window.select_section("abstract")
    cursor = window.pane.textCursor()
    text = window.pane.toPlainText()
    start = text.index("trafficking") if "trafficking" in text else 20
    cursor.setPosition(start)
    cursor.setPosition(start + 20, cursor.MoveMode.KeepAnchor)
    window.pane.setTextCursor(cursor)
    qtbot.keyClick(window.pane, Qt.Key.Key_C, CTRL)
    mime = QApplication.clipboard().mimeData()
    assert set(mime.formats()) <= {"text/html", "text/plain"} and mime.hasHtml()
    assert mime.text() == text[start:start + 20]
    body = mime.html().split("<!--StartFragment-->")[1]
    assert "<p" not in body and "</p>" not in body


def test_the_pane_marks_words_as_the_search_matched_them(make_window, qtbot, library):
    library.add_records([Record(id="cafe", ncj_number="", title="Café society and ice",
                                abstract="At the Café, justice and ice were served.")])
    window = make_window(library=library)
    qtbot.keyClick(window.tree, Qt.Key.Key_K, CTRL)
    qtbot.keyClicks(window.library_panel.search_edit, "cafe ice")
    qtbot.keyClick(window.library_panel.search_edit, Qt.Key.Key_Return)
    assert window.record.id == "cafe"
    window.select_section("abstract")
    marked = [sel.cursor.selectedText() for sel in window.pane.extraSelections()]
    assert marked.count("Café") >= 1 and marked.count("ice") >= 1
    assert all(m in ("Café", "ice") for m in marked)  # never "ice" inside "justice"
    assert "· NCJ" not in window.pane.toPlainText()


def test_a_record_far_down_is_reached_by_reading_its_page_only(qtmodeltester, library, monkeypatch):
    library.add_records(records(4 * PAGE + 30))
    model = LibraryModel(library)
    model.sort(0)  # by title: ref-0000 ... in order, after the bundled record's title
    model.fetchMore()
    target = library.list_rows(3 * PAGE + 7, 1, model.order)[0].id
    read: list[int] = []
    real = library.list_rows
    monkeypatch.setattr(library, "list_rows", lambda offset, limit, order: read.append(offset) or real(offset, limit, order))
    row = model.row_of(target)
    assert row == 3 * PAGE + 7 and model.index(row, 0).data(RecordIdRole) == target
    assert read == [3 * PAGE]  # the pages between were not read
    between = PAGE + 3
    assert model.index(between, 0).data(RecordIdRole) == real(between, 1, model.order)[0].id  # read when shown
    assert read == [3 * PAGE, PAGE]
    qtmodeltester.check(model)
