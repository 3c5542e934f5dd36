"""What a search keystroke leaves for later: a hit's snippet is found when its row is first painted
(scrolled into view, it is found then, with its words marked), whether the hits came from the
keystroke or from the worker's count."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QItemSelection, QItemSelectionModel, QObject, QRect, Qt
from PySide6.QtGui import QRegion

from viewer.core.library import Library
from viewer.core.library.matching import Snippet
from viewer.core.record import Record
from viewer.ui import library_panel
from viewer.ui.library_model import FIRST_HITS, HtmlRole, LibraryModel, RecordIdRole

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def library(tmp_path):
    lib = Library.open(tmp_path / "library")
    lib.add_records([Record(id=f"ref-{i:04d}", ncj_number=str(7000 + i), title=f"Report {i:04d} on courts",
                            abstract=f"Opening words of the abstract, then zebrafish study {i} and more.")
                     for i in range(60)])
    yield lib
    lib.close()


def found(hit) -> bool:
    return isinstance(hit.found, Snippet)


def snippet_part(model, row: int) -> str:
    html = model.index(row, 0).data(HtmlRole)
    assert "<small>" in html
    return html.split("<small>", 1)[1]


def painted_rows(panel) -> range:
    view = panel.list
    first = view.indexAt(view.viewport().rect().topLeft()).row()
    last = view.indexAt(view.viewport().rect().bottomLeft()).row()
    return range(first, (last if last >= 0 else panel.model.rowCount() - 1) + 1)


def wait_painted(qtbot, panel) -> range:
    """The rows on screen, once each has been painted (the first row's is also read for its size)."""
    qtbot.waitUntil(lambda: all(found(panel.model.hit(r)) for r in painted_rows(panel)))
    return painted_rows(panel)


def scroll_to_and_wait(qtbot, panel, row: int) -> None:
    panel.list.scrollTo(panel.model.index(row, 0))
    qtbot.waitUntil(lambda: found(panel.model.hit(row)))


def test_snippets_of_the_first_hits_are_found_when_painted_and_marked_when_scrolled_to(make_window, qtbot, library,
                                                                                      monkeypatch):
    monkeypatch.setattr(library_panel, "EXACT_AFTER_MS", 60_000)  # the keystroke's own hits stay shown: no count
    window = make_window(library=library)
    panel, model = window.library_panel, window.library_model
    qtbot.keyClick(window.tree, Qt.Key.Key_K, CTRL)
    qtbot.keyClicks(panel.search_edit, "zebrafish")
    assert model.rowCount() == FIRST_HITS
    shown = wait_painted(qtbot, panel)
    assert FIRST_HITS - 1 not in shown
    assert [r for r in range(FIRST_HITS) if found(model.hit(r))] == list(shown)
    scroll_to_and_wait(qtbot, panel, FIRST_HITS - 1)
    assert "<b>zebrafish</b>" in snippet_part(model, FIRST_HITS - 1)


def test_snippets_of_the_workers_hits_are_found_when_painted(make_window, qtbot, library):
    window = make_window(library=library)
    panel, model = window.library_panel, window.library_model
    qtbot.keyClick(window.tree, Qt.Key.Key_K, CTRL)
    qtbot.keyClicks(panel.search_edit, "zebrafish")
    qtbot.waitUntil(lambda: panel.count_label.text() == "60 records match")
    assert model.rowCount() == 60
    wait_painted(qtbot, panel)
    assert not found(model.hit(59))  # made in the worker, not yet painted
    scroll_to_and_wait(qtbot, panel, 59)
    assert "<b>zebrafish</b>" in snippet_part(model, 59)
    assert model.hit(59).snippet.startswith("Opening words") and model.hit(59).snippet_field == "abstract"


class Painted(QObject):
    """The regions of the list's viewport painted since the last clear()."""

    def __init__(self, view) -> None:
        super().__init__(view)
        self.view, self.region = view, QRegion()
        view.viewport().installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.region = self.region.united(event.region())
        return False

    def rows(self, rows: range) -> list[int]:
        width = self.view.viewport().width()
        return [r for r in rows if self.region.intersects(QRect(0, self.view.visualRect(
            self.view.model().index(r, 0)).center().y(), width, 1))]


def test_a_keystroke_repaints_the_rows_that_change_and_those_whose_selection_goes(make_window, qtbot, library,
                                                                                   monkeypatch):
    monkeypatch.setattr(library_panel, "EXACT_AFTER_MS", 60_000)
    window = make_window(library=library)
    panel, model = window.library_panel, window.library_model
    panel.list.setMinimumHeight(400)
    qtbot.keyClick(window.tree, Qt.Key.Key_K, CTRL)
    qtbot.keyClicks(panel.search_edit, "zebrafis")
    shown = wait_painted(qtbot, panel)
    assert len(shown) >= 5
    before = [model.index(r, 0).data(HtmlRole) for r in shown]
    panel.list.selectionModel().select(QItemSelection(model.index(1, 0), model.index(2, 3)),
                                       QItemSelectionModel.SelectionFlag.ClearAndSelect)
    painted = Painted(panel.list)
    qtbot.waitUntil(lambda: painted.rows(shown) == [1, 2])
    painted.region = QRegion()
    qtbot.keyClick(panel.search_edit, Qt.Key.Key_H)  # "zebrafish": the same hits, marked alike
    assert [model.index(r, 0).data(HtmlRole) for r in shown] == before
    assert panel.list.selectionModel().selectedRows() == []  # as after a reset
    qtbot.waitUntil(lambda: painted.rows(shown) == [1, 2])  # unselected; the others left as they were
    painted.region = QRegion()
    qtbot.keyClicks(panel.search_edit, " study 3")
    qtbot.waitUntil(lambda: painted.rows(shown) == list(shown))  # other hits: every row repainted
    assert sorted(model.hit(r).title for r in range(model.rowCount())) == [
        f"Report {i:04d} on courts" for i in (3, 30, 31, 32, 33, 34, 35, 36)]


def test_the_model_stays_consistent_from_one_keystroke_to_the_next(qtmodeltester, library):
    model = LibraryModel(library)
    qtmodeltester.check(model)
    for query in ("zebrafish", "zebrafish study 3", "zebrafish", "nothing-at-all", "zebrafish study"):
        model.set_query(query)
        qtmodeltester.check(model)
        assert all(model.index(r, 0).data(RecordIdRole) == model.hit(r).id for r in range(model.rowCount()))
