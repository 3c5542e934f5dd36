"""The library for the window: importing (dialog, drop, clipboard), removing with Undo, and the list kept in step."""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, TypeVar

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QGuiApplication, QUndoCommand, QUndoStack
from PySide6.QtWidgets import QLabel

from viewer.core.library import Library, LibraryError
from viewer.core.library.health import QUICK_CHECK_MAX_BYTES
from viewer.core.oneline import one_line
from viewer.core.resources import BUNDLED_RECORD_ID
from viewer.ui.duplicates import ImportSummary, summary_line
from viewer.ui.plain import warn

T = TypeVar("T")

if TYPE_CHECKING:
    from viewer.core.importers import ImportReport
    from viewer.ui.import_flow import ImportFlow
    from viewer.ui.main_window import MainWindow

IMPORT_FILTERS = ("Reference files (*.html *.htm *.txt *.ris *.bib *.bibtex *.json);;"
                  "NCJRS record pages (*.html *.htm *.txt);;RIS (*.ris);;BibTeX (*.bib *.bibtex);;"
                  "CSL-JSON or record files (*.json);;All files (*)")


WRITE_WAIT_S = 0.25  # how long Delete or Undo waits for another copy's write before saying "busy"


def _clipboard_report() -> tuple[ImportReport | None, str]:
    """The clipboard read as an import (its HTML when that is a titled page, else its text), or
    None and the one-line reason nothing can be taken from it."""
    from viewer.core.importers import ImportFileError, read_clipboard

    clipboard = QGuiApplication.clipboard()
    mime = clipboard.mimeData() if clipboard is not None else None
    text = mime.text() if mime is not None and mime.hasText() else ""
    html = mime.html() if mime is not None and mime.hasHtml() else None
    try:
        report = read_clipboard(text, html)
    except ImportFileError as exc:
        return None, one_line(exc.problem)
    if not report.entries:
        return None, one_line(report.bad[0].reason if report.bad else "the clipboard holds no record")
    return report, ""


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


def read_only_label(window: MainWindow) -> QLabel:
    label = QLabel(window.tr("Read-only library"))
    label.setObjectName("read_only")
    label.setToolTip(window.tr("The library is on a read-only disk: it can be read and searched, "
                               "but nothing can be imported, removed or attached."))
    return label


