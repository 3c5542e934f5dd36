"""The library panel as a user drives it, timed in this process (offscreen Qt): part of
scripts/bench_library.py, kept apart because it needs Qt.

* a header click in each column: from the click to the first screen (the model's first page) shown;
* each search keystroke into the real search box: from the key event until every event it leads to
  is handled (the first hits, the list laid out, the rows that changed painted), p50 / p95 / max,
  and the GUI thread's CPU time for the same (on a shared machine the wall time also counts the
  time spent waiting for a CPU);
* once typing stops: time until the total arrives from the worker thread (from the last key,
  which includes the pause before counting starts, and from the worker's request), and the
  longest stall of the GUI thread meanwhile (the largest gap between ticks of a 1 ms timer);
* keystrokes typed while a count runs (each makes it stale), p50 / p95 / max.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QAbstractEventDispatcher, QElapsedTimer, QEventLoop, Qt, QTimer  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from viewer.core.library import Library, Order  # noqa: E402
from viewer.ui.library_model import LibraryModel  # noqa: E402
from viewer.ui.library_panel import LibraryPanel  # noqa: E402

COUNT_TIMEOUT_S = 60.0
# The window's left column (main_window.DEFAULT_SPLIT) with the list given most of its height
# (the default gives it 180 px: two hits). More rows shown cost more paint per keystroke.
PANEL_SIZE = (380, 480)
DRAIN_ROUNDS = 50  # at most: a 1 ms timer running (Ticks) keeps the loop busy


@dataclass
class Ticks:
    """A 1 ms timer on the GUI thread: the largest gap between two ticks is the longest stall."""

    timer: QTimer = field(default_factory=QTimer)
    last: float = 0.0
    worst: float = 0.0

    def __post_init__(self) -> None:
        self.timer.setInterval(1)
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.timeout.connect(self._tick)

    def _tick(self) -> None:
        now = time.perf_counter()
        self.worst = max(self.worst, now - self.last)
        self.last = now

    def start(self) -> None:
        self.last, self.worst = time.perf_counter(), 0.0
        self.timer.start()

    def stop(self) -> float:
        self._tick()
        self.timer.stop()
        return self.worst * 1000


def _percentiles(values: list[float]) -> str:
    ordered = sorted(values)
    if not ordered:
        return "n/a"

    def at(p: float) -> float:
        k = (len(ordered) - 1) * p
        lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
        return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)

    return f"p50 {at(0.5):.1f} ms, p95 {at(0.95):.1f} ms, max {ordered[-1]:.1f} ms"


class Driver:
    def __init__(self, library_dir: Path) -> None:
        self.app = QApplication.instance() or QApplication([])
        self.library = Library.open(library_dir)
        self.model = LibraryModel(self.library)
        self.panel = LibraryPanel(self.model)
        self.panel.resize(*PANEL_SIZE)
        self.panel.show()
        QTest.qWaitForWindowExposed(self.panel)
        self.settle()
        self.ticks = Ticks()
        self.key_cpu: list[float] = []

    def settle(self) -> None:
        for _ in range(3):
            self.app.processEvents()

    def drain(self) -> None:
        """Every event the last action led to, handled: until the event loop has nothing left to do
        now. A view lays its rows out from a zero-time timer and paints from an event posted then, so
        one processEvents() call often returned before the list was painted (the paint was then
        counted in the next keystroke, or not at all)."""
        dispatcher = QAbstractEventDispatcher.instance()
        for _ in range(DRAIN_ROUNDS):
            if not dispatcher.processEvents(QEventLoop.ProcessEventsFlag.AllEvents):
                return

    def key(self, char: str) -> float:
        """One keystroke into the search box until what it changes is painted (drain): ms. The GUI
        thread's CPU time for it is kept in ``key_cpu``."""
        c0, t0 = time.thread_time(), time.perf_counter()
        QTest.keyClick(self.panel.search_edit, char)
        self.drain()
        self.key_cpu.append((time.thread_time() - c0) * 1000)
        return (time.perf_counter() - t0) * 1000

    def clear(self) -> None:
        self.panel.search_edit.clear()
        self.wait_for(lambda: self.model.total() is not None or not self.panel.counting, 10)

    def wait_for(self, done, timeout: float = COUNT_TIMEOUT_S) -> bool:
        deadline = time.perf_counter() + timeout
        while not done():
            if time.perf_counter() > deadline:
                return False
            self.app.processEvents()
            QTest.qWait(1)
        return True

    def close(self) -> None:
        t0 = time.perf_counter()
        self.panel.shutdown()
        print(f"  closing the panel (the worker stopped): {(time.perf_counter() - t0) * 1000:.1f} ms")
        self.panel.close()
        self.library.close()


