"""Start-up does only what the first window needs: the command line of a window start builds no
command's parser, and the citation engine is warmed only after the window has painted."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from viewer import cli

WINDOW_START = """
import sys
from unittest import mock
from viewer import cli
with mock.patch("viewer.app.run_gui", return_value=0) as run_gui:
    assert cli.main(sys.argv[1:]) == 0 and run_gui.called
print(" ".join(sorted(m for m in sys.modules if m.startswith("viewer."))))
"""


def test_a_window_start_imports_no_command_module(tmp_path):
    done = subprocess.run([sys.executable, "-c", WINDOW_START, "--settings", str(tmp_path / "s.ini"),
                           "--section", "details"], capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    loaded = set(done.stdout.split())
    assert "viewer.app" in loaded
    assert not loaded & {"viewer.report_commands", "viewer.library_commands", "viewer.core.exports"}


@pytest.mark.parametrize("argv", [
    [], ["--section", "details"], ["--file", "a b.json", "--record", "ncj-1"], ["--library", "L", "--settings", "s"],
    ["--lib", "L"], ["--record=sections"],
])
def test_window_options_read_as_the_full_parser_reads_them(argv):
    quick = cli._window_args(argv)
    assert quick is not None
    assert vars(quick) == vars(cli.build_parser().parse_args(argv))


@pytest.mark.parametrize("argv", [["sections"], ["--version"], ["-h"], ["--record"], ["--s", "x"], ["--bogus"],
                                  ["--library", "L", "search", "x"]])
def test_anything_else_goes_to_the_full_parser(argv):
    assert cli._window_args(argv) is None


def test_the_citation_engine_is_warmed_after_the_first_paint(qtbot):
    from PySide6.QtWidgets import QApplication, QWidget

    from viewer.app import _after_first_paint

    calls = []
    window = QWidget()
    qtbot.addWidget(window)
    _after_first_paint(window, lambda: calls.append("warm"))
    QApplication.processEvents()
    assert calls == []  # not before the window is shown
    window.show()
    qtbot.waitUntil(lambda: calls == ["warm"])
    window.update()
    qtbot.waitExposed(window)
    assert calls == ["warm"]  # once


def test_nothing_is_warmed_when_the_window_closes_right_after_its_first_paint(qtbot):
    """A SIGTERM or Ctrl+Q at once: no worker thread may start after the window's close."""
    from PySide6.QtGui import QPaintEvent
    from PySide6.QtWidgets import QApplication, QWidget

    from viewer.app import _after_first_paint

    calls = []
    window = QWidget()
    qtbot.addWidget(window)
    _after_first_paint(window, lambda: calls.append("warm"))
    window.show()
    QApplication.sendEvent(window, QPaintEvent(window.rect()))  # the first paint, now: the work is posted
    window.close()
    QApplication.processEvents()
    assert calls == []


def test_the_outline_is_built_once_when_no_report_adds_a_branch(make_window):
    window = make_window()
    model = window.outline.model
    window.reports.reload()  # as at start-up: the record has no report
    assert window.outline.model is model


REAL_START = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
app = QApplication(["ncjrs-viewer"])
QTimer.singleShot(0, app.quit)  # the window is built and shown; then the loop ends at once
from viewer import cli
assert cli.main(sys.argv[1:]) == 0
print(" ".join(sorted(sys.modules)))
"""


def test_the_window_starts_without_what_only_later_work_needs(tmp_path):
    """OpenSSL (hashlib: cache keys), expat (style checks), the help dialogs and the command modules
    are loaded when first used, not to show the window."""
    done = subprocess.run([sys.executable, "-c", REAL_START, "--settings", str(tmp_path / "s.ini"),
                           "--library", str(tmp_path / "library")], capture_output=True, text=True, timeout=120,
                          cwd=tmp_path, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert done.returncode == 0, done.stderr[-2000:]
    loaded = set(done.stdout.split())
    assert "viewer.ui.main_window" in loaded
    assert not loaded & {"hashlib", "_hashlib", "xml.etree.ElementTree", "viewer.ui.help_dialogs",
                         "viewer.report_commands", "viewer.library_commands", "viewer.core.exports"}


SCANNED = """
import inspect
import sys
scanned = []
read = inspect.getsource
def counted(obj):
    scanned.append(getattr(obj, "__name__", "?"))
    return read(obj)
