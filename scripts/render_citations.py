"""Pre-render the citations of every bundled record with citeproc-js under Node.

    python scripts/render_citations.py [--check]

Writes ``resources/citations/<record id>.json`` for each ``resources/records/*.json``: for each
offered style the CSL item it was rendered from and the bibliography entry and in-text citation,
as text and HTML, with the citeproc version. ``--check`` writes nothing and exits 1 when a stored
file differs from a fresh render. Runs ``npm ci`` in ``scripts/citeproc`` when its
``node_modules`` is missing. Needs Node.js (build time only; users never need it).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from viewer.citeproc.citation import CITATIONS_SCHEMA, CITATIONS_SCHEMA_VERSION, STYLES  # noqa: E402
from viewer.core.csl_item import csl_item  # noqa: E402
from viewer.core.record import load_record_file  # noqa: E402
from viewer.core.resources import resource_path  # noqa: E402

CITEPROC_DIR = ROOT / "scripts" / "citeproc"
RENDER_JS = CITEPROC_DIR / "render.js"


class NodeError(RuntimeError):
    pass


def node_executable() -> str:
    node = shutil.which("node")
    if node is None:
        raise NodeError("Node.js ('node') is not on PATH: it is needed to render citations with citeproc-js")
    return node


def ensure_citeproc_installed() -> None:
    """``npm ci`` in scripts/citeproc unless its node_modules already holds citeproc."""
    if (CITEPROC_DIR / "node_modules" / "citeproc" / "package.json").is_file():
        return
    npm = shutil.which("npm")
    if npm is None:
        raise NodeError("npm is not on PATH: it is needed to install citeproc-js (npm ci in scripts/citeproc)")
    proc = subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=CITEPROC_DIR, capture_output=True, text=True)
    if proc.returncode != 0:
        raise NodeError(f"npm ci in {CITEPROC_DIR} failed:\n{proc.stdout}{proc.stderr}")


def node_render(style_xml: str, locale_xml: str | dict[str, str], items: list[dict[str, Any]],
                lang: str | None = None) -> dict[str, Any]:
    """Render ``items`` with citeproc-js under Node (scripts/citeproc/render.js); its JSON answer.

    ``locale_xml``: the en-US locale's XML, or {locale id: XML} for rendering in ``lang``.
    """
    ensure_citeproc_installed()
    locales = {"locales": locale_xml} if isinstance(locale_xml, dict) else {"locale_xml": locale_xml}
    request = json.dumps({"style_xml": style_xml, **locales, "lang": lang, "items": items})
    proc = subprocess.run(
        [node_executable(), str(RENDER_JS)], input=request, capture_output=True, text=True, encoding="utf-8"
    )
    if proc.returncode != 0:
        raise NodeError(f"node render.js failed (exit {proc.returncode}):\n{proc.stderr}")
    return json.loads(proc.stdout)


def read_style(style_id: str) -> str:
    return resource_path("csl", "styles", f"{style_id}.csl").read_text(encoding="utf-8")


def read_locale() -> str:
    return resource_path("csl", "locales", "locales-en-US.xml").read_text(encoding="utf-8")


def render_record_citations(record_path: Path) -> dict[str, Any]:
    record = load_record_file(record_path)
    locale_xml = read_locale()
    styles: dict[str, Any] = {}
    citeproc: dict[str, str] = {}
    for style in STYLES:
        item = csl_item(record, style.id)
        answer = node_render(read_style(style.id), locale_xml, [item])
        citeproc = answer["citeproc"]
        (result,) = answer["results"]
        styles[style.id] = {
            "item": item,
            "bibliography": result["bibliography"],
            "citation": result["citation"],
            "bibliography_is_citation": result["bibliography_is_citation"],
        }
    return {
        "schema": CITATIONS_SCHEMA,
        "schema_version": CITATIONS_SCHEMA_VERSION,
        "record_id": record.id,
        "citeproc": citeproc,
        "locale": "en-US",
        "styles": styles,
    }


def dumps(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="compare with the stored files; write nothing")
    args = parser.parse_args(argv)
    out_dir = resource_path("citations")
    stale = []
    for record_path in sorted(resource_path("records").glob("*.json")):
        data = render_record_citations(record_path)
        target = out_dir / f"{data['record_id']}.json"
        text = dumps(data)
        if args.check:
            if not target.is_file() or target.read_text(encoding="utf-8") != text:
                stale.append(target)
            continue
        out_dir.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        print(f"wrote {target.relative_to(ROOT)} ({len(data['styles'])} styles, citeproc {data['citeproc']['npm_version']})")
    if stale:
        for target in stale:
            print(f"stale: {target.relative_to(ROOT)} (run scripts/render_citations.py)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
