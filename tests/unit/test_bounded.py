"""viewer.core.bounded: numbers with a bound, regular files read to a limit, cancellable."""

from __future__ import annotations

import os
import pickle
import socket
import stat
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from viewer.core.bounded import Cancelled, InputError, bounded_int, iter_input_chunks, read_input

# --- bounded_int ----------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "value"), [
    ("42", 42), (" -7\n", -7), ("+5", 5), ("0", 0), ("-0", 0),
    ("000000000000123", 123),  # leading zeros are not digits of the value
    ("999999999", 999_999_999),
])
def test_bounded_int_reads(text: str, value: int) -> None:
    assert bounded_int(text) == value


@pytest.mark.parametrize("text", ["", "  ", "abc", "1_000", "١٢٣", "１２", "1.5", "12a", "--1", "+", "0x10"])
def test_bounded_int_refuses_what_is_not_a_whole_number(text: str) -> None:
    with pytest.raises(ValueError, match="expected a whole number, found"):
        bounded_int(text)


def test_bounded_int_counts_digits() -> None:
    assert bounded_int("1" * 12, max_digits=12) == int("1" * 12)
    with pytest.raises(ValueError, match="too large: 10 digits, at most 9"):
        bounded_int("1234567890")
    with pytest.raises(ValueError, match="too large: 20 digits"):
        bounded_int("99999999999999999999")


@pytest.mark.parametrize("length", [5000, 1_000_000])
def test_bounded_int_huge_is_fast_and_says_why(length: int) -> None:
    started = time.perf_counter()
    with pytest.raises(ValueError) as info:
        bounded_int("9" * length)
    assert time.perf_counter() - started < 0.5  # int() itself would refuse or take quadratic time
    message = str(info.value)
    assert f"{length:,} digits, at most 9" in message
    assert "4300" not in message and "Exceeds" not in message
    assert len(message) < 100 and "\n" not in message


def test_bounded_int_minimum_and_maximum() -> None:
    assert bounded_int("5", minimum=5, maximum=5) == 5
    with pytest.raises(ValueError, match="-1 is too small: the least allowed is 0"):
        bounded_int("-1", minimum=0)
    with pytest.raises(ValueError, match="10000 is too large: the most allowed is 9999"):
        bounded_int("10000", maximum=9999)


# --- read_input -----------------------------------------------------------------------------

def refused_within(seconds: float, call: Callable[[], object]) -> BaseException:
    """Runs ``call`` on a thread; fails (instead of hanging the suite) if it has not raised in time."""
    outcome: list[BaseException | None] = []

    def run() -> None:
        try:
            call()
            outcome.append(None)
        except BaseException as exc:  # noqa: BLE001 - handed back to the test
            outcome.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert outcome, f"still running after {seconds} s"
    assert outcome[0] is not None, "read instead of refused"
    return outcome[0]


def test_read_input_reads_a_file(tmp_path: Path) -> None:
    path = tmp_path / "in.ris"
    path.write_bytes(b"TY  - JOUR\n" * 1000)
    assert read_input(path, limit_bytes=11_000) == b"TY  - JOUR\n" * 1000
    assert read_input(str(path), limit_bytes=11_000, chunk=7) == b"TY  - JOUR\n" * 1000


def test_read_input_limit_exact(tmp_path: Path) -> None:
    path = tmp_path / "in.bib"
    path.write_bytes(b"x" * 100)
    assert read_input(path, limit_bytes=100, chunk=10) == b"x" * 100
    with pytest.raises(InputError) as info:
        read_input(path, limit_bytes=99)
    assert str(info.value) == f"{str(path)!r} is larger than the limit of 99 bytes"


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero")
def test_dev_zero_refused_at_once() -> None:
    error = refused_within(2, lambda: read_input("/dev/zero", limit_bytes=1 << 30))
    assert isinstance(error, InputError)
    assert str(error) == "'/dev/zero' is not a regular file (a character device)"


def test_fifo_without_writer_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    error = refused_within(2, lambda: read_input(fifo, limit_bytes=1000))
    assert str(error) == f"{str(fifo)!r} is not a regular file (a FIFO)"


