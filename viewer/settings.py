"""Settings: every key and its default in one place, read defensively.

Settings live in an INI file (the same format on every system, so a damaged file can be
detected and ignored). A value of the wrong type or a file Qt cannot parse falls back to
the default with a warning; it never stops the program.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QByteArray, QCoreApplication, QSettings

GEOMETRY = "window/geometry"
WINDOW_STATE = "window/state"
SPLITTER = "window/splitter"
LAST_SECTION = "reading/last_section"
CITATION_STYLE = "citation/style"


@dataclass(frozen=True)
class _Key:
    name: str
    kind: type
    default: object


_KEYS = {k.name: k for k in (
    _Key(GEOMETRY, QByteArray, QByteArray()),
    _Key(WINDOW_STATE, QByteArray, QByteArray()),
    _Key(SPLITTER, QByteArray, QByteArray()),
    _Key(LAST_SECTION, str, ""),
    _Key(CITATION_STYLE, str, "apa"),
)}


class Settings:
    def __init__(self, path: str | None = None) -> None:
        if path:
            self._qs = QSettings(path, QSettings.Format.IniFormat)
        else:
            # Names come from QCoreApplication, set once in main().
            self._qs = QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope,
                                 QCoreApplication.organizationName(), QCoreApplication.applicationName())
        self.warnings: list[str] = []
        if self._qs.status() == QSettings.Status.FormatError:
            self.warnings.append(f"The settings file {self._qs.fileName()} is damaged; defaults are used.")
        if self._qs.status() == QSettings.Status.AccessError:
            self.warnings.append(f"The settings file {self._qs.fileName()} cannot be read; defaults are used.")

    @property
    def file_name(self) -> str:
        return self._qs.fileName()

    def get(self, name: str):
        key = _KEYS[name]
        try:
            value = self._qs.value(name, key.default)
        except Exception:  # noqa: BLE001 - a damaged value must never stop start-up
            value = key.default
        if not isinstance(value, key.kind):
            if value is not None and value != key.default:
                self.warnings.append(f"Ignored a damaged setting '{name}'.")
            return key.default
        return value

    def set(self, name: str, value) -> None:
        if not isinstance(value, _KEYS[name].kind):
            raise TypeError(f"setting {name} takes {_KEYS[name].kind.__name__}")
        self._qs.setValue(name, value)

    def sync(self) -> str:
        """Write to disk; returns a message when the settings could not be saved."""
        self._qs.sync()
        if self._qs.status() == QSettings.Status.AccessError:
            return f"Settings could not be saved to {self._qs.fileName()}."
        return ""

