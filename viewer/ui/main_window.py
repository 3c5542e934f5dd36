"""The main window: assembles the library, the outline, the detail pane, panels, actions and menus."""

from __future__ import annotations

from html import escape
from pathlib import Path

from PySide6.QtCore import QByteArray, QStandardPaths, Qt, QUrl
from PySide6.QtGui import QCloseEvent, QDesktopServices, QUndoCommand, QUndoStack
from PySide6.QtWidgets import QFileDialog, QLabel, QMainWindow, QMessageBox, QSplitter, QVBoxLayout, QWidget

from viewer import APP_NAME, __version__
from viewer.citeproc import citation
from viewer.core.history import History
from viewer.core.library import Library, LibraryError
from viewer.core.quotation import quotation
from viewer.core.record import Record, Section
from viewer.core.resources import BUNDLED_RECORD_ID
from viewer.services.citation_service import CitationService
from viewer.ui import appearance, clipboard
from viewer.ui import settings as keys
from viewer.ui.actions import Actions
from viewer.ui.citation_panel import CitationPanel
from viewer.ui.detail_pane import DetailPane
from viewer.ui.find_bar import FindBar
from viewer.ui.library_model import LibraryModel
from viewer.ui.library_panel import LibraryPanel
from viewer.ui.outline_panel import OutlinePanel
from viewer.ui.settings import Settings

DEFAULT_SIZE = (1100, 700)
DEFAULT_SPLIT = [380, 720]
DEFAULT_LEFT_SPLIT = [180, 520]
IMPORT_FILTERS = ("Reference files (*.ris *.bib *.bibtex *.json);;RIS (*.ris);;BibTeX (*.bib *.bibtex);;"
                  "CSL-JSON or record files (*.json);;All files (*)")


class _RemoveRecords(QUndoCommand):
    def __init__(self, window: "MainWindow", ids: list[str]) -> None:
        super().__init__(window.tr("Remove {0} record(s)").format(len(ids)))
        self._window, self._ids = window, ids

    def redo(self) -> None:
        self._ids = list(self._window.library.remove(self._ids))
        self._window.library_changed()

    def undo(self) -> None:
        self._window.library.restore(self._ids)
        self._window.library_changed(select=self._ids[0] if self._ids else "")


