"""Benchmark what a copy of the bundled record's citation costs, and what importing viewer.citeproc.citation costs.

    python scripts/bench_copy.py [-n 200] [--engine [--full]] [--bibliography 500 [--baseline TREE]
                                 [--bibliography-runs 3] [--bibliography-only]
                                 [--bibliography-data generated|realistic] [--node]]

Prints, each measured in fresh interpreters so nothing is cached by an earlier step:
- import of viewer.citeproc.citation (median of several runs);
- the first render() (reads resources/citations/<id>.json) and later ones (median of N);
- Ctrl+Shift+C in the real window, from the key event to both formats on the clipboard;
- with --engine, the run-time engine (citeproc-js in QuickJS): loading citeproc-js, building each
  style, rendering; a record without stored citations in the window's worker, first and later;
- with --bibliography N, bibliographies of N records in APA and Chicago notes, each in
  --bibliography-runs fresh interpreters (median): the sorted processor's build, the render (wall
  and CPU), from Copy to the clipboard with and without the processor built ahead (the window
  builds it once several records are selected), where the render goes (updateItems: each item's
  citation form, sort keys, disambiguation; makeBibliography: the entries), the crossings into
  Python (localeCompare, progress ticks) and the JSON sizes; then how long a cancel takes to stop
  a render, asked for at a third and at two thirds of it, and a warm build at a third of it.
  --bibliography-data: "generated" (the default: eight families, nine years, so every entry
  needs a year suffix, a worst case for disambiguation) or "realistic" (scripts/gen_records.py's
  records through the CSL-JSON importer). --node times the same items under Node too (what part
  is QuickJS's). With --baseline TREE the same runs of another source tree (a worktree of main,
  say) are interleaved with these, and --bibliography-only skips everything else.
A benchmark, not a test: figures depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
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
if DATA == "realistic":  # scripts/gen_records.py's records, through the CSL-JSON importer
    import sys
    sys.path.insert(0, "scripts")
    import gen_records
    from viewer.core.importers.csljson import parse_csl_json
    records = parse_csl_json(json.dumps(gen_records.generate(N, seed=6))).records
else:  # every record shares its author and year with six others: every entry has a year suffix
    families = ["Smith", "\u00d8ster", "Brown", "Ng", "Adams", "M\u00fcller", "Li", "Zed"]
    records = [dataclasses.replace(bundled_record(), id=f"r{i}", ncj_number=str(i), title=f"Report {i} on courts",
                                   title_sentence_case=f"Report {i} on courts", authors=(f"{families[i % 8]}, Ann",),
                                   issued_year=2000 + i % 9) for i in range(N)]
items = bibliography_items(records, STYLE)
if ITEMS_FILE:
    with open(ITEMS_FILE, "w", encoding="utf-8") as f:
        json.dump(items, f)
engine = CslEngine()
build = engine.build_bibliography(STYLE)
# Phases (CPU of this thread, through one Python call at each end) and localeCompare's crossings.
engine._js.add_callable("benchCpu", lambda: time.thread_time())
engine._evaluate(PHASES_JS, "<bench>")
wall, cpu = time.perf_counter(), time.thread_time()
asks = [(wall, cpu)]  # when progress was asked: the longest stretch between two is what a cancel may wait
result = engine.render_bibliography(items, STYLE, progress=lambda done, total: asks.append(
    (time.perf_counter(), time.thread_time())) or True)
wall, cpu = time.perf_counter() - wall, time.thread_time() - cpu
asks.append((asks[0][0] + wall, asks[0][1] + cpu))


def longest(asks):
    return [max(b[i] - a[i] for a, b in zip(asks, asks[1:])) * 1000 for i in (0, 1)]


out = {"build_s": build, "render_s": wall, "render_cpu_s": cpu, "ticks": engine._ticker._done,
       "items_json": len(json.dumps(items)), "result_json": len(json.dumps(result))}
out.update(json.loads(engine._evaluate("JSON.stringify(benchPhases)", "<bench>")))
out["render_gap_ms"] = longest(asks)
asks = [(time.perf_counter(), time.thread_time())]  # the same while another engine builds (and lays out 2 items)
CslEngine().render_bibliography(items[:2], STYLE, progress=lambda done, total: asks.append(
    (time.perf_counter(), time.thread_time())) or True)
asks.append((time.perf_counter(), time.thread_time()))
out["build_gap_ms"] = longest(asks)
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
# A warm build (the window's, once several records are selected) stopped a third of the way in.
out["warm_cancel_ms"] = []
if hasattr(engine, "prepare_bibliography"):
    asked = []
    timer = threading.Timer(build / 3, lambda: asked.append(time.perf_counter()))
    timer.start()
    try:
        CslEngine().prepare_bibliography(STYLE, progress=lambda done, total: not asked)
    except RenderCancelled:
        out["warm_cancel_ms"].append((time.perf_counter() - asked[0]) * 1000)
    timer.cancel()
print(json.dumps(out))
"""

