"""What dark report pages cost: rendering a page (as printed), then turning that image dark
(viewer.ui.report_colours.dark_page), one after the other in each run, in one process; and the same
page with a blue chart bar painted on it (not greys only: the longer way).

    .venv/bin/python scripts/bench_dark_pages.py [--zoom 150] [--ratio 1] [--runs 15]

The page is page 1 of a report built by tests/pdfmaker.py (text and a heading); ``--ratio 2`` is a
high-DPI screen (twice the pixels a side). Prints the median and range of each, in milliseconds.
A rendered page is cached (12 pages), so this is paid once per page and zoom while scrolling.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--zoom", type=int, default=150)
    parser.add_argument("--ratio", type=float, default=1.0)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QColor, QGuiApplication, QImage, QPainter

    import pdfmaker
    from viewer.services.report_engine import ReportDocument
    from viewer.ui.report_colours import dark_page
    from viewer.ui.report_view import POINT

    QGuiApplication(sys.argv[:1])
    doc = ReportDocument(pdfmaker.build(*pdfmaker.report(3)))
    scale = POINT * args.zoom / 100 * args.ratio

    def light() -> QImage:
        data, w, h, stride = doc.render(0, scale)
        return QImage(data, w, h, stride, QImage.Format.Format_RGBX8888).copy()

    def coloured(image: QImage) -> QImage:
        """The page with a blue chart bar on it: no longer greys only."""
        painter = QPainter(image)
        painter.fillRect(image.width() // 8, image.height() * 3 // 4, image.width() // 10, image.height() // 8,
                         QColor("#1f3a93"))
        painter.end()
        return image

    times: dict[str, list[float]] = {"render": [], "turn dark (greys only)": [], "turn dark (a blue bar)": []}
    for _ in range(args.runs):
        start = time.perf_counter()
        image = light()
        middle = time.perf_counter()
        dark_page(image)
        times["render"].append((middle - start) * 1000)
        times["turn dark (greys only)"].append((time.perf_counter() - middle) * 1000)
        image = coloured(image)
        start = time.perf_counter()
        dark_page(image)
        times["turn dark (a blue bar)"].append((time.perf_counter() - start) * 1000)
    print(f"page 1 at {args.zoom} % x {args.ratio} ({image.width()} x {image.height()} px), {args.runs} runs each, "
          f"render then turn dark in each:")
    for name, values in times.items():
        print(f"  {name:24}  median {statistics.median(values):6.1f} ms  (range {min(values):.1f}-{max(values):.1f})")
    doc.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
