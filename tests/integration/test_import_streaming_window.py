"""The window's import streams RIS and CSL-JSON (issue 16, point 9): the read step keeps counts, bad
entries and the titles of records already there, not the records; the write reads the file again."""

from __future__ import annotations

import json

import pytest

from viewer.core.library import Library
from viewer.ui import import_flow


def _items(start: int, stop: int) -> list[dict]:
    return [{"type": "report", "title": f"Streamed Report {i}", "number": f"NCJ {500000 + i}"} for i in range(start, stop)]


@pytest.fixture
def library(tmp_path):
    lib = Library.open(tmp_path / "library")
    yield lib
    lib.close()


@pytest.mark.parametrize("answer", [True, False])
def test_a_streamed_file_with_records_already_there_asks_with_their_titles(make_window, qtbot, library, tmp_path,
                                                                          monkeypatch, answer):
    first = tmp_path / "first.json"
    first.write_text(json.dumps(_items(0, 3)), encoding="utf-8")
    library.import_report(import_flow.stream_file(first))
    both = tmp_path / "both.json"
    both.write_text(json.dumps(_items(1, 2500) + [{"title": ["not text"]}]), encoding="utf-8")
    window = make_window(library=library)
    asked, read, kept = [], [], []
    monkeypatch.setattr(import_flow, "ask_replace",
                        lambda parent, titles, already, protected: asked.append((titles, already)) or answer)
    monkeypatch.setattr(import_flow.ImportFlow, "_ask", lambda self, good, bad: read.append((good, bad)) or False)
    worker_read = import_flow._Worker.read

    def spy(worker, paths):  # type: ignore[no-untyped-def]
        worker.read_done.connect(lambda files, *_: kept.append([f.report for f in files]))
        worker_read(worker, paths)

    monkeypatch.setattr(import_flow._Worker, "read", spy)
    flow = window.library_control.imports
    with qtbot.waitSignal(flow.finished, timeout=60000) as done:
        assert flow.start([str(both)])
    assert kept == [[None]]  # a stream: no records kept between the steps
    assert read[0][0] == 2499 and len(read[0][1]) == 1 and "item 2499" in read[0][1][0]
    titles, already = asked[0]
    assert already == {"ncj-500001": "ncj-500001", "ncj-500002": "ncj-500002"}
    assert titles == {"ncj-500001": "Streamed Report 1", "ncj-500002": "Streamed Report 2"}
    summary = done.args[1]
    assert len(summary.added) == 2497 and library.count() == 1 + 3 + 2497
    assert (len(summary.replaced), len(summary.already)) == ((2, 0) if answer else (0, 2))
