"""The one way the program writes a file: whole, or not at all and said in one line.

A regular file (or one not there yet) is replaced: the bytes go to a temporary file beside it
(a short name, so a 254-byte target name still fits the 255-byte limit), are flushed, fsynced and
checked — size, then an optional ``verify`` of what is on disk — and only then does
``os.replace`` put them in place; the folder is fsynced where the system allows. On any failure
the old file is untouched, the temporary file is gone and one ``WriteError`` names the file and
the cause on one line.

What is not a regular file is written *through*, never replaced: ``-`` (standard output),
devices (``/dev/null``, ``/dev/full``), FIFOs, sockets, and links to one of this process's
descriptors (``/dev/stdout``, ``/dev/fd/N``, ``/proc/self/fd/N`` — written through that
descriptor, so a redirected ``>> log`` is appended to, not replaced). Symlinks are followed: the
link stays a link and its target is replaced in the target's folder.

An existing file keeps its mode, and its owner and group where the system lets us (as root);
a new file gets ``0o666`` less the umask, as ``open()`` would give it.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import stat
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from viewer.core.sink import Sink, WriteError, as_write_error, buffered
from viewer.core.through import own_descriptor, writing_through

__all__ = ["TEMP_PREFIX", "Verify", "WriteError", "atomic_writer", "write_atomic", "write_via_temp"]

Verify = Callable[[bytes], object]
"""Called with every byte written; raises ValueError (a short reason) when they are not whole."""

TEMP_PREFIX = ".~nc"
_TEMP_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"
_CLOEXEC = getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)


def write_atomic(path: str | os.PathLike[str], data: bytes | str, *, verify: Verify | None = None) -> None:
    """Writes ``data`` (text as UTF-8, newlines untouched) to ``path``; see the module."""
    try:
        payload = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    except UnicodeEncodeError as exc:
        raise WriteError(os.fsdecode(os.fspath(path)), f"the text is not valid Unicode ({exc.reason})") from exc
    with atomic_writer(path, verify=verify) as out:
        out.write(payload)


@contextlib.contextmanager
def atomic_writer(path: str | os.PathLike[str], *, verify: Verify | None = None) -> Iterator[BinaryIO]:
    """A binary file to stream into; the target changes only when the ``with`` block ends well.

    Errors writing raise ``WriteError``; an exception of the block's own propagates unchanged
    (the temporary file removed either way). Written through a device with ``verify``, the
    bytes are gathered and checked before any of them leave.
    """
    target = _resolve(path)
    if target.kind == "replace":
        with _replacing(target, verify) as out:
            yield out
    elif verify is None:
        with _through(target) as out:
            yield out
    else:
        gathered = io.BytesIO()
        yield gathered
        _check(target.shown, verify, gathered.getvalue())
        with _through(target) as out:
            out.write(gathered.getvalue())


def write_via_temp(path: str | os.PathLike[str], produce: Callable[[Path], object], *,
                   verify: Verify | None = None) -> None:
    """For a producer that writes to a path itself (Qt's PDF writer): ``produce(temp)`` fills
    a temporary file, which is then fsynced, checked and put in place like ``write_atomic``.

    Pass ``verify``: a producer that ignores write errors (QPdfWriter does) leaves a short file
    that only a check of its content can tell. An OSError from ``produce`` becomes WriteError;
    any other exception propagates unchanged.
    """
    target = _resolve(path)
    if target.kind != "replace":
        data = _produce_aside(target.shown, produce)
        if verify is not None:
            _check(target.shown, verify, data)
        with _through(target) as out:
            out.write(data)
        return
    folder = os.path.dirname(target.where) or "."
    temp = _new_temp(target, folder)
    os.close(temp.fd)
    try:
        produce(Path(temp.path))
        _settle_produced(target, temp, verify)
        os.replace(temp.path, target.where)
    except BaseException as exc:
        _remove(temp.path)
        if isinstance(exc, OSError) and not isinstance(exc, WriteError):
            raise as_write_error(target.shown, exc) from exc
        raise
    _sync_folder(folder)


# --- where the bytes go ---------------------------------------------------------------------

@dataclass(frozen=True)
class _Target:
    shown: str  # as given: what messages name
    where: str  # symlinks followed
    kind: str  # "replace", "stdout", "descriptor" (our own fd) or "through" (device, FIFO, socket)
    existing: os.stat_result | None = None
    fd: int = -1


def _resolve(path: str | os.PathLike[str]) -> _Target:
    shown = os.fsdecode(os.fspath(path))
    if not shown:
        raise WriteError("", "no file name given", errno.ENOENT)
    if shown == "-":
        return _Target(shown, shown, "stdout")
    try:
        fd = own_descriptor(shown)
        if fd is not None:
            return _Target(shown, shown, "descriptor", fd=fd)
        where = os.path.realpath(shown)
        try:
            st = os.stat(where)
        except FileNotFoundError:
            return _Target(shown, where, "replace")
    except (OSError, ValueError) as exc:
        raise as_write_error(shown, exc) from exc
    if stat.S_ISDIR(st.st_mode):
        raise WriteError(shown, os.strerror(errno.EISDIR), errno.EISDIR)
    if not stat.S_ISREG(st.st_mode):
        return _Target(shown, where, "through", st)
    # A file its owner made read-only is not replaced behind their back (root may, as with open()).
    if not os.access(where, os.W_OK):
        raise WriteError(shown, os.strerror(errno.EACCES), errno.EACCES)
    return _Target(shown, where, "replace", st)


# --- replacing a regular file ---------------------------------------------------------------

@dataclass(frozen=True)
class _Temp:
    fd: int
    path: str
    mode: int  # what the target had, or what a new file gets under the umask
    owner: tuple[int, int] | None


def _new_temp(target: _Target, folder: str) -> _Temp:
    try:
        fd, path = _create_temp(folder)
    except OSError as exc:
        raise as_write_error(target.shown, exc) from exc
    try:
        if target.existing is None:  # created 0o666, so the kernel applied the umask
            temp = _Temp(fd, path, stat.S_IMODE(os.fstat(fd).st_mode), None)
        else:
            st = target.existing
            temp = _Temp(fd, path, stat.S_IMODE(st.st_mode), (st.st_uid, st.st_gid))
        _take_over(fd, temp)
    except BaseException as exc:
        os.close(fd)
        _remove(path)
        if isinstance(exc, OSError):
            raise as_write_error(target.shown, exc) from exc
        raise
    return temp


def _create_temp(folder: str) -> tuple[int, str]:
    import secrets  # on use: it loads OpenSSL (through hmac), which the window's start does not need

    flags = os.O_RDWR | os.O_CREAT | os.O_EXCL | _CLOEXEC
    for _ in range(100):
        name = TEMP_PREFIX + "".join(secrets.choice(_TEMP_ALPHABET) for _ in range(6))
        path = os.path.join(folder, name)
        try:
            return os.open(path, flags, 0o666), path
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no free temporary file name")


def _take_over(fd: int, temp: _Temp) -> None:
    """Gives the temporary file the target's owner (best effort: only root may) and mode."""
    if temp.owner is not None and hasattr(os, "fchown"):
        st = os.fstat(fd)
        if (st.st_uid, st.st_gid) != temp.owner:
            for uid, gid in (temp.owner, (-1, temp.owner[1])):  # else at least the group
                try:
                    os.fchown(fd, uid, gid)
                    break
                except OSError:
                    continue
    if hasattr(os, "fchmod"):  # after chown, which clears set-user-ID bits
        with contextlib.suppress(OSError):
            os.fchmod(fd, temp.mode)


@contextlib.contextmanager
def _replacing(target: _Target, verify: Verify | None) -> Iterator[BinaryIO]:
    folder = os.path.dirname(target.where) or "."
    temp = _new_temp(target, folder)
    sink = Sink(lambda b: os.write(temp.fd, b), target.shown, lambda: os.close(temp.fd))
    out = buffered(sink)
    try:
        yield out
    except BaseException:
        sink.abandon(out)
        _remove(temp.path)
        raise
    try:
        out.flush()
        _settle(target.shown, temp.fd, sink.count, verify, folder)
        out.close()
        os.replace(temp.path, target.where)
    except BaseException as exc:
        sink.abandon(out)
        _remove(temp.path)
        if isinstance(exc, OSError) and not isinstance(exc, WriteError):
            raise as_write_error(target.shown, exc) from exc
        raise
    _sync_folder(folder)


def _settle(shown: str, fd: int, expected: int | None, verify: Verify | None, folder: str) -> None:
    """fsync, then check what the disk holds: all the bytes, and whole if ``verify`` says so."""
    os.fsync(fd)
    size = os.fstat(fd).st_size
    if expected is not None and size != expected:
        raise WriteError(shown, f"only {size} of {expected} bytes reached the file", errno.EIO)
    if verify is not None:
        try:
            _check(shown, verify, _read_back(fd, size))
        except WriteError:
            if _is_full(folder):  # a writer that ignored ENOSPC: say what really went wrong
                raise WriteError(shown, os.strerror(errno.ENOSPC), errno.ENOSPC) from None
            raise


def _settle_produced(target: _Target, temp: _Temp, verify: Verify | None) -> None:
    fd = os.open(temp.path, os.O_RDWR | _CLOEXEC)
    try:
        _take_over(fd, temp)  # again: the producer may have made the file anew
        _settle(target.shown, fd, None, verify, os.path.dirname(temp.path) or ".")
    finally:
        os.close(fd)


def _produce_aside(shown: str, produce: Callable[[Path], object]) -> bytes:
    """Runs a path-writing producer for a target that cannot be replaced (a device, stdout)."""
    try:
        fd, path = tempfile.mkstemp(prefix=TEMP_PREFIX)
        os.close(fd)
    except OSError as exc:
        raise as_write_error(shown, exc) from exc
    try:
        produce(Path(path))
        return Path(path).read_bytes()
    except WriteError:
        raise
    except OSError as exc:
        raise as_write_error(shown, exc) from exc
    finally:
        _remove(path)


def _read_back(fd: int, size: int) -> bytes:
    os.lseek(fd, 0, os.SEEK_SET)
    parts: list[bytes] = []
    left = size
    while left > 0:
        part = os.read(fd, min(left, 1 << 20))
        if not part:
            break
        parts.append(part)
        left -= len(part)
    return b"".join(parts)


def _check(shown: str, verify: Verify, data: bytes) -> None:
    try:
        verify(data)
    except ValueError as exc:
        raise WriteError(shown, f"what was written is not whole ({exc})", errno.EIO) from exc


def _is_full(folder: str) -> bool:
    try:
        return os.statvfs(folder).f_bavail == 0
    except (OSError, AttributeError):  # no statvfs on Windows
        return False


def _sync_folder(folder: str) -> None:
    """Makes the rename itself durable; not every system or file system can (best effort)."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | _CLOEXEC)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _remove(path: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)


def _through(target: _Target) -> contextlib.AbstractContextManager[BinaryIO]:
    fd = target.fd if target.kind == "descriptor" else None
    return writing_through(target.shown, where=target.where, fd=fd, existing=target.existing)
