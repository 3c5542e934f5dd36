"""The baseline of the start-up benchmarks: a bare PySide6 window (a tree and a text pane).

scripts/bench_startup.py runs it; scripts/bench_exe.py builds it with PyInstaller's defaults.
With NCJRS_VIEWER_EXIT_AFTER_PAINT=1 it prints "painted" at its first paint and quits, as the
program does.
"""

import os
import sys

if sys.argv[1:] == ["--version"]:
    print("bare 1.0")
    sys.exit(0)

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QApplication, QMainWindow, QSplitter, QTextBrowser, QTreeView

app = QApplication(sys.argv)
window = QMainWindow()
splitter = QSplitter()
tree = QTreeView()
model = QStandardItemModel()
for row in range(8):
    item = QStandardItem(f"Section {row}")
    item.appendRow(QStandardItem("Subsection"))
    model.appendRow(item)
tree.setModel(model)
tree.expandAll()
pane = QTextBrowser()
pane.setHtml("<h1>Heading</h1><p>Some <b>rich</b> text.</p>")
splitter.addWidget(tree)
splitter.addWidget(pane)
window.setCentralWidget(splitter)
window.resize(1040, 680)
window.show()

if os.environ.get("NCJRS_VIEWER_EXIT_AFTER_PAINT") == "1":
    class FirstPaint(QObject):
        def eventFilter(self, obj, event):
            if event.type() == QEvent.Type.Paint:
                obj.removeEventFilter(self)
                print("painted: bare window", flush=True)
                QTimer.singleShot(0, window.close)
            return False

    first_paint = FirstPaint(window)
    pane.viewport().installEventFilter(first_paint)

sys.exit(app.exec())
