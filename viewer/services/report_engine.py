"""The PDF engine behind attached reports: PDFium through pypdfium2, behind a small interface.

Chosen by measurement (scripts/bench_pdf.py, README "Reading the report"): as fast as QtPdf to the
first page, find twice as fast, about the same bytes in the executable, and no QtNetwork or Kerberos
brought back; it needs no QApplication, so ``sections`` and ``show`` read reports without a display.
Imported only when a report is opened or attached, never at start-up.

Hostile files: PDFium here is built without JavaScript (V8) and XFA, forms are never initialised,
links are never followed (the viewer reads text and pixels only); outlines are walked with a seen-set
and caps, page counts are capped.

PDFium is not thread-safe, not even across documents: every call into it here holds ``PDFIUM_LOCK``,
so the window's thread (pixels, hit-testing, the rectangles of a highlight) and the report worker
(the text of a selection, and find: :mod:`viewer.services.report_worker`) take turns; a closed document answers as an empty one.
"""

from __future__ import annotations

import ctypes
import functools
import threading
from pathlib import Path
from typing import NamedTuple

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from viewer.core.reports import ReportError, ReportNode, page_nodes

MAX_PAGES = 100_000
MAX_BOOKMARKS = 10_000
MAX_DEPTH = 12
MAX_TITLE = 300

PDFIUM_LOCK = threading.RLock()

Position = tuple[int, int]  # (page, character index), both 0-based


class Hit(NamedTuple):
    """A match of find (a tuple: thousands are made per search, cheap for the garbage collector)."""

    page: int
    start: int  # character index on the page
    length: int


def _locked(method):
    @functools.wraps(method)
    def call(self, *args, **kwargs):
        with PDFIUM_LOCK:
            return method(self, *args, **kwargs)
    return call


def _open(source: bytes | Path | str) -> pdfium.PdfDocument:
    try:
        doc = pdfium.PdfDocument(source if isinstance(source, bytes) else str(source))
    except pdfium.PdfiumError as exc:
        text = str(exc)
        if "password" in text.lower():
            raise ReportError("needs a password to be read") from None
        raise ReportError(f"cannot be read as a PDF ({text.split('(PDFium: ')[-1].rstrip(').')})") from None
    count = len(doc)
    if not 0 < count <= MAX_PAGES:
        doc.close()
        raise ReportError(f"has {count} pages (a report has 1 to {MAX_PAGES})")
    return doc


def check(data: bytes) -> None:
    """Raises ReportError unless the engine opens the bytes (no password) and reads their first page."""
    with PDFIUM_LOCK:
        _check(data)


def _check(data: bytes) -> None:
    doc = _open(data)
    try:
        doc[0].get_size()
    except pdfium.PdfiumError:
        raise ReportError("cannot be read as a PDF (its first page is damaged)") from None
    finally:
        doc.close()


BLANK_PAGE = (612.0, 792.0)  # US Letter in points: the size shown for a page that cannot be read


