"""A bibliography's sorted processor built ahead: once several records are selected, in the worker,
stopped by any request of the user and by quitting (issue 15: a 500-record bibliography must not
also wait for seconds of building)."""

from __future__ import annotations

import dataclasses
import threading

import pytest

from viewer.citeproc.engine import CslEngine, RenderCancelled
from viewer.core.library import Library
from viewer.core.record import Record
from viewer.core.resources import bundled_record
from viewer.services import workers


def test_prepare_bibliography_builds_ahead_and_a_stopped_one_keeps_nothing():
    engine = CslEngine()
    asked = []
    with pytest.raises(RenderCancelled):
        engine.prepare_bibliography("apa", progress=lambda done, total: asked.append(done) and False)
    assert asked == [0] and "apa" not in engine.bibliography_build_seconds
    assert engine.prepare_bibliography("apa") > 0 and "apa" in engine.bibliography_build_seconds
    assert engine.prepare_bibliography("apa") == 0.0  # built once


def test_warm_bibliography_builds_in_the_worker_and_any_request_stops_it(qtbot, make_service):
    service = make_service()
    with qtbot.waitSignal(service.bibliography_warmed, timeout=120_000) as warmed:
        service.warm_bibliography("apa")
        service.warm_bibliography("apa")  # asked again while it builds: once
    assert warmed.args == ["apa", True]
    other = dataclasses.replace(bundled_record(), id="ncj-900001", ncj_number="900001", title="Another report",
                                title_sentence_case="Another report")
    seen = []
    service.bibliography_warmed.connect(lambda *args: seen.append(list(args)))
    service.ready.connect(lambda *args: seen.append(list(args)))
    service.warm_bibliography("chicago-notes-bibliography")  # seconds to build...
    service.request(other, "apa")  # ...which this record's citation must not wait for
    qtbot.waitUntil(lambda: len(seen) == 2, timeout=120_000)
    assert seen == [["chicago-notes-bibliography", False], [other.id, "apa"]]


def test_quitting_stops_a_warm_at_once(qtbot, make_service, monkeypatch):
    building = threading.Event()
    build = CslEngine.build_bibliography

    def started(self, *args, **kwargs):
        building.set()
        return build(self, *args, **kwargs)

    monkeypatch.setattr(CslEngine, "build_bibliography", started)
    abandoned = len(workers._abandoned)
    service = make_service()
    service.warm_bibliography("chicago-notes-bibliography")  # builds for seconds
    qtbot.waitUntil(building.is_set, timeout=60_000)
    service.shutdown()
    assert len(workers._abandoned) == abandoned  # the worker ended within stop_worker's wait


@pytest.fixture
def library(tmp_path):
    lib = Library.open(tmp_path / "library")
    yield lib
    lib.close()


def test_selecting_several_records_warms_their_bibliography(make_window, library, monkeypatch):
    library.add_records([Record(id=f"ref-{c}", ncj_number="", title=f"{c} report on courts", authors=("Doe, Jane",))
                         for c in "ab"])
    window = make_window(library=library)
    asked = []
    monkeypatch.setattr(window.citations, "warm_bibliography", lambda style, locale=None: asked.append(style))
    window.library_panel.search_edit.setText("report courts")
    window.library_panel.select_record("ref-a")
    assert asked == []  # one record: its citation, not a bibliography
    window.library_panel.list.selectAll()
    assert sorted(window.library_panel.selected_record_ids()) == ["ref-a", "ref-b"]
    assert asked and set(asked) == {"apa"}
