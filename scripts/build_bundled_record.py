"""Build the bundled record, resources/records/ncj-203234.json, from its source page.

    python scripts/build_bundled_record.py [--check] [--seed PAGE]

The record's fields are what the program's own page reader (viewer.core.importers, the path a
user's import takes) reads from the seed page: nothing is typed in by hand. Two curated additions
come from scripts/bundled/ncj-203234.curated.json and are merged as they stand:

* ``outline``: the topics under the abstract. Every sentence in it is a verbatim quotation of the
  annotation or abstract; loading the record checks that (viewer.core.record_load).
* ``title_sentence_case``: the title in sentence case for APA, Harvard and IEEE. Derived, not a
  fact about the report: a citation style's rendering of the title, which CSL cannot produce
  from headline case itself. It must differ from the title only in letter case (checked here).

The seed is ../shared/seeds/000_32c79920fd745abc.txt beside the checkout, else its verbatim copy
tests/data/ncj-203234-source.txt. ``--check`` writes nothing and exits 1 when the stored file
differs from a fresh build. Afterwards run scripts/render_citations.py for the stored citations.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from viewer.core.atomic import write_atomic  # noqa: E402
from viewer.core.importers import parse_text  # noqa: E402
from viewer.core.record import parse_record, record_to_data  # noqa: E402

RECORD_ID = "ncj-203234"
SEEDS = (ROOT.parent / "shared" / "seeds" / "000_32c79920fd745abc.txt", ROOT / "tests" / "data" / "ncj-203234-source.txt")
CURATED = ROOT / "scripts" / "bundled" / f"{RECORD_ID}.curated.json"
TARGET = ROOT / "resources" / "records" / f"{RECORD_ID}.json"
CURATED_KEYS = ("title_sentence_case", "outline")


def default_seed() -> Path:
    return next((p for p in SEEDS if p.is_file()), SEEDS[-1])


def page_fields(seed_text: str) -> dict[str, Any]:
    """The record file fields the page reader gives for the seed (no curated additions)."""
    report = parse_text(seed_text, "seed")
    (record,) = report.records
    if record.id != RECORD_ID:
        raise SystemExit(f"the seed reads as {record.id}, not {RECORD_ID}")
    return record_to_data(record)


def build(seed_text: str, curated: dict[str, Any]) -> dict[str, Any]:
    if sorted(curated) != sorted(CURATED_KEYS):
        raise SystemExit(f"{CURATED.name}: expected exactly the keys {', '.join(CURATED_KEYS)}")
    data = page_fields(seed_text)
    if curated["title_sentence_case"].casefold() != data["title"].casefold():
        raise SystemExit(f"{CURATED.name}: title_sentence_case differs from the title in more than case")
    built: dict[str, Any] = {}
    for key, value in data.items():  # the sentence-case title beside the title, as record files have it
        built[key] = value
        if key == "title":
            built["title_sentence_case"] = curated["title_sentence_case"]
    built["outline"] = curated["outline"]
    parse_record(json.dumps(built), str(TARGET))  # the outline quotes the record verbatim, or this raises
    return built


def dumps(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="compare with the stored file; write nothing")
    parser.add_argument("--seed", type=Path, default=None, help="the source page (default: the shared seed)")
    args = parser.parse_args(argv)
    seed = args.seed or default_seed()
    text = dumps(build(seed.read_text(encoding="utf-8"), json.loads(CURATED.read_text(encoding="utf-8"))))
    if args.check:
        if not TARGET.is_file() or TARGET.read_text(encoding="utf-8") != text:
            print(f"stale: {TARGET.relative_to(ROOT)} (run scripts/build_bundled_record.py)", file=sys.stderr)
            return 1
        return 0
    write_atomic(TARGET, text)
    print(f"wrote {TARGET.relative_to(ROOT)} from {seed}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
