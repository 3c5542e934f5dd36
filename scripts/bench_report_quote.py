"""Ctrl+Alt+C on a report page: how long the window's thread is held, and how long until the copy;
and (``--find``) typing a query into the find bar over a long report: the window thread's longest stall.

    .venv/bin/python scripts/bench_report_quote.py [--runs 5]
    .venv/bin/python scripts/bench_report_quote.py --find [--pages 300] [--word trafficking] [--pace 120]

Each run is a fresh process (``--child``): a window over the bundled record with a built 12-page
report attached, a passage selected on page 4, then the first Copy Quotation of the process (the
one that used to build a citeproc-js engine on the window's thread). Prints, per run and as medians:
the time the action's call held the window's thread ("held"), and the time until the clipboard
changed ("copied"). The program under test is the one on PYTHONPATH (compare two checkouts by
running this script with each).

With ``--find``: a window with a built report of ``--pages`` pages attached, the find bar open on
it, and ``--word`` typed into the bar a key every ``--pace`` ms (a quick typist), each key a real key
press. A 5 ms timer on the window's thread records when it gets to run; "stall" is the longest gap
between two of its ticks from the first key until the count ("1 of N") is shown, that is the longest
the window froze (5 ms is the floor); "answer" is the time from the last key to the count shown.
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


def child_find(pages: int, word: str, pace_ms: int) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.path.insert(0, str(ROOT / "tests"))
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    import pdfmaker
    from viewer.core.library import Library
    from viewer.core.resources import bundled_record
    from viewer.ui.main_window import MainWindow
    from viewer.ui.settings import Settings

    app = QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(tmp) / "report.pdf"
        pdf.write_bytes(pdfmaker.build(*pdfmaker.report(pages, chapters=12, sections=4)))
        window = MainWindow(bundled_record(), Settings(str(Path(tmp) / "s.ini")), library=Library.open(Path(tmp) / "lib"))
        window.show()
        window.reports.attach(str(pdf))
        window.select_section("report/1")
        bar = window.find_bar
        bar.activate()
        app.processEvents()
        expected = len(window.report_panel.view.document.find_on_page(0, word)) * pages  # every page alike
        ticks: list[float] = []
        typed: list[float] = []
        loop = QEventLoop()

        def tick() -> None:
            ticks.append(time.perf_counter())
            if len(typed) == len(word) and bar.count_label.text() == f"1 of {expected}":
                loop.quit()

        def key(char: str) -> None:
            typed.append(time.perf_counter())
            QTest.keyClick(bar.line_edit, char)

        heartbeat = QTimer()
        heartbeat.setInterval(5)
        heartbeat.timeout.connect(tick)
        for i, char in enumerate(word):
            QTimer.singleShot(i * pace_ms, lambda c=char: key(c))
        QTimer.singleShot(120000, loop.quit)
        start = time.perf_counter()
        ticks.append(start)
        heartbeat.start()
        loop.exec()
        assert bar.count_label.text() == f"1 of {expected}", bar.count_label.text()
        stall = max(b - a for a, b in zip(ticks, ticks[1:]))
        answer = ticks[-1] - typed[-1]
        window.close()
    print(json.dumps({"stall": stall * 1000, "answer": answer * 1000}), flush=True)
    os._exit(0)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--child", action="store_true")
    parser.add_argument("--find", action="store_true", help="type a query into the find bar over a long report")
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--word", default="trafficking")
    parser.add_argument("--pace", type=int, default=120, help="ms between keys")
    args = parser.parse_args()
    if args.child:
        child_find(args.pages, args.word, args.pace) if args.find else child()
        return 0
    command = [sys.executable, __file__, "--child"]
    if args.find:
        command += ["--find", "--pages", str(args.pages), "--word", args.word, "--pace", str(args.pace)]
    keys = ("stall", "answer") if args.find else ("held", "copied")
    results = []
    for _ in range(args.runs):
        out = subprocess.run(command, capture_output=True, text=True, check=True)
        results.append(json.loads(out.stdout.strip().splitlines()[-1]))
        print("  " + "   ".join(f"{key} {results[-1][key]:7.1f} ms" for key in keys))
    for key in keys:
        values = [r[key] for r in results]
        print(f"{key}: median {statistics.median(values):.1f} ms (range {min(values):.1f}-{max(values):.1f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
