"""An attached report in the window: attach (menu, dropped PDF), detach with Undo, the Report branch
of the outline, the page shown for a node (and the node for the page shown), find, and quoting a
passage with its page.

The PDF engine (viewer.services.report_engine) is imported only when a record with a report is
opened or a PDF is attached: never at start-up for a record without one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QGuiApplication, QUndoCommand, QUndoStack
from PySide6.QtWidgets import QFileDialog, QMessageBox

from viewer import APP_NAME
from viewer.core import reports
from viewer.core.record import Section

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
        self.view.page_changed.connect(self._page_shown)
        self.view.selection_changed.connect(window.update_actions)

    @property
    def folder(self) -> Path | None:
        path = self.window.library.path
        return path.parent if path is not None else None

    def has_report(self) -> bool:
        return self.doc is not None

    # --- loading ---

    def close_document(self) -> None:
        self.view.set_document(None)
        if self.doc is not None:
            self.doc.close()
            self.doc = None

    def reload(self) -> None:
        """Opens the current record's report (if any) and puts its branch beside the outline."""
        self.close_document()
        record = self.window.record
        branch: tuple[Section, ...] = ()
        folder = self.folder
        if folder is not None and reports.has_report(folder, record.id):
            from viewer.services.report_engine import ReportDocument
            try:
                self.doc = ReportDocument(reports.report_path(folder, record.id))
            except (reports.ReportError, OSError) as exc:
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
            self.panel.find_bar.hide()
            w.detail_stack.setCurrentWidget(w.pane)

    def show_report_pane(self) -> None:
        w = self.window
        if w.detail_stack.currentWidget() is not self.panel:
            w.find_bar.hide()
            w.detail_stack.setCurrentWidget(self.panel)

    def report_pane_shown(self) -> bool:
        return self.window.detail_stack.currentWidget() is self.panel

    def finder(self):
        """Ctrl+F and F3 find in what the detail area shows."""
        return self.panel.find_bar if self.report_pane_shown() else self.window.find_bar

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
        path, _ = QFileDialog.getOpenFileName(self.window, self.tr("Attach Report PDF"), "",
                                              self.tr("PDF files (*.pdf);;All files (*)"))
        if path:
            self.attach(path)

    def attach(self, path: str) -> bool:
        if self.folder is None:
            self._warn(self.tr("Reports are kept in the library folder, and this library is in memory only."))
            return False
        from viewer.services.report_engine import check
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
        QMessageBox.warning(self.window, APP_NAME, message)

    # --- quoting ---

    def selected_passage(self) -> tuple[str, int]:
        """The text selected on a page and that page (1-based), or ("", 0)."""
        text = self.view.selected_text() if self.report_pane_shown() else ""
        return (text, self.view.selection_page() + 1) if text.strip() else ("", 0)

    def copy_quotation(self) -> None:
        """Ctrl+Alt+C: on a report page, the passage, its in-text citation with the page and the entry
        (rendered by the engine: stored citations carry no page); on a section, as before."""
        from viewer.citeproc import citation
        from viewer.core.quotation import quotation
        if not self.report_pane_shown():
            self.window.citing.copy_quotation()
            return
        passage, page = self.selected_passage()
        if not passage:
            return
        style = self.window.citing.style()
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            in_text = citation.render(self.window.record, style, in_text=True, locator=str(page))
            entry = citation.render(self.window.record, style)
        except citation.CitationError as exc:
            self._warn(self.tr("The citation could not be made:\n{0}").format(exc))
            return
        finally:
            QGuiApplication.restoreOverrideCursor()
        html, text = quotation(passage, in_text, entry)
        self.window.citing.put_on_clipboard(html, text, self.tr("Copied the quotation from page {0} ({1}).")
                                            .format(page, citation.style(style).name))
