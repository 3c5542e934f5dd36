"""What every step handles: PyInstaller's TOC entries, as plain tuples."""

from __future__ import annotations

from pathlib import PurePath

# (dest, src, typecode): where the file goes in the bundle, where it comes from, and its kind
# ("BINARY", "EXTENSION", "DATA", "SYMLINK"...). For a SYMLINK, src is the dest it points to.
Entry = tuple[str, str, str]
Toc = list[Entry]

QT = "PySide6/Qt/"  # where PySide6's hooks put Qt's libraries, plugins and translations
PLUGINS = QT + "plugins/"


def posix(dest: str) -> str:
    """A dest with forward slashes (Windows builds name them with backslashes)."""
    return dest.replace("\\", "/")


def name(dest: str) -> str:
    """The file name of a dest, on any platform."""
    return PurePath(posix(dest)).name
