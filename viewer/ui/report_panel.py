"""The detail area for an attached report: its pages; and what the window's one find bar
(viewer.ui.find_bar) searches while they are shown: the report's whole text, hits highlighted on
the pages ("3 of 17")."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QVBoxLayout, QWidget

from viewer.ui.find_targets import FindTarget, Match
from viewer.ui.report_view import PageView


class ReportTarget(FindTarget):
    """The find bar's view of a report: positions are (page, character)."""

    label = "report"

    def __init__(self, view: PageView) -> None:
        super().__init__(view)
        self.view = view
        view.document_changed.connect(self.changed)

    @property
    def widget(self) -> QWidget:
        return self.view

    def selected_text(self) -> str:
        return self.view.selected_text()

    def selection(self) -> tuple[tuple[int, int], tuple[int, int]]:
        chosen = self.view.selection_range()
        if chosen is None:  # from the top of the page shown
            here = (max(self.view.current_page(), 0), 0)
            return here, here
        (first, lo), (last, hi) = chosen
        return (first, lo), (last, hi + 1)

    def content(self) -> Any:
        return self.view.document

    def find(self, needle: str, case_sensitive: bool, limit: int) -> list[Match]:
        doc, matches = self.view.document, []
        if doc is None:
            return []
        for page in range(doc.page_count):
            matches += [Match((page, hit.start), (page, hit.start + hit.length), hit)
                        for hit in doc.find_on_page(page, needle, case_sensitive)]
            if len(matches) >= limit:
                break
        return matches[:limit]

    def show(self, matches: list[Match], current: int) -> None:
        self.view.set_hits([m.data for m in matches], current)

    def clear(self, collapse: bool = False) -> None:
        self.view.set_hits([], -1)


class ReportPanel(QWidget):
    """The pages: the detail area while a node of the Report branch is selected."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reportPanel")
        self.view = PageView()
        self.find_target = ReportTarget(self.view)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.view)
