"""Worker threads: a QObject moved into its own QThread, stopped before the application ends."""

from __future__ import annotations

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


def stop_worker(thread: QThread | None) -> None:
    """Lets the thread finish what it is doing, then ends it (safe to call twice)."""
    if thread is not None:
        thread.quit()
        thread.wait()
