"""The outline of the open record: a filter box over a tree of its sections."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Signal
from PySide6.QtWidgets import QLabel, QTreeView, QVBoxLayout, QWidget

from viewer.core.record import Record, Section
from viewer.ui.outline_model import OutlineModel, SectionFilterModel, SectionRole
from viewer.ui.widgets import search_field


class OutlinePanel(QWidget):
    section_changed = Signal(object)  # the Section now current
    filter_applied = Signal(int)  # sections matching the filter (-1: no filter)

    def __init__(self, record: Record, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.record = record
        self.extra: tuple[Section, ...] = ()
        self.model = OutlineModel(record, self)
        self.proxy = SectionFilterModel(self)
        self.proxy.setSourceModel(self.model)

        self.filter_edit = search_field(
            "sectionFilter", self.tr("Search sections"),
            self.tr("Narrows the outline to sections whose heading or text holds every word typed"))

        self.tree = QTreeView()
        self.tree.setObjectName("outline")
        self.tree.setAccessibleName(self.tr("Report sections"))
        self.tree.setAccessibleDescription(self.tr("The outline of the record; the selected section is shown beside it"))
        self.tree.setModel(self.proxy)
        self.tree.setHeaderHidden(True)
        self.tree.setUniformRowHeights(True)
        self.tree.expandAll()
        self.filter_edit.set_results(self.tree)

        self.note = QLabel(self)  # parented: never a window of its own, even for a moment
        self.note.setObjectName("outlineNote")
        self.note.setContentsMargins(6, 2, 6, 4)
        self.note.setEnabled(False)  # drawn in the muted colour of the style
        self._update_note()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.tree)
        layout.addWidget(self.note)
        self.setTabOrder(self.filter_edit, self.tree)

        self.tree.selectionModel().currentChanged.connect(self._current_changed)
        self.filter_edit.textChanged.connect(self._filter_changed)

    def set_record(self, record: Record, section_id: str = "", extra: tuple[Section, ...] = ()) -> None:
        """Shows another record's outline (the filter stays, so a search carries over); ``extra``:
        branches beside it (the attached report's)."""
        old = self.model
        self.record, self.extra = record, extra
        self.model = OutlineModel(record, self, extra)
        self.proxy.setSourceModel(self.model)
        old.deleteLater()
        self.tree.expandAll()
        self._update_note()
        if not (section_id and self.select_section(section_id)):
            self.select_first()

    def set_extra(self, extra: tuple[Section, ...]) -> None:
        """The same record with other branches beside it; the current section stays current."""
        if extra == self.extra:
            return  # the same outline (at start-up: no report): nothing to build again
        current = self.current_section_id()
        expanded = set(self.expanded_ids())
        self.set_record(self.record, current, extra)
        if expanded:
            self.set_expanded(expanded)

    def _update_note(self) -> None:
        derived = any(s.children for _, s in self.record.walk())
        self.note.setText(self.tr("Outline derived from the abstract") if derived else "")
        self.note.setToolTip(self.tr("The report's own table of contents is not part of the record; "
                                     "these sections follow what its abstract describes.") if derived else "")
        self.note.setVisible(derived)

    # --- selection ---

    def tree_index(self, section_id: str) -> QModelIndex:
        """The tree's (filtered) index of a section; invalid when absent or filtered out."""
        return self.proxy.mapFromSource(self.model.index_of(section_id))

    def select_index(self, index: QModelIndex) -> None:
        self.tree.selectionModel().setCurrentIndex(index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        self.tree.scrollTo(index)

    def select_section(self, section_id: str) -> bool:
        index = self.tree_index(section_id)
        if index.isValid():
            self.select_index(index)
        return index.isValid()

    def select_first(self) -> None:
        """The first section, or with a filter the first section that matches itself."""
        index = self.proxy.index(0, 0)
        while self.proxy.terms and self.proxy.rowCount(index) and not self.proxy.matches(index):
            index = self.proxy.index(0, 0, index)
        if index.isValid():
            self.select_index(index)

    def current_section(self) -> Section | None:
        return self.tree.currentIndex().data(SectionRole)

    def current_section_id(self) -> str:
        section = self.current_section()
        return section.id if section is not None else ""

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        section = current.data(SectionRole)
        if section is not None:
            self.section_changed.emit(section)

    # --- filter ---

    def terms(self) -> list[str]:
        return self.proxy.terms

    def focus_filter(self) -> None:
        self.filter_edit.setFocus()
        self.filter_edit.selectAll()

    def _filter_changed(self, text: str) -> None:
        current = self.current_section_id()
        self.proxy.set_filter_text(text)
        self.tree.expandAll()
        if current and self.select_section(current):
            self.section_changed.emit(self.current_section())  # re-shown with the new highlights
        else:
            self.select_first()
        self.filter_applied.emit(self._match_count() if self.proxy.terms else -1)

    def _match_count(self, parent: QModelIndex = QModelIndex()) -> int:
        """Visible sections that match themselves (not just as ancestors of a match)."""
        count = 0
        for row in range(self.proxy.rowCount(parent)):
            index = self.proxy.index(row, 0, parent)
            count += self.proxy.matches(index) + self._match_count(index)
        return count

    # --- state ---

    def expanded_ids(self, parent: QModelIndex = QModelIndex()) -> list[str]:
        ids = []
        for row in range(self.model.rowCount(parent)):
            index = self.model.index(row, 0, parent)
            if self.model.rowCount(index):
                if self.tree.isExpanded(self.proxy.mapFromSource(index)):
                    ids.append(index.data(SectionRole).id)
                ids += self.expanded_ids(index)
        return ids

    def set_expanded(self, ids: set[str]) -> None:
        for _, section in self.record.walk():
            if section.children:
                self.tree.setExpanded(self.tree_index(section.id), section.id in ids)
