"""The run-time engine (citeproc-js in QuickJS) renders exactly as citeproc-js under Node.

Over a generated set of varied items, in all offered styles: bibliography and citation, text and
HTML. Node renders with the full, untouched .csl files; the engine builds them without <sort>
(see viewer/citeproc/engine.py), which these tests show changes nothing for single items. Each style is
built once for the module; Node renders the same items meanwhile, in a background thread.
"""

from __future__ import annotations

import dataclasses
import json
import threading
import xml.etree.ElementTree as ET
from collections import Counter
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, QThread, Signal, Slot

from viewer.citeproc import citation
from viewer.citeproc.engine import CslEngine, CslEngineError, without_sort
from viewer.core.csl_item import csl_item
from viewer.core.resources import bundled_record, resource_path

ROOT = Path(__file__).resolve().parents[2]
STYLE_IDS = citation.style_ids()
URL = "https://www.ncjrs.gov/App/abstractdb/AbstractDBDetails.aspx?id="


def _records():
    """Records as the viewer would hold them: their items go through csl_item (style-dependent titles)."""
    base = bundled_record()
    return [
        base,
        dataclasses.replace(base, id="r-person", ncj_number="100001", authors=("Smith, Jane",),
                            title="Juvenile Justice & Delinquency Prevention: A \u201cModel\u201d Program",
                            title_sentence_case="Juvenile justice & delinquency prevention: A \u201cmodel\u201d program"),
        dataclasses.replace(base, id="r-corporate", ncj_number="100002",
                            authors=("United Nations Office on Drugs and Crime",), issued_month=None, pages=None),
        dataclasses.replace(base, id="r-mixed", ncj_number="100003",
                            authors=("Müller, Jürgen", "Bureau of Justice Statistics", "O'Neil, Siobhán"),
                            issued_year=None, issued_month=None, provenance=None),
    ]


# Items built directly, for what a record cannot hold (no title) and for odd corners.
RAW_ITEMS = [
    {"id": "x-many", "type": "report", "title": "Prison Populations in Eight States",
     "author": [{"family": f"Author{n}", "given": g} for n, g in zip("ABCDEFGH", ["Ann", "Bo", "Cy", "Di",
                                                                                   "Ed", "Fay", "Gus", "Hal"])],
     "issued": {"date-parts": [[1999]]}, "number-of-pages": 212, "archive": "NCJRS Virtual Library",
     "archive_location": "NCJ 100004", "URL": URL + "100004"},
    {"id": "x-no-title", "type": "report", "author": [{"family": "Doe", "given": "John"}],
     "issued": {"date-parts": [[2011, 7]]}, "archive": "NCJRS Virtual Library", "archive_location": "NCJ 100005",
     "URL": URL + "100005"},
    {"id": "x-no-title-no-author", "type": "report", "issued": {"date-parts": [[2011]]},
     "archive": "NCJRS Virtual Library", "archive_location": "NCJ 100006", "URL": URL + "100006"},
    {"id": "x-no-date", "type": "report", "title": "Drug Courts: An Evaluation",
     "author": [{"literal": "National Institute of Justice"}], "archive": "NCJRS Virtual Library",
     "archive_location": "NCJ 100007", "URL": URL + "100007"},
    {"id": "x-markup", "type": "report",
     "title": "Age < 18 & \"Adult\" Court: Kids' 'Waivers' > Zero? <i>not markup</i> 100% of $5 #1",
     "author": [{"family": "Ng", "given": "Kim"}, {"family": "Lee", "given": "Chris"}],
     "issued": {"date-parts": [[2005, 12, 31]]}, "number-of-pages": 3, "URL": URL + "100008&x=<y>"},
    {"id": "x-non-ascii", "type": "report", "title": "Trata de personas: análisis de la situación en América Latina",
     "author": [{"family": "Ñúñez", "given": "José"}, {"family": "Đorđević", "given": "Željko"},
                {"family": "Øster", "given": "Åsa"}, {"family": "Иванов", "given": "Пётр"},
                {"family": "王", "given": "小明"}, {"family": "van der Berg", "given": "Anna"}],
     "issued": {"date-parts": [[2018, 2]]}, "archive": "NCJRS Virtual Library", "archive_location": "NCJ 100009"},
    {"id": "x-same-family", "type": "report", "title": "Two Smiths on Policing",
     "author": [{"family": "Smith", "given": "Jane"}, {"family": "Smith", "given": "John"}],
     "issued": {"date-parts": [[2003, 3]]}, "number-of-pages": 8, "URL": URL + "100010"},
]


