"""The report's worker: the text of a selection, and find over the whole text, off the window's thread.

A selection can span many pages, and a page's text is read by PDFium the first time it is asked for;
Copy and Copy Quotation ask this worker and copy when ``text_ready(token, text)`` arrives, so the
window never waits on PDFium for them. The document is shared with the window's thread:
:data:`viewer.services.report_engine.PDFIUM_LOCK` makes the two take turns.

Find (the find bar's keystrokes) is asked with :meth:`ReportWorker.request_find`, which returns a
generation number; the worker searches page by page and answers ``found(generation, hits)``. Each
request makes the ones before it stale: the worker checks between pages and drops a search that a
newer one superseded, so typing fast never leaves a queue of old searches to run. Each page's text is
read once and kept (for the document searched last), so later searches do not ask PDFium again.
"""

from __future__ import annotations

import weakref
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

from viewer.services.workers import start_worker, stop_worker


class _Worker(QObject):
    text_ready = Signal(int, str)  # token, text
    found = Signal(int, object)  # generation, list of engine Hits

    def __init__(self) -> None:
        super().__init__()
        self.latest = 0  # the newest find's generation: written by the window's thread, read here
        self._doc: weakref.ref | None = None  # the document whose page texts are kept (not kept alive)
        self._texts: dict[int, tuple[str, str] | None] = {}  # page -> (text, lower case); None: ask PDFium

    @Slot(int, object, object, object)
    def read_text(self, token: int, doc: Any, start: tuple[int, int], end: tuple[int, int]) -> None:
        try:
            text = doc.text_range(start, end)
        except Exception:  # noqa: BLE001 - a damaged page reads as empty text, never a crash here
            text = ""
        self.text_ready.emit(token, text)

    @Slot(int, object, str, bool, int)
    def find(self, generation: int, doc: Any, needle: str, case_sensitive: bool, limit: int) -> None:
        if self._doc is None or self._doc() is not doc:
            self._doc, self._texts = weakref.ref(doc), {}
        hits: list = []
        for page in range(doc.page_count):
            if generation != self.latest:
                return  # superseded (or cancelled): a newer search, if any, is queued behind this one
            try:
                hits += self._find_on_page(doc, page, needle, case_sensitive)
            except Exception:  # noqa: BLE001 - a damaged page has no matches, never a crash here
                pass
            if len(hits) >= limit:
                break
        self.found.emit(generation, hits[:limit])

    def _find_on_page(self, doc: Any, page: int, needle: str, case_sensitive: bool) -> list:
        if page not in self._texts:
            text = doc.page_text(page)
            # Python's indices are PDFium's character indices only when the two agree on the length.
            same = len(text) == doc.char_count(page) and len(text.lower()) == len(text)
            self._texts[page] = (text, text.lower()) if same and not doc.closed else None
        texts = self._texts[page]
        folded = needle if case_sensitive else needle.lower()
        if texts is None or len(folded) != len(needle):
            return doc.find_on_page(page, needle, case_sensitive)
        from viewer.services.report_engine import Hit  # the engine is loaded: doc is one of its documents
        haystack = texts[0] if case_sensitive else texts[1]
        hits, at = [], haystack.find(folded)
        while at >= 0:
            hits.append(Hit(page, at, len(needle)))
            at = haystack.find(folded, at + len(needle))
        return hits


class ReportWorker(QObject):
    """Asks the worker thread (started on first use) for text and finds; answers with ``text_ready``
    and ``found``."""

    text_ready = Signal(int, str)  # the token request_text() returned, the text
    found = Signal(int, object)  # the generation request_find() returned, the engine's Hits
    _read = Signal(int, object, object, object)
    _find = Signal(int, object, str, bool, int)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thread: QThread | None = None
        self._worker: _Worker | None = None
        self._token = 0
        self._generation = 0

    @property
    def worker_thread(self) -> QThread | None:
        """The worker's thread once a request needed it."""
        return self._thread

    def _started(self) -> _Worker:
        if self._worker is None or self._thread is None:
            self._worker = _Worker()
            self._read.connect(self._worker.read_text)
            self._find.connect(self._worker.find)
            self._worker.text_ready.connect(self.text_ready)
            self._worker.found.connect(self.found)
            self._thread = start_worker(self, self._worker, "pdfium", self.shutdown)
        return self._worker

    def request_text(self, doc: Any, start: tuple[int, int], end: tuple[int, int]) -> int:
        """The text from ``start`` to ``end`` ((page, char), both included) of ``doc``, read in the
        worker; returns the token its ``text_ready`` will carry."""
        self._started()
        self._token += 1
        self._read.emit(self._token, doc, start, end)
        return self._token

    def request_find(self, doc: Any, needle: str, case_sensitive: bool, limit: int) -> int:
        """Every match of ``needle`` in ``doc`` (at most ``limit``), found in the worker; returns the
        generation its ``found`` will carry. Any earlier find is superseded: it never answers."""
        worker = self._started()
        self._generation += 1
        worker.latest = self._generation
        self._find.emit(self._generation, doc, needle, case_sensitive, limit)
        return self._generation

    def cancel_find(self) -> None:
        """The find under way (if any) stops at the next page and never answers."""
        self._generation += 1
        if self._worker is not None:
            self._worker.latest = self._generation

    def shutdown(self) -> None:
        self.cancel_find()
        stop_worker(self._thread)
        self._thread = None
