"""The pages of an attached report, one under the other: rendered sharp at the zoom level and the
screen's pixel ratio (in dark page colours on request: :mod:`viewer.ui.report_colours`), find hits
and the selection drawn over them, text selected with the mouse, from one page into the next.

The widget asks a :class:`viewer.services.report_engine.ReportDocument` (duck-typed: page_count,
page_size, render, char_at, char_count, rects, text_range) for everything; it never imports the engine
itself. The text of a selection is not read here: the controller asks the report worker for it.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from PySide6.QtCore import QEvent, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QImage, QMouseEvent, QPainter, QPalette
from PySide6.QtWidgets import QAbstractScrollArea, QWidget

from viewer.ui.report_colours import dark_page

GAP = 12  # pixels between pages
POINT = 96 / 72  # logical pixels a PDF point at 100 %
CACHED_PAGES = 12
MATCH = QColor(255, 214, 0, 110)
SELECTED_TEXT_MAX = 200  # characters a selection may have to become the find bar's text
AUTOSCROLL_MS = 30  # a drag held above or below the view scrolls it at this pace

Position = tuple[int, int]  # (page, character index), 0-based


class PageView(QAbstractScrollArea):
    page_changed = Signal(int)  # the page at the top of the view (0-based)
    selection_changed = Signal()
    document_changed = Signal()
    palette_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reportPages")
        self.setAccessibleName(self.tr("Report pages"))
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.viewport().setCursor(Qt.CursorShape.IBeamCursor)
        # The engine's ReportDocument, typed loosely: this view never imports the engine.
        self._doc: Any = None
        self._zoom = 100
        self._tops: list[float] = []
        self._sizes: list[tuple[float, float]] = []  # points
        self._cache: OrderedDict[tuple[int, float], QImage] = OrderedDict()
        self._page = -1
        self._hits: list = []  # engine Hits
        self._current_hit = -1
        self._anchor: Position | None = None  # where the mouse went down on text
        self._selection: tuple[Position, Position] | None = None  # anchor and end, both characters included
        self._dark = False
        self._drag_at: QPointF | None = None  # a selecting drag held outside the view: where
        self._autoscroll = QTimer(self)
        self._autoscroll.setInterval(AUTOSCROLL_MS)
        self._autoscroll.timeout.connect(self._drag_on)
        self.verticalScrollBar().valueChanged.connect(self._scrolled)

    # --- document and geometry ---

    def set_document(self, doc) -> None:
        self._doc = doc
        self._cache.clear()
        self._hits, self._current_hit, self._selection, self._anchor = [], -1, None, None
        self._sizes = [doc.page_size(p) for p in range(doc.page_count)] if doc is not None else []
        self._page = -1
        self._layout()
        self.verticalScrollBar().setValue(0)
        self._scrolled()
        self.document_changed.emit()

    @property
    def document(self):
        return self._doc

    @property
    def zoom(self) -> int:
        return self._zoom

    def set_zoom(self, percent: int) -> None:
        page = max(self._page, 0)
        self._zoom = percent
        self._cache.clear()
        self._layout()
        self.go_to_page(page)

    @property
    def dark(self) -> bool:
        return self._dark

    def set_dark(self, dark: bool) -> None:
        """Pages in dark colours (lightness turned over, hues kept) or as printed."""
        if dark != self._dark:
            self._dark = dark
            self._cache.clear()
            self.viewport().update()

    def _scale(self) -> float:
        return POINT * self._zoom / 100

    def _layout(self) -> None:
        scale, y = self._scale(), float(GAP)
        self._tops = []
        for _, h in self._sizes:
            self._tops.append(y)
            y += h * scale + GAP
        width = max((w for w, _ in self._sizes), default=0) * scale + 2 * GAP
        bar = self.verticalScrollBar()
        bar.setRange(0, max(int(y) - self.viewport().height(), 0))
        bar.setPageStep(self.viewport().height())
        bar.setSingleStep(40)
        hbar = self.horizontalScrollBar()
        hbar.setRange(0, max(int(width) - self.viewport().width(), 0))
        hbar.setPageStep(self.viewport().width())
        self.viewport().update()

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self.palette_changed.emit()

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._layout()

    def _page_rect(self, page: int) -> QRectF:
        scale = self._scale()
        w, h = self._sizes[page]
        width = w * scale
        x = max((self.viewport().width() - width) / 2, GAP) - self.horizontalScrollBar().value()
        return QRectF(x, self._tops[page] - self.verticalScrollBar().value(), width, h * scale)

    def current_page(self) -> int:
        return self._page

    def go_to_page(self, page: int) -> None:
        if 0 <= page < len(self._tops):
            self.verticalScrollBar().setValue(int(self._tops[page] - GAP))
            self._scrolled()

    def _scrolled(self, _value: int = 0) -> None:
        """The page crossing the upper third of the view is the page shown."""
        line = self.verticalScrollBar().value() + self.viewport().height() / 3
        page = max((i for i, top in enumerate(self._tops) if top <= line), default=0) if self._tops else -1
        if page != self._page:
            self._page = page
            self.page_changed.emit(page)
        self.viewport().update()

    # --- painting ---

    def _image(self, page: int) -> QImage:
        ratio = self.devicePixelRatioF()
        key = (page, self._scale() * ratio)
        image = self._cache.get(key)
        if image is None:
            data, w, h, stride = self._doc.render(page, key[1])
            image = QImage(data, w, h, stride, QImage.Format.Format_RGBX8888).copy()
            if self._dark:
                image = dark_page(image)
            image.setDevicePixelRatio(ratio)  # drawn at logical size, sharp on high-DPI screens
            self._cache[key] = image
            while len(self._cache) > CACHED_PAGES:
                self._cache.popitem(last=False)
        self._cache.move_to_end(key)
        return image

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self.viewport())
        painter.fillRect(self.viewport().rect(), self.palette().color(QPalette.ColorRole.Window))
        if self._doc is None:
            return
        height = self.viewport().height()
        for page in range(len(self._tops)):
            rect = self._page_rect(page)
            if rect.bottom() < 0 or rect.top() > height:
                continue
            painter.drawImage(rect.topLeft(), self._image(page))
            self._paint_marks(painter, page, rect)
        painter.end()

    def _paint_marks(self, painter: QPainter, page: int, rect: QRectF) -> None:
        scale = self._scale()
        highlight = self.palette().color(QPalette.ColorGroup.Active, QPalette.ColorRole.Highlight)
        for i, hit in enumerate(self._hits):
            if hit.page == page:
                colour = QColor(highlight) if i == self._current_hit else MATCH
                colour.setAlpha(120)
                self._fill(painter, rect, scale, self._doc.rects(page, hit.start, hit.length), colour)
        span = self._span_on(page)
        if span is not None:
            colour = QColor(highlight)
            colour.setAlpha(90)
            self._fill(painter, rect, scale, self._doc.rects(page, span[0], span[1] - span[0] + 1), colour)

    def _span_on(self, page: int) -> tuple[int, int] | None:
        """The selected characters of a page (first, last), or None."""
        chosen = self.selection_range()
        if chosen is None or not chosen[0][0] <= page <= chosen[1][0]:
            return None
        (first, lo), (last, hi) = chosen
        return (lo if page == first else 0, hi if page == last else self._doc.char_count(page) - 1)

    @staticmethod
    def _fill(painter: QPainter, rect: QRectF, scale: float, boxes, colour: QColor) -> None:
        for left, top, right, bottom in boxes:
            painter.fillRect(QRectF(rect.left() + left * scale, rect.top() + top * scale,
                                    (right - left) * scale, (bottom - top) * scale), colour)

    # --- find hits ---

    def set_hits(self, hits: list, current: int) -> None:
        self._hits, self._current_hit = hits, current
        if 0 <= current < len(hits):
            page = hits[current].page
            boxes = self._doc.rects(page, hits[current].start, hits[current].length)
            if boxes:
                top = self._tops[page] + boxes[0][1] * self._scale()
                bar = self.verticalScrollBar()
                if not bar.value() <= top <= bar.value() + self.viewport().height() - 40:
                    bar.setValue(int(top - self.viewport().height() / 3))
        self.viewport().update()

    # --- selection ---

    def _char_at(self, pos: QPointF) -> tuple[int, int]:
        """(page, character index) under a viewport position; (-1, -1) off the text."""
        scale = self._scale()
        for page in range(len(self._tops)):
            rect = self._page_rect(page)
            if rect.top() <= pos.y() <= rect.bottom():
                x, y = (pos.x() - rect.left()) / scale, (pos.y() - rect.top()) / scale
                return page, self._doc.char_at(page, x, y)
        return -1, -1

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        if self._doc is not None and event.button() == Qt.MouseButton.LeftButton:
            page, index = self._char_at(event.position())
            self._anchor = (page, index) if index >= 0 else None
            self._selection = None  # a click clears it; a drag makes one
            self.selection_changed.emit()
            self.viewport().update()
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        if self._anchor is not None and event.buttons() & Qt.MouseButton.LeftButton:
            self._drag_to(event.position())
            outside = not 0 <= event.position().y() <= self.viewport().height()
            self._drag_at = QPointF(event.position()) if outside else None
            if outside and not self._autoscroll.isActive():
                self._autoscroll.start()  # as long as the mouse is held there, not only while it moves
            elif not outside:
                self._autoscroll.stop()
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        self._autoscroll.stop()
        self._drag_at = None
        super().mouseReleaseEvent(event)

    def _drag_on(self) -> None:
        if self._drag_at is None:
            self._autoscroll.stop()
            return
        self._drag_to(self._drag_at)

    def _drag_to(self, pos: QPointF) -> None:
        """The selection runs to ``pos``; above or below the view, the view scrolls towards it first,
        so a selection can run on to the next page."""
        anchor = self._anchor
        if anchor is None:
            return
        bar, height = self.verticalScrollBar(), self.viewport().height()
        y = pos.y()
        if y < 0 or y > height:
            bar.setValue(bar.value() + int(y if y < 0 else y - height))
        page, index = self._char_at(QPointF(pos.x(), min(max(y, 0.0), float(height))))
        if index >= 0 and (anchor, (page, index)) != self._selection:  # off the text: as it was
            self._selection = (anchor, (page, index))
            self.selection_changed.emit()
            self.viewport().update()

    def select(self, page: int, start: int, end: int) -> None:
        """Selects characters start..end (inclusive) of a page, as a drag would."""
        self.select_range((page, start), (page, end))

    def select_range(self, start: Position, end: Position) -> None:
        """Selects from ``start`` to ``end`` ((page, character), both included), over pages."""
        self._anchor, self._selection = start, (start, end)
        self.selection_changed.emit()
        self.viewport().update()

    def has_selection(self) -> bool:
        return self._selection is not None and self._doc is not None

    def selection_range(self) -> tuple[Position, Position] | None:
        """The selection's first and last characters, in reading order; None without one."""
        if not self.has_selection():
            return None
        first, last = sorted(self._selection or ())
        return first, last

    def selected_text(self) -> str:
        """A short selection on one page, read here (for the find bar); "" otherwise: Copy and Copy
        Quotation read the text through the report worker."""
        chosen = self.selection_range()
        if chosen is None or chosen[0][0] != chosen[1][0] or chosen[1][1] - chosen[0][1] >= SELECTED_TEXT_MAX:
            return ""
        return self._doc.text_range(*chosen)
