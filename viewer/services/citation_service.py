"""Citations for the window without ever blocking it.

Bundled records have stored citeproc-js output (:mod:`viewer.citeproc.citation`): served at once. Any
other record is rendered by citeproc-js in a QuickJS engine that lives in one worker thread, warmed
after the window is shown; results are kept on disk per record item and style, so the next
launch serves them at once too.

Bibliographies of several records (:meth:`CitationService.request_bibliography`) go the same
way: rendered in the same worker (the first one in a sorting style builds that style's sorted
processor: seconds, see :mod:`viewer.citeproc.engine`), kept in memory per set of records and style (the last few of them) and
on disk, and answered by ``bibliography_ready(token, Citation)``, always after the request has returned, with the token the request returned.

The cache, in memory and on disk, is :mod:`viewer.services.citation_cache` (bounded both ways).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot

from viewer.citeproc import citation
from viewer.citeproc.citation import Citation
from viewer.core.csl_item import csl_item
from viewer.core.record import Record
from viewer.services.citation_cache import CitationCache
from viewer.services.workers import start_worker, stop_worker

if TYPE_CHECKING:
    from viewer.citeproc.engine import CslEngine

# Bump when the engine's output for the same item and style may change (citeproc-js, driver).
CACHE_VERSION = "citeproc-2.4.63/2"  # 2: no display <div> inside an entry
# Bump when a bibliography's form (entries, their order, joining) may change.
BIBLIOGRAPHY_CACHE_VERSION = "bibliography/1"


def _bibliography_token(items: list[dict[str, Any]], style_id: str) -> str:
    blob = json.dumps([CACHE_VERSION, BIBLIOGRAPHY_CACHE_VERSION, style_id, items], sort_keys=True, ensure_ascii=False)
    return "bib-" + hashlib.sha256(blob.encode("utf-8")).hexdigest()


class _Worker(QObject):
    """Lives in the worker thread; owns that thread's citeproc-js engine, made on first use and
    kept for every later render (with the styles built in it)."""

    done = Signal(str, str, object)  # cache key, style id, entry
    failed = Signal(str, str, str)  # cache key, style id, message
    bibliography_done = Signal(str, object)  # token, csl_engine.render_bibliography's answer
    bibliography_failed = Signal(str, str)  # token, message

    def __init__(self) -> None:
        super().__init__()
        self._engine: CslEngine | None = None

    def engine(self) -> CslEngine:
        """The engine, made here in the worker thread the first time (it must stay in that thread)."""
        from viewer.citeproc import engine as csl_engine

        if self._engine is None:
            self._engine = csl_engine.CslEngine()
        return self._engine

    @Slot(str, str, object)
    def render(self, key: str, style_id: str, item: dict[str, Any]) -> None:
        from viewer.citeproc import engine as csl_engine

        try:
            self.done.emit(key, style_id, csl_engine.render_item(item, style_id, engine=self.engine()))
        except Exception as exc:  # noqa: BLE001 - any engine failure is reported, never raised here
            self.failed.emit(key, style_id, str(exc))

    @Slot(str, str, object)
    def render_bibliography(self, token: str, style_id: str, items: list[dict[str, Any]]) -> None:
        from viewer.citeproc import engine as csl_engine

        try:
            self.bibliography_done.emit(token, csl_engine.render_bibliography(items, style_id, engine=self.engine()))
        except Exception as exc:  # noqa: BLE001 - any engine failure is reported, never raised here
            self.bibliography_failed.emit(token, f"{citation.style(style_id).name}: {exc}")

    @Slot(str, bool)
    def warm(self, style_id: str) -> None:
        try:
            self.engine().build(style_id)
        except Exception:  # noqa: BLE001 - warming is best effort; a real render reports errors
            pass


class CitationService(QObject):
    ready = Signal(str, str)  # record id, style id: lookup() now answers
    failed = Signal(str, str, str)  # record id, style id, message
    bibliography_ready = Signal(str, object)  # token from request_bibliography(), Citation
    bibliography_failed = Signal(str, str)  # token from request_bibliography(), message
    _render = Signal(str, str, object)
    _render_bibliography = Signal(str, str, object)
    _warm = Signal(str)  # style id
    _deliver = Signal(str, object)  # queued to self: a bibliography at hand, answered after the request

    def __init__(self, cache_dir: Path | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._cache = CitationCache(cache_dir)
        self._pending: dict[str, tuple[str, str]] = {}  # key -> (record id, style id)
        self._pending_bibliographies: set[str] = set()
        self._thread: QThread | None = None
        self._worker: _Worker | None = None
        self._deliver.connect(self.bibliography_ready, Qt.ConnectionType.QueuedConnection)

    def _start(self) -> None:
        if self._thread is not None:
            return
        self._worker = _Worker()
        self._render.connect(self._worker.render)
        self._render_bibliography.connect(self._worker.render_bibliography)
        self._warm.connect(self._worker.warm)
        self._worker.done.connect(self._done)
        self._worker.failed.connect(self._failed)
        self._worker.bibliography_done.connect(self._bibliography_done)
        self._worker.bibliography_failed.connect(self._bibliography_failed)
        self._thread = start_worker(self, self._worker, "citeproc", self.shutdown)

    @property
    def worker_thread(self) -> QThread | None:
        """The worker's thread once a render needed it; None while everything was at hand."""
        return self._thread

    def shutdown(self) -> None:
        stop_worker(self._thread)
        self._thread = None

    @staticmethod
    def _key(item: dict[str, Any], style_id: str) -> str:
        blob = json.dumps([CACHE_VERSION, style_id, item], sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()

    def lookup(self, record: Record, style_id: str) -> dict[str, Any] | None:
        """The entry if it is at hand (stored, in memory or on disk), else None: call request()."""
        entry = citation.stored_entry(record, style_id)
        if entry is not None:
            return entry
        return self._cache.entry(self._key(csl_item(record, style_id), style_id))

    def request(self, record: Record, style_id: str) -> None:
        """Renders in the worker; ready(record.id, style_id) follows (failed() on an error)."""
        item = csl_item(record, style_id)
        key = self._key(item, style_id)
        if key in self._pending:
            return
        self._pending[key] = (record.id, style_id)
        self._start()
        self._render.emit(key, style_id, item)

    def warm(self, style_id: str) -> None:
        """Builds the style's engine in the background, so a later request is quick."""
        self._start()
        self._warm.emit(style_id)

    # --- bibliographies of several records ---

    @staticmethod
    def bibliography_token(records: Iterable[Record], style_id: str) -> str:
        """The token of a bibliography: the same records, in the same order, and style give the same one."""
        citation.style(style_id)
        return _bibliography_token(citation.bibliography_items(records, style_id), style_id)

    def lookup_bibliography(self, records: Iterable[Record], style_id: str) -> Citation | None:
        """The bibliography if it is at hand (memory, disk, or one record's entry), else None."""
        citation.style(style_id)
        chosen = citation.unique_records(records)
        return self._lookup_bibliography(chosen, citation.bibliography_items(chosen, style_id), style_id)

    def _lookup_bibliography(self, chosen: list[Record], items: list[dict[str, Any]], style_id: str) -> Citation | None:
        if not chosen:
            raise citation.CitationError("a bibliography needs at least one record")
        if len(chosen) == 1:
            entry = self.lookup(chosen[0], style_id)
            if entry is not None:
                return citation.bibliography_of_one(entry)
        result = self._cache.bibliography(_bibliography_token(items, style_id))
        return citation.from_bibliography(result) if result is not None else None

    def request_bibliography(self, records: Iterable[Record], style_id: str) -> str:
        """One bibliography of ``records`` in ``style_id``, without blocking; returns its token.

        ``bibliography_ready(token, Citation)`` follows, always after this returns (through the
        event loop even when the bibliography is at hand), or ``bibliography_failed(token,
        message)``. Records in the order they are cited (see :func:`viewer.citeproc.citation.bibliography`);
        an unknown style or no records raise here, at once.
        """
        citation.style(style_id)
        chosen = citation.unique_records(records)
        items = citation.bibliography_items(chosen, style_id)
        at_hand = self._lookup_bibliography(chosen, items, style_id)
        token = _bibliography_token(items, style_id)
        if at_hand is not None:
            self._deliver.emit(token, at_hand)
            return token
        if token not in self._pending_bibliographies:
            self._pending_bibliographies.add(token)
            self._start()
            self._render_bibliography.emit(token, style_id, items)
        return token

    def _bibliography_done(self, token: str, result: dict[str, Any]) -> None:
        self._cache.put_bibliography(token, result)
        self._pending_bibliographies.discard(token)
        self.bibliography_ready.emit(token, citation.from_bibliography(result))

    def _bibliography_failed(self, token: str, message: str) -> None:
        self._pending_bibliographies.discard(token)
        self.bibliography_failed.emit(token, message)

    # --- single records ---

    def _done(self, key: str, style_id: str, entry: dict[str, Any]) -> None:
        self._cache.put_entry(key, entry)
        record_id, _ = self._pending.pop(key, ("", style_id))
        self.ready.emit(record_id, style_id)

    def _failed(self, key: str, style_id: str, message: str) -> None:
        record_id, _ = self._pending.pop(key, ("", style_id))
        self.failed.emit(record_id, style_id, message)
