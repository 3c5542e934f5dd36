"""Size and cold start of dist/ncjrs-viewer against a bare PySide6 window built with PyInstaller's defaults.

    .venv/bin/python scripts/bench_exe.py [--runs 15] [--exe dist/ncjrs-viewer] [--baseline PATH]

The baseline is a QMainWindow with a tree and a text pane (the shape of ours), frozen in a
temporary directory with ``pyinstaller --onefile`` and nothing else. Both run offscreen
(``QT_QPA_PLATFORM=offscreen``) from a fresh process each time, so each launch unpacks the
one-file archive again, as a user's does. Times are wall-clock medians over ``--runs``
launches (after one discarded warm-up, launches alternate between the two executables):

- first paint: process start until a line starting ``painted`` arrives on stdout, with
  ``NCJRS_VIEWER_EXIT_AFTER_PAINT=1`` (the contract: right after the main window's first
  paint event the program prints ``painted: <window title>``, flushed, then quits). A program
  that quits without printing it is timed to its exit instead, and the table says so;
- window exit: process start until exit in the same run (teardown included);
- --version: process start until exit.

Page caches are not dropped (that needs the whole machine): "cold" is a new process that
unpacks and loads everything, not a cold disk. ``--baseline`` reuses a baseline executable
built by an earlier run (its path is printed) instead of building one.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOAL_SIZE_MB = 40.0
GOAL_START_RATIO = 0.7

BARE_WINDOW = Path(__file__).with_name("bare_window.py")  # shared with bench_startup.py


def build_baseline(folder: Path) -> Path:
    """``pyinstaller --onefile bare_window.py`` in ``folder``; returns the executable."""
    script = folder / "bare_window.py"
    script.write_text(BARE_WINDOW.read_text(encoding="utf-8"), encoding="utf-8")
    print(f"building the baseline (pyinstaller --onefile) in {folder} ...", file=sys.stderr, flush=True)
    subprocess.run([sys.executable, "-m", "PyInstaller", "--onefile", "--noconfirm", "--log-level", "WARN",
                    "--distpath", str(folder / "dist"), "--workpath", str(folder / "build"),
                    "--specpath", str(folder), str(script)],
                   check=True, cwd=folder, stdout=subprocess.DEVNULL)
    return folder / "dist" / "bare_window"


def clean_env(tmp: Path) -> dict[str, str]:
    """A minimal environment: no virtual environment, offscreen Qt, settings in a temp dir."""
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp), "LANG": os.environ.get("LANG", "C.UTF-8"),
           "TMPDIR": os.environ.get("TMPDIR", "/tmp"), "QT_QPA_PLATFORM": "offscreen",
           "XDG_CONFIG_HOME": str(tmp / "config"), "XDG_RUNTIME_DIR": str(tmp / "runtime")}
    (tmp / "runtime").mkdir(mode=0o700, exist_ok=True)
    return env


def launch(exe: Path, args: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float | None]:
    """Seconds from spawning the process to its exit, and to its ``painted`` line (None without one)."""
    start = time.perf_counter()
    painted = None
    with subprocess.Popen([str(exe), *args], env=env, cwd=cwd, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE) as proc:
        for line in proc.stdout:
            if painted is None and line.startswith(b"painted"):
                painted = time.perf_counter() - start
        stderr = proc.stderr.read()
        code = proc.wait(timeout=120)
    elapsed = time.perf_counter() - start
    if code != 0:
        raise SystemExit(f"{exe} {' '.join(args)} exited {code}:\n{stderr.decode(errors='replace')}")
    return elapsed, painted


def measure(exes: dict[str, Path], runs: int, tmp: Path) -> tuple[dict[tuple[str, str], float], set[str]]:
    """Medians by (executable, case); and the executables that never printed ``painted``."""
    env = clean_env(tmp)
    paint_env = {**env, "NCJRS_VIEWER_EXIT_AFTER_PAINT": "1"}
    times: dict[tuple[str, str], list[float]] = {(n, c): [] for n in exes
                                                 for c in ("first paint", "window exit", "--version")}
    silent: set[str] = set()
    for round_ in range(runs + 1):  # round 0 warms the page cache and is dropped
        for name, exe in exes.items():
            exited, painted = launch(exe, [], paint_env, tmp)
            if painted is None:
                silent.add(name)
            version_exit, _ = launch(exe, ["--version"], env, tmp)
            if round_:
                times[(name, "first paint")].append(exited if painted is None else painted)
                times[(name, "window exit")].append(exited)
                times[(name, "--version")].append(version_exit)
    return {key: statistics.median(values) for key, values in times.items()}, silent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--exe", type=Path, default=ROOT / "dist" / "ncjrs-viewer")
    parser.add_argument("--baseline", type=Path, help="a baseline executable from an earlier run")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--keep", action="store_true", help="keep the temporary baseline build")
    args = parser.parse_args()
    if not args.exe.is_file():
        parser.error(f"{args.exe} does not exist: build it first (packaging/build.sh)")

    work = Path(tempfile.mkdtemp(prefix="ncjrs-bench-"))
    try:
        baseline = args.baseline or build_baseline(work)
        exes = {"ncjrs-viewer": args.exe.resolve(), "default build": baseline.resolve()}
        run_dir = work / "run"
        run_dir.mkdir()
        medians, silent = measure(exes, args.runs, run_dir)
        size = {name: exe.stat().st_size / 1e6 for name, exe in exes.items()}  # before the clean-up below
    finally:
        if args.keep and not args.baseline:
            shutil.rmtree(work / "run", ignore_errors=True)
            print(f"baseline kept: {work / 'dist' / 'bare_window'} (pass it as --baseline)", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)

    ours, base = "ncjrs-viewer", "default build"
    cases = ("first paint", "window exit", "--version")
    print(f"median of {args.runs} launches each, QT_QPA_PLATFORM=offscreen, one-file executables, times in ms")
    print(f"{'':16}{'size MB':>9}" + "".join(f"{case:>14}" for case in cases))
    for name in exes:
        mark = "*" if name in silent else " "
        print(f"{name:16}{size[name]:9.1f}" + "".join(f"{medians[(name, c)] * 1e3:13.0f}{mark if c == 'first paint' else ' '}"
                                                     for c in cases))
    ratios = {c: medians[(ours, c)] / medians[(base, c)] for c in cases}
    print(f"{'ratio':16}{size[ours] / size[base]:9.2f}" + "".join(f"{ratios[c]:13.2f} " for c in cases))
    if silent:
        print(f"* printed no 'painted' line: timed to exit ({', '.join(sorted(silent))})")
    size_ok, start_ok = size[ours] < GOAL_SIZE_MB, ratios["first paint"] <= GOAL_START_RATIO
    print(f"goal: size < {GOAL_SIZE_MB:.0f} MB: {'met' if size_ok else 'NOT met'}; "
          f"first paint <= {GOAL_START_RATIO}x default: {'met' if start_ok else 'NOT met'}")
    return 0 if size_ok and start_ok else 1


if __name__ == "__main__":
    sys.exit(main())
