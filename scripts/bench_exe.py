"""Size and cold start of dist/ncjrs-viewer against a bare PySide6 window built with PyInstaller's defaults.

    .venv/bin/python scripts/bench_exe.py [--runs 15] [--exe dist/ncjrs-viewer [--exe OTHER...]] [--baseline PATH]

The baseline is a QMainWindow with a tree and a text pane (the shape of ours, scripts/bare_window.py),
frozen in a temporary directory with ``pyinstaller --onefile`` and nothing else. Each launch is a
fresh process, so each one unpacks the one-file archive again, as a user's does. Times are
wall-clock medians over ``--runs`` launches (after one discarded warm-up round; launches
alternate between the two executables), in a minimal environment (no virtual environment):

- first window: spawn until the first top-level window is mapped on a private Xvfb (the xcb
  platform, as a user sees it; scripts/benchlib.py). An executable cannot load the offscreen
  wrapper, so this needs nothing from the program;
- TERM exit: spawn until the process is reaped after SIGTERM at that first window (the
  bootloader deletes what it unpacked before it exits);
- --version: spawn until exit, offscreen (no window).

Our executable keeps its unpacked payload in a per-user cache (packaging/payload_hook.py), so it is
measured twice: as every start but the first of a build (the cache made by the warm-up round,
``ncjrs-viewer``), and as a build's first start (``... first start``: a new, empty cache folder for
each launch, removed after it). The default build has no cache: each of its starts is the same.

It also prints each executable's size, the peak RSS of the window launches (``os.wait4``: the
larger of the bootloader and the program) and the ratios ours / default build.

Page caches are not dropped (that needs the whole machine): "cold" is a new process that
unpacks and loads everything, not a cold disk. ``--baseline`` reuses a baseline executable
built by an earlier run (its path is printed with ``--keep``) instead of building one. ``--exe``
given more than once measures each executable in the same rounds (a build before and after a
change); the goals are judged on the first.
"""

from __future__ import annotations

import argparse
import functools
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from benchlib import BARE_WINDOW, TIMEOUT, Launch, Xvfb, ensure_tools, interleave, launch_mapped, ms

ROOT = Path(__file__).resolve().parent.parent
GOAL_SIZE_MB = 28.0  # issue 15
GOAL_START_RATIO = 0.5


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
    """A minimal environment: no virtual environment, settings in a temp dir."""
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp), "LANG": os.environ.get("LANG", "C.UTF-8"),
           "TMPDIR": os.environ.get("TMPDIR", "/tmp"),
           "XDG_CONFIG_HOME": str(tmp / "config"), "XDG_RUNTIME_DIR": str(tmp / "runtime")}
    (tmp / "runtime").mkdir(mode=0o700, exist_ok=True)
    return env


def version_run(exe: Path, env: dict[str, str], cwd: Path) -> Launch:
    """``exe --version`` offscreen: unpacking and starting Python, without Qt's window."""
    start = time.perf_counter()
    done = subprocess.run([str(exe), "--version"], env={**env, "QT_QPA_PLATFORM": "offscreen"}, cwd=cwd,
                          capture_output=True, timeout=TIMEOUT)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{exe} --version exited {done.returncode}:\n{done.stderr.decode(errors='replace')}")
    return Launch(elapsed, elapsed, 0, done.stdout.decode().strip())


FIRST_START = " first start"  # the name of a subject measured with an empty unpack cache at each launch


def first_start(run: Callable[[dict[str, str]], Launch], env: dict[str, str], tmp: Path) -> Callable[[], Launch]:
    """``run`` with a new, empty cache folder (XDG_CACHE_HOME), removed after the launch (not timed)."""
    def launch() -> Launch:
        cache = Path(tempfile.mkdtemp(prefix="cache-", dir=tmp))
        try:
            return run({**env, "XDG_CACHE_HOME": str(cache)})
        finally:
            shutil.rmtree(cache, ignore_errors=True)
    return launch


def measure(exes: dict[str, Path], runs: int, tmp: Path) -> dict[str, dict[str, list[Launch]]]:
    """Window and --version launches by executable (ours also at a first start), all interleaved."""
    env = clean_env(tmp)
    *ours, _ = exes
    with Xvfb() as xvfb:
        def window(exe: Path) -> Callable[[dict[str, str]], Launch]:
            return lambda env: launch_mapped([str(exe)], env, xvfb, cwd=tmp)

        def version(exe: Path) -> Callable[[dict[str, str]], Launch]:
            return lambda env: version_run(exe, env, tmp)

        # each executable its own cache folder: a build's first start removes other builds' caches
        warm = {name: {**env, "XDG_CACHE_HOME": str(tmp / f"cache-{at}")} for at, name in enumerate(exes)}
        subjects: dict[str, Callable[[], Launch]] = {}
        for case, make in (("", window), (" --version", version)):
            subjects.update({f"{name}{case}": functools.partial(make(exe), warm[name]) for name, exe in exes.items()})
            subjects.update({f"{name}{FIRST_START}{case}": first_start(make(exes[name]), env, tmp) for name in ours})
        results = interleave(subjects, runs)
    names = [*(n for name in ours for n in (name, name + FIRST_START)), *exes.keys() - set(ours)]
    return {name: {"window": results[name], "--version": results[f"{name} --version"]} for name in names}


