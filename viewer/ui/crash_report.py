"""The dialog for an error nobody foresaw: say so, offer a copyable report, keep running."""

from __future__ import annotations

import sys
import traceback
from types import TracebackType

from viewer import APP_NAME, __version__


def report_unexpected(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
    """sys.excepthook for the window: the report goes to stderr and into the dialog's details."""
    from PySide6.QtWidgets import QApplication, QMessageBox  # on use (start-up)

    report = "".join(traceback.format_exception(kind, value, tb))
    print(report, file=sys.stderr)
    box = QMessageBox(QMessageBox.Icon.Critical, APP_NAME,
                      "Something went wrong. The program is still running; your data is unchanged.",
                      QMessageBox.StandardButton.Ok, QApplication.activeWindow())
    box.setInformativeText(f"{kind.__name__}: {value}")
    box.setDetailedText(f"{APP_NAME} {__version__}\n{report}")
    box.exec()
