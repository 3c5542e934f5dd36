"""The baseline of the start-up benchmarks: a bare PySide6 window (a tree and a text pane).

scripts/bench_startup.py runs it (offscreen through scripts/painted.py, which calls main();
under Xvfb as it is); scripts/bench_exe.py freezes this file with PyInstaller's defaults.
"""

import sys


def main(argv: list[str]) -> int:
    """Show the window (in the running QApplication, if there is one) until it is closed."""
    if argv[1:] == ["--version"]:  # bench_exe.py times this, as it does the program's --version
        print("bare 1.0")
        return 0
    from PySide6.QtGui import QStandardItem, QStandardItemModel
    from PySide6.QtWidgets import QApplication, QMainWindow, QSplitter, QTextBrowser, QTreeView

    app = QApplication.instance() or QApplication(argv)
    window = QMainWindow()
    window.setWindowTitle("bare window")
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
    return app.exec()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
