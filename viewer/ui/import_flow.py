"""Importing files into the library off the GUI thread, with progress, cancel and a choice.

Two steps, both in a worker thread with its own connection to the library: read every file
(nothing written) and find the records already there, then, once the user has chosen what to do
with any bad entries and (Replace / Keep) with records already there, write each file in one
transaction (files of one record, such as pages, a thousand records a transaction). Cancel rolls
the current transaction back: the library is never half written. RIS, CSL-JSON and BibTeX are
streamed in both steps (read again to be written), so neither holds a file's records.
"""

from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, Qt, QThread, Signal, Slot
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget

from viewer.core.importers import BadEntry, Cancelled, ImportFileError, ImportReport, ImportStream, stream_file
from viewer.core.importers.batching import batches
from viewer.core.library import ImportCancelled, Library, LibraryError
from viewer.services.workers import start_worker, stop_worker
from viewer.ui.duplicates import ImportSummary, ask_replace
from viewer.ui.plain import warn


KEEP_PARSED = 200  # files of one record whose records the read step keeps (a constant, not the file count)


@dataclass
class _File:
    """One file as the read step found it. RIS, CSL-JSON and BibTeX are read again as they are written
    (``report`` None), so neither step holds every record; files of one record (pages, record
    files) are kept as read for the first KEEP_PARSED of them, and read again after that."""

    path: str
    report: ImportReport | None
    good: int
    bad: list[BadEntry]
    already: dict[str, str] = field(default_factory=dict)  # incoming id -> stored id
    titles: dict[str, str] = field(default_factory=dict)  # incoming id -> title, of those already there


class _Worker(QObject):
    read_done = Signal(object, object, object)  # files [_File], unreadable [(path, message)], protected
    progress = Signal(int, int)
    write_done = Signal(object)  # ImportSummary
    write_failed = Signal(str)  # "" when cancelled

    def __init__(self, directory: Path, cancel: threading.Event) -> None:
        super().__init__()
        self._directory = directory
        self._cancel = cancel
        self._kept = 0  # files whose records the read step keeps for the write step

    @Slot(object)
    def read(self, paths: list[str]) -> None:
        self._kept = 0
        files: list[_File] = []
        unreadable: list[tuple[str, str]] = []
        try:
            library: Library | None = Library.open(self._directory)
        except LibraryError:
            library = None  # the write names the problem
        try:
            for done, path in enumerate(paths):
                if self._cancel.is_set():
                    break
                try:
                    files.append(self._scan(library, path))
                except Cancelled:
                    break
                except Exception as exc:  # noqa: BLE001 - any reader failure names the file; the import must end
                    unreadable.append((path, str(exc) if isinstance(exc, ImportFileError) else f"{path}: {exc}"))
                self.progress.emit(done + 1, len(paths))
            stored = {i for f in files for i in f.already.values()}
            protected = {i for i in stored if library is not None and library.is_protected(i)}
        finally:
            if library is not None:
                library.close()
        self.read_done.emit(files, unreadable, protected)

    def _scan(self, library: Library | None, path: str) -> _File:
        """Read one file, asking the library a batch at a time which records it holds already."""
        report = stream_file(path, cancelled=self._cancel.is_set)
        keep = isinstance(report, ImportReport) and self._kept < KEEP_PARSED
        self._kept += keep
        found = _File(path, report if keep and isinstance(report, ImportReport) else None, 0, report.bad)
        entries = iter(report.entries)
        while batch := list(itertools.islice(entries, 1_000)):
            if library is not None and not self._cancel.is_set():
                try:
                    there = library.already_there(batch)
                except LibraryError:
                    library, there = None, {}
                found.already.update(there)
                found.titles.update((e.record.id, e.record.title) for e in batch if e.record.id in there)
        found.good = report.good
        return found

    @Slot(object, bool, bool)
    def write(self, files: list[_File], all_or_none: bool, replace: bool) -> None:
        """Each file in a transaction, except files of one record (pages), a thousand a transaction."""
        summary = ImportSummary()
        try:
            with Library.open(self._directory) as library:
                total = sum(f.good for f in files) or 1
                written = [0]

                def write(report: ImportReport | ImportStream | None) -> None:
                    if report is None:
                        return
                    base = written[0]
                    outcome = library.import_report(report, all_or_none=all_or_none, replace=replace,
                                                    cancel=self._cancel.is_set,
                                                    progress=lambda done, _n: self.progress.emit(base + done, total))
                    summary.added.extend(outcome.result.added)
                    summary.replaced.extend(outcome.result.replaced)
                    summary.already.extend(outcome.result.existing.get(i, i) for i in outcome.result.duplicates)
                    written[0] += report.good

                readable = (file.report or stream_file(file.path, cancelled=self._cancel.is_set)
                            for file in files if not (all_or_none and file.bad))  # a bad file: nothing from it
                for report in batches(readable):
                    write(report)
        except (ImportCancelled, Cancelled):
            self.write_done.emit(summary)  # what was written before the cancelled transaction stays, whole
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
        if self._library.path is None or self._library.read_only:
            QMessageBox.warning(self._window, QCoreApplication.applicationName(), self.tr(
                "The library is on a read-only disk, so nothing can be imported." if self._library.read_only else
                "The library cannot be saved in this session, so nothing can be imported."))
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

    def _on_read(self, files: list[_File], unreadable: list[tuple[str, str]], protected: set[str]) -> None:
        if self._cancel.is_set():
            self._give_up()
            return
        bad = [f"{b.file} at {b.where}: {b.reason}" for f in files for b in f.bad] + [m for _, m in unreadable]
        good = sum(f.good for f in files)
        all_or_none = False
        if bad:
            choice = self._ask(good, bad)
            if choice is None:
                self._give_up()
                return
            all_or_none = choice
        replace = False
        already = {new: stored for f in files for new, stored in f.already.items()}
        if any(stored not in protected for stored in already.values()):
            titles = {new: title for f in files for new, title in f.titles.items()}
            answer = ask_replace(self._window, titles, already, protected)
            if answer is None:
                self._give_up()
                return
            replace = answer
        self._show_progress(self.tr("Importing {0} record(s)…").format(good), max(good, 1))
        self._write.emit(files, all_or_none, replace)

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