class ReportDocument:
    """An open report: pages, their text, the outline, find, and pixels."""

    def __init__(self, source: bytes | Path | str) -> None:
        # Read into memory: the file in the library can be detached (removed) while it is shown.
        self._data = source if isinstance(source, bytes) else Path(source).read_bytes()
        with PDFIUM_LOCK:
            self._doc = _open(self._data)
            self.page_count = len(self._doc)
        self._text: dict[int, pdfium.PdfTextPage] = {}
        self._pages: dict[int, pdfium.PdfPage] = {}
        self.closed = False

    @_locked
    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        for child in [*self._text.values(), *self._pages.values()]:
            child.close()  # children before their document, as PDFium wants
        self._text.clear()
        self._pages.clear()
        self._doc.close()

    @_locked
    def page_size(self, page: int) -> tuple[float, float]:
        """Width and height in points (a page that cannot be read: US Letter, blank)."""
        if self.closed:
            return BLANK_PAGE
        try:
            return self._page(page).get_size()
        except pdfium.PdfiumError:
            return BLANK_PAGE

    def _page(self, page: int) -> pdfium.PdfPage:
        """The page; PdfiumError when it is damaged (every public method then answers as for an
        empty page: a damaged page never takes the report, or the window, down)."""
        if page not in self._pages:
            self._pages[page] = self._doc[page]
        return self._pages[page]

    def _textpage(self, page: int) -> pdfium.PdfTextPage | None:
        if self.closed:
            return None
        if page not in self._text:
            try:
                self._text[page] = self._page(page).get_textpage()
            except pdfium.PdfiumError:
                return None
        return self._text[page]

    # --- outline ---

    @_locked
    def outline(self) -> tuple[ReportNode, ...]:
        """The bookmarks that lead to a page (loops cut, depth and count capped); one node per
        page when there are none."""
        budget = [MAX_BOOKMARKS]
        nodes = self._bookmarks(None, 0, set(), budget)
        return nodes or page_nodes(self.page_count)

    def _bookmarks(self, parent, depth: int, seen: set[int], budget: list[int]) -> tuple[ReportNode, ...]:
        nodes = []
        ptr = pdfium_c.FPDFBookmark_GetFirstChild(self._doc, parent)
        while ptr and budget[0] > 0:
            address = ctypes.addressof(ptr.contents)
            if address in seen:
                break  # a loop: the outline ends where it comes back
            seen.add(address)
            budget[0] -= 1
            mark = pdfium.PdfBookmark(ptr, self._doc, depth)
            children = self._bookmarks(ptr, depth + 1, seen, budget) if depth + 1 < MAX_DEPTH else ()
            page = self._target(mark)
            title = " ".join((mark.get_title() or "").split())[:MAX_TITLE]
            if page is not None and title:
                nodes.append(ReportNode(title, page, children))
            elif children:
                nodes.extend(children)  # a bookmark that leads nowhere: its children move up
            ptr = pdfium_c.FPDFBookmark_GetNextSibling(self._doc, ptr)
        return tuple(nodes)

    def _target(self, mark: pdfium.PdfBookmark) -> int | None:
        dest = mark.get_dest()
        index = dest.get_index() if dest is not None else None
        return index if index is not None and 0 <= index < self.page_count else None

    # --- text ---

    @_locked
    def page_text(self, page: int) -> str:
        text = self._textpage(page)
        return text.get_text_range() if text is not None else ""

    @_locked
    def char_count(self, page: int) -> int:
        text = self._textpage(page)
        return text.count_chars() if text is not None else 0

    @_locked
    def text_between(self, page: int, start: int, end: int) -> str:
        lo, hi = sorted((start, end))
        text = self._textpage(page)
        return text.get_text_range(lo, hi - lo) if hi > lo and text is not None else ""

    @_locked
    def text_range(self, start: Position, end: Position) -> str:
        """The text from ``start`` to ``end`` (both characters included), over as many pages as
        they span, its white space made single spaces."""
        (first, lo), (last, hi) = sorted((start, end))
        parts = []
        for page in range(first, last + 1):
            begin = lo if page == first else 0
            stop = hi + 1 if page == last else self.char_count(page)
            parts.append(self.text_between(page, begin, stop))
        return " ".join(" ".join(parts).split())

    @_locked
    def char_at(self, page: int, x: float, y: float, tolerance: float = 8.0) -> int:
        """The index of the character at (x, y) in page points, origin top-left; -1 for none."""
        height = self.page_size(page)[1]
        text = self._textpage(page)
        index = text.get_index(x, height - y, tolerance, tolerance) if text is not None else None
        return -1 if index is None else index

    @_locked
    def rects(self, page: int, start: int, length: int) -> list[tuple[float, float, float, float]]:
        """The text's rectangles as (left, top, right, bottom) in points, origin top-left."""
        text = self._textpage(page)
        if text is None:
            return []
        height = self.page_size(page)[1]
        count = text.count_rects(start, length)
        return [(l, height - t, r, height - b) for l, b, r, t in (text.get_rect(i) for i in range(count))]

    @_locked
    def find_on_page(self, page: int, term: str, case_sensitive: bool = False) -> list[Hit]:
        text = self._textpage(page)
        if not term or text is None:
            return []
        searcher = text.search(term, match_case=case_sensitive)
        hits = []
        while (found := searcher.get_next()) is not None:
            hits.append(Hit(page, found[0], found[1]))
        return hits

    # --- pixels ---

    @_locked
    def render(self, page: int, scale: float) -> tuple[bytes, int, int, int]:
        """The page as RGBX bytes at ``scale`` pixels a point: (data, width, height, stride)."""
        try:
            if self.closed:
                raise pdfium.PdfiumError("closed")
            bitmap = self._page(page).render(scale=scale, rev_byteorder=True, prefer_bgrx=True,
                                             may_draw_forms=False)
        except pdfium.PdfiumError:  # a damaged page shows blank
            width, height = (max(1, round(side * scale)) for side in BLANK_PAGE)
            return b"\xff" * (width * 4 * height), width, height, width * 4
        return bytes(bitmap.buffer), bitmap.width, bitmap.height, bitmap.stride
