"""How the library list paints a search hit: its title and snippet as rich text, matched words in bold."""

from __future__ import annotations

from PySide6.QtCore import QObject, QRectF, QSize
from PySide6.QtGui import QAbstractTextDocumentLayout, QFontMetrics, QPalette, QTextDocument
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from viewer.ui.library_model import HtmlRole

HIT_LINES = 3  # a hit's row: its title and snippet, wrapped at the column, in this many lines
DOCUMENTS_KEPT = 200


class HtmlDelegate(QStyledItemDelegate):
    """Draws a row's HtmlRole (escaped record text with matched words in bold) when it has one, in
    HIT_LINES lines: every hit's row is as tall, so the view asks one size hint, not one a row
    (a QTextDocument laid out per row per keystroke was most of a keystroke's cost)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        # Laid-out documents of the rows painted last: the next keystroke mostly shows the same hits.
        self._documents: dict[tuple[str, int, str], QTextDocument] = {}

    def _document(self, option: QStyleOptionViewItem, html: str, width: int) -> QTextDocument:
        key = (html, max(width, 50), option.font.key())
        doc = self._documents.get(key)
        if doc is None:
            if len(self._documents) >= DOCUMENTS_KEPT:
                self._documents.clear()
            doc = self._documents[key] = QTextDocument()
            doc.setDefaultFont(option.font)
            doc.setHtml(html)
            doc.setTextWidth(max(width, 50))
        return doc

    def paint(self, painter, option, index) -> None:
        html = index.data(HtmlRole)
        if not html:
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        style = opt.widget.style() if opt.widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        doc = self._document(opt, html, opt.rect.width())
        context = QAbstractTextDocumentLayout.PaintContext()
        context.clip = QRectF(0, 0, opt.rect.width(), opt.rect.height())  # the lines past the row: not drawn
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        context.palette.setColor(QPalette.ColorRole.Text, opt.palette.color(role))
        painter.save()
        painter.translate(opt.rect.topLeft())
        painter.setClipRect(opt.rect.translated(-opt.rect.topLeft()))
        doc.documentLayout().draw(painter, context)
        painter.restore()

    def sizeHint(self, option, index) -> QSize:
        size = super().sizeHint(option, index)
        if not index.data(HtmlRole):
            return size
        margin = QTextDocument().documentMargin()
        return QSize(size.width(), int(QFontMetrics(option.font).lineSpacing() * HIT_LINES + 2 * margin))
