"""One bibliography of several records: the run-time engine (citeproc-js in QuickJS) equals citeproc-js under Node.

For every offered style, over a generated set of varied records (personal, corporate and no
author; two by one author in one year; titles starting with "The" and "A"; non-ASCII names; no
date), the same set in reverse, a set of sorting corners (accents, numbers, apostrophes, scripts)
and a single record: text, HTML and every entry, in order. Node renders the full, untouched
style; the engine builds each style's bibliography processor once for the module (the slow part,
seconds for the Chicago styles), while Node renders in a background thread.
"""

from __future__ import annotations

import dataclasses
import json
import subprocess
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pytest

from viewer.citeproc import citation, ticks
from viewer.citeproc import engine as csl_engine
from viewer.citeproc.citation import Citation, CitationError
from viewer.citeproc.engine import (CslEngine, RenderCancelled, has_bibliography_sort, without_citation_sort,
                                    without_sort)
from viewer.core.csl_item import csl_item
from viewer.core.resources import bundled_record, resource_path

ROOT = Path(__file__).resolve().parents[2]
STYLE_IDS = citation.style_ids()
URL = "https://www.ncjrs.gov/App/abstractdb/AbstractDBDetails.aspx?id="
SORTING_STYLES = {"apa", "modern-language-association", "chicago-author-date", "chicago-notes-bibliography",
                  "harvard-cite-them-right", "american-sociological-association"}


def records():
    """Six varied records, as the library would hold them (their items go through csl_item)."""
    base = bundled_record()

    def make(number, **changes):
        changes.setdefault("provenance", dataclasses.replace(base.provenance, url=URL + str(number)))
        return dataclasses.replace(base, id=f"ncj-{number}", ncj_number=str(number), **changes)

    return [
        make(300001, title="The Zebra Report on Juvenile Courts",
             title_sentence_case="The zebra report on juvenile courts",
             authors=("Smith, Jane",), issued_year=2003, issued_month=3, pages=40),
        base,  # no author: each style's own rule for a work without one
        make(300002, title="Prison Statistics 10: Jails & \u201cLockups\u201d",
             title_sentence_case="Prison statistics 10: Jails & \u201clockups\u201d",
             authors=("Bureau of Justice Statistics",), issued_year=1999, issued_month=None, pages=None),
        make(300003, title="Assessing Drug Courts", title_sentence_case="Assessing drug courts",
             authors=("Smith, Jane",), issued_year=2003, issued_month=None),
        make(300004, title="Trata de personas: análisis de la situación en América Latina",
             title_sentence_case="Trata de personas: análisis de la situación en América Latina",
             authors=("Øster, Åsa", "Ñúñez, José"), issued_year=2018, issued_month=2),
        make(300005, title="A Study of Jails", title_sentence_case="A study of jails",
             authors=("O'Neil, Siobhán",), issued_year=None, issued_month=None, provenance=None),
    ]


def _corner(key, family, title, year, given="Ann"):
    return {"id": f"c-{key}", "type": "report", "title": title, "author": [{"family": family, "given": given}],
            "issued": {"date-parts": [[year]]}}


# What the sort compares: accents equal at base strength (then the year decides), numbers by value,
# apostrophes ignored, other scripts after Latin.
CORNERS = [
    _corner("muller-2011", "Muller", "Sentencing", 2011),
    _corner("mueller-2005", "Müller", "Sentencing", 2005),
    _corner("report-10", "Ng", "Report 10", 2001),
    _corner("report-9", "Ng", "Report 9", 2001),
    _corner("oneil", "O'Neil", "Probation", 2000),
    _corner("oneal", "Oneal", "Probation", 2000),
    _corner("oster", "Oster", "Parole", 2004),
    _corner("ivanov", "Иванов", "Policing", 2004, given="Пётр"),
    _corner("wang", "王", "Courts", 2004, given="小明"),
    _corner("van-der-berg", "van der Berg", "Victims", 2004),
]


def bibliography_sets(style_id):
    items = [csl_item(record, style_id) for record in records()]
    return [items, list(reversed(items)), CORNERS, items[:1]]


def _node(script, request=None, args=()):
    proc = subprocess.run([script.node_executable(), *args], input=request, capture_output=True, text=True,
                          encoding="utf-8", cwd=script.CITEPROC_DIR)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def _node_bibliographies(script, style_id):
    request = {"style_xml": script.read_style(style_id), "locale_xml": script.read_locale(),
               "bibliographies": bibliography_sets(style_id)}
    return json.loads(_node(script, json.dumps(request), [str(script.RENDER_JS)]))


