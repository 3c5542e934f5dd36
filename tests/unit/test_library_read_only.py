"""A library on a read-only disk is opened for reading: searched and read, never written, and
every write refused in one line (issue 16, point 11)."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from tinydisk import tiny_disk

from viewer.core.library import Library, ReadOnlyLibraryError, library_file, schema
from viewer.core.library import opening
from viewer.core.record import Record
from viewer.core.resources import BUNDLED_RECORD_ID

RECORDS = [Record(id=f"ref-{i}", ncj_number="", title=f"Drug courts report {i}", abstract="About courts.")
           for i in range(3)]


def make_library(folder: Path) -> None:
    with Library.open(folder) as lib:
        lib.add_records(RECORDS)


@contextmanager
def read_only_mount(tmp_path: Path) -> Iterator[Path]:
    """A real read-only mount holding a library (a tmpfs remounted read-only); skipped without root."""
    with tiny_disk(tmp_path / "disk", "4m") as disk:
        make_library(disk / "lib")
        done = subprocess.run(["mount", "-o", "remount,ro", str(disk)], capture_output=True, text=True)
        if done.returncode != 0:
            pytest.skip(f"cannot remount read-only: {done.stderr.strip()}")
        yield disk / "lib"


def test_a_library_on_a_read_only_mount_is_read_and_never_written(tmp_path: Path) -> None:
    with read_only_mount(tmp_path) as folder:
        assert opening.read_only_disk(folder)
        before = sorted(os.listdir(folder))
        with Library.open(folder) as lib:
            assert lib.read_only
            assert lib.count() == 4 and "ref-1" in lib
            assert {h.id for h in lib.search("drug courts", exact=True)} == {"ref-0", "ref-1", "ref-2"}
            assert lib.get("ref-2").title == "Drug courts report 2"
            for write in (lambda: lib.add_records([Record(id="ref-9", ncj_number="", title="New")]),
                          lambda: lib.remove(["ref-1"]), lambda: lib.purge_removed(), lambda: lib.end_session()):
                with pytest.raises(ReadOnlyLibraryError, match=r"^the library is on a read-only disk: .*library"
                                                               r"\.sqlite3: nothing can be added"):
                    write()
        assert sorted(os.listdir(folder)) == before  # no -wal, no -shm


def test_a_missing_library_on_a_read_only_mount_says_so(tmp_path: Path) -> None:
    with read_only_mount(tmp_path) as folder:
        with pytest.raises(ReadOnlyLibraryError, match="no library has been made there yet"):
            Library.open(folder.parent)  # the mount itself: a folder with no library file


@pytest.fixture
def pretend_read_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(opening, "read_only_disk", lambda folder: True)


def test_detection_opens_read_only_and_leaves_the_file_as_it_was(tmp_path: Path, pretend_read_only: None) -> None:
    folder = tmp_path / "lib"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(opening, "read_only_disk", lambda folder: False)
        make_library(folder)
    data = library_file(folder).read_bytes()
    with Library.open(folder) as lib:
        assert lib.read_only and lib.count() == 4 and lib.is_protected(BUNDLED_RECORD_ID)
        with pytest.raises(ReadOnlyLibraryError):
            lib.remove(["ref-0"])
        assert "ref-0" in lib
    assert library_file(folder).read_bytes() == data


def test_an_older_library_on_a_read_only_disk_is_not_upgraded(tmp_path: Path, pretend_read_only: None) -> None:
    folder = tmp_path / "lib"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(opening, "read_only_disk", lambda folder: False)
        with Library.open(folder) as lib:
            lib._conn.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION - 1:d}")
    with pytest.raises(ReadOnlyLibraryError, match="written by an older version .* to upgrade it"):
        Library.open(folder)


def test_a_writable_folder_is_not_read_only(tmp_path: Path) -> None:
    assert not opening.read_only_disk(tmp_path)
    with Library.open(tmp_path / "lib") as lib:
        assert not lib.read_only
