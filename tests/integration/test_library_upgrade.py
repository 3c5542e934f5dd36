"""A large library's one-time upgrade to a new format is announced, not a silent wait: on the
command line in one line on stderr, in the window by a small window shown before the wait."""

from __future__ import annotations

import pytest

from tests.unit.test_library_storage import make_v4_library
from viewer.cli import main
from viewer.core.library import Library, library_file, schema


@pytest.fixture
def old_library(tmp_path, monkeypatch):
    monkeypatch.setattr(schema, "UPGRADE_NOTICE_BYTES", 0)  # the fixture is small; the rule is the same
    folder = tmp_path / "library"
    make_v4_library(folder)
    return folder


def test_upgrade_due_reads_the_header_only(old_library, tmp_path):
    path = library_file(old_library)
    assert schema.upgrade_due(path) == path.stat().st_size
    with Library.open(old_library):
        pass
    assert schema.upgrade_due(path) == 0  # upgraded: nothing due
    (tmp_path / "other").write_bytes(b"not a library" * 100)
    assert schema.upgrade_due(tmp_path / "other") == 0 and schema.upgrade_due(tmp_path / "missing") == 0


def test_the_command_line_says_so_once(old_library, capsys):
    assert main(["search", "--library", str(old_library), "--limit", "0", "zzzz"]) == 0
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Upgrading the library" in err and "once" in err
    assert main(["search", "--library", str(old_library), "--limit", "0", "zzzz"]) == 0
    assert capsys.readouterr().err == ""


def test_the_window_shows_why_it_waits(old_library, start_until_shown, monkeypatch, tmp_path):
    from PySide6.QtWidgets import QLabel

    shown = []
    real_show = QLabel.show
    monkeypatch.setattr(QLabel, "show", lambda self: shown.append((self.objectName(), self.text())) or real_show(self))
    assert main(["--library", str(old_library), "--settings", str(tmp_path / "s.ini")]) == 0
    notices = [text for name, text in shown if name == "upgradeNotice"]
    assert len(notices) == 1 and "Upgrading the library" in notices[0]
