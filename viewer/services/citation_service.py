"""Citations for the window without ever blocking it.

Bundled records have stored citeproc-js output (:mod:`viewer.citeproc.citation`): served at once. Any
other record is rendered by citeproc-js in a QuickJS engine that lives in one worker thread, warmed
after the window is shown; results are kept on disk per record item and style, so the next
launch serves them at once too.

Bibliographies of several records (:meth:`CitationService.request_bibliography`) go the same
way: rendered in the same worker (the first one in a sorting style builds that style's sorted
processor: seconds, see :mod:`viewer.citeproc.engine`; :meth:`CitationService.warm_bibliography`,
which the window calls once several records are selected, starts that early and gives way to any
request), kept in memory per set of records and style (the last few of them) and on disk, and
answered by ``bibliography_ready(token, Citation)``, always after the request has returned, with
the token the request returned.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
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
CACHE_VERSION = "citeproc-2.4.63/3"  # 2: no display <div> inside an entry; 3: locale and user style in the key
# Bump when a bibliography's form (entries, their order, joining) may change.
BIBLIOGRAPHY_CACHE_VERSION = "bibliography/1"


def _sha256(text: str) -> str:
    import hashlib  # on use: it loads OpenSSL (3 MB resident), which the window's start does not need

    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _bibliography_token(items: list[dict[str, Any]], style_id: str, locale: str | None = None,
                        style_hash: str = "") -> str:
    blob = json.dumps([CACHE_VERSION, BIBLIOGRAPHY_CACHE_VERSION, style_id, locale or "", style_hash, items],
                      sort_keys=True, ensure_ascii=False)
    return "bib-" + _sha256(blob)


def user_style_hash(style_id: str, user_styles: Path | None) -> str:
    """A hash of a user style's XML (its file may be replaced under the same id); "" for a bundled style."""
    if user_styles is None or style_id in citation.style_ids():
        return ""
    from viewer.citeproc import style_repo

    try:
        if not style_repo.style_info(style_id, user_styles).user:
            return ""
        return _sha256(style_repo.style_xml(style_id, user_styles))[:16]
    except (style_repo.StyleError, OSError):
        return ""


class _Worker(QObject):
    """Lives in the worker thread; owns that thread's citeproc-js engine, made on first use and
    kept for every later render (with the styles built in it)."""

    done = Signal(str, str, object)  # cache key, style id, entry
    failed = Signal(str, str, str)  # cache key, style id, message
    bibliography_done = Signal(str, object)  # token, csl_engine.render_bibliography's answer
    bibliography_failed = Signal(str, str)  # token, message
    bibliography_progress = Signal(str, int, int)  # token, done, total
    warmed = Signal(object, bool)  # target, whether its bibliography processor is built (False: stopped or failed)

    def __init__(self, cancelled: set[str], warming: list[int]) -> None:
        super().__init__()
        self._engine: CslEngine | None = None
        self._cancelled = cancelled  # tokens the service cancelled (a set: one atomic look-up under the GIL)
        self._warming = warming  # [generation]: a warm asked for in an older one stops at its next ask
        self._user_hashes: dict[str, str] = {}  # user style id -> hash of the XML its processors were built from

    def engine(self, target: _Target | None = None) -> CslEngine:
        """The engine, made here in the worker thread the first time (it must stay in that thread).

        A user style replaced under the same id needs its processors built again: a new engine."""
        from viewer.citeproc import engine as csl_engine

        if target is not None and target.style_hash:
            if self._user_hashes.setdefault(target.style_id, target.style_hash) != target.style_hash:
                self._engine = None
                self._user_hashes = {target.style_id: target.style_hash}
        if self._engine is None:
            self._engine = csl_engine.CslEngine()
        if target is not None:
            self._engine.user_styles = target.user_styles
        return self._engine

    @Slot(str, object, object)
    def render(self, key: str, target: _Target, item: dict[str, Any]) -> None:
        from viewer.citeproc import engine as csl_engine

        try:
            entry = csl_engine.render_item(item, target.style_id, engine=self.engine(target), locale=target.locale,
                                           cite=dict(target.cite) or None)
            self.done.emit(key, target.style_id, entry)
        except Exception as exc:  # noqa: BLE001 - any engine failure is reported, never raised here
            self.failed.emit(key, target.style_id, str(exc))

    @Slot(str, object, object)
    def render_bibliography(self, token: str, target: _Target, items: list[dict[str, Any]]) -> None:
        from viewer.citeproc import engine as csl_engine

        def progress(done: int, total: int) -> bool:
            self.bibliography_progress.emit(token, done, total)
            return token not in self._cancelled

        try:
            self.bibliography_done.emit(token, csl_engine.render_bibliography(
                items, target.style_id, engine=self.engine(target), locale=target.locale, progress=progress))
        except Exception as exc:  # noqa: BLE001 - any engine failure is reported, never raised here
            name = citation.style(target.style_id, target.user_styles).name
            self.bibliography_failed.emit(token, f"{name}: {exc}")
        finally:
            self._cancelled.discard(token)

    @Slot(object, bool, int)
    def warm(self, target: _Target, bibliography: bool, generation: int) -> None:
        built = False
        try:
            engine = self.engine(target)
            if bibliography:  # seconds: stopped by any request of the user (see CitationService.warm_bibliography)
                engine.prepare_bibliography(target.style_id, target.locale,
                                            progress=lambda done, total: self._warming[0] == generation)
            else:
                engine.build(target.style_id, locale=target.locale)
            built = True
        except Exception:  # noqa: BLE001 - warming is best effort; a real render reports errors
            pass
        if bibliography:
            self.warmed.emit(target, built)


