"""Benchmark what a copy of the bundled record's citation costs, and what importing viewer.citeproc.citation costs.

    python scripts/bench_copy.py [-n 200] [--engine [--full]] [--bibliography 500 [--baseline TREE]
                                 [--bibliography-runs 3] [--bibliography-only]]

Prints, each measured in fresh interpreters so nothing is cached by an earlier step:
- import of viewer.citeproc.citation (median of several runs);
- the first render() (reads resources/citations/<id>.json) and later ones (median of N);
- Ctrl+Shift+C in the real window, from the key event to both formats on the clipboard;
- with --engine, the run-time engine (citeproc-js in QuickJS): loading citeproc-js, building each
  style, rendering; a record without stored citations in the window's worker, first and later;
- with --bibliography N, bibliographies of N generated records (eight families, nine years: many
  year suffixes) in APA and Chicago notes, each in --bibliography-runs fresh interpreters
  (median): the sorted processor's build, the render (wall and CPU), where the render goes
  (updateItems: registering, sort keys, disambiguation; makeBibliography: the entries), the
  crossings into Python (localeCompare, progress ticks) and the JSON sizes; then how long a
  cancel takes to stop a render, asked for at a third and at two thirds of it. With --baseline
  TREE the same runs of another source tree (a worktree of main, say) are interleaved with
  these, and --bibliography-only skips everything else.
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
print(json.dumps(out))
"""

# One bibliography of N generated records in STYLE, in a fresh interpreter; then cancels.
# Only the engine's public calls and a few of its attributes that every version has.
BIBLIOGRAPHY_PROBE = """
import dataclasses, threading, time
from viewer.citeproc.citation import bibliography_items
from viewer.citeproc.engine import CslEngine, RenderCancelled
from viewer.core.resources import bundled_record
families = ["Smith", "\u00d8ster", "Brown", "Ng", "Adams", "M\u00fcller", "Li", "Zed"]
records = [dataclasses.replace(bundled_record(), id=f"r{i}", ncj_number=str(i), title=f"Report {i} on courts",
                               title_sentence_case=f"Report {i} on courts", authors=(f"{families[i % 8]}, Ann",),
                               issued_year=2000 + i % 9) for i in range(N)]
items = bibliography_items(records, STYLE)
engine = CslEngine()
build = engine.build_bibliography(STYLE)
# Phases (CPU of this thread, through one Python call at each end) and localeCompare's crossings.
engine._js.add_callable("benchCpu", lambda: time.thread_time())
engine._evaluate(PHASES_JS, "<bench>")
wall, cpu = time.perf_counter(), time.thread_time()
result = engine.render_bibliography(items, STYLE, progress=lambda done, total: True)
wall, cpu = time.perf_counter() - wall, time.thread_time() - cpu
out = {"build_s": build, "render_s": wall, "render_cpu_s": cpu, "ticks": engine._ticker._done,
       "items_json": len(json.dumps(items)), "result_json": len(json.dumps(result))}
out.update(json.loads(engine._evaluate("JSON.stringify(benchPhases)", "<bench>")))
# What one localeCompare costs (a crossing into Python and QCollator): 2,000 of them.
engine._evaluate("var benchWords = []; for (var i = 0; i < 2000; i++) benchWords.push('M\\u00fcller ' + i);", "<bench>")
t = time.perf_counter()
engine._evaluate("benchWords.forEach(function (w, i) { w.localeCompare(benchWords[(i * 7) % 2000], 'en-US', "
                 "{sensitivity: 'base', ignorePunctuation: true, numeric: true}); })", "<bench>")
out["compare_us"] = (time.perf_counter() - t) / 2000 * 1e6
# Cancels, asked for by another thread (as the window's Cancel is) at a third and two thirds of the render.
out["cancel_ms"] = []
for share in (1 / 3, 2 / 3):
    asked = []
    timer = threading.Timer(wall * share, lambda: asked.append(time.perf_counter()))
    timer.start()
    try:
        engine.render_bibliography(items, STYLE, progress=lambda done, total: not asked)
    except RenderCancelled:
        out["cancel_ms"].append((time.perf_counter() - asked[0]) * 1000)
    timer.cancel()
print(json.dumps(out))
"""

