"""Benchmark what a copy of the bundled record's citation costs, and what importing viewer.citeproc.citation costs.

    python scripts/bench_copy.py [-n 200] [--engine [--full] [--bibliography 500]]

Prints, each measured in fresh interpreters so nothing is cached by an earlier step:
- import of viewer.citeproc.citation (median of several runs);
- the first render() (reads resources/citations/<id>.json) and later ones (median of N);
- Ctrl+Shift+C in the real window, from the key event to both formats on the clipboard;
- with --engine, the run-time engine (citeproc-js in QuickJS): loading citeproc-js, building each
  style, rendering; a record without stored citations in the window's worker, first and later; with --bibliography N also one APA bibliography of N generated records (the
  sorted processor's build, then the render).
A benchmark, not a test: figures depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

IMPORT_PROBE = """
import time
t = time.perf_counter()
import viewer.citeproc.citation
print(json.dumps({"import_ms": (time.perf_counter() - t) * 1000}))
"""

RENDER_PROBE = """
import time, statistics, sys
from viewer.core.resources import bundled_record
record = bundled_record()
import viewer.citeproc.citation as citation
t = time.perf_counter()
citation.render(record, citation.DEFAULT_STYLE)
first = (time.perf_counter() - t) * 1000
warm = {}
for style_id in citation.style_ids():
    samples = []
    for i in range(N):
        t = time.perf_counter()
        citation.render(record, style_id, in_text=bool(i % 2))
        samples.append((time.perf_counter() - t) * 1000)
    warm[style_id] = statistics.median(samples)
print(json.dumps({"first_ms": first, "warm_ms": warm, "engine_imported": "viewer.citeproc.engine" in sys.modules}))
"""

KEYSTROKE_PROBE = """
import statistics, tempfile, time
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
app = QApplication([])
from viewer.ui.main_window import MainWindow
from viewer.core.resources import bundled_record
from viewer.ui.settings import Settings
window = MainWindow(bundled_record(), Settings(tempfile.mktemp(suffix=".ini")))
window.show(); window.activateWindow(); QTest.qWaitForWindowActive(window)
mods = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
samples = []
for i in range(N):
    QGuiApplication.clipboard().clear()
    t = time.perf_counter()
    QTest.keyClick(window.tree, Qt.Key.Key_C, mods)  # the real shortcut, through the event loop
    assert QGuiApplication.clipboard().mimeData().hasHtml()
    samples.append((time.perf_counter() - t) * 1000)
