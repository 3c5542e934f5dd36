"""Reading comfort in the real window, driven by keys: filter, zoom, appearance, history, panes, state."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QPalette, QWheelEvent
from PySide6.QtWidgets import QApplication

from viewer.ui.outline_model import SectionIdRole

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
ALT = Qt.KeyboardModifier.AltModifier


def visible_ids(window, parent=None):
    from PySide6.QtCore import QModelIndex
    parent = parent or QModelIndex()
    ids = []
    for row in range(window.proxy.rowCount(parent)):
        index = window.proxy.index(row, 0, parent)
        ids.append(index.data(SectionIdRole))
        ids += visible_ids(window, index)
    return ids


def test_filter_box_narrows_the_tree_keeping_ancestors(make_window, qtbot):
    window = make_window()
    qtbot.keyClick(window.tree, Qt.Key.Key_F, CTRL | SHIFT)
    assert QApplication.focusWidget() is window.filter_edit
    qtbot.keyClicks(window.filter_edit, "civil society")
    ids = visible_ids(window)
    assert "civil-society" in ids and "victim-support" in ids and "abstract" in ids
    assert "child-protocols" not in ids and "details" not in ids
    window.select_section("civil-society")
    # The matching words are highlighted in the opened section.
    marked = {sel.cursor.selectedText().lower() for sel in window.pane.extraSelections()}
    assert marked == {"civil", "society"}
    qtbot.keyClick(window.filter_edit, Qt.Key.Key_A, CTRL)
    qtbot.keyClick(window.filter_edit, Qt.Key.Key_Backspace)
    assert len(visible_ids(window)) == len(window.record.section_ids())
    assert window.current_section_id() == "civil-society"


def test_filter_matches_text_as_well_as_headings(make_window, qtbot):
    window = make_window()
    qtbot.keyClicks(window.filter_edit, "destination")
    assert "child-protocols" in visible_ids(window)
    assert window.current_section_id() in visible_ids(window)
    # The topic quoting that sentence and the whole abstract match; "Child victims" only shows
    # as the topic's parent, and does not count.
    assert "child-victims" in visible_ids(window)
    assert window.statusBar().currentMessage() == "2 sections match"


def test_zoom_keys_wheel_and_memory(make_window, qtbot, settings_file):
    window = make_window()
    size = window.pane.document().defaultFont().pointSizeF()
    qtbot.keyClick(window.tree, Qt.Key.Key_Equal, CTRL)
    assert window.pane.zoom == 110
    assert window.pane.document().defaultFont().pointSizeF() > size
    qtbot.keyClick(window.tree, Qt.Key.Key_Minus, CTRL)
    qtbot.keyClick(window.tree, Qt.Key.Key_Minus, CTRL)
    assert window.pane.zoom == 90
    wheel = QWheelEvent(QPointF(50, 50), QPointF(50, 50), QPoint(), QPoint(0, 120), Qt.MouseButton.NoButton,
                        CTRL, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(window.pane.viewport(), wheel)
    assert window.pane.zoom == 100
    QApplication.sendEvent(window.pane.viewport(), wheel)
    assert window.pane.zoom == 110
    assert window.zoom_label.text() == "110%"
    window.close()
    assert make_window(settings_path=settings_file).pane.zoom == 110
    qtbot.keyClick(QApplication.activeWindow().tree, Qt.Key.Key_0, CTRL)
    assert QApplication.activeWindow().pane.zoom == 100


def base_lightness(window) -> int:
    return window.pane.palette().color(QPalette.ColorRole.Base).lightness()


def test_appearance_choice_changes_palette_and_is_remembered(make_window, settings_file, qtbot):
    window = make_window()
    window.menu_actions.appearance_dark.trigger()
    qtbot.waitUntil(lambda: base_lightness(window) < 80)  # palette changes arrive as events
    assert "#5b4a12" in window.pane.document().defaultStyleSheet()  # readable marker on dark
    window.close()
    again = make_window(settings_path=settings_file)
    assert again.menu_actions.appearance_dark.isChecked()
    again.menu_actions.appearance_light.trigger()
    qtbot.waitUntil(lambda: base_lightness(again) > 200)
    assert "#fff0a8" in again.pane.document().defaultStyleSheet()
    again.menu_actions.appearance_system.trigger()


def test_back_and_forward_with_alt_arrows(make_window, qtbot):
    window = make_window()
    for _ in range(3):
        qtbot.keyClick(window.tree, Qt.Key.Key_Down)
    assert window.current_section_id() == "trends"
    qtbot.keyClick(window.tree, Qt.Key.Key_Left, ALT)
    assert window.current_section_id() == "abstract"
    qtbot.keyClick(window.tree, Qt.Key.Key_Left, ALT)
    assert window.current_section_id() == "annotation"
    qtbot.keyClick(window.tree, Qt.Key.Key_Right, ALT)
    assert window.current_section_id() == "abstract"
    assert window.menu_actions.forward.isEnabled()
    qtbot.keyClick(window.tree, Qt.Key.Key_End)  # a new visit drops the forward entries
    assert not window.menu_actions.forward.isEnabled()


def test_f6_and_ctrl_tab_move_between_panes(make_window, qtbot):
    window = make_window()
    assert QApplication.focusWidget() is window.tree
    qtbot.keyClick(window.tree, Qt.Key.Key_F6)
    assert QApplication.focusWidget() is window.pane
    qtbot.keyClick(window.pane, Qt.Key.Key_F6)  # round to the library, then the outline again
    assert QApplication.focusWidget() is window.library_panel.list
    qtbot.keyClick(window.library_panel.list, Qt.Key.Key_F6)
    assert QApplication.focusWidget() is window.tree
    qtbot.keyClick(window.tree, Qt.Key.Key_Tab, CTRL)
    assert QApplication.focusWidget() is window.pane
    qtbot.keyClick(window.pane, Qt.Key.Key_F6, SHIFT)
    assert QApplication.focusWidget() is window.tree


def test_expanded_sections_are_remembered_and_reset_layout_restores(make_window, qtbot, settings_file):
    window = make_window()
    window.select_section("child-victims")
    qtbot.keyClick(window.tree, Qt.Key.Key_Left)  # fold it
    assert not window.tree.isExpanded(window.tree_index("child-victims"))
    window.close()
    again = make_window(settings_path=settings_file)
    assert not again.tree.isExpanded(again.tree_index("child-victims"))
    assert again.tree.isExpanded(again.tree_index("cooperation"))
    again.pane.set_zoom(150)
    again.menu_actions.reset_layout.trigger()
    assert again.tree.isExpanded(again.tree_index("child-victims"))
    assert again.pane.zoom == 100


def test_every_action_shortcut_shows_in_a_menu(make_window):
    window = make_window()
    in_menus = set()
    for menu_action in window.menuBar().actions():
        for action in menu_action.menu().actions():
            in_menus.add(action)
            if action.menu():
                in_menus.update(action.menu().actions())
    for name, action in window.menu_actions.all().items():
        assert action in in_menus, name


def test_accessible_names(make_window):
    window = make_window()
    for widget in (window.tree, window.pane, window.filter_edit, window.citation_panel.style_box):
        assert widget.accessibleName()
    for widget in (window.tree, window.pane, window.filter_edit):
        assert widget.accessibleDescription()


def test_find_bar_through_the_window(make_window, qtbot, settings_file):
    window = make_window()
    window.select_section("victims-justice")
    bar = window.find_bar
    assert not bar.isVisible()
    qtbot.keyClick(window.tree, Qt.Key.Key_F, CTRL)
    assert bar.isVisible() and QApplication.focusWidget() is bar.line_edit
    qtbot.keyClicks(bar.line_edit, "criminal")
    assert bar.count_label.text() == "1 of 3"
    qtbot.keyClick(bar.line_edit, Qt.Key.Key_Return)
    assert bar.count_label.text() == "2 of 3"
    qtbot.keyClick(bar.line_edit, Qt.Key.Key_Return, SHIFT)
    assert bar.count_label.text() == "1 of 3"
    qtbot.keyClick(bar.line_edit, Qt.Key.Key_F3)
    assert bar.count_label.text() == "2 of 3"
    assert window.pane.textCursor().selectedText().lower() == "criminal"
    qtbot.keyClick(bar.line_edit, Qt.Key.Key_F6)  # the bar is one of the panes F6 visits
    assert QApplication.focusWidget() is window.library_panel.list
    qtbot.keyClick(window.tree, Qt.Key.Key_F, CTRL)
    qtbot.keyClick(bar.line_edit, Qt.Key.Key_Escape)
    assert not bar.isVisible() and QApplication.focusWidget() is window.pane
    # The find options are remembered.
    bar.case_box.click()
    window.close()
    assert make_window(settings_path=settings_file).find_bar.options()["case_sensitive"] is True
