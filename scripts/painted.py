"""Run the program, or the bare baseline window, and print ``painted: <window title>`` (flushed)
at the first paint of any top-level widget, then quit: the offscreen start-up measurement.

    python scripts/painted.py viewer [ncjrs-viewer arguments...]   # viewer.cli.main(arguments)
    python scripts/painted.py bare                                   # scripts/bare_window.py

The QApplication is made here, before the program's code runs; the program reuses it
(``QApplication.instance()``), so the program itself needs no benchmark hook.

Why not one application-wide event filter: every event of every object would then pass through
Python, and PySide makes a Python type for each Qt class it meets. Measured (offscreen, 9 runs
interleaved) that added about 35 ms to the program and 60-100 ms to the bare window, and so
flattered the ratio. Instead the filter is installed on each widget shown as a window, by
wrapping ``show`` and ``setVisible``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from PySide6 import QtWidgets
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget


class FirstPaint(QObject):
    """Installed on top-level widgets; reports the first paint among them and quits."""

    def __init__(self, app: QApplication) -> None:
        super().__init__()
        self.app = app
        self.done = False

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if not self.done and event.type() == QEvent.Type.Paint and isinstance(obj, QWidget) and obj.isWindow():
            self.done = True
            print(f"painted: {obj.windowTitle()}", flush=True)
            QTimer.singleShot(0, self.app.quit)  # after this paint, as a user would see it
        return False


def watch_windows(watcher: FirstPaint) -> None:
    """Put ``watcher`` on every widget the program shows as a window from Python (``show()`` or
    ``setVisible(True)``), before it can paint. Python-level wrappers: Qt's own C++ calls (a
    dialog's ``exec``) are not seen, and need not be: both programs open with ``show()``."""
    def watch(widget: QWidget) -> None:
        if widget.isWindow() and not watcher.done:
            widget.installEventFilter(watcher)

    show = QWidget.show

    def watched_show(widget: QWidget) -> None:
        watch(widget)
        show(widget)

    def wrap(set_visible: Callable[[QWidget, bool], None]) -> Callable[[QWidget, bool], None]:
        def watched_set_visible(widget: QWidget, visible: bool) -> None:
            if visible:
                watch(widget)
            set_visible(widget, visible)
        return watched_set_visible

    QWidget.show = watched_show  # type: ignore[method-assign]
    for cls in vars(QtWidgets).values():  # every class with its own setVisible (the dialogs)
        if isinstance(cls, type) and issubclass(cls, QWidget) and "setVisible" in vars(cls):
            cls.setVisible = wrap(vars(cls)["setVisible"])  # type: ignore[method-assign]


def main(argv: list[str]) -> int:
    if len(argv) < 2 or argv[1] not in ("viewer", "bare"):
        print(__doc__, file=sys.stderr)
        return 2
    # The name the program's own QApplication([PROG]) would have, so that only the watching differs.
    app = QApplication(["ncjrs-viewer" if argv[1] == "viewer" else "bare_window.py"])
    watch_windows(FirstPaint(app))
    if argv[1] == "bare":
        import bare_window  # beside this file: sys.path[0]
        return bare_window.main(argv[1:2])
    from viewer.cli import main as viewer_main
    return viewer_main(argv[2:])


if __name__ == "__main__":
    sys.exit(main(sys.argv))
