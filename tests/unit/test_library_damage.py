"""Issue 16, point 10: damage inside the library file is found when it is opened (PRAGMA quick_check),
not by a search that fails later; damaged records are listed in one place."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

import viewer.core.library.health as health
from viewer.core.library import LIBRARY_FILE_NAME, CorruptLibraryError, Library
from viewer.core.record import Record


def _library(folder: Path, n: int = 600) -> Path:
    with Library.open(folder) as lib:
        lib.add_records([Record(id=f"ref-{i:04d}", ncj_number="", title=f"Report {i} on courts",
                                abstract="About courts and sentencing. " * 20) for i in range(n)])
    path = folder / LIBRARY_FILE_NAME
    assert not Path(f"{path}-wal").exists()  # closed cleanly
    return path


def _flip_bytes(path: Path, count: int = 200) -> None:
    data = bytearray(path.read_bytes())
    rng = random.Random(16)
    for offset in rng.sample(range(len(data) // 3, len(data)), count):  # past the header and schema
        data[offset] ^= 0xFF
    path.write_bytes(bytes(data))


def test_flipped_bytes_are_found_at_open(tmp_path: Path) -> None:
    path = _library(tmp_path / "lib")
    _flip_bytes(path)
    with pytest.raises(CorruptLibraryError, match="damaged"):
        Library.open(tmp_path / "lib")


def test_a_sound_library_passes_the_check(tmp_path: Path) -> None:
    _library(tmp_path / "lib")
    with Library.open(tmp_path / "lib") as lib:
        assert lib.count() == 601 and lib.damaged() == []


def test_a_large_library_is_checked_only_after_an_unclean_shutdown(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    path = _library(tmp_path / "lib")
    _flip_bytes(path)
    monkeypatch.setattr(health, "QUICK_CHECK_MAX_BYTES", 1024)
    assert not health.quick_check_due(path)  # too large to read at every open (310 ms at 100,000 records)
    Path(f"{path}-wal").write_bytes(b"")  # what a killed copy leaves
    assert health.quick_check_due(path)
    with pytest.raises(CorruptLibraryError, match="damaged"):
        Library.open(tmp_path / "lib")
    assert not health.quick_check_due(tmp_path / "new" / LIBRARY_FILE_NAME)
