"""Small widget builders shared by the panels."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit


def search_field(object_name: str, label: str, description: str) -> QLineEdit:
    """A search box: its label as placeholder and accessible name, a clear button, a description."""
    field = QLineEdit()
    field.setObjectName(object_name)
    field.setPlaceholderText(label)
    field.setClearButtonEnabled(True)
    field.setAccessibleName(label)
    field.setAccessibleDescription(description)
    return field
