"""viewer.core.atomic: whole or nothing, one line when nothing; devices written through."""

from __future__ import annotations

import errno
import os
import pickle
import socket
import stat
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from tinydisk import tiny_disk

from viewer.core.atomic import TEMP_PREFIX, WriteError, atomic_writer, write_atomic, write_via_temp

OLD = b"the old contents\n" * 100
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def leftovers(folder: Path) -> list[str]:
    return sorted(name for name in os.listdir(folder) if name.startswith(TEMP_PREFIX))


def one_line(exc: BaseException) -> str:
    text = str(exc)
    assert "\n" not in text and "\r" not in text, text
    return text


@contextmanager
def umask(value: int) -> Iterator[None]:
    old = os.umask(value)
    try:
        yield
    finally:
        os.umask(old)


@pytest.fixture
def old_file(tmp_path: Path) -> Path:
    path = tmp_path / "out.txt"
    path.write_bytes(OLD)
    return path


def disk_full_after(monkeypatch: pytest.MonkeyPatch, room: int) -> None:
    """os.write accepts ``room`` bytes in all (short writes at the edge), then ENOSPC."""
    real_write = os.write
    left = [room]

    def write(fd: int, data: bytes) -> int:
        if fd <= 2:
            return real_write(fd, data)
        if left[0] <= 0:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        sent = real_write(fd, bytes(memoryview(data)[:left[0]]))
        left[0] -= sent
        return sent

    monkeypatch.setattr(os, "write", write)


def test_modules_use_the_standard_library_only() -> None:
    """No Qt (the restructure's core never imports PySide6) and nothing else outside the stdlib."""
    root = str(Path(__file__).resolve().parents[2])
    code = (
        f"import sys; sys.path.insert(0, {root!r})\n"
        "import viewer.core.atomic, viewer.core.bounded, viewer.core.pdfcheck\n"
        "outside = {m.split('.')[0] for m in sys.modules} - set(sys.stdlib_module_names)\n"
        "print(sorted(outside - {'viewer', '__main__'}))\n"
    )
    # -S: no site-packages, so importing anything outside the stdlib fails outright
    found = subprocess.run([sys.executable, "-I", "-S", "-c", code], capture_output=True, text=True, check=True)
    assert found.stdout.strip() == "[]"


# --- regular files ----------------------------------------------------------------------------

def test_new_file_written_whole(tmp_path: Path) -> None:
    write_atomic(tmp_path / "a.txt", "héllo\r\n")
    write_atomic(str(tmp_path / "b.bin"), b"\x00\xff")
    assert (tmp_path / "a.txt").read_bytes() == "héllo\r\n".encode()
    assert (tmp_path / "b.bin").read_bytes() == b"\x00\xff"
    assert leftovers(tmp_path) == []


def test_existing_file_replaced(old_file: Path) -> None:
    write_atomic(old_file, b"new")
    assert old_file.read_bytes() == b"new"
    assert leftovers(old_file.parent) == []


def test_temporary_file_is_short_and_beside_the_target(old_file: Path) -> None:
    with atomic_writer(old_file) as out:
        out.write(b"streamed")
        names = leftovers(old_file.parent)
        assert len(names) == 1 and len(names[0]) == len(TEMP_PREFIX) + 6
        assert old_file.read_bytes() == OLD  # nothing replaced before the block ends
    assert old_file.read_bytes() == b"streamed"
    assert leftovers(old_file.parent) == []


def test_254_byte_name(tmp_path: Path) -> None:
    name = "n" * 250 + ".pdf"
    assert len(name.encode()) == 254
    write_atomic(tmp_path / name, b"x")
    write_atomic(tmp_path / name, b"y")  # replacing too
    assert (tmp_path / name).read_bytes() == b"y"
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("room", [0, 5, 70_000])
def test_disk_full_leaves_old_file_and_no_temporary(old_file: Path, monkeypatch: pytest.MonkeyPatch,
                                                    room: int) -> None:
    disk_full_after(monkeypatch, room)
    with pytest.raises(WriteError) as info:
        write_atomic(old_file, b"n" * 100_000)
    monkeypatch.undo()
    assert one_line(info.value) == f"cannot write {str(old_file)!r}: No space left on device"
    assert info.value.errno == errno.ENOSPC
    assert old_file.read_bytes() == OLD
    assert leftovers(old_file.parent) == []


