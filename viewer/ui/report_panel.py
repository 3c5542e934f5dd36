"""The detail area for an attached report: its pages, and a find bar over the report's whole text
("3 of 17", hits highlighted on the page)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from viewer.ui.report_view import PageView

MAX_MATCHES = 5000


class ReportFindBar(QWidget):
    match_count_changed = Signal(int, int)  # current (1-based, 0 for none), total

    def __init__(self, view: PageView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view = view
        self._hits: list = []
        self._current = -1
        self.setObjectName("reportFindBar")
        self.setAccessibleName(self.tr("Find in report"))
        label = QLabel(self.tr("&Find:"))
        self.line_edit = QLineEdit()
        self.line_edit.setObjectName("reportFindText")
        self.line_edit.setClearButtonEnabled(True)
        self.line_edit.setPlaceholderText(self.tr("Find in the report"))
        self.line_edit.setAccessibleName(self.tr("Find text"))
        label.setBuddy(self.line_edit)
        self.setFocusProxy(self.line_edit)
        self.case_box = QCheckBox(self.tr("Match &case"))
        self.previous_button = QPushButton("\u25b2")
        self.previous_button.setAccessibleName(self.tr("Previous match"))
        self.next_button = QPushButton("\u25bc")
        self.next_button.setAccessibleName(self.tr("Next match"))
        self.count_label = QLabel()
        self.count_label.setObjectName("reportFindCount")
        close = QPushButton("\u2715")
        close.setAccessibleName(self.tr("Close find bar"))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 3, 6, 3)
        for widget in (label, self.line_edit, self.previous_button, self.next_button, self.case_box,
                       self.count_label, close):
            layout.addWidget(widget, 1 if widget is self.line_edit else 0)
        escape = QAction(self)
        escape.setShortcut(QKeySequence(Qt.Key.Key_Escape))
        escape.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.addAction(escape)
        escape.triggered.connect(self.dismiss)
        close.clicked.connect(self.dismiss)
        self.line_edit.textChanged.connect(self.search)
        self.case_box.toggled.connect(self.search)
        self.previous_button.clicked.connect(self.find_previous)
        self.next_button.clicked.connect(self.find_next)
        self.line_edit.installEventFilter(self)
        self.hide()

    def activate(self) -> None:
        selected = self.view.selected_text()
        if selected and len(selected) <= 200 and selected != self.line_edit.text():
            self.line_edit.setText(selected)
        self.show()
        self.line_edit.selectAll()
        self.line_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def dismiss(self) -> None:
        self.hide()
        self._hits, self._current = [], -1
        self.view.set_hits([], -1)
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if watched is self.line_edit and event.type() == QEvent.Type.KeyPress:
            key = event if isinstance(event, QKeyEvent) else None
            if key is None:
                return False
            if key.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                back = bool(key.modifiers() & Qt.KeyboardModifier.ShiftModifier)
                self.find_previous() if back else self.find_next()
                return True
        return super().eventFilter(watched, event)

    def search(self) -> None:
        """Every hit over the report's whole text; the first at or after the page shown is current."""
        doc, needle = self.view.document, self.line_edit.text()
        self._hits = []
        if doc is not None and needle:
            for page in range(doc.page_count):
                self._hits += doc.find_on_page(page, needle, self.case_box.isChecked())
                if len(self._hits) >= MAX_MATCHES:
                    break
        shown = max(self.view.current_page(), 0)
        self._current = next((i for i, h in enumerate(self._hits) if h.page >= shown), 0) if self._hits else -1
        self._show()

    def find_next(self) -> None:
        self._step(1)

    def find_previous(self) -> None:
        self._step(-1)

    def _step(self, direction: int) -> None:
        if self.isHidden():
            self.activate()
            if not self.line_edit.text():
                return
        if self._hits:
            self._current = (self._current + direction) % len(self._hits)
            self._show()

    def match_count(self) -> int:
        return len(self._hits)

    def _show(self) -> None:
        self.view.set_hits(self._hits, self._current)
        total = len(self._hits)
        text = "" if not self.line_edit.text() else (self.tr("No matches") if not total else
                                                     self.tr("{0} of {1}").format(self._current + 1, total))
        self.count_label.setText(text)
        self.match_count_changed.emit(self._current + 1, total)


class ReportPanel(QWidget):
    """Pages over a find bar: the detail area while a node of the Report branch is selected."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reportPanel")
        self.view = PageView()
        self.find_bar = ReportFindBar(self.view)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.view)
        layout.addWidget(self.find_bar)
