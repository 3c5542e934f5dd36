"""Help ▸ Keyboard Shortcuts (made from the action registry) and Help ▸ About (versions and licences
of the program and of what it bundles, read when the box opens, never at start-up)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape

from PySide6.QtCore import QCoreApplication, qVersion
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QMessageBox, QTextBrowser, QVBoxLayout, QWidget

from viewer import APP_NAME, __version__
from viewer.ui.actions import Actions

PROGRAM_LICENCE = "MIT"


@dataclass(frozen=True)
class Component:
    name: str
    version: str  # "" when it cannot be read (then none is shown)
    licence: str


def _package_version(name: str, module: str = "") -> str:
    from importlib import metadata  # only when About opens: its import costs start-up time

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:  # a frozen executable may carry no package metadata
        try:
            return str(getattr(__import__(module or name), "__version__", ""))
        except ImportError:
            return ""


def _citeproc_version() -> str:
    from viewer.core.resources import resource_path
    try:
        with open(resource_path("js", "citeproc.js"), encoding="utf-8") as f:
            head = f.read(8192)
    except OSError:
        return ""
    found = re.search(r'PROCESSOR_VERSION:\s*"([^"]+)"', head)
    return found.group(1) if found else ""


def _csl_version() -> str:
    from viewer.citeproc import style_repo
    try:
        source = style_repo.source()
    except Exception:  # noqa: BLE001 - the About box must open whatever the bundle's state
        return ""
    return ", ".join(v for v in (source.get("styles", ""), source.get("styles_updated", "")) if v)


def components() -> list[Component]:
    """What the program bundles, with the version each reports at run time."""
    import PySide6

    return [
        Component("Qt", qVersion(), "LGPL 3.0"),
        Component("PySide6", getattr(PySide6, "__version__", ""), "LGPL 3.0"),
        Component("citeproc-js", _citeproc_version(), "CPAL 1.0 or AGPL 3.0"),
        Component("QuickJS (Python binding)", _package_version("quickjs"), "MIT"),
        Component("CSL styles and locales", _csl_version(), "CC BY-SA 3.0"),
        Component("rispy", _package_version("rispy"), "MIT"),
        Component("bibtexparser", _package_version("bibtexparser"), "MIT"),
    ]


def about_html() -> str:
    tr = QCoreApplication.translate
    rows = "".join(f"<tr><td>{escape(c.name)}</td><td>{escape(c.version)}</td><td>{escape(c.licence)}</td></tr>"
                   for c in components())
    return (f"<h3>{escape(APP_NAME)} {escape(__version__)}</h3>"
            f"<p>{tr('About', 'Read and cite records of the NCJRS Virtual Library offline.')}</p>"
            f"<p>{tr('About', 'Licence: {0}.').format(PROGRAM_LICENCE)}</p>"
            f"<p>{tr('About', 'Bundled components:')}</p>"
            f"<table cellspacing='0' cellpadding='3'>{rows}</table>")


def show_about(parent: QWidget, provenance: str = "") -> None:
    QMessageBox.about(parent, parent.tr("About {0}").format(APP_NAME), about_html() + provenance)


# --- keyboard shortcuts ---------------------------------------------------------------------


def shortcut_rows(actions: Actions) -> list[tuple[str, str]]:
    """(action, its keys as this system writes them) for every action of the registry, in its order."""
    rows = []
    for action in actions.all().values():
        name = action.text().replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip("…")
        keys = ", ".join(s.toString(QKeySequence.SequenceFormat.NativeText) for s in action.shortcuts())
        rows.append((name, keys))
    return rows


class ShortcutsDialog(QDialog):
    def __init__(self, actions: Actions, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shortcutsDialog")
        self.setWindowTitle(self.tr("Keyboard Shortcuts"))
        self.text = QTextBrowser()
        self.text.setObjectName("shortcutsText")
        fields = [(self.tr("Escape"), self.tr("Clear the search or filter field; again: back to its list")),
                  (self.tr("Down, Enter"), self.tr("From a search or filter field into its results"))]
        self.text.setHtml(self._table(self.tr("Commands"), shortcut_rows(actions))
                          + self._table(self.tr("In a search or filter field"), fields))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(buttons)
        self.resize(520, 560)

    @staticmethod
    def _table(title: str, rows: list[tuple[str, str]]) -> str:
        body = "".join(f"<tr><td>{escape(name)}</td><td><b>{escape(keys)}</b></td></tr>" for name, keys in rows)
        return f"<h3>{escape(title)}</h3><table cellspacing='0' cellpadding='3'>{body}</table>"
