"""What a search keystroke leaves for later: a hit's snippet is found when its row is first painted
(scrolled into view, it is found then, with its words marked), whether the hits came from the
keystroke or from the worker's count."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from viewer.core.library import Library
from viewer.core.library.matching import Snippet
from viewer.core.record import Record
from viewer.ui import library_panel
from viewer.ui.library_model import FIRST_HITS, HtmlRole

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
    html = model.index(row).data(HtmlRole)
    assert "<small>" in html
    return html.split("<small>", 1)[1]


def painted_rows(panel) -> range:
    view = panel.list
    first = view.indexAt(view.viewport().rect().topLeft()).row()
    last = view.indexAt(view.viewport().rect().bottomLeft()).row()
    return range(first, (last if last >= 0 else panel.model.rowCount() - 1) + 1)


def scroll_to_and_wait(qtbot, panel, row: int) -> None:
    panel.list.scrollTo(panel.model.index(row))
    qtbot.waitUntil(lambda: found(panel.model.hit(row)))


def test_snippets_of_the_first_hits_are_found_when_painted_and_marked_when_scrolled_to(make_window, qtbot, library,
                                                                                      monkeypatch):
    monkeypatch.setattr(library_panel, "EXACT_AFTER_MS", 60_000)  # the keystroke's own hits stay shown: no count
    window = make_window(library=library)
    panel, model = window.library_panel, window.library_model
    qtbot.keyClick(window.tree, Qt.Key.Key_K, CTRL)
    qtbot.keyClicks(panel.search_edit, "zebrafish")
    assert model.rowCount() == FIRST_HITS
    qtbot.waitUntil(lambda: found(model.hit(0)))
    shown = painted_rows(panel)
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
    qtbot.waitUntil(lambda: found(model.hit(0)))
    assert not found(model.hit(59))  # made in the worker, not yet painted
    scroll_to_and_wait(qtbot, panel, 59)
    assert "<b>zebrafish</b>" in snippet_part(model, 59)
    assert model.hit(59).snippet.startswith("Opening words") and model.hit(59).snippet_field == "abstract"