MACRO_INDEX_CHECK = r"""
const fs = require("fs"), path = require("path"), CSL = require("citeproc");
const NcjrsCite = require(path.resolve("../../resources/js/citeproc_driver.js"));
const check = {};
NcjrsCite.indexMacroLookups(CSL, check);
const dir = "../../resources/csl/styles";
const locale = fs.readFileSync("../../resources/csl/locales/locales-en-US.xml", "utf8");
const items = JSON.parse(fs.readFileSync(0, "utf8"));
for (const file of fs.readdirSync(dir)) {
    const engine = NcjrsCite.createEngine(CSL, fs.readFileSync(path.join(dir, file), "utf8"), locale);
    engine.bibliography(items);
    items.forEach((item) => engine.render(item));
}
console.log(JSON.stringify({lookups: check.lookups}));
"""


FORMATS_TOGETHER_CHECK = r"""
const fs = require("fs"), path = require("path"), CSL = require("citeproc");
const NcjrsCite = require(path.resolve("../../resources/js/citeproc_driver.js"));
const check = {};
NcjrsCite.renderFormatsTogether(CSL, check);
const dir = "../../resources/csl/styles";
const locale = fs.readFileSync("../../resources/csl/locales/locales-en-US.xml", "utf8");
const sets = JSON.parse(fs.readFileSync(0, "utf8"));
for (const file of fs.readdirSync(dir)) {
    const engine = NcjrsCite.createEngine(CSL, fs.readFileSync(path.join(dir, file), "utf8"), locale);
    sets.forEach((items) => engine.bibliography(items));
}
console.log(JSON.stringify({bibliographies: check.bibliographies}));
"""

# Items whose text and HTML differ most: markup citeproc-js reads in titles, what HTML escapes,
# double spaces, superscript digits, links, a number range.
MARKUP_ITEMS = [
    {"id": "m-1", "type": "article-journal", "title": "Crime & <i>Punishment</i> in <b>Two</b>  Cities²",
     "author": [{"family": "Smith", "given": "Ann"}], "issued": {"date-parts": [[2003]]},
     "container-title": "Law <sc>Review</sc> \"Q\"", "page": "10-19", "volume": "3", "issue": "2",
     "URL": "https://example.org/a?b=1&c=<2>", "DOI": "10.1000/x&y"},
    {"id": "m-2", "type": "report", "title": "\u201cQuoted\u201d and 'single' <sup>th</sup> a < b > c",
     "author": [{"family": "Smith", "given": "Ann"}], "issued": {"date-parts": [[2003]]},
     "publisher": "A & B Press", "number-of-pages": "5"},
    {"id": "m-3", "type": "book", "title": "Same Author Again", "editor": [{"family": "Smith", "given": "Ann"}],
     "author": [{"literal": "Agency <for> Justice & Safety"}], "issued": {"date-parts": [[2003, 5, 1]]}},
]


@pytest.fixture(scope="module")
def node(render_script):
    """Futures of citeproc-js's (Node) answers: per style, and the macro index check; fails without Node."""
    script = render_script
    pool = ThreadPoolExecutor(max_workers=1)  # one Node at a time: the engine builds meanwhile
    futures: dict[str, Future] = {s: pool.submit(_node_bibliographies, script, s) for s in STYLE_IDS}
    futures["macro-index"] = pool.submit(_node, script, json.dumps(CORNERS), ["-e", MACRO_INDEX_CHECK])
    sets = [*bibliography_sets("apa")[:1], CORNERS, MARKUP_ITEMS, MARKUP_ITEMS + CORNERS]
    futures["formats-together"] = pool.submit(_node, script, json.dumps(sets), ["-e", FORMATS_TOGETHER_CHECK])
    yield futures
    pool.shutdown(wait=True)


@pytest.fixture(scope="module")
def engine(qapp):
    return CslEngine()


@pytest.fixture
def fresh_engine(qapp, monkeypatch):
    """A new engine, also the main thread's engine (what citation.bibliography uses) for the test.
    One per style keeps each engine's heap small: a build slows down as processors pile up in
    one engine."""
    made = CslEngine()
    monkeypatch.setattr(csl_engine._local, "engine", made, raising=False)
    return made


@pytest.mark.parametrize("style_id", [
    pytest.param(s, marks=pytest.mark.slow) if s.startswith("chicago") else s for s in STYLE_IDS])
