"""Benchmark the library at NCJRS scale (a script, not a timed test).

    python scripts/bench_library.py [--count 235000] [--records FILE] [--keep DIR]

Generates COUNT synthetic records as CSL-JSON (scripts/gen_records.py, fixed seed), imports
them into a fresh library in a temporary folder and prints:

* import time (reading the file, writing the library) and the library's size on disk;
* search latency per keystroke: each query of TYPED is typed character by character and
  every prefix searched as the search box does (as-you-type, limit 50): p50, p95, max;
  the same queries searched complete with exact ranking, for comparison;
* list paging (the tree model's fetchMore) and count;
* time to first painted window and peak memory, full library against a library holding only
  the bundled record: ``python -m viewer --library DIR`` with NCJRS_VIEWER_EXIT_AFTER_PAINT=1
  under /usr/bin/time -v (median of --runs); "n/a" when the program cannot do that yet.

Goals (issue 6): import of 235,000 under 60 s, search p95 under 16 ms, window within 1.2x
of the single-record window, peak memory under 2x.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import gen_records  # noqa: E402

from viewer.core import importers  # noqa: E402
from viewer.core.library import Library  # noqa: E402

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


def window_run(library_dir: Path, timeout: float = 120.0) -> tuple[float, int] | str:
    """(seconds from launch to the first paint, peak RSS in KiB), or why it is n/a."""
    import importlib.util

    if importlib.util.find_spec("viewer.__main__") is None:
        return "n/a (no viewer/__main__.py)"
    env = dict(os.environ, NCJRS_VIEWER_EXIT_AFTER_PAINT="1")
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    settings = library_dir.parent / f"{library_dir.name}-settings.ini"
    # --settings keeps the benchmark away from the user's own settings.
    command = [sys.executable, "-m", "viewer", "--settings", str(settings), "--library", str(library_dir)]
    timer = ["/usr/bin/time", "-v"] if Path("/usr/bin/time").exists() else []
    start = time.perf_counter()
    proc = subprocess.Popen(timer + command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    painted = None
    for line in proc.stdout:  # the program prints "painted: ..." at its first paint
        if line.startswith("painted") and painted is None:
            painted = time.perf_counter() - start
    try:
        _, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        return f"n/a (did not exit within {timeout:.0f} s of launch: no exit-after-paint?)"
    proc.stderr = stderr
    elapsed = painted if painted is not None else time.perf_counter() - start
    if proc.returncode != 0:
        own = re.split(r"^(?:Command exited with non-zero status|\tCommand being timed)", proc.stderr, flags=re.M)[0]
        last = (own.strip().splitlines() or ["no message"])[-1]
        return f"n/a (exit {proc.returncode}: {last[:160]})"
    match = re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr)
    return elapsed, int(match.group(1)) if match else 0


def window_timing(full_dir: Path, single_dir: Path, runs: int) -> None:
    """Time to first painted window and peak memory, full library against single record."""
    results: dict[str, list[tuple[float, int]]] = {"single": [], "full": []}
    for _ in range(runs):
        for name, folder in (("single", single_dir), ("full", full_dir)):  # interleaved: fair to both
            outcome = window_run(folder)
            if isinstance(outcome, str):
                print(f"  window ({name}): {outcome}")
                print("  window ratio: n/a; memory ratio: n/a")
                return
            results[name].append(outcome)
    summary = {}
    for name, values in results.items():
        secs = statistics.median(v[0] for v in values)
        rss = statistics.median(v[1] for v in values)
        summary[name] = (secs, rss)
        print(f"  first painted window, {name:6} library: {secs * 1000:7.0f} ms (launch to first paint, median of {runs}); "
              f"peak RSS {rss / 1024:6.1f} MiB")
    ratio = summary["full"][0] / summary["single"][0]
    memory = summary["full"][1] / summary["single"][1] if summary["single"][1] else float("nan")
    print(f"  window ratio full/single: {ratio:.2f} (goal <= {GOAL_WINDOW_RATIO}) {goal(ratio <= GOAL_WINDOW_RATIO)}")
    print(f"  memory ratio full/single: {memory:.2f} (goal < {GOAL_MEMORY_RATIO}) {goal(memory < GOAL_MEMORY_RATIO)}")


# --- the benchmark --------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=235_000)
    parser.add_argument("--records", type=Path, help="a CSL-JSON file to import instead of generating one")
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--keep", type=Path, help="build the library here and keep it (must not exist)")
    parser.add_argument("--runs", type=int, default=3, help="window launches per library (median)")
    parser.add_argument("--no-window", action="store_true", help="skip the window timing")
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="ncjrs-library-bench-"))
    try:
        records_file = args.records
        if records_file is None:
            records_file = work / "records.json"
            start = time.perf_counter()
            gen_records.write(records_file, args.count, args.seed)
            print(f"generated {args.count:,} records in {time.perf_counter() - start:.1f} s "
                  f"({records_file.stat().st_size / 1e6:.0f} MB of CSL-JSON)")
        library_dir = args.keep or work / "library"
        if library_dir.exists():
            parser.error(f"{library_dir} exists; give a new folder")

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
        del report

        start = time.perf_counter()
        lib = Library.open(library_dir)
        print(f"  reopen: {(time.perf_counter() - start) * 1000:.0f} ms; count {lib.count():,}")

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
            found = lib.search(query, 50, prefix=False, exact=True)
            exact_ms.append((time.perf_counter() - t0) * 1000)
        print(f"  complete queries ranked exactly (as when typing stops, or the CLI): p50 "
              f"{percentile(exact_ms, 0.5):.0f} ms, max {max(exact_ms):.0f} ms")
        top = lib.search("trafficking women", 3)
        for hit in top:
            print(f"    {hit.id}\t{hit.title}")

        print("list paging (tree model fetchMore, 1000 rows)")
        n = lib.count()
        for offset in (0, n // 2, max(0, n - 1000)):
            t0 = time.perf_counter()
            rows = lib.page(offset, 1000)
            print(f"  page at {offset:>7,}: {(time.perf_counter() - t0) * 1000:6.1f} ms ({len(rows)} rows)")
        t0 = time.perf_counter()
        lib.count()
        print(f"  count: {(time.perf_counter() - t0) * 1000:.1f} ms")
        lib.close()

        print("window (python -m viewer --library DIR, NCJRS_VIEWER_EXIT_AFTER_PAINT=1, /usr/bin/time -v)")
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
