"""Nothing leaves the machine: every subcommand and a scripted window session, watched by strace.

Any Internet socket (AF_INET / AF_INET6) the process or its threads create is a failure; local
sockets (the display, D-Bus) are not the network. A record that names a URL on a listener we run
also proves the detail pane never fetches what a record names.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"
INET = re.compile(r"socket\((AF_INET|AF_INET6|PF_INET|PF_INET6)\b")

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="strace is Linux's")


@pytest.fixture(scope="module")
def strace() -> str:
    path = shutil.which("strace")
    if path is None:
        pytest.fail("strace is needed (scripts/setup --test installs it)")
    return path


@pytest.fixture
def listener():
    """A TCP listener on loopback that records every connection it is offered."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(0.2)
    hits: list[bytes] = []
    stop = threading.Event()

    def serve():
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            hits.append(conn.recv(1024))
            conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield server.getsockname()[1], hits
    stop.set()
    thread.join()
    server.close()


def watched(strace: str, tmp_path: Path, *argv: str, env_extra: dict | None = None) -> tuple[int, list[str]]:
    log = tmp_path / f"strace-{len(list(tmp_path.glob('strace-*')))}.log"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path / "home"),
           "XDG_CONFIG_HOME": str(tmp_path / "config"), "XDG_DATA_HOME": str(tmp_path / "data"),
           "XDG_CACHE_HOME": str(tmp_path / "cache"), **(env_extra or {})}
    done = subprocess.run([strace, "-f", "-qq", "-e", "trace=socket", "-o", str(log), *argv],
                          env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"{argv}: {done.stderr[-2000:]}"
    return done.returncode, [line for line in log.read_text().splitlines() if INET.search(line)]


def hostile_record(tmp_path: Path, port: int) -> Path:
    data = json.loads((ROOT / "resources/records/ncj-203234.json").read_text())
    bait = f'<img src="http://127.0.0.1:{port}/x"><link rel="stylesheet" href="http://127.0.0.1:{port}/s">'
    data.update(id="ncj-1", ncj_number="1", title=f"Bait {bait}", title_sentence_case=f"Bait {bait}",
                abstract=f"Abstract {bait} text.",
                annotation=f"<a href=\"http://127.0.0.1:{port}/a\">link</a>", outline=[],
                provenance={"library": "NCJRS Virtual Library", "agency": "Department of Justice",
                            "url": f"http://127.0.0.1:{port}/page"})
    path = tmp_path / "hostile.json"
    path.write_text(json.dumps(data))
    return path


def test_every_subcommand_opens_no_internet_socket(strace, tmp_path, listener):
    port, hits = listener
    exe = [sys.executable, "-m", "viewer"]
    library = str(tmp_path / "library")
    record = hostile_record(tmp_path, port)
    commands = [
        ["--version"], ["--help"], ["sections"], ["show", "abstract"], ["styles"],
        ["cite", "--style", "apa"], ["cite", "--style", "ieee", "--in-text", "--format", "html"],
        ["export", "--format", "ris"], ["export", "--format", "bibtex"], ["export", "--format", "csl-json"],
        ["pdf", "-o", str(tmp_path / "a.pdf")],
        ["import", str(record), "--library", library],
        ["search", "bait", "--library", library],
        ["cite", "--record", "ncj-1", "--library", library],  # citeproc-js at run time
        ["pdf", "-o", str(tmp_path / "b.pdf"), "--record", "ncj-1", "--library", library],
        ["show", "details", "--file", str(record)],
    ]
    for argv in commands:
        _, inet = watched(strace, tmp_path, *exe, *argv)
        assert inet == [], f"{argv} opened {inet}"
    assert hits == []


def test_a_window_session_opens_no_internet_socket_and_fetches_nothing(strace, tmp_path, listener):
    port, hits = listener
    record = hostile_record(tmp_path, port)
    (tmp_path / "out").mkdir()
    _, inet = watched(strace, tmp_path, sys.executable, str(ROOT / "tests/scripts/gui_session.py"),
                      str(tmp_path / "library"), str(tmp_path / "out"), str(record),
                      env_extra={"PYTHONPATH": str(ROOT)})
    assert inet == []
    assert hits == []  # the <img>, <link> and URLs in the record were never requested
    assert (tmp_path / "out" / "record.pdf").read_bytes().startswith(b"%PDF")


def test_the_window_opens_no_internet_socket(strace, tmp_path, listener):
    port, hits = listener
    record = hostile_record(tmp_path, port)
    # scripts/painted.py runs the real start-up and quits after the first paint.
    _, inet = watched(strace, tmp_path, sys.executable, str(ROOT / "scripts" / "painted.py"), "viewer",
                      "--file", str(record), "--section", "abstract")
    assert inet == [] and hits == []
