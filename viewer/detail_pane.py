"""The widget that shows one section of a record."""

from __future__ import annotations

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QTextBrowser, QWidget

from viewer.record import Record, Section
from viewer.section_text import section_html

STYLE_SHEET = """
p.record { color: palette(placeholder-text); font-size: 90%; margin-bottom: 0; }
h1 { font-size: 150%; font-weight: 600; margin-top: 4px; margin-bottom: 12px; }
p.text { line-height: 140%; }
p.note { color: palette(placeholder-text); font-size: 90%; margin-top: 18px; }
table.fields th { padding-right: 18px; font-weight: 600; }
span.emphasis { background-color: rgba(255, 214, 0, 90); }
"""


class DetailPane(QTextBrowser):
    """Renders a section; never loads anything a record names, and hands links to the browser."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("detailPane")
        self.setAccessibleName(self.tr("Section text"))
        self.setOpenLinks(False)  # links leave the app only through anchorClicked below
        self.document().setDefaultStyleSheet(STYLE_SHEET)
        self.document().setDocumentMargin(16)
        self.anchorClicked.connect(self._open_link)
        self._section: Section | None = None

    @property
    def section(self) -> Section | None:
        return self._section

    def show_section(self, record: Record, section: Section) -> None:
        self._section = section
        self.setHtml(section_html(record, section))

    def loadResource(self, type: int, name: QUrl):  # noqa: A002 - Qt's signature
        # Records are text: no image, style sheet or other resource is ever fetched for them.
        return None

    def _open_link(self, url: QUrl) -> None:
        if url.scheme() in ("http", "https"):
            QDesktopServices.openUrl(url)
