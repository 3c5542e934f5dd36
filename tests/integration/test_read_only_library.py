"""A library on a read-only disk on the command line and in the window: read, searched and cited;
import, attach, detach and remove refused in one line, the window saying "read-only"."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from viewer.cli import main
from viewer.core.library import Library
from viewer.core.library import opening
from viewer.core.record import Record

DATA = Path(__file__).resolve().parents[1] / "data"

pytestmark = pytest.mark.usefixtures("qapp")
REFUSED = "ncjrs-viewer: error: the library is on a read-only disk: "


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def make_library(folder: Path) -> None:
    with Library.open(folder) as lib:
        lib.add_records([Record(id="ref-a", ncj_number="", title="Drug courts in practice", abstract="Courts.")])


@pytest.fixture
def read_only(tmp_path, monkeypatch):
    folder = tmp_path / "lib"
    make_library(folder)
    monkeypatch.setattr(opening, "read_only_disk", lambda _folder: True)
    return str(folder)


def test_the_commands_that_read_work_and_those_that_write_say_why(capsys, read_only, tmp_path):
    assert run(capsys, "search", "drug", "--library", read_only)[:2] == (0, "ref-a\tDrug courts in practice\n")
    code, out, _ = run(capsys, "show", "abstract", "--record", "ref-a", "--library", read_only)
    assert code == 0 and "Courts." in out
    code, out, _ = run(capsys, "cite", "--record", "ref-a", "--library", read_only)
    assert code == 0 and "Drug courts in practice" in out
    pdf = tmp_path / "r.pdf"
    pdf.write_bytes(b"%PDF-1.4\n")
    for argv in (["import", str(DATA / "sample.bib")], ["attach", "--record", "ref-a", str(pdf)],
                 ["detach", "--record", "ref-a"]):
        code, out, err = run(capsys, *argv, "--library", read_only)
        assert (code, out) == (1, "") and err.startswith(REFUSED) and err.count("\n") == 1, argv


def test_a_real_read_only_mount_on_the_command_line(capsys, tmp_path):
    from tests.unit.tinydisk import tiny_disk
    with tiny_disk(tmp_path / "disk", "4m") as disk:
        make_library(disk / "lib")
        if subprocess.run(["mount", "-o", "remount,ro", str(disk)], capture_output=True).returncode != 0:
            pytest.skip("cannot remount read-only")
        library = str(disk / "lib")
        assert run(capsys, "search", "courts", "--library", library)[:2] == (0, "ref-a\tDrug courts in practice\n")
        code, out, err = run(capsys, "import", str(DATA / "sample.ris"), "--library", library)
        assert (code, out) == (1, "") and err.startswith(REFUSED) and err.count("\n") == 1


def test_the_window_says_read_only_and_holds_the_writing_actions(make_window, read_only, monkeypatch, tmp_path):
    from PySide6.QtWidgets import QLabel

    import pdfmaker

    from viewer.ui import import_flow
    warned = []
    monkeypatch.setattr(import_flow.QMessageBox, "warning", lambda *args: warned.append(args[2]))
    with Library.open(read_only) as lib:
        window = make_window(library=lib)
        label = window.statusBar().findChild(QLabel, "read_only")
        assert label is not None and label.isVisible() and "Read-only" in label.text()
        window.library_panel.select_record("ref-a")
        window.update_actions()
        a = window.menu_actions
        for action in (a.import_files, a.import_clipboard, a.paste_records, a.open, a.remove, a.attach_report,
                       a.detach_report):
            assert not action.isEnabled() and "read-only disk" in action.toolTip(), action.text()
        assert a.copy_citation.isEnabled() and a.search_library.isEnabled()
        assert not window.library_control.imports.start([str(DATA / "sample.ris")])  # a drop
        assert warned and "read-only disk" in warned[0]
        pdf = tmp_path / "report.pdf"
        pdf.write_bytes(pdfmaker.build(*pdfmaker.report(2)))
        assert not window.reports.attach(str(pdf))  # a PDF dropped on the window
        assert warned[-1] == "The report was not attached: the library is on a read-only disk."
        assert "ref-a" in lib
