"""The run-time CSL engine: citeproc-js inside Qt's QJSEngine, for records without pre-rendered citations.

It runs the same citeproc-js file (``resources/js/citeproc.js``, npm ``citeproc``, byte for byte)
and the same glue (``resources/js/citeproc_driver.js``) as the reference renderer under Node
(``scripts/citeproc/render.js``), so its output equals the reference output; the tests compare,
over the bundled record and a varied generated set, in every offered style.

Build cost, and the one liberty taken. Building a citeproc-js processor for a style is slow under
QJSEngine (APA 6-9 s of CPU, Chicago 10-22 s on this machine), and profiling shows nearly all of it
is spent compiling the style's ``<sort>`` keys (each key re-expands every macro it names, and
citeproc-js looks each macro up by walking the whole style tree). Every render here holds exactly
one item (see the driver), and sorting one item, or one citation with one cite, is a no-op, so
by default the engine builds each style from its ``.csl`` text with the ``<sort>`` elements
removed: APA then builds in about 0.2 s, Chicago notes in about 1 s. Nothing else of the style,
and nothing of citeproc-js, is changed; the comparison with Node (full, untouched style) is what
shows the outputs stay equal. ``CslEngine(keep_sort=True)`` builds the full style.

Loading citeproc-js itself into a QJSEngine takes about 0.1-0.3 s; rendering one item (its
bibliography entry and citation, text and HTML) some 30 ms, and an entry of a bibliography of
many about 35-55 ms (APA; IEEE 3-7 ms): QJSEngine runs citeproc-js about ten times slower than
Node's V8 (a bibliography of 500 records: APA 19 s here, Node 1.7 s).

Bibliographies of several items (:meth:`CslEngine.render_bibliography`) do need the sort: the
order of the entries, and the year suffixes ("2003a") that follow it, come from the style's
bibliography ``<sort>``. For a style that has one (APA, MLA, both Chicago styles, Harvard, ASA)
the engine builds, lazily and once, a second processor from the ``.csl`` text with only the
``<citation>``'s ``<sort>`` removed: a bibliography never shows a citation of several cites,
which is all that sort orders (year suffixes follow the bibliography sort in citeproc-js), and
dropping it halves APA's build. A style without a bibliography sort (IEEE numbers its entries in
the order the items are given; Bluebook has no bibliography) and any one-item bibliography use
the single-item processor, and so does the bibliography processor, once built, for one item.
Measured on this machine (2 cores shared with other work, so +-30 %), seconds of QJSEngine build:
APA 15.3 with both sorts, 7.3 without the citation sort, 1.8-2.7 with the macro index too;
Chicago author-date 18.2 (no citation sort to drop), 6.7-9.7 with the index; Chicago notes 24.0,
5.3-9 with the index; MLA, Harvard, ASA 0.03-0.4. A processor built in an engine that already
holds others builds slower (a larger heap for QJSEngine's garbage collector to mark).

Two additions to this engine's JavaScript (``citeproc.js`` itself is loaded unchanged, and Node,
the reference, runs without either):

- ``String.prototype.localeCompare``: QJSEngine's ignores the locale and options arguments
  (ECMA-402) and compares UTF-16 code units, so "Øster" would sort after "Smith" and "Report 10"
  before "Report 9". citeproc-js sorts with ``localeCompare(b, "en-US", {sensitivity: "base",
  ignorePunctuation: true, numeric: true})``, which Node answers with ICU; here it is answered
  by :class:`_Collator` (Qt's ``QCollator``, ICU-backed in Qt's Linux builds, with accents
  folded for ``base``). The tests compare it with Node on a list of hard pairs.
- ``NcjrsCite.indexMacroLookups`` (resources/js/citeproc_driver.js) replaces, in this engine
  only, citeproc-js's ``CSL.XmlJSON.prototype.getNodesByName`` for one call: finding a macro by
  name, which walks the whole style tree, thousands of times while sort keys compile. An index
  answers it with the same nodes in the same order (a Node test checks every answer against the
  walk, building and rendering all offered styles). It cuts the builds above by 1.6-3 times;
  ``CslEngine(index_macros=False)`` leaves it out.

Thread affinity: a :class:`CslEngine` and everything it built belong to the thread that created
it (a QJSEngine must only be used from its own thread). Create it, and call it, in one worker
``QThread``; :func:`render_item` keeps one engine per thread for that. A ``QCoreApplication``
must exist first (QJSEngine aborts otherwise); :func:`render_item` creates one when called from
the main thread of a program that has none (the command line).
"""

from __future__ import annotations

import json
import re
import threading
import time
import unicodedata
import xml.etree.ElementTree as ET
from functools import lru_cache
from typing import Any

from PySide6.QtCore import QCoreApplication, QCollator, QLocale, QObject, Qt, QThread, Slot
from PySide6.QtQml import QJSEngine, QJSValue

