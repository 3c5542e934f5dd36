"""Start-up benchmark: ncjrs-viewer from the source tree against a bare PySide6 window, in one run.

    .venv/bin/python scripts/bench_startup.py [--runs 9] [--exe .venv/bin/ncjrs-viewer]
    .venv/bin/python scripts/bench_startup.py --library DIR [--runs 9]

Two measurements, all four launches interleaved in every round (after one discarded warm-up):

- offscreen: ``python scripts/painted.py viewer|bare`` with ``QT_QPA_PLATFORM=offscreen``, from
  spawn to the ``painted:`` line the wrapper prints at the first paint of a top-level widget;
- Xvfb: ``ncjrs-viewer`` and ``python scripts/bare_window.py`` on a private X server (the xcb
  platform, as a user sees it), from spawn to the first mapped top-level window.

Prints, per measurement, the median, min and max, and the median peak RSS (``os.wait4``), and
the program's ratios to the bare window. See scripts/benchlib.py.

With ``--library DIR`` (a library folder, e.g. one built by ``scripts/bench_library.py --keep``):
the program started against that library (its ``--library`` option) against the same program
with an empty library, both offscreen and on Xvfb (``python -m viewer`` from this source tree),
interleaved; the ratio is the library's cost at start-up (goal, issue 15: within 1.1x with
235,000 records). The library is opened as the program opens it (start-up may purge records
removed in earlier sessions; nothing else is written).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from benchlib import (BARE_WINDOW, PAINTED, Launch, Xvfb, ensure_tools, interleave, launch_mapped,
                      launch_offscreen, report)

ROOT = Path(__file__).resolve().parent.parent
VIEWER, BARE = "ncjrs-viewer", "bare PySide6 window"


def user_env(tmp: Path) -> dict[str, str]:
    """The program's settings and library in ``tmp``: a benchmark leaves the user's own alone. The
    program's code is this source tree's (not an installed copy's)."""
    (tmp / "runtime").mkdir(mode=0o700, exist_ok=True)
    return {"PATH": "/usr/bin:/bin", "HOME": str(tmp), "LANG": "C.UTF-8", "XDG_CONFIG_HOME": str(tmp),
            "XDG_DATA_HOME": str(tmp), "XDG_CACHE_HOME": str(tmp), "XDG_RUNTIME_DIR": str(tmp / "runtime"),
            "PYTHONPATH": str(ROOT)}


def library_subjects(tmp: Path, library: Path, xvfb: Xvfb) -> dict[str, Callable[[], Launch]]:
    """The program against ``library`` and against an empty library, offscreen and on Xvfb."""
    env = user_env(tmp)
    subjects: dict[str, Callable[[], Launch]] = {}
    for name, folder in (("empty library", tmp / "empty-library"), ("library", library)):
        settings = ["--settings", str(tmp / f"{name}.ini"), "--library", str(folder)]  # each its own settings
        subjects[f"offscreen {name}"] = (lambda s=settings: launch_offscreen(
            [sys.executable, str(PAINTED), "viewer", *s], env, cwd=ROOT))
        subjects[f"Xvfb {name}"] = (lambda s=settings: launch_mapped([sys.executable, "-m", "viewer", *s], env, xvfb,
                                                                     cwd=ROOT))
    return subjects


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--exe", default=str(ROOT / ".venv" / "bin" / "ncjrs-viewer"),
                        help="the program under Xvfb (default: the source tree's entry point)")
    parser.add_argument("--library", type=Path, help="start against this library folder, compared with an empty one")
    args = parser.parse_args()
    ensure_tools()
    if args.library is not None:
        if not (args.library / "library.sqlite3").is_file():
            parser.error(f"{args.library} holds no library.sqlite3")
        with tempfile.TemporaryDirectory() as tmp, Xvfb() as xvfb:
            results = interleave(library_subjects(Path(tmp), args.library.resolve(), xvfb), args.runs)
        for mode in ("offscreen", "Xvfb"):
            mine = {n.partition(" ")[2]: r for n, r in results.items() if n.startswith(mode)}
            report(f"{mode}: spawn to first {'paint' if mode == 'offscreen' else 'mapped window'}, library "
                   f"{args.library} against an empty one, median of {args.runs} interleaved runs", mine, "empty library")
        return 0

    with tempfile.TemporaryDirectory() as tmp, Xvfb() as xvfb:
        env = user_env(Path(tmp))
        settings = ["--settings", str(Path(tmp) / "settings.ini")]
        subjects = {
            f"offscreen {VIEWER}": lambda: launch_offscreen([sys.executable, str(PAINTED), "viewer", *settings],
                                                            env, cwd=ROOT),
            f"offscreen {BARE}": lambda: launch_offscreen([sys.executable, str(PAINTED), "bare"], env),
            f"Xvfb {VIEWER}": lambda: launch_mapped([args.exe, *settings], env, xvfb),
            f"Xvfb {BARE}": lambda: launch_mapped([sys.executable, str(BARE_WINDOW)], env, xvfb),
        }
        results = interleave(subjects, args.runs)

    for mode, what in (("offscreen", "spawn to first paint (scripts/painted.py)"),
                       ("Xvfb", "spawn to first mapped top-level window (xcb)")):
        mine: dict[str, list[Launch]] = {n.partition(" ")[2]: r for n, r in results.items() if n.startswith(mode)}
        report(f"{mode}: {what}, median of {args.runs} interleaved runs", mine, BARE)
    return 0


if __name__ == "__main__":
    sys.exit(main())