PHASES_JS = """
var benchPhases = {compares: 0};
(function () {
    ["updateItems", "makeBibliography"].forEach(function (name) {
        var f = CSL.Engine.prototype[name];
        CSL.Engine.prototype[name] = function () {
            var t = benchCpu();
            try { return f.apply(this, arguments); }
            finally { benchPhases[name + "_cpu_s"] = (benchPhases[name + "_cpu_s"] || 0) + benchCpu() - t; }
        };
    });
    var compare = String.prototype.localeCompare;
    String.prototype.localeCompare = function () { benchPhases.compares++; return compare.apply(this, arguments); };
})();
"""


def run_probe(body: str, tree: Path = ROOT, **constants) -> dict:
    header = "import json\n" + "".join(f"{k} = {v!r}\n" for k, v in constants.items())
    proc = subprocess.run([sys.executable, "-c", header + body], cwd=tree, capture_output=True, text=True,
                          env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin",
                               "PYTHONPATH": str(tree)})
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
                        help="also bibliographies of N records in APA and Chicago notes, and cancels")
    parser.add_argument("--bibliography-runs", type=int, default=3, metavar="R",
                        help="fresh interpreters per bibliography figure (the median is printed)")
    parser.add_argument("--baseline", type=Path, metavar="TREE",
                        help="another source tree whose bibliographies are timed interleaved with these")
    parser.add_argument("--bibliography-only", action="store_true", help="time only the bibliographies")
    args = parser.parse_args(argv)

    if not args.bibliography_only:
        copy_figures(args)
    if args.bibliography:
        trees = {"this tree": ROOT} if args.baseline is None else {"baseline": args.baseline.resolve(), "this tree": ROOT}
        bibliography_figures(args.bibliography, args.bibliography_runs, trees)
    return 0


def copy_figures(args: argparse.Namespace) -> None:
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
    if not args.engine:
        return
    result = run_probe(ENGINE_PROBE, FULL=args.full)
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


def bibliography_figures(n: int, runs: int, trees: dict[str, Path]) -> None:
    """Each style's runs, the trees interleaved run by run (the machine's load falls on both alike)."""
    for style_id, name in (("apa", "APA"), ("chicago-notes-bibliography", "Chicago notes")):
        rows: dict[str, list[dict]] = {label: [] for label in trees}
        for _ in range(runs):
            for label, tree in trees.items():
                rows[label].append(run_probe(BIBLIOGRAPHY_PROBE, tree, N=n, STYLE=style_id, PHASES_JS=PHASES_JS))
        for label, found in rows.items():
            print_bibliography(f"{name}, {n} records ({label}, {runs} fresh interpreters)", found)


def print_bibliography(title: str, rows: list[dict]) -> None:
    def median(key: str) -> float:
        return statistics.median(r.get(key, 0.0) for r in rows)

    def spread(key: str, unit: float = 1.0, digits: int = 1) -> str:
        values = sorted(r[key] * unit for r in rows)
        return f"median {median(key) * unit:.{digits}f} (range {values[0]:.{digits}f}-{values[-1]:.{digits}f})"

    cancels = sorted(ms for r in rows for ms in r["cancel_ms"])
    print(f"{title}:")
    print(f"  render {spread('render_s')} s wall, {spread('render_cpu_s')} s CPU; "
          f"sorted processor built in {spread('build_s')} s")
    print(f"  where the render's CPU goes (medians): updateItems {median('updateItems_cpu_s'):.1f} s (registering, "
          f"sort keys, disambiguation), makeBibliography {median('makeBibliography_cpu_s'):.1f} s (the entries)")
    print(f"  crossings into Python: {median('compares'):,.0f} localeCompare at {median('compare_us'):.0f} µs each "
          f"(~{median('compares') * median('compare_us') / 1e6:.2f} s), {median('ticks'):,.0f} progress ticks; "
          f"JSON {median('items_json') / 1024:,.0f} KiB in, {median('result_json') / 1024:,.0f} KiB out")
    print(f"  cancel to stop: median {statistics.median(cancels):.0f} ms, max {cancels[-1]:.0f} ms "
          f"({len(cancels)} cancels, asked at a third and two thirds of the render)")


if __name__ == "__main__":
    sys.exit(main())
