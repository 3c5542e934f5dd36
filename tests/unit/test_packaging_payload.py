"""The payload of the one-file build (packaging/trim/payload.py) and the runtime hook that unpacks it
(packaging/payload_hook.py): what stays with the bootloader, and a round trip through both."""

from __future__ import annotations

import ctypes
import ctypes.util
import importlib.util
import os
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "packaging"))
from trim import payload  # noqa: E402

NEEDS = {"_ctypes.so": ["libffi.so.8"], "libQt6Core.so.6": ["libzstd.so.1", "libicuuc.so.73"],
         "QtCore.abi3.so": ["libQt6Core.so.6"]}


def _hook():
    spec = importlib.util.spec_from_file_location("payload_hook", ROOT / "packaging" / "payload_hook.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # not frozen: defines, unpacks nothing
    return module


def _file(folder: Path, name: str, size: int, mode: int = 0o644, elf: bool = False) -> str:
    """A file of ``size`` bytes; ``elf``: it starts as machine code does (packed into a solid xz frame)."""
    path = folder / name
    data = bytes(range(256)) * (size // 256) + b"x" * (size % 256)
    path.write_bytes(b"\x7fELF" + data[4:] if elf else data)
    path.chmod(mode)
    return str(path)


def test_the_bootloader_keeps_what_python_and_the_hook_load_first(tmp_path):
    binaries = [
        ("libpython3.11.so.1.0", _file(tmp_path, "libpython3.11.so.1.0", 10), "BINARY"),
        ("python3.11/lib-dynload/_ctypes.so", _file(tmp_path, "_ctypes.so", 1_100_000), "EXTENSION"),
        ("python3.11/lib-dynload/_struct.so", _file(tmp_path, "_struct.so", 1000), "EXTENSION"),
        ("python3.11/lib-dynload/_sqlite3.so", _file(tmp_path, "_sqlite3.so", 1000), "EXTENSION"),
        ("python3.11/lib-dynload/unicodedata.so", _file(tmp_path, "unicodedata.so", 1_300_000), "EXTENSION"),
        ("libffi.so.8", _file(tmp_path, "libffi.so.8", 10), "BINARY"),
        ("libzstd.so.1", _file(tmp_path, "libzstd.so.1", 10), "BINARY"),
        ("PySide6/Qt/lib/libQt6Core.so.6", _file(tmp_path, "libQt6Core.so.6", 10), "BINARY"),
        ("PySide6/Qt/lib/libicuuc.so.73", _file(tmp_path, "libicuuc.so.73", 10), "BINARY"),
        ("PySide6/QtCore.abi3.so", _file(tmp_path, "QtCore.abi3.so", 10), "EXTENSION"),
        ("libicuuc.so.73", "PySide6/Qt/lib/libicuuc.so.73", "SYMLINK"),
    ]
    datas = [("base_library.zip", _file(tmp_path, "base_library.zip", 10), "DATA"),
             ("viewer/_resources/a.json", _file(tmp_path, "a.json", 10), "DATA")]
    kept, kept_datas, packed = payload.split(binaries, datas, needed=lambda src: NEEDS.get(Path(src).name, []))
    assert [e[0] for e in kept] == ["libpython3.11.so.1.0", "python3.11/lib-dynload/_ctypes.so",
                                    "python3.11/lib-dynload/_struct.so", "libffi.so.8",
                                    "libzstd.so.1", "libicuuc.so.73"]
    assert [e[0] for e in kept_datas] == ["base_library.zip"]
    assert [e[0] for e in packed] == ["python3.11/lib-dynload/_sqlite3.so", "python3.11/lib-dynload/unicodedata.so",
                                      "PySide6/Qt/lib/libQt6Core.so.6",
                                      "PySide6/Qt/lib/libicuuc.so.73", "PySide6/QtCore.abi3.so",
                                      "viewer/_resources/a.json"]


@pytest.mark.skipif(not shutil.which("zstd") or not ctypes.util.find_library("zstd"),
                    reason="needs the zstd tool and libzstd (packaging/build.sh installs them)")
def test_a_payload_unpacks_to_the_same_files_and_a_lazy_package_on_its_first_import(tmp_path, monkeypatch):
    sources = tmp_path / "src"
    sources.mkdir()
    entries = [("PySide6/Qt/lib/libQt6Core.so.6", _file(sources, "core", 900_000, 0o755, elf=True), "BINARY"),
               ("PySide6/QtCore.abi3.so", _file(sources, "qtcore", 300_001, 0o755, elf=True), "EXTENSION"),
               ("viewer/_resources/empty.txt", _file(sources, "empty", 0), "DATA"),
               ("viewer/_resources/csl/a.csl", _file(sources, "a.csl", 5000), "DATA"),
               ("lazypkg/__init__.py", str(sources / "init.py"), "DATA")]
    (sources / "init.py").write_text("LOADED = True\n")
    out = tmp_path / "build" / "payload"
    members = payload.write(entries, out, lazy={"lazypkg": ("lazypkg/",)})
    assert [(m.name, m.lazy, m.codec) for m in members] == [
        ("PySide6/Qt/lib/libQt6Core.so.6", "", "xz"), ("PySide6/QtCore.abi3.so", "", "+"),  # one solid frame
        ("viewer/_resources/empty.txt", "", "zstd"), ("viewer/_resources/csl/a.csl", "", "zstd"),
        ("lazypkg/__init__.py", "lazypkg", "zstd")]
    unpacked = {m.name: data for m, data in payload.members_of(out.read_bytes())}
    assert unpacked == {dest: Path(src).read_bytes() for dest, src, _ in entries}

    hook = _hook()
    root = tmp_path / "meipass"
    root.mkdir()
    fd = os.open(out, os.O_RDONLY)
    try:
        _, listed = hook.read_members(fd, 0)
        inflater = hook.Inflater(fd, str(root), ctypes.CDLL(ctypes.util.find_library("zstd")))
        inflater.write_all([m for m in listed if not m[5]], threads=2)
        for dest, src, _ in entries[:4]:
            assert (root / dest).read_bytes() == Path(src).read_bytes()
            assert (root / dest).stat().st_mode & 0o777 == Path(src).stat().st_mode & 0o777
        assert not (root / "lazypkg").exists()
        finder = hook.LazyModules(lambda group: inflater.write_all(group, threads=1), str(root),
                                  [m for m in listed if m[5]])
        monkeypatch.setattr(sys, "meta_path", [finder, *sys.meta_path])
        monkeypatch.syspath_prepend(str(root))
        import lazypkg  # type: ignore[import-not-found]
        assert lazypkg.LOADED and finder not in sys.meta_path
    finally:
        os.close(fd)
        sys.modules.pop("lazypkg", None)


def test_what_the_first_paint_never_loads_is_unpacked_on_its_first_import():
    assert payload.lazy_module("pypdfium2_raw/libpdfium.so") == "pypdfium2_raw"
    assert payload.lazy_module("PySide6/Qt/plugins/printsupport/libcupsprintersupport.so") == "PySide6.QtPrintSupport"
    assert payload.lazy_module("_quickjs.cpython-311-x86_64-linux-gnu.so") == "_quickjs"
    assert payload.lazy_module("PySide6/QtPrintSupport.abi3.so") == "PySide6.QtPrintSupport"
    assert payload.lazy_module("PySide6/Qt/lib/libQt6Gui.so.6") == ""


@pytest.mark.skipif(not shutil.which("zstd") or not ctypes.util.find_library("zstd"),
                    reason="needs the zstd tool and libzstd (packaging/build.sh installs them)")
@pytest.mark.parametrize("damage", ["flip", "cut"])
@pytest.mark.parametrize("elf", [False, True], ids=["zstd", "xz"])
def test_a_damaged_frame_stops_the_unpacking(tmp_path, damage, elf):
    entries = [("big.bin", _file(tmp_path, "big", 900_000, elf=elf), "DATA"),
               ("small.bin", _file(tmp_path, "small", 9_000, elf=elf), "DATA")]
    out = tmp_path / "payload"
    payload.write(entries, out, lazy={})
    data = bytearray(out.read_bytes())
    if damage == "flip":
        data[-40:-20] = bytes(20)
    else:
        del data[-30:]
    out.write_bytes(bytes(data))
    hook = _hook()
    root = tmp_path / "root"
    root.mkdir()
    fd = os.open(out, os.O_RDONLY)
    try:
        inflater = hook.Inflater(fd, str(root), ctypes.CDLL(ctypes.util.find_library("zstd")))
        with pytest.raises(RuntimeError, match="damaged"):
            inflater.write_all(hook.read_members(fd, 0)[1], threads=1)
    finally:
        os.close(fd)


def test_a_damaged_payload_is_refused(tmp_path):
    damaged = tmp_path / "payload"
    damaged.write_bytes(b"NOTAPAYLOAD" + b"\0" * 20)
    fd = os.open(damaged, os.O_RDONLY)
    try:
        with pytest.raises(RuntimeError, match="damaged"):
            _hook().read_members(fd, 0)
    finally:
        os.close(fd)


@pytest.mark.skipif(not ctypes.util.find_library("zstd"), reason="needs libzstd (packaging/build.sh installs it)")
def test_a_folder_it_cannot_unpack_into_is_one_line_and_exit_1(tmp_path, capsys):
    entries = [("big.bin", _file(tmp_path, "big", 9_000), "DATA")]
    exe = tmp_path / "exe"
    payload.write(entries, exe, lazy={})
    root = tmp_path / "meipass"
    root.mkdir()
    os.symlink(_libzstd_path(), root / "libzstd.so.1")
    (root / "big.bin").write_bytes(b"taken")  # O_EXCL: as if the folder could not take the file
    hook = _hook()
    hook.payload_span = lambda fd: (0, exe.stat().st_size)  # a bare payload file, not an executable
    with pytest.raises(SystemExit) as ended:
        hook.start(str(exe), str(root), threads=1)
    assert ended.value.code == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("ncjrs-viewer: cannot unpack the program into ")
    assert "Traceback" not in err and "TMPDIR" in err


def _libzstd_path() -> str:
    """The file behind ctypes' name for libzstd (find_library gives a soname, not a path)."""
    import re
    import subprocess

    listing = subprocess.run(["ldconfig", "-p"], capture_output=True, text=True).stdout
    match = re.search(r"libzstd\.so\.1 .*=> (\S+)", listing)
    assert match, "libzstd is not in the loader's cache"
    return match.group(1)


# --- the per-user unpack cache (payload_hook.Cache) ------------------------------------------------

needs_zstd = pytest.mark.skipif(not shutil.which("zstd") or not ctypes.util.find_library("zstd"),
                                reason="needs the zstd tool and libzstd (packaging/build.sh installs them)")


class _Start:
    """A payload on disk and what a start of the executable would do with it, into a new
    bootloader folder each time (``start()``)."""

    def __init__(self, tmp_path: Path, monkeypatch) -> None:
        sources = tmp_path / "src"
        sources.mkdir()
        self.entries = [("PySide6/Qt/lib/libQt6Core.so.6", _file(sources, "core", 300_000, 0o755, elf=True), "BINARY"),
                        ("PySide6/Qt/plugins/platforms/libqxcb.so", _file(sources, "xcb", 5000, 0o755), "BINARY"),
                        ("viewer/_resources/a.csl", _file(sources, "a.csl", 5000), "DATA"),
                        ("python3.11/lib-dynload/unicodedata.so", _file(sources, "ud", 7000, 0o755, elf=True), "EXTENSION"),
                        ("lazypkg/__init__.py", str(sources / "init.py"), "DATA"),
                        ("lazymod.py", str(sources / "lazymod.py"), "DATA")]
        (sources / "init.py").write_text("LOADED = True\n")
        (sources / "lazymod.py").write_text("LOADED = 'module'\n")
        self.out = tmp_path / "payload"
        payload.write(self.entries, self.out, lazy={"lazypkg": ("lazypkg/",), "lazymod": ("lazymod.py",)})
        self.tmp_path, self.hook, self.runs, self.cache = tmp_path, _hook(), 0, None
        self.cache_home = tmp_path / "cache-home"
        monkeypatch.setenv("XDG_CACHE_HOME", str(self.cache_home))
        monkeypatch.delenv(self.hook.CACHE_OFF, raising=False)
        self.fd = os.open(self.out, os.O_RDONLY)
        self.key, self.members = self.hook.read_members(self.fd, 0)
        self.zstd = ctypes.CDLL(ctypes.util.find_library("zstd"))

    @property
    def folder(self) -> Path:
        return self.cache_home / "ncjrs-viewer"

    def start(self):
        """(the bootloader's folder, the cache or None) after the hook's work, as at a start."""
        self.end()
        self.runs += 1
        root = self.tmp_path / f"meipass{self.runs}"
        (root / "python3.11" / "lib-dynload").mkdir(parents=True)  # as the bootloader makes it
        self.cache = self.hook.open_cache(self.key, self.members, self.fd, self.zstd, 2, str(root))
        return root, self.cache

    def end(self) -> None:
        """The last start's process ends: its lock on the cache goes."""
        if self.cache is not None and self.cache.lock is not None:
            os.close(self.cache.lock)
        self.cache = None

    def check(self, root: Path) -> None:
        for dest, src, _ in self.entries[:3]:
            assert (root / dest).read_bytes() == Path(src).read_bytes(), dest


@pytest.fixture
def starts(tmp_path, monkeypatch):
    made = _Start(tmp_path, monkeypatch)
    yield made
    made.end()
    os.close(made.fd)


@needs_zstd
def test_the_first_start_fills_the_cache_and_later_ones_only_link_it(starts, monkeypatch):
    root, cache = starts.start()
    assert cache is not None and starts.key == payload.read_key(starts.out.read_bytes())
    entry = starts.folder / starts.key
    assert sorted(p.name for p in starts.folder.iterdir()) == [starts.key]  # no partial folder left
    assert entry.stat().st_mode & 0o777 == 0o700 and starts.folder.stat().st_mode & 0o777 == 0o700
    starts.check(root)
    assert sorted(p.name for p in root.iterdir()) == ["PySide6", "lazypkg", "python3.11", "viewer"]
    assert (root / "PySide6").is_symlink() and (root / "python3.11" / "lib-dynload" / "unicodedata.so").is_symlink()
    assert not (root / "python3.11").is_symlink()  # the bootloader's own folder: linked into, not over

    def no_unpacking(*args):
        raise AssertionError("a later start unpacked")

    monkeypatch.setattr(starts.hook.Inflater, "write_all", no_unpacking)
    # the bootloader's lib-dynload is on the module search path: the entry's goes after it, no links
    search = [str(starts.tmp_path / f"meipass{starts.runs + 1}" / "python3.11" / "lib-dynload"), "elsewhere"]
    monkeypatch.setattr(sys, "path", search)
    second, cache = starts.start()
    assert cache is not None
    assert search[1] == os.path.join(cache.files, "python3.11", "lib-dynload") and len(search) == 3
    assert not (second / "python3.11" / "lib-dynload" / "unicodedata.so").exists()
    assert (Path(search[1]) / "unicodedata.so").read_bytes() == Path(starts.entries[3][1]).read_bytes()
    starts.check(second)


@needs_zstd
def test_a_lazy_module_is_unpacked_into_the_cache_once(starts, monkeypatch):
    root, cache = starts.start()
    inflater = starts.hook.Inflater(starts.fd, cache.files, starts.zstd, atomic=True)
    lazy = [m for m in starts.members if m[5]]
    finder = starts.hook.LazyModules(lambda group: cache.unpack_lazy(inflater, group, str(root)), cache.files, lazy)
    monkeypatch.setattr(sys, "meta_path", [finder, *sys.meta_path])
    monkeypatch.syspath_prepend(str(root))
    try:
        import lazymod  # type: ignore[import-not-found]
        import lazypkg  # type: ignore[import-not-found]
        assert lazypkg.LOADED and lazymod.LOADED == "module" and finder not in sys.meta_path
    finally:
        sys.modules.pop("lazypkg", None)
        sys.modules.pop("lazymod", None)
    assert (Path(cache.files) / "lazymod.py").read_text() == "LOADED = 'module'\n"
    assert not [p for p in Path(cache.files).rglob("*.part")]
    second, _ = starts.start()  # a later start finds it there and links it
    assert (second / "lazymod.py").is_symlink() and (second / "lazypkg" / "__init__.py").is_file()


@needs_zstd
def test_a_damaged_entry_is_made_again(starts):
    starts.start()
    core = starts.folder / starts.key / "files" / "PySide6/Qt/lib/libQt6Core.so.6"
    core.write_bytes(core.read_bytes()[:1000])  # as a crash right after the first start could leave it
    root, cache = starts.start()
    assert cache is not None and core.stat().st_size == 300_000
    starts.check(root)


@needs_zstd
def test_a_damaged_entry_in_use_is_left_alone_and_the_start_falls_back(starts):
    starts.start()
    entry = starts.folder / starts.key
    (entry / "complete").write_bytes(b"something else\n")
    other = starts.hook.held(str(entry), exclusive=False)  # another running process holds it
    try:
        root, cache = starts.start()
    finally:
        os.close(other)
    assert cache is None and not list(root.iterdir())[1:]  # nothing linked: unpacked as before instead
    assert (entry / "complete").read_bytes() == b"something else\n"


@needs_zstd
def test_entries_of_other_builds_and_killed_first_starts_are_removed_unless_in_use(starts):
    starts.folder.mkdir(parents=True, mode=0o700)
    for name in ("0" * 32, "1" * 32, f".{starts.key}.999999.part"):
        (starts.folder / name / "files").mkdir(parents=True)
        (starts.folder / name / "lock").write_bytes(b"")
    running = starts.hook.held(str(starts.folder / ("1" * 32)), exclusive=False)
    try:
        _, cache = starts.start()
    finally:
        os.close(running)
    assert cache is not None
    assert sorted(p.name for p in starts.folder.iterdir()) == sorted(["1" * 32, starts.key])


@needs_zstd
def test_a_first_start_that_fails_midway_leaves_no_entry(starts, monkeypatch):
    def full(self, *args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(starts.hook.Inflater, "_stream", full)
    _, cache = starts.start()
    assert cache is None and not list(starts.folder.iterdir())


@needs_zstd
@pytest.mark.parametrize("where", ["shared", "a file", "no home", "turned off", "noexec"])
def test_the_cache_is_not_used_where_it_cannot_be(starts, monkeypatch, where):
    if where == "noexec":  # as a home mounted noexec: mounting one needs privileges, so statvfs says it
        real = os.statvfs
        monkeypatch.setattr(os, "statvfs", lambda path: os.statvfs_result(
            (*real(path)[:8], real(path).f_flag | os.ST_NOEXEC, real(path)[9])))
    elif where == "shared":
        starts.folder.mkdir(parents=True, mode=0o755)
        starts.folder.chmod(0o755)
    elif where == "a file":
        starts.cache_home.write_bytes(b"")
    elif where == "no home":
        monkeypatch.delenv("XDG_CACHE_HOME")
        monkeypatch.delenv("HOME", raising=False)
    else:
        monkeypatch.setenv(starts.hook.CACHE_OFF, "1")
    root, cache = starts.start()
    assert cache is None and [p.name for p in root.iterdir()] == ["python3.11"]
    assert not starts.folder.is_dir() or not list(starts.folder.iterdir())
