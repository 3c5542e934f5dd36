"""Peak memory and time of importing many NCJRS page files at once, as the command line does
(``viewer import F1 F2 …``) and as the window does (Import… with many files, or a drop: the
import flow's worker reads every file, then writes them).

    python scripts/bench_page_import.py [--pages 2000] [--html-kb 0] [--keep DIR]

Writes ``--pages`` page files made from tests/data/pages/legacy-2012.txt (each its own NCJ
number and title); with ``--html-kb N`` each is a saved HTML page padded with N KiB of markup, as a
browser's "complete" page is. Each import runs in a child process into a fresh library; its peak
RSS comes from ``os.wait4``. The baseline is the same child importing one page.
"""

from __future__ import annotations

import argparse
import html
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "tests" / "data" / "pages" / "legacy-2012.txt"
MiB = 1 << 20

# The window's path without a window: the import flow's worker, read step then write step.
WINDOW_CHILD = """
import sys, threading
from pathlib import Path
from PySide6.QtCore import QCoreApplication
from viewer.ui.import_flow import _Worker
app = QCoreApplication([])
worker = _Worker(Path(sys.argv[1]), threading.Event())
got = {}
worker.read_done.connect(lambda files, unreadable, protected: got.update(files=files, bad=unreadable))
worker.write_done.connect(lambda summary: got.update(summary=summary))
worker.write_failed.connect(lambda message: got.update(failed=message))
worker.read(sys.argv[2:])
worker.write(got["files"], False, False)
if "summary" not in got or got["bad"] or len(got["summary"].added) != len(sys.argv) - 2:
    sys.exit(f"import failed: {got.get('failed') or got.get('bad')}")
"""


def page_text(i: int, html_kb: int) -> str:
    text = TEMPLATE.read_text("utf-8")
    text = text.replace("900109", str(500000 + i)).replace("Docket Speed in Rural Courts",
                                                             f"Docket Speed in Rural Courts {i}")
    if not html_kb:
        return text
    padding = "<div class='nav'><span>menu item</span></div>\n" * (html_kb * 1024 // 44)
    return (f"<html><head><title>NCJRS Abstract</title></head><body>{padding}"
            f"<pre>{html.escape(text)}</pre></body></html>")


def write_pages(folder: Path, count: int, html_kb: int) -> list[str]:
    folder.mkdir(parents=True, exist_ok=True)
    suffix = ".html" if html_kb else ".txt"
    paths = []
    for i in range(count):
        path = folder / f"page-{i:05d}{suffix}"
        if not path.exists():
            path.write_text(page_text(i, html_kb), encoding="utf-8")
        paths.append(str(path))
    return paths


def run_child(argv: list[str]) -> tuple[int, float, int]:
    """(peak RSS in bytes, seconds, exit status)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="offscreen")
    start = time.perf_counter()
    child = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=str(ROOT))
    assert child.stderr is not None
    err = child.stderr.read()
    _, status, usage = os.wait4(child.pid, 0)
    code = os.waitstatus_to_exitcode(status)
    if code:
        print(f"  (exit {code}: {err.decode(errors='replace').strip()[-300:]})")
    return usage.ru_maxrss * 1024, time.perf_counter() - start, code


def cli(paths: list[str]) -> tuple[int, float, int]:
    with tempfile.TemporaryDirectory(prefix="bench-pages-") as library:
        return run_child([sys.executable, "-m", "viewer", "import", "--library", library, *paths])


def window(paths: list[str]) -> tuple[int, float, int]:
    with tempfile.TemporaryDirectory(prefix="bench-pages-") as library:
        return run_child([sys.executable, "-c", WINDOW_CHILD, library, *paths])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--html-kb", type=int, default=0)
    parser.add_argument("--keep", metavar="DIR", help="write (and reuse) the page files here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-page-files-") as scratch:
        paths = write_pages(Path(args.keep or scratch), args.pages, args.html_kb)
        total = sum(os.path.getsize(p) for p in paths)
        print(f"{len(paths):,} page files, {total / MiB:,.1f} MiB in all")
        print(f"{'path':<8} {'baseline MiB':>13} {'peak MiB':>9} {'seconds':>8} {'(peak-base)/files':>18}")
        for name, run in (("cli", cli), ("window", window)):
            base, _, _ = run(paths[:1])
            peak, seconds, _ = run(paths)
            print(f"{name:<8} {base / MiB:>13,.0f} {peak / MiB:>9,.0f} {seconds:>8.1f} {(peak - base) / total:>18.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
