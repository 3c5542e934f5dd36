"""A list model over the user's library: lazily fetched pages, or the hits of a search.

235,000 records never become 235,000 rows at start-up: the view asks for more rows
(``canFetchMore`` / ``fetchMore``) as the user scrolls. A search replaces the rows with
ranked hits whose matched words are marked (``HtmlRole``).
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from viewer.core.library import Library, LibraryError, SearchResult
from viewer.ui.plain import tooltip

RecordIdRole = Qt.ItemDataRole.UserRole + 10
HtmlRole = Qt.ItemDataRole.UserRole + 11  # title (and snippet) with matched words in <b>

PAGE = 200
SEARCH_LIMIT = 200

_Index = QModelIndex | QPersistentModelIndex


class LibraryModel(QAbstractListModel):
    def __init__(self, library: Library, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._library = library
        self._rows: list[tuple[str, str]] = []  # (id, title)
        self._html: list[str] = []
        # Counting 235,000 rows costs more than a page: the list fetches until a short page
        # instead, and the count is asked only when shown (total()), then kept until reload().
        self._exhausted = False
        self._total: int | None = None
        self._result: SearchResult | None = None
        self.error = ""  # why the last search found nothing, when it failed

    @property
    def library(self) -> Library:
        return self._library

    @property
    def searching(self) -> bool:
        return self._result is not None

    @property
    def result(self) -> SearchResult | None:
        return self._result

    def total(self) -> int:
        """Records in the library, or hits of the current search."""
        if self.searching:
            return len(self._rows)
        if self._total is None:
            self._total = self._library.count()
        return self._total

    # --- browsing and searching ---

    def set_query(self, query: str, exact: bool | None = None) -> None:
        """Shows the hits of ``query`` (ranked), or the whole library when it is blank."""
        self.beginResetModel()
        try:  # a reset that always ends, even when the search raises (a damaged library)
            self._result, self._rows, self._html = None, [], []
            self._exhausted, self._total = False, None
            self.error = ""
            if query.strip():
                try:
                    result = self._library.search(query, limit=SEARCH_LIMIT, exact=exact)
                except LibraryError as exc:  # shown by the panel; the list stays usable
                    self.error, self._exhausted = str(exc), True
                    return
                html = [hit.title_html() + (f"<br><small>{hit.snippet_html()}</small>" if hit.snippet else "")
                        for hit in result]
                self._result, self._rows, self._html = result, [(hit.id, hit.title) for hit in result], html
        finally:
            self.endResetModel()

    def reload(self) -> None:
        """After an import or a removal: the same query (or list) afresh."""
        self.set_query(self._result.query if self._result else "")

    def row_of(self, record_id: str) -> int:
        """The row of a record, fetching pages up to it in browse mode; -1 when absent."""
        for row, (rid, _) in enumerate(self._rows):
            if rid == record_id:
                return row
        if self.searching:
            return -1
        target = self._library.row_of(record_id)
        if target is None:
            return -1
        while len(self._rows) <= target and self.canFetchMore():
            self.fetchMore()
        return target if target < len(self._rows) and self._rows[target][0] == record_id else -1

    # --- QAbstractItemModel ---

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def canFetchMore(self, parent: _Index = QModelIndex()) -> bool:
        return not parent.isValid() and not self.searching and not self._exhausted

    def fetchMore(self, parent: _Index = QModelIndex()) -> None:
        if not self.canFetchMore(parent):
            return
        page = self._library.page(len(self._rows), PAGE)
        self._exhausted = len(page) < PAGE
        if not page:
            return
        self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows) + len(page) - 1)
        self._rows.extend(page)
        self.endInsertRows()

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        record_id, title = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return title
        if role == Qt.ItemDataRole.ToolTipRole:
            return tooltip(title)
        if role == RecordIdRole:
            return record_id
        if role == HtmlRole:
            return self._html[index.row()] if self.searching else None
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
