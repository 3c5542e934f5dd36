"""Citations for the window without ever blocking it.

Bundled records have stored citeproc-js output (:mod:`viewer.citeproc.citation`): served at once. Any
other record is rendered by citeproc-js in a QuickJS engine that lives in one worker thread, warmed
after the window is shown; results are kept on disk per record item and style, so the next
launch serves them at once too.

Bibliographies of several records (:meth:`CitationService.request_bibliography`) go the same
way: rendered in the same worker (the first one in a sorting style builds that style's sorted
processor: seconds, see :mod:`viewer.citeproc.engine`; :meth:`CitationService.warm_bibliography`
starts that early), kept in memory per set of records and style (the last
``BIBLIOGRAPHY_MEMORY`` of them) and on disk, and answered by ``bibliography_ready(token,
Citation)``, always after the request has returned, with the token the request returned.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import OrderedDict
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot

from viewer.citeproc import citation
from viewer.citeproc.citation import Citation
from viewer.core.csl_item import csl_item
from viewer.core.record import Record
from viewer.services.workers import start_worker, stop_worker

if TYPE_CHECKING:
    from viewer.citeproc.engine import CslEngine

# Bump when the engine's output for the same item and style may change (citeproc-js, driver).
CACHE_VERSION = "citeproc-2.4.63/2"  # 2: no display <div> inside an entry
# Bump when a bibliography's form (entries, their order, joining) may change.
BIBLIOGRAPHY_CACHE_VERSION = "bibliography/1"
BIBLIOGRAPHY_MEMORY = 16  # bibliographies kept in memory (each may hold thousands of entries)


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
    def warm(self, style_id: str, bibliography: bool) -> None:
        try:
            engine = self.engine()
            (engine.build_bibliography if bibliography else engine.build)(style_id)
        except Exception:  # noqa: BLE001 - warming is best effort; a real render reports errors
            pass


class CitationService(QObject):
    ready = Signal(str, str)  # record id, style id: lookup() now answers
    failed = Signal(str, str, str)  # record id, style id, message
    bibliography_ready = Signal(str, object)  # token from request_bibliography(), Citation
    bibliography_failed = Signal(str, str)  # token from request_bibliography(), message
    _render = Signal(str, str, object)
    _render_bibliography = Signal(str, str, object)
    _warm = Signal(str, bool)  # style id, for bibliographies of several records
    _deliver = Signal(str, object)  # queued to self: a bibliography at hand, answered after the request

    def __init__(self, cache_dir: Path | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._cache_dir = cache_dir
        self._memory: dict[str, dict[str, Any]] = {}
        self._pending: dict[str, tuple[str, str]] = {}  # key -> (record id, style id)
        self._bibliographies: OrderedDict[str, Citation] = OrderedDict()  # token -> bibliography
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
        key = self._key(csl_item(record, style_id), style_id)
        if key in self._memory:
            return self._memory[key]
        entry = self._read_disk(key)
        if entry is not None:
            self._memory[key] = entry
        return entry

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
        self._warm.emit(style_id, False)

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
        token = _bibliography_token(items, style_id)
        found = self._bibliographies.get(token)
        if found is None:
            result = self._read_disk_bibliography(token)
            if result is None:
                return None
            found = citation.from_bibliography(result)
        self._remember_bibliography(token, found)
        return found

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

    def warm_bibliography(self, style_id: str) -> None:
        """Builds what a bibliography of several records in the style needs, in the background."""
        self._start()
        self._warm.emit(style_id, True)

    def _bibliography_done(self, token: str, result: dict[str, Any]) -> None:
        found = citation.from_bibliography(result)
        self._remember_bibliography(token, found)
        self._write_disk(token, {key: result[key] for key in ("text", "html", "entries")})
        self._pending_bibliographies.discard(token)
        self.bibliography_ready.emit(token, found)

    def _bibliography_failed(self, token: str, message: str) -> None:
        self._pending_bibliographies.discard(token)
        self.bibliography_failed.emit(token, message)

    def _remember_bibliography(self, token: str, found: Citation) -> None:
        self._bibliographies[token] = found
        self._bibliographies.move_to_end(token)
        while len(self._bibliographies) > BIBLIOGRAPHY_MEMORY:
            self._bibliographies.popitem(last=False)

    # --- single records ---

    def _done(self, key: str, style_id: str, entry: dict[str, Any]) -> None:
        self._memory[key] = entry
        self._write_disk(key, entry)
        record_id, _ = self._pending.pop(key, ("", style_id))
        self.ready.emit(record_id, style_id)

    def _failed(self, key: str, style_id: str, message: str) -> None:
        record_id, _ = self._pending.pop(key, ("", style_id))
        self.failed.emit(record_id, style_id, message)

    # --- disk cache: one small JSON file per item and style; damage is a miss, never an error ---

    def _path(self, key: str) -> Path | None:
        return self._cache_dir / f"{key}.json" if self._cache_dir else None

    def _read_json(self, key: str) -> Any:
        path = self._path(key)
        try:
            return json.loads(path.read_text(encoding="utf-8")) if path else None
        except (OSError, ValueError):
            return None

    def _read_disk_bibliography(self, token: str) -> dict[str, Any] | None:
        result = self._read_json(token)
        ok = (isinstance(result, dict) and isinstance(result.get("text"), str)
              and isinstance(result.get("html"), str) and isinstance(result.get("entries"), list))
        return result if ok else None

    def _read_disk(self, key: str) -> dict[str, Any] | None:
        entry = self._read_json(key)
        ok = isinstance(entry, dict) and all(
            isinstance(entry.get(part), dict) and isinstance(entry[part].get("text"), str)
            and isinstance(entry[part].get("html"), str) for part in ("bibliography", "citation"))
        return entry if ok else None

    def _write_disk(self, key: str, entry: dict[str, Any]) -> None:
        path = self._path(key)
        if path is None:
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            temp = path.with_suffix(f".part-{os.getpid()}")
            temp.write_text(json.dumps(entry, ensure_ascii=False), encoding="utf-8")
            os.replace(temp, path)
        except OSError:
            pass  # a cache that cannot be written only costs a render next time