def test_bibliography_equals_citeproc_js_under_node(style_id, fresh_engine, node):
    engine = fresh_engine
    sets = bibliography_sets(style_id)
    ours = [engine.render_bibliography(items, style_id) for items in sets]
    answer = node[style_id].result()
    assert answer["citeproc"]["processor_version"] == engine.processor_version
    for mine, reference, items in zip(ours, answer["bibliographies"], sets):
        assert [e["id"] for e in mine["entries"]] == [e["id"] for e in reference["entries"]], style_id
        assert mine == reference, style_id
        assert sorted(e["index"] for e in mine["entries"]) == list(range(len(items)))
        assert mine["text"] == "\n".join(e["text"] for e in mine["entries"])
        assert mine["html"] == "\n".join(f'<div class="csl-entry">{e["html"]}</div>' for e in mine["entries"])
    assert engine.take_messages() == []
    # what the command line gets: the records' bibliography, through citation.bibliography
    assert citation.bibliography(records(), style_id) == Citation(ours[0]["text"], ours[0]["html"])
    # a style with a bibliography <sort> got its own processor; the others serve from the single one
    assert (style_id in engine.bibliography_build_seconds) == (style_id in SORTING_STYLES)
    assert engine.has_style(style_id) == (style_id not in SORTING_STYLES)


@pytest.mark.parametrize(("style_id", "options"), [
    ("american-sociological-association", {"keep_sort": True}),  # the full style: one processor
    ("harvard-cite-them-right", {"index_macros": False}),  # citeproc-js's own macro look-ups
    ("apa", {"formats_together": False}),  # one makeBibliography() per format
])
def test_other_engine_configurations_give_the_same_bibliographies(style_id, options, qapp, node):
    other = CslEngine(**options)
    ours = [other.render_bibliography(items, style_id) for items in bibliography_sets(style_id)]
    assert ours == node[style_id].result()["bibliographies"]
    assert other.bibliography_build_seconds == {} if options.get("keep_sort") else other.build_seconds == {}


def test_order_is_the_style_s(node):
    """Sorting styles order by author then year (year suffixes follow); IEEE numbers in the order given."""
    ids = [r.id for r in records()]
    apa = [node["apa"].result()["bibliographies"][k] for k in (0, 1)]
    assert [e["id"] for e in apa[0]["entries"]] == [e["id"] for e in apa[1]["entries"]]  # input order aside
    texts = [e["text"] for e in apa[0]["entries"]]
    smith = [t for t in texts if t.startswith("Smith, J.")]
    assert [t[:18] for t in smith] == ["Smith, J. (2003a).", "Smith, J. (2003b)."]
    assert "Assessing drug courts" in smith[0]  # the suffixes follow the title order
    ieee = [node["ieee"].result()["bibliographies"][k] for k in (0, 1)]
    assert [e["id"] for e in ieee[0]["entries"]] == ids
    assert [e["id"] for e in ieee[1]["entries"]] == ids[::-1]
    assert [e["text"][:4] for e in ieee[1]["entries"]] == ["[1] ", "[2] ", "[3] ", "[4] ", "[5] ", "[6] "]
    assert ieee[0]["html"].startswith('<div class="csl-entry"><span class="csl-left-margin">[1]</span> ')
    mla = [e["text"] for e in node["modern-language-association"].result()["bibliographies"][0]["entries"]]
    assert sum(t.startswith("———") for t in mla) == 1  # MLA's subsequent-author substitution
    corners = [e["id"] for e in node["chicago-author-date"].result()["bibliographies"][2]["entries"]]
    assert corners.index("c-mueller-2005") < corners.index("c-muller-2011")  # accents aside, year decides
    assert corners.index("c-report-9") < corners.index("c-report-10")
    assert corners.index("c-oneal") < corners.index("c-oneil")


def test_style_without_bibliography_lists_full_citations_in_the_order_given(node):
    answer = node["bluebook-law-review"].result()
    assert answer["has_bibliography"] is False
    given, reverse = answer["bibliographies"][0], answer["bibliographies"][1]
    assert given["bibliography_is_citation"] is True
    assert [e["id"] for e in given["entries"]] == [r.id for r in records()]
    assert [e["id"] for e in reverse["entries"]] == [r.id for r in records()][::-1]
    stored = citation.render(bundled_record(), "bluebook-law-review", in_text=True)
    assert given["entries"][1]["text"] == stored.text  # each is the item's full citation


