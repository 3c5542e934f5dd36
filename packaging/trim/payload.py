"""The payload: most of the bundle's files in one archive entry that the program unpacks itself (Linux).

PyInstaller's one-file bootloader unpacks every file with zlib, one after the other, at every
start. Measured here, inflating was about three quarters of that work (writing the files the
rest), and zlib is the slowest of the fast decompressors. So the spec keeps with the bootloader
only what Python needs to start and to run the unpacking hook (libpython, the standard
library's small extension modules, ctypes' libffi, libzstd), and puts every other file into one
entry, each file its own zstd frame (smaller than zlib -9 and several times faster to inflate).
PyInstaller stores that entry as it is and the bootloader does not unpack it: an entry of
typecode ``PKG`` is neither compressed nor extracted.

The runtime hook packaging/payload_hook.py, which runs before any other Python code of the
program, finds the entry in the executable, inflates the files on several threads (ctypes
releases the GIL around libzstd) into the bootloader's folder, which the bootloader deletes
at exit as it does its own files. Files under a ``LAZY`` package (PDFium, opened only when a
report is read, and the other parts of ``LAZY``) are unpacked on the first import of their module.

Layout (integers little-endian)::

    MAGIC  key (16 bytes)  u32 index length
    index: UTF-8 lines "name TAB mode TAB size TAB packed TAB lazy module TAB codec"
    then the frames, in index order: a zstd frame holds one file; an xz stream (solid) holds the
    file of its line and those of the lines after it whose codec is "+" (packed 0), one after another

Solid xz with the x86 branch filter makes the machine code 20 % smaller than zstd -19 per file (the
x86 filter turns relative call addresses into absolute ones, which repeat), but inflates several
times slower and on one thread: with the per-user unpack cache (packaging/payload_hook.py) only a
build's first start pays that. Other files (mostly styles, already xz) stay zstd, one frame each.

The key names what the payload unpacks to (a digest of the index and of every packed file's
content), so the hook can keep an unpacked copy in a per-user cache and know it for this build's
without hashing 80 MB at each start.
"""

from __future__ import annotations

import hashlib
import lzma
import os
import shutil
import struct
import subprocess
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from .libraries import Needed, dt_needed
from .toc import Entry, Toc, name, posix

MAGIC = b"NCJRSPK3"
KEY_SIZE = 16
ENTRY_NAME = "ncjrs-payload"  # the archive entry; packaging/payload_hook.py looks for it by this name
LEVEL = 19
CONTINUED = "+"
XZ_FILTERS = [{"id": lzma.FILTER_X86}, {"id": lzma.FILTER_LZMA2, "preset": 9 | lzma.PRESET_EXTREME}]
# Files unpacked at the first import of a module, not at start-up: what the window's first paint
# never loads (PDFium for reports, the citation engine, printing, the decimal module).
LAZY: Mapping[str, tuple[str, ...]] = {
    "pypdfium2_raw": ("pypdfium2_raw/",),
    "_quickjs": ("_quickjs.",),
    "PySide6.QtPrintSupport": ("PySide6/QtPrintSupport.", "PySide6/Qt/lib/libQt6PrintSupport.",
                               "PySide6/Qt/plugins/printsupport/"),
    "_decimal": ("python3.11/lib-dynload/_decimal.",),
}
DYNLOAD = "lib-dynload/"
HOOK_LIBRARIES = frozenset({"libzstd.so.1"})  # what the hook itself opens (by ctypes)
# The standard library's extension modules loaded before the hook has unpacked the payload:
# PyInstaller's bootstrap (struct, zlib: its archive of modules) and the hook (ctypes, fcntl: the
# cache's locks, lzma: the xz frames). Every other one (sqlite, expat, hashes...) is packed, with the
# libraries they link, and is in place before the program's first import (seen with strace).
EARLY_MODULES = ("_struct.", "zlib.", "_ctypes.", "fcntl.", "_lzma.")


@dataclass(frozen=True)
class Member:
    name: str  # the dest inside the bundle
    mode: int
    size: int
    packed: int
    lazy: str  # the module whose first import unpacks it; "" at start-up
    codec: str  # its frame: "zstd", "xz", or CONTINUED (the rest of the frame of the member before)