from viewer.resources import resource_path

LOCALE = "en-US"

# <sort> holds only <key> elements and never nests.
_SORT_ELEMENT = re.compile(r"<sort\b[^>]*/>|<sort\b[^>]*>.*?</sort\s*>", re.DOTALL)


_CITATION_ELEMENT = re.compile(r"<citation(?=[\s>]).*?</citation\s*>", re.DOTALL)
_CSL_NS = "{http://purl.org/net/xbiblio/csl}"


def without_sort(style_xml: str) -> str:
    """The style with its <sort> elements removed: the same output for a single item, built much faster."""
    return _SORT_ELEMENT.sub("", style_xml)


def without_citation_sort(style_xml: str) -> str:
    """The style with the <citation>'s <sort> removed, its bibliography's kept: the same bibliography."""
    return _CITATION_ELEMENT.sub(lambda m: without_sort(m.group(0)), style_xml)


def has_bibliography_sort(style_xml: str) -> bool:
    """True when the style's <bibliography> has a <sort> (its entries are then ordered by it)."""
    root = ET.fromstring(style_xml.encode("utf-8"))
    return root.find(f"{_CSL_NS}bibliography/{_CSL_NS}sort") is not None


class CslEngineError(RuntimeError):
    """citeproc-js failed (style or item it cannot handle) or could not be loaded."""


