"""The citation panel: pick a style, preview the entry and the in-text citation, copy either."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDockWidget,
    QFormLayout,
    QLabel,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from viewer.citeproc import citation


class CitationPanel(QDockWidget):
    style_changed = Signal(str)

    def __init__(self, copy_entry, copy_in_text, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Citation"), parent)
        self.setObjectName("citationPanel")
        body = QWidget()
        layout = QVBoxLayout(body)
        form = QFormLayout()
        self.style_box = QComboBox()
        self.style_box.setAccessibleName(self.tr("Citation style"))
        for style in citation.STYLES:
            self.style_box.addItem(style.name, style.id)
        style_label = QLabel(self.tr("&Style:"))
        style_label.setBuddy(self.style_box)
        form.addRow(style_label, self.style_box)
        layout.addLayout(form)

        self.entry_view = self._preview(self.tr("Bibliography entry"))
        self.in_text_view = self._preview(self.tr("In-text citation"))
        for title, view, action in ((self.tr("Bibliography entry"), self.entry_view, copy_entry),
                                    (self.tr("In-text citation"), self.in_text_view, copy_in_text)):
            heading = QLabel(f"<b>{title}</b>")
            layout.addWidget(heading)
            layout.addWidget(view)
            button = QToolButton()
            button.setDefaultAction(action)
            layout.addWidget(button)
        layout.addStretch(1)
        self.setWidget(body)
        self.style_box.currentIndexChanged.connect(lambda _: self.style_changed.emit(self.style_id()))
        self._lookup = None

    def _preview(self, name: str) -> QTextBrowser:
        view = _Preview()
        view.setAccessibleName(name)
        view.setOpenLinks(False)
        view.setMaximumHeight(110)
        return view

    def style_id(self) -> str:
        return self.style_box.currentData()

    def set_style(self, style_id: str) -> None:
        index = self.style_box.findData(style_id)
        if index >= 0:
            self.style_box.setCurrentIndex(index)

    def set_lookup(self, lookup) -> None:
        """``lookup(style_id)`` gives the citeproc entry, or None while it is being prepared."""
        self._lookup = lookup
        self.refresh()

    def refresh(self) -> None:
        if self._lookup is None or not self.isVisible():
            return
        entry = self._lookup(self.style_id())
        if entry is None:
            waiting = self.tr("<i>Preparing the citation…</i>")
            self.entry_view.setHtml(waiting)
            self.in_text_view.setHtml(waiting)
            return
        self.entry_view.setHtml(citation.from_entry(entry).html)
        self.in_text_view.setHtml(citation.from_entry(entry, in_text=True).html)

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        self.refresh()


class _Preview(QTextBrowser):
    def loadResource(self, type: int, name):  # noqa: A002 - Qt's signature
        return None  # previews show citation markup; they never fetch anything
