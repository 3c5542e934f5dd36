"""The citation styles the panel offers, as a Qt list model: the short list and the recently used
styles on top, then every style of the CSL repository and the user's own.

Only the short list is there until :meth:`StyleListModel.load` reads the style index (about a
tenth of a second), which the panel does when it is first shown, never at start-up. Each row has
a search text (title and id, case-folded) the style box's completer filters on.
"""

from __future__ import annotations

from bisect import bisect_right
from pathlib import Path
from typing import Any, NamedTuple

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from viewer.citeproc import citation

StyleIdRole = Qt.ItemDataRole.UserRole  # QComboBox.currentData() reads this role
SearchRole = Qt.ItemDataRole.UserRole + 2
PinnedRole = Qt.ItemDataRole.UserRole + 3  # True for the short list and the recent styles
# The completer lists at most this many matches (a popup of thousands of rows costs tens of ms a
# keystroke and helps nobody: the next letter narrows it); the panel says how many match.
RESULTS_SHOWN = 200

Index = QModelIndex | QPersistentModelIndex


class StyleRow(NamedTuple):
    id: str
    title: str
    pinned: bool
    search: str  # "title  id", case-folded


def _row(style_id: str, title: str, pinned: bool) -> StyleRow:
    return StyleRow(style_id, title, pinned, f"{title}  {style_id}".casefold())


class StyleListModel(QAbstractListModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._titles: dict[str, str] = {s.id: s.name for s in citation.STYLES}
        self._everything: list[tuple[str, str]] = []  # (id, title) of every style, once loaded
        self._recent: list[str] = []
        self.loaded = False
        self._rows: list[StyleRow] = []
        self._joined: tuple[str, list[int]] | None = None  # every row's search text, for matching()
        self._arrange()

    # --- what is listed ---

    def load(self, user_styles: Path | None) -> None:
        """Reads every style (bundled and the user's): the rows below the pinned ones."""
        from viewer.citeproc import style_repo

        self._everything = [(info.id, info.title) for info in style_repo.all_styles(user_styles)]
        offered = set(citation.style_ids())  # the short list keeps its own names
        self._titles.update((sid, title) for sid, title in self._everything if sid not in offered)
        self.loaded = True
        self._reset()

    def set_recent(self, style_ids: list[str]) -> None:
        self._recent = list(style_ids)
        self._reset()

    def title(self, style_id: str) -> str:
        return self._titles.get(style_id, style_id)

    def matching(self, text: str, limit: int = RESULTS_SHOWN) -> tuple[list[StyleRow], bool]:
        """The first ``limit`` rows whose title or id holds every word of ``text`` (case-insensitive),
        pinned first, and whether more match.

        The first word is found with str.find in one text of every row (a C loop: about a
        millisecond over every style, where a Python test a row takes ten), and the scan stops
        once the list is full; the other words are checked on what it found."""
        words = text.casefold().split()
        if not words:
            return [], False
        haystack, starts = self._haystack()
        found: list[StyleRow] = []
        position = haystack.find(words[0])
        while position >= 0:
            row = bisect_right(starts, position) - 1
            if all(word in self._rows[row].search for word in words[1:]):
                if len(found) == limit:
                    return found, True
                found.append(self._rows[row])
            next_start = starts[row + 1] if row + 1 < len(starts) else len(haystack)
            position = haystack.find(words[0], next_start)
        return found, False

    def _haystack(self) -> tuple[str, list[int]]:
        if self._joined is None:
            starts, at = [], 0
            for row in self._rows:
                starts.append(at)
                at += len(row.search) + 1
            self._joined = ("\n".join(row.search for row in self._rows), starts)
        return self._joined

    def row_of(self, style_id: str) -> int:
        return next((i for i, row in enumerate(self._rows) if row.id == style_id), -1)

    def ensure(self, style_id: str) -> int:
        """The row of ``style_id``, added to the pinned ones if it is not listed (a remembered style
        before the index is loaded); -1 for an empty id."""
        if not style_id:
            return -1
        if self.row_of(style_id) < 0:
            self._recent.insert(0, style_id)
            self._reset()
        return self.row_of(style_id)

    def _pinned_ids(self) -> list[str]:
        return list(dict.fromkeys(citation.style_ids() + self._recent))

    def _arrange(self) -> None:
        pinned = self._pinned_ids()
        rows = [_row(sid, self.title(sid), True) for sid in pinned]
        skip = set(pinned)
        rows += [_row(sid, title, False) for sid, title in self._everything if sid not in skip]
        self._rows = rows
        self._joined = None

    def _reset(self) -> None:
        self.beginResetModel()
        self._arrange()
        self.endResetModel()

    # --- QAbstractListModel ---

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802 - Qt override
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == SearchRole:
            return row.search
        if role == PinnedRole:
            return row.pinned
        return _row_data(row, role)


def _row_data(row: StyleRow, role: int) -> Any:
    """What both style lists show of a row: its title, and its id as tooltip and StyleIdRole."""
    if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
        return row.title
    if role in (Qt.ItemDataRole.ToolTipRole, StyleIdRole):
        return row.id
    return None


class StyleResults(QAbstractListModel):
    """The styles that match what is typed in the style box (its completer's list)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[StyleRow] = []

    def set_rows(self, rows: list[StyleRow]) -> None:
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802 - Qt override
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        return _row_data(self._rows[index.row()], role)
