"""The main window: assembles the outline tree, the detail pane, the actions and the menus."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, QUrl
from PySide6.QtGui import QCloseEvent, QDesktopServices
from PySide6.QtWidgets import (QLabel, QMainWindow, QMessageBox, QSplitter, QTreeView, QVBoxLayout,
                               QWidget)

from viewer import APP_NAME, __version__, citation, clipboard, settings as keys
from viewer.actions import Actions
from viewer.detail_pane import DetailPane
from viewer.outline_model import OutlineModel, SectionRole
from viewer.record import Record
from viewer.settings import Settings


class MainWindow(QMainWindow):
    def __init__(self, record: Record, settings: Settings, section_id: str | None = None) -> None:
        super().__init__()
        self.record = record
        self.settings = settings
        self.setWindowTitle(f"{record.title} — NCJ {record.ncj_number} — {APP_NAME}")

        self.model = OutlineModel(record, self)
        self.tree = QTreeView()
        self.tree.setObjectName("outline")
        self.tree.setAccessibleName(self.tr("Report sections"))
        self.tree.setModel(self.model)
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
        column.setSpacing(0)
        column.addWidget(self.tree)
        column.addWidget(outline_note)

        self.pane = DetailPane()
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("splitter")
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.pane)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([360, 680])
        self.setCentralWidget(self.splitter)
        self.resize(1040, 680)

        self.actions = Actions(self)
        self._build_menus()
        self._connect()
        self._restore(section_id)
        self.update_actions()

    # --- assembly ---

    def _build_menus(self) -> None:
        a = self.actions
        file_menu = self.menuBar().addMenu(self.tr("&File"))
        file_menu.addAction(a.open_source)
        file_menu.addSeparator()
        file_menu.addAction(a.quit)
        edit_menu = self.menuBar().addMenu(self.tr("&Edit"))
        edit_menu.addAction(a.copy)
        edit_menu.addAction(a.copy_citation)
        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        help_menu.addAction(a.about)
        help_menu.addAction(a.about_qt)

    def _connect(self) -> None:
        a = self.actions
        self.tree.selectionModel().currentChanged.connect(self._current_changed)
        self.pane.copyAvailable.connect(self.update_actions)
        a.copy.triggered.connect(self.pane.copy)
        a.copy_citation.triggered.connect(self.copy_citation)
        a.open_source.triggered.connect(self.open_source)
        a.quit.triggered.connect(self.close)
        a.about.triggered.connect(self.show_about)
        a.about_qt.triggered.connect(lambda: QMessageBox.aboutQt(self))

    def _restore(self, section_id: str | None) -> None:
        s = self.settings
        self.restoreGeometry(s.get(keys.GEOMETRY))
        self.restoreState(s.get(keys.WINDOW_STATE))
        self.splitter.restoreState(s.get(keys.SPLITTER))
        wanted = section_id or s.get(keys.LAST_SECTION)
        index = self.model.index_of(wanted) if wanted else QModelIndex()
        if not index.isValid():
            index = self.model.index(0, 0)
        self.select_section_index(index)
        self.tree.setFocus()

    # --- behaviour ---

    def select_section_index(self, index: QModelIndex) -> None:
        self.tree.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        self.tree.scrollTo(index)

    def select_section(self, section_id: str) -> bool:
        index = self.model.index_of(section_id)
        if index.isValid():
            self.select_section_index(index)
        return index.isValid()

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        section = current.data(SectionRole)
        if section is not None:
            self.pane.show_section(self.record, section)
        self.update_actions()

    def update_actions(self) -> None:
        a = self.actions
        a.copy.setEnabled(self.pane.textCursor().hasSelection())
        a.open_source.setEnabled(bool(self.record.provenance and self.record.provenance.url))

    def copy_citation(self) -> None:
        style = self.settings.get(keys.CITATION_STYLE)
        if style not in citation.style_ids():
            style = citation.DEFAULT_STYLE
        cite = citation.render(self.record, style)
        if clipboard.copy_rich(cite.html, cite.text):
            name = citation.style(style).name
            self.statusBar().showMessage(self.tr("Copied the citation ({0}).").format(name), 5000)
        else:
            self.statusBar().showMessage(self.tr("No clipboard is available: nothing was copied."), 8000)

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

    def current_section_id(self) -> str:
        section = self.tree.currentIndex().data(SectionRole)
        return section.id if section is not None else ""

    def closeEvent(self, event: QCloseEvent) -> None:
        s = self.settings
        s.set(keys.GEOMETRY, self.saveGeometry())
        s.set(keys.WINDOW_STATE, self.saveState())
        s.set(keys.SPLITTER, self.splitter.saveState())
        s.set(keys.LAST_SECTION, self.current_section_id())
        problem = s.sync()
        if problem:
            print(f"ncjrs-viewer: {problem}", flush=True)
        super().closeEvent(event)
