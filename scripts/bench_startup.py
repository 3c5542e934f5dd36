"""Start-up benchmark: ncjrs-viewer against a bare PySide6 window, measured in the same run.

Prints the median wall time from process start to the first painted window (offscreen), and
the peak resident memory (the figure `/usr/bin/time -v` calls "Maximum resident set size",
read here from the child's rusage with os.wait4).

    .venv/bin/python scripts/bench_startup.py [--runs N] [--exe PATH]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

BARE_WINDOW = ROOT / "scripts" / "bare_window.py"  # shared with bench_exe.py


def measure(cmd: list[str], env: dict[str, str]) -> tuple[float, int]:
    """Seconds from process start to its "painted" line (the first paint), and peak RSS in KiB."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    elapsed = None
    for line in proc.stdout:
        if line.startswith(b"painted"):
            elapsed = time.perf_counter() - start
    _, status, usage = os.wait4(proc.pid, 0)
    if elapsed is None:
        raise SystemExit(f"{cmd} never painted")
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{cmd} failed ({proc.returncode}): {proc.stderr.read().decode()[-500:]}")
    return elapsed, usage.ru_maxrss  # KiB on Linux


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--exe", default=str(ROOT / ".venv" / "bin" / "ncjrs-viewer"))
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "NCJRS_VIEWER_EXIT_AFTER_PAINT": "1",
               "XDG_CONFIG_HOME": tmp, "XDG_DATA_HOME": tmp}
        subjects = {
            "ncjrs-viewer": [args.exe, "--settings", str(Path(tmp) / "s.ini")],
            "bare PySide6 window": [sys.executable, str(BARE_WINDOW)],
        }
        results: dict[str, list[tuple[float, int]]] = {name: [] for name in subjects}
        for name, cmd in subjects.items():  # one warm-up each: the OS file cache, not our code
            measure(cmd, env)
        for _ in range(args.runs):  # interleaved, so both see the same machine load
            for name, cmd in subjects.items():
                results[name].append(measure(cmd, env))

    print(f"start to first painted window, offscreen, median of {args.runs} runs:")
    for name, runs in results.items():
        times = [t for t, _ in runs]
        peak = max(m for _, m in runs)
        print(f"  {name:<22} {statistics.median(times) * 1000:7.0f} ms   "
              f"(min {min(times) * 1000:.0f}, max {max(times) * 1000:.0f})   peak RSS {peak / 1024:6.1f} MiB")
    viewer = statistics.median(t for t, _ in results["ncjrs-viewer"])
    bare_t = statistics.median(t for t, _ in results["bare PySide6 window"])
    print(f"  ratio viewer / bare: {viewer / bare_t:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
