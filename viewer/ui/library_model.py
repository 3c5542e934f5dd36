"""A table model over the user's library: Title, Creator, Year, NCJ; lazily fetched pages of the
whole library in a column's order, or of every match of a search.

235,000 records never become 235,000 rows at start-up: the view asks for more rows
(``canFetchMore`` / ``fetchMore``) as the user scrolls, and each page is read in SQL order
(:mod:`viewer.core.library.listing`). A search shows its first ranked hits at once
(:meth:`LibraryModel.set_query`, on every keystroke) and pages on through more of them as the
user scrolls; once typing pauses, every match is ranked and counted in a worker thread
(viewer.services.search_worker: it may count 40,000 matches) and :meth:`LibraryModel.apply_ranking`
takes the ranking, gives the total, and pages through it as browsing does
(:meth:`LibraryModel.complete` does the same in this thread, for a library in memory).
Matched words are marked in the Title column (``HtmlRole``).
"""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal

from viewer.core.library import COLUMNS, Hit, Library, LibraryError, ListRow, Order, Ranking, SearchResult
from viewer.core.library.listing import sorted_hits
from viewer.core.library.matching import Snippet
from viewer.ui.plain import tooltip

RecordIdRole = Qt.ItemDataRole.UserRole + 10
HtmlRole = Qt.ItemDataRole.UserRole + 11  # title (and snippet) with matched words in <b>

PAGE = 200
FIRST_HITS = 25  # ranked on each keystroke: a tall screenful of hits, cheap to find
SEARCH_LIMIT = FIRST_HITS

TITLE, CREATOR, YEAR, NCJ = range(len(COLUMNS))

_Index = QModelIndex | QPersistentModelIndex
_DISPLAY, _ALIGNMENT = int(Qt.ItemDataRole.DisplayRole), int(Qt.ItemDataRole.TextAlignmentRole)
_TOP_LEFT = Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft
# Made once: combining Qt flags in Python costs more than a view's call asking for them.
_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
_ROLES = frozenset(int(r) for r in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, RecordIdRole, HtmlRole,
                                    Qt.ItemDataRole.TextAlignmentRole))


def _row(hit: Hit) -> ListRow:
    return ListRow(hit.id, hit.title, hit.creator, hit.year, hit.ncj_number)


def _html(hit: Hit) -> str:
    return hit.title_html() + (f"<br><small>{hit.snippet_html()}</small>" if hit.snippet else "")


def _changed_columns(old: ListRow | None, old_hit: Hit, new: ListRow, new_hit: Hit) -> int:
    """How many columns of a row, from the first, show something else (0: none; 1: the title and its
    snippet only; all of them for another record). A title painted before is compared as painted;
    one never painted is not on screen (its snippet is found if and when it is shown)."""
    if old != new:
        return len(COLUMNS)
    if isinstance(old_hit.found, Snippet) and _html(old_hit) == _html(new_hit):
        return 0
    return 1


