"""An inline find bar for a QTextEdit or QTextBrowser (the detail pane).

Every match is highlighted with an ``ExtraSelection``. The current one is also the editor's
selection (so Copy takes it and a screen reader follows it) and is scrolled into view; it is drawn
in the editor palette's Highlight / HighlightedText colours, which follow the light or dark theme.
The other matches are a fixed pale yellow with their own black text, readable on either palette
(as Qt Creator and Firefox do it).

The bar only adds and removes its own extra selections (tagged with a format property), so other
highlights set on the same editor survive a search.
"""

from __future__ import annotations

from typing import cast

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QColor,
    QIcon,
    QKeyEvent,
    QKeySequence,
    QPalette,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextFormat,
)
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QLineEdit, QSizePolicy, QTextEdit, QToolButton, QWidget

MATCH_BACKGROUND = QColor("#ffe970")  # pale yellow: every match but the current one
MATCH_FOREGROUND = QColor("#000000")  # with black text, whatever the palette's text colour
MAX_MATCHES = 5000  # a bound on the work per keystroke; records are far smaller

# Marks the extra selections that belong to the find bar.
FIND_PROPERTY = int(QTextFormat.Property.UserProperty) + 0x46B


def _is_ours(selection: QTextEdit.ExtraSelection) -> bool:
    return bool(selection.format.property(FIND_PROPERTY))


