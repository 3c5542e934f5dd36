"""packaging/trim: the steps that shrink the one-file build, on made-up TOCs and small files.

No PyInstaller run: each step takes and returns plain (dest, src, typecode) lists. The few
tests that read real ELF files use binutils (the build needs it anyway) and skip without it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "packaging"))

import trim  # noqa: E402
from trim import Trim, icu, libraries, qt_files, report  # noqa: E402
from trim.toc import Toc  # noqa: E402

PLUGINS = "PySide6/Qt/plugins/"
LIB = "PySide6/Qt/lib/"
KEPT = {"platforms": {"qxcb", "qoffscreen"}, "imageformats": {"qsvg"}}


def every_tool(tool: str) -> str:
    return f"/usr/bin/{tool}"


def fake_needed(links: Mapping[str, Iterable[str]]) -> libraries.Needed:
    """DT_NEEDED from a table keyed by src; a src not in it names nothing."""
    return lambda src: links.get(src, ())


def linux_trim(keep: Iterable[str] = (), links: Mapping[str, Iterable[str]] | None = None) -> Trim:
    return Trim(keep, linux=True, which=every_tool, needed=fake_needed(links or {}))


# --- Qt's plugins and translations --------------------------------------------------------


@pytest.mark.parametrize(("path", "stem"), [
    (PLUGINS + "platforms/libqxcb.so", "qxcb"),
    ("PySide6\\Qt\\plugins\\platforms\\qwindows.dll", "qwindows"),
    (PLUGINS + "styles/libqmacstyle.dylib", "qmacstyle"),
])
def test_a_plugins_stem_drops_lib_and_every_extension(path, stem):
    assert qt_files.stem(path) == stem


@pytest.mark.parametrize(("dest", "step"), [
    ("PySide6/Qt/translations/qtbase_de.qm", "translations"),
    (PLUGINS + "platforms/libqxcb.so", None),
    (PLUGINS + "platforms/libqwayland-egl.so", "plugins:platforms"),
    (PLUGINS + "imageformats/libqjpeg.so", "plugins:imageformats"),
    (PLUGINS + "sqldrivers/libqsqlite.so", "plugins:sqldrivers"),  # a type not listed at all
    ("PySide6\\Qt\\plugins\\imageformats\\qsvg.dll", None),
    ("PySide6\\Qt\\plugins\\imageformats\\qjpeg.dll", "plugins:imageformats"),
    ("PySide6\\Qt\\translations\\qtbase_de.qm", "translations"),
    (LIB + "libQt6Core.so.6", None),
    ("viewer/_resources/icons/ncjrs-viewer.svg", None),
])
def test_each_collected_file_is_dropped_by_its_step_or_kept(dest, step):
    assert qt_files.dropped_by(dest, KEPT) == step


def test_qt_files_drops_and_records_by_step_and_keeps_what_keep_names():
    toc: Toc = [
        (PLUGINS + "platforms/libqxcb.so", "/src/libqxcb.so", "BINARY"),
        (PLUGINS + "platforms/libqvnc.so", "/src/libqvnc.so", "BINARY"),
        (PLUGINS + "imageformats/libqjpeg.so", "/src/libqjpeg.so", "BINARY"),
        (PLUGINS + "imageformats/libqgif.so", "/src/libqgif.so", "BINARY"),
        ("PySide6/Qt/translations/qt_fr.qm", "/src/qt_fr.qm", "DATA"),
        (LIB + "libQt6Core.so.6", "/src/libQt6Core.so.6", "BINARY"),
    ]
    trimming = linux_trim()
    assert [e[0] for e in trimming.qt_files(toc, KEPT)] == [toc[0][0], toc[5][0]]
    assert trimming.removed == {"plugins:platforms": [toc[1]], "plugins:imageformats": toc[2:4],
                                "translations": [toc[4]]}

    some_kept = linux_trim(keep={"plugins:imageformats", "translations"})
    assert some_kept.qt_files(toc, KEPT) == toc[:1] + toc[2:]
    assert some_kept.removed == {"plugins:platforms": [toc[1]]}
    assert linux_trim(keep={"plugins", "translations"}).qt_files(toc, KEPT) == toc


# --- The steps a build runs, and their tools ----------------------------------------------


def test_the_linux_steps_run_on_linux_only_and_keep_skips_them():
    assert linux_trim().strips and linux_trim().runs("icu") and linux_trim().runs("prune")
    assert not linux_trim(keep={"strip"}).strips
    assert not linux_trim(keep={"icu"}).runs("icu") and linux_trim(keep={"icu"}).runs("prune")
    elsewhere = Trim((), linux=False, which=lambda tool: None)  # no binutils needed on Windows or macOS
    assert not elsewhere.strips and not elsewhere.runs("icu") and not elsewhere.runs("prune")
    assert elsewhere.runs("translations") and elsewhere.runs("plugins:styles")


def test_a_missing_tool_stops_the_build_before_the_analysis():
    # PyInstaller only warns when strip fails: 12 MB more, unnoticed, without this check.
    no_strip = lambda tool: None if tool == "strip" else every_tool(tool)  # noqa: E731
    with pytest.raises(trim.MissingTools, match=r"'strip' \(for strip\).*--keep STEP"):
        Trim((), linux=True, which=no_strip)
    Trim({"strip"}, linux=True, which=no_strip)  # skipped: not needed

    no_icupkg = lambda tool: None if tool == "icupkg" else every_tool(tool)  # noqa: E731
    with pytest.raises(trim.MissingTools, match="icupkg"):
        Trim((), linux=True, which=no_icupkg)
    Trim({"icu"}, linux=True, which=no_icupkg)


def test_readelf_is_needed_even_without_pruning():
    """The final check that every linked library is inside reads DT_NEEDED too."""
    assert trim.missing_tools(["linked"], which=lambda tool: None) == {"readelf": ["linked"]}
    assert trim.missing_tools(["icu", "prune"], which=lambda t: None if t == "readelf" else t) == {
        "readelf": ["icu", "prune"]}
    with pytest.raises(trim.MissingTools, match="readelf"):
        Trim({"icu", "prune", "strip"}, linux=True, which=lambda tool: None)


# --- ELF dependencies --------------------------------------------------------------------

READELF_D = """
Dynamic section at offset 0x1fa9f8 contains 33 entries:
  Tag        Type                         Name/Value
 0x0000000000000001 (NEEDED)             Shared library: [libicudata.so.72]
 0x0000000000000001 (NEEDED)             Shared library: [libstdc++.so.6]
 0x000000000000000e (SONAME)             Library soname: [libicuuc.so.72]
 0x000000000000001d (RUNPATH)            Library runpath: [$ORIGIN]
