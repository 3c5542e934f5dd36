"""Render records in every independent CSL style of the bundled repository (a check, not a test:
about 25 minutes on two cores).

    python scripts/check_styles.py [--every N] [--out FILE.jsonl]

Each of the 2,851 independent styles (dependent ones render with their parent) renders the bundled
record and two records each of tests/data's RIS, BibTeX and CSL-JSON samples, as bibliography
entry and as in-text citation, with a page locator (so the engine renders; stored citations are not
used). Prints each style that fails and each that gives an empty text, then the counts and the
slowest styles. ``--every N`` checks every Nth style only; ``--out`` keeps one JSON line a style.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from viewer.citeproc import citation, style_repo  # noqa: E402
from viewer.core.importers import read_file  # noqa: E402
from viewer.core.record import Record  # noqa: E402
from viewer.core.resources import bundled_record  # noqa: E402


def sample_records() -> list[Record]:
    records = [bundled_record()]
    for name in ("sample.ris", "sample.bib", "sample.json"):
        records += [entry.record for entry in read_file(ROOT / "tests" / "data" / name).entries][:2]
    return records


def check(style_id: str, records: list[Record]) -> dict:
    row: dict = {"id": style_id}
    started = time.perf_counter()
    try:
        texts = [citation.render(record, style_id, in_text=in_text, locator="4").text
                 for record in records for in_text in (False, True)]
        row["empty"] = sum(1 for text in texts if not text.strip())
        row["no_printed_form"] = sum(1 for text in texts if "no printed form" in text)
    except citation.CitationError as exc:
        row["error"] = str(exc)
    row["ms"] = round((time.perf_counter() - started) * 1000)
    return row


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--every", type=int, default=1, help="check every Nth style only")
    parser.add_argument("--out", type=Path, help="one JSON line a style")
    args = parser.parse_args()
    records = sample_records()
    styles = [s.id for s in style_repo.all_styles() if not s.is_dependent][::max(1, args.every)]
    rows = []
    out = args.out.open("w", encoding="utf-8") if args.out else None
    for style_id in styles:
        row = check(style_id, records)
        rows.append(row)
        if out:
            out.write(json.dumps(row) + "\n")
        if "error" in row or row.get("empty"):
            print(f"{style_id}: {row.get('error') or str(row['empty']) + ' empty texts'}", flush=True)
    failed = [r for r in rows if "error" in r]
    unprinted = [r for r in rows if r.get("no_printed_form")]
    print(f"{len(rows)} styles, {len(records)} records each: {len(rows) - len(failed)} render every one; "
          f"{len(failed)} fail; {len(unprinted)} give 'no printed form' for some record")
    slowest = sorted(rows, key=lambda r: -r["ms"])[:5]
    print("slowest (all renders of a style, its first build included): "
          + ", ".join(f"{r['id']} {r['ms'] / 1000:.1f} s" for r in slowest))
    return 0


if __name__ == "__main__":
    sys.exit(main())
