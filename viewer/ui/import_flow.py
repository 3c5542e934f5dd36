"""Importing files into the library off the GUI thread, with progress, cancel and a choice.

Two steps, both in a worker thread with its own connection to the library: read every file
(nothing written) and find the records already there, then, once the user has chosen what to do
with any bad entries and (Replace / Keep) with records already there, write each file in one
transaction. Cancel rolls the current file back: the library is never half written.
"""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, Qt, QThread, Signal, Slot
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget

from viewer.core.importers import Cancelled, ImportFileError, ImportReport, read_file
from viewer.core.library import ImportCancelled, Library, LibraryError
from viewer.services.workers import start_worker, stop_worker
from viewer.ui.duplicates import ImportSummary, ask_replace
from viewer.ui.plain import warn


class _Worker(QObject):
    read_done = Signal(object, object, object, object)  # reports, unreadable [(path, message)], already, protected
    progress = Signal(int, int)
    write_done = Signal(object)  # ImportSummary
    write_failed = Signal(str)  # "" when cancelled

    def __init__(self, directory: Path, cancel: threading.Event) -> None:
        super().__init__()
        self._directory = directory
        self._cancel = cancel

    @Slot(object)
    def read(self, paths: list[str]) -> None:
        reports, unreadable = [], []
        for done, path in enumerate(paths):
            if self._cancel.is_set():
                break
            try:
                reports.append(read_file(path, cancelled=self._cancel.is_set))
            except Cancelled:
                break
            except Exception as exc:  # noqa: BLE001 - any reader failure names the file; the import must end
                unreadable.append((path, str(exc) if isinstance(exc, ImportFileError) else f"{path}: {exc}"))
            self.progress.emit(done + 1, len(paths))
        self.read_done.emit(reports, unreadable, *self._already_there(reports))

    def _already_there(self, reports: list[ImportReport]) -> tuple[dict[str, str], set[str]]:
        """Incoming id -> stored id for records the library holds, and which stored ones are protected."""
        entries = [e for r in reports for e in r.entries]
        if not entries or self._cancel.is_set():
            return {}, set()
        try:
            with Library.open(self._directory) as library:
                already = library.already_there(entries)
                return already, {i for i in set(already.values()) if library.is_protected(i)}
        except LibraryError:
            return {}, set()  # the write names the problem

    @Slot(object, bool, bool)
    def write(self, reports: list[ImportReport], all_or_none: bool, replace: bool) -> None:
        summary = ImportSummary()
        try:
            with Library.open(self._directory) as library:
                total = sum(len(r.entries) for r in reports) or 1
                base = 0
                for report in reports:
                    def progress(done: int, _n: int, base: int = base) -> None:
                        self.progress.emit(base + done, total)

                    outcome = library.import_report(report, all_or_none=all_or_none, replace=replace,
                                                    cancel=self._cancel.is_set, progress=progress)
                    result = outcome.result
                    summary.added.extend(result.added)
                    summary.replaced.extend(result.replaced)
                    summary.already.extend(result.existing.get(i, i) for i in result.duplicates)
                    base += len(report.entries)
        except ImportCancelled:
            self.write_done.emit(summary)  # files before the cancelled one stay imported, whole
            return
        except LibraryError as exc:
            self.write_failed.emit(str(exc))
            return
        except Exception as exc:  # noqa: BLE001 - never an exception on this thread: the import must end
            self.write_failed.emit(str(exc) or type(exc).__name__)
            return
        self.write_done.emit(summary)


