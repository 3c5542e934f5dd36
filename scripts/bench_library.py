"""Benchmark the library at NCJRS scale (a script, not a timed test).

    python scripts/bench_library.py [--count 235000] [--records FILE] [--keep DIR]
    python scripts/bench_library.py --library DIR   (a library built before, e.g. with --keep)

Generates COUNT synthetic records as CSL-JSON (scripts/gen_records.py, fixed seed), imports
them into a fresh library in a temporary folder (or uses the library in --library DIR) and prints:

* import time (reading the file, writing the library) and the library's size on disk;
* search latency per keystroke: each query of TYPED is typed character by character and
  every prefix searched as the search box does (as-you-type, limit 50): p50, p95, max;
  the same queries searched complete with exact ranking, for comparison;
* sorting by each list column (first page, as a header click shows it), goal <= 100 ms;
* every match of a query ranked and counted (the search's total, computed in a timer once
  typing pauses, never on a keystroke), best first and sorted by a column;
* list paging (the tree model's fetchMore) and count;
* the library panel driven in this process (offscreen Qt, scripts/bench_library_window.py): the
  first screen after a header click per column; each keystroke into the search box until the
  events it leads to are handled and what changed is painted, p50 / p95 (wall and GUI-thread CPU
  time); the time until the total arrives from the worker thread and the
  longest GUI-thread stall while a count runs; keystrokes typed while a count runs;
* time from spawn to the first mapped window on a private Xvfb, and peak memory (os.wait4),
  full library against a library holding only the bundled record: ``python -m viewer --library
  DIR`` (medians of --runs, interleaved; scripts/benchlib.py); "n/a" when the window fails.

Goals (issue 6): import of 235,000 under 60 s, search p95 under 16 ms, window within 1.2x
of the single-record window, peak memory under 2x.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import gen_records  # noqa: E402
from benchlib import Launch, LaunchError, Xvfb, ensure_tools, interleave, launch_mapped, report  # noqa: E402

from viewer.core import importers  # noqa: E402
from viewer.core.library import COLUMNS, Library, Order  # noqa: E402

PAGE = 200  # viewer.ui.library_model.PAGE (not imported: this script needs no Qt)

TYPED = [
    "trafficking women",
    "juvenile justice",
    "police use of force",
    "203234",
    "drug court evaluation",
    "Smith",
    "victim services",
    "body-worn cameras",
    "restorative justice",
    "Bureau of Justice Statistics",
    "domestic violence shelters",
    "NCJ 203234",
    "recidivism reentry",
    "Petersilia parole",
]

GOAL_IMPORT_S = 60.0
GOAL_SEARCH_P95_MS = 16.0
GOAL_WINDOW_RATIO = 1.2
GOAL_MEMORY_RATIO = 2.0
GOAL_SORT_MS = 100.0


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def folder_size(folder: Path) -> int:
    return sum(f.stat().st_size for f in folder.iterdir() if f.is_file())


def goal(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


# --- window timing ------------------------------------------------------------------------


def window_timing(full_dir: Path, single_dir: Path, runs: int) -> None:
    """First mapped window and peak memory, full library against single record (scripts/benchlib.py)."""
    ensure_tools()
    env = {**os.environ, "XDG_CONFIG_HOME": str(full_dir.parent)}  # --settings and --library cover the rest

    def launch(folder: Path) -> Callable[[], Launch]:
        settings = folder.parent / f"{folder.name}-settings.ini"  # not the user's own settings
        return lambda: launch_mapped([sys.executable, "-m", "viewer", "--settings", str(settings),
                                      "--library", str(folder)], env, xvfb, cwd=ROOT)

    with Xvfb() as xvfb:
        try:  # interleaved: fair to both
            results = interleave({"single-record library": launch(single_dir), "full library": launch(full_dir)}, runs)
        except LaunchError as exc:
            print(f"  window: n/a ({str(exc).strip().splitlines()[-1][:160]})")
            return
    ratios = report(f"  spawn to first mapped window (Xvfb), median of {runs}", results, "single-record library")
    ratio, memory = ratios["full library"]
    print(f"  window ratio full/single: {ratio:.2f} (goal <= {GOAL_WINDOW_RATIO}) {goal(ratio <= GOAL_WINDOW_RATIO)}")
    print(f"  memory ratio full/single: {memory:.2f} (goal < {GOAL_MEMORY_RATIO}) {goal(memory < GOAL_MEMORY_RATIO)}")


# --- the benchmark --------------------------------------------------------------------------


def import_records(records_file: Path, library_dir: Path) -> None:
    """Import time and the library's size on disk."""
    print("import")
    start = time.perf_counter()
    report = importers.read_file(records_file)
    parsed = time.perf_counter()
    with Library.open(library_dir) as lib:
        opened = time.perf_counter()
        result = lib.add_records(report.entries)
        done = time.perf_counter()
    total = done - start
    print(f"  read {len(report.entries):,} records ({len(report.bad)} bad) in {parsed - start:.1f} s; "
          f"wrote {len(result.added):,} ({len(result.duplicates)} duplicates) in {done - opened:.1f} s")
    print(f"  import total: {total:.1f} s (goal < {GOAL_IMPORT_S:.0f} s) {goal(total < GOAL_IMPORT_S)}")
    size = folder_size(library_dir)
    print(f"  size on disk: {size / 1e6:.0f} MB ({size / max(1, len(result.added)):.0f} bytes a record)")


