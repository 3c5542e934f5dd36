"""What packaging/ncjrs-viewer.spec takes out of the one-file build, and how.

The spec says what goes in: PyInstaller's Analysis, the Qt plugins to keep, the libraries
left to the user's system. It then runs the steps below, in order, through one ``Trim``,
which records what each step took out (for ``--report``). Every step takes and returns
plain PyInstaller TOC lists of ``(dest, src, typecode)`` tuples, so each can be tested
without PyInstaller (tests/unit/test_packaging_trim.py). ``--keep STEP`` skips a step:

- ``translations``, ``plugins`` or ``plugins:TYPE`` (every platform): qt_files;
- ``icu`` (Linux): ICU's data rebuilt with root and English only (icu);
- ``system`` (Linux): libraries the user's system provides (libraries.without);
- ``prune`` (Linux): libraries nothing kept links to any more (libraries.closure);
- ``strip`` (Linux): symbols, stripped by PyInstaller itself (``EXE(strip=trim.strips)``);
- ``payload`` (Linux): every file Python's start does not need, packed into one entry that the
  program unpacks itself, faster than the bootloader would, and keeps in a per-user cache (payload);
- ``xz`` (Linux): the payload's machine code in solid xz streams, not a zstd frame per file
  (smaller, slower to inflate at a build's first start; payload.plan).

PyInstaller only warns when strip fails, and a missing readelf or icupkg would fail late,
so the tools the steps need are checked first. Only the standard library is imported here:
the spec runs this in PyInstaller's process, on every platform.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterable, Mapping, Set
from pathlib import Path

from . import icu as icu_data
from . import libraries, payload as payload_files, qt_files, report
from .toc import Entry, Toc

__all__ = ["Entry", "Toc", "Trim", "MissingTools", "LINUX_STEPS", "TOOLS"]

LINUX_STEPS = frozenset({"icu", "system", "prune", "strip", "payload", "xz"})
# The tools each step runs; "linked" is the final check (every kept library's libraries are inside).
TOOLS: Mapping[str, tuple[str, ...]] = {
    "icu": ("icupkg", "nm", "readelf", "as", "ld"),
    "prune": ("readelf",),
    "strip": ("strip",),
    "payload": ("zstd", "readelf"),
    "linked": ("readelf",),
}


class MissingTools(SystemExit):
    """A step's tool is not installed (Debian's binutils, icu-devtools)."""


def missing_tools(steps: Iterable[str], which: Callable[[str], str | None] = shutil.which) -> dict[str, list[str]]:
    """{tool: the steps that need it} for each tool of ``steps`` not on PATH."""
    lacking: dict[str, list[str]] = {}
    for step in sorted(steps):
        for tool in TOOLS.get(step, ()):
            if not which(tool):
                lacking.setdefault(tool, []).append(step)
    return lacking


class Trim:
    """The steps of one build (all but those in ``keep``), and what each one took out.

    ``removed`` and ``added`` map a step to the TOC entries it took out or put in instead.
    ``which`` finds a tool and ``needed`` reads a library's DT_NEEDED names (tests pass fakes).
    """

    def __init__(self, keep: Iterable[str], linux: bool, which: Callable[[str], str | None] = shutil.which,
                 needed: libraries.Needed = libraries.dt_needed) -> None:
        self.keep = frozenset(keep)
        self.linux = linux
        self.needed = needed
        self.removed: dict[str, Toc] = {}
        self.added: dict[str, Toc] = {}
        if linux:
            lacking = missing_tools([s for s in TOOLS if self.runs(s)], which)
            if lacking:
                tools = ", ".join(f"'{tool}' (for {' and '.join(steps)})" for tool, steps in sorted(lacking.items()))
                raise MissingTools(f"ncjrs-viewer.spec: missing {tools}: install Debian's binutils and "
                                   "icu-devtools (packaging/build.sh does), or build with -- --keep STEP")

    def runs(self, step: str) -> bool:
        """Whether this build runs ``step`` (``plugins:styles`` is kept by ``plugins`` too)."""
        if step in LINUX_STEPS and not self.linux:
            return False
        return step not in self.keep and step.split(":")[0] not in self.keep

    @property
    def strips(self) -> bool:
        """For ``EXE(strip=...)``: symbols only; Windows DLLs have none, and macOS signs."""
        return self.runs("strip")

    def _record(self, step: str, entries: Toc, into: dict[str, Toc] | None = None) -> None:
        if entries:
            (self.removed if into is None else into).setdefault(step, []).extend(entries)

    def qt_files(self, toc: Toc, plugins_kept: qt_files.PluginsKept) -> Toc:
        """``toc`` without Qt's translations and the plugins ``plugins_kept`` does not name."""
        kept, removed = qt_files.split(toc, plugins_kept, self.runs)
        for step, entries in removed.items():
            self._record(step, entries)
        return kept

    def icu(self, binaries: Toc, out: Path, build: icu_data.Rebuild = icu_data.rebuild) -> Toc:
        """``binaries`` with libicudata rebuilt in ``out`` (see icu)."""
        if not self.runs("icu"):
            return binaries
        binaries, removed, added = icu_data.replace(binaries, out, build)
        self._record("icu", removed)
        self._record("icu", added, self.added)
        return binaries

    def system(self, binaries: Toc, names: Set[str]) -> Toc:
        """``binaries`` without the libraries the user's system provides (file names)."""
        if not self.runs("system"):
            return binaries
        binaries, removed = libraries.without(binaries, names)
        self._record("system", removed)
        return binaries

    def prune(self, binaries: Toc, datas: Toc, loaded: Set[str] = frozenset()) -> tuple[Toc, Toc]:
        """Both lists without the libraries nothing kept needs, and without links to them.
        ``loaded``: libraries the program opens by name (ctypes), kept with what they link."""
        if not self.runs("prune"):
            return binaries, datas
        roots = [e for e in binaries if libraries.name(e[0]) in loaded]
        pruned = libraries.closure(binaries, roots, needed=self.needed)
        freed = [e for e in binaries if e not in pruned]
        for step, entries in libraries.blame(freed, binaries, self.removed, self.needed).items():
            self._record(step, entries)
        return libraries.drop_dangling_links(pruned, datas)

    def payload(self, binaries: Toc, datas: Toc, out: Path,
                prepare: Callable[[Entry], str]) -> tuple[Toc, Toc, Toc]:
        """(binaries, datas) the bootloader still unpacks, and the TOC of the payload entry written
        to ``out`` that holds the rest (``prepare``: the file to pack for an entry, e.g. stripped)."""
        if not self.runs("payload"):
            return binaries, datas, []
        binaries, datas, packed = payload_files.split(binaries, datas, self.needed)
        payload_files.write(packed, out, prepare, solid=self.runs("xz"))  # not in the report: moved, not removed
        return binaries, datas, [(payload_files.ENTRY_NAME, str(out), "PKG")]

    def check_linked(self, binaries: Toc, system_libs: Set[str], bundles: Callable[[str], bool]) -> None:
        """Fails the build if a kept binary links a library that is not inside (Linux)."""
        if self.linux:
            libraries.check_linked(binaries, system_libs, bundles, self.needed)

    def report(self) -> str:
        """``--report``'s exclusions.txt (see report)."""
        return "\n".join(report.lines(self.removed, self.added)) + "\n"
