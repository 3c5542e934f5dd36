"""The command-line contract: output on stdout, exit codes, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from viewer.citeproc import citation
from viewer.cli import main
from viewer.core.resources import bundled_record, resource_path


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_sections_lists_ids_and_indented_headings(capsys):
    code, out, _ = run(capsys, "sections")
    lines = out.splitlines()
    assert code == 0
    assert lines[0] == "details\tRecord details"
    assert "cooperation-national\t    Interagency cooperation at the national level" in lines
    assert len(lines) == len(bundled_record().section_ids())


def test_show_prints_heading_and_text(capsys):
    code, out, _ = run(capsys, "show", "child-protocols")
    assert code == 0
    assert out.startswith("Child victim protocols in destination countries\n")
    assert "The focus is on child victim protocols in destination countries" in out


def test_show_details_has_the_fields(capsys):
    _, out, _ = run(capsys, "show", "details")
    assert "NCJ Number:" in out and "203234" in out and "Author" not in out


def test_cite_prints_the_citation(capsys):
    code, out, _ = run(capsys, "cite")
    assert code == 0
    assert out.strip() == citation.render(bundled_record(), citation.DEFAULT_STYLE).text.strip()
    _, html, _ = run(capsys, "cite", "--format", "html", "--in-text")
    assert html.strip() == citation.render(bundled_record(), citation.DEFAULT_STYLE, in_text=True).html.strip()


@pytest.mark.parametrize("argv, needle", [
    (["show", "nope"], "unknown section 'nope' (choose from details, annotation"),
    (["--section", "nope"], "unknown section 'nope'"),
    (["cite", "--style", "nope"], "unknown citation style 'nope'"),
    (["cite", "--format", "pdf"], "invalid choice: 'pdf'"),
    (["--bogus"], "unrecognized arguments: --bogus"),
    (["frobnicate"], "invalid choice: 'frobnicate'"),
])
def test_bad_invocations_exit_2_with_one_line(capsys, argv, needle):
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and needle in err and "Traceback" not in err


def test_broken_record_file_is_one_line_exit_1(capsys, tmp_path):
    bad = tmp_path / "r.json"
    bad.write_text("{")
    code, _, err = run(capsys, "sections", "--file", str(bad))
    assert code == 1 and err.count("\n") == 1 and str(bad) in err and "not valid JSON" in err


def test_another_record_file(capsys, tmp_path):
    data = json.loads(resource_path("records", "ncj-203234.json").read_text())
    data.update(id="x", ncj_number="1", title="Another Title", outline=[])
    path = tmp_path / "x.json"
    path.write_text(json.dumps(data))
    _, out, _ = run(capsys, "show", "details", "--file", str(path))
    assert "Another Title" in out


def test_console_script_version_and_help():
    exe = [sys.executable, "-m", "viewer"]
    version = subprocess.run([*exe, "--version"], capture_output=True, text=True, check=True)
    assert version.stdout.startswith("ncjrs-viewer ")
    help_text = subprocess.run([*exe, "--help"], capture_output=True, text=True, check=True).stdout
    for word in ("sections", "show", "cite", "--section"):
        assert word in help_text


def test_window_reports_a_broken_record_file_and_keeps_the_bundled_record(start_until_shown, monkeypatch, tmp_path):
    from PySide6.QtWidgets import QMessageBox

    from viewer.ui import main_window
    shown, windows = [], []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: shown.append(text))
    monkeypatch.setattr("viewer.ui.plain.warn", lambda parent, title, text: shown.append(text))  # start-up problems, shown plain
    monkeypatch.setattr(main_window.MainWindow, "show",
                        lambda self: windows.append(self) or main_window.QMainWindow.show(self))
    bad = tmp_path / "broken.json"
    bad.write_text('{"schema": "ncjrs-viewer.record", "schema_version": 1}')
    code = main(["--file", str(bad), "--settings", str(tmp_path / "s.ini")])
    assert code == 0
    assert len(shown) == 1 and str(bad) in shown[0] and "missing field 'id'" in shown[0]
    assert windows[0].record.ncj_number == "203234"


def test_pdf_needs_no_display(tmp_path):
    import os
    out = tmp_path / "annotation.pdf"
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    done = subprocess.run([sys.executable, "-m", "viewer", "pdf", "-o", str(out), "--section", "annotation"],
                          env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert out.read_bytes().startswith(b"%PDF-")
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert "In response to requests from the United Nations" in " ".join(text.split())


def test_pdf_unknown_section_exits_2(capsys, tmp_path):
    code, _, err = run(capsys, "pdf", "-o", str(tmp_path / "x.pdf"), "--section", "nope")
    assert code == 2 and "unknown section 'nope'" in err and not (tmp_path / "x.pdf").exists()


def test_styles_lists_ids_and_names(capsys):
    code, out, _ = run(capsys, "styles")
    assert code == 0
    assert [line.split("\t")[0] for line in out.splitlines()] == citation.style_ids()
    assert "apa\tAPA 7th edition" in out.splitlines()


@pytest.mark.parametrize("fmt, needle", [("ris", "TY  - RPRT"), ("bibtex", "@techreport{"),
                                         ("csl-json", '"type": "report"')])
def test_export_to_stdout_and_file(capsys, tmp_path, fmt, needle):
    from viewer.core import exports
    code, out, _ = run(capsys, "export", "--format", fmt)
    assert code == 0 and needle in out
    assert out.rstrip("\n") == exports.export(bundled_record(), fmt).rstrip("\n")
    target = tmp_path / f"out.{fmt}"
    assert run(capsys, "export", "--format", fmt, "-o", str(target))[0] == 0
    assert target.read_text(encoding="utf-8").rstrip("\n") == out.rstrip("\n")


def test_export_bad_format_and_unwritable_target(capsys, tmp_path):
    code, _, err = run(capsys, "export", "--format", "endnote")
    assert code == 2 and "invalid choice: 'endnote' (choose from 'ris', 'bibtex', 'csl-json')" in err
    code, _, err = run(capsys, "export", "--format", "ris", "-o", str(tmp_path / "no" / "such" / "dir.ris"))
    assert code == 1 and "cannot write" in err and err.count("\n") == 1
