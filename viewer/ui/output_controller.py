"""Output for the window: export as RIS/BibTeX/CSL-JSON, print, and export as PDF.

Each writes through the one atomic-write helper (a failure leaves the old file whole and is told
in one line), and takes its "Cite as" citation from the worker, never rendering in the window.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QStandardPaths

from viewer import APP_NAME
from viewer.citeproc import citation
from viewer.core.atomic import WriteError, write_atomic
from viewer.ui.plain import warn

if TYPE_CHECKING:
    from viewer.ui.citation_controller import CitationController
    from viewer.ui.main_window import MainWindow


class OutputController(QObject):
    def __init__(self, window: MainWindow, citing: CitationController) -> None:
        super().__init__(window)
        self.window = window
        self.citing = citing

    def export_records(self) -> None:
        from viewer.core import exports

        window = self.window
        records = window.library.get_many(window.library_panel.selected_record_ids()) or [window.record]
        filters = {self.tr("RIS (*.ris)"): "ris", self.tr("BibTeX (*.bib)"): "bibtex",
                   self.tr("CSL-JSON (*.json)"): "csl-json"}
        first = records[0]
        suggested = (f"ncj-{first.ncj_number}.ris" if first.ncj_number else "record.ris") if len(records) == 1 \
            else "bibliography.ris"
        from PySide6.QtWidgets import QFileDialog  # on use (start-up)

        path, chosen = QFileDialog.getSaveFileName(window, self.tr("Export"), suggested, ";;".join(filters))
        if path:
            self.save_text(path, exports.export_many(records, filters.get(chosen, "ris")))

    def save_text(self, path: str, text: str) -> bool:
        """Writes atomically: the old file stays whole if anything goes wrong."""
        try:
            write_atomic(path, text)
        except WriteError as exc:
            warn(self.window, APP_NAME, self.tr("Could not save: {0}").format(exc))
            return False
        self.window.statusBar().showMessage(self.tr("Saved {0}").format(path), 5000)
        return True

    def _section(self, whole: bool) -> str | None:
        return None if whole else (self.window.current_section_id() or None)

    def print_record(self, whole: bool = False) -> None:
        from viewer.ui import printing  # on use: printing is not part of start-up

        window, section_id = self.window, self._section(whole)
        # The citation comes from the worker (or is at hand): printing never renders it in the window.
        self.citing.with_citation(lambda entry, style: printing.print_document(
            window, window.record, section_id, style, cite=citation.from_entry(entry)))

    def export_pdf(self, whole: bool = False) -> None:
        from PySide6.QtWidgets import QFileDialog  # on use (start-up)

        from viewer.ui import printing

        window, section_id = self.window, self._section(whole)
        docs = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        dialog = QFileDialog(window, self.tr("Export as PDF"),
                             str(Path(docs) / printing.suggested_file_name(window.record, section_id)),
                             self.tr("PDF documents (*.pdf)"))
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setDefaultSuffix("pdf")  # keeps the overwrite confirmation
        if not dialog.exec():
            return
        path = dialog.selectedFiles()[0]
        record = window.record

        def write(entry: dict[str, Any], style: str) -> None:
            try:
                printing.write_pdf(record, path, section_id, style_id=style, cite=citation.from_entry(entry))
            except printing.PdfError as exc:
                warn(window, APP_NAME, str(exc))
                return
            window.statusBar().showMessage(self.tr("Saved {0}").format(path), 5000)

        self.citing.with_citation(write)
