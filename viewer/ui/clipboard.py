"""Putting rich text on the system clipboard, as Zotero does: HTML and plain text in one copy."""

from __future__ import annotations

from PySide6.QtCore import QMimeData
from PySide6.QtGui import QGuiApplication


def copy_rich(html: str, text: str) -> bool:
    """Puts both formats on the clipboard; False when there is no clipboard to put them on."""
    clipboard = QGuiApplication.clipboard()
    if clipboard is None:
        return False
    mime = QMimeData()
    mime.setHtml(html)
    mime.setText(text)
    clipboard.setMimeData(mime)
    return True


def clear() -> None:
    """Empties the clipboard; called before the application goes away (see tests/conftest.py)."""
    clipboard = QGuiApplication.clipboard()
    if clipboard is not None:
        clipboard.clear()
