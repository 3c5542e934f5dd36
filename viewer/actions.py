"""Every QAction of the program in one place, keyed by name, with its shortcut."""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence

StandardKey = QKeySequence.StandardKey


class Actions(QObject):
    """Creates the actions; the main window connects them and lays them into menus."""

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self.copy = self._make(self.tr("&Copy"), StandardKey.Copy,
                               tip=self.tr("Copy the selected text"))
        self.copy_citation = self._make(self.tr("Copy C&itation"), QKeySequence("Ctrl+Shift+C"),
                                        tip=self.tr("Copy the citation of this record"))
        self.open_source = self._make(self.tr("Open Record &Page in Browser"),
                                      tip=self.tr("Open the record's page in the NCJRS Virtual Library"))
        self.quit = self._make(self.tr("&Quit"), StandardKey.Quit, role=QAction.MenuRole.QuitRole)
        self.about = self._make(self.tr("&About NCJRS Reference Viewer"), role=QAction.MenuRole.AboutRole)
        self.about_qt = self._make(self.tr("About &Qt"), role=QAction.MenuRole.AboutQtRole)

    def _make(self, text: str, shortcut=None, tip: str = "",
              role: QAction.MenuRole = QAction.MenuRole.NoRole) -> QAction:
        action = QAction(text, self.parent())
        if shortcut is not None:
            action.setShortcut(shortcut if isinstance(shortcut, QKeySequence) else QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
            action.setToolTip(tip)
        action.setMenuRole(role)
        return action

    def all(self) -> dict[str, QAction]:
        return {name: value for name, value in vars(self).items() if isinstance(value, QAction)}