class CslEngine:
    """citeproc-js in one QJSEngine, with one citeproc processor per style, built on first use."""

    def __init__(self, keep_sort: bool = False, index_macros: bool = True) -> None:
        if QCoreApplication.instance() is None:
            raise CslEngineError("a QCoreApplication must exist before a CslEngine is created")
        self._thread = QThread.currentThread()
        self.keep_sort = keep_sort
        self._js = QJSEngine()
        self._messages: list[str] = []
        self.build_seconds: dict[str, float] = {}  # style id -> time its processor took to build
        # style id -> time its bibliography processor (bibliography <sort> kept) took to build
        self.bibliography_build_seconds: dict[str, float] = {}
        self._sorted_bibliography: dict[str, bool] = {}  # style id -> has a bibliography <sort>
        started = time.perf_counter()
        self._install_console()
        self._install_collation()
        citeproc = self._evaluate(
            # citeproc.js is CommonJS: give it a module object and keep what it exports.
            "(function () { var module = {exports: {}}; var exports = module.exports;\n"
            + _read_js("citeproc.js")
            + "\nreturn module.exports; })()",
            "citeproc.js",
        )
        self._js.globalObject().setProperty("CSL", citeproc)
        self._evaluate(_read_js("citeproc_driver.js"), "citeproc_driver.js")
        if index_macros:
            self._evaluate("NcjrsCite.indexMacroLookups(CSL, null);", "<index macros>")
        self._evaluate("var ncjrsEngines = {}; var ncjrsBibEngines = {};", "<setup>")
        self._locale_xml = resource_path("csl", "locales", f"locales-{LOCALE}.xml").read_text(encoding="utf-8")
        self.load_seconds = time.perf_counter() - started
        self.processor_version = self._evaluate("CSL.PROCESSOR_VERSION", "<version>").toString()

    # --- public ---------------------------------------------------------------------------

    def has_style(self, style_id: str) -> bool:
        """True once the style's processor is built (rendering in it is then fast)."""
        return style_id in self.build_seconds

    def build(self, style_id: str, style_xml: str | None = None) -> float:
        """Build the processor for ``style_id`` now (from the bundled .csl unless ``style_xml``); seconds taken."""
        self._check_thread()
        if style_id in self.build_seconds:
            return 0.0
        if style_xml is None:
            style_xml = _read_style(style_id)
        if not self.keep_sort:
            style_xml = without_sort(style_xml)
        self.build_seconds[style_id] = seconds = self._create("ncjrsEngines", style_id, style_xml)
        return seconds

    def has_bibliography_style(self, style_id: str) -> bool:
        """True once a bibliography of several items in ``style_id`` needs no build."""
        if self._needs_sorted_processor(style_id):
            return style_id in self.bibliography_build_seconds
        return self.has_style(style_id)

    def build_bibliography(self, style_id: str, style_xml: str | None = None) -> float:
        """Build what a bibliography of several items in ``style_id`` needs; seconds taken.

        For a style with a bibliography ``<sort>`` (and an engine without ``keep_sort``) that is a
        second processor, from the style with only its citation ``<sort>`` removed; otherwise the
        single-item processor serves (see :meth:`build`).
        """
        self._check_thread()
        if not self._needs_sorted_processor(style_id, style_xml):
            return self.build(style_id, style_xml)
        if style_id in self.bibliography_build_seconds:
            return 0.0
        if style_xml is None:
            style_xml = _read_style(style_id)
        seconds = self._create("ncjrsBibEngines", style_id, without_citation_sort(style_xml))
        self.bibliography_build_seconds[style_id] = seconds
        return seconds

    def render_bibliography(self, items: list[dict[str, Any]], style_id: str) -> dict[str, Any]:
        """One bibliography of several CSL-JSON items, ordered as the full style orders it.

        ``{"entries": [{"index", "id", "text", "html"}, ...], "text": str, "html": str,
        "bibliography_is_citation": bool}``, exactly as ``scripts/citeproc/render.js
        --bibliography`` gives it (see ``NcjrsCite``'s ``bibliography`` in the driver): entries in
        the bibliography's order, ``index`` their position in ``items``; the items in the order
        they are cited (a numeric style numbers them so); text the entries a line each, html
        each entry in a ``<div class="csl-entry">``. A style without a bibliography (Bluebook):
        each item's full citation, in the order given.
        """
        items = list(items)
        if self._needs_sorted_processor(style_id) and (
                len(items) > 1 or style_id in self.bibliography_build_seconds):
            self.build_bibliography(style_id)
            processors = "ncjrsBibEngines"
        else:
            self.build(style_id)  # one item (or no bibliography sort): nothing to order
            processors = "ncjrsEngines"
        glob = self._js.globalObject()
        glob.setProperty("ncjrsStyleId", QJSValue(style_id))
        glob.setProperty("ncjrsItems", QJSValue(json.dumps(items, ensure_ascii=False)))
        answer = self._evaluate(
            f"JSON.stringify({processors}[ncjrsStyleId].bibliography(JSON.parse(ncjrsItems)))",
            f"<bibliography {style_id}>",
        )
        return json.loads(answer.toString())

    def render(self, item: dict[str, Any], style_id: str) -> dict[str, Any]:
        """Render one CSL-JSON item: ``{"bibliography": {"text", "html"}, "citation": {...},
        "bibliography_is_citation": bool}`` exactly as scripts/citeproc/render.js gives it."""
        self.build(style_id)
        glob = self._js.globalObject()
        glob.setProperty("ncjrsStyleId", QJSValue(style_id))
        glob.setProperty("ncjrsItem", QJSValue(json.dumps(item, ensure_ascii=False)))
        answer = self._evaluate(
            "JSON.stringify(ncjrsEngines[ncjrsStyleId].render(JSON.parse(ncjrsItem)))", f"<render {style_id}>"
        )
        return json.loads(answer.toString())

    def take_messages(self) -> list[str]:
        """Warnings citeproc-js printed to its console since the last call."""
        messages, self._messages = self._messages, []
        return messages

    # --- inside ---------------------------------------------------------------------------

    def _create(self, processors: str, style_id: str, style_xml: str) -> float:
        started = time.perf_counter()
        glob = self._js.globalObject()
        glob.setProperty("ncjrsStyleId", QJSValue(style_id))
        glob.setProperty("ncjrsStyleXml", QJSValue(style_xml))
        glob.setProperty("ncjrsLocaleXml", QJSValue(self._locale_xml))
        self._evaluate(
            f"{processors}[ncjrsStyleId] = NcjrsCite.createEngine(CSL, ncjrsStyleXml, ncjrsLocaleXml);"
            " ncjrsStyleXml = null;",
            f"<build {style_id}>",
        )
        return time.perf_counter() - started

    def _needs_sorted_processor(self, style_id: str, style_xml: str | None = None) -> bool:
        """A style whose bibliography has a <sort> needs its own processor, unless this engine keeps sorts."""
        if self.keep_sort:
            return False
        known = self._sorted_bibliography.get(style_id)
        if known is None:
            try:
                known = has_bibliography_sort(style_xml if style_xml is not None else _read_style(style_id))
            except ET.ParseError as exc:
                raise CslEngineError(f"CSL style {style_id!r} is not well-formed XML: {exc}") from None
            self._sorted_bibliography[style_id] = known
        return known

    def _install_collation(self) -> None:
        # QJSEngine's localeCompare ignores locale and options: answer it with ICU through QCollator.
        self._collator = _Collator()
        QJSEngine.setObjectOwnership(self._collator, QJSEngine.ObjectOwnership.CppOwnership)
        self._js.globalObject().setProperty("ncjrsCollator", self._js.newQObject(self._collator))
        self._evaluate(
            "(function (collator) {"
            " String.prototype.localeCompare = function (that, locales, options) {"
            "  options = options || {};"
            "  return collator.compare(String(this), String(that), String(options.sensitivity || 'variant'),"
            "   !!options.ignorePunctuation, !!options.numeric);"
            " };"
            "})(ncjrsCollator); delete ncjrsCollator;",
            "<localeCompare>",
        )

    def _install_console(self) -> None:
        # citeproc-js reports oddities with console.log; keep them out of Qt's message handler.
        self._evaluate(
            "var ncjrsConsole = [];"
            "var console = {log: function () { ncjrsConsole.push(Array.prototype.join.call(arguments, ' ')); }};"
            "console.warn = console.error = console.info = console.debug = console.log;",
            "<console>",
        )

    def _evaluate(self, program: str, name: str) -> QJSValue:
        self._check_thread()
        value = self._js.evaluate(program, name)
        self._collect_console()
        if value.isError():
            raise CslEngineError(
                f"citeproc-js failed in {name}: {value.toString()} (line {value.property('lineNumber').toInt()})"
            )
        return value

    def _collect_console(self) -> None:
        pending = self._js.globalObject().property("ncjrsConsole")
        length = pending.property("length").toInt() if pending.isArray() else 0
        if length:
            self._messages.extend(pending.property(i).toString() for i in range(length))
            self._js.evaluate("ncjrsConsole.length = 0;")

    def _check_thread(self) -> None:
        if QThread.currentThread() is not self._thread:
            raise CslEngineError("a CslEngine must be used from the thread that created it")


