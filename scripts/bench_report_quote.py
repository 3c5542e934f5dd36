"""Ctrl+Alt+C on a report page: how long the window's thread is held, and how long until the copy.

    .venv/bin/python scripts/bench_report_quote.py [--runs 5]

Each run is a fresh process (``--child``): a window over the bundled record with a built 12-page
report attached, a passage selected on page 4, then the first Copy Quotation of the process (the
one that used to build a citeproc-js engine on the window's thread). Prints, per run and as medians:
the time the action's call held the window's thread ("held"), and the time until the clipboard
changed ("copied"). The program under test is the one on PYTHONPATH (compare two checkouts by
running this script with each).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def child() -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.path.insert(0, str(ROOT / "tests"))
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication

    import pdfmaker
    from viewer.core.library import Library
    from viewer.core.resources import bundled_record
    from viewer.ui.main_window import MainWindow
    from viewer.ui.settings import Settings

    app = QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(tmp) / "report.pdf"
        pdf.write_bytes(pdfmaker.build(*pdfmaker.report(12)))
        window = MainWindow(bundled_record(), Settings(str(Path(tmp) / "s.ini")), library=Library.open(Path(tmp) / "lib"))
        window.show()
        window.reports.attach(str(pdf))
        window.select_section("report/2")
        view = window.report_panel.view
        hit = view.document.find_on_page(3, "trafficking in human beings")[0]
        view.select(3, hit.start, hit.start + hit.length - 1)
        app.processEvents()
        loop = QEventLoop()
        QGuiApplication.clipboard().dataChanged.connect(loop.quit)
        QTimer.singleShot(60000, loop.quit)
        start = time.perf_counter()
        window.menu_actions.copy_quotation.trigger()
        held = time.perf_counter() - start
        if "p. 4)" not in QGuiApplication.clipboard().text():
            loop.exec()
        copied = time.perf_counter() - start
        assert "p. 4)" in QGuiApplication.clipboard().text(), QGuiApplication.clipboard().text()
        window.close()
    print(json.dumps({"held": held * 1000, "copied": copied * 1000}), flush=True)
    os._exit(0)  # the figures are out: no teardown of windows, threads and PDFium to wait for


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--child", action="store_true")
    args = parser.parse_args()
    if args.child:
        child()
        return 0
    results = []
    for _ in range(args.runs):
        out = subprocess.run([sys.executable, __file__, "--child"], capture_output=True, text=True, check=True)
        results.append(json.loads(out.stdout.strip().splitlines()[-1]))
        print(f"  held {results[-1]['held']:7.1f} ms   copied {results[-1]['copied']:7.1f} ms")
    for key in ("held", "copied"):
        values = [r[key] for r in results]
        print(f"{key}: median {statistics.median(values):.1f} ms (range {min(values):.1f}-{max(values):.1f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
