"""Input with a bound: numbers with a limited count of digits, files read to a size limit.

``int()`` on an untrusted string fails with "Exceeds the limit (4300 digits)" past 4,300 digits
and is quadratic below that; ``bounded_int`` checks the length first. ``read_input`` reads regular
files only — a FIFO would hang, ``/dev/zero`` never ends and ``st_size`` says 0 for both — and
counts while reading instead of trusting ``st_size``, checking for cancellation between chunks.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from collections.abc import Callable, Generator
from typing import BinaryIO

from viewer.core.oneline import one_line, quote_path

MiB = 1 << 20
_SHOWN_CHARS = 24
# ASCII only: int() also takes "1_000", "١٢٣" and full-width digits, which no input format means.
_INTEGER = re.compile(r"[+-]?[0-9]+")
_KINDS = ((stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
          (stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"))


class InputError(OSError):
    """A file that is not read; ``str()`` is one line naming it: "'/dev/zero' is not a regular file …"."""

    def __init__(self, path: str, reason: str, code: int | None = None) -> None:
        super().__init__(code, reason, path)

    def __str__(self) -> str:
        reason = one_line(self.strerror or "cannot be read")
        return f"{quote_path(self.filename)} {reason}" if self.filename else reason

    def __reduce__(self) -> tuple[type[InputError], tuple[str, str, int | None]]:
        return type(self), (self.filename, self.strerror or "", self.errno)


class Cancelled(Exception):
    """Reading stopped because ``cancelled()`` said so."""


def bounded_int(text: str, *, max_digits: int = 9, minimum: int | None = None,
                maximum: int | None = None) -> int:
    """``text`` (surrounding whitespace allowed, a sign, ASCII digits) as an int, or ValueError.

    Leading zeros do not count towards ``max_digits``.
    """
    stripped = text.strip()
    if not _INTEGER.fullmatch(stripped):
        raise ValueError(f"expected a whole number, found {_shown(stripped)}")
    significant = len(stripped.lstrip("+-").lstrip("0"))
    if significant > max_digits:
        raise ValueError(f"{_shown(stripped)} is too large: {significant:,} digits, at most {max_digits}")
    value = int(stripped)
    if minimum is not None and value < minimum:
        raise ValueError(f"{value} is too small: the least allowed is {minimum}")
    if maximum is not None and value > maximum:
        raise ValueError(f"{value} is too large: the most allowed is {maximum}")
    return value


def _shown(text: str) -> str:
    if not text:
        return "nothing"
    return repr(text) if len(text) <= _SHOWN_CHARS else repr(text[:_SHOWN_CHARS]) + "…"


def read_input(path: str | os.PathLike[str], *, limit_bytes: int,
               cancelled: Callable[[], bool] | None = None, chunk: int = MiB) -> bytes:
    """The whole of a regular file of at most ``limit_bytes``; InputError or Cancelled otherwise."""
    return b"".join(iter_input_chunks(path, limit_bytes=limit_bytes, cancelled=cancelled, chunk=chunk))


def iter_input_chunks(path: str | os.PathLike[str], *, limit_bytes: int,
                      cancelled: Callable[[], bool] | None = None,
                      chunk: int = MiB) -> Generator[bytes, None, None]:
    """``read_input`` for streaming parsers: chunks of at most ``chunk`` bytes.

    The file is checked and opened on the call, so a refusal comes before any chunk; the limit and
    ``cancelled`` are checked before each read. The file closes when the iterator is used up,
    closed, or garbage-collected.
    """
    if chunk < 1 or limit_bytes < 0:
        raise ValueError("chunk must be positive and limit_bytes not negative")
    shown = os.fsdecode(os.fspath(path))
    handle = _open_regular(shown, limit_bytes)
    return _chunks(handle, shown, limit_bytes, cancelled, chunk)


def check_regular_file(path: str, limit_bytes: int) -> None:
    """InputError unless ``path`` is a regular file of at most ``limit_bytes``; nothing is opened
    (for a file another library reads, such as QSettings: a FIFO would hang it, /dev/zero fill memory)."""
    try:
        st = os.stat(path)
    except (OSError, ValueError) as exc:
        raise _read_error(path, exc) from exc
    _refuse_unless_regular(path, st, limit_bytes)


def _open_regular(shown: str, limit_bytes: int) -> BinaryIO:
    if not shown:
        raise InputError("", "no file name given", errno.ENOENT)
    try:
        # stat first: opening a device or FIFO can itself block or have effects (a tape rewinds).
        _refuse_unless_regular(shown, os.stat(shown), limit_bytes)
        # O_NONBLOCK: were a FIFO swapped in since, opening it must not wait for a writer.
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
        fd = os.open(shown, flags | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0))
    except InputError:
        raise
    except (OSError, ValueError) as exc:
        raise _read_error(shown, exc) from exc
    try:
        _refuse_unless_regular(shown, os.fstat(fd), limit_bytes)
        # Regular files ignore O_NONBLOCK; the FileIO owns the descriptor from here on.
        return open(fd, "rb", buffering=0)
    except BaseException as exc:
        os.close(fd)
        if isinstance(exc, OSError) and not isinstance(exc, InputError):
            raise _read_error(shown, exc) from exc
        raise


def _refuse_unless_regular(shown: str, st: os.stat_result, limit_bytes: int) -> None:
    mode = st.st_mode
    if stat.S_ISDIR(mode):
        raise InputError(shown, "is a folder, not a file", errno.EISDIR)
    if not stat.S_ISREG(mode):
        kind = next((name for test, name in _KINDS if test(mode)), "not a file")
        raise InputError(shown, f"is not a regular file ({kind})", errno.EINVAL)
    if st.st_size > limit_bytes:
        raise _too_large(shown, limit_bytes)


def _chunks(handle: BinaryIO, shown: str, limit_bytes: int,
            cancelled: Callable[[], bool] | None, chunk: int) -> Generator[bytes, None, None]:
    with handle:
        total = 0
        while True:
            if cancelled is not None and cancelled():
                raise Cancelled(f"reading {quote_path(shown)} was cancelled")
            try:
                # One byte past the limit tells a file that grew over it from one that ends there.
                data = handle.read(min(chunk, limit_bytes + 1 - total))
            except OSError as exc:
                raise _read_error(shown, exc) from exc
            if not data:
                return
            total += len(data)
            if total > limit_bytes:
                raise _too_large(shown, limit_bytes)
            yield data


def _too_large(shown: str, limit_bytes: int) -> InputError:
    return InputError(shown, f"is larger than the limit of {_size(limit_bytes)}", errno.EFBIG)


def _size(count: int) -> str:
    for unit, scale in (("GiB", 1 << 30), ("MiB", MiB), ("KiB", 1 << 10)):
        if count >= scale:
            return f"{count / scale:.3g} {unit}"
    return f"{count} bytes"


def _read_error(shown: str, exc: OSError | ValueError) -> InputError:
    if isinstance(exc, OSError):
        return InputError(shown, f"cannot be read: {exc.strerror or exc}", exc.errno)
    return InputError(shown, f"cannot be read: {exc}")


MAX_JSON_DIGITS = 30


class NumberTooLarge(ValueError):
    """A JSON number with more digits than any field means (``json`` would call ``int()`` on it)."""


def json_int(text: str) -> int:
    """``parse_int`` for ``json.loads``/``JSONDecoder``: at most ``MAX_JSON_DIGITS`` digits, so a
    5,000-digit number is one message, not int()'s "Exceeds the limit (4300 digits)" traceback."""
    significant = len(text.lstrip("-").lstrip("0"))
    if significant > MAX_JSON_DIGITS:
        raise NumberTooLarge(f"a number of {significant:,} digits, at most {MAX_JSON_DIGITS}")
    return int(text)


def json_constant(text: str) -> float:
    """``parse_constant``: JSON has no NaN or Infinity; Python's reader takes them unless told."""
    raise NumberTooLarge(f"{text} is not a JSON number")
