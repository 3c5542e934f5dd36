"""Records without stored citations: rendered in a worker thread, cached on disk, window never blocked."""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from viewer.citeproc import citation
from viewer.core.resources import bundled_record
from viewer.services.workers import WORKER_STACK_BYTES

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def other_record():
    return dataclasses.replace(bundled_record(), id="other", ncj_number="1", title="A Report on Courts & Juries",
                               title_sentence_case="A report on courts & juries", authors=("Doe, Jane",))


def test_bundled_record_needs_no_worker(make_service):
    service = make_service()
    assert service.lookup(bundled_record(), "apa") is not None
    assert service.worker_thread is None  # nothing started


def test_other_record_renders_in_the_worker_and_is_cached_on_disk(qtbot, tmp_path, make_service):
    record = other_record()
    service = make_service(tmp_path)
    assert service.lookup(record, "ieee") is None
    with qtbot.waitSignal(service.ready, timeout=60000) as ready:
        service.request(record, "ieee")
    assert ready.args == ["other", "ieee"]
    assert service.worker_thread.stackSize() == WORKER_STACK_BYTES  # the same on every system
    entry = service.lookup(record, "ieee")
    assert "A report on courts &#38; juries" in entry["bibliography"]["html"]  # citeproc-js escaping
    assert "J. Doe" in entry["bibliography"]["text"]
    service.shutdown()
    again = make_service(tmp_path)  # a later launch: served from disk, no engine
    assert again.lookup(record, "ieee") == entry
    assert again.worker_thread is None


def test_a_citation_with_a_page_locator_is_rendered_in_the_worker_and_kept_apart(qtbot, tmp_path, make_service):
    record, page = bundled_record(), {"locator": "3-4", "label": "page"}
    service = make_service(tmp_path)
    assert service.lookup(record, "apa") is not None  # stored, without a page
    assert service.lookup(record, "apa", cite=page) is None  # stored citations carry no page
    with qtbot.waitSignal(service.ready, timeout=60000):
        service.request(record, "apa", cite=page)
    entry = service.lookup(record, "apa", cite=page)
    assert citation.from_entry(entry, True).text.endswith("2003, pp. 3\u20134)")
    assert service.lookup(record, "apa", cite={"locator": "5", "label": "page"}) is None
    assert "pp." not in citation.from_entry(service.lookup(record, "apa"), True).text


def test_damaged_cache_file_is_a_miss(qtbot, tmp_path, make_service):
    record = other_record()
    service = make_service(tmp_path)
    with qtbot.waitSignal(service.ready, timeout=60000):
        service.request(record, "apa")
    (cached,) = tmp_path.glob("*.json")
    cached.write_text("{not json")
    assert make_service(tmp_path).lookup(record, "apa") is None  # a later launch renders again


def test_copy_for_another_record_waits_for_the_worker(make_window, qtbot):
    window = make_window(record=other_record())
    with qtbot.waitSignal(window.citations.ready, timeout=60000):
        qtbot.keyClick(window.tree, Qt.Key.Key_C, CTRL_SHIFT)
        assert "Preparing the citation" in window.statusBar().currentMessage()
    mime = QGuiApplication.clipboard().mimeData()
    expected = citation.from_entry(window.citations.lookup(window.record, "apa"))
    assert (mime.html(), mime.text()) == (expected.html, expected.text)
    assert "Doe, J." in mime.text()
    assert window.statusBar().currentMessage() == "Copied the citation (APA 7th edition)."


def test_the_worker_keeps_one_engine_for_every_render(qtbot, make_service, monkeypatch):
    """Built styles stay built: a thread-local engine in a QThread was made again for every render."""
    from viewer.citeproc import engine as csl_engine

    made = []
    real_init = csl_engine.CslEngine.__init__

    def counting_init(self, *args, **kwargs):
        made.append(self)
        real_init(self, *args, **kwargs)

    monkeypatch.setattr(csl_engine.CslEngine, "__init__", counting_init)
    service = make_service()
    for number in range(3):
        record = dataclasses.replace(other_record(), id=f"other-{number}", ncj_number=str(number + 10))
        with qtbot.waitSignal(service.ready, timeout=60000):
            service.request(record, "ieee")
    with qtbot.waitSignal(service.bibliography_ready, timeout=60000):
        service.request_bibliography([other_record(), bundled_record()], "ieee")
    assert len(made) == 1
    assert made[0].build_seconds.keys() == {"ieee"}
