"""The library for the window: importing (dialog, drop), removing with Undo, and the list kept in step."""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, TypeVar

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QUndoCommand, QUndoStack
from PySide6.QtWidgets import QFileDialog

from viewer.core.library import Library, LibraryError
from viewer.core.resources import BUNDLED_RECORD_ID
from viewer.ui.plain import warn

T = TypeVar("T")

if TYPE_CHECKING:
    from viewer.ui.import_flow import ImportFlow
    from viewer.ui.main_window import MainWindow

IMPORT_FILTERS = ("Reference files (*.ris *.bib *.bibtex *.json);;RIS (*.ris);;BibTeX (*.bib *.bibtex);;"
                  "CSL-JSON or record files (*.json);;All files (*)")


WRITE_WAIT_S = 0.25  # how long Delete or Undo waits for another copy's write before saying "busy"


class _RemoveRecords(QUndoCommand):
    """A removal that has happened (pushed only after it did): Undo restores what is still there."""

    def __init__(self, controller: LibraryController, ids: list[str]) -> None:
        super().__init__(controller.tr("Remove {0} record(s)").format(len(ids)))
        self._controller, self._ids = controller, ids
        self._done = True  # push() calls redo(): the removal is already made

    def redo(self) -> None:
        if self._done:
            return
        removed = self._controller.write(lambda lib: lib.remove(self._ids, wait=WRITE_WAIT_S))
        if removed is None:
            self.setObsolete(True)  # nothing happened: the stack must not hold it
            return
        self._ids, self._done = list(removed), True
        self._controller.library_changed()

    def undo(self) -> None:
        restored = self._controller.write(lambda lib: lib.restore(self._ids, wait=WRITE_WAIT_S))
        if restored is None:  # busy or failed: still removed, so Undo stays offered
            self.setObsolete(True)
            self._controller.repush(self._ids)
            return
        self._done = False
        lost = len(self._ids) - len(restored)
        self._controller.library_changed(select=restored[0] if restored else "")
        if lost:
            self.setObsolete(True)
            self._controller.say(self._controller.tr(
                "{0} record(s) cannot be brought back: they were deleted for good (by another copy of "
                "the program, or from the library file).").format(lost))


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
        if not ids:
            return
        removed = self.write(lambda lib: lib.remove(ids, wait=WRITE_WAIT_S))
        if not removed:
            return
        self.undo_stack.push(_RemoveRecords(self, list(removed)))
        self.library_changed()
        self.say(self.tr("Removed {0} record(s). Undo brings them back.").format(len(removed)))

    def repush(self, ids: list[str]) -> None:
        """Offers Undo again for a removal whose undo could not be made (after the stack settles)."""
        QTimer.singleShot(0, lambda: self.undo_stack.push(_RemoveRecords(self, ids)))

    def write(self, change: Callable[[Library], T]) -> T | None:
        """One change to the library; a failure is told in a message naming the cause, never raised."""
        try:
            return change(self.window.library)
        except LibraryError as exc:
            warn(self.window, self.tr("Library"), self.explain(exc))
            return None

    def explain(self, exc: LibraryError) -> str:
        if "busy" in exc.problem:
            return self.tr("Another copy of the program is writing to the library (an import?). "
                           "Nothing was changed: try again when it finishes.")
        return self.tr("The library could not be changed; nothing was changed.\n\n{0}").format(exc)

    def say(self, message: str) -> None:
        self.window.statusBar().showMessage(message, 8000)

    def shutdown(self) -> None:
        if self._imports is not None:
            self._imports.shutdown()
        try:
            self.window.library.end_session()  # this copy's removals can no longer be undone
        except LibraryError:
            pass  # another copy is writing: a later start-up purges them (this session is dead by then)
