"""Time from Cancel to the window being responsive, and from Quit to the window gone, while a
large file is importing (issue 16). A benchmark, not a test: it prints the figures.

    QT_QPA_PLATFORM=offscreen python scripts/bench_cancel.py FILE [--after 1.0]

FILE: a large RIS, BibTeX or CSL-JSON file (scripts/gen_records.py writes CSL-JSON). The
import is cancelled ``--after`` seconds in, while the worker reads or parses.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def _wait(app, seconds: float) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        app.processEvents()
        time.sleep(0.005)


def _responsive_after(app) -> float:
    """Seconds until the GUI thread runs a zero-timer posted now (the window answers again)."""
    from PySide6.QtCore import QTimer
    start, done = time.perf_counter(), []
    QTimer.singleShot(0, lambda: done.append(time.perf_counter()))
    while not done:
        app.processEvents()
    return done[0] - start


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("file")
    parser.add_argument("--after", type=float, default=1.0)
    args = parser.parse_args()
    from PySide6.QtWidgets import QApplication

    from viewer.core.library import Library
    from viewer.core.resources import bundled_record
    from viewer.ui.main_window import MainWindow
    from viewer.ui.settings import Settings

    app = QApplication.instance() or QApplication(["bench"])
    with tempfile.TemporaryDirectory() as folder:
        library = Library.open(Path(folder) / "lib")
        window = MainWindow(bundled_record(), Settings(str(Path(folder) / "s.ini")), library=library)
        window.show()
        flow = window.library_control.imports
        ended: list[float] = []
        flow.finished.connect(lambda _ids: ended.append(time.perf_counter()))

        flow.start([args.file])
        _wait(app, args.after)
        cancelled = time.perf_counter()
        flow._progress.canceled.emit()  # what the dialog's Cancel button sends
        answer = _responsive_after(app)
        while not ended and time.perf_counter() - cancelled < 120:
            app.processEvents()
            time.sleep(0.001)
        print(f"cancel -> window answers: {answer * 1000:.1f} ms")
        print(f"cancel -> import ended:   {(ended[0] - cancelled) * 1000:.1f} ms" if ended else "import never ended")

        flow.start([args.file])
        _wait(app, args.after)
        quitting = time.perf_counter()
        window.close()  # Ctrl+Q: closeEvent stops the workers
        print(f"quit during import -> window closed: {(time.perf_counter() - quitting) * 1000:.1f} ms")
        library.close()
    from viewer.services.workers import exit_code
    return exit_code(0)


if __name__ == "__main__":
    sys.exit(main())
