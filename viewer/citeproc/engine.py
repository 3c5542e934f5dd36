"""The run-time CSL engine: citeproc-js inside QuickJS, for records without pre-rendered citations.

It runs the same citeproc-js file (``resources/js/citeproc.js``, npm ``citeproc``, byte for byte)
and the same glue (``resources/js/citeproc_driver.js``) as the reference renderer under Node
(``scripts/citeproc/render.js``), so its output equals the reference output; the tests compare,
over the bundled record and a varied generated set, in every offered style.

Why QuickJS (the ``quickjs`` package: Fabrice Bellard's ES2020 interpreter, one 1 MB extension
module): Qt's QJSEngine gave the same results but took QtQml, QtNetwork and Kerberos into the
executable (12 MB more to unpack at each start of the one-file build), and ran half as fast.

Build cost, and the one liberty taken. Building a processor for a full style takes seconds (APA,
Chicago), nearly all of it compiling the style's ``<sort>`` keys. Every render here holds exactly
one item (see the driver), and sorting one item, or one citation with one cite, is a no-op, so by
default the engine builds each style from its ``.csl`` text with the ``<sort>`` elements removed.
Nothing else of the style, and nothing of citeproc-js, is changed; the comparison with Node (full,
untouched style) shows the outputs stay equal. ``CslEngine(keep_sort=True)`` builds the full style.

Bibliographies of several items (:meth:`CslEngine.render_bibliography`) need the sort: the order
of the entries, and the year suffixes ("2003a") that follow it. For a style with a bibliography
``<sort>`` (APA, MLA, both Chicago styles, Harvard, ASA) the engine builds, once, a second
processor from the ``.csl`` text with only the ``<citation>``'s ``<sort>`` removed (a
bibliography never shows a citation of several cites, which is all that sort orders; dropping it
halves APA's build). A style without one (IEEE numbers its entries in the order given; Bluebook
has no bibliography) and any one-item bibliography use the single-item processor.

Figures (``scripts/bench_copy.py --bibliography 500 --bibliography-only [--node]``, 2 shared
cores, loaded): loading citeproc-js 0.04-0.1 s; a style without ``<sort>`` builds in 0.03-0.27 s;
one item 4-38 ms; 500 records in APA: the sorted processor built in 1.2-3 s (ahead, once several
records are selected: :meth:`CslEngine.prepare_bibliography`), the render 17-21 s of CPU, all
citeproc-js's own work, interpreted (no JIT; Node takes 3-4.5 s): ``updateItems`` (citation forms
1.7-2 s, sort keys 1.8-2.8 s, disambiguation 2.7-6 s) and the entries (8-9 s, both formats at once).
QuickJS's cycle collector waits while a processor is built or a bibliography laid out (see
:mod:`viewer.citeproc.quickjs_gc`). Ours is under 1 % (JSON in and out, 5,000 localeCompare).

Three additions to this engine's JavaScript (``citeproc.js`` itself is loaded unchanged, and Node,
the reference, runs without any):

- ``String.prototype.localeCompare``: QuickJS's ignores the locale and options arguments
  (ECMA-402) and compares code points, so "Øster" would sort after "Smith" and "Report 10"
  before "Report 9". citeproc-js sorts with ``localeCompare(b, "en-US", {sensitivity: "base",
  ignorePunctuation: true, numeric: true})``, which Node answers with ICU; here it is answered
  by :class:`~viewer.citeproc.collation.Collator` (Qt's ``QCollator``, ICU-backed in Qt's Linux builds, with accents
  folded for ``base``). The tests compare it with Node on a list of hard pairs.
- ``NcjrsCite.indexMacroLookups`` (resources/js/citeproc_driver.js) replaces, in this engine
  only, citeproc-js's ``CSL.XmlJSON.prototype.getNodesByName`` for one call: finding a macro by
  name, which walks the whole style tree, thousands of times while sort keys compile. An index
  answers it with the same nodes in the same order (a Node test checks every answer against the
  walk, building and rendering all offered styles). It cut QJSEngine's builds by 1.6-3 times;
  ``CslEngine(index_macros=False)`` leaves it out.
- ``NcjrsCite.renderFormatsTogether`` (the driver): a bibliography lays out each entry once and
  turns it into text and HTML, where citeproc-js's users call ``makeBibliography()`` once per
  format; a Node test checks it against the two calls in every offered style.
  ``CslEngine(formats_together=False)`` leaves it out.

Threads: QuickJS is thread-hostile: a :class:`CslEngine` and all it built belong to the thread
that made it (others get a :class:`CslEngineError`); :func:`render_item` keeps one engine for the
main thread, and a worker passes its own. The interpreter releases Python's lock while it runs (a
build in the worker never stalls the window); ``JS_STACK_BYTES`` makes runaway recursion an error.
"""

