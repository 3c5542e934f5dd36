"""Counting and ranking every match of a search (and counting the library) off the GUI thread.

A keystroke shows the first hits at once on the window's own connection; once typing pauses,
:meth:`SearchCounter.rank` asks a worker thread, reading the same library file through its own
read-only connection (:mod:`viewer.core.library.reader`), for every match best first (or in a
column's order), the total, and the first page of hits. Each request gets a generation number;
the next keystroke (:meth:`SearchCounter.cancel`) makes every earlier one stale: the query running
is interrupted, queued ones are skipped, and an answer that comes anyway is dropped. Closing the
window interrupts the query and waits at most a second for the thread (viewer.services.workers).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QThread, Signal, Slot

from viewer.core.library import Hit, LibraryError, Order, Ranking
from viewer.core.library.reader import Reader
from viewer.core.oneline import one_line
from viewer.services.workers import start_worker, stop_worker

# With the ranking, hits are prepared (off the GUI thread) down to the record the user had selected
# when it stands this far down at most; further down it is left unselected rather than marking
# thousands of rows on arrival.
KEEP_SELECTED_WITHIN = 1000


@dataclass(frozen=True)
class Ranked:
    """A worker's answer: every match, and hits for its first rows (down to the record asked to keep
    when it stands within KEEP_SELECTED_WITHIN)."""

    ranking: Ranking
    hits: tuple[Hit, ...]


class _Latest:
    """The newest generation, written by the GUI thread and read by the worker (an int, under the GIL)."""

    def __init__(self) -> None:
        self.value = 0


class _Worker(QObject):
    ranked = Signal(int, object)  # generation, Ranked
    counted = Signal(int, int)  # generation, records in the library
    failed = Signal(int, str)  # generation, one-line message

    def __init__(self, reader: Reader, latest: _Latest) -> None:
        super().__init__()
        self._reader = reader
        self._latest = latest

    def _stale(self, generation: int) -> bool:
        return generation != self._latest.value

    @Slot(int, str, str, int, str)
    def rank(self, generation: int, query: str, order: str, want: int, keep_id: str) -> None:
        if self._stale(generation):
            return  # typed on since: skipped without a query
        try:
            library = self._reader.library()
            self._reader.watch(lambda: self._stale(generation))
            ranking = library.rank(query, Order.parse(order))
            kept_at = -1
            if keep_id:
                at = self._reader.position(ranking, keep_id)
                kept_at = at if at is not None and at < max(want, KEEP_SELECTED_WITHIN) else -1
            stop = max(want, kept_at + 1)
            hits = library.hits(ranking, 0, stop) if not self._stale(generation) else ()
        except LibraryError as exc:
            if not self._stale(generation):  # an interrupted query of a stale request says nothing
                self.failed.emit(generation, one_line(str(exc)))
            return
        finally:
            self._reader.watch(None)
        if not self._stale(generation):
            self.ranked.emit(generation, Ranked(ranking, hits))

    @Slot(int)
    def count(self, generation: int) -> None:
        if self._stale(generation):
            return
        try:
            library = self._reader.library()
            self._reader.watch(lambda: self._stale(generation))
            total = library.count()
        except LibraryError as exc:
            if not self._stale(generation):
                self.failed.emit(generation, one_line(str(exc)))
            return
        finally:
            self._reader.watch(None)
        if not self._stale(generation):
            self.counted.emit(generation, total)

    def close(self) -> None:
        self._reader.close()


class SearchCounter(QObject):
    """The GUI side: requests by generation, answered by ``ranked`` / ``counted`` / ``failed`` with
    the generation of the request, and only while it is still the newest (:attr:`generation`)."""

    ranked = Signal(int, object)  # generation, Ranked
    counted = Signal(int, int)
    failed = Signal(int, str)
    _rank = Signal(int, str, str, int, str)
    _count = Signal(int)

    def __init__(self, path: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._reader = Reader(path)
        self._latest = _Latest()
        self._thread: QThread | None = None
        self._worker: _Worker | None = None  # kept: a QObject without a parent lives as long as its wrapper
        self._closed = False  # after shutdown() no request starts a thread again

    @property
    def generation(self) -> int:
        return self._latest.value

    @property
    def thread_running(self) -> bool:
        return self._thread is not None and self._thread.isRunning()

    def _start(self) -> bool:
        """The thread, started on the first request: never at window start-up. False once shut down."""
        if self._thread is not None or self._closed:
            return not self._closed
        worker = self._worker = _Worker(self._reader, self._latest)
        self._rank.connect(worker.rank)
        self._count.connect(worker.count)
        worker.ranked.connect(self._answer_ranked)
        worker.counted.connect(self._answer_counted)
        worker.failed.connect(self._answer_failed)
        self._thread = start_worker(self, worker, "library-search", self.shutdown)
        self._thread.finished.connect(worker.close)  # direct: in the thread, as it ends
        return True

    def cancel(self) -> int:
        """Every earlier request is stale from now on; the query running is interrupted."""
        self._latest.value += 1
        self._reader.interrupt()
        return self._latest.value

    def rank(self, query: str, order: Order, want: int, keep_id: str = "") -> int:
        """Every match of ``query`` in ``order`` with hits for its first ``want`` rows (and down to
        ``keep_id``'s row when it is near). Returns the generation the answer will carry."""
        generation = self.cancel()
        if self._start():
            self._rank.emit(generation, query, str(order), want, keep_id)
        return generation

    def count(self) -> int:
        """The records in the library, counted in the worker."""
        generation = self.cancel()
        if self._start():
            self._count.emit(generation)
        return generation

    def _answer_ranked(self, generation: int, ranked: Ranked) -> None:
        if generation == self._latest.value:
            self.ranked.emit(generation, ranked)

    def _answer_counted(self, generation: int, total: int) -> None:
        if generation == self._latest.value:
            self.counted.emit(generation, total)

    def _answer_failed(self, generation: int, message: str) -> None:
        if generation == self._latest.value:
            self.failed.emit(generation, message)

    def shutdown(self) -> None:
        """Interrupts the query running and ends the thread, waiting at most QUIT_WAIT_MS."""
        self._closed = True
        self.cancel()
        stop_worker(self._thread)
        self._thread = None