def _early_roots(toc: Toc) -> list[Entry]:
    """What Python's start and the hook load before the payload is unpacked."""
    roots = []
    for entry in toc:
        dest = posix(entry[0])
        if entry[2] not in ("BINARY", "EXTENSION"):
            continue
        if name(dest).startswith("libpython") or name(dest) in HOOK_LIBRARIES:
            roots.append(entry)
        elif DYNLOAD in dest and name(dest).startswith(EARLY_MODULES):
            roots.append(entry)
    return roots


def split(binaries: Toc, datas: Toc, needed: Needed = dt_needed) -> tuple[Toc, Toc, Toc]:
    """(binaries kept for the bootloader, datas kept for it, the files to pack). The bootloader keeps
    the early roots and every library they link, base_library.zip, and links (SYMLINK entries)."""
    roots = _early_roots(binaries)
    by_name = {name(e[0]): e for e in binaries if e[2] == "BINARY"}
    early = {e[0] for e in roots}
    todo = list(roots)
    while todo:
        for soname in needed(todo.pop()[1]):
            entry = by_name.get(soname)
            if entry is not None and entry[0] not in early:
                early.add(entry[0])
                todo.append(entry)
    kept_binaries = [e for e in binaries if e[0] in early or e[2] not in ("BINARY", "EXTENSION")]
    kept_datas = [e for e in datas if e[2] != "DATA" or posix(e[0]) == "base_library.zip"]
    packed = [e for e in binaries + datas if e not in kept_binaries and e not in kept_datas]
    return kept_binaries, kept_datas, packed


def _digest(src: Path) -> str:
    return hashlib.sha256(src.read_bytes()).hexdigest()


def _compress(src: Path, cache: Path, level: int) -> Path:
    """``src`` as one zstd frame, from a cache keyed by the content (rebuilds reuse it)."""
    out = cache / f"{_digest(src)}-{level}.zst"
    if not out.exists():
        partial = out.with_suffix(f".{os.getpid()}.part")
        subprocess.run(["zstd", "-q", "-f", f"-{level}", "--no-progress", str(src), "-o", str(partial)],
                       check=True)
        partial.replace(out)
    return out


def _compress_solid(sources: list[Path], cache: Path) -> Path:
    """``sources`` one after the other in one xz stream (x86 branch filter, LZMA2 -9e), cached by content."""
    key = hashlib.sha256("".join(_digest(src) for src in sources).encode()).hexdigest()
    out = cache / f"{key}-xz9e.xz"
    if not out.exists():
        data = b"".join(src.read_bytes() for src in sources)
        partial = out.with_suffix(f".{os.getpid()}.part")
        partial.write_bytes(lzma.compress(data, format=lzma.FORMAT_XZ, check=lzma.CHECK_CRC32, filters=XZ_FILTERS))
        partial.replace(out)
    return out


def lazy_module(dest: str, lazy: Mapping[str, tuple[str, ...]] = LAZY) -> str:
    """The module whose first import unpacks ``dest``, or "" (unpacked at start-up)."""
    return next((module for module, starts in lazy.items() if posix(dest).startswith(starts)), "")


def _is_elf(src: Path) -> bool:
    with open(src, "rb") as stream:
        return stream.read(4) == b"\x7fELF"


def plan(entries: Toc, sources: list[Path], lazy: Mapping[str, tuple[str, ...]],
         solid: bool) -> list[tuple[str, list[int]]]:
    """The frames, as (codec, indexes into ``entries``): with ``solid``, the machine code (ELF files)
    unpacked at the same time (at start-up, or with one lazy module) shares one xz frame, largest
    file first; every other file is a zstd frame of its own."""
    groups: dict[str, list[int]] = {}
    frames: list[tuple[str, list[int]]] = []
    for at, (entry, src) in enumerate(zip(entries, sources)):
        if solid and _is_elf(src):
            groups.setdefault(lazy_module(entry[0], lazy), []).append(at)
        else:
            frames.append(("zstd", [at]))
    for indexes in groups.values():
        frames.insert(0, ("xz", sorted(indexes, key=lambda at: -sources[at].stat().st_size)))
    return frames


