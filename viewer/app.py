"""Start-up of the window: QApplication, settings, the library and the record to show first.

The command line (:mod:`viewer.cli`) calls :func:`run_gui` when no subcommand is given.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, Callable, cast

from viewer import APP_NAME, __version__
from viewer.cli import PROG, library_dir
from viewer.core.record import RecordError

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication, QWidget

    from viewer.core.library import Library


def run_gui(args: argparse.Namespace) -> int:
    from viewer.core.library import LibraryError
    from viewer.core.resources import bundled_record
    from viewer.services.citation_service import CitationService
    from viewer.ui import clipboard
    from viewer.ui import settings as keys
    from viewer.ui.crash_report import report_unexpected
    from viewer.ui.main_window import MainWindow
    from viewer.ui.settings import Settings

    app = _application()

    problems: list[str] = []
    settings = Settings(args.settings)
    library = _open_library_for_window(args, problems)
    record = bundled_record()
    if args.file:
        from viewer.core.importers.shown import load_record_or_page
        try:
            record = load_record_or_page(args.file)  # shown, never added to the library
        except RecordError as exc:
            problems.append(f"The file could not be opened.\n\n{exc}\n\n"
                            f"Showing the bundled record instead.")
    else:
        wanted = args.record or settings.get(keys.LAST_RECORD)
        try:
            record = library.get(wanted) if wanted else record
        except (KeyError, LibraryError):
            if args.record:
                problems.append(f"The library has no record '{args.record}'. Showing the bundled record instead.")
    # Rendered citations are kept beside the library: the program writes nowhere else but settings.
    citations = CitationService(library.path.parent / "citation-cache" if library.path else None)
    window = MainWindow(record, settings, section_id=args.section, citations=citations, library=library)
    _close_on_sigterm(window)  # before the window can be seen: a SIGTERM from then on closes it
    window.show()
    _after_first_paint(window, window.warm_citations)  # the citation engine: not for the first paint
    if settings.warnings:  # every warning, not only the last
        window.statusBar().showMessage("  ·  ".join(settings.warnings), 15000)
    for warning in settings.warnings:
        print(f"{PROG}: warning: {warning}", file=sys.stderr)
    from viewer.services.workers import exit_code
    from viewer.ui.plain import warn
    for problem in problems:  # plain text: they quote file names, arguments and library errors
        if window.isVisible():
            warn(window, APP_NAME, problem)
    if not window.isVisible():  # closed (SIGTERM) while a warning was shown: no loop to wait in
        return exit_code(0)

    if app.platformName() == "offscreen":
        # Offscreen Qt can crash at exit holding Python-made clipboard data; there is no
        # user clipboard to keep there, so empty it first. A real desktop keeps the copy.
        app.aboutToQuit.connect(clipboard.clear)
    sys.excepthook = report_unexpected
    return exit_code(app.exec())


def _after_first_paint(window: QWidget, work: Callable[[], None]) -> None:
    """Runs ``work`` once the window has painted (from the event loop, after that paint): what the
    first paint does not need waits, and the window maps and paints sooner."""
    from PySide6.QtCore import QEvent, QObject, QTimer

    def later() -> None:
        if window.isVisible():  # closed at once (Ctrl+Q, SIGTERM): nothing is started after the close
            work()

    class FirstPaint(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
            if event.type() == QEvent.Type.Paint:
                window.removeEventFilter(self)
                QTimer.singleShot(0, later)
            return False

    window.installEventFilter(FirstPaint(window))


def _close_on_sigterm(window: QWidget) -> None:
    """SIGTERM (a session ending, ``kill``) closes the window as Ctrl+Q does: settings are saved and
    workers stopped. Python runs signal handlers only between bytecodes, and the Qt event loop
    holds the thread in C++, so the signal wakes the loop through a pipe (set_wakeup_fd)."""
    import os
    import signal

    from PySide6.QtCore import QSocketNotifier
    from PySide6.QtWidgets import QApplication, QDialog

    if not hasattr(signal, "SIGTERM") or sys.platform == "win32":
        return
    reader, writer = os.pipe()  # not a socket pair: importing socket costs start-up time
    os.set_blocking(reader, False)
    os.set_blocking(writer, False)
    signal.set_wakeup_fd(writer)
    signal.signal(signal.SIGTERM, lambda *_: None)  # the handler only has to exist; the notifier acts
    notifier = QSocketNotifier(reader, QSocketNotifier.Type.Read, window)

    def woken() -> None:
        try:
            signals = os.read(reader, 64)
        except OSError:
            return
        if signal.SIGTERM.value in signals:
            for widget in QApplication.topLevelWidgets():  # an open dialog's own event loop ends too
                if isinstance(widget, QDialog) and widget.isVisible():
                    widget.reject()
            window.close()

    notifier.activated.connect(woken)
    def restore() -> None:
        previous = signal.set_wakeup_fd(-1)
        if previous != writer:  # another window's since (tests make many): theirs stays
            signal.set_wakeup_fd(previous)
        with suppress(RuntimeError):  # Qt may have deleted it first
            notifier.setEnabled(False)
        os.close(reader)
        os.close(writer)

    window.destroyed.connect(restore)


def _application() -> QApplication:
    """The QApplication with the program's names and icon. One made before (the tests' qapp) is reused."""
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    from viewer.core.resources import resource_path

    app = cast(QApplication, QApplication.instance() or QApplication([PROG]))
    app.setApplicationDisplayName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("io.github.ncjrs_viewer")
    icon = resource_path("icons", "ncjrs-viewer.svg")
    if icon.is_file():
        app.setWindowIcon(QIcon(str(icon)))
    return app


@contextmanager
def _upgrade_notice(directory: Path) -> Iterator[None]:
    """A small window saying why the start waits while a large library is upgraded (it blocks)."""
    from viewer.core.library import library_file
    from viewer.core.library.schema import upgrade_due, upgrade_notice

    due = upgrade_due(library_file(directory))
    if not due:
        yield
        return
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication, QLabel

    label = QLabel(upgrade_notice(due))
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setMargin(24)
    label.setWindowTitle("NCJRS Reference Viewer")
    label.setObjectName("upgradeNotice")
    label.resize(440, 120)
    label.show()
    for _ in range(3):  # mapped and painted before the wait begins
        QApplication.processEvents()
    try:
        yield
    finally:
        label.close()
        label.deleteLater()


def _open_library_for_window(args: argparse.Namespace, problems: list[str]) -> Library:
    """The user's library; a damaged or newer one is set aside untouched and a new one begun, and a
    folder that cannot be used gives a library in memory. Each case is told to the user."""
    from viewer.core.library import (
        CorruptLibraryError,
        ForeignDatabaseError,
        Library,
        LibraryError,
        NewerLibraryError,
        set_aside,
    )

    directory = library_dir(args)
    try:
        with _upgrade_notice(directory):
            library = Library.open(directory)
    except (CorruptLibraryError, NewerLibraryError, ForeignDatabaseError) as exc:
        try:
            kept = set_aside(directory, "newer" if isinstance(exc, NewerLibraryError) else "damaged")
            library = Library.open(directory)
            problems.append(f"Your library could not be opened: {exc}\n\nIt was kept, untouched, as {kept}. "
                            f"A new library was started.")
        except (OSError, LibraryError) as again:
            problems.append(f"Your library could not be opened: {exc}\n\n({again}) "
                            f"Only the bundled record is available, and imports are not saved this session.")
            return Library.open(None)
    except LibraryError as exc:
        problems.append(f"The library folder cannot be used: {exc}\n\n"
                        f"Only the bundled record is available, and imports are not saved this session.")
        return Library.open(None)
    try:
        library.purge_removed()  # removals of earlier sessions: no undo can reach them now
    except LibraryError:
        pass
    return library
