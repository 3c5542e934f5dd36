"""The main window: assembles the library, the outline, the detail pane, panels, actions and menus."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QByteArray, Qt, QUrl
from PySide6.QtGui import QAction, QCloseEvent, QDesktopServices, QUndoStack
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow, QSplitter, QStackedWidget, QVBoxLayout, QWidget

from viewer import APP_NAME
from viewer.core.history import History
from viewer.core.library import Library, LibraryError
from viewer.core.record import Record, Section
from viewer.services.citation_service import CitationService
from viewer.ui import appearance
from viewer.ui import settings as keys
from viewer.ui.actions import Actions
from viewer.ui.citation_controller import CitationController
from viewer.ui.citation_panel import CitationPanel
from viewer.ui.detail_pane import DetailPane
from viewer.ui.find_bar import FindBar
from viewer.ui.library_controller import LibraryController
from viewer.ui.library_model import LibraryModel
from viewer.ui.library_panel import LibraryPanel
from viewer.ui.outline_panel import OutlinePanel
from viewer.ui.output_controller import OutputController
from viewer.ui.report_controller import ReportController
from viewer.ui.report_panel import ReportPanel
from viewer.ui.settings import Settings

DEFAULT_SIZE = (1100, 700)
DEFAULT_SPLIT = [380, 720]
DEFAULT_LEFT_SPLIT = [180, 520]

class MainWindow(QMainWindow):
    def __init__(self, record: Record, settings: Settings, section_id: str | None = None,
                 citations: CitationService | None = None, library: Library | None = None) -> None:
        super().__init__()
        self.record = record
        self.settings = settings
        self.citations = citations or CitationService(parent=self)
        self.library = library or Library.open(None)  # in memory: the bundled record only
        # The user's own citation styles live beside the library (none for a library in memory).
        self.citations.user_styles = self.library.path.parent / "styles" if self.library.path else None
        self.history: History[tuple[str, str]] = History()
        self._navigating = False
        self.undo_stack = QUndoStack(self)
        self.menu_actions = Actions(self)  # not "actions": that would hide QWidget.actions()
        self._build_widgets()
        self.citing = CitationController(self)
        self.output = OutputController(self, self.citing)
        self.library_control = LibraryController(self, self.undo_stack)
        self.reports = ReportController(self, self.undo_stack)
        self._build_menus()
        self._connect()
        self.reports.reload()
        self._restore(section_id)
        self.setAcceptDrops(True)
        self.update_actions()

    # --- assembly ---

    def _build_widgets(self) -> None:
        self.library_model = LibraryModel(self.library, self)
        self.library_panel = LibraryPanel(self.library_model)
        self.outline = OutlinePanel(self.record)
        # Short names for the parts other code and the tests reach most.
        self.tree, self.filter_edit = self.outline.tree, self.outline.filter_edit

        self.left_splitter = QSplitter(Qt.Orientation.Vertical)
        self.left_splitter.setObjectName("leftSplitter")
        self.left_splitter.addWidget(self.library_panel)
        self.left_splitter.addWidget(self.outline)
        self.left_splitter.setSizes(DEFAULT_LEFT_SPLIT)

        self.pane = DetailPane()
        self.find_bar = FindBar(self.pane)
        right = QWidget()
        column = QVBoxLayout(right)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        # The detail area: the section's text, or an attached report's pages.
        self.report_panel = ReportPanel()
        self.detail_stack = QStackedWidget()
        self.detail_stack.addWidget(self.pane)
        self.detail_stack.addWidget(self.report_panel)
        column.addWidget(self.detail_stack)
        column.addWidget(self.find_bar)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("splitter")
        self.splitter.addWidget(self.left_splitter)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes(DEFAULT_SPLIT)
        self.setCentralWidget(self.splitter)
        self.resize(*DEFAULT_SIZE)

        self.citation_panel = CitationPanel(self.menu_actions.copy_citation, self.menu_actions.copy_in_text, self)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.citation_panel)
        self.citation_panel.hide()

        self.zoom_label = QLabel()
        self.zoom_label.setAccessibleName(self.tr("Zoom level"))
        self.statusBar().addPermanentWidget(self.zoom_label)
        self.library_panel.list.addAction(self.menu_actions.paste_records)  # Ctrl+V while the list has focus
        self.setTabOrder(self.library_panel.search_edit, self.library_panel.list)
        self.setTabOrder(self.library_panel.list, self.filter_edit)
        self.setTabOrder(self.filter_edit, self.tree)
        self.setTabOrder(self.tree, self.pane)
        self.setTabOrder(self.pane, self.find_bar)  # the bar forwards focus to its field

    def _build_menus(self) -> None:
        a = self.menu_actions
        menus: dict[str, list[QAction | str | None]] = {
            self.tr("&File"): [a.open, a.import_files, a.import_clipboard, a.add_style, a.export, None, a.export_pdf,
                               a.export_pdf_whole, None,
                               a.print, a.print_whole, None, a.open_source, None, a.quit],
            self.tr("&Edit"): [a.undo, a.redo, None, a.copy, a.paste_records, a.copy_citation, a.copy_in_text, a.copy_quotation,
                               None, a.find, a.find_next, a.find_previous, a.filter, a.search_library, None,
                               a.remove],
            self.tr("&View"): [a.zoom_in, a.zoom_out, a.zoom_reset, None, "appearance", a.dark_pages, None,
                               a.show_citation_panel, None, a.next_pane, a.previous_pane, None, a.reset_layout],
            self.tr("&Record"): [a.attach_report, a.detach_report, None, a.damaged_records],
            self.tr("&Go"): [a.back, a.forward],
            self.tr("&Help"): [a.keyboard_shortcuts, None, a.about, a.about_qt],
        }
        for title, entries in menus.items():
            menu = self.menuBar().addMenu(title)
            for entry in entries:
                if entry is None:
                    menu.addSeparator()
                elif entry == "appearance":
                    menu.addMenu(self.tr("&Appearance")).addActions(a.appearance.actions())
                else:
                    menu.addAction(entry)

    def _connect(self) -> None:
        a = self.menu_actions
        lib, out, cite = self.library_control, self.output, self.citing
        self.outline.section_changed.connect(self._section_changed)
        self.outline.filter_applied.connect(self._filter_applied)
        self.library_panel.current_record_changed.connect(self.open_record)
        self.library_panel.selection_changed.connect(self.update_actions)
        self.library_model.order_changed.connect(lambda order: self.settings.set(keys.LIBRARY_ORDER, order))
        self.library_panel.selection_changed.connect(self.citation_panel.refresh)
        self.library_panel.selection_changed.connect(self.citing.selection_changed)
        self.pane.copyAvailable.connect(self.update_actions)
        self.pane.zoom_changed.connect(self._zoom_changed)
        self.citation_panel.visibilityChanged.connect(a.show_citation_panel.setChecked)
        self.undo_stack.canUndoChanged.connect(a.undo.setEnabled)
        self.undo_stack.canRedoChanged.connect(a.redo.setEnabled)
        self.find_bar.options_changed.connect(
            lambda: self.settings.set(keys.FIND_CASE_SENSITIVE, self.find_bar.options()["case_sensitive"]))
        for action, slot in (
            (a.open, lib.open_files), (a.import_files, lib.import_dialog), (a.export, out.export_records),
            (a.import_clipboard, lib.import_clipboard), (a.paste_records, lib.import_clipboard),
            (a.add_style, lambda: cite.add_style()),
            (a.export_pdf, lambda: out.export_pdf(whole=False)), (a.export_pdf_whole, lambda: out.export_pdf(whole=True)),
            (a.print, lambda: out.print_record(whole=False)), (a.print_whole, lambda: out.print_record(whole=True)),
            (a.open_source, self.open_source), (a.quit, self.close),
            (a.undo, self.undo_stack.undo), (a.redo, self.undo_stack.redo), (a.remove, lib.remove_selected),
            (a.copy, self.reports.copy), (a.copy_citation, lambda: cite.copy_citation(in_text=False)),
            (a.copy_in_text, lambda: cite.copy_citation(in_text=True)), (a.copy_quotation, self.reports.copy_quotation),
            (a.find, lambda: self.reports.finder().activate()), (a.find_next, lambda: self.reports.finder().find_next()),
            (a.find_previous, lambda: self.reports.finder().find_previous()), (a.filter, self.outline.focus_filter),
            (a.attach_report, self.reports.attach_dialog), (a.detach_report, self.reports.detach),
            (a.damaged_records, lib.show_damaged),
            (a.search_library, self.focus_library_search),
            (a.zoom_in, self.pane.zoom_in), (a.zoom_out, self.pane.zoom_out),
            (a.zoom_reset, lambda: self.pane.set_zoom(100)),
            (a.appearance_system, lambda: self.set_appearance("system")),
            (a.appearance_light, lambda: self.set_appearance("light")),
            (a.appearance_dark, lambda: self.set_appearance("dark")),
            (a.next_pane, lambda: self.cycle_focus(1)), (a.previous_pane, lambda: self.cycle_focus(-1)),
            (a.reset_layout, self.reset_layout),
            (a.back, lambda: self._go(self.history.back())), (a.forward, lambda: self._go(self.history.forward())),
            (a.keyboard_shortcuts, self.show_shortcuts),
            (a.about, self.show_about), (a.about_qt, QApplication.aboutQt),
        ):
            action.triggered.connect(slot)
        a.show_citation_panel.triggered.connect(lambda checked: self.citation_panel.setVisible(checked))

    def _restore(self, section_id: str | None) -> None:
        s = self.settings
        self.restoreGeometry(s.get(keys.GEOMETRY))
        self.restoreState(s.get(keys.WINDOW_STATE))
        self.splitter.restoreState(s.get(keys.SPLITTER))
        self.left_splitter.restoreState(s.get(keys.LEFT_SPLITTER))
        self.pane.set_zoom(s.get(keys.ZOOM))
        self.find_bar.set_options(case_sensitive=s.get(keys.FIND_CASE_SENSITIVE))
        self.set_appearance(s.get(keys.APPEARANCE))
        self.citation_panel.user_styles = self.citations.user_styles
        self.citing.restore()
        # The record given at start-up (the bundled one, or --file/--record) is the one shown; the
        # remembered section applies when it is the record that was open last time.
        same_record = s.get(keys.LAST_RECORD) in ("", self.record.id)
        expanded = s.get(keys.EXPANDED)
        if expanded is not None and same_record:
            self.outline.set_expanded(set(expanded))
        self.library_panel.set_order(s.get(keys.LIBRARY_ORDER))
        self.library_panel.blockSignals(True)
        self.library_panel.select_record(self.record.id)
        self.library_panel.blockSignals(False)
        wanted = section_id or (s.get(keys.LAST_SECTION) if same_record else "")
        if not (wanted and self.outline.select_section(wanted)):
            self.outline.select_first()
        self.tree.setFocus()

    # --- records and sections ---

    def open_record(self, record_id: str, section_id: str = "", *, reload: bool = False) -> None:
        """Shows a record of the library (from the list, history or an import); ``reload`` reads
        the open record again (an import replaced it)."""
        if record_id == self.record.id and not reload:
            if section_id:
                self.outline.select_section(section_id)
            return
        try:
            record = self.library.get(record_id)
        except (KeyError, LibraryError) as exc:
            self.statusBar().showMessage(self.tr("The record cannot be opened: {0}").format(exc), 8000)
            return
        self.show_record(record, section_id)

    def show_record(self, record: Record, section_id: str = "") -> None:
        """Shows a record, whether or not the library holds it."""
        self.record = record
        self.setWindowTitle(self._title())
        self.outline.set_record(record, section_id)
        self.reports.reload()
        self.citation_panel.refresh()
        self.citing.warm()
        self.update_actions()

    def _title(self) -> str:
        ncj = f" — NCJ {self.record.ncj_number}" if self.record.ncj_number else ""
        return f"{self.record.title}{ncj} — {APP_NAME}"

    def _section_changed(self, section: Section) -> None:
        if section.kind == "report":
            self.reports.show(section)
        else:
            self.reports.show_text_pane()
            self.pane.show_section(self.record, section, highlight=self.outline.terms(),
                                   query=self.library_panel.search_terms())
        if not self._navigating:
            self.history.visit((self.record.id, section.id))
        self.setWindowTitle(self._title())
        self.update_actions()

    def _filter_applied(self, count: int) -> None:
        if count >= 0:
            message = self.tr("1 section matches") if count == 1 else self.tr("{0} sections match").format(count)
            self.statusBar().showMessage(message, 4000)

    def _go(self, entry: tuple[str, str] | None) -> None:
        if entry is None:
            return
        record_id, section_id = entry
        self._navigating = True
        try:
            if record_id != self.record.id and not self.library_panel.select_record(record_id):
                return  # removed since: nothing to go back to
            if not self.outline.tree_index(section_id).isValid():
                self.filter_edit.clear()  # history may lead to a section the filter hides
            self.outline.select_section(section_id)
        finally:
            self._navigating = False
        self.update_actions()

    # Kept for callers that think in sections of the open record.
    def tree_index(self, section_id: str):
        return self.outline.tree_index(section_id)

    def select_section(self, section_id: str) -> bool:
        return self.outline.select_section(section_id)

    def current_section_id(self) -> str:
        return self.outline.current_section_id()

    @property
    def proxy(self):
        return self.outline.proxy

    @property
    def model(self):
        return self.outline.model

    def focus_library_search(self) -> None:
        self.library_panel.search_edit.setFocus()
        self.library_panel.search_edit.selectAll()

    def cycle_focus(self, step: int) -> None:
        """F6 / Ctrl+Tab: move between the library, the outline, the text and (when open) the find bar."""
        panes = [w for w in (self.library_panel.list, self.tree, self.pane, self.find_bar) if w.isVisible()]
        focused = self.focusWidget()
        position = next((i for i, w in enumerate(panes) if w is focused or w.isAncestorOf(focused)), -1)
        if position < 0 and focused is not None and focused.isAncestorOf(self.tree):
            position = panes.index(self.tree)
        panes[(position + step) % len(panes)].setFocus()

    def update_actions(self) -> None:
        a = self.menu_actions
        has_selection = self.pane.textCursor().hasSelection()
        a.copy.setEnabled(has_selection or self.reports.has_selection())
        a.copy_quotation.setEnabled(has_selection or self.reports.has_selection())
        a.attach_report.setEnabled(self.reports.folder is not None)
        a.detach_report.setEnabled(self.reports.has_report())
        a.open_source.setEnabled(bool(self.record.provenance and self.record.provenance.url))
        a.back.setEnabled(self.history.can_go_back())
        a.forward.setEnabled(self.history.can_go_forward())
        a.undo.setEnabled(self.undo_stack.canUndo())
        a.redo.setEnabled(self.undo_stack.canRedo())
        a.remove.setEnabled(bool(self.library_control.removable_selection()))
        if self.library.read_only:
            a.hold_library_writes()

    # --- dropped files ---

    def dragEnterEvent(self, event) -> None:  # noqa: N802 - Qt override
        if event.mimeData().hasUrls() and any(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:  # noqa: N802 - Qt override
        paths = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if len(paths) == 1 and paths[0].lower().endswith(".pdf"):
            event.acceptProposedAction()
            self.reports.attach(paths[0])  # a PDF dropped on the window: the open record's report
        elif paths:
            event.acceptProposedAction()
            self.library_control.imports.start(paths)

    # --- reading comfort ---

    def _zoom_changed(self, percent: int) -> None:
        self.zoom_label.setText(f"{percent}%")
        self.report_panel.view.set_zoom(percent)
        self.menu_actions.zoom_reset.setEnabled(percent != 100)

    def set_appearance(self, mode: str) -> None:
        appearance.apply(mode)
        getattr(self.menu_actions, f"appearance_{mode}").setChecked(True)
        self.settings.set(keys.APPEARANCE, mode)

    def reset_layout(self) -> None:
        self.filter_edit.clear()
        self.setGeometry(self.geometry().x(), self.geometry().y(), *DEFAULT_SIZE)
        self.restoreState(QByteArray())
        self.splitter.setSizes(DEFAULT_SPLIT)
        self.left_splitter.setSizes(DEFAULT_LEFT_SPLIT)
        self.citation_panel.hide()
        self.tree.expandAll()
        self.pane.set_zoom(100)
        for key in (keys.GEOMETRY, keys.WINDOW_STATE, keys.SPLITTER, keys.LEFT_SPLITTER, keys.EXPANDED, keys.ZOOM):
            self.settings.remove(key)
        self.statusBar().showMessage(self.tr("Layout reset."), 4000)

    def warm_citations(self) -> None:
        """Once the window is shown (app start-up): build the chosen style's engine if needed."""
        self.citing.warm()

    # --- other ---

    def open_source(self) -> None:
        if self.record.provenance and self.record.provenance.url:
            QDesktopServices.openUrl(QUrl(self.record.provenance.url))

    def show_about(self) -> None:
        r = self.record
        provenance = ""
        # Only what the record's page named (a page without a banner names neither): never "the , ."
        source = [escape(p) for p in (r.provenance.library, r.provenance.agency) if p] if r.provenance else []
        if source and r.ncj_number:
            provenance = f"<p>The record NCJ {escape(r.ncj_number)} comes from the {', '.join(source)}.</p>"
        from viewer.ui import help_dialogs  # on use: start-up shows no dialog
        help_dialogs.show_about(self, provenance)

    def show_shortcuts(self) -> None:
        from viewer.ui import help_dialogs
        help_dialogs.ShortcutsDialog(self.menu_actions, self).exec()

    def closeEvent(self, event: QCloseEvent) -> None:
        s = self.settings
        s.set(keys.GEOMETRY, self.saveGeometry())
        s.set(keys.WINDOW_STATE, self.saveState())
        s.set(keys.SPLITTER, self.splitter.saveState())
        s.set(keys.LEFT_SPLITTER, self.left_splitter.saveState())
        s.set(keys.EXPANDED, self.outline.expanded_ids())
        s.set(keys.LAST_SECTION, self.current_section_id())
        s.set(keys.LAST_RECORD, self.record.id)
        s.set(keys.ZOOM, self.pane.zoom)
        problem = s.sync()
        if problem:
            self.statusBar().showMessage(problem)
        self.citations.shutdown()
        self.library_control.shutdown()
        self.reports.shutdown()
        super().closeEvent(event)