class LibraryModel(QAbstractTableModel):
    order_changed = Signal(str)  # the list order chosen by a header click, as Order's text
    hits_replaced = Signal()  # a search's hits shown in place of the last search's (no reset: set_query)

    def __init__(self, library: Library, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._library = library
        # Browsing, a row far down (a record opened at start, or gone back to) is reached by reading
        # its page only: the rows between stay None until shown (_at).
        self._rows: list[ListRow | None] = []
        self._hits: list[Hit] = []  # searching: each row's hit, marked when painted (HtmlRole)
        # Counting 235,000 rows costs more than a page: the list fetches until a short page
        # instead, and the count is asked only when shown (total()), then kept until reload().
        self._exhausted = False
        self._total: int | None = None
        self._order = Order()  # browsing
        self._search_order: Order | None = None  # None: relevance, until a header is clicked
        self._result: SearchResult | None = None  # the first hits, ranked on the keystroke
        self._ranking: Ranking | None = None  # every match, once ranked (apply_ranking, complete)
        self._more_hits = False  # before the ranking: more first hits can be asked for (fetchMore)
        self.error = ""  # why the last search found nothing, when it failed
        # Set by the panel: whether the view really shows its last row (see canFetchMore).
        self.fetch_gate: Callable[[], bool] | None = None

    @property
    def library(self) -> Library:
        return self._library

    @property
    def searching(self) -> bool:
        return self._result is not None

    @property
    def result(self) -> SearchResult | None:
        return self._result

    @property
    def order(self) -> Order:
        """The order shown: the browsing order, or while searching a column's (Order() for relevance)."""
        return (self._search_order or Order()) if self.searching else self._order

    @property
    def needs_completion(self) -> bool:
        """A search whose matches are not all counted and ranked yet (see complete())."""
        return self.searching and self._total is None

    @property
    def ranking(self) -> Ranking | None:
        return self._ranking

    def total(self) -> int | None:
        """Records in the library, or matches of the search (None while not yet counted: see
        count_library, set_library_total and apply_ranking)."""
        return self._total

    def count_library(self) -> int:
        """Counts the library here (a scan: for a library in memory; a file's is counted in the worker)."""
        self._total = self._library.count()
        return self._total

    def set_library_total(self, total: int) -> None:
        if not self.searching:
            self._total = total

    # --- browsing and searching ---

    def set_order(self, order: Order) -> None:
        """The browsing order (a remembered choice), applied now unless a search is shown."""
        self._order = order
        if not self.searching:
            self._browse()

    def set_query(self, query: str, exact: bool | None = None) -> None:
        """Shows the first hits of ``query`` (ranked), or the whole library when it is blank. From one
        search to the next the rows are replaced in place (:meth:`_replace_hits`, then ``hits_replaced``)."""
        if not query.strip():
            self._search_order = None
            self._browse()
            return
        try:
            result = self._library.search(query, limit=FIRST_HITS, exact=exact)
        except LibraryError as exc:  # shown by the panel; the list stays usable
            self.beginResetModel()
            self.error, self._result, self._ranking, self._rows, self._hits = str(exc), None, None, [], []
            self._exhausted, self._total = True, 0
            self.endResetModel()
            return
        in_place = self.searching
        if not in_place:  # from the library's rows (one line tall) to hits: a reset
            self.beginResetModel()
        self.error, self._ranking, self._result = "", None, result
        hits = list(result)
        if self._search_order is not None:  # a column's order: these hits sorted, until every match is
            hits = sorted_hits(hits, self._search_order)
        # Fewer hits than asked, every match ranked: that is all of them, in relevance order.
        known = result.exact and len(hits) < FIRST_HITS and self._search_order is None
        self._total = len(hits) if known else None
        self._more_hits = not known and len(hits) == FIRST_HITS and self._search_order is None
        if in_place:
            self._replace_hits(hits)
            self.hits_replaced.emit()
        else:
            self._rows, self._hits = [_row(h) for h in hits], hits
            self.endResetModel()

    def _replace_hits(self, hits: list[Hit]) -> None:
        """One search's rows replaced by another's: rows removed or added at the end, and only the cells
        that show something else reported changed, so that the view repaints those alone (a reset lays
        out and repaints every row and the header; a keystroke leaves half the rows on screen as they were)."""
        rows = [_row(h) for h in hits]
        if len(rows) < len(self._rows):
            self.beginRemoveRows(QModelIndex(), len(rows), len(self._rows) - 1)
            del self._rows[len(rows):], self._hits[len(rows):]
            self.endRemoveRows()
        changed = [(r, _changed_columns(self._rows[r], self._hits[r], rows[r], hits[r]))
                   for r in range(len(self._rows))]
        kept = len(self._rows)
        self._rows[:kept], self._hits[:kept] = rows[:kept], hits[:kept]
        first = 0
        for r, columns in changed:  # one signal for each run of rows changed alike
            if r + 1 == len(changed) or changed[r + 1][1] != columns:
                if columns:
                    self.dataChanged.emit(self.index(first, TITLE), self.index(r, columns - 1))
                first = r + 1
        if len(rows) > kept:
            self.beginInsertRows(QModelIndex(), kept, len(rows) - 1)
            self._rows.extend(rows[kept:])
            self._hits.extend(hits[kept:])
            self.endInsertRows()

    def complete(self) -> None:
        """Ranks (or sorts) every match of the search shown, here, and pages through them from the top
        (the window does this in a worker thread: viewer.services.search_worker)."""
        if not self.searching or self._result is None:
            return
        try:
            ranking = self._library.rank(self._result.query, self._search_order or Order())
            hits = self._library.hits(ranking, 0, PAGE)
        except LibraryError as exc:
            self.error = str(exc)
            return
        self.apply_ranking(ranking, hits)

    def wants_ranking(self, ranking: Ranking) -> bool:
        """Whether ``ranking`` is of the search shown now, in the order shown (an answer for an older
        query or order is not)."""
        return (self._result is not None and ranking.query == self._result.query
                and ranking.order == (self._search_order or Order()))

    def apply_ranking(self, ranking: Ranking, hits: tuple[Hit, ...]) -> bool:
        """Every match, ranked elsewhere, with hits for its first rows: shown from the top, best first
        (or in the column's order); False, and nothing changed, when it is not of the search shown."""
        if not self.wants_ranking(ranking):
            return False
        self.beginResetModel()
        self._ranking, self._total, self._more_hits = ranking, len(ranking), False
        self._rows, self._hits = [_row(h) for h in hits], list(hits)
        self.endResetModel()
        return True

    def _browse(self) -> None:
        self.beginResetModel()
        self._result = self._ranking = None
        self._more_hits = False
        self._rows, self._hits = [], []
        self._exhausted, self._total = False, None
        self.error = ""
        self.endResetModel()

    def reload(self) -> None:
        """After an import or a removal: the same query (or list) afresh."""
        if self._result is None:
            self._browse()
            return
        self.set_query(self._result.query)  # every match is ranked again as after a keystroke

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """A header click: sorting in SQL (browsing, or every match of the search)."""
        if not 0 <= column < len(COLUMNS):
            return
        chosen = Order(COLUMNS[column], order == Qt.SortOrder.DescendingOrder)
        self._order = chosen
        if self.searching:  # the hits at hand sorted now; every match once ranked again
            self._search_order = chosen
            self.beginResetModel()
            self._ranking, self._total, self._more_hits = None, None, False
            self._hits = sorted_hits(self._hits, chosen)
            self._rows = [_row(h) for h in self._hits]
            self.endResetModel()
        else:
            self._browse()
        self.order_changed.emit(str(chosen))

    def hit(self, row: int) -> Hit | None:
        """Searching: the hit shown in ``row`` (its snippet found when first painted)."""
        return self._hits[row] if self.searching and 0 <= row < len(self._hits) else None

    def row_of(self, record_id: str) -> int:
        """The row of a record (in browse mode made present, see _reach); -1 when absent."""
        for row, listed in enumerate(self._rows):
            if listed is not None and listed.id == record_id:
                return row
        if self.searching:
            return -1
        target = self._library.row_of(record_id, self._order)
        if target is None:
            return -1
        if len(self._rows) <= target and self.has_more():
            self._reach(target)
        return target if target < len(self._rows) and self._at(target).id == record_id else -1

    def _reach(self, target: int) -> None:
        """Browsing: rows down to ``target``'s page made present, reading that page only (at row
        117,000 of 235,000, reading every row before it took 3 s)."""
        start, first = len(self._rows), target // PAGE * PAGE
        page = self._library.list_rows(first, PAGE, self._order)
        self._exhausted = len(page) < PAGE
        if first < start:
            page, first = page[start - first:], start
        if not page:
            return
        self.beginInsertRows(QModelIndex(), start, first + len(page) - 1)
        self._rows.extend([None] * (first - start))
        self._rows.extend(page)
        self.endInsertRows()

    def _at(self, row: int) -> ListRow:
        """A row, its page read now when it was passed over (_reach)."""
        listed = self._rows[row]
        if listed is None:
            first = row // PAGE * PAGE
            try:
                page = self._library.list_rows(first, PAGE, self._order)
            except LibraryError:
                page = []
            for i, read in enumerate(page[:len(self._rows) - first]):
                if self._rows[first + i] is None:
                    self._rows[first + i] = read
            listed = self._rows[row]
        return listed if listed is not None else ListRow("", "", "", None, "")  # changed since: blank until reloaded

    # --- QAbstractItemModel ---

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def canFetchMore(self, parent: _Index = QModelIndex()) -> bool:
        """More rows, when the view may have them now (``fetch_gate``): a view also asks right after
        each reset, while its scroll bar's range is empty, and a page of hits costs more than a keystroke."""
        if parent.isValid() or not self.has_more():
            return False
        return self.fetch_gate is None or self.fetch_gate()

    def has_more(self) -> bool:
        """Rows not fetched yet (whatever the view shows)."""
        if self.searching:
            # Before the ranking, more first hits come only when the user scrolls to the end
            # (fetch_more_hits): a view also asks after each reset, and a keystroke must not pay for it.
            return self._ranking is not None and len(self._rows) < len(self._ranking)
        return not self._exhausted

    def fetchMore(self, parent: _Index = QModelIndex()) -> None:
        if parent.isValid() or not self.has_more():
            return
        start = len(self._rows)
        if self._ranking is not None:
            hits = self._library.hits(self._ranking, start, start + PAGE)
            self._ranking = self._ranking if hits else None  # every one removed since: stop
            rows, found = [_row(h) for h in hits], list(hits)
        else:
            rows, found = self._library.list_rows(start, PAGE, self._order), []
            self._exhausted = len(rows) < PAGE
        if not rows:
            return
        self.beginInsertRows(QModelIndex(), start, start + len(rows) - 1)
        self._rows.extend(rows)
        self._hits.extend(found)
        self.endInsertRows()

    @property
    def can_fetch_more_hits(self) -> bool:
        return self.searching and self._ranking is None and self._more_hits

    def fetch_more_hits(self) -> None:
        """Before every match is ranked: the next hits of the keystroke's ranking (the same search asked
        for more; a broad query's bounded set of candidates ends within a few hundred)."""
        if not self.can_fetch_more_hits or self._result is None:
            return
        start = len(self._rows)
        try:
            found = self._library.search(self._result.query, limit=start + PAGE)
        except LibraryError:
            found = None
        shown = {row.id for row in self._rows if row is not None}
        hits = [h for h in found or () if h.id not in shown]
        self._more_hits = found is not None and len(found) >= start + PAGE and bool(hits)
        if not hits:
            return
        self.beginInsertRows(QModelIndex(), start, start + len(hits) - 1)
        self._rows.extend(_row(h) for h in hits)
        self._hits.extend(hits)
        self.endInsertRows()

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        # A view asks eight roles of every cell it paints, on every keystroke (over 300 calls from
        # C++): the roles not answered return at once, the others without building Qt values.
        if role not in _ROLES or not index.isValid():
            return None
        at = index.row()
        if not 0 <= at < len(self._rows):
            return None
        if role == _ALIGNMENT:  # searching: beside a title and its snippet
            return _TOP_LEFT if self._result is not None else None
        if role == HtmlRole:
            return _html(self._hits[at]) if self._result is not None and index.column() == TITLE else None
        row = self._at(at)
        if role == RecordIdRole:
            return row.id
        column = index.column()
        text = row.title if column == TITLE else row.creator if column == CREATOR else row.ncj_number if column == NCJ \
            else str(row.year) if row.year is not None else ""
        return text if role == _DISPLAY else tooltip(text)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return (self.tr("Title"), self.tr("Creator"), self.tr("Year"), self.tr("NCJ"))[section]
        if role == Qt.ItemDataRole.InitialSortOrderRole:
            return Qt.SortOrder.AscendingOrder
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        return _FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags
