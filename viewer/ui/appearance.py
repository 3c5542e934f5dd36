"""Light and dark appearance: follow the system, or the user's choice from the View menu."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory


def system_is_dark() -> bool:
    return QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark


def _dark_palette() -> QPalette:
    p = QPalette()
    role, group = QPalette.ColorRole, QPalette.ColorGroup
    colours = {
        role.Window: "#2b2d30", role.WindowText: "#e6e6e6", role.Base: "#1e1f22",
        role.AlternateBase: "#26282b", role.Text: "#e6e6e6", role.Button: "#35373b",
        role.ButtonText: "#e6e6e6", role.BrightText: "#ffffff", role.Highlight: "#2f65ca",
        role.HighlightedText: "#ffffff", role.Link: "#8ab4f8", role.LinkVisited: "#c58af9",
        role.ToolTipBase: "#35373b", role.ToolTipText: "#e6e6e6", role.PlaceholderText: "#a0a4aa",
        role.Mid: "#45474b", role.Dark: "#1a1b1e", role.Light: "#4a4d52", role.Shadow: "#000000",
    }
    for r, c in colours.items():
        p.setColor(r, QColor(c))
    for r in (role.Text, role.WindowText, role.ButtonText):
        p.setColor(group.Disabled, r, QColor("#7f838a"))
    return p


def apply(mode: str) -> None:
    """Sets the application palette for ``mode`` ("system", "light" or "dark")."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):  # no widgets, no palette to set
        return
    if mode != "system" and app.style().name().lower() != "fusion":
        # A forced palette looks right in Fusion on every platform; native styles may ignore it.
        app.setStyle(QStyleFactory.create("Fusion"))
    if mode == "dark" or (mode == "system" and system_is_dark()):
        app.setPalette(_dark_palette())
    else:
        app.setPalette(app.style().standardPalette())