@pytest.mark.parametrize("style_id", STYLE_IDS)
def test_one_record_bibliography_from_its_stored_entry_equals_the_engine(style_id, engine):
    record = bundled_record()
    assert citation.is_prerendered(record, style_id)
    rendered = engine.render_bibliography([csl_item(record, style_id)], style_id)
    assert citation.bibliography([record, record], style_id) == citation.from_bibliography(rendered)


def test_no_records_and_unknown_styles_are_errors():
    with pytest.raises(CitationError, match="at least one record"):
        citation.bibliography([], "apa")
    with pytest.raises(KeyError, match="vancouver"):
        citation.bibliography(records(), "vancouver")


def test_a_record_the_style_s_bibliography_leaves_out_is_said_not_an_engine_failure():
    """Antipode's entries need an author: a record without one has no entry (citeproc-js leaves it
    out). Its citation still renders; the entry is citeproc-js's own "no printed form" text; a
    bibliography of several says how many it leaves out."""
    base = bundled_record()
    assert citation.render(base, "antipode", locator="4").text == "[CSL STYLE ERROR: reference with no printed form.]"
    assert "2003" in citation.render(base, "antipode", in_text=True, locator="4").text
    with pytest.raises(CitationError, match=r"leaves out 2 of these 7 records"):  # base and its copy
        citation.bibliography(records() + [dataclasses.replace(base, id="ncj-9")], "antipode")


@pytest.mark.parametrize("style_id", STYLE_IDS)
def test_without_citation_sort_keeps_the_bibliography_sort(style_id):
    xml = resource_path("csl", "styles", f"{style_id}.csl").read_text(encoding="utf-8")
    reduced = without_citation_sort(xml)
    assert has_bibliography_sort(reduced) == has_bibliography_sort(xml) == (style_id in SORTING_STYLES)
    assert without_sort(reduced) == without_sort(xml)  # only a <sort> went
    assert "<citation" in reduced and "<bibliography" in reduced or style_id == "bluebook-law-review"


def test_macro_index_answers_as_the_tree_walk_in_every_style(node):
    """Every macro look-up citeproc-js makes, building and rendering all offered styles, checked."""
    assert json.loads(node["macro-index"].result())["lookups"] > 20_000


def test_formats_together_give_what_one_format_at_a_time_gives_in_every_style(node):
    """Text and HTML from one layout of each entry equal citeproc-js's two makeBibliography() calls."""
    styles = [p.read_text(encoding="utf-8") for p in resource_path("csl", "styles").glob("*.csl")]
    with_bibliography = sum("<bibliography" in xml for xml in styles)  # Bluebook lists citations instead
    assert json.loads(node["formats-together"].result())["bibliographies"] == 4 * with_bibliography == 28


def test_a_cancel_while_the_processor_is_built_stops_it_and_leaves_no_trace(engine):
    """A sorted processor takes seconds to build: Cancel (or quitting) must not wait for it."""
    items = bibliography_sets("apa")[0]
    asked = []
    cancelled = CslEngine()
    with pytest.raises(RenderCancelled):
        cancelled.render_bibliography(items, "apa", progress=lambda done, total: asked.append(done) or len(asked) < 3)
    assert asked == [0, 0, 0]  # asked while building, before any item was fetched
    assert "apa" not in cancelled.bibliography_build_seconds
    assert cancelled.render_bibliography(items, "apa") == engine.render_bibliography(items, "apa")


def test_a_cancel_is_asked_between_the_counted_ticks_too(engine, monkeypatch):
    """Sort keys and disambiguation of hundreds of items fetch nothing for seconds: each cite laid
    out asks as well (here at once: no time between asks), without counting."""
    monkeypatch.setattr(ticks, "BETWEEN_ASKS_MS", 0)
    items = bibliography_sets("apa")[0]
    cancelled = CslEngine()
    cancelled.build_bibliography("apa")
    seen = []

    def progress(done, total):
        seen.append(done)
        return len(seen) < 2 or seen[-1] != seen[-2]  # stop at the first ask that counted no tick

    with pytest.raises(RenderCancelled):
        cancelled.render_bibliography(items, "apa", progress=progress)
    assert seen[-1] < len(items)  # well before the entries
    assert cancelled.render_bibliography(items, "apa") == engine.render_bibliography(items, "apa")


