"""ICU's data, rebuilt with only what Qt asks of it (Linux).

libQt6Core links ICU, whose data library (libicudata, 32 MB: a third of everything unpacked
at each start) holds every locale, collation, dictionary and code page. Qt calls ICU (it
imports only u_strTo*, ucol_*, ucnv_*, ucal_*) for locale-aware case mapping (rules in code,
no data), collation (QCollator), non-Unicode code pages (QStringConverter, HTML charsets) and
time-zone display names. Kept: root and English locale data, root collation (Unicode's
default order, which every language without its own data falls back to), the single-byte
code pages and the time-zone database. Dropped: other languages' data (their collation
tailorings and zone names), multi-byte CJK code pages, break-iteration dictionaries,
transliteration and character names.

The new library has the same soname and the same data symbol, so libicuuc finds it as
before. Built with Debian's icu-devtools (icupkg) and binutils (nm, readelf, as, ld);
tests/integration/test_frozen.py checks that Qt still gets what it asks for.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from .toc import Toc, name

TREES_DROPPED = frozenset({"brkitr", "translit"})  # Qt never calls ubrk_* or utrans_*
SMALL_CODEPAGE = 16 * 1024  # single-byte tables are 1-15 KiB; multi-byte ones 31 KiB and up


class IcuError(SystemExit):
    """The ICU data cannot be trimmed here; ``--keep icu`` builds without trimming it."""


class DataSymbol(NamedTuple):
    """Where libicudata keeps its one data package: ``icudt<version>_dat`` in .rodata."""

    offset: int  # in the file
    size: int
    symbol: str
    version: str


def keeps(item: str, size: int) -> bool:
    """Whether an item of the data package (``coll/sv.res``, ``ibm-943_P15A-2003.cnv``) stays."""
    tree, _, base = item.rpartition("/")
    if tree in TREES_DROPPED or base.endswith((".dict", ".spp", ".cfu")) or base == "unames.icu":
        return False
    if base.endswith(".cnv"):
        return size < SMALL_CODEPAGE
    language = base.split("_")[0].split(".")[0]
    if base.endswith(".res") and re.fullmatch("[a-z]{2,3}", language) and not base.startswith("res_index."):
        return language == "en"  # a locale's bundle: de.res, coll/sv.res, zone/fr_CA.res...
    return True  # root.res, pool.res, res_index.res, supplemental data, zoneinfo, normalization...


def package_items(data: bytes) -> dict[str, int]:
    """{item name: size} of an ICU common data package (a header, then a table of contents:
    a count, then (name offset, data offset) pairs from the table's start; names are
    ``icudt73l/coll/root.res``, without the first part here)."""
    toc = data[int.from_bytes(data[:2], "little"):]
    count = int.from_bytes(toc[:4], "little")
    offsets = [(int.from_bytes(toc[4 + 8 * i:8 + 8 * i], "little"), int.from_bytes(toc[8 + 8 * i:12 + 8 * i], "little"))
               for i in range(count)]
    ends = [start for _, start in offsets[1:]] + [len(toc)]
    return {toc[at:toc.index(b"\0", at)].decode("ascii").split("/", 1)[1]: end - start
            for (at, start), end in zip(offsets, ends)}


def find_data_symbol(nm_symbols: str, readelf_sections: str) -> DataSymbol | None:
    """The data symbol, from ``nm -D -S --defined-only`` and ``readelf -S -W`` of libicudata;
    None unless there is exactly one and a .rodata section."""
    symbols = re.findall(r"^([0-9a-f]+) ([0-9a-f]+) R (icudt(\d+)_dat)$", nm_symbols, re.M)
    rodata = re.search(r"\.rodata\s+PROGBITS\s+([0-9a-f]+)\s+([0-9a-f]+)", readelf_sections)
    if len(symbols) != 1 or not rodata:
        return None
    address, size, symbol, version = symbols[0]
    offset = int(rodata[2], 16) + int(address, 16) - int(rodata[1], 16)
    return DataSymbol(offset, int(size, 16), symbol, version)


def _run(*cmd: str | Path) -> str:
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout


def read_data(lib: str) -> tuple[DataSymbol, bytes]:
    """libicudata's data symbol and the package it holds."""
    found = find_data_symbol(_run("nm", "-D", "-S", "--defined-only", lib), _run("readelf", "-S", "-W", lib))
    if found is None:
        raise IcuError(f"ncjrs-viewer.spec: no single ICU data symbol in {lib}; build with -- --keep icu")
    with open(lib, "rb") as fh:
        fh.seek(found.offset)
        return found, fh.read(found.size)


