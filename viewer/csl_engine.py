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

Loading citeproc-js itself into a QJSEngine takes about 0.1-0.3 s; each render a few milliseconds.

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
from typing import Any

from PySide6.QtCore import QCoreApplication, QThread
from PySide6.QtQml import QJSEngine, QJSValue

from viewer.resources import resource_path

LOCALE = "en-US"

# <sort> holds only <key> elements and never nests.
_SORT_ELEMENT = re.compile(r"<sort\b[^>]*/>|<sort\b[^>]*>.*?</sort\s*>", re.DOTALL)


def without_sort(style_xml: str) -> str:
    """The style with its <sort> elements removed: the same output for a single item, built much faster."""
    return _SORT_ELEMENT.sub("", style_xml)


class CslEngineError(RuntimeError):
    """citeproc-js failed (style or item it cannot handle) or could not be loaded."""


class CslEngine:
    """citeproc-js in one QJSEngine, with one citeproc processor per style, built on first use."""

    def __init__(self, keep_sort: bool = False) -> None:
        if QCoreApplication.instance() is None:
            raise CslEngineError("a QCoreApplication must exist before a CslEngine is created")
        self._thread = QThread.currentThread()
        self.keep_sort = keep_sort
        self._js = QJSEngine()
        self._messages: list[str] = []
        self.build_seconds: dict[str, float] = {}  # style id -> time its processor took to build
        started = time.perf_counter()
        self._install_console()
        citeproc = self._evaluate(
            # citeproc.js is CommonJS: give it a module object and keep what it exports.
            "(function () { var module = {exports: {}}; var exports = module.exports;\n"
            + _read_js("citeproc.js")
            + "\nreturn module.exports; })()",
            "citeproc.js",
        )
        self._js.globalObject().setProperty("CSL", citeproc)
        self._evaluate(_read_js("citeproc_driver.js"), "citeproc_driver.js")
        self._evaluate("var ncjrsEngines = {};", "<setup>")
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
        started = time.perf_counter()
        glob = self._js.globalObject()
        glob.setProperty("ncjrsStyleId", QJSValue(style_id))
        glob.setProperty("ncjrsStyleXml", QJSValue(style_xml))
        glob.setProperty("ncjrsLocaleXml", QJSValue(self._locale_xml))
        self._evaluate(
            "ncjrsEngines[ncjrsStyleId] = NcjrsCite.createEngine(CSL, ncjrsStyleXml, ncjrsLocaleXml);"
            " ncjrsStyleXml = null;",
            f"<build {style_id}>",
        )
        self.build_seconds[style_id] = seconds = time.perf_counter() - started
        return seconds

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


def _ensure_application() -> None:
    with _app_guard:
        if QCoreApplication.instance() is None:
            if threading.current_thread() is not threading.main_thread():
                raise CslEngineError("create the QApplication before rendering citations in a worker thread")
            # The command line has no application object; QJSEngine needs one.
            global _cli_app
            _cli_app = QCoreApplication([])


_cli_app: QCoreApplication | None = None
