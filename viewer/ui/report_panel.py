"""The detail area for an attached report: its pages; and what the window's one find bar
(viewer.ui.find_bar) searches while they are shown: the report's whole text, hits highlighted on
the pages ("3 of 17"), searched by the report worker (viewer.services.report_worker), never on the
window's thread."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, overload

from PySide6.QtWidgets import QVBoxLayout, QWidget

from viewer.services.report_worker import ReportWorker
from viewer.ui.find_targets import FindTarget, Match
from viewer.ui.report_view import PageView


class _Matches(Sequence[Match]):
    """The worker's hits as the find bar's matches, each made when it is asked for: a search can
    answer thousands, and the window's thread should not build (and collect) them all."""

    def __init__(self, hits: list) -> None:
        self.hits = hits

    def __len__(self) -> int:
        return len(self.hits)

    @overload
    def __getitem__(self, index: int) -> Match: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[Match]: ...

    def __getitem__(self, index: int | slice) -> Match | Sequence[Match]:
        if isinstance(index, slice):
            return _Matches(self.hits[index])
        hit = self.hits[index]
        return Match((hit.page, hit.start), (hit.page, hit.start + hit.length), hit)


class ReportTarget(FindTarget):
    """The find bar's view of a report: positions are (page, character)."""

    label = "report"

    def __init__(self, view: PageView) -> None:
        super().__init__(view)
        self.view = view
        self._worker: ReportWorker | None = None
        self._generation: int | None = None  # the worker's search under way
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

    def use_worker(self, worker: ReportWorker) -> None:
        """Finds through ``worker`` (the report controller's): without one, nothing is found."""
        self._worker = worker
        worker.found.connect(self._found)

    def find(self, needle: str, case_sensitive: bool, limit: int) -> Sequence[Match] | None:
        """Asks the worker (never PDFium here): the matches come by ``found``."""
        self.cancel()
        doc = self.view.document
        if doc is None or self._worker is None:
            return []
        self._generation = self._worker.request_find(doc, needle, case_sensitive, limit)
        return None

    def cancel(self) -> None:
        if self._generation is not None and self._worker is not None:
            self._worker.cancel_find()
        self._generation = None

    def _found(self, generation: int, hits: list) -> None:
        if generation != self._generation:
            return  # superseded or cancelled: an older search's answer is never shown
        self._generation = None
        self.found.emit(_Matches(hits))

    def show(self, matches: Sequence[Match], current: int) -> None:
        self.view.set_hits(matches.hits if isinstance(matches, _Matches) else [m.data for m in matches], current)

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