class ImportFlow(QObject):
    """Runs one import at a time for a window; ``finished(added ids, ImportSummary)`` when it is over."""

    finished = Signal(object, object)
    _read = Signal(object)
    _write = Signal(object, bool, bool)

    def __init__(self, library: Library, parent: QWidget) -> None:
        super().__init__(parent)
        self._library = library
        self._window = parent
        self._cancel = threading.Event()
        self._thread: QThread | None = None
        self._worker: _Worker | None = None
        self._progress: QProgressDialog | None = None

    @property
    def busy(self) -> bool:
        return self._progress is not None

    def start(self, paths: list[str]) -> bool:
        if self.busy or not paths:
            return False
        if self._library.path is None:
            QMessageBox.warning(self._window, QCoreApplication.applicationName(),
                                self.tr("The library cannot be saved in this session, so nothing can be imported."))
            return False
        self._ensure_thread(self._library.path.parent)
        self._cancel.clear()
        self._show_progress(self.tr("Reading {0} file(s)…").format(len(paths)), len(paths))
        self._read.emit(list(paths))
        return True

    def _ensure_thread(self, folder: Path) -> None:
        if self._thread is not None:
            return
        self._worker = _Worker(folder, self._cancel)
        self._read.connect(self._worker.read)
        self._write.connect(self._worker.write)
        self._worker.progress.connect(self._on_progress)
        self._worker.read_done.connect(self._on_read)
        self._worker.write_done.connect(self._on_written)
        self._worker.write_failed.connect(self._on_failed)
        self._thread = start_worker(self, self._worker, "import", self.shutdown)

    def shutdown(self) -> None:
        if self._thread is not None:
            self._cancel.set()  # a running import rolls back its file rather than hold up the exit
        stop_worker(self._thread)
        self._thread = None

    def _show_progress(self, text: str, maximum: int) -> None:
        if self._progress is None:
            self._progress = QProgressDialog(self._window)
            self._progress.setWindowTitle(self.tr("Import"))
            # Not modal: a modal progress dialog runs the event loop inside setValue(), and the
            # user may go on reading while a large file imports (one import at a time: busy).
            self._progress.setWindowModality(Qt.WindowModality.NonModal)
            self._progress.setMinimumDuration(300)  # quick imports never flash a dialog
            self._progress.canceled.connect(self._cancel.set)
        self._progress.setLabelText(text)
        self._progress.setRange(0, maximum)
        self._progress.setValue(0)

    def _on_progress(self, done: int, total: int) -> None:
        if self._progress is not None:
            self._progress.setMaximum(total)
            self._progress.setValue(min(done, total))

    def _close_progress(self) -> None:
        if self._progress is not None:
            self._progress.reset()
            self._progress.deleteLater()
            self._progress = None

    def _on_read(self, reports: list[ImportReport], unreadable: list[tuple[str, str]],
                 already: dict[str, str], protected: set[str]) -> None:
        if self._cancel.is_set():
            self._give_up()
            return
        bad = [f"{b.file} at {b.where}: {b.reason}" for r in reports for b in r.bad] + [m for _, m in unreadable]
        good = sum(len(r.entries) for r in reports)
        all_or_none = False
        if bad:
            choice = self._ask(good, bad)
            if choice is None:
                self._give_up()
                return
            all_or_none = choice
        replace = False
        if any(stored not in protected for stored in already.values()):
            answer = ask_replace(self._window, [e.record for r in reports for e in r.entries], already, protected)
            if answer is None:
                self._give_up()
                return
            replace = answer
        self._show_progress(self.tr("Importing {0} record(s)…").format(good), max(good, 1))
        self._write.emit(reports, all_or_none, replace)

    def _give_up(self) -> None:
        self._close_progress()
        self.finished.emit([], ImportSummary())

    def _ask(self, good: int, bad: list[str]) -> bool | None:
        """True: import nothing from files with bad entries; False: import the good ones; None: cancel."""
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("Import"),
                          self.tr("{0} entries cannot be imported; {1} can.").format(len(bad), good),
                          QMessageBox.StandardButton.Cancel, self._window)
        box.setInformativeText(self.tr("Import the good entries, or nothing from a file that has a bad one? "
                                       "Show Details lists each bad entry with its place in the file."))
        box.setTextFormat(Qt.TextFormat.PlainText)  # the details quote the files
        box.setDetailedText("\n".join(bad))
        good_button = box.addButton(self.tr("Import Good Entries"), QMessageBox.ButtonRole.AcceptRole)
        none_button = box.addButton(self.tr("Import None from Those Files"), QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(good_button)
        box.exec()
        clicked = box.clickedButton()
        return False if clicked is good_button else True if clicked is none_button else None

    def _on_written(self, summary: ImportSummary) -> None:
        self._close_progress()
        self.finished.emit(list(summary.added), summary)

    def _on_failed(self, message: str) -> None:
        self._close_progress()
        warn(self._window, self.tr("Import"), message)
        self.finished.emit([], ImportSummary())