"""


def test_needed_names_are_read_from_readelfs_dynamic_section():
    assert libraries.parse_needed(READELF_D) == {"libicudata.so.72", "libstdc++.so.6"}
    assert libraries.parse_needed("There is no dynamic section in this file.\n") == frozenset()


needs_binutils = pytest.mark.skipif(not all(shutil.which(t) for t in ("readelf", "as", "ld")),
                                    reason="binutils is not installed (packaging/build.sh installs it)")


@needs_binutils
def test_needed_names_of_real_elf_files(tmp_path):
    assert "libc.so.6" in libraries.dt_needed(shutil.which("true") or "/bin/true")
    # Two tiny libraries: libtop links libbottom, which links nothing.
    (tmp_path / "empty.s").write_text('    .section .note.GNU-stack,"",@progbits\n', encoding="ascii")
    subprocess.run(["as", "-o", tmp_path / "empty.o", tmp_path / "empty.s"], check=True)
    for soname, more in (("libbottom.so.1", []), ("libtop.so.2", [tmp_path / "libbottom.so.1"])):
        subprocess.run(["ld", "-shared", "-soname", soname, "-o", tmp_path / soname, tmp_path / "empty.o", *more],
                       check=True)
    assert libraries.dt_needed(str(tmp_path / "libtop.so.2")) == {"libbottom.so.1"}
    assert libraries.dt_needed(str(tmp_path / "libbottom.so.1")) == frozenset()


# --- Pruning -----------------------------------------------------------------------------

EXT = ("PySide6/QtGui.abi3.so", "/src/QtGui.abi3.so", "EXTENSION")
XCB = (PLUGINS + "platforms/libqxcb.so", "/src/libqxcb.so", "BINARY")
PYTHON = ("libpython3.11.so.1.0", "/src/libpython3.11.so.1.0", "BINARY")
GUI = (LIB + "libQt6Gui.so.6", "/src/libQt6Gui.so.6", "BINARY")
CORE = (LIB + "libQt6Core.so.6", "/src/libQt6Core.so.6", "BINARY")
XCBQPA = (LIB + "libQt6XcbQpa.so.6", "/src/libQt6XcbQpa.so.6", "BINARY")
ZLIB = ("libz.so.1", "/src/libz.so.1", "BINARY")
WAYLAND = (LIB + "libQt6WaylandClient.so.6", "/src/libQt6WaylandClient.so.6", "BINARY")
WL = ("libwayland-client.so.0", "/src/libwayland-client.so.0", "BINARY")
GTK = ("libgtk-3.so.0", "/src/libgtk-3.so.0", "BINARY")
DATA = ("viewer/_resources/records/a.json", "/src/a.json", "DATA")
# Dropped earlier: the Wayland platform plugin and the GTK theme plugin.
WAYLAND_PLUGIN = (PLUGINS + "platforms/libqwayland-egl.so", "/src/libqwayland-egl.so", "BINARY")
GTK_PLUGIN = (PLUGINS + "platformthemes/libqgtk3.so", "/src/libqgtk3.so", "BINARY")
LINKS = {
    EXT[1]: ["libQt6Gui.so.6", "libc.so.6"], GUI[1]: ["libQt6Core.so.6"], CORE[1]: ["libicuuc.so.73"],
    XCB[1]: ["libQt6XcbQpa.so.6"], XCBQPA[1]: ["libQt6Gui.so.6", "libxcb.so.1"], PYTHON[1]: ["libz.so.1"],
    WAYLAND_PLUGIN[1]: ["libQt6WaylandClient.so.6", "libwayland-client.so.0"],
    WAYLAND[1]: ["libwayland-client.so.0"], GTK_PLUGIN[1]: ["libgtk-3.so.0", "libwayland-client.so.0"],
}
TOC: Toc = [EXT, XCB, PYTHON, GUI, CORE, XCBQPA, ZLIB, WAYLAND, WL, GTK, DATA]
KEPT_AFTER_PRUNING: Toc = [EXT, XCB, PYTHON, GUI, CORE, XCBQPA, ZLIB, DATA]


def test_roots_are_what_python_and_qt_load_by_name():
    assert [libraries.is_root(e) for e in (EXT, XCB, PYTHON, GUI, ZLIB)] == [True, True, True, False, False]
    assert libraries.is_root(("PySide6\\Qt\\plugins\\styles\\qwindowsvistastyle.dll", "x", "BINARY"))


def test_pruning_keeps_what_a_root_needs_transitively_and_in_order():
    assert libraries.closure(TOC, needed=fake_needed(LINKS)) == KEPT_AFTER_PRUNING
    # A root given from outside (a dropped plugin) keeps what it needs, for the report's sake.
    with_wayland = libraries.closure(TOC, [WAYLAND_PLUGIN], needed=fake_needed(LINKS))
    assert with_wayland == KEPT_AFTER_PRUNING[:-1] + [WAYLAND, WL, DATA]


def test_a_library_is_kept_only_when_named_not_because_of_where_it_sits():
    unlinked = {**LINKS, PYTHON[1]: []}
    assert ZLIB not in libraries.closure(TOC, needed=fake_needed(unlinked))


def test_a_library_opened_by_name_is_kept_with_what_it_links():
    """pypdfium2 opens libpdfium by ctypes: nothing links it, yet prune(loaded=...) must keep it."""
    pdfium = ("pypdfium2_raw/libpdfium.so", "/src/libpdfium.so", "BINARY")
    links = {**LINKS, pdfium[1]: ["libz.so.1"]}
    unlinked = {**links, PYTHON[1]: []}  # nothing else needs zlib now
    kept = linux_trim(links=unlinked).prune(TOC + [pdfium], [], loaded={"libpdfium.so"})[0]
    assert pdfium in kept and ZLIB in kept
    assert pdfium not in linux_trim(links=unlinked).prune(TOC + [pdfium], [])[0]


def test_each_freed_library_is_blamed_on_the_one_step_whose_files_needed_it():
    freed = [WAYLAND, WL, GTK]
    removed = {"plugins:platforms": [WAYLAND_PLUGIN], "plugins:platformthemes": [GTK_PLUGIN],
               "translations": [("PySide6/Qt/translations/qt_de.qm", "/src/qt_de.qm", "DATA")],
               # The replaced ICU data is never blamed, whatever it would link.
               "icu": [(LIB + "libicudata.so.73", "/src/old/libicudata.so.73", "BINARY")]}
    links = {**LINKS, "/src/old/libicudata.so.73": ["libgtk-3.so.0"]}
    assert libraries.blame(freed, TOC, removed, fake_needed(links)) == {
        "plugins:platforms": [WAYLAND],
        "prune: libraries several steps needed": [WL],  # both plugins linked it
        "plugins:platformthemes": [GTK],
    }


def test_prune_records_the_freed_libraries_and_drops_links_to_them():
    trimming = linux_trim(links=LINKS)
    trimming.removed = {"plugins:platforms": [WAYLAND_PLUGIN], "plugins:platformthemes": [GTK_PLUGIN]}
    links_kept = ("libQt6Gui.so.6", LIB + "libQt6Gui.so.6", "SYMLINK")
    link_dangling = ("libQt6WaylandClient.so.6", LIB + "libQt6WaylandClient.so.6", "SYMLINK")
    binaries, datas = trimming.prune(TOC[:-1] + [links_kept, link_dangling], [DATA])
    assert (binaries, datas) == (KEPT_AFTER_PRUNING[:-1] + [links_kept], [DATA])
    assert trimming.removed["plugins:platforms"] == [WAYLAND_PLUGIN, WAYLAND]
    assert trimming.removed["plugins:platformthemes"] == [GTK_PLUGIN, GTK]
    assert linux_trim(keep={"prune"}, links=LINKS).prune(TOC, []) == (TOC, [])


def test_links_are_dropped_only_when_their_target_is_nowhere_inside():
    binaries: Toc = [GUI, ("libQt6Gui.so.6", GUI[0], "SYMLINK"), ("libgone.so.1", LIB + "libgone.so.1", "SYMLINK")]
    datas: Toc = [DATA, ("data-link.json", DATA[0], "SYMLINK"), ("dangling.json", "nowhere.json", "SYMLINK"),
                  ("to-a-link", "libQt6Gui.so.6", "SYMLINK")]  # a link to a link: not a file inside
    assert libraries.drop_dangling_links(binaries, datas) == (binaries[:2], datas[:2])


def test_the_systems_libraries_are_taken_out_by_file_name():
    x11 = (LIB + "libX11.so.6", "/src/libX11.so.6", "BINARY")
    trimming = linux_trim()
    assert trimming.system([GUI, x11, ZLIB], {"libX11.so.6", "libcups.so.2"}) == [GUI, ZLIB]
    assert trimming.removed == {"system": [x11]}
    assert linux_trim(keep={"system"}).system([GUI, x11], {"libX11.so.6"}) == [GUI, x11]


def test_a_linked_library_neither_inside_nor_the_systems_fails_the_build():
    links = {**LINKS, CORE[1]: ["libicuuc.so.73", "ld-linux-x86-64.so.2", "libX11.so.6", "libgone.so.3"],
             GUI[1]: ["libgone.so.3", "libc.so.6"]}
    toc = KEPT_AFTER_PRUNING + [(LIB + "libicuuc.so.73", "/src/libicuuc.so.73", "BINARY")]
    bundles = lambda soname: soname not in {"libc.so.6", "libxcb.so.1"}  # noqa: E731 (PyInstaller's list)
    assert libraries.missing(toc, {"libX11.so.6"}, bundles, fake_needed(links)) == {
        "libgone.so.3": [GUI[0], CORE[0]]}
    with pytest.raises(libraries.MissingLibraries, match=r"libgone\.so\.3 \(needed by .*libQt6Core"):
        linux_trim(links=links).check_linked(toc, {"libX11.so.6"}, bundles)
    linux_trim(links=LINKS).check_linked(toc, {"libX11.so.6"}, bundles)
    Trim((), linux=False, needed=fake_needed(links)).check_linked(toc, set(), bundles)  # Linux only


# --- ICU data ------------------------------------------------------------------------------


@pytest.mark.parametrize(("item", "size", "kept"), [
    ("root.res", 900, True), ("en.res", 900, True), ("en_GB.res", 900, True), ("coll/root.res", 900, True),
    ("zone/en.res", 900, True), ("res_index.res", 900, True), ("coll/res_index.res", 900, True),
    ("pool.res", 900, True), ("supplementalData.res", 900, True), ("zoneinfo64.res", 900, True),
    ("nfkc.nrm", 900, True), ("uts46.nrm", 900, True),
    ("de.res", 900, False), ("coll/sv.res", 900, False), ("zone/fr_CA.res", 900, False), ("yue.res", 900, False),
    ("brkitr/char.brk", 900, False), ("brkitr/root.res", 900, False), ("translit/root.res", 900, False),
    ("laodict.dict", 900, False), ("rfc3491.spp", 900, False), ("confusables.cfu", 900, False),
    ("unames.icu", 900, False),
    ("ibm-1252_P100-2000.cnv", 2048, True), ("ibm-943_P15A-2003.cnv", 180_000, False),
    ("small.cnv", icu.SMALL_CODEPAGE - 1, True), ("large.cnv", icu.SMALL_CODEPAGE, False),
])
def test_icu_keeps_root_english_and_single_byte_code_pages(item, size, kept):
    assert icu.keeps(item, size) is kept


def icu_package(items: dict[str, bytes], prefix: str = "icudt73l") -> bytes:
    """An ICU common data package: a header (its size in the first two bytes), then a table of
    contents (count, then name and data offsets from the table's start), names, data."""
    header = (16).to_bytes(2, "little") + bytes(14)
    names = b"".join(f"{prefix}/{name}".encode("ascii") + b"\0" for name in items)
    table = 4 + 8 * len(items)
    name_at, data_at, pairs = table, table + len(names), b""
    for name, data in items.items():
        pairs += name_at.to_bytes(4, "little") + data_at.to_bytes(4, "little")
        name_at += len(prefix) + 1 + len(name) + 1
        data_at += len(data)
    return header + len(items).to_bytes(4, "little") + pairs + names + b"".join(items.values())


def test_an_icu_packages_items_and_their_sizes_are_read_from_its_table():
    items = {"coll/root.res": b"r" * 40, "de.res": b"d" * 12, "ibm-943_P15A-2003.cnv": b"c" * 7}
    assert icu.package_items(icu_package(items)) == {"coll/root.res": 40, "de.res": 12, "ibm-943_P15A-2003.cnv": 7}
    assert icu.package_items(icu_package({})) == {}


NM = "0000000000003010 0000000001dcde00 R icudt72_dat\n0000000000001100 0000000000000010 T other\n"
SECTIONS = """  [Nr] Name              Type            Address          Off    Size   ES Flg Lk Inf Al
  [ 9] .text             PROGBITS        0000000000001040 001040 0000b9 00  AX  0   0 16
  [11] .rodata           PROGBITS        0000000000003000 002000 1dcde20 00   A  0   0 16
"""


def test_the_data_symbol_is_found_in_the_file_through_rodatas_address_and_offset():
    assert icu.find_data_symbol(NM, SECTIONS) == icu.DataSymbol(0x2010, 0x1DCDE00, "icudt72_dat", "72")
    assert icu.find_data_symbol(NM + NM.replace("72", "73"), SECTIONS) is None  # two: which one?
    assert icu.find_data_symbol("", SECTIONS) is None
    assert icu.find_data_symbol(NM, SECTIONS.replace(".rodata", ".data")) is None


def test_what_a_dropped_item_leaves_broken_is_dropped_too_until_icupkg_is_content():
    calls: list[set[str]] = []

    def icupkg(drop: set[str]) -> tuple[int, str]:
        calls.append(set(drop))
        if "ibm-33722.cnv" in drop and "ibm-33722_base.cnv" not in drop:
            return 1, "Item ibm-33722_base.cnv depends on missing item ibm-33722.cnv\n"
        return 0, ""

    assert icu.complete_drop({"ibm-33722.cnv", "de.res"}, icupkg) == {
        "ibm-33722.cnv", "de.res", "ibm-33722_base.cnv"}
    assert len(calls) == 2
    with pytest.raises(icu.IcuError, match="icupkg failed:\nno such file"):
        icu.complete_drop({"de.res"}, lambda drop: (2, "no such file"))
    with pytest.raises(icu.IcuError):  # the same complaint again: no progress, no endless loop
        icu.complete_drop({"x"}, lambda drop: (1, "Item x depends on missing item y"))


def test_the_new_library_holds_the_trimmed_package_under_the_same_symbol():
    source = icu.assembly("icudt73_dat", Path("/work/icu/trimmed/icudt73l.dat"))
    assert ".globl icudt73_dat\n" in source and "icudt73_dat:\n" in source
    assert '.incbin "/work/icu/trimmed/icudt73l.dat"' in source
    assert source.index(".section .rodata") < source.index(".incbin") < source.index(".note.GNU-stack")


def test_libicudata_is_replaced_in_place_and_recorded(tmp_path):
    old = tmp_path / "libicudata.so.73"
    old.write_bytes(b"x" * 3000)
    built: list[tuple[str, Path]] = []

    def rebuild(lib: str, out: Path) -> tuple[Path, int, int]:
        built.append((lib, out))
        new = tmp_path / "new" / "libicudata.so.73"
        new.parent.mkdir()
        new.write_bytes(b"y" * 1000)
        return new, 10, 7

    toc: Toc = [CORE, (LIB + "libicudata.so.73", str(old), "BINARY"), ZLIB]
    trimming = linux_trim()
    trimmed = trimming.icu(toc, tmp_path / "out", build=rebuild)
    assert built == [(str(old), tmp_path / "out")]
    assert trimmed == [CORE, (LIB + "libicudata.so.73", str(tmp_path / "new" / "libicudata.so.73"), "BINARY"), ZLIB]
    assert trimming.removed == {"icu": [toc[1]]} and trimming.added == {"icu": [trimmed[1]]}
    assert linux_trim(keep={"icu"}).icu(toc, tmp_path / "out", build=rebuild) == toc and len(built) == 1

    messages: list[str] = []
    icu.replace(toc, tmp_path / "out2", build=lambda lib, out: (tmp_path / "new" / "libicudata.so.73", 10, 7),
                log=messages.append)
    assert messages == ["ncjrs-viewer.spec: ICU data: 3 of 10 items kept (0.0 MB -> 0.0 MB)"]


SYSTEM_ICU = sorted(Path("/usr/lib/x86_64-linux-gnu").glob("libicudata.so.[0-9][0-9]"))


@pytest.mark.skipif(not (SYSTEM_ICU and shutil.which("nm") and shutil.which("readelf")),
                    reason="no system libicudata or binutils to read")
def test_a_real_libicudata_is_read_and_trimmed_to_a_fraction():
    found, data = icu.read_data(str(SYSTEM_ICU[0]))
    assert found.symbol == f"icudt{SYSTEM_ICU[0].name.split('.')[-1]}_dat" and len(data) == found.size
    items = icu.package_items(data)
    assert {"root.res", "coll/root.res", "en.res", "de.res", "zoneinfo64.res"} <= set(items)
    kept = sum(size for item, size in items.items() if icu.keeps(item, size))
    assert kept < 0.2 * len(data)


# --- The report ----------------------------------------------------------------------------


def test_the_report_counts_what_each_step_saved(tmp_path):
    files = {}
    for name, size in (("a.qm", 200_000), ("b.qm", 100_000), ("icu-old", 600_000), ("icu-new", 100_000)):
        files[name] = tmp_path / name
        files[name].write_bytes(os.urandom(size) if name.startswith("icu") else b"\0" * size)
    removed = {"translations": [("t/b.qm", str(files["b.qm"]), "DATA"), ("t/a.qm", str(files["a.qm"]), "DATA"),
                                ("t/gone.qm", str(tmp_path / "not-there"), "DATA")],
               "icu": [("libicudata.so.73", str(files["icu-old"]), "BINARY")]}
    added = {"icu": [("libicudata.so.73", str(files["icu-new"]), "BINARY")]}
    lines = report.lines(removed, added, packed=lambda src: Path(src).stat().st_size // 2)
    assert lines == ["step\tfiles\tMB saved unpacked\tMB saved packed (zlib -9)",
                     "icu\t1\t0.50\t0.25", "    libicudata.so.73",
                     "translations\t2\t0.30\t0.15", "    t/a.qm", "    t/b.qm"]
    assert report.packed_size(str(files["b.qm"])) < 10_000  # zeros compress; random bytes do not
    trimming = linux_trim()
    trimming.removed, trimming.added = removed, added
    assert trimming.report().splitlines()[1:3] == ["icu\t1\t0.50\t0.50", "    libicudata.so.73"]
