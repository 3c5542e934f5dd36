"""The main window: assembles the outline, the detail pane, the panels, the actions and the menus."""

from __future__ import annotations

from html import escape
from pathlib import Path

from PySide6.QtCore import QByteArray, QItemSelectionModel, QModelIndex, QSaveFile, QStandardPaths, Qt, QUrl
from PySide6.QtGui import QCloseEvent, QDesktopServices
from PySide6.QtWidgets import (QFileDialog, QLabel, QLineEdit, QMainWindow, QMessageBox, QSplitter,
                               QTreeView, QVBoxLayout, QWidget)

from viewer import APP_NAME, __version__, appearance, citation, clipboard, printing, settings as keys
from viewer.actions import Actions
from viewer.citation_panel import CitationPanel
from viewer.citation_service import CitationService
from viewer.detail_pane import DetailPane
from viewer.find_bar import FindBar
from viewer.history import History
from viewer.outline_model import OutlineModel, SearchTextRole, SectionFilterModel, SectionRole
from viewer.quotation import quotation
from viewer.record import Record
from viewer.settings import Settings

DEFAULT_SIZE = (1040, 680)
DEFAULT_SPLIT = [360, 680]


class MainWindow(QMainWindow):
    def __init__(self, record: Record, settings: Settings, section_id: str | None = None,
                 citations: CitationService | None = None) -> None:
        super().__init__()
        self.record = record
        self.settings = settings
        self.citations = citations or CitationService(parent=self)
        self._waiting: dict[str, list] = {}  # style id -> what to do once its citation is ready
        self.history = History()
        self._navigating = False
        self.setWindowTitle(f"{record.title} — NCJ {record.ncj_number} — {APP_NAME}")

        self.model = OutlineModel(record, self)
        self.proxy = SectionFilterModel(self)
        self.proxy.setSourceModel(self.model)
        self.actions = Actions(self)
        self._build_widgets()
        self._build_menus()
        self._connect()
        self._restore(section_id)
        self.update_actions()

    # --- assembly ---

    def _build_widgets(self) -> None:
        self.filter_edit = QLineEdit()
        self.filter_edit.setObjectName("sectionFilter")
        self.filter_edit.setPlaceholderText(self.tr("Search sections"))
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setAccessibleName(self.tr("Search sections"))
        self.filter_edit.setAccessibleDescription(
            self.tr("Narrows the outline to sections whose heading or text holds every word typed"))

        self.tree = QTreeView()
        self.tree.setObjectName("outline")
        self.tree.setAccessibleName(self.tr("Report sections"))
        self.tree.setAccessibleDescription(self.tr("The outline of the record; the selected section is shown beside it"))
        self.tree.setModel(self.proxy)
        self.tree.setHeaderHidden(True)
        self.tree.setUniformRowHeights(True)
        self.tree.expandAll()

        outline_note = QLabel(self.tr("Outline derived from the abstract"))
        outline_note.setObjectName("outlineNote")
        outline_note.setToolTip(self.tr("The report's own table of contents is not part of the record; "
                                        "these sections follow what its abstract describes."))
        outline_note.setContentsMargins(6, 2, 6, 4)
        outline_note.setEnabled(False)  # drawn in the muted colour of the style

        left = QWidget()
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(self.filter_edit)
        column.addWidget(self.tree)
        column.addWidget(outline_note)

        self.pane = DetailPane()
        right = QWidget()
        self.right_column = QVBoxLayout(right)
        self.right_column.setContentsMargins(0, 0, 0, 0)
        self.right_column.setSpacing(0)
        self.right_column.addWidget(self.pane)
        self.find_bar = FindBar(self.pane)
        self.right_column.addWidget(self.find_bar)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("splitter")
        self.splitter.addWidget(left)
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
        self.setTabOrder(self.filter_edit, self.tree)
        self.setTabOrder(self.tree, self.pane)
        self.setTabOrder(self.pane, self.find_bar)  # the bar forwards focus to its field

    def _build_menus(self) -> None:
        a = self.actions
        menus = {
            self.tr("&File"): [a.export, a.export_pdf, a.export_pdf_whole, None, a.print, a.print_whole, None,
                               a.open_source, None, a.quit],
            self.tr("&Edit"): [a.copy, a.copy_citation, a.copy_in_text, a.copy_quotation, None,
                               a.find, a.find_next, a.find_previous, a.filter],
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
                    sub = menu.addMenu(self.tr("&Appearance"))
                    sub.addActions(a.appearance.actions())
                else:
                    menu.addAction(entry)

    def _connect(self) -> None:
        a = self.actions
        self.tree.selectionModel().currentChanged.connect(self._current_changed)
        self.filter_edit.textChanged.connect(self._filter_changed)
        self.pane.copyAvailable.connect(self.update_actions)
        self.pane.zoom_changed.connect(self._zoom_changed)
        self.citation_panel.style_changed.connect(self._style_changed)
        self.citations.ready.connect(self._citation_ready)
        self.citations.failed.connect(self._citation_failed)
        self.citation_panel.visibilityChanged.connect(a.show_citation_panel.setChecked)
        a.copy.triggered.connect(self.pane.copy)
        a.copy_citation.triggered.connect(lambda: self.copy_citation(in_text=False))
        a.copy_in_text.triggered.connect(lambda: self.copy_citation(in_text=True))
        a.copy_quotation.triggered.connect(self.copy_quotation)
        a.export.triggered.connect(self.export_record)
        a.export_pdf.triggered.connect(lambda: self.export_pdf(whole=False))
        a.export_pdf_whole.triggered.connect(lambda: self.export_pdf(whole=True))
        a.print.triggered.connect(lambda: self.print_record(whole=False))
        a.print_whole.triggered.connect(lambda: self.print_record(whole=True))
        a.find.triggered.connect(self.find_bar.activate)
        a.find_next.triggered.connect(self.find_bar.find_next)
        a.find_previous.triggered.connect(self.find_bar.find_previous)
        self.find_bar.options_changed.connect(
            lambda: self.settings.set(keys.FIND_CASE_SENSITIVE, self.find_bar.options()["case_sensitive"]))
        a.filter.triggered.connect(self.focus_filter)
        a.open_source.triggered.connect(self.open_source)
        a.quit.triggered.connect(self.close)
        a.zoom_in.triggered.connect(self.pane.zoom_in)
        a.zoom_out.triggered.connect(self.pane.zoom_out)
        a.zoom_reset.triggered.connect(lambda: self.pane.set_zoom(100))
        a.appearance_system.triggered.connect(lambda: self.set_appearance("system"))
        a.appearance_light.triggered.connect(lambda: self.set_appearance("light"))
        a.appearance_dark.triggered.connect(lambda: self.set_appearance("dark"))
        a.show_citation_panel.triggered.connect(lambda checked: self.citation_panel.setVisible(checked))
        a.next_pane.triggered.connect(lambda: self.cycle_focus(1))
        a.previous_pane.triggered.connect(lambda: self.cycle_focus(-1))
        a.reset_layout.triggered.connect(self.reset_layout)
        a.back.triggered.connect(lambda: self._go(self.history.back()))
        a.forward.triggered.connect(lambda: self._go(self.history.forward()))
        a.about.triggered.connect(self.show_about)
        a.about_qt.triggered.connect(lambda: QMessageBox.aboutQt(self))

    def _restore(self, section_id: str | None) -> None:
        s = self.settings
        self.restoreGeometry(s.get(keys.GEOMETRY))
        self.restoreState(s.get(keys.WINDOW_STATE))
        self.splitter.restoreState(s.get(keys.SPLITTER))
        expanded = s.get(keys.EXPANDED)
        if expanded is not None:
            self._set_expanded(set(expanded))
        self.pane.set_zoom(s.get(keys.ZOOM))
        self.find_bar.set_options(case_sensitive=s.get(keys.FIND_CASE_SENSITIVE))
        self.set_appearance(s.get(keys.APPEARANCE))
        self.citation_panel.set_style(s.get(keys.CITATION_STYLE))
        self.citation_panel.set_lookup(lambda style: self.citations.lookup(self.record, style))
        wanted = section_id or s.get(keys.LAST_SECTION)
        if not (wanted and self.select_section(wanted)):
            self.select_section_index(self.proxy.index(0, 0))
        self.tree.setFocus()

    # --- navigation ---

    def select_section_index(self, index: QModelIndex) -> None:
        self.tree.selectionModel().setCurrentIndex(index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        self.tree.scrollTo(index)

    def tree_index(self, section_id: str) -> QModelIndex:
        """The tree's (filtered) index of a section; invalid when absent or filtered out."""
        return self.proxy.mapFromSource(self.model.index_of(section_id))

    def select_section(self, section_id: str) -> bool:
        index = self.tree_index(section_id)
        if index.isValid():
            self.select_section_index(index)
        return index.isValid()

    def _go(self, section_id: str | None) -> None:
        if section_id is None:
            return
        if not self.tree_index(section_id).isValid():
            self.filter_edit.clear()  # history may lead to a section the filter hides
        self._navigating = True
        try:
            self.select_section(section_id)
        finally:
            self._navigating = False

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        section = current.data(SectionRole)
        if section is not None:
            self.pane.show_section(self.record, section, highlight=self.proxy.terms)
            if not self._navigating:
                self.history.visit(section.id)
        self.update_actions()

    def current_section_id(self) -> str:
        section = self.tree.currentIndex().data(SectionRole)
        return section.id if section is not None else ""

    def _filter_changed(self, text: str) -> None:
        current = self.current_section_id()
        self.proxy.set_filter_text(text)
        self.tree.expandAll()
        if current and self.select_section(current):
            section = self.record.section(current)
            self.pane.show_section(self.record, section, highlight=self.proxy.terms)
        elif self.proxy.rowCount() > 0:
            first_match = self.proxy.index(0, 0)
            while self.proxy.rowCount(first_match) and self.proxy.terms:
                first_match = self.proxy.index(0, 0, first_match)
            self.select_section_index(first_match)
        if self.proxy.terms:
            count = self._match_count()
            message = self.tr("1 section matches") if count == 1 else self.tr("{0} sections match").format(count)
            self.statusBar().showMessage(message, 4000)

    def _match_count(self, parent: QModelIndex = QModelIndex()) -> int:
        """Visible sections that match themselves (not just as ancestors of a match)."""
        count = 0
        for row in range(self.proxy.rowCount(parent)):
            index = self.proxy.index(row, 0, parent)
            text = index.data(SearchTextRole)
            count += all(term in text for term in self.proxy.terms) + self._match_count(index)
        return count

    def focus_filter(self) -> None:
        self.filter_edit.setFocus()
        self.filter_edit.selectAll()

    def cycle_focus(self, step: int) -> None:
        """F6 / Ctrl+Tab: move between the outline, the text and (when open) the find bar."""
        panes = [w for w in self._panes() if w.isVisible()]
        focused = self.focusWidget()
        position = next((i for i, w in enumerate(panes) if w is focused or w.isAncestorOf(focused)), -1)
        panes[(position + step) % len(panes)].setFocus()

    def _panes(self) -> list[QWidget]:
        return [self.tree, self.pane, self.find_bar]

    def update_actions(self) -> None:
        a = self.actions
        has_selection = self.pane.textCursor().hasSelection()
        a.copy.setEnabled(has_selection)
        a.copy_quotation.setEnabled(has_selection)
        a.open_source.setEnabled(bool(self.record.provenance and self.record.provenance.url))
        a.back.setEnabled(self.history.can_go_back())
        a.forward.setEnabled(self.history.can_go_forward())

    # --- reading comfort ---

    def _zoom_changed(self, percent: int) -> None:
        self.zoom_label.setText(f"{percent}%")
        self.actions.zoom_reset.setEnabled(percent != 100)

    def set_appearance(self, mode: str) -> None:
        appearance.apply(mode)
        getattr(self.actions, f"appearance_{mode}").setChecked(True)
        self.settings.set(keys.APPEARANCE, mode)

    def _expanded_ids(self, parent: QModelIndex = QModelIndex()) -> list[str]:
        ids = []
        for row in range(self.model.rowCount(parent)):
            index = self.model.index(row, 0, parent)
            if self.model.rowCount(index):
                if self.tree.isExpanded(self.proxy.mapFromSource(index)):
                    ids.append(index.data(SectionRole).id)
                ids += self._expanded_ids(index)
        return ids

    def _set_expanded(self, ids: set[str]) -> None:
        for _, section in self.record.walk():
            if section.children:
                self.tree.setExpanded(self.tree_index(section.id), section.id in ids)

    def reset_layout(self) -> None:
        self.filter_edit.clear()
        self.setGeometry(self.geometry().x(), self.geometry().y(), *DEFAULT_SIZE)
        self.restoreState(QByteArray())
        self.splitter.setSizes(DEFAULT_SPLIT)
        self.citation_panel.hide()
        self.tree.expandAll()
        self.pane.set_zoom(100)
        for key in (keys.GEOMETRY, keys.WINDOW_STATE, keys.SPLITTER, keys.EXPANDED, keys.ZOOM):
            self.settings.remove(key)
        self.statusBar().showMessage(self.tr("Layout reset."), 4000)

    # --- citations ---

    def _style(self) -> str:
        return self.citation_panel.style_id() or citation.DEFAULT_STYLE

    def _style_changed(self, style_id: str) -> None:
        self.settings.set(keys.CITATION_STYLE, style_id)
        self.citation_panel.refresh()

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
        self._waiting.setdefault(style, []).append(then)
        self.statusBar().showMessage(self.tr("Preparing the citation ({0})…").format(citation.style(style).name))
        self.citations.request(self.record, style)

    def _citation_ready(self, record_id: str, style: str) -> None:
        if record_id != self.record.id:
            return
        self.citation_panel.refresh()
        entry = self.citations.lookup(self.record, style)
        for then in self._waiting.pop(style, []):
            then(entry, style)

    def _citation_failed(self, record_id: str, style: str, message: str) -> None:
        if record_id == self.record.id and self._waiting.pop(style, None) is not None:
            QMessageBox.warning(self, APP_NAME, self.tr("The citation could not be made:\n{0}").format(message))

    def copy_citation(self, in_text: bool = False) -> None:
        kind = self.tr("in-text citation") if in_text else self.tr("citation")

        def copy(entry, style):
            cite = citation.from_entry(entry, in_text)
            self._put_on_clipboard(cite.html, cite.text,
                                   self.tr("Copied the {0} ({1}).").format(kind, citation.style(style).name))

        self._with_citation(copy)

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

    def export_record(self) -> None:
        from viewer import exports

        filters = {self.tr("RIS (*.ris)"): "ris", self.tr("BibTeX (*.bib)"): "bibtex",
                   self.tr("CSL-JSON (*.json)"): "csl-json"}
        suggested = f"ncj-{self.record.ncj_number}.ris" if self.record.ncj_number else "record.ris"
        path, chosen = QFileDialog.getSaveFileName(self, self.tr("Export Record"), suggested, ";;".join(filters))
        if not path:
            return
        fmt = filters.get(chosen, "ris")
        self.save_text(path, exports.export(self.record, fmt))

    def save_text(self, path: str, text: str) -> bool:
        """Writes atomically: the old file stays whole if anything goes wrong."""
        out = QSaveFile(path)
        if out.open(QSaveFile.OpenModeFlag.WriteOnly) and out.write(text.encode("utf-8")) >= 0 and out.commit():
            self.statusBar().showMessage(self.tr("Saved {0}").format(path), 5000)
            return True
        QMessageBox.warning(self, APP_NAME, self.tr("Could not save {0}:\n{1}").format(path, out.errorString()))
        return False

    # --- output ---

    def _output_section(self, whole: bool) -> str | None:
        return None if whole else (self.current_section_id() or None)

    def print_record(self, whole: bool = False) -> None:
        printing.print_document(self, self.record, self._output_section(whole), self._style())

    def export_pdf(self, whole: bool = False) -> None:
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
        try:
            printing.write_pdf(self.record, path, section_id, style_id=self._style())
        except printing.PdfError as exc:
            QMessageBox.warning(self, APP_NAME, str(exc))
            return
        self.statusBar().showMessage(self.tr("Saved {0}").format(path), 5000)

    # --- other ---

    def open_source(self) -> None:
        if self.record.provenance and self.record.provenance.url:
            QDesktopServices.openUrl(QUrl(self.record.provenance.url))

    def show_about(self) -> None:
        r = self.record
        provenance = ""
        if r.provenance:
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
        s.set(keys.EXPANDED, self._expanded_ids())
        s.set(keys.LAST_SECTION, self.current_section_id())
        s.set(keys.ZOOM, self.pane.zoom)
        problem = s.sync()
        if problem:
            self.statusBar().showMessage(problem)
        self.citations.shutdown()
        super().closeEvent(event)