class LibraryController(QObject):
    def __init__(self, window: MainWindow, undo_stack: QUndoStack) -> None:
        super().__init__(window)
        self.window = window
        self.undo_stack = undo_stack
        self._imports: ImportFlow | None = None  # made on first use: importing is not part of start-up
        if window.library.read_only:
            window.statusBar().addPermanentWidget(read_only_label(window))
        QTimer.singleShot(0, self._tell_damage)

    def _tell_damage(self) -> None:
        """At start, for a library small enough to read at once (as its quick check): damaged records
        said in the status bar; Record ▸ Damaged Records lists them for a library of any size."""
        path = self.window.library.path
        try:
            if path is None or path.stat().st_size > QUICK_CHECK_MAX_BYTES:
                return
            ids = self.window.library.damaged()
        except (OSError, LibraryError):
            return
        if ids:
            self.window.statusBar().showMessage(self.tr(
                "{0} record(s) are damaged: Record ▸ Damaged Records lists them.").format(len(ids)))

    def show_damaged(self) -> None:
        """Record ▸ Damaged Records: the one place damaged records are listed."""
        try:
            ids = self.window.library.damaged_titles()
        except LibraryError as exc:
            warn(self.window, self.tr("Damaged Records"), self.explain(exc))
            return
        if not ids:
            text = self.tr("No record in your library is damaged.")
        else:
            listed = "\n".join(f"{record_id}  {one_line(title)}" for record_id, title in ids[:50])
            text = self.tr("{0} record(s) cannot be read: their stored data is damaged. Searches pass over "
                           "them; remove them and import them again.\n\n{1}").format(len(ids), listed)
            if len(ids) > 50:
                text += "\n" + self.tr("… and {0} more.").format(len(ids) - 50)
        from PySide6.QtWidgets import QMessageBox  # on use (start-up)

        box = QMessageBox(QMessageBox.Icon.Information if not ids else QMessageBox.Icon.Warning,
                          self.tr("Damaged Records"), text, QMessageBox.StandardButton.Ok, self.window)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setObjectName("damaged_records")
        box.open()

    @property
    def imports(self) -> ImportFlow:
        """The import flow (viewer.ui.import_flow), loaded on first use, off the start-up path."""
        if self._imports is None:
            from viewer.ui.import_flow import ImportFlow

            self._imports = ImportFlow(self.window.library, self.window)
            self._imports.finished.connect(self._imported)
        return self._imports

    def import_dialog(self) -> None:
        from PySide6.QtWidgets import QFileDialog  # on use (start-up)

        paths, _ = QFileDialog.getOpenFileNames(self.window, self.tr("Import into the Library"), "", IMPORT_FILTERS)
        self.imports.start(paths)

    def open_files(self) -> None:
        from PySide6.QtWidgets import QFileDialog  # on use (start-up)

        paths, _ = QFileDialog.getOpenFileNames(self.window, self.tr("Open Record File"), "",
                                                self.tr("Record files (*.json);;All files (*)"))
        self.imports.start(paths)

    def _imported(self, added: list[str], summary: ImportSummary, select: str = "") -> None:
        self.library_changed(select=select or (added[0] if added else ""), reload=summary.replaced)
        self.window.statusBar().showMessage(summary_line(summary), 15000)

    def import_clipboard(self) -> None:
        """File ▸ Import from Clipboard (and Ctrl+V in the list): the page (or RIS, BibTeX, CSL-JSON)
        on the clipboard is added and opened; anything else is refused in one line, nothing stored."""
        window = self.window
        report, problem = _clipboard_report()
        if report is None:
            window.statusBar().showMessage(self.tr("Nothing imported: {0}").format(problem), 15000)
            return
        if window.library.path is None:  # a library in memory: show the record, promise nothing
            window.show_record(report.entries[0].record)
            window.statusBar().showMessage(self.tr("Shown, not added: the library cannot be saved in this session."))
            return
        self._add_pasted(report)

    def _add_pasted(self, report: ImportReport) -> None:
        from viewer.ui.duplicates import ask_replace

        library = self.window.library
        try:
            already = library.already_there(report.entries)
            protected = {i for i in already.values() if library.is_protected(i)}
            replace = False
            if any(stored not in protected for stored in already.values()):
                answer = ask_replace(self.window, {r.id: r.title for r in report.records}, already, protected)
                if answer is None:
                    return
                replace = answer
            result = library.add_records(report.entries, replace=replace)
        except LibraryError as exc:
            from PySide6.QtWidgets import QMessageBox  # on use (start-up)

            QMessageBox.warning(self.window, self.tr("Import"), one_line(str(exc)))
            return
        first = report.entries[0].record.id
        summary = ImportSummary(list(result.added), [result.existing.get(i, i) for i in result.duplicates],
                                list(result.replaced), len(report.bad))
        self._imported(summary.added, summary, select=already.get(first, first) if first not in result.added else first)

    def library_changed(self, select: str = "", reload: list[str] | tuple[str, ...] = ()) -> None:
        """After an import, removal or undo: the list afresh, and the open record still shown
        (read again when an import replaced it)."""
        window = self.window
        keep = select or window.record.id
        window.library_model.reload()
        if window.record.id in reload and window.record.id == keep:
            window.open_record(keep, reload=True)  # the list selection does not move: no signal
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
        self.window.library_panel.shutdown()  # a count running is interrupted, never waited for long
        if self._imports is not None:
            self._imports.shutdown()
        try:
            self.window.library.end_session()  # this copy's removals can no longer be undone
        except LibraryError:
            pass  # another copy is writing: a later start-up purges them (this session is dead by then)