from __future__ import annotations

import json
import re
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from viewer.citeproc import collation, quickjs_gc, style_repo, ticks
from viewer.core.record import unpaired_surrogate
from viewer.core.resources import resource_path

LOCALE = "en-US"  # when neither the caller nor the style names one
# QuickJS's stack limit: enough for every offered style (Chicago notes needs over 128 KiB to build), well inside
# a worker thread's stack (8 MiB, viewer.services.workers) and a main thread's (1 MiB on Windows).
JS_STACK_BYTES = 768 * 1024
BIBLIOGRAPHY_PROCESSORS_KEPT = 2  # sorted processors: APA's holds 100 MB, each Chicago style's about 300 MB

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


class RenderCancelled(CslEngineError):
    """A render stopped because its progress callback said so."""


class CslEngine:
    """citeproc-js in one QuickJS context, with one citeproc processor per style, built on first use."""

    def __init__(self, keep_sort: bool = False, index_macros: bool = True, user_styles: Path | None = None,
                 formats_together: bool = True) -> None:
        # The quickjs package's own module only re-exports these two next to a thread-pool
        # helper, whose imports (concurrent.futures, multiprocessing) would ride into the
        # executable and its start-up hooks. Imported here: only records without stored
        # citations need it.
        from _quickjs import Context, JSException

        self._thread = threading.get_ident()
        self.keep_sort = keep_sort
        self.user_styles = user_styles  # the user's own styles' folder (see style_repo.add_user_style)
        self._js = Context()
        self._quickjs_error = JSException
        self._js.set_max_stack_size(JS_STACK_BYTES)
        self._gc = quickjs_gc.GcThreshold.of(self._js)  # held back during a bibliography (see there)
        self._messages: list[str] = []
        self.build_seconds: dict[str, float] = {}  # style id -> time its processor took to build
        # style id -> time its bibliography processor (bibliography <sort> kept) took to build
        self.bibliography_build_seconds: dict[str, float] = {}
        self._sorted_bibliography: dict[str, bool] = {}  # style id -> has a bibliography <sort>
        self._install_console()
        # QuickJS's localeCompare ignores locale and options: answered with ICU (collation.py).
        self._js.add_callable("ncjrsCompare", collation.js_compare())
        self._evaluate(collation.INSTALL, "<localeCompare>")
        self._ticker = ticks.Ticker(ticks.TICKS_PER_ITEM - (1 if formats_together else 0))
        self._js.add_callable("ncjrsTick", self._ticker.tick)
        self._js.add_callable("ncjrsAsk", self._ticker.ask)
        # citeproc-js asks for locales by id; only the bundled ones answer (style_repo's fallback).
        self._js.add_callable("ncjrsLocale", style_repo.locale_xml)
        self._evaluate(
            # citeproc.js is CommonJS: give it a module object and keep what it exports.
            "var CSL = (function () { var module = {exports: {}}; var exports = module.exports;\n"
            + _read_js("citeproc.js")
            + "\nreturn module.exports; })();",
            "citeproc.js",
        )
        self._evaluate(_read_js("citeproc_driver.js"), "citeproc_driver.js")
        if index_macros:
            self._evaluate("NcjrsCite.indexMacroLookups(CSL, null);", "<index macros>")
        if formats_together:
            self._evaluate("NcjrsCite.renderFormatsTogether(CSL, null);", "<formats together>")
        self._evaluate(ticks.install(), "<ticks>")
        # Processors by kind ("single", "bibliography"), then style id; and the three calls into
        # them (see _call: arguments arrive as one JSON array, answers leave as JSON).
        self._evaluate("var ncjrsProcessors = {single: {}, bibliography: {}};", "<setup>")
        self._create_processor = self._evaluate(
            "(function (args) { var a = JSON.parse(args);"
            " ncjrsProcessors[a[0]][a[1]] = NcjrsCite.createEngine(CSL, a[2], ncjrsLocale, a[3]); })", "<create>")
        self._render = self._evaluate(
            "(function (args) { var a = JSON.parse(args);"
            " return JSON.stringify(ncjrsProcessors[a[0]][a[1]].render(a[2], a[3])); })", "<render>")
        self._bibliography = self._evaluate(
            "(function (args) { var a = JSON.parse(args);"
            " return JSON.stringify(ncjrsProcessors[a[0]][a[1]].bibliography(a[2])); })", "<bibliography>")
        self.processor_version = str(self._evaluate("CSL.PROCESSOR_VERSION", "<version>"))

    # --- public ---------------------------------------------------------------------------

    def has_style(self, style_id: str, locale: str | None = None) -> bool:
        """True once the style's processor is built (rendering in it is then fast)."""
        return _key(style_id, locale) in self.build_seconds

    def build(self, style_id: str, style_xml: str | None = None, locale: str | None = None) -> float:
        """Build the processor for ``style_id`` now; seconds taken.

        Any style of :mod:`viewer.citeproc.style_repo` (a dependent one with its parent's XML),
        unless ``style_xml`` is given; in ``locale``, else the style's default-locale, else en-US.
        """
        self._check_thread()
        key = _key(style_id, locale)
        if key in self.build_seconds:
            return 0.0
        if style_xml is None:
            style_xml = self._read_style(style_id)
        lang = self._lang(style_id, locale, style_xml)
        if not self.keep_sort:
            style_xml = without_sort(style_xml)
        self.build_seconds[key] = seconds = self._create("single", key, style_xml, lang)
        return seconds

    def build_bibliography(self, style_id: str, style_xml: str | None = None, locale: str | None = None) -> float:
        """Build what a bibliography of several items in ``style_id`` needs; seconds taken. For a style with
        a bibliography ``<sort>`` (and no ``keep_sort``) that is a second processor, from the style with
        only its citation ``<sort>`` removed, kept for the last BIBLIOGRAPHY_PROCESSORS_KEPT styles used."""
        self._check_thread()
        if not self._needs_sorted_processor(style_id, style_xml):
            return self.build(style_id, style_xml, locale)
        key = _key(style_id, locale)
        if key in self.bibliography_build_seconds:  # used again: the last to be dropped
            self.bibliography_build_seconds[key] = self.bibliography_build_seconds.pop(key)
            return 0.0
        if style_xml is None:
            style_xml = self._read_style(style_id)
        lang = self._lang(style_id, locale, style_xml)
        seconds = self._create("bibliography", key, without_citation_sort(style_xml), lang)
        self.bibliography_build_seconds[key] = seconds
        for old in list(self.bibliography_build_seconds)[:-BIBLIOGRAPHY_PROCESSORS_KEPT]:
            del self.bibliography_build_seconds[old]
            self._evaluate(f"delete ncjrsProcessors.bibliography[{json.dumps(old)}];", "<drop>")
        return seconds

    def render_bibliography(self, items: list[dict[str, Any]], style_id: str, locale: str | None = None,
                            progress: ticks.Progress | None = None) -> dict[str, Any]:
        """One bibliography of several CSL-JSON items, ordered as the full style orders it.

        ``{"entries": [{"index", "id", "text", "html"}, ...], "text", "html", "bibliography_is_citation"}``
        as ``scripts/citeproc/render.js --bibliography`` gives it (the driver's ``bibliography``):
        entries in the bibliography's order, ``index`` their position in ``items`` (the order they
        are cited: a numeric style numbers them so); text a line per entry, html each in a ``<div
        class="csl-entry">``; Bluebook (no bibliography): each item's full citation, in order.
        ``progress(done, total)`` is asked as it goes (:mod:`viewer.citeproc.ticks`): False ends it
        in :class:`RenderCancelled`.
        """
        items = list(items)
        key = _key(style_id, locale)
        # One item (or no bibliography sort): nothing to order, the single-item processor serves.
        kind = "bibliography" if self._needs_sorted_processor(style_id) and (
            len(items) > 1 or key in self.bibliography_build_seconds) else "single"
        # The build can be cancelled too; a cancelled render may leave the registry half updated: dropped.
        with self._stoppable(progress, len(items), style_id, drop=(kind, key)):
            (self.build_bibliography if kind == "bibliography" else self.build)(style_id, locale=locale)
            with quickjs_gc.held_back(self._gc):  # no pause of 0.3-0.9 s that a Cancel would wait for
                return json.loads(self._call(self._bibliography, f"<bibliography {key}>", kind, key, items))

    def prepare_bibliography(self, style_id: str, locale: str | None = None,
                             progress: ticks.Progress | None = None) -> float:
        """:meth:`build_bibliography` ahead of a bibliography (once several records are selected); seconds
        taken. ``progress`` answering False stops it: RenderCancelled, nothing of the build kept."""
        with self._stoppable(progress, 1, style_id):
            return self.build_bibliography(style_id, locale=locale)

    @contextmanager
    def _stoppable(self, progress: ticks.Progress | None, items: int, style_id: str,
                   drop: tuple[str, str] | None = None) -> Iterator[None]:
        """The block, asking ``progress``; a cancel is RenderCancelled, the processor ``drop`` (kind, key) forgotten."""
        self._ticker.start(progress, items)
        try:
            yield
        except CslEngineError as exc:
            if ticks.CANCELLED not in str(exc):
                raise
            if drop is not None:  # (a build cancelled stored nothing)
                kept = self.bibliography_build_seconds if drop[0] == "bibliography" else self.build_seconds
                kept.pop(drop[1], None)
            raise RenderCancelled(f"the bibliography in {style_id} was cancelled") from None
        finally:
            self._ticker.stop()

    def render(self, item: dict[str, Any], style_id: str, locale: str | None = None,
               cite: dict[str, str] | None = None) -> dict[str, Any]:
        """Render one CSL-JSON item: ``{"bibliography": {"text", "html"}, "citation": {...},
        "bibliography_is_citation": bool}`` exactly as scripts/citeproc/render.js gives it.
        ``cite``: the cite's data, ``{"locator": "4", "label": "page"}`` (CSL's pinpoint)."""
        self.build(style_id, locale=locale)
        key = _key(style_id, locale)
        return json.loads(self._call(self._render, f"<render {key}>", "single", key, item, cite or {}))

    def take_messages(self) -> list[str]:
        """Warnings citeproc-js printed to its console since the last call."""
        messages, self._messages = self._messages, []
        return messages

    # --- inside ---------------------------------------------------------------------------

    def _create(self, kind: str, key: str, style_xml: str, lang: str) -> float:
        started = time.perf_counter()
        with quickjs_gc.held_back(self._gc):  # Chicago notes' sorted processor: 8 s -> 6.7 s of CPU
            self._call(self._create_processor, f"<build {key}>", kind, key, style_xml, lang)
        return time.perf_counter() - started

    def _read_style(self, style_id: str) -> str:
        try:
            return style_repo.style_xml(style_id, self.user_styles)
        except (style_repo.StyleError, OSError) as exc:
            raise CslEngineError(f"no CSL style {style_id!r}: {exc}") from None

    def _lang(self, style_id: str, locale: str | None, style_xml: str) -> str:
        """The locale to render in: the caller's, else the style's (a dependent's own first), else en-US."""
        if locale:
            return locale
        try:
            return style_repo.style_default_locale(style_id, self.user_styles) or LOCALE
        except style_repo.StyleError:  # XML given by the caller, for an id the repository lacks
            found = _DEFAULT_LOCALE.search(style_xml)
            return found.group(1) if found else LOCALE

    def _needs_sorted_processor(self, style_id: str, style_xml: str | None = None) -> bool:
        """A style whose bibliography has a <sort> needs its own processor, unless this engine keeps sorts."""
        if self.keep_sort:
            return False
        known = self._sorted_bibliography.get(style_id)
        if known is None:
            try:
                known = has_bibliography_sort(style_xml if style_xml is not None else self._read_style(style_id))
            except ET.ParseError as exc:
                raise CslEngineError(f"CSL style {style_id!r} is not well-formed XML: {exc}") from None
            self._sorted_bibliography[style_id] = known
        return known

    def _install_console(self) -> None:
        # citeproc-js reports oddities with console.log; they are kept for take_messages().
        self._evaluate(
            "var ncjrsConsole = [];"
            "var console = {log: function () { ncjrsConsole.push(Array.prototype.join.call(arguments, ' ')); }};"
            "console.warn = console.error = console.info = console.debug = console.log;",
            "<console>",
        )
        self._take_console = self._evaluate(
            "(function () { var lines = ncjrsConsole; ncjrsConsole = []; return JSON.stringify(lines); })",
            "<console>")

    def _evaluate(self, program: str, name: str) -> Any:
        """Run a program of this module's own (or a test's): plain text, never data."""
        if "\0" in program or unpaired_surrogate(program):
            raise CslEngineError(f"{name}: a program QuickJS cannot take (NUL or a lone surrogate)")
        return self._run(self._js.eval, name, program)

    def _call(self, function, name: str, *args: Any) -> str:
        """``function`` (one of the JavaScript functions above) with ``args``, as one JSON text.

        Data crosses into QuickJS only so, in ASCII: the binding passes a Python string to C as
        UTF-8 up to its first NUL (a title holding U+0000 would be cut short there) and crashes
        the process on a lone surrogate half, which JSON's ``\\u`` escapes carry intact.
        """
        return self._run(function, name, json.dumps(list(args)))

    def _run(self, function, name: str, *args: Any) -> Any:
        self._check_thread()
        try:
            return function(*args)
        except self._quickjs_error as exc:  # a JavaScript exception, or QuickJS out of stack
            raise CslEngineError(f"citeproc-js failed in {name}: {_first_line(exc)}") from None
        except UnicodeError as exc:  # an answer QuickJS cannot turn into a Python string
            raise CslEngineError(f"citeproc-js failed in {name}: {exc}") from None
        finally:
            if hasattr(self, "_take_console"):
                self._messages.extend(json.loads(self._take_console()))

    def _check_thread(self) -> None:
        # QuickJS is thread-hostile: a context must stay on the thread that made it.
        if threading.get_ident() != self._thread:
            raise CslEngineError("a CslEngine must be used from the thread that created it")


