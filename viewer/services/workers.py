"""Worker threads: a QObject moved into its own QThread, stopped before the application ends."""

from __future__ import annotations

import os
import sys

from PySide6.QtCore import QCoreApplication, QObject, QThread

WORKER_STACK_BYTES = 8 * 1024 * 1024


def start_worker(owner: QObject, worker: QObject, name: str, stop) -> QThread:
    """Moves ``worker`` into a new thread owned by ``owner`` and starts it. ``stop`` (the owner's
    shutdown) is called when the application is about to quit: a running QThread must never be
    destroyed, or the process aborts."""
    thread = QThread(owner)
    thread.setObjectName(name)
    # The same stack on every system (macOS gives threads 512 KiB): the JavaScript engine's own
    # limit (viewer.citeproc.engine.JS_STACK_BYTES) must stay well inside it.
    thread.setStackSize(WORKER_STACK_BYTES)
    worker.moveToThread(thread)
    thread.finished.connect(worker.deleteLater)
    thread.start()
    app = QCoreApplication.instance()
    if app is not None:
        app.aboutToQuit.connect(stop)
    return thread


QUIT_WAIT_MS = 1000
_abandoned: list[QThread] = []  # still running at quit: kept alive until the process ends


def stop_worker(thread: QThread | None, wait_ms: int = QUIT_WAIT_MS) -> bool:
    """Ends the thread once its current job is done, waiting at most ``wait_ms`` (safe to call
    twice). Returns False when it is still busy: the caller has cancelled what would be lost
    (an import rolls back), so the thread is left to die with the process; see :func:`exit_code`."""
    if thread is None:
        return True
    thread.quit()
    if thread.wait(wait_ms):
        return True
    thread.setParent(None)  # a running QThread must never be destroyed with its owner
    _abandoned.append(thread)
    return False


def exit_code(code: int) -> int:
    """After the event loop: with a worker still busy (a bibliography being built, a parser that
    cannot stop mid-call), the process ends here, without waiting for it or running the
    interpreter's shutdown, which would wait or abort on the running thread."""
    if _abandoned:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    return code
