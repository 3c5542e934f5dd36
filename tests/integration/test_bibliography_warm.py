"""A bibliography's sorted processor built ahead: once several records are selected, in the worker,
stopped by any request of the user and by quitting (issue 15: a 500-record bibliography must not
also wait for seconds of building)."""

from __future__ import annotations

import dataclasses
import threading

import pytest

from viewer.citeproc.engine import CslEngine, CslEngineError, RenderCancelled
from viewer.core.library import Library
from viewer.core.record import Record
from viewer.core.resources import bundled_record


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


def test_quitting_stops_a_warm(qtbot, make_service, monkeypatch):
    """Quitting while a sorted processor is built stops the build at its next ask (a few tens of
    milliseconds of work; scripts/bench_copy.py prints the longest stretch), not at its end."""
    building, outcome = threading.Event(), []
    build = CslEngine.build_bibliography

    def watched(self, *args, **kwargs):
        building.set()
        try:
            seconds = build(self, *args, **kwargs)
        except CslEngineError:  # a cancel inside the build, RenderCancelled once out of it
            outcome.append("stopped")
            raise
        outcome.append("built")
        return seconds

    monkeypatch.setattr(CslEngine, "build_bibliography", watched)
    service = make_service()
    service.warm_bibliography("chicago-notes-bibliography")  # builds for seconds
    qtbot.waitUntil(building.is_set, timeout=60_000)
    thread = service.worker_thread
    service.shutdown()
    thread.wait()
    assert outcome == ["stopped"]


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


def test_only_the_last_styles_sorted_processors_are_kept(monkeypatch):
    """A sorted processor holds 100-320 MB: warming every style one looks at must not keep them all."""
    from viewer.citeproc import engine as csl_engine

    monkeypatch.setattr(csl_engine, "BIBLIOGRAPHY_PROCESSORS_KEPT", 2)
    engine = CslEngine()
    for style_id in ("modern-language-association", "american-sociological-association", "apa"):
        engine.prepare_bibliography(style_id)
    assert list(engine.bibliography_build_seconds) == ["american-sociological-association", "apa"]
    kept = "JSON.stringify(Object.keys(ncjrsProcessors.bibliography))"
    assert engine._evaluate(kept, "<test>") == '["american-sociological-association","apa"]'
    assert engine.prepare_bibliography("american-sociological-association") == 0.0  # used again: kept longest
    engine.prepare_bibliography("modern-language-association")
    assert list(engine.bibliography_build_seconds) == ["american-sociological-association",
                                                       "modern-language-association"]
