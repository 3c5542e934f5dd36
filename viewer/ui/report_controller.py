"""An attached report in the window: attach (menu, dropped PDF), detach with Undo, the Report branch
of the outline, the page shown for a node (and the node for the page shown), find, and quoting a
passage with its page.

The PDF engine (viewer.services.report_engine) is imported only when a record with a report is
opened or a PDF is attached: never at start-up for a record without one. Copy and Copy Quotation
never wait on PDFium or citeproc-js in the window's thread: the selection's text comes from the report
worker (viewer.services.report_worker), the citation with its page locator from the citation service,
and the copy is made when both are in (the status bar says so meanwhile).

Dark pages (View > Dark Report Pages) follow the window's palette until the user chooses; the choice
is remembered.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any, Callable, TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QPalette, QUndoCommand, QUndoStack

from viewer import APP_NAME
from viewer.citeproc import citation
from viewer.core import reports
from viewer.core.quotation import quotation
from viewer.core.record import Section
from viewer.services.report_worker import ReportWorker
from viewer.ui import settings as keys

if TYPE_CHECKING:
    from viewer.ui.main_window import MainWindow

REPORT_ID = "report"


class _Detach(QUndoCommand):
    def __init__(self, control: ReportController, record_id: str) -> None:
        super().__init__(control.tr("Detach Report"))
        self.control, self.record_id = control, record_id
        self.data: bytes | None = None

    def redo(self) -> None:
        self.control.close_document()
        folder = self.control.folder
        self.data = reports.detach(folder, self.record_id) if folder is not None else None
        self.control.reload()

    def undo(self) -> None:
        if self.data is not None:
            self.control.close_document()
            folder = self.control.folder
            if folder is not None:
                reports.store(reports.report_path(folder, self.record_id), self.data)
            self.control.reload()


@dataclass
class _Quote:
    """A quotation being made: its text and its citation arrive from two workers."""

    record_id: str
    style: str
    locale: str | None
    cite: dict[str, str]
    pages: tuple[int, int]  # 1-based
    text: str | None = None
    entry: dict[str, Any] | None = field(default=None, repr=False)


class ReportController(QObject):
    def __init__(self, window: MainWindow, undo_stack: QUndoStack) -> None:
        super().__init__(window)
        self.window, self.undo_stack = window, undo_stack
        self.panel = window.report_panel
        self.view = self.panel.view
        self.doc: Any = None  # the engine's ReportDocument, imported only when a report opens
        self._pages: dict[str, int] = {}  # node id -> page
        self._order: list[tuple[int, str]] = []  # (page, node id) in reading order
        self._following = False
        self._text_target = window.find_bar.target  # the section's text; the report's is the panel's
        self.worker = ReportWorker(self)
        self.panel.find_target.use_worker(self.worker)
        self._reading: dict[int, Callable[[str], None]] = {}  # worker token -> what to do with the text
        self._quote: _Quote | None = None
        self._dark_choice = window.settings.get(keys.DARK_PAGES)
        self.view.page_changed.connect(self._page_shown)
        self.view.selection_changed.connect(window.update_actions)
        self.view.palette_changed.connect(self._apply_dark)
        self.worker.text_ready.connect(self._text_ready)
        window.citations.ready.connect(self._citation_ready)
        window.citations.failed.connect(self._citation_failed)
        window.menu_actions.dark_pages.triggered.connect(self.set_dark_pages)
        self._apply_dark()

    @property
    def folder(self) -> Path | None:
        path = self.window.library.path
        return path.parent if path is not None else None

    def has_report(self) -> bool:
        return self.doc is not None

    # --- loading ---

    def close_document(self) -> None:
        if self._reading or self._quote is not None:
            self._status("")  # "Reading…" / "Preparing…" would never end
        self._reading.clear()  # an answer about the closed document is dropped
        self._quote = None
        self.view.set_document(None)
        if self.doc is not None:
            self.doc.close()
            self.doc = None

    def shutdown(self) -> None:
        """The window closes: the document, then the worker's thread."""
        self.close_document()
        self.worker.shutdown()

    def reload(self) -> None:
        """Opens the current record's report (if any) and puts its branch beside the outline."""
        self.close_document()
        record = self.window.record
        branch: tuple[Section, ...] = ()
        folder = self.folder
        if folder is not None and reports.has_report(folder, record.id):
            try:  # the engine too: the one-file build unpacks PDFium on this first import
                from viewer.services.report_engine import ReportDocument
                self.doc = ReportDocument(reports.report_path(folder, record.id))
            except (reports.ReportError, OSError, ImportError) as exc:
                self.window.statusBar().showMessage(self.tr("The report cannot be read: {0}").format(exc), 8000)
            else:
                branch = (self._branch(),)
        self.view.set_document(self.doc)
        self.window.outline.set_extra(branch)
        if not branch:
            self.show_text_pane()
        self.window.update_actions()

    def _branch(self) -> Section:
        nodes = self.doc.outline()
        self._pages = {REPORT_ID: 0}
        self._order = []
        built: dict[str, list[Section]] = {"": []}
        numbered = list(reports.numbered(nodes))
        for node_id, _depth, node in reversed(numbered):  # children first: sections are frozen
            children = tuple(reversed(built.pop(node_id, [])))
            parent = node_id.rsplit(".", 1)[0] if "." in node_id else ""
            built.setdefault(parent, []).append(Section(node_id, node.title, kind="report", children=children))
            self._pages[node_id] = node.page
        self._order = [(node.page, node_id) for node_id, _, node in numbered]
        top = tuple(reversed(built[""]))
        return Section(REPORT_ID, self.tr("Report"), kind="report", children=top)

    # --- the detail area: text or report pages ---

    def show_text_pane(self) -> None:
        w = self.window
        if w.detail_stack.currentWidget() is not w.pane:
            w.find_bar.set_target(self._text_target)
            w.detail_stack.setCurrentWidget(w.pane)

    def show_report_pane(self) -> None:
        w = self.window
        if w.detail_stack.currentWidget() is not self.panel:
            w.detail_stack.setCurrentWidget(self.panel)
            w.find_bar.set_target(self.panel.find_target)

    def report_pane_shown(self) -> bool:
        return self.window.detail_stack.currentWidget() is self.panel

    def finder(self):
        """Ctrl+F and F3 find in what the detail area shows (the one bar, aimed at it)."""
        return self.window.find_bar

    # --- dark pages ---

    def set_dark_pages(self, dark: bool) -> None:
        """View > Dark Report Pages: the user's choice, remembered."""
        self._dark_choice = "on" if dark else "off"
        self.window.settings.set(keys.DARK_PAGES, self._dark_choice)
        self._apply_dark()

    def _apply_dark(self) -> None:
        window_dark = self.view.palette().color(QPalette.ColorRole.Base).lightness() < 128
        dark = self._dark_choice == "on" or (self._dark_choice == "auto" and window_dark)
        self.view.set_dark(dark)
        self.window.menu_actions.dark_pages.setChecked(dark)

    # --- the page for a node, the node for a page ---

    def show(self, section: Section) -> None:
        self.show_report_pane()
        if not self._following:
            self.view.go_to_page(self._pages.get(section.id, 0))

    def _page_shown(self, page: int) -> None:
        """The tree follows the page: the last node that starts on or before it (the selected node
        stays while its own page is shown)."""
        current = self.window.outline.current_section_id()
        if page < 0 or not self._order or self._following or not current.startswith(REPORT_ID):
            return
        if self._pages.get(current) == page:
            return
        node = next((node_id for start, node_id in reversed(self._order) if start <= page), REPORT_ID)
        self._following = True
        try:
            self.window.outline.select_section(node)
        finally:
            self._following = False

    # --- attach and detach ---

    def attach_dialog(self) -> None:
        from PySide6.QtWidgets import QFileDialog  # on use (start-up)

        path, _ = QFileDialog.getOpenFileName(self.window, self.tr("Attach Report PDF"), "",
                                              self.tr("PDF files (*.pdf);;All files (*)"))
        if path:
            self.attach(path)

    def attach(self, path: str) -> bool:
        if self.folder is None:
            self._warn(self.tr("Reports are kept in the library folder, and this library is in memory only."))
            return False
        if self.window.library.read_only:  # a dropped PDF: the menu's action is held already
            self._warn(self.tr("The report was not attached: the library is on a read-only disk."))
            return False
        try:
            from viewer.services.report_engine import check
        except ImportError as exc:
            self._warn(self.tr("The report was not attached: the PDF engine cannot be loaded ({0})").format(exc))
            return False
        record_id = self.window.record.id
        try:
            self.close_document()
            reports.attach(self.folder, record_id, path, check)
        except reports.ReportError as exc:
            self.reload()
            self._warn(self.tr("The report was not attached: {0}").format(exc))
            return False
        self.undo_stack.clear()  # an earlier detach's bytes no longer match the file
        self.reload()
        self.window.outline.select_section(REPORT_ID)
        self.window.statusBar().showMessage(self.tr("Attached the report ({0} pages).").format(self.doc.page_count), 5000)
        return True

    def detach(self) -> None:
        if self.doc is not None and self.folder is not None:
            self.undo_stack.push(_Detach(self, self.window.record.id))
            self.window.statusBar().showMessage(self.tr("Detached the report (Undo brings it back)."), 5000)

    def _warn(self, message: str) -> None:
        from PySide6.QtWidgets import QMessageBox  # on use (start-up)

        QMessageBox.warning(self.window, APP_NAME, message)

    # --- copying: the text from the worker, the citation from the citation service ---

    def has_selection(self) -> bool:
        return self.report_pane_shown() and self.view.has_selection()

    def _read_selection(self, then: Callable[[str], None]) -> bool:
        chosen = self.view.selection_range()
        if chosen is None or self.doc is None:
            return False
        self._reading[self.worker.request_text(self.doc, *chosen)] = then
        return True

    def _text_ready(self, token: int, text: str) -> None:
        then = self._reading.pop(token, None)
        if then is not None:
            then(text)

    def _status(self, message: str, msecs: int = 5000) -> None:
        self.window.statusBar().showMessage(message, msecs)

    def copy(self) -> None:
        """Ctrl+C: the selected text of the pages (read by the worker), or the section's."""
        if not self.report_pane_shown():
            self.window.pane.copy()
        elif self._read_selection(self._copy_text):
            self._status(self.tr("Reading the selected text…"), 0)

    def _copy_text(self, text: str) -> None:
        if not text:
            self._status(self.tr("The selection holds no text: nothing was copied."))
        else:
            self.window.citing.put_on_clipboard(f"<p>{escape(text)}</p>", text, self.tr("Copied the selected text."))

    def copy_quotation(self) -> None:
        """Ctrl+Alt+C: on report pages, the passage, its in-text citation with the page (or pages)
        and the entry; on a section, as before."""
        if not self.report_pane_shown():
            self.window.citing.copy_quotation()
            return
        chosen = self.view.selection_range()
        if chosen is None or self.doc is None:
            return
        pages = (chosen[0][0] + 1, chosen[1][0] + 1)
        cite = {"locator": reports.page_locator(*pages), "label": "page"}
        record, citing = self.window.record, self.window.citing
        quote = self._quote = _Quote(record.id, citing.style(), citing.locale(), cite, pages)
        self._status(self.tr("Preparing the quotation ({0})…").format(citing.style_name(quote.style)), 0)
        self._read_selection(lambda text: self._quote_text(quote, text))
        quote.entry = self.window.citations.lookup(record, quote.style, quote.locale, cite)
        if quote.entry is None:
            self.window.citations.request(record, quote.style, quote.locale, cite)

    def _quote_text(self, quote: _Quote, text: str) -> None:
        quote.text = text
        self._finish_quote(quote)

    def _citation_ready(self, record_id: str, style: str) -> None:
        quote = self._quote
        if quote is None or quote.entry is not None or (record_id, style) != (quote.record_id, quote.style):
            return
        if record_id == self.window.record.id:
            quote.entry = self.window.citations.lookup(self.window.record, style, quote.locale, quote.cite)
            self._finish_quote(quote)

    def _citation_failed(self, record_id: str, style: str, message: str) -> None:
        quote = self._quote
        if quote is not None and quote.entry is None and (record_id, style) == (quote.record_id, quote.style):
            self._quote = None
            self._status("")
            self._warn(self.tr("The citation could not be made:\n{0}").format(message))

    def _finish_quote(self, quote: _Quote) -> None:
        if quote is not self._quote or quote.text is None or quote.entry is None:
            return  # still waiting for the other part, or overtaken by a newer copy
        self._quote = None
        if not quote.text:
            self._status(self.tr("The selection holds no text: nothing was copied."))
            return
        html, text = quotation(quote.text, citation.from_entry(quote.entry, True), citation.from_entry(quote.entry))
        first, last = quote.pages
        where = self.tr("page {0}").format(first) if first == last else self.tr("pages {0}–{1}").format(first, last)
        self.window.citing.put_on_clipboard(html, text, self.tr("Copied the quotation from {0} ({1}).")
                                            .format(where, self.window.citing.style_name(quote.style)))
