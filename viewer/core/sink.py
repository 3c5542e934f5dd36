"""Where written bytes leave the program, and the one error a failed write becomes.

``Sink`` is the raw end under a BufferedWriter for every write the atomic helper makes: each byte
passes one ``send`` (``os.write`` for files and devices), so a full disk shows up in one place and
becomes a ``WriteError`` that names the file, on one line.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable
from typing import TYPE_CHECKING

from viewer.core.oneline import one_line, quote_path

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer


class WriteError(OSError):
    """A write that did not happen; ``str()`` is one line naming the file and the cause.

    ``errno`` is the system's code when there was one (``errno.EPIPE`` for a closed pipe on
    standard output, which a command line may prefer to end quietly on).
    """

    def __init__(self, path: str, reason: str, code: int | None = None) -> None:
        super().__init__(code, reason, path)

    def __str__(self) -> str:
        reason = one_line(self.strerror or "failed")
        if self.filename == "-":
            return f"cannot write to standard output: {reason}"
        if not self.filename:
            return f"cannot write: {reason}"
        return f"cannot write {quote_path(self.filename)}: {reason}"

    def __reduce__(self) -> tuple[type[WriteError], tuple[str, str, int | None]]:
        return type(self), (self.filename, self.strerror or "", self.errno)


def as_write_error(shown: str, exc: OSError | ValueError) -> WriteError:
    """``exc`` as a WriteError naming ``shown`` (the path as the user gave it, not a temporary's)."""
    if isinstance(exc, WriteError):
        return exc
    if isinstance(exc, OSError):
        return WriteError(shown, exc.strerror or str(exc), exc.errno)
    return WriteError(shown, str(exc))


class Sink(io.RawIOBase):
    """Counts what ``send`` took; ``finish`` runs on close (closing a descriptor, flushing stdout)."""

    def __init__(self, send: Callable[[ReadableBuffer], int | None], shown: str,
                 finish: Callable[[], object] | None) -> None:
        super().__init__()
        self._send = send
        self._shown = shown
        self._finish = finish
        self._abandoned = False
        self.count = 0

    def writable(self) -> bool:
        return True

    def write(self, b: ReadableBuffer) -> int:
        size = memoryview(b).nbytes
        if self._abandoned:  # a failed write: what is still buffered is dropped, not sent
            return size
        try:
            sent = self._send(b)
        except OSError as exc:
            raise as_write_error(self._shown, exc) from exc
        sent = size if sent is None else sent
        self.count += sent
        return sent

    def close(self) -> None:
        if self.closed:
            return
        try:
            if self._finish is not None:
                self._finish()
        except OSError as exc:
            raise as_write_error(self._shown, exc) from exc
        finally:
            super().close()

    def abandon(self, out: io.BufferedIOBase) -> None:
        """Closes ``out`` (this sink's buffer) after a failure without sending what it holds."""
        self._abandoned = True
        with contextlib.suppress(OSError):
            out.close()


def buffered(sink: Sink) -> io.BufferedWriter:
    return io.BufferedWriter(sink)
