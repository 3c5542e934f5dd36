"""The library panel: a search box over the user's records and the list of records or hits."""

from __future__ import annotations

from PySide6.QtCore import (QEvent, QItemSelection, QItemSelectionModel, QModelIndex, QObject, QPoint, QRect, Qt, QTimer,
                            Signal)
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QTreeView, QVBoxLayout, QWidget

from viewer.core.library import COLUMNS, Order
from viewer.services.search_worker import Ranked, SearchCounter
from viewer.ui.hit_delegate import HtmlDelegate
from viewer.ui.library_model import CREATOR, NCJ, PAGE, TITLE, YEAR, LibraryModel, RecordIdRole
from viewer.ui.widgets import search_field

# Every match is counted and ranked (in a worker thread) once typing pauses this long (ms); each
# keystroke in between shows the first hits only and makes a count still running stale.
EXACT_AFTER_MS = 300
ROWS = QItemSelectionModel.SelectionFlag.Rows


class LibraryPanel(QWidget):
    current_record_changed = Signal(str)
    selection_changed = Signal()

    def __init__(self, model: LibraryModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.search_edit = search_field(
            "librarySearch", self.tr("Search the library"),
            self.tr("As you type: records whose title, authors, abstract, annotation or NCJ number "
                    "hold every word, best first"))
        self.list = QTreeView()
        self.list.setObjectName("libraryList")
        self.list.setAccessibleName(self.tr("Library records"))
        self.list.setAccessibleDescription(self.tr("The records of your library, or the hits of a search; "
                                                   "click a column header to sort"))
        self.list.setModel(model)
        # The title column only: the others are plain text, painted by Qt without a call into Python.
        self.list.setItemDelegateForColumn(TITLE, HtmlDelegate(self.list))
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.list.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.list.setRootIsDecorated(False)
        self.list.setItemsExpandable(False)
        self.list.setAllColumnsShowFocus(True)
        self.list.setWordWrap(False)  # the title column wraps by its delegate; the others elide
        self._setup_header()
        self.search_edit.set_results(self.list)
        self.count_label = QLabel()
        self.count_label.setObjectName("libraryCount")
        self.count_label.setContentsMargins(6, 0, 6, 2)
        self.count_label.setEnabled(False)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.search_edit)
        layout.addWidget(self.list)
        layout.addWidget(self.count_label)

        self._exact_timer = QTimer(self)
        self._exact_timer.setSingleShot(True)
        self._exact_timer.setInterval(EXACT_AFTER_MS)
        self._exact_timer.timeout.connect(self._count_matches)
        # The worker that counts and ranks (a file's library only; made on the first count).
        self._counter: SearchCounter | None = None
        self._counting = False  # a count asked of the worker and not answered yet
        self._count_problem = ""
        self._applying = False
        self._painted = False  # the library is counted once the list has been painted, not before
        self._closed = False  # shut down: nothing is counted any more
        self.list.viewport().installEventFilter(self)
        self.list.verticalScrollBar().valueChanged.connect(self._scrolled)
        self.model.fetch_gate = self._shows_last_row
        self.search_edit.textChanged.connect(self._search)
        self.list.selectionModel().currentChanged.connect(self._current_changed)
        self.list.selectionModel().selectionChanged.connect(lambda *_: self.selection_changed.emit())
        self.model.modelReset.connect(self._model_reset)
        self.model.hits_replaced.connect(self._model_reset)  # a keystroke's hits, shown without a reset
        self.model.rowsInserted.connect(self._update_count)  # "250+ records match" as hits page in
        self._model_reset()

    def _setup_header(self) -> None:
        header = self.list.header()
        header.setStretchLastSection(False)
        header.setSectionsClickable(True)
        header.setSortIndicatorShown(True)
        header.setSectionResizeMode(TITLE, QHeaderView.ResizeMode.Stretch)
        digits = QFontMetrics(self.font()).horizontalAdvance("0")
        for column, chars in ((CREATOR, 11), (YEAR, 5), (NCJ, 7)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, digits * chars)
        header.sortIndicatorChanged.connect(self._sort)

    def _sort(self, column: int, order: Qt.SortOrder) -> None:
        keep = self.current_record_id()
        self.model.sort(column, order)
        self._reselect(keep)
        if self.model.needs_completion:  # a click, not typing: every match sorted at once, in the worker
            self._exact_timer.stop()
            self._count_matches()

    def _show_order(self) -> None:
        """The header's arrow: the column the rows are in order of; none for relevance or the library order."""
        order = self.model.order
        header = self.list.header()
        section = COLUMNS.index(order.column) if order.column else -1
        arrow = Qt.SortOrder.DescendingOrder if order.descending else Qt.SortOrder.AscendingOrder
        if (header.sortIndicatorSection(), header.sortIndicatorOrder()) == (section, arrow):
            return  # as shown: the header is not repainted on every keystroke
        header.blockSignals(True)
        header.setSortIndicator(section, arrow)
        header.blockSignals(False)
        header.viewport().update()

    def set_order(self, text: str) -> None:
        """The remembered list order (settings), as Order's text."""
        self.model.set_order(Order.parse(text))

    def _search(self, text: str) -> None:
        keep = self.current_record_id()
        if self.model.searching:  # the rows are replaced in place: the selection goes, as a reset takes it
            self._drop_selection()
        self.model.set_query(text)
        self._reselect(keep)

    def _drop_selection(self) -> None:
        """The selection and current row cleared without signals (as a model reset clears them), and
        their rows repainted: the model repaints only the rows that show another record."""
        selection = self.list.selectionModel()
        rows = {index.row() for index in selection.selectedIndexes()} | {selection.currentIndex().row()}
        selection.reset()
        width = self.list.viewport().width()
        for row in rows - {-1}:
            rect = self.list.visualRect(self.model.index(row, TITLE))
            self.list.viewport().update(QRect(0, rect.top(), width, rect.height()))

    def _shows_last_row(self) -> bool:
        """The last row fetched is on screen (or none is): the view may page on."""
        rows = self.model.rowCount()
        if rows == 0:
            return True
        rect = self.list.visualRect(self.model.index(rows - 1, 0))
        return rect.isValid() and self.list.viewport().rect().intersects(rect)

    def _scrolled(self, value: int) -> None:
        """Scrolled to the end before every match is counted: the next first hits (browsing, and a
        counted search, page by the view's own fetchMore)."""
        if self.model.can_fetch_more_hits and value == self.list.verticalScrollBar().maximum() \
                and self._shows_last_row():
            self.model.fetch_more_hits()

    @property
    def counter(self) -> SearchCounter | None:
        """The worker counting and ranking searches (None for a library in memory, counted here)."""
        if self._counter is None and self.model.library.path is not None and not self._closed:
            self._counter = SearchCounter(self.model.library.path, self)
            self._counter.ranked.connect(self._ranked)
            self._counter.counted.connect(self._library_counted)
            self._counter.failed.connect(self._count_failed)
        return self._counter

    @property
    def counting(self) -> bool:
        return self._counting

    def _count_matches(self) -> None:
        """Typing paused (or a header was clicked): every match ranked and counted, in the worker."""
        if not self.model.needs_completion or self.model.result is None:
            return
        counter = self.counter
        if self._closed:
            return
        if counter is None:  # a library in memory: the bundled record at most
            keep = self.current_record_id()
            self.model.complete()
            self._reselect(keep)
            return
        counter.rank(self.model.result.query, self.model.order, max(PAGE, self.model.rowCount()),
                     self.current_record_id())
        self._counting, self._count_problem = True, ""
        self._update_count()

    def _count_library(self) -> None:
        if self.model.searching or self.model.total() is not None or self._closed:
            return
        if self.counter is None:
            self.model.count_library()
            self._update_count()
            return
        self.counter.count()
        self._counting = True

    def _ranked(self, _generation: int, ranked: Ranked) -> None:
        """Every match arrived: shown best first (or sorted) from the top, the records selected staying
        selected (and scrolled into view) when they are among the rows prepared, else the record at
        the top of the list staying at the top."""
        self._counting = False
        current, selected = self.current_record_id(), self.selected_record_ids()
        top = self.list.indexAt(QPoint(1, 1)).data(RecordIdRole)
        shown = self.model.rowCount()  # paged further while counting: as many rows again
        self._applying = True
        try:
            if not self.model.apply_ranking(ranked.ranking, ranked.hits):
                return
        finally:
            self._applying = False
        while current and self.model.row_of(current) < 0 and self.model.rowCount() < shown and self.model.has_more():
            self.model.fetchMore()
        self._select_again(current, selected)
        row = self.model.row_of(current) if current else -1
        if row >= 0:
            self.list.scrollTo(self.model.index(row, 0))
        elif top and (row := self.model.row_of(top)) >= 0:
            self.list.scrollTo(self.model.index(row, 0), QAbstractItemView.ScrollHint.PositionAtTop)
        self._update_count()

    def _select_again(self, current: str, selected: list[str]) -> None:
        rows = [r for r in (self.model.row_of(i) for i in selected) if r >= 0]
        row = self.model.row_of(current) if current else -1
        if row < 0 and not rows:
            return
        choice = QItemSelection()
        for r in rows:
            choice.select(self.model.index(r, 0), self.model.index(r, self.model.columnCount() - 1))
        model = self.list.selectionModel()
        model.blockSignals(True)
        if row >= 0:
            model.setCurrentIndex(self.model.index(row, 0), QItemSelectionModel.SelectionFlag.NoUpdate)
        model.select(choice, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        model.blockSignals(False)
        self.list.viewport().update()

    def _library_counted(self, _generation: int, total: int) -> None:
        self._counting = False
        self.model.set_library_total(total)
        self._update_count()

    def _count_failed(self, _generation: int, message: str) -> None:
        self._counting, self._count_problem = False, message
        self._update_count()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not self._painted and event.type() == QEvent.Type.Paint and watched is self.list.viewport():
            self._painted = True  # the first screen is up: counting the library may start
            QTimer.singleShot(0, self._count_library)
        return super().eventFilter(watched, event)

    def shutdown(self) -> None:
        """The window closes: a count running is interrupted; its thread waited for a second at most."""
        self._exact_timer.stop()
        self._closed = True
        if self._counter is not None:
            self._counter.shutdown()

    def _reselect(self, record_id: str) -> None:
        """Keeps the open record current when it is still listed (no jump to another record)."""
        row = self.model.row_of(record_id) if record_id else -1
        if row >= 0:
            self.list.selectionModel().blockSignals(True)
            self.list.selectionModel().setCurrentIndex(self.model.index(row, 0),
                                                       QItemSelectionModel.SelectionFlag.ClearAndSelect | ROWS)
            self.list.selectionModel().blockSignals(False)
            self.list.scrollTo(self.model.index(row, 0))

    def _model_reset(self) -> None:
        # Every row as tall as the first (one line browsing, HIT_LINES searching): one size hint.
        self.list.setUniformRowHeights(True)
        self._show_order()
        self._exact_timer.stop()
        if self._applying:  # the worker's answer itself
            return
        if self._counter is not None:  # what was asked is stale now (an interrupted query)
            self._counter.cancel()
        self._counting, self._count_problem = False, ""
        if self.model.needs_completion:
            self._exact_timer.start()
        elif self._painted:  # counting the library costs a scan: after the first paint, never before
            QTimer.singleShot(0, self._count_library)
        self._update_count()

    def _update_count(self, *_) -> None:
        total = self.model.total()
        self.count_label.setTextFormat(Qt.TextFormat.PlainText)  # messages quote files
        if self.model.error:
            text = self.tr("The search failed: {0}").format(self.model.error)
            self.count_label.setWordWrap(True)
        elif not self.model.searching:
            text = ("" if total is None else self.tr("1 record") if total == 1
                    else self.tr("{0} records").format(f"{total:,}"))
        elif total is None:  # counted in the worker once typing pauses
            text = self.tr("{0}+ records match").format(f"{self.model.rowCount():,}")
            if self._count_problem:
                text = self.tr("{0} (not counted: {1})").format(text, self._count_problem)
            elif self._counting:
                text = self.tr("{0}, counting…").format(text)
        else:
            text = self.tr("No records match") if total == 0 else (
                self.tr("1 record matches") if total == 1 else self.tr("{0} records match").format(f"{total:,}"))
        self.count_label.setText(text)

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        record_id = current.data(RecordIdRole)
        if record_id:
            self.current_record_changed.emit(record_id)

    def current_record_id(self) -> str:
        return self.list.currentIndex().data(RecordIdRole) or ""

    def selected_record_ids(self) -> list[str]:
        """Selected records in list order (the current one when nothing else is selected)."""
        rows = sorted(index.row() for index in self.list.selectionModel().selectedRows())
        ids = [self.model.index(row, 0).data(RecordIdRole) for row in rows]
        return ids or ([self.current_record_id()] if self.current_record_id() else [])

    def select_record(self, record_id: str) -> bool:
        row = self.model.row_of(record_id)
        if row < 0 and self.model.searching:
            self.search_edit.clear()
            row = self.model.row_of(record_id)
        if row < 0:
            return False
        index = self.model.index(row, 0)
        self.list.selectionModel().setCurrentIndex(index, QItemSelectionModel.SelectionFlag.ClearAndSelect | ROWS)
        self.list.scrollTo(index)
        return True

    def search_terms(self) -> str:
        return self.search_edit.text() if self.model.searching else ""
