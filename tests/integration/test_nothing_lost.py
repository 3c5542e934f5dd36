"""Nothing is lost: imports killed at every batch, damaged or newer libraries at start-up,
locations that cannot be written, and unexpected errors."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from viewer.cli import main
from viewer.core.importers import import_file
from viewer.core.library import Library, library_file
from viewer.core.library.adding import BATCH

ROOT = Path(__file__).resolve().parents[2]
FILES, PER_FILE = 3, BATCH + BATCH // 2  # two batches a file: a kill in the middle of each and at its end
BATCHES_PER_FILE = -(-PER_FILE // BATCH)


@pytest.fixture(scope="module")
def import_files(tmp_path_factory) -> list[Path]:
    folder = tmp_path_factory.mktemp("kill-input")
    paths = []
    for n in range(FILES):
        path = folder / f"part{n}.json"
        subprocess.run([sys.executable, str(ROOT / "scripts/gen_records.py"), str(PER_FILE), "-o", str(path),
                        "--seed", str(100 + n)], check=True, capture_output=True)
        paths.append(path)
    return paths


def test_sigkill_during_import_never_half_writes(import_files, tmp_path):
    """One transaction per file: a kill at any batch, inside a file's transaction, leaves exactly
    the files before it, and a library that opens."""
    # What the library holds after 0, 1, 2 ... whole files (files may share records: duplicates).
    whole = [1]
    with Library.open(tmp_path / "reference") as reference:
        for path in import_files:
            import_file(reference, path)
            whole.append(reference.count())
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    for batch in range(1, FILES * BATCHES_PER_FILE + 1):
        folder = tmp_path / f"lib{batch}"
        done = subprocess.run([sys.executable, str(ROOT / "tests/scripts/import_killed.py"), str(batch),
                               *map(str, import_files), "--library", str(folder)], env=env,
                              capture_output=True, text=True)
        assert done.returncode == -signal.SIGKILL, f"batch {batch} was never reached: {done.stderr[-500:]}"
        files_done = (batch - 1) // BATCHES_PER_FILE
        with Library.open(folder) as library:
            assert library.count() == whole[files_done], f"killed at batch {batch}"
            assert library.check() == []
            for record_id, _ in library.page(0, 50):
                library.get(record_id)


@pytest.fixture
def gui(monkeypatch, start_until_shown, tmp_path):
    """Runs the real start-up (main()) until the first paint; collects the warnings it shows."""
    from PySide6.QtWidgets import QMessageBox
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: shown.append(text))
    monkeypatch.setattr("viewer.ui.plain.warn", lambda parent, title, text: shown.append(text))  # start-up problems, shown plain

    def run(*argv: str) -> list[str]:
        assert main([*argv, "--settings", str(tmp_path / "s.ini")]) == 0
        return shown

    return run


@pytest.mark.parametrize("damage", ["garbage", "newer"])
def test_damaged_or_newer_library_is_kept_aside_untouched(gui, tmp_path, damage):
    folder = tmp_path / "library"
    with Library.open(folder):
        pass
    db = library_file(folder)
    if damage == "garbage":
        db.write_bytes(b"SQLite format 3\x00" + os.urandom(4000))
    else:
        import sqlite3
        with sqlite3.connect(db) as conn:
            conn.execute("PRAGMA user_version = 999")
    before = db.read_bytes()
    shown = gui("--library", str(folder))
    assert len(shown) == 1 and "kept, untouched" in shown[0] and "A new library was started" in shown[0]
    kept = [p for p in folder.glob("library-*.sqlite3")]  # set aside under a timestamped name
    assert len(kept) == 1 and kept[0].read_bytes() == before
    with Library.open(folder) as library:  # a fresh library with the bundled record
        assert library.count() == 1


def test_unusable_library_folder_still_opens_with_the_bundled_record(gui, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    shown = gui("--library", str(blocker / "library"))
    assert len(shown) == 1 and "cannot be used" in shown[0] and "imports are not saved" in shown[0]


def test_unexpected_error_shows_a_copyable_report_and_keeps_running(qapp, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from viewer.ui.crash_report import report_unexpected
    boxes = []
    monkeypatch.setattr(QMessageBox, "exec", lambda self: boxes.append(self) or 0)
    try:
        raise ZeroDivisionError("boom")
    except ZeroDivisionError:
        report_unexpected(*sys.exc_info())
    (box,) = boxes
    assert "still running" in box.text() and "ZeroDivisionError: boom" in box.informativeText()
    assert "Traceback" in box.detailedText()  # the report to copy, behind "Show Details"