def write(entries: Toc, out: Path, prepare: Callable[[Entry], str] = lambda e: e[1],
          level: int = LEVEL, lazy: Mapping[str, tuple[str, ...]] = LAZY, solid: bool = True) -> list[Member]:
    """Writes the payload of ``entries`` to ``out``; ``prepare`` gives the file to pack for an entry
    (the spec strips binaries there); ``solid``: see :func:`plan`. Returns what went in, in order."""
    if not shutil.which("zstd"):
        raise SystemExit("ncjrs-viewer.spec: the payload needs 'zstd' (Debian's zstd package; "
                         "packaging/build.sh installs it), or build with -- --keep payload")
    cache = out.parent / "payload-cache"
    cache.mkdir(parents=True, exist_ok=True)
    sources = [Path(prepare(e)) for e in entries]
    frames = plan(entries, sources, lazy, solid)

    def pack(frame: tuple[str, list[int]]) -> Path:
        codec, indexes = frame
        if codec == "xz":
            return _compress_solid([sources[at] for at in indexes], cache)
        return _compress(sources[indexes[0]], cache, level)

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        packed = list(pool.map(pack, frames))
    members = []
    for (codec, indexes), frame in zip(frames, packed):
        for n, at in enumerate(indexes):
            src = sources[at]
            members.append(Member(posix(entries[at][0]), src.stat().st_mode & 0o777, src.stat().st_size,
                                  frame.stat().st_size if n == 0 else 0, lazy_module(entries[at][0], lazy),
                                  codec if n == 0 else CONTINUED))
    index = "".join(f"{m.name}\t{m.mode:o}\t{m.size}\t{m.packed}\t{m.lazy}\t{m.codec}\n" for m in members).encode()
    key = hashlib.sha256(index)
    for src in sources:  # the content, not the frames: the files are the same whatever compressed them
        key.update(_digest(src).encode())
    with open(out, "wb") as stream:
        stream.write(MAGIC + key.digest()[:KEY_SIZE] + struct.pack("<I", len(index)) + index)
        for frame in packed:
            with open(frame, "rb") as data:
                shutil.copyfileobj(data, stream)
    return members


def read_key(head: bytes) -> str:
    """The payload's key, as the hook names its cache folder (hex)."""
    if head[:len(MAGIC)] != MAGIC:
        raise ValueError("not an ncjrs-viewer payload")
    return head[len(MAGIC):len(MAGIC) + KEY_SIZE].hex()


def read_index(head: bytes) -> tuple[list[Member], int]:
    """The members named at the start of a payload, and where the first frame begins."""
    read_key(head)
    (length,) = struct.unpack_from("<I", head, len(MAGIC) + KEY_SIZE)
    start = len(MAGIC) + KEY_SIZE + 4
    members = []
    for line in head[start:start + length].decode().splitlines():
        dest, mode, size, packed, lazy, codec = line.split("\t")
        members.append(Member(dest, int(mode, 8), int(size), int(packed), lazy, codec))
    return members, start + length


def members_of(payload: bytes) -> Iterable[tuple[Member, bytes]]:
    """Each member with its data, inflated (tests, reports: the zstd tool inflates a zstd frame)."""
    members, offset = read_index(payload)
    solid: list[Member] = []
    for member in members + [Member("", 0, 0, 0, "", "")]:  # a sentinel ends the last solid frame
        if member.codec == CONTINUED:
            solid.append(member)
            continue
        if solid:
            data = lzma.decompress(payload[offset - solid[0].packed:offset])
            at = 0
            for part in solid:
                yield part, data[at:at + part.size]
                at += part.size
            solid = []
        if member.codec == "xz":
            solid = [member]
        elif member.codec == "zstd":
            frame = payload[offset:offset + member.packed]
            yield member, subprocess.run(["zstd", "-d", "-c"], input=frame, capture_output=True, check=True).stdout
        offset += member.packed