def _first_line(exc: Exception) -> str:
    """QuickJS's message, without the JavaScript stack it appends."""
    return str(exc).split("\n", 1)[0]


def _read_js(name: str) -> str:
    return resource_path("js", name).read_text(encoding="utf-8")


def _key(style_id: str, locale: str | None) -> str:
    """A processor's name: the style id, and the locale when the caller chose one."""
    return style_id if locale is None else f"{style_id}@{locale}"


_DEFAULT_LOCALE = re.compile(r"<style\b[^>]*\bdefault-locale=[\"']([^\"']+)[\"']")

# One engine per thread: the main thread (the command line, tests) keeps its own here. Not for a
# QThread's worker: Python forgets a thread-local once each call from Qt into Python returns (the
# engine would be made again for every render); a worker keeps and passes its own.
_local = threading.local()


def engine_for_this_thread() -> CslEngine:
    engine = getattr(_local, "engine", None)
    if engine is None:
        engine = _local.engine = CslEngine()
    return engine


def render_item(item: dict[str, Any], style_id: str, engine: CslEngine | None = None,
                locale: str | None = None, cite: dict[str, str] | None = None) -> dict[str, Any]:
    """Render a CSL-JSON item in ``style_id`` with ``engine`` (this thread's by default; built on first use)."""
    return (engine or engine_for_this_thread()).render(item, style_id, locale, cite)


def render_bibliography(items: list[dict[str, Any]], style_id: str, engine: CslEngine | None = None,
                        locale: str | None = None, progress: ticks.Progress | None = None) -> dict[str, Any]:
    """One bibliography of ``items`` in ``style_id`` with ``engine`` (this thread's by default; see
    :meth:`CslEngine.render_bibliography`; the first one in a sorting style builds for seconds)."""
    return (engine or engine_for_this_thread()).render_bibliography(items, style_id, locale, progress)