def print_table(size: dict[str, float], launches: dict[str, dict[str, list[Launch]]], runs: int) -> float:
    """The table and the ratios ours / default build; returns the first-window ratio."""
    def med(name: str, case: str, field: str = "window") -> float:
        return statistics.median(getattr(launch, field) for launch in launches[name][case])

    width = max(16, *(len(name) + 12 for name in launches))
    print(f"median of {runs} launches each, one-file executables; first window mapped on Xvfb; times in ms")
    print(f"{'':{width}}{'size MB':>9}{'first window':>14}{'min-max':>12}{'TERM exit':>11}{'--version':>11}"
          f"{'peak RSS MiB':>14}")
    for name in launches:
        windows = [launch.window for launch in launches[name]["window"]]
        print(f"{name:{width}}{size[name]:9.1f}{ms(med(name, 'window')):>14}{ms(min(windows)) + '-' + ms(max(windows)):>12}"
              f"{ms(med(name, 'window', 'gone')):>11}{ms(med(name, '--version')):>11}"
              f"{med(name, 'window', 'peak_kib') / 1024:14.1f}")
    *ours_all, base = launches
    first: dict[tuple[str, str], float] = {}
    for ours in ours_all:  # the goals are judged on the first: a start with the cache made
        ratio = {(case, field): med(ours, case, field) / med(base, case, field)
                 for case, field in (("window", "window"), ("window", "gone"), ("--version", "window"),
                                     ("window", "peak_kib"))}
        first = first or ratio
        label = f"{ours} / default"
        print(f"{label:{width}}{size[ours] / size[base]:9.2f}{ratio[('window', 'window')]:14.2f}{'':12}"
              f"{ratio[('window', 'gone')]:11.2f}{ratio[('--version', 'window')]:11.2f}"
              f"{ratio[('window', 'peak_kib')]:14.2f}")
    ratio = first
    for name in launches:
        strays = launches[name]["window"][0].strays
        if strays:  # passed over by the timing; a user sees them flash up
            print(f"note: {name} first mapped stray windows: {', '.join(strays)}")
    return ratio[("window", "window")]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--exe", type=Path, action="append",
                        help="an executable to measure (again for more; default: dist/ncjrs-viewer)")
    parser.add_argument("--baseline", type=Path, help="a baseline executable from an earlier run")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--keep", action="store_true", help="keep the temporary baseline build")
    args = parser.parse_args()
    args.exe = args.exe or [ROOT / "dist" / "ncjrs-viewer"]
    for exe in args.exe:
        if not exe.is_file():
            parser.error(f"{exe} does not exist: build it first (packaging/build.sh)")
    ensure_tools()

    work = Path(tempfile.mkdtemp(prefix="ncjrs-bench-"))
    try:
        baseline = args.baseline or build_baseline(work)
        names = ["ncjrs-viewer"] if len(args.exe) == 1 else [exe.name for exe in args.exe]
        exes = {**{name: exe.resolve() for name, exe in zip(names, args.exe)}, "default build": baseline.resolve()}
        run_dir = work / "run"
        run_dir.mkdir()
        launches = measure(exes, args.runs, run_dir)
        size = {name: exes[name.removesuffix(FIRST_START)].stat().st_size / 1e6
                for name in launches}  # before the clean-up below
    finally:
        if args.keep and not args.baseline:
            shutil.rmtree(work / "run", ignore_errors=True)
            print(f"baseline kept: {work / 'dist' / 'bare_window'} (pass it as --baseline)", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)

    start_ratio = print_table(size, launches, args.runs)
    size_ok, start_ok = size[next(iter(size))] <= GOAL_SIZE_MB, start_ratio <= GOAL_START_RATIO
    print(f"goal: size <= {GOAL_SIZE_MB:.0f} MB: {'met' if size_ok else 'NOT met'}; "
          f"first window <= {GOAL_START_RATIO}x default: {'met' if start_ok else 'NOT met'}")
    return 0 if size_ok and start_ok else 1


if __name__ == "__main__":
    sys.exit(main())
