"""Benchmark the whole CSL repository: listing, filtering, a never-used style's first citation, size.

    python scripts/bench_styles.py [--styles N]

Prints, each cold step in a fresh interpreter so nothing is cached by an earlier one:
- importing viewer.citeproc.style_repo, and the first all_styles() (reads the index);
- find_styles() per keystroke while "crimin" is typed, character by character (median of runs);
- for N styles never used before (a seeded sample, dependent ones included): reading the XML
  and the first citation (engine built in the same process: citeproc-js load, style build,
  render), and a later copy in the same style;
- the bytes resources/csl/repository adds.
- the window's style box: each keystroke of "crimin" and "journal of crim" (filter, popup, paint);
- the citation service: a never-used style's first citation from the moment it is chosen (the
  engine loaded when the panel was shown), later copies, another record in that style;
- a 500-record APA bibliography through the service: progress signals, the time a cancel takes
  to stop it, the whole render, and quitting while its sorted processor is built and while it renders.
A benchmark, not a test: figures depend on the machine and its load (2 shared cores here).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

LIST_PROBE = """
import json, time
t = time.perf_counter()
from viewer.citeproc import style_repo
imported = time.perf_counter()
styles = style_repo.all_styles()
listed = time.perf_counter()
print(json.dumps({"import_ms": (imported - t) * 1000, "list_ms": (listed - imported) * 1000, "n": len(styles)}))
"""

FILTER_PROBE = """
import json, statistics, time
from viewer.citeproc import style_repo
style_repo.all_styles()
runs = {}
for _ in range(20):
    for n in range(1, 7):
        t = time.perf_counter()
        found = style_repo.find_styles("crimin"[:n])
        runs.setdefault(n, []).append(((time.perf_counter() - t) * 1000, len(found)))
print(json.dumps({n: [statistics.median(ms for ms, _ in r), r[0][1]] for n, r in runs.items()}))
"""

FIRST_CITATION_PROBE = """
import json, sys, time
style_id = sys.argv[1]
t0 = time.perf_counter()
from viewer.citeproc import style_repo
from viewer.citeproc.engine import CslEngine
from viewer.core.csl_item import csl_item
from viewer.core.resources import bundled_record
item = csl_item(bundled_record(), style_id)
t1 = time.perf_counter()
style_repo.style_xml(style_id)
t2 = time.perf_counter()
engine = CslEngine()
t3 = time.perf_counter()
engine.render(item, style_id)
t4 = time.perf_counter()
engine.render(dict(item, id="again"), style_id)
t5 = time.perf_counter()
print(json.dumps({"xml_ms": (t2 - t1) * 1000, "engine_ms": (t3 - t2) * 1000, "first_ms": (t4 - t3) * 1000,
                  "later_ms": (t5 - t4) * 1000, "total_ms": (t4 - t0) * 1000}))
"""


PICKER_PROBE = """
import json, statistics, sys, time
from PySide6.QtWidgets import QApplication
from PySide6.QtTest import QTest
app = QApplication(sys.argv)
from viewer.core.resources import bundled_record
from viewer.ui.main_window import MainWindow
from viewer.ui.settings import Settings
import tempfile, os
w = MainWindow(bundled_record(), Settings(os.path.join(tempfile.mkdtemp(), "s.ini")))
w.show(); app.processEvents()
t = time.perf_counter(); w.citation_panel.show(); app.processEvents(); shown = (time.perf_counter() - t) * 1000
edit = w.citation_panel.style_box.lineEdit()
out = {"panel_first_shown_ms": shown, "keys": {}}
for word in ("crimin", "journal of crim"):
    times = []
    for _ in range(5):
        edit.setFocus(); edit.clear(); w.citation_panel.completer.popup().hide(); app.processEvents()
        for ch in word:
            t = time.perf_counter(); QTest.keyClick(edit, ch); app.processEvents()
            times.append((time.perf_counter() - t) * 1000)
    first = times[0]
    out["keys"][word] = {"first_ever_ms": first, "median_ms": statistics.median(times[1:]), "max_ms": max(times[1:]),
                         "shown": w.citation_panel.results.rowCount()}
