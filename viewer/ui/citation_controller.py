"""Citations for the window: the chosen style, the worker's answers, and copies to the clipboard.

The window only assembles; this object owns what happens between an action (Copy Citation, Copy
Bibliography, Copy Quotation) and the clipboard: asking :class:`CitationService` for what is not
at hand, keeping what waits for the worker, and telling the user in the status bar.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

from PySide6.QtCore import QObject

from viewer import APP_NAME
from viewer.citeproc import citation
from viewer.core.quotation import quotation
from viewer.ui import clipboard
from viewer.ui import settings as keys
from viewer.ui.plain import warn

if TYPE_CHECKING:
    from viewer.ui.main_window import MainWindow

Then = Callable[[dict[str, Any], str], object]  # (stored entry, style id)


class CitationController(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.citations = window.citations
        self._waiting: dict[tuple[str, str], list[Then]] = {}  # (record id, style) -> to do once ready
        self._bibliographies: dict[str, tuple[str, int]] = {}  # token -> (style, records) awaited
        self.citations.ready.connect(self._citation_ready)
        self.citations.failed.connect(self._citation_failed)
        self.citations.bibliography_ready.connect(self._bibliography_ready)
        self.citations.bibliography_failed.connect(self._bibliography_failed)
        window.citation_panel.style_changed.connect(self._style_changed)

    def style(self) -> str:
        return self.window.citation_panel.style_id() or citation.DEFAULT_STYLE

    def _status(self, message: str, msecs: int = 5000) -> None:
        self.window.statusBar().showMessage(message, msecs)

    def _style_changed(self, style_id: str) -> None:
        self.window.settings.set(keys.CITATION_STYLE, style_id)
        self.window.citation_panel.refresh()
        self.warm()

    def put_on_clipboard(self, html: str, text: str, what: str) -> None:
        if clipboard.copy_rich(html, text):
            self._status(what)
        else:
            self._status(self.tr("No clipboard is available: nothing was copied."), 8000)

    def with_citation(self, then: Then) -> None:
        """Calls ``then(entry, style)`` now if the citation is at hand, else once the worker has it."""
        record, style = self.window.record, self.style()
        entry = self.citations.lookup(record, style)
        if entry is not None:
            then(entry, style)
            return
        self._waiting.setdefault((record.id, style), []).append(then)
        self.window.statusBar().showMessage(
            self.tr("Preparing the citation ({0})…").format(citation.style(style).name))
        self.citations.request(record, style)

    def _citation_ready(self, record_id: str, style: str) -> None:
        waiting = self._waiting.pop((record_id, style), [])
        record = self.window.record
        if record_id != record.id:
            return  # the user has moved on to another record: nothing to copy or show
        self.window.citation_panel.refresh()
        for then in waiting:
            entry = self.citations.lookup(record, style)
            if entry is not None:
                then(entry, style)

    def _citation_failed(self, record_id: str, style: str, message: str) -> None:
        if self._waiting.pop((record_id, style), None):
            warn(self.window, APP_NAME, self.tr("The citation could not be made:\n{0}").format(message))

    def copy_citation(self, in_text: bool = False) -> None:
        ids = self.window.library_panel.selected_record_ids()
        if not in_text and len(ids) > 1:
            self.copy_bibliography(ids)
            return
        kind = self.tr("in-text citation") if in_text else self.tr("citation")

        def copy(entry: dict[str, Any], style: str) -> None:
            cite = citation.from_entry(entry, in_text)
            self.put_on_clipboard(cite.html, cite.text,
                                  self.tr("Copied the {0} ({1}).").format(kind, citation.style(style).name))

        self.with_citation(copy)

    def copy_bibliography(self, ids: list[str]) -> None:
        """One bibliography of several records, ordered as the style orders it (citeproc-js)."""
        records = self.window.library.get_many(ids)
        style = self.style()
        self.window.statusBar().showMessage(self.tr("Preparing the bibliography of {0} records ({1})…").format(
            len(records), citation.style(style).name))
        token = self.citations.request_bibliography(records, style)
        self._bibliographies[token] = (style, len(records))

    def _bibliography_ready(self, token: str, cite: citation.Citation) -> None:
        if token not in self._bibliographies:
            return
        style, count = self._bibliographies.pop(token)
        self.put_on_clipboard(cite.html, cite.text, self.tr("Copied the bibliography of {0} records ({1}).")
                              .format(count, citation.style(style).name))

    def _bibliography_failed(self, token: str, message: str) -> None:
        if self._bibliographies.pop(token, None) is not None:
            warn(self.window, APP_NAME, self.tr("The bibliography could not be made:\n{0}").format(message))

    def copy_quotation(self) -> None:
        passage = self.window.pane.textCursor().selectedText().replace("\u2029", " ")
        if not passage.strip():
            return

        def copy(entry: dict[str, Any], style: str) -> None:
            html, text = quotation(passage, citation.from_entry(entry, True), citation.from_entry(entry))
            self.put_on_clipboard(html, text, self.tr("Copied the quotation with its citation ({0}).")
                                  .format(citation.style(style).name))

        self.with_citation(copy)

    def warm(self) -> None:
        """After the window is shown: build the chosen style's engine if this record needs it."""
        if self.citations.lookup(self.window.record, self.style()) is None:
            self.citations.warm(self.style())
