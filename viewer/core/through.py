"""Writing to what must not be replaced: ``-`` (standard output), one of our own descriptors by
name (``/dev/stdout``, ``/dev/fd/N``, ``/proc/self/fd/N``), devices, FIFOs and sockets.

The bytes go straight there; nothing can be taken back, so a check of them (``verify``) is up to
the caller to run before (see atomic.py).
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
import sys
from collections.abc import Iterator
from typing import BinaryIO

from viewer.core.sink import Sink, WriteError, as_write_error, buffered

_CLOEXEC = getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
# One of our own descriptors by name. realpath() would turn /dev/stdout into the file the shell
# redirected to, which must be written through the descriptor (a ">> log" appended to), not replaced.
_OWN_FD = re.compile(r"/(?:proc/(self|thread-self|\d+)(?:/task/\d+)?/fd|dev/fd)/(\d+)")


def own_descriptor(path: str) -> int | None:
    """N for /dev/stdout, /dev/fd/N or /proc/self/fd/N, followed through symlinks one at a time."""
    current = os.path.abspath(path)
    for _ in range(40):  # the kernel's own limit on a chain of links
        match = _OWN_FD.fullmatch(current)
        if match:
            pid = match[1]
            mine = pid is None or not pid.isdigit() or int(pid) == os.getpid()
            return int(match[2]) if mine else None
        if not os.path.islink(current):
            return None
        current = os.path.normpath(os.path.join(os.path.dirname(current), os.readlink(current)))
    return None


@contextlib.contextmanager
def writing_through(shown: str, *, where: str = "", fd: int | None = None,
                    existing: os.stat_result | None = None) -> Iterator[BinaryIO]:
    """Standard output for ``-``; else descriptor ``fd`` (left open); else the device, FIFO or
    socket at ``where`` (``existing`` its stat). Errors raise WriteError naming ``shown``."""
    _flush_std_streams()  # what was printed before comes out before these bytes
    if shown == "-":
        stdout = _stdout_buffer()
        sink = Sink(stdout.write, shown, stdout.flush)
    elif fd is not None:
        own = fd
        sink = Sink(lambda b: os.write(own, b), shown, None)
    else:
        opened = _open(shown, where, existing)
        sink = Sink(lambda b: os.write(opened, b), shown, lambda: os.close(opened))
    out = buffered(sink)
    try:
        yield out
    except BaseException:
        sink.abandon(out)
        raise
    out.close()  # flushes; a failure raises WriteError and still closes


def _open(shown: str, where: str, existing: os.stat_result | None) -> int:
    try:
        if existing is not None and stat.S_ISSOCK(existing.st_mode):
            import socket  # rare; not at every start

            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
                sock.connect(where)
                return sock.detach()
        # No O_TRUNC, no O_CREAT: a device is written as it is; a FIFO waits for its reader.
        return os.open(where, os.O_WRONLY | getattr(os, "O_NOCTTY", 0) | _CLOEXEC)
    except OSError as exc:
        raise as_write_error(shown, exc) from exc


def _stdout_buffer() -> BinaryIO:
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:  # a GUI build on Windows has no console
        raise WriteError("-", "there is no standard output", errno.EBADF)
    return buffer


def _flush_std_streams() -> None:
    for stream in (sys.stdout, sys.stderr):
        if stream is not None:
            with contextlib.suppress(OSError, ValueError):
                stream.flush()
