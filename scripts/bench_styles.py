"""Benchmark the whole CSL repository: listing, filtering, a never-used style's first citation, size.

    python scripts/bench_styles.py [--styles N]

Prints, each cold step in a fresh interpreter so nothing is cached by an earlier one:
- importing viewer.citeproc.style_repo, and the first all_styles() (reads the index);
- find_styles() per keystroke while "crimin" is typed, character by character (median of runs);
- for N styles never used before (a seeded sample, dependent ones included): reading the XML
  and the first citation (engine built in the same process: citeproc-js load, style build,
  render), and a later copy in the same style;
- the bytes resources/csl/repository adds.
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
    repo = ROOT / "resources" / "csl" / "repository"
    files = sorted(repo.glob("*.xz"))
    print(f"resources/csl/repository: {sum(p.stat().st_size for p in files):,} bytes in {len(files)} files "
          f"(index {(repo / 'index.json.xz').stat().st_size:,})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
