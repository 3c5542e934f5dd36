"""Citations for the window without ever blocking it.

Bundled records have stored citeproc-js output (:mod:`viewer.citation`): served at once. Any
other record is rendered by citeproc-js in a QJSEngine that lives in one worker thread, warmed
after the window is shown; results are kept on disk per record item and style, so the next
launch serves them at once too.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QThread, Signal, Slot

from viewer import citation
from viewer.csl_item import csl_item
from viewer.record import Record

# Bump when the engine's output for the same item and style may change (citeproc-js, driver).
CACHE_VERSION = "citeproc-2.4.63/1"


class _Worker(QObject):
    """Lives in the worker thread; owns that thread's citeproc-js engine."""

    done = Signal(str, str, object)  # cache key, style id, entry
    failed = Signal(str, str, str)  # cache key, style id, message

    @Slot(str, str, object)
    def render(self, key: str, style_id: str, item: dict[str, Any]) -> None:
        from viewer import csl_engine

        try:
            self.done.emit(key, style_id, csl_engine.render_item(item, style_id))
        except Exception as exc:  # noqa: BLE001 - any engine failure is reported, never raised here
            self.failed.emit(key, style_id, str(exc))

    @Slot(str)
    def warm(self, style_id: str) -> None:
        from viewer import csl_engine

        try:
            csl_engine.engine_for_this_thread().build(style_id)
        except Exception:  # noqa: BLE001 - warming is best effort; a real render reports errors
            pass


class CitationService(QObject):
    ready = Signal(str, str)  # record id, style id: lookup() now answers
    failed = Signal(str, str, str)  # record id, style id, message
    _render = Signal(str, str, object)
    _warm = Signal(str)

    def __init__(self, cache_dir: Path | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._cache_dir = cache_dir
        self._memory: dict[str, dict[str, Any]] = {}
        self._pending: dict[str, tuple[str, str]] = {}  # key -> (record id, style id)
        self._thread: QThread | None = None
        self._worker: _Worker | None = None

    def _start(self) -> None:
        if self._thread is not None:
            return
        self._thread = QThread(self)
        self._thread.setObjectName("citeproc")
        self._worker = _Worker()
        self._worker.moveToThread(self._thread)
        self._thread.finished.connect(self._worker.deleteLater)
        self._render.connect(self._worker.render)
        self._warm.connect(self._worker.warm)
        self._worker.done.connect(self._done)
        self._worker.failed.connect(self._failed)
        self._thread.start()
        # A running QThread must never be destroyed: stop it when the application ends.
        QCoreApplication.instance().aboutToQuit.connect(self.shutdown)

    def shutdown(self) -> None:
        if self._thread is not None:
            self._thread.quit()
            self._thread.wait()
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
        self._warm.emit(style_id)

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

    def _read_disk(self, key: str) -> dict[str, Any] | None:
        path = self._path(key)
        try:
            entry = json.loads(path.read_text(encoding="utf-8")) if path else None
        except (OSError, ValueError):
            return None
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
