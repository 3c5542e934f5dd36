"""The library panel: a search box over the user's records and the list of records or hits."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QSize, QTimer, Signal
from PySide6.QtGui import QAbstractTextDocumentLayout, QPalette, QTextDocument
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QLabel,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from viewer.ui.library_model import HtmlRole, LibraryModel, RecordIdRole
from viewer.ui.widgets import search_field

# Ranked search over every match runs once typing pauses this long (ms); each keystroke in
# between gets the quick as-you-type ranking.
EXACT_AFTER_MS = 300


class HtmlDelegate(QStyledItemDelegate):
    """Draws a row's HtmlRole (escaped record text with matched words in bold) when it has one."""

    def _document(self, option: QStyleOptionViewItem, html: str) -> QTextDocument:
        doc = QTextDocument()
        doc.setDefaultFont(option.font)
        doc.setHtml(html)
        doc.setTextWidth(max(option.rect.width(), 50))
        return doc

    def paint(self, painter, option, index) -> None:
        html = index.data(HtmlRole)
        if not html:
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        style = opt.widget.style() if opt.widget else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        doc = self._document(opt, html)
        context = QAbstractTextDocumentLayout.PaintContext()
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        context.palette.setColor(QPalette.ColorRole.Text, opt.palette.color(role))
        painter.save()
        painter.translate(opt.rect.topLeft())
        painter.setClipRect(opt.rect.translated(-opt.rect.topLeft()))
        doc.documentLayout().draw(painter, context)
        painter.restore()

    def sizeHint(self, option, index) -> QSize:
        html = index.data(HtmlRole)
        if not html:
            return super().sizeHint(option, index)
        doc = self._document(option, html)
        return QSize(int(doc.idealWidth()), int(doc.size().height()))


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
        self.list = QListView()
        self.list.setObjectName("libraryList")
        self.list.setAccessibleName(self.tr("Library records"))
        self.list.setAccessibleDescription(self.tr("The records of your library, or the hits of a search"))
        self.list.setModel(model)
        self.list.setItemDelegate(HtmlDelegate(self.list))
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.list.setWordWrap(True)
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
        self._exact_timer.timeout.connect(self._search_exactly)
        self.search_edit.textChanged.connect(self._search)
        self.list.selectionModel().currentChanged.connect(self._current_changed)
        self.list.selectionModel().selectionChanged.connect(lambda *_: self.selection_changed.emit())
        self.model.modelReset.connect(self._model_reset)
        self._model_reset()

    def _search(self, text: str) -> None:
        keep = self.current_record_id()
        self.model.set_query(text)
        self._exact_timer.stop()
        if self.model.result is not None and not self.model.result.exact:
            self._exact_timer.start()
        self._reselect(keep)

    def _search_exactly(self) -> None:
        keep = self.current_record_id()
        self.model.set_query(self.search_edit.text(), exact=True)
        self._reselect(keep)

    def _reselect(self, record_id: str) -> None:
        """Keeps the open record current when it is still listed (no jump to another record)."""
        row = self.model.row_of(record_id) if record_id else -1
        if row >= 0:
            self.list.selectionModel().blockSignals(True)
            self.list.selectionModel().setCurrentIndex(self.model.index(row), QItemSelectionModel.SelectionFlag.ClearAndSelect)
            self.list.selectionModel().blockSignals(False)
            self.list.scrollTo(self.model.index(row))

    def _model_reset(self) -> None:
        # Browsing, every row is one line: uniform sizes spare the view a size hint per row.
        self.list.setUniformItemSizes(not self.model.searching)
        if self.model.searching:
            self._update_count()
        else:  # counting the library costs a scan: after the window is painted, never before
            QTimer.singleShot(0, self._update_count)

    def _update_count(self, *_) -> None:
        if self.model.searching:
            hits = self.model.total()
            text = self.tr("No records match") if hits == 0 else (
                self.tr("1 record matches") if hits == 1 else self.tr("{0} best matches").format(hits))
        else:
            total = self.model.total()
            text = self.tr("1 record") if total == 1 else self.tr("{0} records").format(f"{total:,}")
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
        ids = [self.model.index(row).data(RecordIdRole) for row in rows]
        return ids or ([self.current_record_id()] if self.current_record_id() else [])

    def select_record(self, record_id: str) -> bool:
        row = self.model.row_of(record_id)
        if row < 0 and self.model.searching:
            self.search_edit.clear()
            row = self.model.row_of(record_id)
        if row < 0:
            return False
        index = self.model.index(row)
        self.list.selectionModel().setCurrentIndex(index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        self.list.scrollTo(index)
        return True

    def search_terms(self) -> str:
        return self.search_edit.text() if self.model.searching else ""