w.citations.shutdown()
print(json.dumps(out))
"""

SERVICE_PROBE = """
import dataclasses, json, sys, tempfile, time
from pathlib import Path
from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer
app = QCoreApplication(sys.argv)
from viewer.core.resources import bundled_record
from viewer.services.citation_service import CitationService
style_id = sys.argv[1]
service = CitationService(Path(tempfile.mkdtemp()))
def wait(signal, trigger, timeout=120_000):
    loop = QEventLoop(); got = []
    def done(*args): got.append(args); loop.quit()
    signal.connect(done); QTimer.singleShot(timeout, loop.quit); trigger(); loop.exec(); signal.disconnect(done)
    return got
# The panel shown: the engine loads in the worker (warming the remembered style, APA here).
wait(service.ready, lambda: service.request(dataclasses.replace(bundled_record(), id="warm", title="W"), "apa"))
record = dataclasses.replace(bundled_record(), id="r1", title="Courts and Juries", title_sentence_case="Courts and juries",
                             authors=("Doe, Jane",))
t = time.perf_counter(); wait(service.ready, lambda: service.request(record, style_id)); first = time.perf_counter() - t
t = time.perf_counter()
for _ in range(20):
    assert service.lookup(record, style_id) is not None
again = (time.perf_counter() - t) / 20
other = dataclasses.replace(record, id="r2", title="Prisons", title_sentence_case="Prisons")
t = time.perf_counter(); wait(service.ready, lambda: service.request(other, style_id)); second = time.perf_counter() - t
service.shutdown()
print(json.dumps({"first_ms": first * 1000, "again_ms": again * 1000, "other_record_ms": second * 1000}))
"""

BIBLIOGRAPHY_PROBE = """
import dataclasses, json, sys, tempfile, time
from pathlib import Path
from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer
app = QCoreApplication(sys.argv)
from viewer.core.resources import bundled_record
from viewer.services.citation_service import CitationService
N = int(sys.argv[1])
families = ["Smith", "\u00d8ster", "Brown", "Ng", "Adams", "M\u00fcller", "Li", "Zed"]
records = [dataclasses.replace(bundled_record(), id=f"r{i}", ncj_number=str(i), title=f"Report {i} on courts",
                               title_sentence_case=f"Report {i} on courts", authors=(f"{families[i % 8]}, Ann",),
                               issued_year=2000 + i % 9) for i in range(N)]
service = CitationService(Path(tempfile.mkdtemp()))
out = {}
# 1. cancelled at a third
loop = QEventLoop(); progress = []; state = {}
def on_progress(token, done, total):
    progress.append((time.perf_counter(), done, total))
    if done >= total // 3 and "cancel_at" not in state:
        state["cancel_at"] = time.perf_counter(); service.cancel_bibliography(token)
def on_failed(token, message):
    state["stopped"] = time.perf_counter(); state["message"] = message; loop.quit()
service.bibliography_progress.connect(on_progress); service.bibliography_failed.connect(on_failed)
start = time.perf_counter(); service.request_bibliography(records, "apa"); loop.exec()
out["progress_signals_until_cancel"] = len(progress)
out["first_progress_s"] = progress[0][0] - start
out["cancel_to_stop_ms"] = (state["stopped"] - state["cancel_at"]) * 1000
out["cancel_message"] = state["message"]
service.bibliography_progress.disconnect(on_progress)
# 2. the whole bibliography
loop = QEventLoop(); progress.clear()
service.bibliography_progress.connect(lambda *a: progress.append(a))
service.bibliography_ready.connect(lambda *a: loop.quit())
start = time.perf_counter(); service.request_bibliography(records, "apa"); loop.exec()
out["whole_s"] = time.perf_counter() - start
out["progress_signals"] = len(progress)
service.shutdown()
# 3. quitting while a new service builds the sorted processor (0.3 s in), then while it renders (its first progress)
for phase in ("build", "render"):
    service = CitationService(Path(tempfile.mkdtemp()))
    loop = QEventLoop()
    if phase == "build":
        QTimer.singleShot(300, loop.quit)
    else:
        service.bibliography_progress.connect(lambda token, done, total: done and loop.quit())
    service.request_bibliography(records, "apa"); loop.exec()
    thread = service.worker_thread
    t = time.perf_counter(); service.shutdown()
    out[f"quit_during_{phase}_ms"] = (time.perf_counter() - t) * 1000
    out[f"quit_during_{phase}_worker_ended"] = thread.isFinished()
