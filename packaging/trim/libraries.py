"""Shared libraries: which ones the user's system provides, and which ones nothing needs (Linux).

A library is kept only if something kept names it in DT_NEEDED, directly or through another
kept library. The roots are extension modules, Qt plugins and libpython: what Python and Qt
load by name. The dropped plugins brought their libraries along (Wayland, GTK's stack...);
this takes those out. PyInstaller's own look-up runs ldd, which is transitive and reads the
build machine's cache; DT_NEEDED is what each file names itself.
"""

from __future__ import annotations

import functools
import re
import subprocess
from collections.abc import Callable, Iterable, Mapping, Set

from .toc import PLUGINS, Entry, Toc, name, posix

Needed = Callable[[str], Iterable[str]]  # a library's src -> the sonames it names in DT_NEEDED
LIBRARY_KINDS = frozenset({"BINARY", "EXTENSION"})


class MissingLibraries(SystemExit):
    """A kept binary links a library that neither the bundle nor the user's system provides."""


def parse_needed(dynamic_section: str) -> frozenset[str]:
    """The DT_NEEDED names in the output of ``readelf -d -W``."""
    return frozenset(re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", dynamic_section))


@functools.lru_cache(maxsize=None)
def dt_needed(src: str) -> frozenset[str]:
    """The DT_NEEDED names of an ELF file (read by binutils' readelf)."""
    done = subprocess.run(["readelf", "-d", "-W", src], check=True, capture_output=True, text=True)
    return parse_needed(done.stdout)


def is_root(entry: Entry) -> bool:
    """Loaded by name rather than linked: an extension module, a Qt plugin or libpython."""
    dest, _src, kind = entry
    return kind == "EXTENSION" or posix(dest).startswith(PLUGINS) or name(dest).startswith("libpython")


def without(toc: Toc, names: Set[str]) -> tuple[Toc, Toc]:
    """``toc`` without the files named ``names`` (the system's libraries), and those files."""
    return [e for e in toc if name(e[0]) not in names], [e for e in toc if name(e[0]) in names]


def closure(toc: Toc, more_roots: Iterable[Entry] = (), needed: Needed = dt_needed) -> Toc:
    """``toc`` without the libraries that no root (nor ``more_roots``) needs, directly or not."""
    by_name = {name(e[0]): e for e in toc if e[2] == "BINARY" and not is_root(e)}
    extra = list(more_roots)
    todo = [e for e in toc if e[2] in LIBRARY_KINDS and is_root(e)] + extra
    reached: set[str] = {name(e[0]) for e in extra}  # kept themselves, not only what they link
    while todo:
        for soname in needed(todo.pop()[1]):
            if soname in by_name and soname not in reached:
                reached.add(soname)
                todo.append(by_name[soname])
    return [e for e in toc if e[2] != "BINARY" or is_root(e) or name(e[0]) in reached]


def blame(freed: Toc, toc: Toc, removed: Mapping[str, Toc], needed: Needed = dt_needed) -> dict[str, Toc]:
    """Who made each freed library unneeded, for the report: the one step whose removed files
    needed it, or "prune: libraries several steps needed" (a library of two steps' files, or
    of none). ``toc`` is the list before pruning; ``removed`` what each step took out of it."""
    steps_of: dict[str, list[str]] = {e[0]: [] for e in freed}
    for step, entries in removed.items():
        roots = [e for e in entries if e[2] in LIBRARY_KINDS]
        if not roots or step == "icu":  # the replaced ICU data links nothing
            continue
        for entry in closure(toc, roots, needed):
            if entry[0] in steps_of:
                steps_of[entry[0]].append(step)
    blamed: dict[str, Toc] = {}
    for entry in freed:
        steps = steps_of[entry[0]]
        blamed.setdefault(steps[0] if len(steps) == 1 else "prune: libraries several steps needed", []).append(entry)
    return blamed


def drop_dangling_links(binaries: Toc, datas: Toc) -> tuple[Toc, Toc]:
    """Both lists without the symbolic links whose target is in neither.

    PyInstaller links some libraries into the bundle's top folder as well; once a library is
    pruned, its link would point at nothing."""
    inside = {e[0] for e in binaries + datas if e[2] != "SYMLINK"}
    return ([e for e in binaries if e[2] != "SYMLINK" or e[1] in inside],
            [e for e in datas if e[2] != "SYMLINK" or e[1] in inside])


def from_system(soname: str, system_libs: Set[str], bundles: Callable[[str], bool]) -> bool:
    """Whether the user's system provides ``soname``: one the spec leaves to it, the dynamic
    loader, or one PyInstaller never bundles (``bundles`` is ``PyInstaller.depend.dylib.include_library``:
    libc, libGL, libxcb...)."""
    return soname in system_libs or soname.startswith("ld-linux") or not bundles(soname)


def missing(toc: Toc, system_libs: Set[str], bundles: Callable[[str], bool],
            needed: Needed = dt_needed) -> dict[str, list[str]]:
    """{soname: the dests that need it} for what a kept binary links and neither the bundle
    nor the system (see from_system) provides."""
    inside = {name(e[0]) for e in toc}
    lacking: dict[str, list[str]] = {}
    for dest, src, kind in toc:
        if kind in LIBRARY_KINDS:
            for soname in sorted(needed(src)):
                if soname not in inside and not from_system(soname, system_libs, bundles):
                    lacking.setdefault(soname, []).append(dest)
    return lacking


def check_linked(toc: Toc, system_libs: Set[str], bundles: Callable[[str], bool],
                 needed: Needed = dt_needed) -> None:
    """Fail now, not on a user's desktop: every library a kept binary links must be inside
    (or be the system's). A library is missing here when the build machine lacks it."""
    lacking = missing(toc, system_libs, bundles, needed)
    if lacking:
        lines = "\n".join(f"  {soname} (needed by {', '.join(sorted(dests)[:3])})"
                          for soname, dests in sorted(lacking.items()))
        raise MissingLibraries(f"ncjrs-viewer.spec: these libraries are not installed on the build machine:\n"
                               f"{lines}\nInstall them (packaging/build.sh names the Debian packages) "
                               "and build again.")