def sorting(driver: Driver, columns: int = 4) -> None:
    print("sorting by a header click (model.sort until the first screen is laid out and painted)")
    for column, name in enumerate(("title", "creator", "year", "ncj")[:columns]):
        times = []
        for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
            t0 = time.perf_counter()
            driver.panel.list.header().setSortIndicator(column, order)
            driver.settle()
            times.append((time.perf_counter() - t0) * 1000)
        print(f"  {name:<8} ascending {times[0]:5.1f} ms, descending {times[1]:5.1f} ms")
    driver.panel.list.header().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
    driver.model.set_order(Order())
    driver.settle()


def typing(driver: Driver, queries: list[str]) -> None:
    print("search keystrokes in the window, then the total from the worker")
    keys: list[float] = []
    arrivals: list[tuple[str, float, float, float, str]] = []
    elapsed = QElapsedTimer()
    driver.key_cpu.clear()
    for query in queries:
        driver.clear()
        keys += [driver.key(ch) for ch in query]
        elapsed.start()
        driver.ticks.start()
        requested: list[float] = []
        counter_started = lambda: driver.panel.counting and not requested and requested.append(elapsed.elapsed())  # noqa: E731
        ok = driver.wait_for(lambda: counter_started() or driver.model.total() is not None)
        stall = driver.ticks.stop()
        total = elapsed.elapsed()
        text = driver.panel.count_label.text() if ok else "timed out"
        arrivals.append((query, total, total - (requested[0] if requested else total), stall, text))
    print(f"  {len(keys)} keystrokes over {len(queries)} queries: {_percentiles(keys)} (goal p95 < 16 ms)")
    print(f"  the same keystrokes' GUI-thread CPU time: {_percentiles(driver.key_cpu)}")
    for query, total, from_request, stall, text in arrivals:
        print(f"  {query!r}: {text}; total {total:.0f} ms after the last key ({from_request:.0f} ms after the "
              f"worker was asked); longest GUI stall meanwhile {stall:.1f} ms")
    print(f"  longest GUI-thread stall while a count ran: {max(a[3] for a in arrivals):.1f} ms")


def typing_during_counts(driver: Driver, first: str, then: list[str]) -> None:
    """A broad query's count started, then other words typed while it runs (each key makes it stale)."""
    print(f"keystrokes typed while a count runs (after {first!r})")
    keys: list[float] = []
    for query in then:
        driver.clear()
        for ch in first:
            driver.key(ch)
        driver.wait_for(lambda: driver.panel.counting, 5)
        driver.ticks.start()
        driver.panel.search_edit.clear()
        keys += [driver.key(ch) for ch in query]
        driver.ticks.stop()
    print(f"  {len(keys)} keystrokes: {_percentiles(keys)}")
    driver.clear()


def idle_ticks(driver: Driver) -> None:
    driver.ticks.start()
    end = time.perf_counter() + 1.0
    while time.perf_counter() < end:
        driver.app.processEvents()
        QTest.qWait(1)
    print(f"  for comparison, the longest gap between 1 ms ticks with nothing running: {driver.ticks.stop():.1f} ms "
          "(the machine's own noise)")


def run(library_dir: Path, queries: list[str]) -> None:
    driver = Driver(library_dir)
    print(f"library panel (offscreen Qt, {PANEL_SIZE[0]} x {PANEL_SIZE[1]} px)")
    try:
        sorting(driver)
        typing(driver, queries)
        idle_ticks(driver)
        typing_during_counts(driver, "juvenile justice", queries[:4])
    finally:
        driver.close()