class MainWindow(QMainWindow):
    def __init__(self, record: Record, settings: Settings, section_id: str | None = None,
                 citations: CitationService | None = None, library: Library | None = None) -> None:
        super().__init__()
        self.record = record
        self.settings = settings
        self.citations = citations or CitationService(parent=self)
        self.library = library or Library.open(None)  # in memory: the bundled record only
        self._waiting: dict[tuple[str, str], list] = {}  # (record id, style) -> what to do once ready
        self._bibliographies: dict[str, tuple[str, int]] = {}  # token -> (style, records) awaited
        self.history = History()
        self._navigating = False
        self.undo_stack = QUndoStack(self)
        self.actions = Actions(self)
        self._imports = None  # made on first use: importing is not part of start-up
        self._build_widgets()
        self._build_menus()
        self._connect()
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
        column.addWidget(self.pane)
        column.addWidget(self.find_bar)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("splitter")
        self.splitter.addWidget(self.left_splitter)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes(DEFAULT_SPLIT)
        self.setCentralWidget(self.splitter)
        self.resize(*DEFAULT_SIZE)

        self.citation_panel = CitationPanel(self.actions.copy_citation, self.actions.copy_in_text, self)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.citation_panel)
        self.citation_panel.hide()

        self.zoom_label = QLabel()
        self.zoom_label.setAccessibleName(self.tr("Zoom level"))
        self.statusBar().addPermanentWidget(self.zoom_label)
        self.setTabOrder(self.library_panel.search_edit, self.library_panel.list)
        self.setTabOrder(self.library_panel.list, self.filter_edit)
        self.setTabOrder(self.filter_edit, self.tree)
        self.setTabOrder(self.tree, self.pane)
        self.setTabOrder(self.pane, self.find_bar)  # the bar forwards focus to its field

    def _build_menus(self) -> None:
        a = self.actions
        menus = {
            self.tr("&File"): [a.open, a.import_files, a.export, None, a.export_pdf, a.export_pdf_whole, None,
                               a.print, a.print_whole, None, a.open_source, None, a.quit],
            self.tr("&Edit"): [a.undo, a.redo, None, a.copy, a.copy_citation, a.copy_in_text, a.copy_quotation,
                               None, a.find, a.find_next, a.find_previous, a.filter, a.search_library, None,
                               a.remove],
            self.tr("&View"): [a.zoom_in, a.zoom_out, a.zoom_reset, None, "appearance", None,
                               a.show_citation_panel, None, a.next_pane, a.previous_pane, None, a.reset_layout],
            self.tr("&Go"): [a.back, a.forward],
            self.tr("&Help"): [a.about, a.about_qt],
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
        a = self.actions
        self.outline.section_changed.connect(self._section_changed)
        self.outline.filter_applied.connect(self._filter_applied)
        self.library_panel.current_record_changed.connect(self.open_record)
        self.library_panel.selection_changed.connect(self.update_actions)
        self.pane.copyAvailable.connect(self.update_actions)
        self.pane.zoom_changed.connect(self._zoom_changed)
        self.citation_panel.style_changed.connect(self._style_changed)
        self.citation_panel.visibilityChanged.connect(a.show_citation_panel.setChecked)
        self.citations.ready.connect(self._citation_ready)
        self.citations.failed.connect(self._citation_failed)
        self.citations.bibliography_ready.connect(self._bibliography_ready)
        self.citations.bibliography_failed.connect(self._bibliography_failed)
        self.undo_stack.canUndoChanged.connect(a.undo.setEnabled)
        self.undo_stack.canRedoChanged.connect(a.redo.setEnabled)
        self.find_bar.options_changed.connect(
            lambda: self.settings.set(keys.FIND_CASE_SENSITIVE, self.find_bar.options()["case_sensitive"]))
        for action, slot in (
            (a.open, self.open_files), (a.import_files, self.import_dialog), (a.export, self.export_records),
            (a.export_pdf, lambda: self.export_pdf(whole=False)), (a.export_pdf_whole, lambda: self.export_pdf(whole=True)),
            (a.print, lambda: self.print_record(whole=False)), (a.print_whole, lambda: self.print_record(whole=True)),
            (a.open_source, self.open_source), (a.quit, self.close),
            (a.undo, self.undo_stack.undo), (a.redo, self.undo_stack.redo), (a.remove, self.remove_selected),
            (a.copy, self.pane.copy), (a.copy_citation, lambda: self.copy_citation(in_text=False)),
            (a.copy_in_text, lambda: self.copy_citation(in_text=True)), (a.copy_quotation, self.copy_quotation),
            (a.find, self.find_bar.activate), (a.find_next, self.find_bar.find_next),
            (a.find_previous, self.find_bar.find_previous), (a.filter, self.outline.focus_filter),
            (a.search_library, self.focus_library_search),
            (a.zoom_in, self.pane.zoom_in), (a.zoom_out, self.pane.zoom_out),
            (a.zoom_reset, lambda: self.pane.set_zoom(100)),
            (a.appearance_system, lambda: self.set_appearance("system")),
            (a.appearance_light, lambda: self.set_appearance("light")),
            (a.appearance_dark, lambda: self.set_appearance("dark")),
            (a.next_pane, lambda: self.cycle_focus(1)), (a.previous_pane, lambda: self.cycle_focus(-1)),
            (a.reset_layout, self.reset_layout),
            (a.back, lambda: self._go(self.history.back())), (a.forward, lambda: self._go(self.history.forward())),
            (a.about, self.show_about), (a.about_qt, lambda: QMessageBox.aboutQt(self)),
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
        self.citation_panel.set_style(s.get(keys.CITATION_STYLE))
        self.citation_panel.set_lookup(lambda style: self.citations.lookup(self.record, style))
        # The record given at start-up (the bundled one, or --file/--record) is the one shown; the
        # remembered section applies when it is the record that was open last time.
        same_record = s.get(keys.LAST_RECORD) in ("", self.record.id)
        expanded = s.get(keys.EXPANDED)
        if expanded is not None and same_record:
            self.outline.set_expanded(set(expanded))
        self.library_panel.blockSignals(True)
        self.library_panel.select_record(self.record.id)
        self.library_panel.blockSignals(False)
        wanted = section_id or (s.get(keys.LAST_SECTION) if same_record else "")
        if not (wanted and self.outline.select_section(wanted)):
            self.outline.select_first()
        self.tree.setFocus()

    # --- records and sections ---

    def open_record(self, record_id: str, section_id: str = "") -> None:
        """Shows a record of the library (from the list, history or an import)."""
        if record_id == self.record.id:
            if section_id:
                self.outline.select_section(section_id)
            return
        try:
            record = self.library.get(record_id)
        except (KeyError, LibraryError) as exc:
            self.statusBar().showMessage(self.tr("The record cannot be opened: {0}").format(exc), 8000)
            return
        self.record = record
        self.setWindowTitle(self._title())
        self.outline.set_record(record, section_id)
        self.citation_panel.refresh()
        self.warm_citations()
        self.update_actions()

    def _title(self) -> str:
        ncj = f" — NCJ {self.record.ncj_number}" if self.record.ncj_number else ""
        return f"{self.record.title}{ncj} — {APP_NAME}"

    def _section_changed(self, section: Section) -> None:
        self.pane.show_section(self.record, section, highlight=self._highlight_terms())
        if not self._navigating:
            self.history.visit((self.record.id, section.id))
        self.setWindowTitle(self._title())
        self.update_actions()

    def _highlight_terms(self) -> list[str]:
        """Words to mark in the text: the outline filter's and the library search's."""
        search = [w.rstrip("*") for w in self.library_panel.search_terms().lower().split()]
        return list(dict.fromkeys(self.outline.terms() + [w for w in search if w]))

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
        a = self.actions
        has_selection = self.pane.textCursor().hasSelection()
        a.copy.setEnabled(has_selection)
        a.copy_quotation.setEnabled(has_selection)
        a.open_source.setEnabled(bool(self.record.provenance and self.record.provenance.url))
        a.back.setEnabled(self.history.can_go_back())
        a.forward.setEnabled(self.history.can_go_forward())
        a.undo.setEnabled(self.undo_stack.canUndo())
        a.redo.setEnabled(self.undo_stack.canRedo())
        removable = [i for i in self.library_panel.selected_record_ids() if not self.library.is_protected(i)]
        a.remove.setEnabled(bool(removable))

    # --- the library ---

    @property
    def imports(self):
        """The import flow (viewer.ui.import_flow), loaded on first use, off the start-up path."""
        if self._imports is None:
            from viewer.ui.import_flow import ImportFlow

            self._imports = ImportFlow(self.library, self)
            self._imports.finished.connect(self._imported)
        return self._imports

    def import_dialog(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, self.tr("Import into the Library"), "", IMPORT_FILTERS)
        self.imports.start(paths)

    def open_files(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, self.tr("Open Record File"), "",
                                                self.tr("Record files (*.json);;All files (*)"))
        self.imports.start(paths)

    def _imported(self, added: list[str]) -> None:
        self.library_changed(select=added[0] if added else "")
        message = self.tr("Imported 1 record.") if len(added) == 1 else self.tr("Imported {0} records.").format(len(added))
        self.statusBar().showMessage(message, 8000)

    def library_changed(self, select: str = "") -> None:
        """After an import, removal or undo: the list afresh, and the open record still shown."""
        keep = select or self.record.id
        self.library_model.reload()
        if not self.library_panel.select_record(keep):
            self.library_panel.select_record(BUNDLED_RECORD_ID)  # the open record was removed
        self.update_actions()

    def remove_selected(self) -> None:
        ids = [i for i in self.library_panel.selected_record_ids() if not self.library.is_protected(i)]
        if ids:
            self.undo_stack.push(_RemoveRecords(self, ids))
            self.statusBar().showMessage(self.tr("Removed {0} record(s). Undo brings them back.").format(len(ids)), 8000)

    def dragEnterEvent(self, event) -> None:  # noqa: N802 - Qt override
        if event.mimeData().hasUrls() and any(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:  # noqa: N802 - Qt override
        paths = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.imports.start(paths)

    # --- reading comfort ---

    def _zoom_changed(self, percent: int) -> None:
        self.zoom_label.setText(f"{percent}%")
        self.actions.zoom_reset.setEnabled(percent != 100)

    def set_appearance(self, mode: str) -> None:
        appearance.apply(mode)
        getattr(self.actions, f"appearance_{mode}").setChecked(True)
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

    # --- citations ---

    def _style(self) -> str:
        return self.citation_panel.style_id() or citation.DEFAULT_STYLE

    def _style_changed(self, style_id: str) -> None:
        self.settings.set(keys.CITATION_STYLE, style_id)
        self.citation_panel.refresh()
        self.warm_citations()

    def _put_on_clipboard(self, html: str, text: str, what: str) -> None:
        if clipboard.copy_rich(html, text):
            self.statusBar().showMessage(what, 5000)
        else:
            self.statusBar().showMessage(self.tr("No clipboard is available: nothing was copied."), 8000)

    def _with_citation(self, then) -> None:
        """Calls ``then(entry, style)`` now if the citation is at hand, else once the worker has it."""
        style = self._style()
        entry = self.citations.lookup(self.record, style)
        if entry is not None:
            then(entry, style)
            return
        self._waiting.setdefault((self.record.id, style), []).append(then)
        self.statusBar().showMessage(self.tr("Preparing the citation ({0})…").format(citation.style(style).name))
        self.citations.request(self.record, style)

    def _citation_ready(self, record_id: str, style: str) -> None:
        waiting = self._waiting.pop((record_id, style), [])
        if record_id != self.record.id:
            return  # the user has moved on to another record: nothing to copy or show
        self.citation_panel.refresh()
        for then in waiting:
            then(self.citations.lookup(self.record, style), style)

    def _citation_failed(self, record_id: str, style: str, message: str) -> None:
        if self._waiting.pop((record_id, style), None):
            QMessageBox.warning(self, APP_NAME, self.tr("The citation could not be made:\n{0}").format(message))

    def copy_citation(self, in_text: bool = False) -> None:
        ids = self.library_panel.selected_record_ids()
        if not in_text and len(ids) > 1:
            self.copy_bibliography(ids)
            return
        kind = self.tr("in-text citation") if in_text else self.tr("citation")

        def copy(entry, style):
            cite = citation.from_entry(entry, in_text)
            self._put_on_clipboard(cite.html, cite.text,
                                   self.tr("Copied the {0} ({1}).").format(kind, citation.style(style).name))

        self._with_citation(copy)

    def copy_bibliography(self, ids: list[str]) -> None:
        """One bibliography of several records, ordered as the style orders it (citeproc-js)."""
        records = self.library.get_many(ids)
        style = self._style()
        self.statusBar().showMessage(self.tr("Preparing the bibliography of {0} records ({1})…").format(
            len(records), citation.style(style).name))
        token = self.citations.request_bibliography(records, style)
        self._bibliographies[token] = (style, len(records))

    def _bibliography_ready(self, token: str, cite: citation.Citation) -> None:
        if token not in self._bibliographies:
            return
        style, count = self._bibliographies.pop(token)
        self._put_on_clipboard(cite.html, cite.text, self.tr("Copied the bibliography of {0} records ({1}).")
                               .format(count, citation.style(style).name))

    def _bibliography_failed(self, token: str, message: str) -> None:
        if self._bibliographies.pop(token, None) is not None:
            QMessageBox.warning(self, APP_NAME, self.tr("The bibliography could not be made:\n{0}").format(message))

    def copy_quotation(self) -> None:
        passage = self.pane.textCursor().selectedText().replace("\u2029", " ")
        if not passage.strip():
            return

        def copy(entry, style):
            html, text = quotation(passage, citation.from_entry(entry, True), citation.from_entry(entry))
            self._put_on_clipboard(html, text, self.tr("Copied the quotation with its citation ({0}).")
                                   .format(citation.style(style).name))

        self._with_citation(copy)

    def warm_citations(self) -> None:
        """After the window is shown: build the chosen style's engine if this record needs it."""
        if self.citations.lookup(self.record, self._style()) is None:
            self.citations.warm(self._style())

    # --- output ---

    def export_records(self) -> None:
        from viewer.core import exports

        records = self.library.get_many(self.library_panel.selected_record_ids()) or [self.record]
        filters = {self.tr("RIS (*.ris)"): "ris", self.tr("BibTeX (*.bib)"): "bibtex",
                   self.tr("CSL-JSON (*.json)"): "csl-json"}
        first = records[0]
        suggested = (f"ncj-{first.ncj_number}.ris" if first.ncj_number else "record.ris") if len(records) == 1 \
            else "bibliography.ris"
        path, chosen = QFileDialog.getSaveFileName(self, self.tr("Export"), suggested, ";;".join(filters))
        if path:
            self.save_text(path, exports.export_many(records, filters.get(chosen, "ris")))

    def save_text(self, path: str, text: str) -> bool:
        """Writes atomically: the old file stays whole if anything goes wrong."""
        from PySide6.QtCore import QSaveFile

        out = QSaveFile(path)
        if out.open(QSaveFile.OpenModeFlag.WriteOnly) and out.write(text.encode("utf-8")) >= 0 and out.commit():
            self.statusBar().showMessage(self.tr("Saved {0}").format(path), 5000)
            return True
        QMessageBox.warning(self, APP_NAME, self.tr("Could not save {0}:\n{1}").format(path, out.errorString()))
        return False

    def _output_section(self, whole: bool) -> str | None:
        return None if whole else (self.current_section_id() or None)

    def print_record(self, whole: bool = False) -> None:
        from viewer.ui import printing  # on use: printing is not part of start-up

        section_id = self._output_section(whole)
        # The citation comes from the worker (or is at hand): printing never renders it in the window.
        self._with_citation(lambda entry, style: printing.print_document(
            self, self.record, section_id, style, cite=citation.from_entry(entry)))

    def export_pdf(self, whole: bool = False) -> None:
        from viewer.ui import printing

        section_id = self._output_section(whole)
        docs = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        dialog = QFileDialog(self, self.tr("Export as PDF"),
                             str(Path(docs) / printing.suggested_file_name(self.record, section_id)),
                             self.tr("PDF documents (*.pdf)"))
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setDefaultSuffix("pdf")  # keeps the overwrite confirmation
        if not dialog.exec():
            return
        path = dialog.selectedFiles()[0]
        record = self.record

        def write(entry, style):
            try:
                printing.write_pdf(record, path, section_id, style_id=style, cite=citation.from_entry(entry))
            except printing.PdfError as exc:
                QMessageBox.warning(self, APP_NAME, str(exc))
                return
            self.statusBar().showMessage(self.tr("Saved {0}").format(path), 5000)

        self._with_citation(write)

    # --- other ---

    def open_source(self) -> None:
        if self.record.provenance and self.record.provenance.url:
            QDesktopServices.openUrl(QUrl(self.record.provenance.url))

    def show_about(self) -> None:
        r = self.record
        provenance = ""
        if r.provenance and r.ncj_number:
            provenance = (f"<p>The record NCJ {escape(r.ncj_number)} comes from the "
                          f"{escape(r.provenance.library)}, {escape(r.provenance.agency)}.</p>")
        QMessageBox.about(self, self.tr("About {0}").format(APP_NAME),
                          f"<h3>{APP_NAME} {__version__}</h3>"
                          f"<p>Read and cite records of the NCJRS Virtual Library offline.</p>"
                          f"{provenance}")

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
        if self._imports is not None:
            self._imports.shutdown()
        super().closeEvent(event)
