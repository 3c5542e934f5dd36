"""Qt's translations and unused plugins, taken out by an allow-list (every platform).

PySide6's hooks collect every plugin of every Qt module they see and every Qt translation.
The spec names the plugins to keep, by type; this drops the rest.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Set
from pathlib import PurePath

from .toc import PLUGINS, QT, Toc, posix

# plugin type -> names kept, without "lib" and extension (one list serves .so, .dll and .dylib)
PluginsKept = Mapping[str, Set[str]]


def stem(path: str) -> str:
    """``platforms/libqxcb.so`` -> ``qxcb``; ``qwindows.dll`` -> ``qwindows``."""
    first = PurePath(posix(path)).name.split(".")[0]
    return first[3:] if first.startswith("lib") else first


def dropped_by(dest: str, plugins_kept: PluginsKept) -> str | None:
    """The step that drops this collected file (``translations``, ``plugins:TYPE``), or None."""
    dest = posix(dest)
    if dest.startswith(QT + "translations/"):
        return "translations"
    if dest.startswith(PLUGINS):
        kind = dest[len(PLUGINS):].split("/")[0]
        if stem(dest) in plugins_kept.get(kind, ()):
            return None
        return f"plugins:{kind}"
    return None


def split(toc: Toc, plugins_kept: PluginsKept, runs: Callable[[str], bool]) -> tuple[Toc, dict[str, Toc]]:
    """``toc`` without what a running step drops, and what each step dropped (order kept)."""
    kept: Toc = []
    removed: dict[str, Toc] = {}
    for entry in toc:
        step = dropped_by(entry[0], plugins_kept)
        if step is None or not runs(step):
            kept.append(entry)
        else:
            removed.setdefault(step, []).append(entry)
    return kept, removed
