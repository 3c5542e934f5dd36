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

    MAGIC  key (16 bytes)  u32 index length  index (UTF-8 lines "name TAB mode TAB size TAB packed TAB lazy module")
    then each file's zstd frame, in index order

The key names what the payload unpacks to (a digest of the index and of every packed file's
content), so the hook can keep an unpacked copy in a per-user cache and know it for this build's
without hashing 80 MB at each start.
"""

from __future__ import annotations

import hashlib
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

MAGIC = b"NCJRSPK2"
KEY_SIZE = 16
ENTRY_NAME = "ncjrs-payload"  # the archive entry; packaging/payload_hook.py looks for it by this name
LEVEL = 19
# Files unpacked at the first import of a module, not at start-up: what the window's first paint
# never loads (PDFium for reports, the citation engine, printing, the decimal module).
LAZY: Mapping[str, tuple[str, ...]] = {
    "pypdfium2_raw": ("pypdfium2_raw/",),
    "_quickjs": ("_quickjs.",),
    "PySide6.QtPrintSupport": ("PySide6/QtPrintSupport.", "PySide6/Qt/lib/libQt6PrintSupport.",
                               "PySide6/Qt/plugins/printsupport/"),
    "_decimal": ("python3.11/lib-dynload/_decimal.",),
}
# The standard library's extension modules above this size (before stripping) are packed
# (unicodedata, _decimal): the smaller ones stay with the bootloader, as Python's own start may need them.
SMALL_EXTENSION = 1024 * 1024
DYNLOAD = "lib-dynload/"
HOOK_LIBRARIES = frozenset({"libzstd.so.1"})  # what the hook itself opens (by ctypes)
HOOK_MODULES = ("_ctypes.",)  # and the extension modules it imports


@dataclass(frozen=True)
class Member:
    name: str  # the dest inside the bundle
    mode: int
    size: int
    packed: int
    lazy: str  # the module whose first import unpacks it; "" at start-up


def _early_roots(toc: Toc) -> list[Entry]:
    """What Python's start and the hook load before the payload is unpacked."""
    roots = []
    for entry in toc:
        dest = posix(entry[0])
        if entry[2] not in ("BINARY", "EXTENSION"):
            continue
        if (name(dest).startswith(("libpython", *HOOK_MODULES)) or name(dest) in HOOK_LIBRARIES):
            roots.append(entry)
        elif DYNLOAD in dest and Path(entry[1]).stat().st_size <= SMALL_EXTENSION:
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


def _compress(src: Path, cache: Path, level: int) -> Path:
    """``src`` as one zstd frame, from a cache keyed by the content (rebuilds reuse it): named
    ``<sha256 of the content>-<level>.zst``."""
    digest = hashlib.sha256(src.read_bytes()).hexdigest()
    out = cache / f"{digest}-{level}.zst"
    if not out.exists():
        partial = out.with_suffix(f".{os.getpid()}.part")
        subprocess.run(["zstd", "-q", "-f", f"-{level}", "--no-progress", str(src), "-o", str(partial)],
                       check=True)
        partial.replace(out)
    return out


def lazy_module(dest: str, lazy: Mapping[str, tuple[str, ...]] = LAZY) -> str:
    """The module whose first import unpacks ``dest``, or "" (unpacked at start-up)."""
    return next((module for module, starts in lazy.items() if posix(dest).startswith(starts)), "")


def write(entries: Toc, out: Path, prepare: Callable[[Entry], str] = lambda e: e[1],
          level: int = LEVEL, lazy: Mapping[str, tuple[str, ...]] = LAZY) -> list[Member]:
    """Writes the payload of ``entries`` to ``out``; ``prepare`` gives the file to pack for an entry
    (the spec strips binaries there). Returns what went in, in order."""
    if not shutil.which("zstd"):
        raise SystemExit("ncjrs-viewer.spec: the payload needs 'zstd' (Debian's zstd package; "
                         "packaging/build.sh installs it), or build with -- --keep payload")
    cache = out.parent / "payload-cache"
    cache.mkdir(parents=True, exist_ok=True)
    sources = [Path(prepare(e)) for e in entries]
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        frames = list(pool.map(lambda s: _compress(s, cache, level), sources))
    members = [Member(posix(e[0]), src.stat().st_mode & 0o777, src.stat().st_size, frame.stat().st_size,
                      lazy_module(e[0], lazy))
               for e, src, frame in zip(entries, sources, frames)]
    index = "".join(f"{m.name}\t{m.mode:o}\t{m.size}\t{m.packed}\t{m.lazy}\n" for m in members).encode()
    key = hashlib.sha256(index)
    for frame in frames:  # the content's digest, from the frame's name (not the frame: the files are the same
        key.update(frame.name.split("-")[0].encode())  # whatever zstd's version made of them)
    with open(out, "wb") as stream:
        stream.write(MAGIC + key.digest()[:KEY_SIZE] + struct.pack("<I", len(index)) + index)
        for frame in frames:
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
        dest, mode, size, packed, lazy = line.split("\t")
        members.append(Member(dest, int(mode, 8), int(size), int(packed), lazy))
    return members, start + length


def members_of(payload: bytes) -> Iterable[tuple[Member, bytes]]:
    """Each member with its zstd frame (tests, reports: the zstd tool inflates a frame)."""
    members, offset = read_index(payload)
    for member in members:
        yield member, payload[offset:offset + member.packed]
        offset += member.packed