def items_for(style_id: str) -> list[dict]:
    return [csl_item(record, style_id) for record in _records()] + RAW_ITEMS


@pytest.fixture(scope="module")
def node_results(render_script) -> dict[str, Future]:
    """Per style, a future of citeproc-js's (Node) answer for items_for(style); fails without Node."""
    script = render_script
    locale_xml = script.read_locale()
    pool = ThreadPoolExecutor(max_workers=1)  # one Node at a time: the engine builds meanwhile
    futures = {s: pool.submit(script.node_render, script.read_style(s), locale_xml, items_for(s)) for s in STYLE_IDS}
    yield futures
    pool.shutdown(wait=True)


@pytest.fixture(scope="module")
def engine(qapp) -> CslEngine:
    return CslEngine()


@pytest.mark.parametrize("style_id", STYLE_IDS)
def test_runtime_engine_equals_citeproc_js_under_node(style_id, engine, node_results):
    """(b) Every item, every style: text and HTML of bibliography and citation, and the Bluebook rule."""
    items = items_for(style_id)
    # Rendered in reverse order: no render may depend on what the engine rendered before.
    ours = {item["id"]: engine.render(item, style_id) for item in reversed(items)}
    answer = node_results[style_id].result()
    assert answer["citeproc"]["processor_version"] == engine.processor_version
    assert [r["id"] for r in answer["results"]] == [item["id"] for item in items]
    for reference in answer["results"]:
        expected = {key: value for key, value in reference.items() if key != "id"}
        assert ours[reference["id"]] == expected, f"{style_id} / {reference['id']}"
    assert engine.take_messages() == []


@pytest.mark.parametrize("style_id", ["modern-language-association", "ieee", "american-sociological-association"])
def test_engine_with_the_full_style_equals_node_too(style_id, qapp, node_results):
    """The styles whose full build is cheap: built with <sort> kept, the engine agrees as well."""
    full = CslEngine(keep_sort=True)
    answer = node_results[style_id].result()
    for item, reference in zip(items_for(style_id), answer["results"]):
        assert full.render(item, style_id) == {k: v for k, v in reference.items() if k != "id"}


@pytest.mark.parametrize("style_id", STYLE_IDS)
def test_without_sort_removes_the_sort_elements_and_nothing_else(style_id):
    xml = resource_path("csl", "styles", f"{style_id}.csl").read_text(encoding="utf-8")

    def tags(text):
        return Counter(el.tag.split("}")[1] for el in ET.fromstring(text.encode()).iter())

    before, after = tags(xml), tags(without_sort(xml))
    assert after["sort"] == 0 and after["key"] == 0
    assert after == before - Counter({"sort": before["sort"], "key": before["key"]})


def test_varied_set_really_varies(engine):
    """The set exercises what it claims to: escaped markup, non-ASCII names, several authors, et al."""
    html = engine.render(RAW_ITEMS[4], "chicago-author-date")["bibliography"]["html"]
    assert "&#60;" in html or "&lt;" in html
    assert "&#38;" in html or "&amp;" in html
    text = engine.render(RAW_ITEMS[5], "chicago-author-date")["bibliography"]["text"]
    assert "Ñúñez" in text and "Иванов" in text
    many = engine.render(RAW_ITEMS[0], "chicago-author-date")
    assert "et al." in many["citation"]["text"]
    no_title = engine.render(RAW_ITEMS[1], "apa")["bibliography"]["text"]
    assert no_title.startswith("Doe, J. (2011")


def test_render_of_a_record_without_stored_citations_uses_the_engine(qapp, node_results):
    record = _records()[1]
    assert not citation.is_prerendered(record, "harvard-cite-them-right")
    answer = node_results["harvard-cite-them-right"].result()
    reference = next(r for r in answer["results"] if r["id"] == record.id)
    assert citation.render(record, "harvard-cite-them-right") == citation.Citation(**reference["bibliography"])
    assert "Smith" in reference["bibliography"]["text"]
    assert citation.render(record, "harvard-cite-them-right", in_text=True) == citation.Citation(
        **reference["citation"])


