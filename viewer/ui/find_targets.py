"""What the find bar (viewer.ui.find_bar) searches: a *target*. :class:`TextTarget` for a QTextEdit or
QTextBrowser; the report's is viewer.ui.report_panel.ReportTarget.

In a text, every match is highlighted with an ``ExtraSelection``. The current one is also the
editor's selection (so Copy takes it and a screen reader follows it) and is scrolled into view; it
is drawn in the editor palette's Highlight / HighlightedText colours, which follow the light or dark
theme. The other matches are a fixed pale yellow with their own black text, readable on either
palette (as Qt Creator and Firefox do it). The target only adds and removes its own extra selections
(tagged with a format property), so other highlights set on the same editor survive a search.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QColor, QPalette, QTextCharFormat, QTextCursor, QTextDocument, QTextFormat
from PySide6.QtWidgets import QTextEdit, QWidget

MATCH_BACKGROUND = QColor("#ffe970")  # pale yellow: every match but the current one
MATCH_FOREGROUND = QColor("#000000")  # with black text, whatever the palette's text colour

# Marks the extra selections that belong to the find bar.
FIND_PROPERTY = int(QTextFormat.Property.UserProperty) + 0x46B


def _is_ours(selection: QTextEdit.ExtraSelection) -> bool:
    return bool(selection.format.property(FIND_PROPERTY))


@dataclass(frozen=True)
class Match:
    """A match: where it starts and ends (comparable positions: an int in a text, (page, char) in a
    report) and what the target needs to show it."""

    start: Any
    end: Any
    data: Any = None


class FindTarget(QObject):
    """What the bar searches. ``changed`` when the content may have changed (searched again);
    ``found(matches)`` when a search that :meth:`find` left under way is done."""

    changed = Signal()
    found = Signal(object)  # Sequence[Match], in order
    label = "section"  # "Find in section"

    @property
    def widget(self) -> QWidget:
        """Where the focus goes back when the bar closes."""
        raise NotImplementedError

    def selected_text(self) -> str:
        """A selection to search for when the bar opens ("" for none)."""
        return ""

    def selection(self) -> tuple[Any, Any]:
        """The selection (or the cursor, or the place shown): a search starts at its start."""
        raise NotImplementedError

    def content(self) -> object:
        """What is searched: the same content after ``changed`` keeps the current match."""
        raise NotImplementedError

    def find(self, needle: str, case_sensitive: bool, limit: int) -> Sequence[Match] | None:
        """The matches, in order; or None: they come later, by ``found`` (a newer find supersedes it)."""
        raise NotImplementedError

    def cancel(self) -> None:
        """A search left under way by :meth:`find` never answers."""

    def show(self, matches: Sequence[Match], current: int) -> None:
        """Highlights the matches and selects and scrolls to the current one."""
        raise NotImplementedError

    def clear(self, collapse: bool = False) -> None:
        """Removes the highlights; ``collapse`` also leaves no stale match selected."""
        raise NotImplementedError


class TextTarget(FindTarget):
    def __init__(self, editor: QTextEdit) -> None:
        super().__init__(editor)
        self.editor = editor
        editor.textChanged.connect(self.changed)

    @property
    def widget(self) -> QWidget:
        return self.editor

    def selected_text(self) -> str:
        return self.editor.textCursor().selectedText()

    def selection(self) -> tuple[int, int]:
        cursor = self.editor.textCursor()
        return cursor.selectionStart(), cursor.selectionEnd()

    def content(self) -> str:
        return self.editor.toPlainText()

    def find(self, needle: str, case_sensitive: bool, limit: int) -> list[Match]:
        flags = QTextDocument.FindFlag(0)
        if case_sensitive:
            flags |= QTextDocument.FindFlag.FindCaseSensitively
        document = self.editor.document()
        cursor = QTextCursor(document)
        matches: list[Match] = []
        while len(matches) < limit:
            cursor = document.find(needle, cursor, flags)
            if cursor.isNull():
                break
            matches.append(Match(cursor.selectionStart(), cursor.selectionEnd(), cursor))
        return matches

    def show(self, matches: Sequence[Match], current: int) -> None:
        self.editor.setTextCursor(matches[current].data)
        self.editor.ensureCursorVisible()
        selections = []
        for i, match in enumerate(matches):
            selection = QTextEdit.ExtraSelection()
            selection.cursor = match.data
            selection.format = self._format(current=i == current)
            selections.append(selection)
        self._set_highlights(selections)

    def clear(self, collapse: bool = False) -> None:
        cursor = self.editor.textCursor()
        if collapse and cursor.hasSelection():
            cursor.setPosition(cursor.selectionStart())
            self.editor.setTextCursor(cursor)
        self._set_highlights([])

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