def search_latency(lib: Library) -> None:
    """Every prefix of TYPED as the search box searches it, then the complete queries ranked exactly."""
    print("search as you type (limit 50)")
    for query in TYPED:  # warm the page cache as a running program would have
        lib.search(query)
    latencies: list[float] = []
    slowest: list[tuple[float, str]] = []
    approximate = 0
    for query in TYPED:
        for i in range(1, len(query) + 1):
            typed = query[:i]
            t0 = time.perf_counter()
            found = lib.search(typed, 50)
            ms = (time.perf_counter() - t0) * 1000
            latencies.append(ms)
            slowest.append((ms, typed))
            approximate += not found.exact
    p50, p95 = percentile(latencies, 0.5), percentile(latencies, 0.95)
    print(f"  {len(latencies)} keystrokes over {len(TYPED)} queries: p50 {p50:.1f} ms, p95 {p95:.1f} ms, "
          f"max {max(latencies):.1f} ms (goal p95 < {GOAL_SEARCH_P95_MS:.0f} ms) {goal(p95 < GOAL_SEARCH_P95_MS)}")
    print(f"  ranked over every match: {len(latencies) - approximate}; over the newest matches: {approximate}")
    print("  slowest: " + ", ".join(f"{t!r} {ms:.1f} ms" for ms, t in sorted(slowest)[-5:]))
    exact_ms = []
    for query in TYPED:
        t0 = time.perf_counter()
        lib.search(query, 50, prefix=False, exact=True)
        exact_ms.append((time.perf_counter() - t0) * 1000)
    print(f"  complete queries ranked exactly (as when typing stops, or the CLI): p50 "
          f"{percentile(exact_ms, 0.5):.0f} ms, max {max(exact_ms):.0f} ms")
    for hit in lib.search("trafficking women", 3):
        print(f"    {hit.id}\t{hit.title}")


def list_paging(lib: Library) -> None:
    print("list paging (tree model fetchMore, 1000 rows)")
    n = lib.count()
    for offset in (0, n // 2, max(0, n - 1000)):
        t0 = time.perf_counter()
        rows = lib.page(offset, 1000)
        print(f"  page at {offset:>7,}: {(time.perf_counter() - t0) * 1000:6.1f} ms ({len(rows)} rows)")
    t0 = time.perf_counter()
    lib.count()
    print(f"  count: {(time.perf_counter() - t0) * 1000:.1f} ms")


def sorting(lib: Library) -> None:
    """A header click: the first screen (one page, as LibraryModel.fetchMore) in each column's order."""
    print(f"sorting by a column (first page of {PAGE} rows, as a header click shows it)")
    worst = 0.0
    for column in COLUMNS:
        times = []
        for descending in (False, True):
            t0 = time.perf_counter()
            lib.list_rows(0, PAGE, Order(column, descending))
            times.append((time.perf_counter() - t0) * 1000)
        worst = max(worst, *times)
        print(f"  {column:<8} ascending {times[0]:5.1f} ms, descending {times[1]:5.1f} ms")
    print(f"  slowest: {worst:.1f} ms (goal <= {GOAL_SORT_MS:.0f} ms) {goal(worst <= GOAL_SORT_MS)}")


def counting(lib: Library) -> None:
    """Every match ranked and counted: LibraryModel.complete, run from a timer once typing pauses
    (never on a keystroke), and the same sorted by a column."""
    print("every match counted and ranked (in a timer after typing pauses, never on a keystroke)")
    for query in TYPED[:6]:
        t0 = time.perf_counter()
        ranking = lib.rank(query)
        lib.hits(ranking, 0, PAGE)
        ranked = (time.perf_counter() - t0) * 1000
        t0 = time.perf_counter()
        lib.rank(query, Order("year"))
        by_year = (time.perf_counter() - t0) * 1000
        print(f"  {query!r}: {len(ranking):,} records match; ranked + first page {ranked:.0f} ms, "
              f"sorted by year {by_year:.0f} ms")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=235_000)
    parser.add_argument("--records", type=Path, help="a CSL-JSON file to import instead of generating one")
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--keep", type=Path, help="build the library here and keep it (must not exist)")
    parser.add_argument("--runs", type=int, default=3, help="window launches per library (median)")
    parser.add_argument("--library", type=Path, help="use this library (built before) instead of importing")
    parser.add_argument("--no-window", action="store_true", help="skip the window timing")
    parser.add_argument("--no-panel", action="store_true", help="skip the library panel (offscreen Qt)")
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="ncjrs-library-bench-"))
    try:
        records_file = args.records
        if records_file is None and args.library is None:
            records_file = work / "records.json"
            start = time.perf_counter()
            gen_records.write(records_file, args.count, args.seed)
            print(f"generated {args.count:,} records in {time.perf_counter() - start:.1f} s "
                  f"({records_file.stat().st_size / 1e6:.0f} MB of CSL-JSON)")
        library_dir = args.library or args.keep or work / "library"
        if args.library is None:
            if library_dir.exists():
                parser.error(f"{library_dir} exists; give a new folder")
            import_records(records_file, library_dir)

        start = time.perf_counter()
        with Library.open(library_dir) as lib:
            print(f"  reopen: {(time.perf_counter() - start) * 1000:.0f} ms; count {lib.count():,}")
            search_latency(lib)
            sorting(lib)
            counting(lib)
            list_paging(lib)

        if args.no_panel:
            print("library panel: skipped (--no-panel)")
        else:
            import bench_library_window  # Qt: only here

            bench_library_window.run(library_dir, TYPED)

        print("window (python -m viewer --library DIR on a private Xvfb, until its first mapped window)")
        if args.no_window:
            print("  skipped (--no-window)")
        else:
            single_dir = work / "single"
            Library.open(single_dir).close()
            window_timing(library_dir, single_dir, args.runs)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
