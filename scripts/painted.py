"""Run the program, or the bare baseline window, and print ``painted: <window title>`` (flushed)
at the first paint of any top-level widget, then quit: the offscreen start-up measurement.

    python scripts/painted.py viewer [ncjrs-viewer arguments...]   # viewer.app.main(arguments)
    python scripts/painted.py bare                                   # scripts/bare_window.py

The QApplication is made here, before the program's code runs; the program reuses it
(``QApplication.instance()``), so the program itself needs no benchmark hook.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget


class FirstPaint(QObject):
    """Application-wide: sees the paint events of every widget, and reports the first top-level one."""

    def __init__(self, app: QApplication) -> None:
        super().__init__()
        self.app = app

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.Paint and isinstance(obj, QWidget) and obj.isWindow():
            self.app.removeEventFilter(self)  # nothing more to see: later events skip Python
            print(f"painted: {obj.windowTitle()}", flush=True)
            QTimer.singleShot(0, self.app.quit)  # after this paint, as a user would see it
        return False


def main(argv: list[str]) -> int:
    if len(argv) < 2 or argv[1] not in ("viewer", "bare"):
        print(__doc__, file=sys.stderr)
        return 2
    # The name the program's own QApplication([PROG]) would have, so that nothing but the filter differs.
    app = QApplication(["ncjrs-viewer" if argv[1] == "viewer" else "bare_window.py"])
    watcher = FirstPaint(app)
    app.installEventFilter(watcher)
    if argv[1] == "bare":
        import bare_window  # beside this file: sys.path[0]
        return bare_window.main(argv[1:2])
    from viewer.app import main as viewer_main
    return viewer_main(argv[2:])


if __name__ == "__main__":
    sys.exit(main(sys.argv))