print(json.dumps(out))
"""


def probe(code: str, *args: str) -> dict:
    done = subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, capture_output=True, text=True,
                          env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"})
    if done.returncode != 0:
        raise SystemExit(f"probe failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--styles", type=int, default=8, help="never-used styles to time (default: 8)")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from viewer.citeproc import style_repo

    cold = [probe(LIST_PROBE) for _ in range(3)]
    print(f"styles: {cold[0]['n']:,}; import style_repo {statistics.median(c['import_ms'] for c in cold):.1f} ms, "
          f"first all_styles() {statistics.median(c['list_ms'] for c in cold):.1f} ms (median of 3 cold runs)")
    for n, (ms, hits) in probe(FILTER_PROBE).items():
        print(f"find_styles({'crimin'[:int(n)]!r}): {ms:.2f} ms, {hits} styles")
    rng = random.Random(7)
    every = style_repo.all_styles()
    chosen = rng.sample([s.id for s in every if not s.is_dependent], args.styles // 2)
    chosen += rng.sample([s.id for s in every if s.is_dependent], args.styles - args.styles // 2)
    rows = []
    for style_id in chosen:
        row = probe(FIRST_CITATION_PROBE, style_id)
        rows.append(row)
        print(f"{style_id}: XML {row['xml_ms']:.1f} ms, citeproc-js load {row['engine_ms']:.0f} ms, "
              f"first citation {row['first_ms']:.0f} ms, later {row['later_ms']:.1f} ms")
    for key, label in (("xml_ms", "XML read"), ("first_ms", "build + first render"), ("later_ms", "later render"),
                       ("total_ms", "from a cold process, imports included")):
        values = [r[key] for r in rows]
        print(f"{label}: median {statistics.median(values):.1f} ms, max {max(values):.1f} ms")
    picker = probe(PICKER_PROBE)
    print(f"style box: panel first shown (index read) {picker['panel_first_shown_ms']:.0f} ms")
    for word, row in picker["keys"].items():
        print(f"style box, typing {word!r}: a keystroke median {row['median_ms']:.1f} ms, max {row['max_ms']:.1f} ms "
              f"(the first keystroke ever {row['first_ever_ms']:.0f} ms: the popup is made), {row['shown']} listed")
    for style_id in chosen[:4]:
        row = probe(SERVICE_PROBE, style_id)
        print(f"service, {style_id}: first citation {row['first_ms']:.0f} ms after it is chosen, later copies "
              f"{row['again_ms']:.3f} ms, another record {row['other_record_ms']:.0f} ms")
    bib = probe(BIBLIOGRAPHY_PROBE, "500")
    print(f"500-record APA bibliography: first progress after {bib['first_progress_s']:.2f} s, "
          f"{bib['progress_signals_until_cancel']} progress signals to a third; cancel stopped it in "
          f"{bib['cancel_to_stop_ms']:.0f} ms ({bib['cancel_message']!r}); whole {bib['whole_s']:.1f} s "
          f"with {bib['progress_signals']} progress signals")
    for phase in ("build", "render"):
        print(f"quitting while the sorted processor {'is built' if phase == 'build' else 'renders'}: "
              f"shutdown() took {bib[f'quit_during_{phase}_ms']:.0f} ms, worker "
              f"{'ended' if bib[f'quit_during_{phase}_worker_ended'] else 'still running (left to the process end)'}")
    repo = ROOT / "resources" / "csl" / "repository"
    files = sorted(repo.glob("*.xz"))
    print(f"resources/csl/repository: {sum(p.stat().st_size for p in files):,} bytes in {len(files)} files "
          f"(index {(repo / 'index.json.xz').stat().st_size:,})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
