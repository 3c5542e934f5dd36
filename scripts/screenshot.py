"""Takes the README's screenshots of the real window: run it through scripts/screenshot (Xvfb).

Usage: python scripts/screenshot.py OUTPUT_DIR [NAME.png...]   (only those scenes when named)
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from viewer.core import importers
from viewer.core.library import Library
from viewer.core.resources import bundled_record
from viewer.ui.main_window import MainWindow
from viewer.ui.settings import Settings


def _find(window: MainWindow, words: str) -> None:
    window.menu_actions.find.trigger()
    QTest.keyClicks(window.find_bar.line_edit, words)
    QTest.keyClick(window.find_bar.line_edit, Qt.Key.Key_Return)


def _filter(window: MainWindow, words: str) -> None:
    window.menu_actions.filter.trigger()
    QTest.keyClicks(window.filter_edit, words)


def _paste_page(window: MainWindow) -> None:
    """An invented record's page text on the clipboard, then File ▸ Import from Clipboard."""
    page = Path(__file__).resolve().parent.parent / "tests" / "data" / "pages" / "vl-new-article.txt"
    QGuiApplication.clipboard().setText(page.read_text(encoding="utf-8"))
    window.menu_actions.import_clipboard.trigger()


def _library_sorted(window: MainWindow, column: int) -> None:
    header = window.library_panel.list.header()
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    QTest.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))


def _library_search(window: MainWindow, words: str) -> None:
    window.menu_actions.search_library.trigger()
    QTest.keyClicks(window.library_panel.search_edit, words)
    window.library_panel.model.complete()  # as when typing pauses: every match counted
    window.library_panel._update_count()
    QTest.keyClick(window.library_panel.search_edit, Qt.Key.Key_Down)  # into the results: the first opens
    window.select_section("abstract")


def _sample_library(folder: Path) -> Library:
    """The test data's RIS, BibTeX and CSL-JSON samples imported: a small library to show."""
    library = Library.open(folder)
    for name in ("sample.json", "sample.ris", "sample.bib"):
        library.add_records(importers.read_file(SAMPLES / name).entries)
    return library


SAMPLES = Path(__file__).resolve().parent.parent / "tests" / "data"
# (file name, appearance, section, what to do before the picture); library scenes show the samples.
LIBRARY_SCENES = {"library.png", "library-search.png"}
SCENES = [
    ("library.png", "light", "details", lambda w: _library_sorted(w, 2)),
    ("library-search.png", "light", "abstract", lambda w: _library_search(w, "violence")),
    ("main-window.png", "light", "cooperation-national", None),
    ("dark.png", "dark", "victims-justice", None),
    ("find-bar.png", "light", "victims-justice", lambda w: _find(w, "criminal justice")),
    ("filtered.png", "light", "details", lambda w: _filter(w, "civil society")),
    ("citation-panel.png", "light", "details", lambda w: w.menu_actions.show_citation_panel.trigger()),
    ("paste-page.png", "light", "details", _paste_page),
]


def _report(window: MainWindow, tmp: str) -> None:
    """Attaches a report built by tests/pdfmaker.py (bookmarks from its headings)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    import pdfmaker
    path = Path(tmp) / "report.pdf"
    path.write_bytes(pdfmaker.build(*pdfmaker.report(12)))
    window.reports.attach(str(path))


def _report_find(window: MainWindow, words: str) -> None:
    window.select_section("report/2")
    window.menu_actions.find.trigger()
    QTest.keyClicks(window.find_bar.line_edit, words)
    QTest.keyClick(window.find_bar.line_edit, Qt.Key.Key_Return)
    for _ in range(400):  # the matches come from the report worker
        if window.find_bar.match_count():
            break
        QTest.qWait(50)


def _report_quote(window: MainWindow) -> None:
    """A passage from the foot of page 3 into page 4, quoted with Ctrl+Alt+C (waits for the copy)."""
    window.select_section("report/1")
    view, doc = window.report_panel.view, window.report_panel.view.document
    start, end = doc.find_on_page(2, "Page 3 line 39")[0], doc.find_on_page(3, "Page 4 line 2")[0]
    view.verticalScrollBar().setValue(int(view._tops[3] - view.viewport().height() * 0.55))
    view.select_range((2, start.start), (3, end.start + end.length - 1))
    window.menu_actions.copy_quotation.trigger()
    for _ in range(400):  # the citation with its page range comes from the citation worker
        if window.statusBar().currentMessage().startswith("Copied"):
            break
        QTest.qWait(50)


REPORT_SCENES = [
    ("report-page.png", "light", lambda w: w.select_section("report/2.1")),
    ("report-find.png", "light", lambda w: _report_find(w, "trafficking")),
    ("report-quote.png", "light", _report_quote),
    ("report-dark.png", "dark", lambda w: _report_find(w, "trafficking")),
]


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "packaging/screenshots")
    only = set(sys.argv[2:])
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication(sys.argv[:1])
    app.setApplicationName("ncjrs-viewer")
    with tempfile.TemporaryDirectory() as tmp:
        scenes = [(n, m, s, a, False) for n, m, s, a in SCENES] + [(n, m, "", a, True) for n, m, a in REPORT_SCENES]
        for name, mode, section_id, action, report in scenes:
            if only and name not in only:
                continue
            folder = Path(tmp) / name  # a fresh library of its own: the bundled record (or the samples) only
            library = _sample_library(folder) if name in LIBRARY_SCENES else Library.open(folder)
            window = MainWindow(bundled_record(), Settings(str(Path(tmp) / f"{name}.ini")),
                                section_id=section_id or None, library=library)
            if report:
                _report(window, tmp)
            window.set_appearance(mode)
            window.resize(1100, 640)
            window.show()
            window.activateWindow()
            QTest.qWaitForWindowActive(window)
            if library is not None:  # a taller, wider library column: its table is the subject
                window.splitter.setSizes([560, 540])
                window.left_splitter.setSizes([330, 270])
            if action:
                action(window)
            for _ in range(10):
                app.processEvents()
            window.grab().save(str(out / name))
            print(out / name)
            window.close()
            library.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