class FindBar(QWidget):
    """Find in ``editor``: type, then Enter / Shift+Enter (or F3 / Shift+F3 through the window's actions)."""

    closed = Signal()
    match_count_changed = Signal(int, int)  # (current match, 1-based, or 0; number of matches)
    options_changed = Signal()

    def __init__(self, editor: QTextEdit, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editor = editor
        self._matches: list[QTextCursor] = []
        self._current = -1
        self._stale = True  # the matches need a search before use
        self._searched_text = ""  # the editor's text when the matches were found
        self._current_start = 0  # where the current match starts
        # The editor's text changes in several steps (setHtml, then its layout): search once, after.
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(0)
        self._refresh_timer.timeout.connect(self._refresh)

        self.setObjectName("findBar")
        self.setAccessibleName(self.tr("Find in section"))
        self.setAccessibleDescription(self.tr("Finds text in the section shown; Escape closes it"))

        label = QLabel(self.tr("&Find:"))
        self.line_edit = QLineEdit()
        self.line_edit.setObjectName("findText")
        self.line_edit.setClearButtonEnabled(True)
        self.line_edit.setPlaceholderText(self.tr("Find in section"))
        self.line_edit.setAccessibleName(self.tr("Find text"))
        self.line_edit.setAccessibleDescription(
            self.tr("Text to find in the section; Enter finds the next match, Shift+Enter the previous"))
        self.line_edit.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.line_edit.setMinimumWidth(180)
        label.setBuddy(self.line_edit)
        self.setFocusProxy(self.line_edit)  # focusing the bar (F6) focuses its field

        self.previous_button = self._button(
            "findPrevious", QIcon.ThemeIcon.GoUp, "\u25b2", self.tr("Previous match"),
            self.tr("Selects the previous match (Shift+Enter, Shift+F3)"))
        self.next_button = self._button(
            "findNext", QIcon.ThemeIcon.GoDown, "\u25bc", self.tr("Next match"),
            self.tr("Selects the next match (Enter, F3)"))

        self.case_box = QCheckBox(self.tr("Match &case"))
        self.case_box.setObjectName("findMatchCase")
        self.case_box.setAccessibleName(self.tr("Match case"))
        self.case_box.setAccessibleDescription(
            self.tr("When checked, only text with the same upper and lower case letters matches"))

        self.count_label = QLabel()
        self.count_label.setObjectName("findCount")
        self.count_label.setAccessibleName(self.tr("Matches"))
        self.count_label.setAccessibleDescription(self.tr("Which match is selected, and how many there are"))
        self.count_label.setMinimumWidth(self.count_label.fontMetrics().horizontalAdvance("0000 of 0000") + 4)

        self.close_button = self._button(
            "findClose", QIcon.ThemeIcon.WindowClose, "\u2715", self.tr("Close find bar"),
            self.tr("Closes the find bar and clears the highlights (Escape)"))

        self._lay_out(label)
        self._connect()

        self._show_count()
        self.hide()

    def _lay_out(self, label: QLabel) -> None:
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 3, 6, 3)
        layout.setSpacing(4)
        layout.addWidget(label)
        layout.addWidget(self.line_edit, 1)
        layout.addWidget(self.previous_button)
        layout.addWidget(self.next_button)
        layout.addSpacing(6)
        layout.addWidget(self.case_box)
        layout.addSpacing(6)
        layout.addWidget(self.count_label)
        layout.addStretch(0)
        layout.addWidget(self.close_button)

    def _connect(self) -> None:
        # Escape anywhere inside the bar closes it (an action, so it yields to nothing in the bar).
        self.close_action = QAction(self.tr("Close Find Bar"), self)
        self.close_action.setShortcut(QKeySequence(Qt.Key.Key_Escape))
        self.close_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.addAction(self.close_action)

        self.line_edit.textChanged.connect(self._text_edited)
        self.line_edit.installEventFilter(self)
        self.previous_button.clicked.connect(self.find_previous)
        self.next_button.clicked.connect(self.find_next)
        self.case_box.toggled.connect(self._case_toggled)
        self.close_button.clicked.connect(self.dismiss)
        self.close_action.triggered.connect(self.dismiss)
        self.editor.textChanged.connect(self._document_changed)

    def _button(self, name: str, theme_icon: QIcon.ThemeIcon, fallback: str, text: str,
                description: str) -> QToolButton:
        button = QToolButton()
        button.setObjectName(name)
        icon = QIcon.fromTheme(theme_icon)
        if icon.isNull():
            button.setText(fallback)  # a glyph of the font: crisp at any scale
        else:
            button.setIcon(icon)
        button.setToolTip(description)
        button.setAccessibleName(text)
        button.setAccessibleDescription(description)
        button.setAutoRaise(True)
        return button

    # --- public API ---

    def options(self) -> dict[str, bool]:
        """The find options to remember; ``set_options(**bar.options())`` restores them."""
        return {"case_sensitive": self.case_box.isChecked()}

    def set_options(self, case_sensitive: bool = False) -> None:
        self.case_box.setChecked(bool(case_sensitive))

    def text(self) -> str:
        return self.line_edit.text()

    def match_count(self) -> int:
        return len(self._matches)

    def current_match(self) -> int:
        """The current match, counted from 1; 0 when there is none."""
        return self._current + 1

    def activate(self) -> None:
        """Show the bar (Ctrl+F): take a one-line selection of the editor as the text, focus the field."""
        selected = self.editor.textCursor().selectedText()
        if selected and "\u2029" not in selected and len(selected) <= 200 and selected != self.text():
            self.line_edit.setText(selected)  # searches, from the selection
        self.show()
        if self._stale:
            self._search(anchor=self.editor.textCursor().selectionStart())
        self.line_edit.selectAll()
        self.line_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def find_next(self) -> None:
        self._step(+1)

    def find_previous(self) -> None:
        self._step(-1)

    def dismiss(self) -> None:
        """Escape: hide the bar, clear its highlights, give the focus back to the editor."""
        self.hide()
        self._set_highlights([])
        self._forget()
        self.editor.setFocus(Qt.FocusReason.OtherFocusReason)
        self.closed.emit()

    # --- behaviour ---

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if watched is self.line_edit and event.type() == QEvent.Type.KeyPress:
            key_event = cast(QKeyEvent, event)  # a KeyPress event is a QKeyEvent
            if key_event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                if key_event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
                    self.find_previous()
                else:
                    self.find_next()
                return True
        return super().eventFilter(watched, event)

    def _step(self, direction: int) -> None:
        if self.isHidden():
            if not self.text():
                self.activate()  # F3 with nothing to find: ask for it
                return
            self.show()
        if self._stale:
            cursor = self.editor.textCursor()
            selected = (cursor.selectionStart(), cursor.selectionEnd())
            self._search(anchor=selected[0], select=False)
            if not self._matches:
                return
            match = self._matches[self._current]
            if (match.selectionStart(), match.selectionEnd()) != selected and direction > 0:
                self._show_current()  # the first step goes to the match at or after the cursor
                return
        if not self._matches:
            return
        self._current = (self._current + direction) % len(self._matches)
        self._show_current()

    def _text_edited(self, _text: str) -> None:
        if self.isHidden():
            self._forget()
            return
        # Incremental: stay at the current match while it still matches, else move on from it.
        if 0 <= self._current < len(self._matches):
            anchor = self._matches[self._current].selectionStart()
        else:
            anchor = self.editor.textCursor().selectionStart()
        self._search(anchor)

    def _case_toggled(self, _checked: bool) -> None:
        self.options_changed.emit()
        self._text_edited(self.text())

    def _document_changed(self) -> None:
        # Also emitted for layout-only changes (the pane's measure on resize) and re-renders.
        if self.isHidden():
            self._forget()
        else:
            self._refresh_timer.start()

    def _refresh(self) -> None:
        """Search again: a new section from the top; the same text (re-rendered) from the current match."""
        if self.isHidden():
            return
        same = self.editor.toPlainText() == self._searched_text
        self._search(anchor=self._current_start if same else 0)

    def _forget(self) -> None:
        """Drop the matches (searched again when the bar is next used)."""
        self._stale = True
        self._matches = []
        self._current = -1

    def _search(self, anchor: int, select: bool = True) -> None:
        self._refresh_timer.stop()
        self._stale = False
        self._matches = []
        self._current = -1
        self._searched_text = self.editor.toPlainText()
        needle = self.text()
        if needle:
            flags = QTextDocument.FindFlag(0)
            if self.case_box.isChecked():
                flags |= QTextDocument.FindFlag.FindCaseSensitively
            document = self.editor.document()
            cursor = QTextCursor(document)
            while len(self._matches) < MAX_MATCHES:
                cursor = document.find(needle, cursor, flags)
                if cursor.isNull():
                    break
                self._matches.append(cursor)
        if self._matches:
            self._current = next((i for i, m in enumerate(self._matches) if m.selectionStart() >= anchor), 0)
            if select:
                self._show_current()
        else:
            cursor = self.editor.textCursor()
            if cursor.hasSelection():  # leave no stale match selected
                cursor.setPosition(cursor.selectionStart())
                self.editor.setTextCursor(cursor)
            self._set_highlights([])
            self._show_count()

    def _show_current(self) -> None:
        match = self._matches[self._current]
        self._current_start = match.selectionStart()
        self.editor.setTextCursor(match)
        self.editor.ensureCursorVisible()
        selections = []
        for i, cursor in enumerate(self._matches):
            selection = QTextEdit.ExtraSelection()
            selection.cursor = cursor
            selection.format = self._format(current=i == self._current)
            selections.append(selection)
        self._set_highlights(selections)
        self._show_count()

    def _format(self, current: bool) -> QTextCharFormat:
        fmt = QTextCharFormat()
        if current:  # as the selection over it: marked the same while the editor's cursor is elsewhere
            palette = self.editor.palette()
            fmt.setBackground(palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.Highlight))
            fmt.setForeground(palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.HighlightedText))
        else:
            fmt.setBackground(MATCH_BACKGROUND)
            fmt.setForeground(MATCH_FOREGROUND)
        fmt.setProperty(FIND_PROPERTY, True)
        return fmt

    def _set_highlights(self, ours: list[QTextEdit.ExtraSelection]) -> None:
        others = [s for s in self.editor.extraSelections() if not _is_ours(s)]
        self.editor.setExtraSelections(others + ours)

    def _show_count(self) -> None:
        total = len(self._matches)
        if not self.text():
            text = ""
        elif total == 0:
            text = self.tr("No matches")
        else:
            text = self.tr("{0} of {1}").format(self._current + 1, total)
        self.count_label.setText(text)
        self.count_label.setAccessibleName(text or self.tr("Matches"))
        self.match_count_changed.emit(self._current + 1, total)