def test_fifo_swapped_in_after_the_check_does_not_hang(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """stat said "regular file"; by the time of open() it is a FIFO without a writer."""
    regular = tmp_path / "regular"
    regular.write_bytes(b"x")
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    real_stat = os.stat
    monkeypatch.setattr(os, "stat", lambda p, *a, **k: real_stat(regular if str(p) == str(fifo) else p))
    error = refused_within(2, lambda: read_input(fifo, limit_bytes=1000))
    assert str(error) == f"{str(fifo)!r} is not a regular file (a FIFO)"


def test_folder_and_socket_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="is a folder, not a file"):
        read_input(tmp_path, limit_bytes=10)
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(tmp_path / "sock"))
        with pytest.raises(InputError, match=r"is not a regular file \(a socket\)"):
            read_input(tmp_path / "sock", limit_bytes=10)


def test_missing_and_empty_names_one_line(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        read_input(tmp_path / "no\nsuch.ris", limit_bytes=10)
    assert str(info.value) == repr(str(tmp_path / "no\nsuch.ris")) + " cannot be read: No such file or directory"
    with pytest.raises(InputError, match="^no file name given$"):
        read_input("", limit_bytes=10)
    error = InputError("x", "is gone", 2)
    assert str(pickle.loads(pickle.dumps(error))) == str(error) == "'x' is gone"


def test_limit_checked_while_reading_a_file_that_grows(tmp_path: Path) -> None:
    path = tmp_path / "growing.ris"
    path.write_bytes(b"a" * 10)  # stat says 10 bytes: under the limit
    reads = 0

    def grow() -> bool:  # called before each chunk: another process appends meanwhile
        nonlocal reads
        reads += 1
        with path.open("ab") as more:
            more.write(b"b" * 16)
        return False

    with pytest.raises(InputError, match="is larger than the limit of 100 bytes"):
        read_input(path, limit_bytes=100, cancelled=grow, chunk=16)
    assert reads <= 8  # stopped one chunk past the limit, not at the end of the file


@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="Linux /proc")
def test_st_size_zero_is_not_trusted() -> None:
    assert os.stat("/proc/self/status").st_size == 0  # yet it holds a kilobyte or more
    with pytest.raises(InputError, match="larger than the limit of 100 bytes"):
        read_input("/proc/self/status", limit_bytes=100)
    assert b"Name:" in read_input("/proc/self/status", limit_bytes=1 << 20)


def test_cancel_checked_per_chunk(tmp_path: Path) -> None:
    path = tmp_path / "big.bib"
    path.write_bytes(b"z" * 1000)
    asked = 0

    def cancelled() -> bool:
        nonlocal asked
        asked += 1
        return asked == 3

    with pytest.raises(Cancelled, match="was cancelled"):
        read_input(path, limit_bytes=10_000, cancelled=cancelled, chunk=100)
    assert asked == 3


def test_iter_input_chunks_streams_and_refuses_on_the_call(tmp_path: Path) -> None:
    path = tmp_path / "in.json"
    path.write_bytes(bytes(range(256)) * 10)
    chunks = list(iter_input_chunks(path, limit_bytes=2560, chunk=1000))
    assert [len(c) for c in chunks] == [1000, 1000, 560]
    assert b"".join(chunks) == bytes(range(256)) * 10
    with pytest.raises(InputError):  # before any next(): a caller can report before parsing
        iter_input_chunks(tmp_path, limit_bytes=10)


def test_iter_input_chunks_closes_the_file(tmp_path: Path) -> None:
    path = tmp_path / "in.txt"
    path.write_bytes(b"q" * 100)
    before = len(os.listdir("/proc/self/fd")) if os.path.isdir("/proc/self/fd") else None
    chunks = iter_input_chunks(path, limit_bytes=100, chunk=10)
    assert next(chunks) == b"q" * 10
    chunks.close()
    if before is not None:
        assert len(os.listdir("/proc/self/fd")) == before
    assert stat.S_ISREG(os.stat(path).st_mode)
