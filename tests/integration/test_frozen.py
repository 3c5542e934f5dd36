"""The single executable, proven by running it: dist/ncjrs-viewer against the source tree.

The executable is built by packaging/build.sh (about a minute) unless dist/ holds one this
test built from exactly the current inputs: a stamp in build/pyinstaller records a hash of
every file under viewer/ and resources/, the spec, its trimming package (packaging/trim),
build.sh and the pinned build requirements, and the Python and PySide6 versions, taken
before that build, with the executable's size and mtime after it.

Each run starts the executable from an empty temporary folder with a minimal environment
(no virtual environment on PATH, HOME in the temp folder), as a user's double-click would.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "packaging" / "ncjrs-viewer.spec"
DIST = ROOT / "dist"
WORK = ROOT / "build" / "pyinstaller"
EXE = DIST / ("ncjrs-viewer.exe" if sys.platform == "win32" else "ncjrs-viewer")
STAMP = WORK / "test_frozen.stamp.json"
SIZE_GOAL_MB = 28  # issue 15; 27.7 MB with the machine code in solid xz

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(sys.platform != "linux", reason="the one-file build is made and tested on Linux here"),
]


def _inputs_digest() -> str:
    import PySide6

    digest = hashlib.sha256()
    digest.update(f"{sys.version} {sys.prefix} {PySide6.__version__}\n".encode())
    packaging = [ROOT / "packaging" / name
                 for name in ("ncjrs-viewer.spec", "payload_hook.py", "payload_cache.py", "build.sh",
                              "requirements-build.txt")]
    folders = (ROOT / "packaging" / "trim", ROOT / "viewer", ROOT / "resources")
    files = packaging + sorted(p for folder in folders for p in folder.rglob("*")
                               if p.is_file() and "__pycache__" not in p.parts)
    for path in files:
        digest.update(f"{path.relative_to(ROOT).as_posix()}\0".encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _exe_identity() -> list[int]:
    status = EXE.stat()
    return [status.st_size, status.st_mtime_ns]


@pytest.fixture(scope="session")
def exe() -> Path:
    """dist/ncjrs-viewer, built by packaging/build.sh (which installs what the build needs first)."""
    inputs = _inputs_digest()  # before the build: a file edited during it makes the next run build again
    if EXE.is_file() and STAMP.is_file():
        stamp = json.loads(STAMP.read_text(encoding="utf-8"))
        if stamp == {"inputs": inputs, "exe": _exe_identity()}:
            return EXE
    done = subprocess.run(["bash", str(ROOT / "packaging" / "build.sh")], cwd=ROOT,
                          env={**os.environ, "PYTHON": sys.executable}, capture_output=True, text=True,
                          timeout=1800)
    assert done.returncode == 0, f"packaging/build.sh failed:\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}"
    STAMP.write_text(json.dumps({"inputs": inputs, "exe": _exe_identity()}), encoding="utf-8")
    return EXE


@pytest.fixture
def user_env(tmp_path) -> dict[str, str]:
    """What a desktop session would pass, minus any Python: no venv, no PYTHONPATH."""
    home = tmp_path / "home"
    runtime = tmp_path / "runtime"
    home.mkdir()
    runtime.mkdir(mode=0o700)
    return {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": str(home), "LANG": "C.UTF-8",
            "TMPDIR": os.environ.get("TMPDIR", "/tmp"), "XDG_RUNTIME_DIR": str(runtime),
            "QT_QPA_PLATFORM": "offscreen"}


def run_frozen(exe: Path, env: dict[str, str], cwd: Path, *args: str, timeout: float = 120,
               extra_env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([str(exe), *args], cwd=cwd, env={**env, **(extra_env or {})},
                          capture_output=True, text=True, timeout=timeout)


def run_source(*args: str, home: Path) -> subprocess.CompletedProcess:
    """The same command from this checkout (python -m viewer), with the same kind of settings."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("XDG_")}
    env.update(PYTHONPATH=str(ROOT), HOME=str(home), QT_QPA_PLATFORM="offscreen")
    return subprocess.run([sys.executable, "-m", "viewer", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)


def _lines(stderr: str) -> list[str]:
    # Qt's offscreen plugin warns about what it cannot do (size hints); that is not ours.
    return [line for line in stderr.splitlines() if line.strip() and "propagateSizeHints" not in line]


@pytest.mark.parametrize("args", [["--version"], ["sections"], ["cite", "--style", "apa"]],
                         ids=["version", "sections", "cite-apa"])
def test_commands_print_what_the_source_tree_prints(exe, user_env, tmp_path, args):
    frozen = run_frozen(exe, user_env, tmp_path, *args)
    source = run_source(*args, home=tmp_path / "source-home")
    assert (frozen.returncode, frozen.stdout, _lines(frozen.stderr)) == (0, source.stdout, [])
    assert source.returncode == 0 and frozen.stdout.strip()


def test_a_record_without_stored_citations_is_cited_by_the_js_engine(exe, user_env, tmp_path):
    """The JavaScript engine (citeproc-js in QuickJS) works inside the executable, as from source."""
    record = json.loads((ROOT / "resources" / "records" / "ncj-203234.json").read_text(encoding="utf-8"))
    record["title"] = record["title"].replace("Trafficking", "Traffic")
    record["title_sentence_case"] = record["title_sentence_case"].replace("Trafficking", "Traffic")
    changed = tmp_path / "changed-record.json"
    changed.write_text(json.dumps(record), encoding="utf-8")
    args = ("cite", "--file", str(changed), "--style", "apa")
    frozen = run_frozen(exe, user_env, tmp_path, *args, timeout=300)
    source = run_source(*args, home=tmp_path / "source-home")
    assert (frozen.returncode, frozen.stdout, _lines(frozen.stderr)) == (0, source.stdout, [])
    assert frozen.stdout.startswith("Traffic in human beings")
    # QuickJS, unpacked on its first import, went into the unpack cache for the next starts
    assert list((_cache_entry(user_env) / "files").glob("_quickjs.*.so"))


def test_a_bad_invocation_exits_2_with_one_line(exe, user_env, tmp_path):
    frozen = run_frozen(exe, user_env, tmp_path, "--bogus")
    source = run_source("--bogus", home=tmp_path / "source-home")
    assert (frozen.returncode, frozen.stdout) == (2, "")
    assert len(_lines(frozen.stderr)) == 1 and "--bogus" in frozen.stderr
    assert frozen.stderr == source.stderr


def test_a_pdf_is_written_without_a_display(exe, user_env, tmp_path):
    """QtGui's fonts and painting work headless from the executable (fontconfig, freetype)."""
    out = tmp_path / "record.pdf"
    done = run_frozen(exe, user_env, tmp_path, "pdf", "-o", str(out))
    assert (done.returncode, _lines(done.stderr)) == (0, [])
    assert out.read_bytes().startswith(b"%PDF-") and out.stat().st_size > 2000


def test_an_attached_report_is_read_by_the_bundled_pdf_engine(exe, user_env, tmp_path):
    """pypdfium2 opens libpdfium by ctypes: the bundle must carry it, or attach fails."""
    sys.path.insert(0, str(ROOT / "tests"))
    import pdfmaker

    report = tmp_path / "203234.pdf"
    report.write_bytes(pdfmaker.build(*pdfmaker.report(3)))
    library = ["--library", str(tmp_path / "library")]
    attached = run_frozen(exe, user_env, tmp_path, "attach", *library, "--record", "ncj-203234", str(report))
    assert attached.returncode == 0, attached.stderr[-2000:]
    sections = run_frozen(exe, user_env, tmp_path, "sections", *library)
    assert sections.returncode == 0 and "\nreport/1\t" in sections.stdout, sections.stderr[-2000:]
    assert (_cache_entry(user_env) / "files" / "pypdfium2_raw" / "libpdfium.so").is_file()


class _Bundle:
    """The executable's files: the entries of its one-file archive and the members of the payload
    entry (packaging/trim/payload.py), by name; ``extract(name)`` gives a file's data."""

    def __init__(self, exe: Path) -> None:
        from PyInstaller.archive.readers import CArchiveReader

        sys.path.insert(0, str(ROOT / "packaging"))
        from trim import payload

        self.archive = CArchiveReader(str(exe))
        self.files: dict[str, bytes] = {}
        if payload.ENTRY_NAME in self.archive.toc:
            self.files = {m.name: data for m, data in payload.members_of(self.archive.extract(payload.ENTRY_NAME))}
        self.names = set(self.archive.toc) | set(self.files)

    def extract(self, name: str) -> bytes:
        return self.files[name] if name in self.files else self.archive.extract(name)


def _archive(exe: Path) -> _Bundle:
    return _Bundle(exe)


def test_the_bundle_holds_what_the_program_uses_and_little_else(exe):
    archive = _archive(exe)
    names = archive.names
    # Resources sit where viewer.core.resources looks for them in a frozen build.
    for path in (ROOT / "resources").rglob("*"):
        if path.is_file():
            assert f"viewer/_resources/{path.relative_to(ROOT / 'resources').as_posix()}" in names
    # Every Qt for Python module the program imports is inside (a spec exclusion must not drift).
    imported = {m for path in (ROOT / "viewer").rglob("*.py")
                for m in re.findall(r"\bPySide6\.(Qt\w+)", path.read_text(encoding="utf-8"))}
    assert {"QtCore", "QtGui", "QtWidgets"} <= imported
    for module in imported:
        assert f"PySide6/{module}.abi3.so" in names, module
    # citeproc-js runs in QuickJS: no QML engine, and with it no QtNetwork, rides along.
    assert any(n.startswith("_quickjs.") for n in names)
    assert "pyi_rth_multiprocessing" not in names  # quickjs's thread-pool wrapper stays out too
    links = {name: archive.extract(name).rstrip(b"\0").decode() for name, entry in archive.archive.toc.items()
             if entry[4] == "n"}  # a symbolic link: its data is the target
    assert links and not {name: target for name, target in links.items() if target not in names}
    assert not [n for n in names if re.search(r"Qt6?(Qml|Quick|Network)", n)]
    plugins = {n.split("PySide6/Qt/plugins/")[1] for n in names if n.startswith("PySide6/Qt/plugins/")}
    for needed in ("platforms/libqxcb.so", "platforms/libqoffscreen.so", "imageformats/libqsvg.so",
                   "iconengines/libqsvgicon.so"):
        assert needed in plugins
    # The X11 platform's own libraries (Qt names the wrong one when one is missing).
    for lib in ("libQt6XcbQpa.so.6", "libxcb-icccm.so.4", "libxcb-keysyms.so.1", "libxcb-cursor.so.0",
                "libxkbcommon-x11.so.0"):
        assert any(n.endswith("/" + lib) or n == lib for n in names), lib
    assert not [n for n in names if n.startswith(("PySide6/Qt/translations/", "PySide6/Qt/qml/"))]
    assert not [p for p in plugins if "wayland" in p or p.startswith(("qmltooling/", "sqldrivers/"))]
    assert exe.stat().st_size < SIZE_GOAL_MB * 1e6, f"{exe.stat().st_size / 1e6:.1f} MB"


ICU_CHECK = """
import sys
from functools import cmp_to_key
from PySide6.QtCore import QByteArray, QCollator, QCoreApplication, QLocale, QMimeData, QTimeZone
app = QCoreApplication([])
lib = [line.split()[-1] for line in open("/proc/self/maps") if "libicudata" in line][0]
words = sorted(["cherry", "Banana", "apple", "\u00e9clair", "Zebra"], key=cmp_to_key(QCollator(QLocale("en_US")).compare))
html = QMimeData()
html.setData("text/html", QByteArray(b'<meta charset="windows-1252"><p>caf\\xe9</p>'))
zone = QTimeZone(b"Europe/Berlin").displayName(QTimeZone.TimeType.StandardTime, QTimeZone.NameType.LongName,
                                                QLocale("en_US"))
print(lib, words, QLocale("tr_TR").toUpper("i"), html.html().endswith("caf\u00e9</p>"), zone, sep="|")
"""


def test_the_trimmed_icu_data_serves_what_qt_asks_of_it(exe, tmp_path):
    """Collation, locale case mapping, a code page and a zone name, from the executable's libicudata."""
    reader = _archive(exe)
    name = next(n for n in reader.names if n.startswith("PySide6/Qt/lib/libicudata.so"))
    lib = tmp_path / Path(name).name
    lib.write_bytes(reader.extract(name))
    assert lib.stat().st_size < 8e6  # trimmed: the full data is 32 MB
    env = {**os.environ, "LD_LIBRARY_PATH": str(tmp_path), "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-c", ICU_CHECK], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().split("|") == [
        str(lib), str(["apple", "Banana", "cherry", "\u00e9clair", "Zebra"]), "\u0130", "True",
        "Central European Standard Time"]


@pytest.mark.skipif(not shutil.which("Xvfb"), reason="Xvfb is not installed (packaging/build.sh installs it)")
def test_the_window_opens_on_x11_shows_the_record_and_quits_cleanly_on_sigterm(exe, user_env, tmp_path):
    """The xcb platform plugin loads with the libraries bundled beside it (under a virtual X server),
    the main window maps with the record's title, and SIGTERM closes it as Ctrl+Q would."""
    sys.path.insert(0, str(ROOT / "scripts"))
    from xmap import Xvfb, ensure_tools

    ensure_tools()
    with Xvfb() as xvfb:
        env = {**user_env, "QT_QPA_PLATFORM": "xcb", "DISPLAY": xvfb.display, "QT_DEBUG_PLUGINS": "1"}
        with subprocess.Popen([str(exe)], cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) as proc:
            pidfd = os.pidfd_open(proc.pid)
            try:
                seen = xvfb.wait_for_map(time.perf_counter() + 120, pidfd)
            finally:
                os.close(pidfd)
                proc.send_signal(signal.SIGTERM)
            out, err = proc.communicate(timeout=60)
    assert seen is not None and "203234" in seen[0], (out, err[-3000:])
    assert proc.returncode == 0, err[-3000:]
    assert "Cannot load library" not in err, err[-3000:]


# --- the per-user unpack cache (packaging/payload_hook.py) -------------------------------------------

def _cache_env(user_env: dict[str, str], tmp_path: Path) -> dict[str, str]:
    """``user_env`` with a temporary folder of its own, to see what the bootloader leaves in it."""
    (tmp_path / "tmpdir").mkdir()
    return {**user_env, "TMPDIR": str(tmp_path / "tmpdir")}


def _cache_entry(env: dict[str, str]) -> Path:
    """The one entry of the cache folder (``~/.cache/ncjrs-viewer/<key>``)."""
    entries = list((Path(env["HOME"]) / ".cache" / "ncjrs-viewer").iterdir())
    assert len(entries) == 1 and re.fullmatch(r"[0-9a-f]{32}", entries[0].name), entries
    return entries[0]


def _snapshot(folder: Path) -> dict[str, tuple[int, int, int]]:
    """Every file under ``folder``: (inode, size, mtime): what a rewrite or a removal would change."""
    return {p.relative_to(folder).as_posix(): (p.lstat().st_ino, p.lstat().st_size, p.lstat().st_mtime_ns)
            for p in folder.rglob("*") if not p.is_dir()}


def _child(pid: int) -> int:
    """The program's process: the one child of the bootloader ``pid``."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    assert len(children) == 1, children
    return int(children[0])


def test_the_first_start_fills_the_unpack_cache_and_later_starts_run_from_it(exe, user_env, tmp_path):
    env = _cache_env(user_env, tmp_path)
    first = run_frozen(exe, env, tmp_path, "--version")
    assert (first.returncode, _lines(first.stderr)) == (0, [])
    entry = _cache_entry(env)
    assert entry.stat().st_mode & 0o777 == 0o700 and entry.parent.stat().st_mode & 0o777 == 0o700
    assert (entry / "complete").is_file() and (entry / "files" / "PySide6").is_dir()
    assert not list((tmp_path / "tmpdir").iterdir())  # the bootloader removed its folder, links and all
    before = _snapshot(entry)
    again = run_frozen(exe, env, tmp_path, "--version")
    assert (again.returncode, again.stdout) == (0, first.stdout)
    assert _snapshot(entry) == before  # nothing unpacked again, nothing removed
    source = run_source("--version", home=tmp_path / "source-home")
    off = run_frozen(exe, env, tmp_path, "--version", extra_env={"NCJRS_VIEWER_NO_CACHE": "1"})
    assert (off.returncode, off.stdout) == (0, source.stdout) and _snapshot(entry) == before


@pytest.mark.skipif(not shutil.which("Xvfb"), reason="Xvfb is not installed (packaging/build.sh installs it)")
def test_a_program_killed_with_sigkill_leaves_the_unpack_cache_whole(exe, user_env, tmp_path):
    """The bootloader deletes its folder after its child died of SIGKILL: the links into the cache
    go, never what they point to."""
    sys.path.insert(0, str(ROOT / "scripts"))
    from xmap import Xvfb, ensure_tools

    env = _cache_env(user_env, tmp_path)
    assert run_frozen(exe, env, tmp_path, "--version").returncode == 0
    entry = _cache_entry(env)
    before = _snapshot(entry)
    ensure_tools()
    with Xvfb() as xvfb:
        window_env = {**env, "QT_QPA_PLATFORM": "xcb", "DISPLAY": xvfb.display}
        with subprocess.Popen([str(exe)], cwd=tmp_path, env=window_env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True) as proc:
            pidfd = os.pidfd_open(proc.pid)
            try:
                seen = xvfb.wait_for_map(time.perf_counter() + 120, pidfd)
                program = _child(proc.pid)
                maps = Path(f"/proc/{program}/maps").read_text()
                os.kill(program, signal.SIGKILL)
            finally:
                os.close(pidfd)
            _, err = proc.communicate(timeout=60)
    assert seen is not None, err[-3000:]
    assert f"{entry}/files/PySide6/Qt/lib/libQt6Widgets.so.6" in maps  # Qt ran from the cache
    assert proc.returncode == -signal.SIGKILL  # the bootloader passes its child's end on
    assert not list((tmp_path / "tmpdir").iterdir())
    assert _snapshot(entry) == before
    assert run_frozen(exe, env, tmp_path, "--version").returncode == 0 and _snapshot(entry) == before


def test_a_damaged_unpack_cache_is_made_again(exe, user_env, tmp_path):
    env = _cache_env(user_env, tmp_path)
    assert run_frozen(exe, env, tmp_path, "--version").returncode == 0
    core = _cache_entry(env) / "files" / "PySide6" / "Qt" / "lib" / "libQt6Core.so.6"
    size = core.stat().st_size
    core.write_bytes(core.read_bytes()[:size // 2])  # as a crash of the machine could leave it
    frozen = run_frozen(exe, env, tmp_path, "sections")
    source = run_source("sections", home=tmp_path / "source-home")
    assert (frozen.returncode, frozen.stdout, _lines(frozen.stderr)) == (0, source.stdout, [])
    assert core.stat().st_size == size


def _read_only(folder: Path) -> list[str]:
    """A command prefix that runs a program with ``folder`` read-only: a read-only bind mount in a
    mount namespace of its own as root (whom permissions do not stop), the permissions otherwise."""
    if os.getuid() != 0:
        folder.chmod(0o500)
        return []
    if not shutil.which("unshare"):
        pytest.skip("needs unshare (util-linux) to make a folder read-only as root")
    return ["unshare", "--mount", "--", "sh", "-c", 'mount --bind -o ro "$1" "$1" && shift && exec "$@"', "sh",
            str(folder)]


def test_a_read_only_cache_folder_is_passed_over(exe, user_env, tmp_path):
    env = _cache_env(user_env, tmp_path)
    folder = Path(env["HOME"]) / ".cache" / "ncjrs-viewer"
    folder.mkdir(parents=True, mode=0o700)
    prefix = _read_only(folder)
    done = subprocess.run([*prefix, str(exe), "sections"], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=120)
    folder.chmod(0o700)
    source = run_source("sections", home=tmp_path / "source-home")
    assert (done.returncode, done.stdout, _lines(done.stderr)) == (0, source.stdout, [])
    assert not list(folder.iterdir()) and not list((tmp_path / "tmpdir").iterdir())