def test_engine_builds_each_style_once_and_lazily(qapp):
    fresh = CslEngine()
    assert not fresh.has_style("american-sociological-association")
    assert fresh.build("american-sociological-association") > 0
    assert fresh.has_style("american-sociological-association")
    assert fresh.build("american-sociological-association") == 0.0


def test_unknown_style_is_an_engine_error(engine):
    with pytest.raises(CslEngineError, match="no CSL style"):
        engine.render(csl_item(bundled_record()), "vancouver")


def test_a_style_citeproc_js_rejects_is_an_engine_error(engine):
    with pytest.raises(CslEngineError, match="citeproc-js failed"):
        engine.build("broken", "<style xmlns='http://purl.org/net/xbiblio/csl'><info></style>")


def test_runaway_recursion_is_an_engine_error_and_the_engine_goes_on(engine):
    """QuickJS's stack limit turns it into a JavaScript error, well before the thread's stack ends."""
    with pytest.raises(CslEngineError, match="stack overflow"):
        engine._evaluate("(function deeper(n) { return deeper(n + 1) + 1; })(0)", "<recursion>")
    entry = engine.render(csl_item(bundled_record(), "ieee"), "ieee")
    assert "Trafficking in human beings" in entry["bibliography"]["text"]


@pytest.mark.parametrize("odd", ["\ud800", "\udfff", "\x00", "\U0001f600"],
                         ids=["high-surrogate", "low-surrogate", "nul", "emoji"])
def test_text_quickjs_cannot_take_raw_crosses_intact(engine, odd):
    """A lone surrogate half crashed the process and a NUL cut the text short, before data crossed
    into QuickJS as JSON; names with it also go through localeCompare (the bibliography sort)."""
    title = f"Report {odd} on courts"
    record = dataclasses.replace(bundled_record(), id="odd", ncj_number="1", title=title,
                                 title_sentence_case=title, authors=(f"Smith{odd}, Ann",))
    other = dataclasses.replace(record, id="other", authors=(f"Smith{odd}e, Ann",))
    entry = engine.render(csl_item(record, "apa"), "apa")
    assert title in entry["bibliography"]["text"] and f"Smith{odd}, A." in entry["citation"]["text"] + \
        entry["bibliography"]["text"]
    listed = engine.render_bibliography([csl_item(other, "apa"), csl_item(record, "apa")], "apa")
    assert [e["id"] for e in listed["entries"]] == ["odd", "other"]
    assert listed["text"].count(title) == 2


def test_console_output_is_kept_for_take_messages(engine):
    engine._evaluate("console.warn('odd', 1); console.log('date')", "<console test>")
    assert engine.take_messages() == ["odd 1", "date"]
    assert engine.take_messages() == []


def test_engine_refuses_another_thread(engine):
    errors = []

    def use():
        try:
            engine.render(csl_item(bundled_record()), "american-sociological-association")
        except CslEngineError as exc:
            errors.append(str(exc))

    thread = threading.Thread(target=use)
    thread.start()
    thread.join()
    assert errors and "thread that created it" in errors[0]


class _Worker(QObject):
    done = Signal(object)

    @Slot()
    def run(self):
        try:
            engine = CslEngine()
            item = csl_item(bundled_record(), "harvard-cite-them-right")
            self.done.emit(engine.render(item, "harvard-cite-them-right"))
        except Exception as exc:  # reported to the test, which fails on it
            self.done.emit(exc)


def test_engine_works_in_a_background_qthread(qtbot):
    stored = json.loads(resource_path("citations", "ncj-203234.json").read_text(encoding="utf-8"))
    expected = {k: v for k, v in stored["styles"]["harvard-cite-them-right"].items() if k != "item"}
    thread = QThread()
    worker = _Worker()
    worker.moveToThread(thread)
    thread.started.connect(worker.run)
    try:
        with qtbot.waitSignal(worker.done, timeout=60_000) as blocker:
            thread.start()
    finally:
        thread.quit()
        thread.wait()
    assert blocker.args[0] == expected
