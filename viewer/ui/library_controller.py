"""The library for the window: importing (dialog, drop), removing with Undo, and the list kept in step."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QUndoCommand, QUndoStack
from PySide6.QtWidgets import QFileDialog

from viewer.core.resources import BUNDLED_RECORD_ID

if TYPE_CHECKING:
    from viewer.ui.import_flow import ImportFlow
    from viewer.ui.main_window import MainWindow

IMPORT_FILTERS = ("Reference files (*.ris *.bib *.bibtex *.json);;RIS (*.ris);;BibTeX (*.bib *.bibtex);;"
                  "CSL-JSON or record files (*.json);;All files (*)")


class _RemoveRecords(QUndoCommand):
    def __init__(self, controller: LibraryController, ids: list[str]) -> None:
        super().__init__(controller.tr("Remove {0} record(s)").format(len(ids)))
        self._controller, self._ids = controller, ids

    def redo(self) -> None:
        library = self._controller.window.library
        self._ids = list(library.remove(self._ids))
        self._controller.library_changed()

    def undo(self) -> None:
        self._controller.window.library.restore(self._ids)
        self._controller.library_changed(select=self._ids[0] if self._ids else "")


class LibraryController(QObject):
    def __init__(self, window: MainWindow, undo_stack: QUndoStack) -> None:
        super().__init__(window)
        self.window = window
        self.undo_stack = undo_stack
        self._imports: ImportFlow | None = None  # made on first use: importing is not part of start-up

    @property
    def imports(self) -> ImportFlow:
        """The import flow (viewer.ui.import_flow), loaded on first use, off the start-up path."""
        if self._imports is None:
            from viewer.ui.import_flow import ImportFlow

            self._imports = ImportFlow(self.window.library, self.window)
            self._imports.finished.connect(self._imported)
        return self._imports

    def import_dialog(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self.window, self.tr("Import into the Library"), "", IMPORT_FILTERS)
        self.imports.start(paths)

    def open_files(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self.window, self.tr("Open Record File"), "",
                                                self.tr("Record files (*.json);;All files (*)"))
        self.imports.start(paths)

    def _imported(self, added: list[str]) -> None:
        self.library_changed(select=added[0] if added else "")
        message = self.tr("Imported 1 record.") if len(added) == 1 else self.tr("Imported {0} records.").format(len(added))
        self.window.statusBar().showMessage(message, 8000)

    def library_changed(self, select: str = "") -> None:
        """After an import, removal or undo: the list afresh, and the open record still shown."""
        window = self.window
        keep = select or window.record.id
        window.library_model.reload()
        if not window.library_panel.select_record(keep):
            window.library_panel.select_record(BUNDLED_RECORD_ID)  # the open record was removed
        window.update_actions()

    def removable_selection(self) -> list[str]:
        library = self.window.library
        return [i for i in self.window.library_panel.selected_record_ids() if not library.is_protected(i)]

    def remove_selected(self) -> None:
        ids = self.removable_selection()
        if ids:
            self.undo_stack.push(_RemoveRecords(self, ids))
            self.window.statusBar().showMessage(
                self.tr("Removed {0} record(s). Undo brings them back.").format(len(ids)), 8000)

    def shutdown(self) -> None:
        if self._imports is not None:
            self._imports.shutdown()
