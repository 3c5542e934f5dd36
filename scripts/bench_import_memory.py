"""Peak memory of importing a large file, per format: file size, peak RSS, and their ratio.

    python scripts/bench_import_memory.py [--records 60000] [--formats csl-json,ris,bibtex] [--keep DIR]

Writes the files once (CSL-JSON from scripts/gen_records.py; RIS and BibTeX from its items), then
runs ``viewer import --library <fresh folder> FILE`` for each in a child process and reads its
peak RSS (``ru_maxrss``) through ``os.wait4``. The baseline is the same child importing an empty
CSL-JSON file (the interpreter, SQLite, the modules): the issue's bound is peak <= 2 x size + a
constant, so the line shows both the ratio and (peak - baseline) / size.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Iterable

ROOT = Path(__file__).resolve().parent.parent
MiB = 1 << 20


def ris_entry(item: dict[str, Any]) -> str:
    lines = ["TY  - RPRT", f"TI  - {item['title']}"]
    for name in item.get("author", []):
        lines.append("AU  - " + (name.get("literal") or f"{name.get('family', '')}, {name.get('given', '')}"))
    parts = item.get("issued", {}).get("date-parts", [[]])[0]
    if parts:
        lines.append(f"PY  - {parts[0]}")
    for key, tag in (("abstract", "AB"), ("number", "M1"), ("publisher", "PB"), ("URL", "UR")):
        if item.get(key):
            lines.append(f"{tag}  - {item[key]}")
    if item.get("number-of-pages"):
        lines.append(f"SP  - {item['number-of-pages']}")
    return "\n".join(lines) + "\nER  - \n\n"


def bibtex_entry(i: int, item: dict[str, Any]) -> str:
    def braced(text: str) -> str:
        return "{" + text.replace("{", "(").replace("}", ")").replace("\\", "/") + "}"
    names = " and ".join(n.get("literal") and "{" + n["literal"] + "}" or f"{n.get('family', '')}, {n.get('given', '')}"
                         for n in item.get("author", []))
    fields = [f"  title = {braced(item['title'])}", f"  author = {braced(names)}" if names else ""]
    parts = item.get("issued", {}).get("date-parts", [[]])[0]
    if parts:
        fields.append(f"  year = {parts[0]}")
    for key in ("abstract", "note", "publisher"):
        if item.get(key):
            fields.append(f"  {key} = {braced(item[key])}")
    if item.get("number"):
        fields.append(f"  number = {braced(item['number'])}")
    return f"@techreport{{gen{i},\n" + ",\n".join(f for f in fields if f) + "\n}\n\n"


def write_files(records: int, folder: Path, formats: Iterable[str]) -> dict[str, Path]:
    csl = folder / "records.json"
    if not csl.exists():
        subprocess.run([sys.executable, str(ROOT / "scripts" / "gen_records.py"), str(records), "-o", str(csl)],
                       check=True, stdout=subprocess.DEVNULL)
    files = {"csl-json": csl}
    items: list[dict[str, Any]] | None = None
    for fmt, name, entry in (("ris", "records.ris", None), ("bibtex", "records.bib", None)):
        path = folder / name
        files[fmt] = path
        if fmt not in formats or path.exists():
            continue
        if items is None:
            items = json.loads(csl.read_text("utf-8"))
        with path.open("w", encoding="utf-8") as out:
            for i, item in enumerate(items):
                out.write(ris_entry(item) if fmt == "ris" else bibtex_entry(i, item))
    empty = folder / "empty.json"
    empty.write_text("[]\n", encoding="utf-8")
    files["baseline"] = empty
    return {k: v for k, v in files.items() if k in formats or k == "baseline"}


def peak_import(path: Path) -> tuple[int, float, int]:
    """(peak RSS in bytes, seconds, exit status) of one import into a fresh library."""
    with tempfile.TemporaryDirectory(prefix="bench-import-") as library:
        env = dict(os.environ, PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="offscreen")
        start = time.perf_counter()
        child = subprocess.Popen([sys.executable, "-m", "viewer", "import", "--library", library, str(path)],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=str(ROOT))
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        return usage.ru_maxrss * 1024, time.perf_counter() - start, child.returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=60_000)
    parser.add_argument("--formats", default="csl-json,ris,bibtex")
    parser.add_argument("--keep", metavar="DIR", help="write (and reuse) the files here")
    parser.add_argument("--write-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    formats = [f for f in args.formats.split(",") if f]
    if args.write_only:
        Path(args.keep).mkdir(parents=True, exist_ok=True)
        write_files(args.records, Path(args.keep), formats)
        return 0
    with tempfile.TemporaryDirectory(prefix="bench-import-files-") as scratch:
        folder = Path(args.keep or scratch)
        folder.mkdir(parents=True, exist_ok=True)
        # In a child: the items it loads would otherwise count in every later child's ru_maxrss
        # (a forked child's peak starts from the parent's pages).
        subprocess.run([sys.executable, __file__, "--write-only", "--records", str(args.records),
                        "--formats", args.formats, "--keep", str(folder)], check=True)
        files = write_files(args.records, folder, formats)
        base, _, _ = peak_import(files["baseline"])
        print(f"baseline (empty file): peak {base / MiB:,.0f} MiB")
        print(f"{'format':<9} {'file MiB':>9} {'peak MiB':>9} {'seconds':>8} {'peak/file':>10} {'(peak-base)/file':>17}")
        for fmt in formats:
            size = files[fmt].stat().st_size
            peak, seconds, status = peak_import(files[fmt])
            note = "" if status == 0 else f"  (exit {status})"
            print(f"{fmt:<9} {size / MiB:>9,.0f} {peak / MiB:>9,.0f} {seconds:>8.1f} {peak / size:>10.2f} "
                  f"{(peak - base) / size:>17.2f}{note}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
