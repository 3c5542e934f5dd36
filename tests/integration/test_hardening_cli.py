"""Issue 16 on the command line: one line and exit 1 for what cannot be done, never a
traceback; PDFs written whole or not at all; -o means one thing for every command."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from viewer.cli import main
from viewer.core.library import LIBRARY_FILE_NAME
from viewer.core.pdfcheck import verify_pdf

ROOT = Path(__file__).resolve().parents[2]
RIS = "TY  - RPRT\nTI  - Café <img src=\"/dev/zero\"> “quoted”\nER  - \n"


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def library(tmp_path, capsys):
    path = tmp_path / "refs.ris"
    path.write_text(RIS, encoding="utf-8")
    folder = str(tmp_path / "lib")
    assert run(capsys, "--library", folder, "import", str(path))[0] == 0
    return folder


def test_limit_overflow_is_a_usage_error(capsys, library):
    code, _, err = run(capsys, "--library", library, "search", "cafe", "--limit", "99999999999999999999")
    assert code == 2 and err.count("\n") == 1 and "--limit" in err


@pytest.mark.parametrize("locator", ["-1", "\u20133"])
def test_a_locator_beginning_with_a_dash_is_refused_not_cited_as_another_page(capsys, locator):
    """citeproc-js drops a leading dash: "-1" was cited as "p. 1"."""
    code, out, err = run(capsys, "cite", "--in-text", f"--locator={locator}")
    assert code == 1 and out == "" and err.count("\n") == 1 and "begins with a dash" in err


def test_an_empty_library_name_is_an_error_not_the_real_library(capsys):
    code, out, err = run(capsys, "--library", "", "search", "trafficking")
    assert code == 2 and out == "" and "--library needs a folder name" in err


@pytest.mark.parametrize("command", [["export", "--format", "ris"], ["pdf"]])
def test_empty_output_name_is_an_error_for_both(capsys, command):
    code, _, err = run(capsys, *command, "-o", "")
    assert code == 2 and "-o needs a file name" in err


def test_a_pdf_error_naming_a_newline_path_is_one_line_exit_1(capsys, tmp_path):
    code, _, err = run(capsys, "pdf", "-o", str(tmp_path / "no\nsuch" / "out.pdf"))
    assert code == 1 and err.count("\n") == 1 and "\\n" in err


def test_pdf_o_follows_a_link_and_keeps_the_mode(capsys, tmp_path):
    target = tmp_path / "real.pdf"
    target.write_bytes(b"old")
    target.chmod(0o640)
    link = tmp_path / "link.pdf"
    link.symlink_to(target)
    assert run(capsys, "pdf", "-o", str(link))[0] == 0
    assert link.is_symlink() and stat.S_IMODE(target.stat().st_mode) == 0o640
    verify_pdf(target.read_bytes())


def test_pdf_to_a_device_is_written_through(capsys, tmp_path):
    full = tmp_path / "full"  # a /dev/full of our own: a build that replaces devices spoils only this
    try:
        os.mknod(full, stat.S_IFCHR | 0o666, os.makedev(1, 7))
    except OSError as exc:
        pytest.skip(f"cannot make a device node here: {exc}")
    code, _, err = run(capsys, "pdf", "-o", str(full))
    assert code == 1 and "No space left" in err and stat.S_ISCHR(full.stat().st_mode)


def test_a_full_disk_leaves_the_old_pdf_untouched(capsys, tmp_path):
    from tests.unit.tinydisk import tiny_disk
    good = tmp_path / "good.pdf"
    assert run(capsys, "pdf", "-o", str(good))[0] == 0
    with tiny_disk(tmp_path / "disk", "64k") as disk:
        out = disk / "out.pdf"
        out.write_bytes(good.read_bytes())
        (disk / "fill").write_bytes(b"\0" * (64 * 1024 - len(good.read_bytes()) - 8192))
        code, _, err = run(capsys, "pdf", "-o", str(out))
        assert code == 1 and err.count("\n") == 1 and "No space left" in err
        assert out.read_bytes() == good.read_bytes()
        assert sorted(p.name for p in disk.iterdir()) == ["fill", "out.pdf"]


def test_a_damaged_record_is_one_line_and_search_still_answers(capsys, library):
    conn = sqlite3.connect(Path(library) / LIBRARY_FILE_NAME)
    (rid,) = conn.execute("SELECT id FROM records WHERE protected = 0").fetchone()
    conn.execute("UPDATE records SET json = substr(json, 1, 30) || char(1) || substr(json, 32) WHERE id = ?", (rid,))
    conn.commit()
    conn.close()
    code, _, err = run(capsys, "--library", library, "--record", rid, "sections")
    assert code == 1 and err.count("\n") == 1 and "cannot be read" in err
    code, out, _ = run(capsys, "--library", library, "search", "cafe")
    assert code == 0 and out.startswith(rid)


def test_a_busy_library_is_one_line_exit_1(capsys, library, tmp_path, monkeypatch):
    from viewer.core.library import store
    connect = sqlite3.connect  # the real one: a short wait instead of 5 s
    monkeypatch.setattr(store.sqlite3, "connect", lambda *a, **k: connect(*a, **{**k, "timeout": 0.05}))
    holder = sqlite3.connect(Path(library) / LIBRARY_FILE_NAME, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        ris = tmp_path / "more.ris"
        ris.write_text("TY  - RPRT\nTI  - Another\nER  - \n")
        code, _, err = run(capsys, "--library", library, "import", str(ris))
    finally:
        holder.close()
    assert code == 1 and err.count("\n") == 1 and "busy" in err


def test_search_on_an_ascii_stdout_does_not_crash(library):
    done = subprocess.run([sys.executable, "-m", "viewer.cli", "--library", library, "search", "cafe"],
                          capture_output=True, cwd=ROOT, timeout=60,
                          env={**os.environ, "PYTHONIOENCODING": "ascii", "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr
    assert b"Caf\\xe9" in done.stdout and done.stderr == b""
