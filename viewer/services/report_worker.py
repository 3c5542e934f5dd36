"""The report's worker: the text of a selection read off the window's thread.

A selection can span many pages, and a page's text is read by PDFium the first time it is asked for;
Copy and Copy Quotation ask this worker and copy when ``text_ready(token, text)`` arrives, so the
window never waits on PDFium for them. The document is shared with the window's thread:
:data:`viewer.services.report_engine.PDFIUM_LOCK` makes the two take turns.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

from viewer.services.workers import start_worker, stop_worker


class _Worker(QObject):
    text_ready = Signal(int, str)  # token, text

    @Slot(int, object, object, object)
    def read_text(self, token: int, doc: Any, start: tuple[int, int], end: tuple[int, int]) -> None:
        try:
            text = doc.text_range(start, end)
        except Exception:  # noqa: BLE001 - a damaged page reads as empty text, never a crash here
            text = ""
        self.text_ready.emit(token, text)


class ReportWorker(QObject):
    """Asks the worker thread (started on first use) for text; answers with ``text_ready``."""

    text_ready = Signal(int, str)  # the token request_text() returned, the text
    _read = Signal(int, object, object, object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thread: QThread | None = None
        self._worker: _Worker | None = None
        self._token = 0

    @property
    def worker_thread(self) -> QThread | None:
        """The worker's thread once a request needed it."""
        return self._thread

    def request_text(self, doc: Any, start: tuple[int, int], end: tuple[int, int]) -> int:
        """The text from ``start`` to ``end`` ((page, char), both included) of ``doc``, read in the
        worker; returns the token its ``text_ready`` will carry."""
        if self._thread is None:
            self._worker = _Worker()
            self._read.connect(self._worker.read_text)
            self._worker.text_ready.connect(self.text_ready)
            self._thread = start_worker(self, self._worker, "pdfium", self.shutdown)
        self._token += 1
        self._read.emit(self._token, doc, start, end)
        return self._token

    def shutdown(self) -> None:
        stop_worker(self._thread)
        self._thread = None
