"""A scripted session in the real window, for tests that watch the whole process from outside.

    python tests/scripts/gui_session.py LIBRARY_DIR OUT_DIR RECORD_FILE

Opens the window over LIBRARY_DIR, imports RECORD_FILE, searches, switches records, copies
citations (bundled and rendered at run time), exports, prints to PDF, and quits. Exits 0 when
every step worked.
"""

import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QEventLoop, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from viewer.core import exports
from viewer.core.library import Library
from viewer.core.resources import bundled_record
from viewer.services.citation_service import CitationService
from viewer.ui import printing
from viewer.ui.main_window import MainWindow
from viewer.ui.settings import Settings


def wait_for(signal, trigger, timeout_ms=120000) -> bool:
    """Runs the event loop until ``signal`` fires (QSignalSpy.wait would hold the GIL from workers)."""
    loop, fired = QEventLoop(), []
    signal.connect(lambda *args: (fired.append(args), loop.quit()))
    QTimer.singleShot(timeout_ms, loop.quit)
    trigger()
    if not fired:
        loop.exec()
    return bool(fired)


library_dir, out_dir, record_file = (Path(p) for p in sys.argv[1:4])
app = QApplication([])
library = Library.open(library_dir)
window = MainWindow(bundled_record(), Settings(tempfile.mktemp(suffix=".ini")),
                    citations=CitationService(library_dir / "citation-cache"), library=library)
window.show()
QTest.qWaitForWindowActive(window)
ctrl_shift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier

QTest.keyClick(window.tree, Qt.Key.Key_C, ctrl_shift)  # the bundled record's stored citation
assert QGuiApplication.clipboard().mimeData().hasHtml()

assert wait_for(window.library_control.imports.finished, lambda: window.library_control.imports.start([str(record_file)])), "import did not finish"
assert window.record.id != bundled_record().id, "the imported record was not opened"
for section_id in window.record.section_ids():
    window.select_section(section_id)

# Rendered by citeproc-js in the worker:
assert wait_for(window.citations.ready, window.menu_actions.copy_citation.trigger), "the citation was not rendered"
assert "Bait" in QGuiApplication.clipboard().text(), QGuiApplication.clipboard().text()

QTest.keyClicks(window.library_panel.search_edit, "traffick")
window.library_panel.select_record(bundled_record().id)
window.menu_actions.copy_in_text.trigger()
(out_dir / "export.ris").write_text(exports.export_many([window.record], "ris"))
printing.write_pdf(window.record, str(out_dir / "record.pdf"))
window.close()
QGuiApplication.clipboard().clear()
print("session ok")