def test_disk_full_while_streaming(old_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    disk_full_after(monkeypatch, 50_000)
    with pytest.raises(WriteError, match="No space left on device"):
        with atomic_writer(old_file) as out:
            for _ in range(100):
                out.write(b"s" * 1000)
    monkeypatch.undo()
    assert old_file.read_bytes() == OLD
    assert leftovers(old_file.parent) == []


@pytest.mark.parametrize("step", ["fsync", "replace"])
def test_failure_after_writing_leaves_old_file(old_file: Path, monkeypatch: pytest.MonkeyPatch,
                                               step: str) -> None:
    def fail(*args: object) -> None:
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    monkeypatch.setattr(os, step, fail)
    with pytest.raises(WriteError) as info:
        write_atomic(old_file, b"new")
    monkeypatch.undo()
    assert one_line(info.value).endswith(": Input/output error")
    assert old_file.read_bytes() == OLD
    assert leftovers(old_file.parent) == []


def test_failed_check_leaves_old_file(old_file: Path) -> None:
    seen: list[bytes] = []

    def verify(data: bytes) -> None:
        seen.append(data)
        raise ValueError("no %%EOF\nat the end")

    with pytest.raises(WriteError) as info:
        write_atomic(old_file, b"new", verify=verify)
    assert seen == [b"new"]  # what the file holds, read back
    assert "not whole (no %%EOF at the end)" in one_line(info.value)
    assert old_file.read_bytes() == OLD
    assert leftovers(old_file.parent) == []


def test_error_of_the_block_propagates_unchanged(old_file: Path) -> None:
    with pytest.raises(KeyError):
        with atomic_writer(old_file) as out:
            out.write(b"half")
            raise KeyError("caller's own")
    assert old_file.read_bytes() == OLD
    assert leftovers(old_file.parent) == []


def test_short_file_on_disk_is_caught(old_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file system that says it took the bytes but holds fewer (fstat after fsync tells)."""
    real_fstat = os.fstat

    def fstat(fd: int) -> os.stat_result:
        st = real_fstat(fd)
        if st.st_size == 3:
            return os.stat_result((st.st_mode, 0, 0, 1, 0, 0, 2) + tuple(st)[7:])
        return st

    monkeypatch.setattr(os, "fstat", fstat)
    with pytest.raises(WriteError, match="only 2 of 3 bytes"):
        write_atomic(old_file, b"new")
    monkeypatch.undo()
    assert old_file.read_bytes() == OLD


# --- what is kept ---------------------------------------------------------------------------

def test_mode_of_existing_file_kept(old_file: Path) -> None:
    os.chmod(old_file, 0o640)
    with umask(0o077):
        write_atomic(old_file, b"new")
    assert stat.S_IMODE(os.stat(old_file).st_mode) == 0o640


@pytest.mark.parametrize("mask", [0o022, 0o027, 0o002])
def test_new_file_follows_umask(tmp_path: Path, mask: int) -> None:
    with umask(mask):
        write_atomic(tmp_path / "a", b"x")
        write_via_temp(tmp_path / "b", lambda p: p.write_bytes(b"x"))
    for name in "ab":
        assert stat.S_IMODE(os.stat(tmp_path / name).st_mode) == 0o666 & ~mask


@pytest.mark.skipif(not IS_ROOT, reason="only root can give a file to someone else")
def test_owner_and_group_kept_as_root(old_file: Path) -> None:
    os.chown(old_file, 4321, 5432)
    os.chmod(old_file, 0o604)
    write_atomic(old_file, b"new")
    st = os.stat(old_file)
    assert (st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)) == (4321, 5432, 0o604)


@pytest.mark.skipif(IS_ROOT, reason="root may write a read-only file")
def test_read_only_file_not_replaced(old_file: Path) -> None:
    os.chmod(old_file, 0o444)
    with pytest.raises(WriteError, match="Permission denied"):
        write_atomic(old_file, b"new")
    assert old_file.read_bytes() == OLD


def test_symlink_followed(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "links").mkdir()
    target = tmp_path / "real" / "out.txt"
    target.write_bytes(OLD)
    os.chmod(target, 0o600)
    link = tmp_path / "links" / "out.txt"
    link.symlink_to(Path("..") / "real" / "out.txt")
    with atomic_writer(link) as out:
        out.write(b"new")
        assert len(leftovers(tmp_path / "real")) == 1  # beside the target, not the link
        assert leftovers(tmp_path / "links") == []
    assert link.is_symlink() and os.readlink(link) == str(Path("..") / "real" / "out.txt")
    assert target.read_bytes() == b"new"
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600


def test_dangling_symlink_creates_its_target(tmp_path: Path) -> None:
    link = tmp_path / "link"
    link.symlink_to(tmp_path / "later.txt")
    write_atomic(link, b"x")
    assert link.is_symlink() and (tmp_path / "later.txt").read_bytes() == b"x"


# --- refused ------------------------------------------------------------------------------

def test_empty_path() -> None:
    with pytest.raises(WriteError) as info:
        write_atomic("", b"x")
    assert one_line(info.value) == "cannot write: no file name given"


def test_directory_refused(tmp_path: Path) -> None:
    with pytest.raises(WriteError) as info:
        write_atomic(tmp_path, b"x")
    assert one_line(info.value) == f"cannot write {str(tmp_path)!r}: Is a directory"
    assert tmp_path.is_dir()


def test_symlink_loop_one_line(tmp_path: Path) -> None:
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    with pytest.raises(WriteError, match="Too many levels of symbolic links"):
        write_atomic(tmp_path / "a", b"x")


def test_newline_and_escape_in_path_stay_on_one_line(tmp_path: Path) -> None:
    path = tmp_path / "no such\nfolder\x1b[31m" / "out.pdf"
    with pytest.raises(WriteError) as info:
        write_atomic(path, b"x")
    text = one_line(info.value)
    assert "no such\\nfolder\\x1b[31m" in text and "\x1b" not in text
    assert text.endswith(": No such file or directory")


def test_write_error_is_an_oserror_that_pickles() -> None:
    error = WriteError("a\nb", "No space left on device", errno.ENOSPC)
    again = pickle.loads(pickle.dumps(error))
    assert isinstance(again, OSError) and again.errno == errno.ENOSPC
    assert str(again) == str(error) == "cannot write 'a\\nb': No space left on device"


# --- written through ------------------------------------------------------------------------

@pytest.fixture
def device(tmp_path: Path) -> Callable[[str], str]:
    """/dev/null or /dev/full to write to. As root, a node of the same device in tmp_path:
    root may replace files in /dev, and a regression must not turn /dev/null into a file."""

    def get(name: str) -> str:
        real = f"/dev/{name}"
        if not os.path.exists(real):
            pytest.skip(f"no {real}")
        if not IS_ROOT:
            return real
        private = tmp_path / name
        os.mknod(private, 0o666 | stat.S_IFCHR, os.stat(real).st_rdev)
        return str(private)

    return get


def test_dev_null_written_through(device: Callable[[str], str]) -> None:
    null = device("null")
    write_atomic(null, b"x" * 100_000)
    with atomic_writer(null, verify=lambda data: None) as out:
        out.write(b"y")
    assert stat.S_ISCHR(os.stat(null).st_mode)
    assert leftovers(Path(null).parent) == []


def test_dev_full_one_line_error(device: Callable[[str], str]) -> None:
    full = device("full")
    with pytest.raises(WriteError) as info:
        write_atomic(full, b"x")
    assert one_line(info.value) == f"cannot write {full!r}: No space left on device"
    assert info.value.errno == errno.ENOSPC
    assert stat.S_ISCHR(os.stat(full).st_mode)


def test_fifo_written_through(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    payload = os.urandom(300_000)  # more than a pipe holds: the reader must be there
    write_atomic(fifo, payload)
    reader.join(10)
    assert received == [payload]
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert leftovers(tmp_path) == []


def test_socket_written_through(tmp_path: Path) -> None:
    path = tmp_path / "sock"
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(path))
    server.listen(1)
    received: list[bytes] = []

    def serve() -> None:
        connection, _ = server.accept()
        with connection:
            received.append(b"".join(iter(lambda: connection.recv(65536), b"")))

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    write_atomic(path, b"through a socket")
    thread.join(10)
    server.close()
    assert received == [b"through a socket"]
    assert stat.S_ISSOCK(os.stat(path).st_mode)


def test_dash_writes_to_stdout_after_what_was_printed(capfd: pytest.CaptureFixture[str]) -> None:
    print("printed first")
    write_atomic("-", "then the file\n")
    with atomic_writer("-") as out:
        out.write(b"and streamed\n")
    assert capfd.readouterr().out == "printed first\nthen the file\nand streamed\n"


@pytest.mark.skipif(not os.path.exists("/proc/self/fd"), reason="Linux /proc")
@pytest.mark.parametrize("name", ["/dev/stdout", "/dev/fd/1", "/proc/self/fd/1", "link"])
def test_dev_stdout_written_through_descriptor(capfd: pytest.CaptureFixture[str], tmp_path: Path,
                                               name: str) -> None:
    if name == "link":
        name = str(tmp_path / "link")
        os.symlink("/dev/stdout", name)
    write_atomic(name, b"to fd 1\n")
    assert capfd.readouterr().out == "to fd 1\n"
    assert os.path.islink("/dev/stdout")


def test_write_via_temp_produces_then_replaces(old_file: Path) -> None:
    seen: list[Path] = []

    def produce(path: Path) -> None:
        seen.append(path)
        assert path.parent == old_file.parent and path.name.startswith(TEMP_PREFIX)
        path.unlink()  # a producer that makes the file anew (as some writers do) ...
        path.write_bytes(b"produced")
        os.chmod(path, 0o600)

    os.chmod(old_file, 0o644)
    write_via_temp(old_file, produce, verify=lambda data: None)
    assert old_file.read_bytes() == b"produced"
    assert stat.S_IMODE(os.stat(old_file).st_mode) == 0o644  # ... still gets the target's mode
    assert leftovers(old_file.parent) == []


def test_write_via_temp_failing_producer(old_file: Path) -> None:
    def produce(path: Path) -> None:
        path.write_bytes(b"half")
        raise RuntimeError("renderer crashed")

    with pytest.raises(RuntimeError, match="renderer crashed"):
        write_via_temp(old_file, produce)
    assert old_file.read_bytes() == OLD
    assert leftovers(old_file.parent) == []


def test_write_via_temp_check_failure(old_file: Path) -> None:
    def verify(data: bytes) -> None:
        if not data.endswith(b"%%EOF"):
            raise ValueError("cut short")

    with pytest.raises(WriteError, match=r"not whole \(cut short\)"):
        write_via_temp(old_file, lambda p: p.write_bytes(b"%PDF-1.4 ..."), verify=verify)
    assert old_file.read_bytes() == OLD
    assert leftovers(old_file.parent) == []


def test_write_via_temp_through_stdout_and_devices(capfd: pytest.CaptureFixture[str]) -> None:
    write_via_temp("-", lambda p: p.write_bytes(b"checked\n"), verify=lambda d: None)
    write_via_temp("/dev/null", lambda p: p.write_bytes(b"x"))
    assert capfd.readouterr().out == "checked\n"
    with pytest.raises(WriteError, match="not whole"):
        write_via_temp("-", lambda p: p.write_bytes(b"bad"), verify=lambda d: int("x"))  # ValueError
    assert capfd.readouterr().out == ""  # nothing left before the check passed


# --- a real full disk -----------------------------------------------------------------------

@pytest.fixture
def disk(tmp_path: Path) -> Iterator[Path]:
    with tiny_disk(tmp_path / "disk", "64k") as folder:
        yield folder


def test_real_full_disk(disk: Path) -> None:
    old = disk / "out.txt"
    old.write_bytes(OLD * 5)
    for attempt in range(2):  # the second finds the space the first gave back
        with pytest.raises(WriteError) as info:
            if attempt == 0:
                write_atomic(old, os.urandom(200_000))
            else:
                with atomic_writer(old) as out:
                    for _ in range(200):
                        out.write(os.urandom(1000))
        assert info.value.errno == errno.ENOSPC
        assert one_line(info.value) == f"cannot write {str(old)!r}: No space left on device"
        assert old.read_bytes() == OLD * 5
        assert os.listdir(disk) == ["out.txt"]
    write_atomic(old, b"fits")
    assert old.read_bytes() == b"fits"


def test_real_full_disk_with_a_producer_that_ignores_it(disk: Path) -> None:
    """Like QPdfWriter: swallows ENOSPC. The check sees a short file; the message says why."""
    old = disk / "out.pdf"
    old.write_bytes(OLD)
    wanted = 200_000

    def produce(path: Path) -> None:
        try:
            path.write_bytes(b"p" * wanted)
        except OSError:
            pass

    def verify(data: bytes) -> None:
        if len(data) != wanted:
            raise ValueError(f"{len(data)} bytes")

    with pytest.raises(WriteError) as info:
        write_via_temp(old, produce, verify=verify)
    assert one_line(info.value) == f"cannot write {str(old)!r}: No space left on device"
    assert old.read_bytes() == OLD
    assert os.listdir(disk) == ["out.pdf"]