PHASES_JS = """
var benchPhases = {compares: 0};
(function () {
    function timed(owner, name) {
        var f = owner[name];
        owner[name] = function () {
            var t = benchCpu();
            try { return f.apply(this, arguments); }
            finally { benchPhases[name + "_cpu_s"] = (benchPhases[name + "_cpu_s"] || 0) + benchCpu() - t; }
        };
    }
    ["updateItems", "makeBibliography"].forEach(function (name) { timed(CSL.Engine.prototype, name); });
    // updateItems' steps: each item's citation form (for disambiguation), sort keys, disambiguation
    ["doinserts", "setsortkeys", "setdisambigs"].forEach(function (name) { timed(CSL.Registry.prototype, name); });
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
    parser.add_argument("--bibliography-data", choices=sorted(DATA_SETS), default="generated",
                        help="the records: " + "; ".join(f"{k}: {v}" for k, v in DATA_SETS.items()))
    parser.add_argument("--node", action="store_true", help="also time the same bibliographies under Node")
    args = parser.parse_args(argv)

    if not args.bibliography_only:
        copy_figures(args)
    if args.bibliography:
        trees = {"this tree": ROOT} if args.baseline is None else {"baseline": args.baseline.resolve(), "this tree": ROOT}
        bibliography_figures(args.bibliography, args.bibliography_runs, trees, args.bibliography_data, args.node)
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


DATA_SETS = {
    "generated": "8 authors x 9 years: every entry shares author and year with six others, all get a year suffix",
    "realistic": "scripts/gen_records.py through the importer: 482 author-year groups, 36 records share one",
}

# The same bibliography under Node (V8, a JIT), for what part is QuickJS's: the same driver, the same
# style (citation <sort> removed), both formats at once, the macro index; no progress ticks.
NODE_JS = """
const fs = require("fs"), path = require("path");
const CSL = require(path.resolve("scripts/citeproc/node_modules/citeproc"));
const NcjrsCite = require(path.resolve("resources/js/citeproc_driver.js"));
const request = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
const clock = () => Number(process.hrtime.bigint()) / 1e9, phases = {};
function timed(owner, name) {
    const f = owner[name];
    owner[name] = function () { const t = clock(); try { return f.apply(this, arguments); }
                                finally { phases[name + "_s"] = (phases[name + "_s"] || 0) + clock() - t; } };
}
["updateItems", "makeBibliography"].forEach((n) => timed(CSL.Engine.prototype, n));
["doinserts", "setsortkeys", "setdisambigs"].forEach((n) => timed(CSL.Registry.prototype, n));
NcjrsCite.indexMacroLookups(CSL, null); NcjrsCite.renderFormatsTogether(CSL, null);
let t = clock(); const engine = NcjrsCite.createEngine(CSL, request.style_xml, request.locale_xml, "en-US");
const build = clock() - t; t = clock(); engine.bibliography(request.items);
console.log(JSON.stringify(Object.assign({build_s: build, render_s: clock() - t}, phases)));
"""

NODE_REQUEST = """
from viewer.citeproc import style_repo
from viewer.citeproc.engine import without_citation_sort
with open(ITEMS_FILE, encoding="utf-8") as f:
    items = json.load(f)
with open(ITEMS_FILE, "w", encoding="utf-8") as f:
    json.dump({"items": items, "style_xml": without_citation_sort(style_repo.style_xml(STYLE)),
               "locale_xml": style_repo.locale_xml("en-US")}, f)
