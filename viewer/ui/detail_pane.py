"""The widget that shows one section of a record."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QMimeData, Qt, QUrl, Signal
from PySide6.QtGui import QColor, QDesktopServices, QFont, QFontMetricsF, QPalette, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QTextBrowser, QTextEdit, QWidget

from viewer.core.library import match_spans
from viewer.core.record import Record, Section
from viewer.core.section_text import section_html
from viewer.ui.section_style import screen_style_sheet

# Browser-like zoom steps, in percent.
ZOOM_STEPS = (50, 67, 75, 80, 90, 100, 110, 125, 150, 175, 200, 250, 300)
# A comfortable reading measure: at most this many average characters a line.
LINE_LENGTH = 78


def _utf16_len(text: str) -> int:
    return len(text) if text.isascii() else len(text.encode("utf-16-le")) // 2


class DetailPane(QTextBrowser):
    """Renders a section; never loads anything a record names, and hands links to the browser."""

    zoom_changed = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("detailPane")
        self.setAccessibleName(self.tr("Section text"))
        self.setAccessibleDescription(self.tr("The text of the selected section of the record"))
        self.setOpenLinks(False)  # links leave the app only through anchorClicked below
        self.document().setDocumentMargin(16)
        self.anchorClicked.connect(self._open_link)
        self._record: Record | None = None
        self._section: Section | None = None
        self._terms: list[str] = []
        self._query = ""
        self._zoom = 100
        self._base_point_size = self.font().pointSizeF()
        self._apply_style()

    @property
    def section(self) -> Section | None:
        return self._section

    def show_section(self, record: Record, section: Section, highlight: list[str] | None = None,
                     query: str = "") -> None:
        """``highlight``: words of the outline filter, marked where they occur; ``query``: a library
        search, marked as it matched (whole words, accents ignored: library.match_spans)."""
        self._record, self._section = record, section
        self._terms = list(highlight or [])
        self._query = query
        self._render()

    def _render(self) -> None:
        if self._record is None or self._section is None:
            return
        self.setHtml(section_html(self._record, self._section))
        self._fit_measure()
        self._highlight_terms()

    def _highlight_terms(self) -> None:
        """Marks the words of the tree filter in the text, so the reader sees why it matched."""
        selections = []
        fmt = QTextCharFormat()
        # Blue, unlike the find bar's yellow matches and the selection, so the two never blur.
        dark = self.palette().color(QPalette.ColorRole.Base).lightness() < 128
        fmt.setBackground(QColor("#1f4a6e" if dark else "#cfe8ff"))
        fmt.setForeground(QColor("#ffffff" if dark else "#000000"))
        for cursor in self._term_cursors() + self._query_cursors():
            sel = QTextEdit.ExtraSelection()
            sel.cursor, sel.format = cursor, fmt
            selections.append(sel)
        self.setExtraSelections(selections)

    def _term_cursors(self) -> list[QTextCursor]:
        found = []
        for term in self._terms:
            cursor = self.document().find(term)
            while not cursor.isNull():
                found.append(cursor)
                cursor = self.document().find(term, cursor)
        return found

    def _query_cursors(self) -> list[QTextCursor]:
        if not self._query.strip():
            return []
        found = []
        block = self.document().begin()
        while block.isValid():
            text = block.text()
            for start, end in match_spans(text, self._query):
                cursor = QTextCursor(self.document())
                # Python counts code points, Qt UTF-16 units: they differ past the BMP.
                cursor.setPosition(block.position() + _utf16_len(text[:start]))
                cursor.setPosition(block.position() + _utf16_len(text[:end]), QTextCursor.MoveMode.KeepAnchor)
                found.append(cursor)
            block = block.next()
        return found

    def createMimeDataFromSelection(self) -> QMimeData:  # noqa: N802 - Qt override
        """The selection as HTML and plain text only: Qt's ODF flavour, which word processors
        prefer, carries a paragraph, so a passage pasted mid-sentence broke the sentence. Within
        one paragraph the HTML is the inline fragment, without the paragraph around it."""
        cursor = self.textCursor()
        fragment = cursor.selection()
        mime = QMimeData()
        mime.setText(fragment.toPlainText())
        html = fragment.toHtml()
        one_block = self.document().findBlock(cursor.selectionStart()) == self.document().findBlock(
            cursor.selectionEnd())
        if one_block and "<!--StartFragment-->" in html and "<!--EndFragment-->" in html:
            inner = html.split("<!--StartFragment-->", 1)[1].split("<!--EndFragment-->", 1)[0]
            html = f"<html><body><!--StartFragment-->{inner}<!--EndFragment--></body></html>"
        mime.setHtml(html)
        return mime

    # --- zoom ---

    @property
    def zoom(self) -> int:
        return self._zoom

    def set_zoom(self, percent: int) -> None:
        percent = min(max(percent, ZOOM_STEPS[0]), ZOOM_STEPS[-1])
        font = QFont(self.font())
        font.setPointSizeF(self._base_point_size * percent / 100)
        self.document().setDefaultFont(font)
        self._zoom = percent
        self._fit_measure()
        self.zoom_changed.emit(percent)

    def zoom_in(self) -> None:
        self.set_zoom(next((z for z in ZOOM_STEPS if z > self._zoom), ZOOM_STEPS[-1]))

    def zoom_out(self) -> None:
        self.set_zoom(next((z for z in reversed(ZOOM_STEPS) if z < self._zoom), ZOOM_STEPS[0]))

    def wheelEvent(self, event) -> None:  # noqa: N802 - Qt override
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            steps = event.angleDelta().y()
            if steps > 0:
                self.zoom_in()
            elif steps < 0:
                self.zoom_out()
            event.accept()
            return
        super().wheelEvent(event)

    # --- layout and colours ---

    def _fit_measure(self) -> None:
        """Centres a column no wider than LINE_LENGTH characters of the current font."""
        char = QFontMetricsF(self.document().defaultFont()).averageCharWidth()
        margin = self.document().documentMargin()  # kept on every side, however narrow the pane
        spare = max(self.viewport().width() - 2 * margin - char * LINE_LENGTH, 0.0)
        root = self.document().rootFrame()
        fmt = root.frameFormat()
        fmt.setLeftMargin(margin + spare / 2)
        fmt.setRightMargin(margin + spare / 2)
        root.setFrameFormat(fmt)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._fit_measure()

    def _apply_style(self) -> None:
        dark = self.palette().color(QPalette.ColorRole.Base).lightness() < 128
        self.document().setDefaultStyleSheet(screen_style_sheet(self.palette(), dark))
        self._render()

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._apply_style()

    def loadResource(self, type: int, name: QUrl | str) -> None:  # noqa: A002 - Qt's signature
        # Records are text: no image, style sheet or other resource is ever fetched for them.
        return None

    def _open_link(self, url: QUrl) -> None:
        if url.scheme() in ("http", "https"):
            QDesktopServices.openUrl(url)