@dataclass(frozen=True)
class _Target:
    """What a render needs beyond the item: the style, the locale (None: the style's), the user's style folder."""

    style_id: str
    locale: str | None
    user_styles: Path | None
    style_hash: str  # of a user style's XML, else ""
    cite: tuple[tuple[str, str], ...] = ()  # CSL's cite beside the item: (("locator", "3-4"), ("label", "page"))


class CitationService(QObject):
    """``locale`` arguments: a bundled locale id, or None for the style's default-locale.
    ``user_styles``: the folder of the user's own styles (see style_repo.add_user_style)."""

    ready = Signal(str, str)  # record id, style id: lookup() now answers
    failed = Signal(str, str, str)  # record id, style id, message
    bibliography_ready = Signal(str, object)  # token from request_bibliography(), Citation
    bibliography_failed = Signal(str, str)  # token from request_bibliography(), message
    bibliography_progress = Signal(str, int, int)  # token, done, total (units of work, not records)
    _render = Signal(str, object, object)
    _render_bibliography = Signal(str, object, object)
    bibliography_warmed = Signal(str, bool)  # style id, built (False: stopped or failed), after warm_bibliography()
    _warm = Signal(object, bool, int)  # target, for bibliographies of several records, warm generation
    _deliver = Signal(str, object)  # queued to self: a bibliography at hand, answered after the request

    def __init__(self, cache_dir: Path | None = None, parent: QObject | None = None,
                 user_styles: Path | None = None) -> None:
        super().__init__(parent)
        self._cache = CitationCache(cache_dir)  # bounded, in memory and on disk
        self.user_styles = user_styles
        self._pending: dict[str, tuple[str, str]] = {}  # key -> (record id, style id)
        self._pending_bibliographies: set[str] = set()
        self._cancelled: set[str] = set()  # shared with the worker, which checks it as it renders
        self._warm_generation = [0]  # shared with the worker: bumped, it stops the warm being built
        self._warming: set[_Target] = set()  # bibliography warms asked for and not answered yet
        self._thread: QThread | None = None
        self._worker: _Worker | None = None
        self._deliver.connect(self.bibliography_ready, Qt.ConnectionType.QueuedConnection)

    @property
    def worker_thread(self) -> QThread | None:
        """The worker's thread once a render needed it; None while everything was at hand."""
        return self._thread

    def _start(self) -> None:
        if self._thread is not None:
            return
        self._worker = _Worker(self._cancelled, self._warm_generation)
        self._render.connect(self._worker.render)
        self._render_bibliography.connect(self._worker.render_bibliography)
        self._warm.connect(self._worker.warm)
        self._worker.done.connect(self._done)
        self._worker.failed.connect(self._failed)
        self._worker.bibliography_done.connect(self._bibliography_done)
        self._worker.bibliography_failed.connect(self._bibliography_failed)
        self._worker.bibliography_progress.connect(self.bibliography_progress)
        self._worker.warmed.connect(self._warmed)
        self._thread = start_worker(self, self._worker, "citeproc", self.shutdown)

    def shutdown(self) -> None:
        self._cancelled.update(self._pending_bibliographies)  # a long bibliography stops at its next tick
        self._stop_warming()
        stop_worker(self._thread)
        self._thread = None

    def _target(self, style_id: str, locale: str | None, cite: dict[str, str] | None = None) -> _Target:
        return _Target(style_id, locale or None, self.user_styles, user_style_hash(style_id, self.user_styles),
                       tuple(sorted((cite or {}).items())))

    def _item(self, record: Record, style_id: str) -> dict[str, Any]:
        return csl_item(record, style_id, self.user_styles)

    @staticmethod
    def _key(item: dict[str, Any], style_id: str, target: _Target | None = None) -> str:
        locale, style_hash = (target.locale or "", target.style_hash) if target else ("", "")
        parts: list[Any] = [CACHE_VERSION, style_id, locale, style_hash, item]
        if target is not None and target.cite:
            parts.append(dict(target.cite))  # only then: the keys of citations without one stay as they were
        blob = json.dumps(parts, sort_keys=True, ensure_ascii=False)
        return _sha256(blob)

    def lookup(self, record: Record, style_id: str, locale: str | None = None,
               cite: dict[str, str] | None = None) -> dict[str, Any] | None:
        """The entry if it is at hand (stored, in memory or on disk), else None: call request().
        ``cite``: CSL's locator and label ({"locator": "4", "label": "page"}); stored citations have none."""
        if locale in (None, "", "en-US") and style_id in citation.style_ids() and not cite:
            entry = citation.stored_entry(record, style_id)  # the offered styles, in en-US (their default)
            if entry is not None:
                return entry
        target = self._target(style_id, locale, cite)
        key = self._key(self._item(record, style_id), style_id, target)
        return self._cache.entry(key)

    def request(self, record: Record, style_id: str, locale: str | None = None,
                cite: dict[str, str] | None = None) -> None:
        """Renders in the worker; ready(record.id, style_id) follows (failed() on an error)."""
        item = self._item(record, style_id)
        target = self._target(style_id, locale, cite)
        key = self._key(item, style_id, target)
        if key in self._pending:
            return
        self._pending[key] = (record.id, style_id)
        self._start()
        self._stop_warming()  # the user waits for this one: a warm must not make it wait seconds
        self._render.emit(key, target, item)

    def warm(self, style_id: str, locale: str | None = None) -> None:
        """Builds the style's engine in the background, so a later request is quick."""
        self._start()
        self._warm.emit(self._target(style_id, locale), False, self._warm_generation[0])

    # --- bibliographies of several records ---

    def bibliography_token(self, records: Iterable[Record], style_id: str, locale: str | None = None) -> str:
        """The token of a bibliography: the same records, in the same order, style and locale give the same one."""
        citation.style(style_id, self.user_styles)
        target = self._target(style_id, locale)
        items = [self._item(r, style_id) for r in citation.unique_records(records)]
        return _bibliography_token(items, style_id, target.locale, target.style_hash)

    def lookup_bibliography(self, records: Iterable[Record], style_id: str,
                            locale: str | None = None) -> Citation | None:
        """The bibliography if it is at hand (memory, disk, or one record's entry), else None."""
        citation.style(style_id, self.user_styles)
        chosen = citation.unique_records(records)
        items = [self._item(r, style_id) for r in chosen]
        return self._lookup_bibliography(chosen, items, self._target(style_id, locale))

    def _lookup_bibliography(self, chosen: list[Record], items: list[dict[str, Any]],
                             target: _Target) -> Citation | None:
        if not chosen:
            raise citation.CitationError("a bibliography needs at least one record")
        if len(chosen) == 1:
            entry = self.lookup(chosen[0], target.style_id, target.locale)
            if entry is not None:
                return citation.bibliography_of_one(entry)
        token = _bibliography_token(items, target.style_id, target.locale, target.style_hash)
        result = self._cache.bibliography(token)
        return citation.from_bibliography(result) if result is not None else None

    def request_bibliography(self, records: Iterable[Record], style_id: str, locale: str | None = None) -> str:
        """One bibliography of ``records`` in ``style_id``, without blocking; returns its token.

        ``bibliography_ready(token, Citation)`` follows, always after this returns (through the
        event loop even when the bibliography is at hand), or ``bibliography_failed(token,
        message)``; ``bibliography_progress(token, done, total)`` as the worker goes, and
        :meth:`cancel_bibliography` stops it. Records in the order they are cited (see
        :func:`viewer.citeproc.citation.bibliography`); an unknown style or no records raise here, at once.
        """
        citation.style(style_id, self.user_styles)
        chosen = citation.unique_records(records)
        items = [self._item(r, style_id) for r in chosen]
        target = self._target(style_id, locale)
        at_hand = self._lookup_bibliography(chosen, items, target)
        token = _bibliography_token(items, style_id, target.locale, target.style_hash)
        if at_hand is not None:
            self._deliver.emit(token, at_hand)
            return token
        self._cancelled.discard(token)
        if token not in self._pending_bibliographies:
            self._pending_bibliographies.add(token)
            self._start()
            if target not in self._warming:  # a warm of this style goes on: this bibliography needs its build
                self._stop_warming()
            self._render_bibliography.emit(token, target, items)
        return token

    def cancel_bibliography(self, token: str) -> None:
        """Stops a bibliography being rendered (at its next progress tick, well under a second);
        ``bibliography_failed(token, ...)`` follows. A bibliography at hand or done is left alone."""
        if token in self._pending_bibliographies:
            self._cancelled.add(token)

    def warm_bibliography(self, style_id: str, locale: str | None = None) -> None:
        """Builds what a bibliography of several records in the style needs, in the background (the
        window asks once several records are selected): seconds for a sorting style (APA 1-3 s,
        Chicago notes 8 s) that a bibliography then does not wait for. Any other request stops it
        at its next ask (within ``ticks.BETWEEN_ASKS_MS``), and so does quitting;
        ``bibliography_warmed(style id, built)`` follows."""
        target = self._target(style_id, locale)
        if target in self._warming:
            return
        self._warming.add(target)
        self._start()
        self._warm.emit(target, True, self._warm_generation[0])

    def _stop_warming(self) -> None:
        self._warm_generation[0] += 1
        self._warming.clear()

    def _warmed(self, target: _Target, built: bool) -> None:
        self._warming.discard(target)
        self.bibliography_warmed.emit(target.style_id, built)

    def _bibliography_done(self, token: str, result: dict[str, Any]) -> None:
        found = citation.from_bibliography(result)
        self._cache.put_bibliography(token, result)
        self._pending_bibliographies.discard(token)
        self.bibliography_ready.emit(token, found)

    def _bibliography_failed(self, token: str, message: str) -> None:
        self._pending_bibliographies.discard(token)
        self.bibliography_failed.emit(token, message)

    def _done(self, key: str, style_id: str, entry: dict[str, Any]) -> None:
        self._cache.put_entry(key, entry)
        record_id, _ = self._pending.pop(key, ("", style_id))
        self.ready.emit(record_id, style_id)

    def _failed(self, key: str, style_id: str, message: str) -> None:
        record_id, _ = self._pending.pop(key, ("", style_id))
        self.failed.emit(record_id, style_id, message)
