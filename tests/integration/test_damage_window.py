"""Issue 16, point 10, in the window: a library whose file is damaged is found so at start (set
aside untouched, and said); damaged records are said in the status bar and listed by
Record ▸ Damaged Records."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from viewer.cli import main
from viewer.core.library import LIBRARY_FILE_NAME, Library
from viewer.core.record import Record


def _add(folder: Path, n: int) -> Path:
    with Library.open(folder) as lib:
        lib.add_records([Record(id=f"ref-{i:04d}", ncj_number="", title=f"Report {i} on courts",
                                abstract="About courts and sentencing. " * 20) for i in range(n)])
    return folder / LIBRARY_FILE_NAME


def test_a_library_with_damaged_pages_is_found_at_start(monkeypatch, start_until_shown, tmp_path):
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: shown.append(text))
    monkeypatch.setattr("viewer.ui.plain.warn", lambda parent, title, text: shown.append(text))  # start-up problems, shown plain
    db = _add(tmp_path / "library", 600)
    conn = sqlite3.connect(db)
    (root,), (page_size,) = (conn.execute("SELECT rootpage FROM sqlite_schema WHERE name = 'records'").fetchone(),
                             conn.execute("PRAGMA page_size").fetchone())
    conn.close()
    data = bytearray(db.read_bytes())
    start = (root - 1) * page_size  # the records' pages (the file's middle may be an empty page: records are compressed)
    for offset in range(start, start + 200):
        data[offset] ^= 0xFF
    db.write_bytes(bytes(data))
    assert main(["--library", str(tmp_path / "library"), "--settings", str(tmp_path / "s.ini")]) == 0
    assert len(shown) == 1 and "damaged" in shown[0] and "kept, untouched" in shown[0]
    kept = list((tmp_path / "library").glob("library-*.sqlite3"))
    assert len(kept) == 1 and kept[0].read_bytes() == bytes(data)


@pytest.fixture
def damaged_library(tmp_path):
    db = _add(tmp_path / "library", 3)
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE records SET json = substr(json, 1, 30) || char(1) || substr(json, 32) "
                     "WHERE id = 'ref-0001'")
    conn.close()
    lib = Library.open(tmp_path / "library")
    yield lib
    lib.close()


def test_damaged_records_are_said_and_listed(make_window, damaged_library, qtbot):
    window = make_window(library=damaged_library)
    qtbot.waitUntil(lambda: "damaged" in window.statusBar().currentMessage())
    assert window.statusBar().currentMessage().startswith("1 record(s) are damaged")
    record_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Record")
    assert window.menu_actions.damaged_records in record_menu.actions()
    window.menu_actions.damaged_records.trigger()
    box = window.findChild(QMessageBox, "damaged_records")
    assert box is not None and box.isVisible() and box.textFormat() == Qt.TextFormat.PlainText
    assert "1 record(s) cannot be read" in box.text() and "ref-0001  Report 1 on courts" in box.text().splitlines()
    box.button(QMessageBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: not box.isVisible())


def test_no_damage_says_nothing_at_start_and_so_in_the_list(make_window, tmp_path, qtbot):
    _add(tmp_path / "library", 3)
    with Library.open(tmp_path / "library") as lib:
        window = make_window(library=lib)
        QApplication.processEvents()
        assert "damaged" not in window.statusBar().currentMessage()
        window.menu_actions.damaged_records.trigger()
        box = window.findChild(QMessageBox, "damaged_records")
        assert box.text() == "No record in your library is damaged."
        box.close()
