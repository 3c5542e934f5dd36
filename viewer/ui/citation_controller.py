"""Citations for the window: the chosen style and locale, the worker's answers, the citation panel,
and copies to the clipboard.

The window only assembles; this object owns what happens between an action (Copy Citation, Copy
Bibliography, Copy Quotation, Add Citation Style) or the citation panel and the clipboard: asking
:class:`CitationService` for what is not at hand, keeping what waits for the worker, and telling
the user in the panel and the status bar.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from PySide6.QtCore import QObject, Qt

from viewer import APP_NAME
from viewer.citeproc import citation
from viewer.core.quotation import quotation
from viewer.ui import clipboard
from viewer.ui import settings as keys
from viewer.ui.plain import warn

if TYPE_CHECKING:
    from PySide6.QtWidgets import QProgressDialog

    from viewer.ui.main_window import MainWindow

Then = Callable[[dict[str, Any], str], object]  # (stored entry, style id)

# A panel showing the bibliography of more selected records than this would keep the worker busy
# for seconds on every click; Copy Citation still makes it (with progress and Cancel).
PANEL_BIBLIOGRAPHY_MAX = 25
PROGRESS_AFTER_MS = 400  # a bibliography quicker than this shows no progress dialog


class CitationController(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.citations = window.citations
        self.panel = window.citation_panel
        self._waiting: dict[tuple[str, str], list[tuple[str | None, Then]]] = {}  # (record, style) -> to do
        self._bibliographies: dict[str, tuple[str, int]] = {}  # token -> (style, records) to copy
        self._progress: dict[str, QProgressDialog] = {}  # token -> its dialog
        self._cancelled: set[str] = set()
        self._panel_wants: tuple[str, str, str | None] | None = None  # (record id or token, style, locale)
        self.citations.ready.connect(self._citation_ready)
        self.citations.failed.connect(self._citation_failed)
        self.citations.bibliography_ready.connect(self._bibliography_ready)
        self.citations.bibliography_failed.connect(self._bibliography_failed)
        self.citations.bibliography_progress.connect(self._bibliography_progress)
        self.panel.style_changed.connect(self._style_changed)
        self.panel.locale_changed.connect(self._locale_changed)
        self.panel.refresh_requested.connect(self.update_panel)

    def style(self) -> str:
        return self.panel.style_id() or citation.DEFAULT_STYLE

    def locale(self) -> str | None:
        return self.panel.locale_id()

    def style_name(self, style_id: str) -> str:
        return self.panel.styles.title(style_id)

    def _status(self, message: str, msecs: int = 5000) -> None:
        self.window.statusBar().showMessage(message, msecs)

    def restore(self) -> None:
        """The remembered style, locale and recent styles (at start-up: no signal, no render)."""
        s = self.window.settings
        self.panel.blockSignals(True)
        self.panel.set_recent(s.get(keys.RECENT_STYLES))
        self.panel.set_style(s.get(keys.CITATION_STYLE))
        self.panel.set_locale(s.get(keys.CITATION_LOCALE) or None)
        self.panel.blockSignals(False)

    def _style_changed(self, style_id: str) -> None:
        s = self.window.settings
        s.set(keys.CITATION_STYLE, style_id)
        if style_id not in citation.style_ids():
            recent = [style_id] + [r for r in s.get(keys.RECENT_STYLES) if r != style_id]
            s.set(keys.RECENT_STYLES, recent[:keys.RECENT_STYLES_KEPT])
            self.panel.set_recent(recent[:keys.RECENT_STYLES_KEPT])
        self.update_panel()
        self.warm()

    def _locale_changed(self, lang: str) -> None:
        self.window.settings.set(keys.CITATION_LOCALE, lang)
        self.update_panel()
        self.warm()

    # --- the panel ---

    def update_panel(self) -> None:
        """Shows the citation of the selected record(s) in the chosen style, asking the worker for it."""
        if not self.panel.isVisible():
            return
        style, locale = self.style(), self.locale()
        ids = self.window.library_panel.selected_record_ids()
        if len(ids) > PANEL_BIBLIOGRAPHY_MAX:
            self._panel_wants = None
            self.panel.show_message(self.tr("{0} records are selected: Copy Citation puts their bibliography "
                                             "on the clipboard.").format(len(ids)))
            return
        if len(ids) > 1:
            self._panel_bibliography(ids, style, locale)
            return
        record = self.window.record
        entry = self.citations.lookup(record, style, locale)
        if entry is not None:
            self._panel_wants = None
            self.panel.show_citation(citation.from_entry(entry).html, citation.from_entry(entry, True).html)
            return
        self._panel_wants = (record.id, style, locale)
        self.panel.show_rendering()
        self.citations.request(record, style, locale)

    def _panel_bibliography(self, ids: list[str], style: str, locale: str | None) -> None:
        records = self.window.library.get_many(ids)
        in_text = self.citations.lookup(self.window.record, style, locale)
        try:
            token = self.citations.request_bibliography(records, style, locale)
        except citation.CitationError as exc:
            self.panel.show_error(str(exc))
            return
        self._panel_wants = (token, style, locale)
        self.panel.show_rendering(len(records))
        if in_text is None:
            self.citations.request(self.window.record, style, locale)

    def _panel_bibliography_ready(self, token: str, cite: citation.Citation) -> None:
        if self._panel_wants is None or self._panel_wants[0] != token:
            return
        self._panel_wants = None
        entry = self.citations.lookup(self.window.record, self.style(), self.locale())
        in_text = citation.from_entry(entry, True).html if entry is not None else ""
        self.panel.show_citation(cite.html, in_text, len(self.window.library_panel.selected_record_ids()))

    # --- single citations ---

    def put_on_clipboard(self, html: str, text: str, what: str) -> None:
        if clipboard.copy_rich(html, text):
            self._status(what)
        else:
            self._status(self.tr("No clipboard is available: nothing was copied."), 8000)

    def with_citation(self, then: Then) -> None:
        """Calls ``then(entry, style)`` now if the citation is at hand, else once the worker has it."""
        record, style, locale = self.window.record, self.style(), self.locale()
        entry = self.citations.lookup(record, style, locale)
        if entry is not None:
            then(entry, style)
            return
        self._waiting.setdefault((record.id, style), []).append((locale, then))
        self._status(self.tr("Preparing the citation ({0})…").format(self.style_name(style)), 0)
        self.citations.request(record, style, locale)

    def _citation_ready(self, record_id: str, style: str) -> None:
        record = self.window.record
        if record_id != record.id:
            self._waiting.pop((record_id, style), None)
            return  # the user has moved on to another record: nothing to copy or show
        if self._panel_wants and self._panel_wants[:2] == (record_id, style):
            self.update_panel()
        still = []
        for locale, then in self._waiting.pop((record_id, style), []):
            entry = self.citations.lookup(record, style, locale)
            if entry is None:
                still.append((locale, then))  # another locale's render: its own answer follows
            else:
                then(entry, style)
        if still:
            self._waiting[(record_id, style)] = still

    def _citation_failed(self, record_id: str, style: str, message: str) -> None:
        if self._panel_wants and self._panel_wants[:2] == (record_id, style):
            self._panel_wants = None
            self.panel.show_error(message)
        if self._waiting.pop((record_id, style), None):
            self._status("")
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
                                  self.tr("Copied the {0} ({1}).").format(kind, self.style_name(style)))

        self.with_citation(copy)

    def copy_quotation(self) -> None:
        passage = self.window.pane.textCursor().selectedText().replace("\u2029", " ")
        if not passage.strip():
            return

        def copy(entry: dict[str, Any], style: str) -> None:
            html, text = quotation(passage, citation.from_entry(entry, True), citation.from_entry(entry))
            self.put_on_clipboard(html, text, self.tr("Copied the quotation with its citation ({0}).")
                                  .format(self.style_name(style)))

        self.with_citation(copy)

    # --- bibliographies ---

    def copy_bibliography(self, ids: list[str]) -> None:
        """One bibliography of several records, ordered as the style orders it (citeproc-js)."""
        records = self.window.library.get_many(ids)
        style = self.style()
        self._status(self.tr("Preparing the bibliography of {0} records ({1})…").format(
            len(records), self.style_name(style)), 0)
        token = self.citations.request_bibliography(records, style, self.locale())
        self._bibliographies[token] = (style, len(records))
        if token not in self._progress:
            self._progress[token] = self._progress_dialog(token, len(records))

    def _progress_dialog(self, token: str, count: int) -> QProgressDialog:
        from PySide6.QtWidgets import QProgressDialog  # on use (start-up)

        dialog = QProgressDialog(self.tr("Making the bibliography of {0} records…").format(count),
                                 self.tr("Cancel"), 0, 100, self.window)
        dialog.setWindowTitle(APP_NAME)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(PROGRESS_AFTER_MS)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.setValue(0)
        dialog.canceled.connect(lambda: self.cancel_bibliography(token))
        return dialog

    def cancel_bibliography(self, token: str) -> None:
        self._cancelled.add(token)
        self.citations.cancel_bibliography(token)
        self._close_progress(token)

    def _close_progress(self, token: str) -> None:
        dialog = self._progress.pop(token, None)
        if dialog is not None:
            dialog.blockSignals(True)
            dialog.close()
            dialog.deleteLater()

    def _bibliography_progress(self, token: str, done: int, total: int) -> None:
        dialog = self._progress.get(token)
        if dialog is not None:
            dialog.setValue(min(99, done * 100 // max(total, 1)))

    def _bibliography_ready(self, token: str, cite: citation.Citation) -> None:
        self._panel_bibliography_ready(token, cite)
        self._close_progress(token)
        if token not in self._bibliographies:
            return
        style, count = self._bibliographies.pop(token)
        self.put_on_clipboard(cite.html, cite.text, self.tr("Copied the bibliography of {0} records ({1}).")
                              .format(count, self.style_name(style)))

    def _bibliography_failed(self, token: str, message: str) -> None:
        if self._panel_wants and self._panel_wants[0] == token:
            self._panel_wants = None
            self.panel.show_error(message)
        self._close_progress(token)
        if self._bibliographies.pop(token, None) is None:
            return
        if token in self._cancelled:
            self._cancelled.discard(token)
            self._status(self.tr("The bibliography was cancelled: nothing was copied."))
            return
        warn(self.window, APP_NAME, self.tr("The bibliography could not be made:\n{0}").format(message))

    # --- the user's own styles ---

    def add_style(self, path: str | None = None) -> None:
        """File ▸ Add Citation Style…: check a .csl file, copy it into the user's styles, choose it."""
        from viewer.citeproc import style_repo

        folder = self.citations.user_styles
        if folder is None:
            warn(self.window, APP_NAME, self.tr("This library is kept in memory: there is no "
                                                               "folder to add a style to."))
            return
        if path is None:
            from PySide6.QtWidgets import QFileDialog  # on use (start-up)

            path, _ = QFileDialog.getOpenFileName(self.window, self.tr("Add Citation Style"), "",
                                                  self.tr("CSL styles (*.csl);;All files (*)"))
            if not path:
                return
        try:
            info = style_repo.add_user_style(path, folder)
        except style_repo.StyleError as exc:
            warn(self.window, APP_NAME, self.tr("The style cannot be added: {0}").format(exc))
            return
        self.panel.user_styles = folder
        self.panel.reload_styles(select=info.id)
        self.window.citation_panel.show()
        self._status(self.tr("Added the citation style {0} ({1}).").format(info.title, Path(path).name))

    def warm(self) -> None:
        """After the window is shown, or a style chosen: build the style's engine if this record needs it."""
        if self.citations.lookup(self.window.record, self.style(), self.locale()) is None:
            self.citations.warm(self.style(), self.locale())
        self.selection_changed()

    def selection_changed(self) -> None:
        """Several records selected: their bibliography's processor is built now, in the worker (seconds
        for a sorting style), rather than once they are copied; any request stops it (see the service)."""
        ranges = self.window.library_panel.list.selectionModel().selection()  # not the ids: 235,000 may be selected
        if sum(ranges.at(i).height() for i in range(ranges.count())) > 1:
            self.citations.warm_bibliography(self.style(), self.locale())