print("{}")
"""


def node_probe(tree: Path, items_file: str, style_id: str) -> dict:
    run_probe(NODE_REQUEST, tree, ITEMS_FILE=items_file, STYLE=style_id)
    proc = subprocess.run(["node", "-e", NODE_JS, items_file], cwd=tree, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"node failed (is scripts/citeproc/node_modules installed?):\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def bibliography_figures(n: int, runs: int, trees: dict[str, Path], data: str = "generated",
                         node: bool = False) -> None:
    """Each style's runs, the trees interleaved run by run (the machine's load falls on both alike)."""
    print(f"data: {data} ({DATA_SETS[data]})")
    for style_id, name in (("apa", "APA"), ("chicago-notes-bibliography", "Chicago notes")):
        rows: dict[str, list[dict]] = {label: [] for label in trees}
        nodes = []
        for _ in range(runs):
            for label, tree in trees.items():
                with tempfile.TemporaryDirectory() as tmp:
                    items_file = str(Path(tmp) / "items.json") if node and label == "this tree" else ""
                    rows[label].append(run_probe(BIBLIOGRAPHY_PROBE, tree, N=n, STYLE=style_id, PHASES_JS=PHASES_JS,
                                                 DATA=data, ITEMS_FILE=items_file))
                    if items_file:
                        nodes.append(node_probe(tree, items_file, style_id))
        for label, found in rows.items():
            print_bibliography(f"{name}, {n} records ({label}, {runs} fresh interpreters)", found)
        if nodes:
            print(f"  the same under Node ({runs} runs, medians): build {_median(nodes, 'build_s'):.1f} s, render "
                  f"{_median(nodes, 'render_s'):.1f} s: {_phases(nodes, '_s')}")


def _median(rows: list[dict], key: str) -> float:
    return statistics.median(r.get(key, 0.0) for r in rows)


def _phases(rows: list[dict], suffix: str) -> str:
    return (f"updateItems {_median(rows, 'updateItems' + suffix):.1f} s (citation forms "
            f"{_median(rows, 'doinserts' + suffix):.1f}, sort keys {_median(rows, 'setsortkeys' + suffix):.1f}, "
            f"disambiguation {_median(rows, 'setdisambigs' + suffix):.1f}), makeBibliography "
            f"{_median(rows, 'makeBibliography' + suffix):.1f} s")


def print_bibliography(title: str, rows: list[dict]) -> None:
    def spread(key: str, unit: float = 1.0, digits: int = 1) -> str:
        values = sorted(r[key] * unit for r in rows)
        return f"median {_median(rows, key) * unit:.{digits}f} (range {values[0]:.{digits}f}-{values[-1]:.{digits}f})"

    cancels = sorted(ms for r in rows for ms in r["cancel_ms"])
    warm_cancels = sorted(ms for r in rows for ms in r.get("warm_cancel_ms", []))
    print(f"{title}:")
    print(f"  render {spread('render_s')} s wall, {spread('render_cpu_s')} s CPU; "
          f"sorted processor built in {spread('build_s')} s")
    print(f"  from Copy to the clipboard: {_median(rows, 'build_s') + _median(rows, 'render_s'):.1f} s; with the "
          f"processor built while the records were selected: {_median(rows, 'render_s'):.1f} s")
    print(f"  where the render's CPU goes (medians): {_phases(rows, '_cpu_s')}")
    print(f"  crossings into Python: {_median(rows, 'compares'):,.0f} localeCompare at {_median(rows, 'compare_us'):.0f}"
          f" µs each (~{_median(rows, 'compares') * _median(rows, 'compare_us') / 1e6:.2f} s), "
          f"{_median(rows, 'ticks'):,.0f} progress ticks; "
          f"JSON {_median(rows, 'items_json') / 1024:,.0f} KiB in, {_median(rows, 'result_json') / 1024:,.0f} KiB out")
    gaps = {key: [max(r[key][i] for r in rows) for i in (0, 1)] for key in ("build_gap_ms", "render_gap_ms")}
    print(f"  longest stretch without asking whether to go on (max over runs, wall/CPU): while building "
          f"{gaps['build_gap_ms'][0]:.0f}/{gaps['build_gap_ms'][1]:.0f} ms, while rendering "
          f"{gaps['render_gap_ms'][0]:.0f}/{gaps['render_gap_ms'][1]:.0f} ms")
    print(f"  cancel to stop: median {statistics.median(cancels):.0f} ms, max {cancels[-1]:.0f} ms "
          f"({len(cancels)} cancels, asked at a third and two thirds of the render)"
          + (f"; a warm build stopped: max {warm_cancels[-1]:.0f} ms ({len(warm_cancels)})" if warm_cancels else ""))


if __name__ == "__main__":
    sys.exit(main())
