"""The one inline find bar: for the detail pane's text, and for an attached report's pages.

The bar holds what is the same everywhere: the field, Enter / Shift+Enter (F3 / Shift+F3 through the
window's actions), Match case, "3 of 17", Escape to close. What it searches is a target
(viewer.ui.find_targets): a QTextEdit is wrapped in a :class:`TextTarget`; a report's pages are
viewer.ui.report_panel.ReportTarget; :meth:`FindBar.set_target` moves the bar from one to the other.
A text is searched at once; a report is searched by its worker thread: the bar says "Searching…", a
newer search cancels the one under way, and Enter / F3 pressed meanwhile are taken when the matches come.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from typing import Any, Callable, cast

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QIcon, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QLineEdit, QSizePolicy, QTextEdit, QToolButton, QWidget

from viewer.ui.find_targets import FIND_PROPERTY, MATCH_BACKGROUND, MATCH_FOREGROUND, FindTarget, Match, TextTarget

__all__ = ["FIND_PROPERTY", "MATCH_BACKGROUND", "MATCH_FOREGROUND", "FindBar", "FindTarget", "Match", "TextTarget"]

MAX_MATCHES = 5000  # a bound on the work per keystroke; records are far smaller


class FindBar(QWidget):
    """Find in a target (a QTextEdit is wrapped in a :class:`TextTarget`): type, then Enter /
    Shift+Enter (or F3 / Shift+F3 through the window's actions)."""

    closed = Signal()
    match_count_changed = Signal(int, int)  # (current match, 1-based, or 0; number of matches)
    options_changed = Signal()

    def __init__(self, target: QTextEdit | FindTarget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.target: FindTarget = TextTarget(target) if isinstance(target, QTextEdit) else target
        self._matches: Sequence[Match] = []
        self._current = -1
        self._stale = True  # the matches need a search before use
        self._searched: object = None  # the target's content when the matches were found
        self._current_start: Any = None  # where the current match starts
        # A search under way in the target (a report's worker): its anchor, whether it selects the
        # match it finds, what to do once it is in; and the Enter / F3 steps asked meanwhile.
        self._pending: tuple[Any, bool, Callable[[], None] | None] | None = None
        self._pending_steps: list[int] = []
        # The editor's text changes in several steps (setHtml, then its layout): search once, after.
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(0)
        self._refresh_timer.timeout.connect(self._refresh)

        self.setObjectName("findBar")
        label = QLabel(self.tr("&Find:"))
        self.line_edit = QLineEdit()
        self.line_edit.setObjectName("findText")
        self.line_edit.setClearButtonEnabled(True)
        self.line_edit.setAccessibleName(self.tr("Find text"))
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
        self._name_for_target()
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
        self.target.changed.connect(self._document_changed)
        self.target.found.connect(self._found)

    def _name_for_target(self) -> None:
        where = self.tr("Find in report") if self.target.label == "report" else self.tr("Find in section")
        self.setAccessibleName(where)
        self.setAccessibleDescription(self.tr("Finds text in what is shown; Escape closes it"))
        self.line_edit.setPlaceholderText(where)
        self.line_edit.setAccessibleDescription(
            self.tr("Text to find; Enter finds the next match, Shift+Enter the previous"))

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

    @property
    def editor(self) -> QWidget:
        return self.target.widget

    def set_target(self, target: FindTarget) -> None:
        """Finds in ``target`` from now on (the text and options stay; an open bar searches it)."""
        if target is self.target:
            return
        self._cancel()
        self.target.changed.disconnect(self._document_changed)
        self.target.found.disconnect(self._found)
        self.target.clear()
        self.target = target
        target.changed.connect(self._document_changed)
        target.found.connect(self._found)
        self._name_for_target()
        self._forget()
        self._show_count()
        if not self.isHidden():
            self._search(anchor=target.selection()[0])

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
        """Show the bar (Ctrl+F): take a one-line selection of the target as the text, focus the field."""
        selected = self.target.selected_text()
        if selected and "\u2029" not in selected and len(selected) <= 200 and selected != self.text():
            self.line_edit.setText(selected)  # searches, from the selection
        self.show()
        if self._stale:
            self._search(anchor=self.target.selection()[0])
        self.line_edit.selectAll()
        self.line_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def find_next(self) -> None:
        self._step(+1)

    def find_previous(self) -> None:
        self._step(-1)

    def dismiss(self) -> None:
        """Escape: hide the bar, clear its highlights, give the focus back to the target."""
        self.hide()
        self.target.clear()
        self._forget()
        self.target.widget.setFocus(Qt.FocusReason.OtherFocusReason)
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
        if self._pending is not None:
            self._pending_steps.append(direction)  # taken when the matches are in
            return
        if self._stale:
            selected = self.target.selection()
            self._search(anchor=selected[0], select=False, then=lambda: self._first_step(direction, selected))
            return
        if not self._matches:
            return
        self._current = (self._current + direction) % len(self._matches)
        self._show_current()

    def _first_step(self, direction: int, selected: tuple[Any, Any]) -> None:
        if not self._matches:
            return
        match = self._matches[self._current]
        if (match.start, match.end) != selected and direction > 0:
            self._show_current()  # the first step goes to the match at or after the cursor
            return
        self._current = (self._current + direction) % len(self._matches)
        self._show_current()

    def _text_edited(self, _text: str) -> None:
        if self.isHidden():
            self._forget()
            return
        # Incremental: stay at the current match while it still matches, else move on from it.
        if self._pending is not None:
            anchor = self._pending[0]  # the search this one supersedes had not answered yet
        elif 0 <= self._current < len(self._matches):
            anchor = self._matches[self._current].start
        else:
            anchor = self.target.selection()[0]
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
        """Search again: new content from the top; the same (re-rendered) from the current match."""
        if self.isHidden():
            return
        same = self.target.content() == self._searched
        self._search(anchor=self._current_start if same else None)

    def _forget(self) -> None:
        """Drop the matches (searched again when the bar is next used)."""
        self._cancel()
        self._stale = True
        self._matches = []
        self._current = -1

    def _cancel(self) -> None:
        """The search under way (if any) never answers; the steps asked meanwhile are dropped."""
        if self._pending is not None:
            self.target.cancel()
        self._pending, self._pending_steps = None, []

    def _search(self, anchor: Any, select: bool = True, then: Callable[[], None] | None = None) -> None:
        """Every match; the first at or after ``anchor`` (None: the first) is current; then ``then``.
        A target that searches elsewhere answers later (``found``): "Searching…" meanwhile."""
        self._refresh_timer.stop()
        self._cancel()
        self._stale = False
        self._current = -1
        self._matches = []
        self._searched = self.target.content()
        needle = self.text()
        self._pending = (anchor, select, then)
        found = self.target.find(needle, self.case_box.isChecked(), MAX_MATCHES) if needle else []
        if found is None:
            self._show_count(searching=True)
        else:
            self._found(found)

    def _found(self, matches: Sequence[Match]) -> None:
        if self._pending is None:
            return  # cancelled
        (anchor, select, then), self._pending = self._pending, None
        steps, self._pending_steps = self._pending_steps, []
        self._matches = matches
        if self._matches:
            at = 0 if anchor is None else bisect.bisect_left(self._matches, anchor, key=lambda m: m.start)
            self._current = at if at < len(self._matches) else 0  # none after the anchor: the first
            if select:
                self._show_current()
        else:
            self.target.clear(collapse=True)
            self._show_count()
        if then is not None:
            then()
        for direction in steps:
            self._step(direction)

    def _show_current(self) -> None:
        match = self._matches[self._current]
        self._current_start = match.start
        self.target.show(self._matches, self._current)
        self._show_count()

    def _show_count(self, searching: bool = False) -> None:
        total = len(self._matches)
        if not self.text():
            text = ""
        elif searching:
            text = self.tr("Searching\u2026")
        elif total == 0:
            text = self.tr("No matches")
        else:
            text = self.tr("{0} of {1}").format(self._current + 1, total)
        self.count_label.setText(text)
        self.count_label.setAccessibleName(text or self.tr("Matches"))
        self.match_count_changed.emit(self._current + 1, total)
