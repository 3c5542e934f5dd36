"""Record data shown outside the detail pane is plain text, whatever it holds.

Qt guesses: a tooltip, a label or a message box whose text "might be rich text" is rendered as
HTML, so a title ``<img src="/dev/zero">`` would make Qt read /dev/zero until memory runs out.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget


def tooltip(text: str) -> str:
    """A tooltip that shows ``text`` as written: tooltips have no text format of their own, so
    it is escaped and marked as rich text (``<qt>``), which then shows the escapes as the text."""
    return f"<qt>{escape(text)}</qt>" if text else ""


def warn(parent: QWidget | None, title: str, text: str) -> None:
    """``QMessageBox.warning`` with its text shown plain (messages name files and records)."""
    from PySide6.QtWidgets import QMessageBox  # on use (start-up)

    box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.exec()
    box.deleteLater()
