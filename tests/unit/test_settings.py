"""Settings read defensively: damaged values fall back to defaults with a warning."""

from __future__ import annotations

from viewer.ui import settings as keys
from viewer.ui.settings import Settings


def test_round_trip(settings_file):
    s = Settings(str(settings_file))
    s.set(keys.ZOOM, 150)
    s.set(keys.FIND_CASE_SENSITIVE, True)
    s.set(keys.EXPANDED, ["abstract"])
    s.set(keys.APPEARANCE, "dark")
    assert s.sync() == ""
    again = Settings(str(settings_file))
    assert (again.get(keys.ZOOM), again.get(keys.FIND_CASE_SENSITIVE)) == (150, True)
    assert again.get(keys.EXPANDED) == ["abstract"] and again.get(keys.APPEARANCE) == "dark"
    assert again.warnings == []


def test_damaged_values_fall_back_with_warnings(settings_file):
    settings_file.write_text("[reading]\nzoom_percent=huge\nappearance=purple\n"
                             "[find]\ncase_sensitive=maybe\n")
    s = Settings(str(settings_file))
    assert s.get(keys.ZOOM) == 100
    assert s.get(keys.APPEARANCE) == "system"
    assert s.get(keys.FIND_CASE_SENSITIVE) is False
    assert len(s.warnings) == 3


def test_unset_values_are_defaults_without_warnings(settings_file):
    s = Settings(str(settings_file))
    assert s.get(keys.EXPANDED) is None and s.get(keys.CITATION_STYLE) == "apa"
    assert s.warnings == []


def test_unwritable_settings_say_so(tmp_path):
    blocked = tmp_path / "dir-not-file"
    blocked.mkdir()
    s = Settings(str(blocked))  # a directory where the file should be
    s.set(keys.ZOOM, 120)
    assert "could not be saved" in s.sync()


def test_empty_list_round_trips(settings_file):
    s = Settings(str(settings_file))
    s.set(keys.EXPANDED, [])
    s.sync()
    again = Settings(str(settings_file))
    assert again.get(keys.EXPANDED) == [] and again.warnings == []


def test_a_settings_location_that_cannot_be_written_is_told_at_start(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    s = Settings(str(blocker / "settings.ini"))  # its folder cannot exist
    assert any("cannot be saved" in w for w in s.warnings)
    assert s.get(keys.ZOOM) == 100


def test_a_fifo_or_a_huge_file_is_neither_read_nor_written(tmp_path):
    """Qt reads a settings file whole: a FIFO would hang the start, /dev/zero fill memory."""
    import os

    fifo = tmp_path / "settings.ini"
    os.mkfifo(fifo)
    huge = tmp_path / "huge.ini"
    huge.write_bytes(b"[reading]\nzoom_percent=150\n" + b";" * (5 << 20))
    for path, why in ((huge, "is larger than the limit of 4 MiB"), (fifo, "is not a regular file (a FIFO)")):
        s = Settings(str(path))
        assert s.warnings == [f"The settings file '{path}' {why}: defaults are used, and changes last "
                              f"until the program closes."]
        assert s.get(keys.ZOOM) == 100
        s.set(keys.ZOOM, 120)  # kept for this session
        assert s.get(keys.ZOOM) == 120 and s.sync() == ""
    assert fifo.exists() and huge.stat().st_size > 5 << 20  # untouched


def test_the_default_file_is_where_qt_keeps_it(qapp):
    """The default path is checked before Qt reads it, so it must be Qt's own choice (Qt fixes its
    folder at its first use in a process: the session's private XDG folders, see conftest)."""
    import os

    from PySide6.QtCore import QSettings

    from viewer.ui.settings import _default_path

    names = qapp.organizationName(), qapp.applicationName()
    qapp.setOrganizationName("NCJRS Reference Viewer")  # as main() sets them
    qapp.setApplicationName("ncjrs-viewer")
    try:
        qt = QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, qapp.organizationName(),
                       qapp.applicationName())
        assert _default_path() == qt.fileName()
        assert _default_path().endswith(os.path.join("NCJRS Reference Viewer", "ncjrs-viewer.ini"))
    finally:
        qapp.setOrganizationName(names[0])
        qapp.setApplicationName(names[1])
