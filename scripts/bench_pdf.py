"""Which PDF engine reads attached reports: QtPdf (PySide6-Addons) against pypdfium2, measured.

    .venv/bin/python scripts/bench_pdf.py [--pages 300] [--runs 5]

Builds a report of ``--pages`` pages with a bookmark per heading (tests/pdfmaker.py, no third-party
document), then, each engine in fresh child processes (median of ``--runs``):

- import: loading the engine's modules (what the first opened report pays once);
- first page: opening the file and rendering page 1 at 150 % (a 1.5x QImage), as the window shows it;
- memory: peak RSS added by import, open, first page and the find below, over a QGuiApplication;
- find: every hit of "trafficking" over the whole text, with the rectangles to highlight;
- outline: reading the bookmarks.

And the bytes each adds to the one-file executable: the files it brings that the executable does
not hold yet (its libraries and the libraries only they link, not those the system provides),
stripped and zlib -9 compressed, as PyInstaller packs them.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
WORD = "trafficking"
SCALE = 1.5


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _child(engine: str, path: str) -> dict[str, float]:
    from PySide6.QtGui import QGuiApplication
    app = QGuiApplication(["bench", "-platform", "offscreen"])  # noqa: F841 - QImage and QtPdf need one
    base = _rss_mb()
    t0 = time.perf_counter()
    measure = _qtpdf if engine == "qtpdf" else _pdfium
    result = measure(path, t0)
    result["memory_mb"] = _rss_mb() - base
    return result


def _qtpdf(path: str, t0: float) -> dict[str, float]:
    from PySide6.QtCore import QSize
    from PySide6.QtPdf import QPdfBookmarkModel, QPdfDocument, QPdfSearchModel
    t1 = time.perf_counter()
    doc = QPdfDocument()
    doc.load(path)
    size = doc.pagePointSize(0) * SCALE
    image = doc.render(0, QSize(round(size.width()), round(size.height())))
    assert not image.isNull()
    t2 = time.perf_counter()
    model = QPdfSearchModel()
    model.setDocument(doc)
    model.setSearchString(WORD)
    hits = sum(len(model.resultsOnPage(p)) for p in range(doc.pageCount()))  # searches each page now
    t3 = time.perf_counter()
    marks = QPdfBookmarkModel()
    marks.setDocument(doc)
    count = _count_rows(marks)
    t4 = time.perf_counter()
    return {"import_ms": (t1 - t0) * 1e3, "first_page_ms": (t2 - t1) * 1e3, "find_ms": (t3 - t2) * 1e3,
            "hits": hits, "outline_ms": (t4 - t3) * 1e3, "bookmarks": count}


def _count_rows(model, parent=None) -> int:
    from PySide6.QtCore import QModelIndex
    parent = parent or QModelIndex()
    return sum(1 + _count_rows(model, model.index(r, 0, parent)) for r in range(model.rowCount(parent)))


def _pdfium(path: str, t0: float) -> dict[str, float]:
    import pypdfium2 as pdfium
    from PySide6.QtGui import QImage
    t1 = time.perf_counter()
    doc = pdfium.PdfDocument(path)
    bitmap = doc[0].render(scale=SCALE, rev_byteorder=True, prefer_bgrx=True)
    image = QImage(bytes(bitmap.buffer), bitmap.width, bitmap.height, bitmap.stride, QImage.Format.Format_RGBX8888).copy()
    assert not image.isNull()
    t2 = time.perf_counter()
    hits = 0
    for page in doc:
        text = page.get_textpage()
        searcher = text.search(WORD)
        while (found := searcher.get_next()) is not None:
            start, length = found
            hits += 1
            [text.get_rect(i) for i in range(text.count_rects(start, length))]
    t3 = time.perf_counter()
    count = sum(1 for _ in doc.get_toc())
    t4 = time.perf_counter()
    return {"import_ms": (t1 - t0) * 1e3, "first_page_ms": (t2 - t1) * 1e3, "find_ms": (t3 - t2) * 1e3,
            "hits": hits, "outline_ms": (t4 - t3) * 1e3, "bookmarks": count}


# --- bytes added to the executable ---


def _site() -> Path:
    import PySide6
    return Path(PySide6.__file__).parent


def _linked(files: list[Path]) -> dict[str, Path]:
    """Every library these files link (ldd), name -> path."""
    found: dict[str, Path] = {}
    for f in files:
        out = subprocess.run(["ldd", str(f)], capture_output=True, text=True).stdout
        for line in out.splitlines():
            parts = line.split()
            if len(parts) >= 3 and parts[1] == "=>" and parts[2].startswith("/"):
                found[parts[0]] = Path(parts[2])
    return found


def _packed(path: Path) -> tuple[int, int]:
    """(stripped size, zlib -9 of it)."""
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / path.name
        shutil.copyfile(path, copy)
        subprocess.run(["strip", str(copy)], capture_output=True)
        data = copy.read_bytes()
    return len(data), len(zlib.compress(data, 9))


def sizes() -> dict[str, dict[str, object]]:
    from PyInstaller.depend.dylib import include_library  # what PyInstaller leaves to the system
    qt = _site()
    system = {"libX11.so.6", "libX11-xcb.so.1", "libfontconfig.so.1", "libfreetype.so.6", "libcups.so.2"}
    held = [qt / f"{m}.abi3.so" for m in ("QtCore", "QtGui", "QtWidgets", "QtPrintSupport", "QtSvg")]
    held += [qt / "Qt" / "plugins" / "platforms" / "libqxcb.so", Path(sys.executable)]
    baseline = set(_linked(held)) | {p.name for p in held}
    results = {}
    candidates = {
        "qtpdf": [qt / "QtPdf.abi3.so", qt / "Qt" / "lib" / "libQt6Pdf.so.6"],
        # ctypes too: nothing else in the program imports it, so _ctypes and libffi come with it.
        "pypdfium2": [Path(__import__("pypdfium2_raw").__file__).parent / "libpdfium.so",
                      Path(__import__("_ctypes").__file__)],
    }
    sources = {"qtpdf": [], "pypdfium2": ["pypdfium2", "pypdfium2_raw", "ctypes"]}
    for engine, files in candidates.items():
        libs = {name: p for name, p in _linked(files).items()
                if name not in baseline and name not in system and include_library(name)}
        added = {f.name: f for f in files} | libs
        rows = {name: _packed(p) for name, p in sorted(added.items())}
        for package in sources[engine]:  # Python code: its sources, compressed (the PYZ holds bytecode)
            code = b"".join(f.read_bytes() for f in Path(__import__(package).__file__).parent.rglob("*.py"))
            rows[package + "/*.py"] = (len(code), len(zlib.compress(code, 9)))
        results[engine] = {"files": {n: round(z / 2**20, 2) for n, (_, z) in rows.items()},
                           "unpacked_mb": sum(s for s, _ in rows.values()) / 2**20,
                           "packed_mb": sum(z for _, z in rows.values()) / 2**20}
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_child(*args.child)))
        return
    import pdfmaker
    pages, outline = pdfmaker.report(args.pages, chapters=12, sections=4)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "report.pdf"
        path.write_bytes(pdfmaker.build(pages, outline))
        print(f"report: {args.pages} pages, {path.stat().st_size / 2**20:.1f} MB, {len(outline)} chapters")
        print("engine\timport ms\tfirst page ms\tmemory MB\tfind ms (hits)\toutline ms (bookmarks)")
        for engine in ("qtpdf", "pypdfium2"):
            runs = [json.loads(subprocess.run([sys.executable, __file__, "--child", engine, str(path)],
                                              capture_output=True, text=True, check=True).stdout)
                    for _ in range(args.runs)]
            m = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
            print(f"{engine}\t{m['import_ms']:.0f}\t{m['first_page_ms']:.0f}\t{m['memory_mb']:.1f}\t"
                  f"{m['find_ms']:.0f} ({m['hits']:.0f})\t{m['outline_ms']:.1f} ({m['bookmarks']:.0f})")
    print("engine\tadded to the executable: packed MB (unpacked MB)\tfiles (packed MB)")
    for engine, row in sizes().items():
        files = ", ".join(f"{n} {mb}" for n, mb in row["files"].items())
        print(f"{engine}\t{row['packed_mb']:.1f} ({row['unpacked_mb']:.1f})\t{files}")


if __name__ == "__main__":
    main()
