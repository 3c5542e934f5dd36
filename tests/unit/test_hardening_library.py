"""Issue 16, the library: removals pending per session, damaged JSON found per record, a busy
library said at once."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap

import pytest

from viewer.core.library import LIBRARY_FILE_NAME, Library, LibraryError
from viewer.core.record import Record

ROOT = __import__("pathlib").Path(__file__).resolve().parents[2]


def _records(n: int) -> list[Record]:
    return [Record(id=f"ref-{i:04d}", ncj_number="", title=f"Report {i} on courts", abstract="About courts.")
            for i in range(n)]


@pytest.fixture
def folder(tmp_path):
    with Library.open(tmp_path / "lib") as lib:
        lib.add_records(_records(3))
    return tmp_path / "lib"


def _other_copy(folder, code: str) -> str:
    script = f"from viewer.core.library import Library\nlib = Library.open({str(folder)!r})\n" + textwrap.dedent(code)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}, timeout=60)
    assert done.returncode in (0, 9), done.stderr
    return done.stdout.strip()


def test_another_copy_starting_does_not_purge_this_sessions_removal(folder):
    with Library.open(folder) as lib:
        assert lib.remove(["ref-0001"]) == ("ref-0001",)
        assert _other_copy(folder, "print(lib.purge_removed())") == "0"
        assert lib.restore(["ref-0001"]) == ("ref-0001",)


def test_a_dead_sessions_removals_are_purged(folder):
    _other_copy(folder, "import os\nlib.remove(['ref-0002'])\nos._exit(9)")  # killed: never ended
    with Library.open(folder) as lib:
        assert lib.purge_removed() == 1
        assert lib.restore(["ref-0002"]) == ()


def test_ending_the_session_purges_only_its_own(folder):
    _other_copy(folder, "import os, time\nlib.remove(['ref-0000'])\nprint('x')")  # ended without end_session
    with Library.open(folder) as lib:
        lib.remove(["ref-0001"])
        assert lib.end_session() == 1  # only ref-0001; ref-0000 belongs to the other (dead) session
        assert lib.purge_removed() == 1


def test_one_damaged_record_fails_no_search(folder):
    conn = sqlite3.connect(folder / LIBRARY_FILE_NAME)
    conn.execute("UPDATE records SET json = substr(json, 1, 30) || char(1) || substr(json, 32) WHERE id = 'ref-0001'")
    conn.commit()
    conn.close()
    with Library.open(folder) as lib:
        assert {h.id for h in lib.search("courts", exact=True)} == {"ref-0000", "ref-0001", "ref-0002"}
        assert lib.damaged() == ["ref-0001"]
        with pytest.raises(LibraryError, match="ref-0001 cannot be read"):
            lib.get("ref-0001")


def test_a_busy_library_is_said_after_a_short_wait(folder):
    holder = sqlite3.connect(folder / LIBRARY_FILE_NAME, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another copy importing
    try:
        with Library.open(folder) as lib:
            with pytest.raises(LibraryError, match="busy"):
                lib.remove(["ref-0000"], wait=0.05)
            holder.execute("ROLLBACK")
            assert "ref-0000" in lib and lib.remove(["ref-0000"], wait=0.05) == ("ref-0000",)
    finally:
        holder.close()