class _Collator(QObject):
    """``String.prototype.localeCompare(that, "en-US", options)`` as ICU (and so Node) answers it.

    QCollator (ICU in Qt's Linux builds; the platform's collation elsewhere) with the options
    citeproc-js passes: ``numeric``, ``ignorePunctuation`` (ICU "shifted"), and a sensitivity.
    QCollator offers no primary strength, so ``base`` and ``case`` (which ignore accents) compare
    strings with their accents folded away (:func:`_fold_accents`), case-insensitively for
    ``base`` and ``accent``. Only en-US is bundled, so the locale is always en-US.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._collators: dict[tuple[bool, bool, bool], QCollator] = {}

    @Slot(str, str, str, bool, bool, result=int)
    def compare(self, a: str, b: str, sensitivity: str, ignore_punctuation: bool, numeric: bool) -> int:
        case_sensitive = sensitivity not in ("base", "accent")
        if sensitivity in ("base", "case"):
            a, b = _fold_accents(a), _fold_accents(b)
        key = (case_sensitive, ignore_punctuation, numeric)
        collator = self._collators.get(key)
        if collator is None:
            collator = QCollator(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
            collator.setCaseSensitivity(
                Qt.CaseSensitivity.CaseSensitive if case_sensitive else Qt.CaseSensitivity.CaseInsensitive)
            collator.setIgnorePunctuation(ignore_punctuation)
            collator.setNumericMode(numeric)
            self._collators[key] = collator
        result = collator.compare(a, b)
        return (result > 0) - (result < 0)


# Letters without a decomposition that ICU's root collation still treats as a base letter (or two)
# with an accent: equal to it at "base" sensitivity (found by asking Node, over U+00C0-U+024F).
_BASE_LETTERS = str.maketrans({
    "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ß": "ss", "ø": "o", "Ø": "O", "ð": "d", "Ð": "D",
    "đ": "d", "Đ": "D", "ħ": "h", "Ħ": "H", "ł": "l", "Ł": "L",
})


@lru_cache(maxsize=4096)
def _fold_accents(text: str) -> str:
    """``text`` without what ICU weighs below the base letter: accents, ligature and width forms."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn").translate(_BASE_LETTERS)


def _read_js(name: str) -> str:
    return resource_path("js", name).read_text(encoding="utf-8")


def _read_style(style_id: str) -> str:
    path = resource_path("csl", "styles", f"{style_id}.csl")
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CslEngineError(f"no bundled CSL style {style_id!r} ({path})") from None


# One engine per thread: each worker thread that renders keeps its own QJSEngine.
_local = threading.local()
_app_guard = threading.Lock()


def engine_for_this_thread() -> CslEngine:
    engine = getattr(_local, "engine", None)
    if engine is None:
        _ensure_application()
        engine = _local.engine = CslEngine()
    return engine


def render_item(item: dict[str, Any], style_id: str) -> dict[str, Any]:
    """Render a CSL-JSON item in ``style_id`` with this thread's engine (built on first use: slow)."""
    return engine_for_this_thread().render(item, style_id)


def render_bibliography(items: list[dict[str, Any]], style_id: str) -> dict[str, Any]:
    """One bibliography of ``items`` in ``style_id`` with this thread's engine (see
    :meth:`CslEngine.render_bibliography`; the first one in a sorting style builds for seconds)."""
    return engine_for_this_thread().render_bibliography(items, style_id)


def _ensure_application() -> None:
    with _app_guard:
        if QCoreApplication.instance() is None:
            if threading.current_thread() is not threading.main_thread():
                raise CslEngineError("create the QApplication before rendering citations in a worker thread")
            # The command line has no application object; QJSEngine needs one.
            global _cli_app
            _cli_app = QCoreApplication([])


_cli_app: QCoreApplication | None = None
