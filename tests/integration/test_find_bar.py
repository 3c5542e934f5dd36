"""The inline find bar, driven with keys through qtbot over a real text browser."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QColor, QKeySequence, QPalette, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QApplication, QLabel, QTextEdit, QVBoxLayout, QWidget

from viewer.core.resources import bundled_record
from viewer.ui.detail_pane import DetailPane
from viewer.ui.find_bar import FIND_PROPERTY, MATCH_BACKGROUND, FindBar

TEXT = "<p>Apple pie. An apple a day.</p><p>APPLE sauce and pineapple.</p>"
PLAIN = "Apple pie. An apple a day.\nAPPLE sauce and pineapple."


@pytest.fixture
def rig(qtbot):
    """A window with a detail pane and its find bar, active so focus and shortcuts work as for a user."""
    window = QWidget()
    layout = QVBoxLayout(window)
    pane = DetailPane()
    bar = FindBar(pane)
    layout.addWidget(pane)
    layout.addWidget(bar)
    # As the main window will: F3 / Shift+F3 are actions bound to the bar's slots.
    find_next = QAction("Find Next", window)
    find_next.setShortcut(QKeySequence.StandardKey.FindNext)
    find_next.triggered.connect(bar.find_next)
    find_previous = QAction("Find Previous", window)
    find_previous.setShortcut(QKeySequence.StandardKey.FindPrevious)
    find_previous.triggered.connect(bar.find_previous)
    window.addActions([find_next, find_previous])
    pane.setHtml(TEXT)
    qtbot.addWidget(window)
    window.resize(700, 400)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    return window, pane, bar


def ours(pane: QTextEdit) -> list[QTextEdit.ExtraSelection]:
    return [s for s in pane.extraSelections() if s.format.property(FIND_PROPERTY)]


def open_and_type(qtbot, bar: FindBar, text: str) -> None:
    bar.activate()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is bar.line_edit)
    qtbot.keyClicks(bar.line_edit, text)


def test_starts_hidden_and_opens_with_focus_in_the_field(rig, qtbot):
    _window, pane, bar = rig
    assert bar.isHidden()
    assert pane.extraSelections() == []
    bar.activate()
    assert bar.isVisible()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is bar.line_edit)
    assert bar.count_label.text() == ""


def backgrounds(pane: QTextEdit) -> list[str]:
    return [s.format.background().color().name() for s in ours(pane)]


def test_typing_highlights_every_match_case_insensitively(rig, qtbot):
    _window, pane, bar = rig
    counts = []
    bar.match_count_changed.connect(lambda current, total: counts.append((current, total)))
    open_and_type(qtbot, bar, "apple")
    assert counts[-1] == (1, 4)
    assert (0, 0) in counts and (1, 3) not in counts  # "a" matches a lot; "appl" 4 times
    assert bar.count_label.text() == "1 of 4"
    highlights = ours(pane)
    assert [s.cursor.selectedText() for s in highlights] == ["Apple", "apple", "APPLE", "apple"]
    assert highlights[3].cursor.selectionStart() == PLAIN.index("pineapple") + 4
    # The current match is selected in the pane and coloured apart from the others.
    assert pane.textCursor().selectedText() == "Apple" and pane.textCursor().selectionStart() == 0
    highlight = pane.palette().color(QPalette.ColorRole.Highlight).name()
    assert backgrounds(pane) == [highlight] + [MATCH_BACKGROUND.name()] * 3
    assert QApplication.focusWidget() is bar.line_edit  # typing goes on in the field


def test_enter_and_shift_enter_step_through_matches_and_wrap(rig, qtbot):
    _window, pane, bar = rig
    open_and_type(qtbot, bar, "apple")
    qtbot.keyClick(bar.line_edit, Qt.Key.Key_Return)
    assert bar.count_label.text() == "2 of 4"
    assert pane.textCursor().selectionStart() == PLAIN.index("apple a day")
    qtbot.keyClick(bar.line_edit, Qt.Key.Key_Enter, Qt.KeyboardModifier.KeypadModifier)
    assert bar.count_label.text() == "3 of 4"
    assert pane.textCursor().selectedText() == "APPLE"
    qtbot.keyClick(bar.line_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(bar.line_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    assert bar.count_label.text() == "1 of 4"
    qtbot.keyClick(bar.line_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    assert bar.count_label.text() == "4 of 4"  # wrapped to the last
    qtbot.keyClick(bar.line_edit, Qt.Key.Key_Return)
    assert bar.count_label.text() == "1 of 4"  # and back to the first
    # The current colour moves with the current match.
    assert [i for i, name in enumerate(backgrounds(pane)) if name != MATCH_BACKGROUND.name()] == [0]
    assert bar.text() == "apple"  # Enter never typed into the field


def test_f3_and_shift_f3_through_the_windows_actions(rig, qtbot):
    _window, pane, bar = rig
    assert QKeySequence(Qt.Key.Key_F3) in QKeySequence.keyBindings(QKeySequence.StandardKey.FindNext)
    open_and_type(qtbot, bar, "apple")
    qtbot.keyClick(bar.line_edit, Qt.Key.Key_F3)
    assert bar.count_label.text() == "2 of 4"
    pane.setFocus()
    qtbot.waitUntil(pane.hasFocus)
    qtbot.keyClick(pane, Qt.Key.Key_F3)
    assert bar.count_label.text() == "3 of 4"
    qtbot.keyClick(pane, Qt.Key.Key_F3, Qt.KeyboardModifier.ShiftModifier)
    assert bar.count_label.text() == "2 of 4"


def test_match_case_narrows_the_matches_and_is_an_option(rig, qtbot):
    _window, pane, bar = rig
    assert bar.options() == {"case_sensitive": False}
    open_and_type(qtbot, bar, "apple")
    assert bar.match_count() == 4
    bar.case_box.setFocus()
    qtbot.waitUntil(bar.case_box.hasFocus)
    with qtbot.waitSignal(bar.options_changed):
        qtbot.keyClick(bar.case_box, Qt.Key.Key_Space)
    assert bar.options() == {"case_sensitive": True}
    assert bar.count_label.text() == "1 of 2"
    assert [s.cursor.selectedText() for s in ours(pane)] == ["apple", "apple"]
    assert pane.textCursor().selectionStart() == PLAIN.index("apple a day")
    bar.set_options(case_sensitive=False)
    assert not bar.case_box.isChecked() and bar.match_count() == 4


def test_no_matches(rig, qtbot):
    _window, pane, bar = rig
    with qtbot.waitSignal(bar.match_count_changed, check_params_cb=lambda cur, total: total == 0):
        open_and_type(qtbot, bar, "applz")
    assert bar.count_label.text() == "No matches"
    assert ours(pane) == []
    assert not pane.textCursor().hasSelection()
    qtbot.keyClick(bar.line_edit, Qt.Key.Key_Return)  # nothing to step to, nothing breaks
    assert bar.count_label.text() == "No matches"
    qtbot.keyClick(bar.line_edit, Qt.Key.Key_Backspace)
    assert bar.count_label.text() == "1 of 4"  # "appl" matches again


def test_escape_closes_clears_highlights_and_returns_focus(rig, qtbot):
    _window, pane, bar = rig
    other = QTextEdit.ExtraSelection()  # a highlight somebody else set stays
    other.cursor = pane.textCursor()
    other.format = QTextCharFormat()
    other.format.setBackground(QColor("lightblue"))
    pane.setExtraSelections([other])
    open_and_type(qtbot, bar, "apple")
    assert len(pane.extraSelections()) == 5
    with qtbot.waitSignal(bar.closed):
        qtbot.keyClick(bar.line_edit, Qt.Key.Key_Escape)
    assert bar.isHidden()
    assert len(pane.extraSelections()) == 1 and ours(pane) == []
    qtbot.waitUntil(pane.hasFocus)
    assert bar.text() == "apple"  # remembered for F3 and the next opening


def test_escape_from_the_case_box_closes_too(rig, qtbot):
    _window, _pane, bar = rig
    open_and_type(qtbot, bar, "pie")
    bar.case_box.setFocus()
    qtbot.waitUntil(bar.case_box.hasFocus)
    with qtbot.waitSignal(bar.closed):
        qtbot.keyClick(bar.case_box, Qt.Key.Key_Escape)
    assert bar.isHidden()


def test_f3_after_closing_reopens_at_the_next_match(rig, qtbot):
    _window, pane, bar = rig
    open_and_type(qtbot, bar, "apple")
    qtbot.keyClick(bar.line_edit, Qt.Key.Key_Return)  # 2 of 4
    qtbot.keyClick(bar.line_edit, Qt.Key.Key_Escape)
    qtbot.waitUntil(pane.hasFocus)
    assert ours(pane) == []
    qtbot.keyClick(pane, Qt.Key.Key_F3)
    assert bar.isVisible()
    assert bar.count_label.text() == "3 of 4" and len(ours(pane)) == 4
    assert pane.hasFocus()  # F3 does not take the focus from the text


def test_new_section_is_searched_again_while_open(rig, qtbot):
    _window, pane, bar = rig
    record = bundled_record()
    open_and_type(qtbot, bar, "victim")
    assert bar.count_label.text() == "No matches"
    with qtbot.waitSignal(bar.match_count_changed, check_params_cb=lambda cur, total: total > 0):
        pane.show_section(record, record.section("victim-role"))
    expected = pane.toPlainText().lower().count("victim")
    assert expected >= 2
    assert bar.count_label.text() == f"1 of {expected}"
    assert len(ours(pane)) == expected
    assert pane.textCursor().selectedText().lower() == "victim"


def test_opening_with_a_selection_searches_for_it(rig, qtbot):
    _window, pane, bar = rig
    cursor = pane.textCursor()
    cursor.setPosition(PLAIN.index("apple a day"))
    cursor.setPosition(PLAIN.index("apple a day") + 5, cursor.MoveMode.KeepAnchor)
    pane.setTextCursor(cursor)
    bar.activate()
    assert bar.text() == "apple"
    assert bar.count_label.text() == "2 of 4"  # the selected occurrence is the current one
    assert bar.line_edit.selectedText() == "apple"  # typing replaces it


def test_every_control_has_an_accessible_name_and_description(rig):
    _window, _pane, bar = rig
    controls = [bar, bar.line_edit, bar.previous_button, bar.next_button, bar.case_box, bar.close_button,
                bar.count_label]
    for control in controls:
        assert control.accessibleName(), control.objectName()
        assert control.accessibleDescription(), control.objectName()
    label = next(w for w in bar.findChildren(QLabel) if w.buddy() is bar.line_edit)
    assert "&" in label.text()  # Alt+F reaches the field


def test_buttons_step_and_close(rig, qtbot):
    _window, pane, bar = rig
    open_and_type(qtbot, bar, "apple")
    qtbot.mouseClick(bar.next_button, Qt.MouseButton.LeftButton)
    assert bar.count_label.text() == "2 of 4"
    qtbot.mouseClick(bar.previous_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(bar.previous_button, Qt.MouseButton.LeftButton)
    assert bar.count_label.text() == "4 of 4"
    with qtbot.waitSignal(bar.closed):
        qtbot.mouseClick(bar.close_button, Qt.MouseButton.LeftButton)
    assert bar.isHidden() and ours(pane) == []


def _luminance(color: QColor) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    return 0.2126 * channel(color.redF()) + 0.7152 * channel(color.greenF()) + 0.0722 * channel(color.blueF())


def test_other_matches_carry_their_own_readable_text_colour(rig, qtbot):
    _window, pane, bar = rig
    open_and_type(qtbot, bar, "apple")
    for selection in ours(pane)[1:]:
        fg, bg = selection.format.foreground().color(), selection.format.background().color()
        assert selection.format.hasProperty(QTextCharFormat.Property.ForegroundBrush)
        lighter, darker = sorted((_luminance(fg), _luminance(bg)), reverse=True)
        assert (lighter + 0.05) / (darker + 0.05) >= 7  # WCAG AAA, whatever the palette


def _pixel_inside(pane, cursor) -> str:
    """The colour drawn just inside the end of a match (the gap before its last letter's edge)."""
    image = pane.viewport().grab().toImage()
    end = pane.cursorRect(cursor)
    return image.pixelColor(end.x() - 1, end.top() + 1).name()


def test_what_is_drawn_current_in_the_themes_highlight_others_yellow(rig, qtbot):
    _window, pane, bar = rig
    open_and_type(qtbot, bar, "apple")
    qtbot.keyClick(bar.line_edit, Qt.Key.Key_Return)  # 2 of 4
    cursors = [QTextCursor(s.cursor) for s in ours(pane)]
    light_highlight = pane.palette().color(QPalette.ColorRole.Highlight).name()
    assert [_pixel_inside(pane, c) for c in cursors] == [
        MATCH_BACKGROUND.name(), light_highlight, MATCH_BACKGROUND.name(), MATCH_BACKGROUND.name()]


def test_a_dark_palette_re_renders_and_the_bar_keeps_its_place(rig, qtbot):
    _window, pane, bar = rig
    record = bundled_record()
    pane.show_section(record, record.section("annotation"))
    open_and_type(qtbot, bar, "united nations")
    qtbot.keyClick(bar.line_edit, Qt.Key.Key_Return)
    assert bar.count_label.text() == "2 of 2"
    dark = QPalette(pane.palette())
    for role, colour in ((QPalette.ColorRole.Base, "#1e1e1e"), (QPalette.ColorRole.Text, "#e0e0e0"),
                         (QPalette.ColorRole.Highlight, "#2a6fbb"), (QPalette.ColorRole.HighlightedText, "#ffffff")):
        dark.setColor(role, QColor(colour))
    with qtbot.waitSignal(bar.match_count_changed):
        pane.setPalette(dark)  # the pane renders the section again, in the dark style
    assert bar.count_label.text() == "2 of 2"
    assert backgrounds(pane) == [MATCH_BACKGROUND.name(), "#2a6fbb"]
    cursors = [QTextCursor(s.cursor) for s in ours(pane)]
    assert [_pixel_inside(pane, c) for c in cursors] == [MATCH_BACKGROUND.name(), "#2a6fbb"]


def test_resizing_keeps_the_current_match(rig, qtbot):
    window, pane, bar = rig
    open_and_type(qtbot, bar, "apple")
    qtbot.keyClick(bar.line_edit, Qt.Key.Key_Return)
    qtbot.keyClick(bar.line_edit, Qt.Key.Key_Return)
    assert bar.count_label.text() == "3 of 4"
    with qtbot.waitSignal(bar.match_count_changed):
        window.resize(420, 300)  # the pane re-fits its measure: its text "changes"
    assert bar.count_label.text() == "3 of 4"
    assert pane.textCursor().selectedText() == "APPLE"