# drop -> (icupkg's exit status, its output)
Remover = Callable[[set[str]], tuple[int, str]]


def complete_drop(drop: set[str], remove: Remover) -> set[str]:
    """``drop`` plus what depends on a dropped item (a code page's base table), until
    ``remove`` (icupkg) succeeds without complaint; the set it succeeded with."""
    drop = set(drop)
    while True:
        status, output = remove(drop)
        dependants = set(re.findall(r"Item (\S+) depends on missing item", output))
        if status == 0 and not dependants:
            return drop
        if not dependants - drop:
            raise IcuError(f"ncjrs-viewer.spec: icupkg failed:\n{output}")
        drop |= dependants


def icupkg_remover(package: Path, trimmed: Path, listing: Path) -> Remover:
    """Writes ``trimmed``: ``package`` without the items listed (icupkg wants the list in a .txt)."""
    def remove(drop: set[str]) -> tuple[int, str]:
        listing.write_text("\n".join(sorted(drop)) + "\n", encoding="ascii")
        done = subprocess.run(["icupkg", "-r", listing, package, trimmed], capture_output=True, text=True)
        return done.returncode, done.stdout + done.stderr
    return remove


def assembly(symbol: str, package: Path) -> str:
    """An object holding ``package`` as read-only data under ``symbol``, as ICU's own build has it."""
    return ("    .section .rodata\n"
            f"    .globl {symbol}\n"
            f"    .type {symbol}, @object\n"
            "    .balign 16\n"
            f"{symbol}:\n"
            f'    .incbin "{package}"\n'
            f"    .size {symbol}, . - {symbol}\n"
            '    .section .note.GNU-stack,"",@progbits\n')


def rebuild(lib: str, out: Path) -> tuple[Path, int, int]:
    """A libicudata in ``out`` with the same soname and data symbol, holding only what ``keeps``;
    with the number of items there were and the number dropped."""
    out.mkdir(parents=True, exist_ok=True)
    found, data = read_data(lib)
    package = out / f"icudt{found.version}l.dat"  # icupkg names the items after the file
    package.write_bytes(data)
    items = package_items(data)
    trimmed = out / "trimmed" / package.name
    trimmed.parent.mkdir(exist_ok=True)
    drop = {item for item, size in items.items() if not keeps(item, size)}
    drop = complete_drop(drop, icupkg_remover(package, trimmed, out / "drop.txt"))
    soname = Path(lib).name
    (out / "icudata.s").write_text(assembly(found.symbol, trimmed), encoding="ascii")
    _run("as", "-o", out / "icudata.o", out / "icudata.s")
    _run("ld", "-shared", "-soname", soname, "-o", out / soname, out / "icudata.o")
    return out / soname, len(items), len(drop)


Rebuild = Callable[[str, Path], tuple[Path, int, int]]


def replace(toc: Toc, out: Path, build: Rebuild = rebuild,
            log: Callable[[str], object] = print) -> tuple[Toc, Toc, Toc]:
    """``toc`` with each libicudata rebuilt in ``out``; the entries replaced, and their replacements."""
    toc = list(toc)
    removed: Toc = []
    added: Toc = []
    for i, (dest, src, kind) in enumerate(toc):
        if name(dest).startswith("libicudata.so"):
            new, count, dropped = build(src, out)
            log(f"ncjrs-viewer.spec: ICU data: {count - dropped} of {count} items kept "
                f"({Path(src).stat().st_size / 1e6:.1f} MB -> {new.stat().st_size / 1e6:.1f} MB)")
            toc[i] = (dest, str(new), kind)
            removed.append((dest, src, kind))
            added.append(toc[i])
    return toc, removed, added