def test_markup_items_render_as_under_node(engine, render_script):
    """The items whose text and HTML differ most, through the engine (formats together) and Node."""
    request = {"style_xml": render_script.read_style("apa"), "locale_xml": render_script.read_locale(),
               "bibliographies": [MARKUP_ITEMS]}
    expected = json.loads(_node(render_script, json.dumps(request), [str(render_script.RENDER_JS)]))
    assert engine.render_bibliography(MARKUP_ITEMS, "apa") == expected["bibliographies"][0]


# Pairs citeproc-js's sort compares: (a, b), each with Node's answer taken at test time.
COLLATION_PAIRS = [
    ("o'neil", "oneal"), ("report 10", "report 9"), ("müller", "muller"), ("müller", "mullerz"),
    ("øster", "oster"), ("øster", "ostez"), ("ñúñez", "nunez"), ("đorđević", "dorzz"), ("[x", "x"),
    ("a-b", "ab"), ("ab", "a b"), ("иванов", "zed"), ("王", "иванов"), ("smith|jane", "smith|john"),
    ("smith", "smith-jones"), ("a", "A"), ("æther", "aether"), ("æther", "afz"), ("straße", "strasse"),
    ("łódź", "lodz"), ("dale|", "daleb"), ("van der berg", "vanderberg"), ("2003-03", "2003-3"),
]


def test_locale_compare_in_the_engine_equals_node(engine, render_script):
    script = render_script
    options = "{sensitivity: 'base', ignorePunctuation: true, numeric: true}"
    program = (f"JSON.stringify({json.dumps(COLLATION_PAIRS)}.map(function (p) {{ return ["
               f"p[0].localeCompare(p[1], 'en-US', {options}), p[0].localeCompare(p[1], 'en-US'), "
               f"p[0].localeCompare(p[1])]; }}))")
    expected = json.loads(_node(script, None, ["-p", program]))
    ours = json.loads(engine._evaluate(program, "<collation test>"))
    for pair, mine, theirs in zip(COLLATION_PAIRS, ours, expected):
        sign = [(x > 0) - (x < 0) for x in theirs]
        assert mine == sign, pair


# --- the citation service: bibliographies off the GUI thread ---------------------------------------




def test_request_bibliography_renders_in_the_worker_and_is_cached(qtbot, tmp_path, make_service, node):
    style_id = "american-sociological-association"
    chosen = records()
    service = make_service(tmp_path)
    assert service.lookup_bibliography(chosen, style_id) is None
    with qtbot.waitSignal(service.bibliography_ready, timeout=60_000) as ready:
        token = service.request_bibliography(chosen, style_id)
    reference = node[style_id].result()["bibliographies"][0]
    assert ready.args == [token, Citation(reference["text"], reference["html"])]
    assert token == service.bibliography_token(chosen, style_id)
    assert service.lookup_bibliography(chosen, style_id) == ready.args[1]
    # a bibliography at hand still answers through the event loop, after the request returned
    with qtbot.waitSignal(service.bibliography_ready, timeout=5_000) as again:
        assert service.request_bibliography(chosen + chosen[:1], style_id) == token  # a repeat is listed once
    assert again.args == ready.args
    service.shutdown()
    later = make_service(tmp_path)  # the next launch: from disk, no engine
    assert later.lookup_bibliography(chosen, style_id) == ready.args[1]
    assert later.worker_thread is None
    assert service.bibliography_token(chosen[::-1], style_id) != token  # order matters (IEEE numbers by it)


def test_one_bundled_record_needs_no_worker(qtbot, make_service):
    service = make_service()
    with qtbot.waitSignal(service.bibliography_ready, timeout=5_000) as ready:
        token = service.request_bibliography([bundled_record()], "apa")
    assert ready.args == [token, citation.bibliography([bundled_record()], "apa")]
    assert service.worker_thread is None


def test_request_bibliography_reports_failures(qtbot, make_service, monkeypatch):
    def failing(items, style_id, engine=None, locale=None, progress=None):
        raise csl_engine.CslEngineError("citeproc-js failed in <bibliography ieee>: boom")

    monkeypatch.setattr(csl_engine, "render_bibliography", failing)
    service = make_service()
    with qtbot.waitSignal(service.bibliography_failed, timeout=60_000) as failed:
        token = service.request_bibliography(records(), "ieee")
    assert failed.args == [token, "IEEE: citeproc-js failed in <bibliography ieee>: boom"]
    assert service.lookup_bibliography(records(), "ieee") is None

