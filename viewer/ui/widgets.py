"""Small widget builders shared by the panels."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QLineEdit


class SearchField(QLineEdit):
    """A search box with the keys of a search box: Escape clears it (a second Escape goes to its
    results), Down, Enter or Return moves into its results (the first row when none is current)."""

    def __init__(self) -> None:
        super().__init__()
        self._results: QAbstractItemView | None = None

    def set_results(self, view: QAbstractItemView) -> None:
        self._results = view

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        key, plain = event.key(), event.modifiers() in (Qt.KeyboardModifier.NoModifier,
                                                         Qt.KeyboardModifier.KeypadModifier)
        if self._results is not None and plain and key == Qt.Key.Key_Escape:
            if self.text():
                self.clear()
            else:
                self._results.setFocus(Qt.FocusReason.ShortcutFocusReason)
            event.accept()
            return
        if self._results is not None and plain and key in (Qt.Key.Key_Down, Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.enter_results()
            event.accept()
            return
        super().keyPressEvent(event)

    def enter_results(self) -> None:
        view = self._results
        if view is None:
            return
        model = view.model()
        if not view.currentIndex().isValid() and model is not None and model.rowCount():
            view.setCurrentIndex(model.index(0, 0))
        view.setFocus(Qt.FocusReason.ShortcutFocusReason)


def search_field(object_name: str, label: str, description: str) -> SearchField:
    """A search box: its label as placeholder and accessible name, a clear button, a description."""
    field = SearchField()
    field.setObjectName(object_name)
    field.setPlaceholderText(label)
    field.setClearButtonEnabled(True)
    field.setAccessibleName(label)
    field.setAccessibleDescription(description)
    return field
