"""Every match of a search counted and ranked in the worker thread (viewer.services.search_worker):
the status shows it; typing on while a count runs shows the first hits at once and the stale count
is dropped; the first hits page before the count; closing the window during a count ends at once."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import Qt

from viewer.core.library import Library
from viewer.core.library.ranking import Ranker
from viewer.core.record import Record
from viewer.services import workers
from viewer.ui.library_model import FIRST_HITS, RecordIdRole

CTRL = Qt.KeyboardModifier.ControlModifier
FOREVER = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c"


def records(n: int) -> list[Record]:
    return [Record(id=f"ref-{i:04d}", ncj_number=str(5000 - i), abstract="About probation.",
                   title=f"Report {i:04d} on juvenile {'courts' if i % 2 else 'detention'}", issued_year=1980 + i % 40)
            for i in range(n)]


@pytest.fixture
def watch_ranks(monkeypatch):
    made: list[Ranks] = []

    def make(hold: str = "", forever: str = "") -> Ranks:
        made.append(Ranks(monkeypatch, hold, forever))
        return made[-1]

    yield make
    for ranks in made:  # a failed test leaves no worker waiting
        ranks.gate.set()


@pytest.fixture
def library(tmp_path):
    lib = Library.open(tmp_path / "library")
    lib.add_records(records(450))
    yield lib
    lib.close()


class Ranks:
    """Ranker.rank_all, watched: which threads ran it and for which words; ``hold`` makes a ranking of
    those words wait for ``gate`` (in Python: no interrupt reaches it), ``forever`` runs a query that
    ends only when interrupted."""

    def __init__(self, monkeypatch, hold: str = "", forever: str = "") -> None:
        self.threads: list[threading.Thread] = []
        self.words: list[str] = []
        self.started, self.gate = threading.Event(), threading.Event()
        self.interrupted = False
        real = Ranker.rank_all

        def rank_all(ranker, groups, order):
            words = " ".join(w for g in groups for w in g.words)
            self.threads.append(threading.current_thread())
            self.words.append(words)
            self.started.set()
            if hold and words == hold:
                self.gate.wait(30)
            if forever and words == forever:
                try:
                    ranker._conn.execute(FOREVER).fetchone()
                except Exception:
                    self.interrupted = True
                    raise
            return real(ranker, groups, order)

        monkeypatch.setattr(Ranker, "rank_all", rank_all)


def search(qtbot, window, text: str) -> None:
    qtbot.keyClick(window.tree, Qt.Key.Key_K, CTRL)
    qtbot.keyClicks(window.library_panel.search_edit, text)


def test_the_count_arrives_from_the_worker_and_the_status_shows_it(make_window, qtbot, library, watch_ranks):
    ranks = watch_ranks(hold="juvenile")
    window = make_window(library=library)
    panel = window.library_panel
    search(qtbot, window, "juvenile")
    assert window.library_model.rowCount() == FIRST_HITS
    assert panel.count_label.text() == f"{FIRST_HITS}+ records match"  # typing: not counted yet
    qtbot.waitUntil(ranks.started.is_set)
    assert panel.count_label.text() == f"{FIRST_HITS}+ records match, counting…"
    ranks.gate.set()
    qtbot.waitUntil(lambda: panel.count_label.text() == "450 records match")
    assert ranks.threads and all(t is not threading.main_thread() for t in ranks.threads)
    assert window.library_model.has_more()


def test_typing_while_a_count_runs_shows_the_first_hits_and_drops_the_stale_count(make_window, qtbot, library,
                                                                                  watch_ranks, monkeypatch):
    ranks = watch_ranks(hold="juvenile")
    window = make_window(library=library)
    panel, model = window.library_panel, window.library_model
    applied: list[str] = []
    real_apply = model.apply_ranking
    monkeypatch.setattr(model, "apply_ranking", lambda ranking, hits: applied.append(ranking.query) or
                        real_apply(ranking, hits))
    search(qtbot, window, "juvenile")
    qtbot.waitUntil(ranks.started.is_set)  # the worker is counting "juvenile" (held)
    qtbot.keyClicks(panel.search_edit, " det")
    # At once, from the keystroke: the first hits of the new words, and no count yet.
    assert model.index(0, 0).data().endswith("juvenile detention")
    assert model.total() is None and not panel.count_label.text().endswith("records match ")
    ranks.gate.set()  # the stale count ends now: it must never be shown
    qtbot.waitUntil(lambda: panel.count_label.text() == "225 records match")
    assert applied == ["juvenile det"]
    assert all(model.index(r, 0).data().endswith("detention") for r in range(model.rowCount()))


def test_the_first_hits_page_before_the_count_and_the_selection_stays(make_window, qtbot, library, watch_ranks):
    ranks = watch_ranks(hold="juvenile")
    window = make_window(library=library)
    panel, model = window.library_panel, window.library_model
    search(qtbot, window, "juvenile")
    qtbot.waitUntil(ranks.started.is_set)
    assert model.rowCount() == FIRST_HITS and model.can_fetch_more_hits
    panel.list.setFocus()
    qtbot.keyClick(panel.list, Qt.Key.Key_End)  # to the bottom: the view asks for more rows
    qtbot.waitUntil(lambda: model.rowCount() > FIRST_HITS)
    qtbot.keyClick(panel.list, Qt.Key.Key_End)
    chosen = panel.current_record_id()
    assert chosen and model.row_of(chosen) >= FIRST_HITS and window.record.id == chosen
    assert panel.count_label.text().startswith(f"{model.rowCount()}+ records match")
    ranks.gate.set()
    qtbot.waitUntil(lambda: panel.count_label.text() == "450 records match")
    assert model.ranking is not None and panel.current_record_id() == chosen
    assert panel.selected_record_ids() == [chosen] and window.record.id == chosen
    row = model.row_of(chosen)
    assert panel.list.viewport().rect().intersects(panel.list.visualRect(model.index(row, 0)))
    # Best first: the rows are the ranking's, in its order.
    assert [model.index(r, 0).data(RecordIdRole) for r in range(3)] == [
        h.id for h in library.hits(model.ranking, 0, 3)]


def test_closing_the_window_during_a_count_interrupts_it(make_window, qtbot, library, watch_ranks):
    ranks = watch_ranks(forever="juvenile")
    window = make_window(library=library)
    search(qtbot, window, "juvenile")
    qtbot.waitUntil(ranks.started.is_set)
    counter = window.library_panel.counter
    assert counter is not None
    thread = counter._thread
    abandoned = len(workers._abandoned)
    try:
        window.close()
        assert thread is not None and thread.isFinished()  # ended by the interrupt, not left behind
        assert len(workers._abandoned) == abandoned and ranks.interrupted
    finally:
        counter._reader.interrupt()
