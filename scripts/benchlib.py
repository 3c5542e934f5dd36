"""The one launch-until-the-first-window helper of the start-up benchmarks.

Two ways to see a program's first window, both timed from the moment it is spawned:

- ``offscreen``: ``QT_QPA_PLATFORM=offscreen`` and the program started through
  scripts/painted.py, which prints ``painted: <title>`` at the first paint of a top-level widget
  and quits. Needs no display; works for source runs only (the wrapper must be loaded).
- ``xvfb``: the xcb platform on a private Xvfb (scripts/xmap.py), until the first mapped
  top-level window, as a user sees it; the program is then sent SIGTERM. Needs no cooperation
  from the program, so it times the one-file executable too.

Either way the child's peak RSS comes from ``os.wait4`` (ru_maxrss: for a one-file executable,
the larger of the bootloader and the program it waited for).
"""

from __future__ import annotations

import os
import select
import signal
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from xmap import Xvfb, ensure_tools

SCRIPTS = Path(__file__).resolve().parent
PAINTED = SCRIPTS / "painted.py"
BARE_WINDOW = SCRIPTS / "bare_window.py"
TIMEOUT = 120.0


@dataclass
class Launch:
    window: float  # seconds from spawn to the first window (painted, or mapped)
    gone: float  # seconds from spawn until the process was reaped
    peak_kib: int  # ru_maxrss
    title: str
    strays: tuple[str, ...] = ()  # tiny windows mapped before the first real one (Xvfb only)


class LaunchError(Exception):
    """The program exited, failed or timed out before showing a window."""


def _spawn(cmd: Sequence[str], env: dict[str, str], cwd: Path | None,
           stdout: int) -> tuple[float, subprocess.Popen[bytes], tempfile._TemporaryFileWrapper[bytes]]:
    err = tempfile.NamedTemporaryFile(prefix="bench-stderr-")  # a file: a full pipe would stall the child
    start = time.perf_counter()
    proc = subprocess.Popen(list(cmd), env=env, cwd=cwd, stdout=stdout, stderr=err)
    return start, proc, err


def _reap(cmd: Sequence[str], proc: subprocess.Popen[bytes], start: float,
          err: tempfile._TemporaryFileWrapper[bytes], ok: Callable[[int], bool], what: str) -> tuple[float, int]:
    """Wait for the child with wait4; (seconds since spawn, ru_maxrss). Raises unless ok(exit code)."""
    _, status, usage = os.wait4(proc.pid, 0)
    gone = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    err.seek(0)
    stderr = err.read().decode(errors="replace")
    err.close()
    if not ok(proc.returncode):
        raise LaunchError(f"{' '.join(cmd)}: {what} (exit {proc.returncode})\n{stderr[-800:]}")
    return gone, usage.ru_maxrss


def _kill_unreaped(proc: subprocess.Popen[bytes]) -> None:
    # os.kill, never Popen.kill: Popen would reap the child and os.wait4 would lose its rusage.
    if proc.returncode is None:
        os.kill(proc.pid, signal.SIGKILL)
        os.waitpid(proc.pid, 0)
        proc.returncode = -9


def _painted_line(fd: int, start: float, deadline: float) -> tuple[float | None, str]:
    """Seconds from ``start`` to a ``painted: <title>`` line on ``fd``, and the title; None at
    end of file or at the deadline. Raw reads: a buffered reader could hide a line from select()."""
    pending = b""
    while select.select([fd], [], [], max(0.0, deadline - time.perf_counter()))[0]:
        chunk = os.read(fd, 65536)
        if not chunk:
            break
        pending += chunk
        for line in pending.split(b"\n")[:-1]:
            if line.startswith(b"painted"):
                return time.perf_counter() - start, line.decode(errors="replace").partition(":")[2].strip()
        pending = pending.rpartition(b"\n")[2]
    return None, ""