inspect.getsource = counted  # what PySide's scan calls for each module it has not seen
from viewer import cli
from viewer.ui import main_window
print(len([m for m in sys.modules if m.startswith("viewer.")]), " ".join(sorted(scanned)))
"""


def test_pyside_reads_the_source_of_none_of_the_window_s_modules(tmp_path):
    """PySide reads every module's source at its start and at each import after (20-30 ms of a
    window's start): viewer.cli has it skip them (viewer.ui.source_scan)."""
    done = subprocess.run([sys.executable, "-c", SCANNED], capture_output=True, text=True, timeout=120,
                          cwd=tmp_path, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert done.returncode == 0, done.stderr[-2000:]
    count, *scanned = done.stdout.split()
    assert int(count) > 40  # the window's modules were imported
    assert not [m for m in scanned if m.startswith("viewer.") and m != "viewer.ui.source_scan"], scanned


def test_sigterm_closes_the_window_as_ctrl_q_does(qtbot):
    """The signal reaches the event loop through the wakeup pipe, and the window closes."""
    import signal

    from PySide6.QtWidgets import QWidget

    from viewer.app import _close_on_sigterm

    handler = signal.getsignal(signal.SIGTERM)
    window = QWidget()
    qtbot.addWidget(window)
    try:
        _close_on_sigterm(window)
        window.show()
        os.kill(os.getpid(), signal.SIGTERM)
        qtbot.waitUntil(lambda: not window.isVisible())
    finally:
        signal.signal(signal.SIGTERM, handler)
        signal.set_wakeup_fd(-1)


def test_sigterm_while_a_warning_is_shown_ends_the_warning_and_closes_the_window(qtbot):
    """A modal warning runs its own event loop: SIGTERM (a session ending) must not wait for a click."""
    import signal

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

    from viewer.app import _close_on_sigterm
    from viewer.ui.plain import warn

    handler = signal.getsignal(signal.SIGTERM)
    window = QWidget()
    qtbot.addWidget(window)
    shown = []

    def terminate_once_shown() -> None:
        boxes = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]
        if not boxes:
            QTimer.singleShot(10, terminate_once_shown)
            return
        shown.append(boxes[0].text())
        os.kill(os.getpid(), signal.SIGTERM)

    try:
        _close_on_sigterm(window)
        window.show()
        QTimer.singleShot(0, terminate_once_shown)
        warn(window, "Title", "The library could not be opened.")  # returns once the signal ended it
        assert shown == ["The library could not be opened."]
        qtbot.waitUntil(lambda: not window.isVisible())
    finally:
        signal.signal(signal.SIGTERM, handler)
        signal.set_wakeup_fd(-1)


TERMINATED_AT_A_WARNING = """
import os, signal, sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
app = QApplication(["ncjrs-viewer"])
def terminate_once_warned():
    if any(isinstance(w, QMessageBox) and w.isVisible() for w in QApplication.topLevelWidgets()):
        os.kill(os.getpid(), signal.SIGTERM)
    else:
        QTimer.singleShot(10, terminate_once_warned)
QTimer.singleShot(0, terminate_once_warned)
from viewer import cli
sys.exit(cli.main(sys.argv[1:]))
"""


def test_a_start_ended_by_sigterm_at_its_warning_exits(tmp_path):
    """The library cannot be used: a warning before the event loop; a SIGTERM then ends the program
    (it used to wait in an event loop with no window left)."""
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("x")
    done = subprocess.run([sys.executable, "-c", TERMINATED_AT_A_WARNING, "--settings", str(tmp_path / "s.ini"),
                           "--library", str(not_a_folder)], capture_output=True, text=True, timeout=60,
                          cwd=tmp_path, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert done.returncode == 0, done.stderr[-2000:]
    assert (tmp_path / "s.ini").is_file()  # closed as Ctrl+Q closes it: settings saved