QGuiApplication.clipboard().clear()
print(json.dumps({"first_ms": samples[0], "median_ms": statistics.median(samples), "max_ms": max(samples)}))
"""

WORKER_PROBE = """
import dataclasses, time
from PySide6.QtCore import QEventLoop
from PySide6.QtWidgets import QApplication
app = QApplication([])
from viewer.services.citation_service import CitationService
from viewer.core.resources import bundled_record
service = CitationService(None)
out = {}
for style_id in ("apa", "chicago-notes-bibliography"):
    samples = []
    for i in range(N):
        record = dataclasses.replace(bundled_record(), id=f"{style_id}-{i}", ncj_number=str(i + 1),
                                     title=f"Report {i}", title_sentence_case=f"Report {i}")
        loop = QEventLoop()
        service.ready.connect(loop.quit)
        t = time.perf_counter(); service.request(record, style_id); loop.exec()
        samples.append((time.perf_counter() - t) * 1000)
        service.ready.disconnect(loop.quit)
    out[style_id] = {"first_ms": samples[0], "later_ms": sorted(samples[1:])[len(samples[1:]) // 2]}
service.shutdown()
print(json.dumps(out))
"""

ENGINE_PROBE = """
import dataclasses, time
from viewer.citeproc.citation import bibliography_items, style_ids
from viewer.citeproc.engine import CslEngine
from viewer.core.csl_item import csl_item
from viewer.core.resources import bundled_record
out = {}
for keep_sort in (False,) + ((True,) if FULL else ()):
    t = time.perf_counter()
    engine = CslEngine(keep_sort=keep_sort)
    row = {"load_s": time.perf_counter() - t, "styles": {}}
    for style_id in style_ids():
        item = csl_item(bundled_record(), style_id)
        build = engine.build(style_id)
        t = time.perf_counter(); engine.render(item, style_id); first = time.perf_counter() - t
        t = time.perf_counter(); engine.render(item, style_id); again = time.perf_counter() - t
        row["styles"][style_id] = {"build_s": build, "first_render_ms": first * 1000, "render_ms": again * 1000}
    out["full style" if keep_sort else "style without <sort>"] = row
if BIBLIOGRAPHY:
    families = ["Smith", "\u00d8ster", "Brown", "Ng", "Adams", "M\u00fcller", "Li", "Zed"]
    records = [dataclasses.replace(bundled_record(), id=f"r{i}", ncj_number=str(i), title=f"Report {i} on courts",
                                   title_sentence_case=f"Report {i} on courts", authors=(f"{families[i % 8]}, Ann",),
                                   issued_year=2000 + i % 9) for i in range(BIBLIOGRAPHY)]
    engine = CslEngine()
    build = engine.build_bibliography("apa")
    t = time.perf_counter(); engine.render_bibliography(bibliography_items(records, "apa"), "apa")
    out["bibliography"] = {"records": BIBLIOGRAPHY, "build_s": build, "render_s": time.perf_counter() - t}
print(json.dumps(out))
"""


def run_probe(body: str, **constants) -> dict:
    header = "import json\n" + "".join(f"{k} = {v!r}\n" for k, v in constants.items())
    proc = subprocess.run([sys.executable, "-c", header + body], cwd=ROOT, capture_output=True, text=True,
                          env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin",
                               "PYTHONPATH": str(ROOT)})
    if proc.returncode != 0:
        raise SystemExit(f"probe failed:\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=200, help="renders per style for the warm median")
    parser.add_argument("--runs", type=int, default=7, help="fresh interpreters for the import and first-render figures")
    parser.add_argument("--engine", action="store_true", help="also time the run-time engine (QuickJS)")
    parser.add_argument("--full", action="store_true", help="with --engine: also build full styles (slow)")
    parser.add_argument("--bibliography", type=int, default=0, metavar="N",
                        help="with --engine: also one APA bibliography of N records")
    args = parser.parse_args(argv)

    imports = [run_probe(IMPORT_PROBE)["import_ms"] for _ in range(args.runs)]
    renders = [run_probe(RENDER_PROBE, N=args.n) for _ in range(args.runs)]
    print(f"import viewer.citeproc.citation: median {statistics.median(imports):.1f} ms "
          f"(min {min(imports):.1f}, max {max(imports):.1f}; {args.runs} fresh interpreters)")
    firsts = [r["first_ms"] for r in renders]
    print(f"first render() of the bundled record (reads the stored citations): median {statistics.median(firsts):.2f} ms "
          f"(max {max(firsts):.2f})")
    print(f"later render(), median of {args.n} per style:")
    for style_id, ms in renders[-1]["warm_ms"].items():
        print(f"  {style_id:36} {ms * 1000:8.1f} µs")
    print(f"engine imported by render(): {any(r['engine_imported'] for r in renders)}")
    keys = run_probe(KEYSTROKE_PROBE, N=50)
    print(f"Ctrl+Shift+C keystroke to clipboard in the window (offscreen): first {keys['first_ms']:.2f} ms, "
          f"median {keys['median_ms']:.2f} ms, max {keys['max_ms']:.2f} ms (50 copies)")

    if args.engine:
        result = run_probe(ENGINE_PROBE, FULL=args.full, BIBLIOGRAPHY=args.bibliography)
        bibliography = result.pop("bibliography", None)
        for label, row in result.items():
            print(f"run-time engine ({label}): citeproc-js loaded in {row['load_s']:.2f} s")
            for style_id, s in row["styles"].items():
                print(f"  {style_id:36} build {s['build_s']:6.2f} s, first render {s['first_render_ms']:6.1f} ms, "
                      f"then {s['render_ms']:5.1f} ms")
        worker = run_probe(WORKER_PROBE, N=7)
        print("a record without stored citations, in the window's worker (request to ready; the first also "
              "loads citeproc-js and builds the style):")
        for style_id, w in worker.items():
            print(f"  {style_id:36} first {w['first_ms']:6.0f} ms, later records median {w['later_ms']:5.0f} ms")
        if bibliography:
            print(f"APA bibliography of {bibliography['records']} records: sorted processor built in "
                  f"{bibliography['build_s']:.2f} s, rendered in {bibliography['render_s']:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