def launch_offscreen(cmd: Sequence[str], env: dict[str, str], cwd: Path | None = None,
                     timeout: float = TIMEOUT) -> Launch:
    """Run ``cmd`` (a painted.py command) offscreen until its ``painted:`` line, then let it quit."""
    start, proc, err = _spawn(cmd, {**env, "QT_QPA_PLATFORM": "offscreen"}, cwd, subprocess.PIPE)
    assert proc.stdout is not None
    try:
        painted, title = _painted_line(proc.stdout.fileno(), start, start + timeout)
        if painted is None:
            os.kill(proc.pid, signal.SIGKILL)
        gone, peak = _reap(cmd, proc, start, err, lambda code: painted is not None and code == 0, "no painted line")
    finally:
        _kill_unreaped(proc)
        proc.stdout.close()
    return Launch(painted or 0.0, gone, peak, title)


def launch_mapped(cmd: Sequence[str], env: dict[str, str], xvfb: Xvfb, cwd: Path | None = None,
                  timeout: float = TIMEOUT) -> Launch:
    """Run ``cmd`` on ``xvfb`` until its first top-level window is mapped, then SIGTERM it."""
    xvfb.drain()
    start, proc, err = _spawn(cmd, {**env, "DISPLAY": xvfb.display, "QT_QPA_PLATFORM": "xcb"},
                              cwd, subprocess.DEVNULL)
    pidfd = os.pidfd_open(proc.pid)
    try:
        seen = xvfb.wait_for_map(start + timeout, pidfd)
        mapped = time.perf_counter() - start
        title, strays = seen if seen else (None, [])
        # SIGTERM, as a session ending would; a one-file bootloader passes it to the program.
        os.kill(proc.pid, signal.SIGTERM if title is not None else signal.SIGKILL)
        gone, peak = _reap(cmd, proc, start, err, lambda code: title is not None and code in (0, -signal.SIGTERM),
                           "no window mapped")
    finally:
        os.close(pidfd)
        _kill_unreaped(proc)
    return Launch(mapped, gone, peak, title or "", tuple(strays))


def interleave(subjects: dict[str, Callable[[], Launch]], runs: int) -> dict[str, list[Launch]]:
    """``runs`` launches of each subject, in turn, so all see the same machine load; one
    discarded warm-up round first (the page cache, not the programs)."""
    results: dict[str, list[Launch]] = {name: [] for name in subjects}
    for round_ in range(runs + 1):
        for name, run in subjects.items():
            launch = run()
            if round_:
                results[name].append(launch)
    return results


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f}"


def report(heading: str, results: dict[str, list[Launch]], baseline: str) -> dict[str, tuple[float, float]]:
    """Print median, min-max and peak RSS per subject, and each one's ratios to ``baseline``;
    returns the ratios (window, peak RSS) by subject."""
    print(heading)
    medians = {name: (statistics.median(r.window for r in runs), statistics.median(r.peak_kib for r in runs))
               for name, runs in results.items()}
    for name, runs in results.items():
        times = [r.window for r in runs]
        print(f"  {name:<28} {ms(medians[name][0]):>6} ms  (min {ms(min(times))}, max {ms(max(times))})"
              f"  peak RSS {medians[name][1] / 1024:6.1f} MiB  [{runs[0].title[:40]}]")
    for name, runs in results.items():
        if runs[0].strays:  # a program bug worth seeing: a window the user sees flash up
            print(f"  note: {name} first mapped stray windows: {', '.join(runs[0].strays)}")
    base_t, base_m = medians[baseline]
    ratios = {name: (t / base_t, m / base_m) for name, (t, m) in medians.items() if name != baseline}
    for name, (rt, rm) in ratios.items():
        print(f"  ratio {name} / {baseline}: window {rt:.2f}, peak RSS {rm:.2f}")
    return ratios


__all__ = ["BARE_WINDOW", "PAINTED", "Launch", "LaunchError", "Xvfb", "ensure_tools", "interleave",
           "launch_mapped", "launch_offscreen", "ms", "report"]
