"""A read-only QAbstractItemModel over a Record's section tree.

The model is thin: the sections stay plain data in :mod:`viewer.core.record`; the model only
maps them to indexes. The backing :class:`Section` is exposed through ``SectionRole`` so
views behind a proxy model can still reach it.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QObject, QPersistentModelIndex, QSortFilterProxyModel, Qt

from viewer.core.record import Record, Section
from viewer.ui.plain import tooltip

SectionRole = Qt.ItemDataRole.UserRole + 1
SectionIdRole = Qt.ItemDataRole.UserRole + 2
SearchTextRole = Qt.ItemDataRole.UserRole + 3  # heading and text, lower-cased, for filtering

_Index = QModelIndex | QPersistentModelIndex


class OutlineModel(QAbstractItemModel):
    """``extra``: top-level branches beside the record's own sections (an attached report's)."""

    def __init__(self, record: Record, parent: QObject | None = None, extra: tuple[Section, ...] = ()) -> None:
        super().__init__(parent)
        self._record = record
        self._roots = record.sections + tuple(extra)
        # Frozen dataclasses compare by value, so parents are keyed by object identity.
        self._parent_of: dict[int, Section | None] = {}
        self._row_of: dict[int, int] = {}
        self._extra_by_id: dict[str, Section] = {}
        self._index_tree(None, self._roots)
        for branch in extra:
            self._extra_by_id.update((node.id, node) for _, node in branch.walk())

    def _index_tree(self, parent: Section | None, children: tuple[Section, ...]) -> None:
        for row, child in enumerate(children):
            self._parent_of[id(child)] = parent
            self._row_of[id(child)] = row
            self._index_tree(child, child.children)

    @property
    def record(self) -> Record:
        return self._record

    def section(self, index: _Index) -> Section | None:
        return index.internalPointer() if index.isValid() else None

    def _children(self, index: _Index) -> tuple[Section, ...]:
        node = self.section(index)
        return node.children if node is not None else self._roots

    # --- QAbstractItemModel ---

    def index(self, row: int, column: int, parent: _Index = QModelIndex()) -> QModelIndex:
        children = self._children(parent)
        if column != 0 or not 0 <= row < len(children):
            return QModelIndex()
        return self.createIndex(row, 0, children[row])

    def parent(self, index: _Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]
        node = self.section(index)
        if node is None:
            return QModelIndex()
        parent = self._parent_of.get(id(node))
        if parent is None:
            return QModelIndex()
        return self.createIndex(self._row_of[id(parent)], 0, parent)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        if parent.column() > 0:
            return 0
        return len(self._children(parent))

    def columnCount(self, parent: _Index = QModelIndex()) -> int:
        return 1

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        node = self.section(index)
        if node is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return node.heading
        if role == Qt.ItemDataRole.ToolTipRole:
            return tooltip(node.heading)
        if role == SectionRole:
            return node
        if role == SectionIdRole:
            return node.id
        if role == SearchTextRole:
            return self._search_text(node)
        return None

    def _search_text(self, node: Section) -> str:
        words = [node.heading, *node.text]
        if node.kind == "details":
            words += [value for _, value in self._record.fields()]
        return " ".join(words).lower()

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole and section == 0:
            return self.tr("Sections")
        return None

    def index_of(self, section_id: str) -> QModelIndex:
        """The index of the section with this id, or an invalid index."""
        node = self._record.section(section_id) or self._extra_by_id.get(section_id)
        if node is None:
            return QModelIndex()
        return self.createIndex(self._row_of[id(node)], 0, node)


class SectionFilterModel(QSortFilterProxyModel):
    """Narrows the tree to sections whose heading or text holds every typed word.

    Ancestors of a match stay visible (recursive filtering), so the tree keeps its shape.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setRecursiveFilteringEnabled(True)
        self._terms: list[str] = []

    @property
    def terms(self) -> list[str]:
        return list(self._terms)

    def set_filter_text(self, text: str) -> None:
        terms = text.lower().split()
        if terms != self._terms:
            self.beginFilterChange()
            self._terms = terms
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def matches(self, index: _Index) -> bool:
        """True when the section itself (not only a descendant) holds every word of the filter."""
        text = index.data(SearchTextRole) or ""
        return all(term in text for term in self._terms)

    def filterAcceptsRow(self, source_row: int, source_parent: _Index) -> bool:
        return not self._terms or self.matches(self.sourceModel().index(source_row, 0, source_parent))
