"""Settings: every key and its default in one place, read defensively.

Settings live in an INI file (the same format on every system, so a damaged file can be
detected and ignored). A value of the wrong type or a file Qt cannot parse falls back to
the default with a warning; it never stops the program.
"""

from __future__ import annotations

import errno
import os
import re
import sys
import tempfile
from dataclasses import dataclass
from typing import Callable

from PySide6.QtCore import QByteArray, QCoreApplication, QSettings, QStandardPaths

from viewer.core.bounded import InputError, bounded_int, check_regular_file

GEOMETRY = "window/geometry"
WINDOW_STATE = "window/state"
SPLITTER = "window/splitter"
LEFT_SPLITTER = "window/left_splitter"
EXPANDED = "window/expanded_sections"
LAST_SECTION = "reading/last_section"
LAST_RECORD = "reading/last_record"
ZOOM = "reading/zoom_percent"
APPEARANCE = "reading/appearance"
DARK_PAGES = "reading/dark_report_pages"  # "auto": as the window's palette; "on" / "off": the user's choice
FIND_CASE_SENSITIVE = "find/case_sensitive"
CITATION_STYLE = "citation/style"
LIBRARY_ORDER = "library/order"  # a column of the library list, "-" first when descending; "" none
CITATION_LOCALE = "citation/locale"  # "": the style's default-locale
RECENT_STYLES = "citation/recent_styles"  # style ids, the most recent first
RECENT_STYLES_KEPT = 8

_UNSET = object()
MAX_BYTES = 4 << 20  # the program writes a few KB; Qt would read any file whole


@dataclass(frozen=True)
class _Key:
    name: str
    kind: type
    default: object
    choices: tuple = ()
    valid: Callable[[object], bool] | None = None  # beyond the type: a value the program can use


_KEYS = {k.name: k for k in (
    _Key(GEOMETRY, QByteArray, QByteArray()),
    _Key(WINDOW_STATE, QByteArray, QByteArray()),
    _Key(SPLITTER, QByteArray, QByteArray()),
    _Key(LEFT_SPLITTER, QByteArray, QByteArray()),
    _Key(EXPANDED, list, None),  # None: never saved, so everything starts expanded
    _Key(LAST_SECTION, str, ""),
    _Key(LAST_RECORD, str, ""),
    _Key(ZOOM, int, 100, valid=lambda v: isinstance(v, int) and 10 <= v <= 1000),  # percent; the pane clamps to its steps
    _Key(APPEARANCE, str, "system", ("system", "light", "dark")),
    _Key(DARK_PAGES, str, "auto", ("auto", "on", "off")),
    _Key(FIND_CASE_SENSITIVE, bool, False),
    # A style id, never a path: "../../etc/passwd" must not reach the style files.
    _Key(CITATION_STYLE, str, "apa", valid=lambda v: isinstance(v, str)
         and re.fullmatch(r"[a-z0-9][a-z0-9._-]{0,199}", v) is not None),
    _Key(CITATION_LOCALE, str, "", valid=lambda v: isinstance(v, str)
         and re.fullmatch(r"([a-z]{2,3}(-[A-Za-z0-9]{2,8})*)?", v) is not None),
    _Key(RECENT_STYLES, list, []),
    _Key(LIBRARY_ORDER, str, "", ("", "title", "-title", "creator", "-creator", "year", "-year", "ncj", "-ncj")),
)}


def _coerce(value, kind: type):
    """The value as ``kind``, or _UNSET when it cannot honestly be read as one."""
    if kind is QByteArray:
        return value if isinstance(value, QByteArray) else _UNSET
    if kind is bool:
        if isinstance(value, bool):
            return value
        return {"true": True, "false": False}.get(str(value).lower(), _UNSET)
    if kind is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        try:
            return bounded_int(value) if isinstance(value, str) else _UNSET
        except ValueError:
            return _UNSET
    if kind is list:
        if value is None:  # INI stores an empty list as @Invalid()
            return []
        if isinstance(value, str):  # INI stores a one-item list as a plain string
            return [value]
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return value
        return _UNSET
    return value if isinstance(value, kind) else _UNSET


class Settings:
    def __init__(self, path: str | None = None) -> None:
        self.warnings: list[str] = []
        path = path or _default_path()
        problem = _unusable(path) if path else ""
        if problem:  # a FIFO, a device, a huge file: not read, not written; a private file instead
            self._spare = tempfile.TemporaryDirectory(prefix="ncjrs-viewer-settings-")
            self._qs = QSettings(os.path.join(self._spare.name, "settings.ini"), QSettings.Format.IniFormat)
            self.warnings.append(f"The settings file {problem}: defaults are used, and changes last until the "
                                 f"program closes.")
            return
        if path:
            self._qs = QSettings(path, QSettings.Format.IniFormat)
        else:
            # Names come from QCoreApplication, set once in main().
            self._qs = QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope,
                                 QCoreApplication.organizationName(), QCoreApplication.applicationName())
        if self._qs.status() == QSettings.Status.FormatError:
            self.warnings.append(f"The settings file {self._qs.fileName()} is damaged; defaults are used.")
        elif self._qs.status() == QSettings.Status.AccessError:
            self.warnings.append(f"The settings file {self._qs.fileName()} cannot be read; defaults are used.")
        else:
            self._warn_unknown()
        if not self._qs.isWritable():
            self.warnings.append(f"Settings cannot be saved to {self._qs.fileName()}: "
                                 f"changes last until the program closes.")

    def _warn_unknown(self) -> None:
        """Keys this program never writes: a damaged file (random bytes parse as odd keys)."""
        unknown = [k for k in self._qs.allKeys() if k not in _KEYS]
        if unknown:
            self.warnings.append(f"The settings file {self._qs.fileName()} holds {len(unknown)} damaged or "
                                 f"unknown entries; they are ignored.")

    @property
    def file_name(self) -> str:
        return self._qs.fileName()

    def get(self, name: str):
        key = _KEYS[name]
        if not self._qs.contains(name):
            return key.default
        try:
            value = _coerce(self._qs.value(name), key.kind)
        except Exception:  # noqa: BLE001 - a damaged value must never stop start-up
            value = _UNSET
        if value is _UNSET or (key.choices and value not in key.choices) or (key.valid and not key.valid(value)):
            self.warnings.append(f"Ignored a damaged setting '{name}'; it is reset to its default.")
            self._qs.remove(name)
            return key.default
        return value

    def set(self, name: str, value) -> None:
        key = _KEYS[name]
        if _coerce(value, key.kind) is _UNSET:
            raise TypeError(f"setting {name} takes {key.kind.__name__}")
        self._qs.setValue(name, value)

    def remove(self, name: str) -> None:
        self._qs.remove(_KEYS[name].name)

    def sync(self) -> str:
        """Write to disk; returns a message when the settings could not be saved."""
        self._qs.sync()
        if self._qs.status() == QSettings.Status.AccessError:
            return f"Settings could not be saved to {self._qs.fileName()}."
        return ""


def _default_path() -> str:
    """Where Qt keeps the user's INI settings on Linux and other XDG systems
    (``$XDG_CONFIG_HOME/<org>/<app>.ini``), so that the file is checked before Qt reads it; "" on
    Windows and macOS, where Qt's INI folder is not QStandardPaths' config folder: Qt chooses it."""
    if os.name == "nt" or sys.platform == "darwin":
        return ""
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.GenericConfigLocation)
    return os.path.join(folder, QCoreApplication.organizationName(), QCoreApplication.applicationName() + ".ini")


def _unusable(path: str) -> str:
    """Why ``path`` cannot be the settings file ("" when it can, or does not exist yet)."""
    try:
        check_regular_file(path, MAX_BYTES)
    except InputError as exc:
        # Missing: made on the first save. A folder: Qt itself says it cannot be read or written.
        return "" if exc.errno in (errno.ENOENT, errno.ENOTDIR, errno.EISDIR) else str(exc)
    return ""
