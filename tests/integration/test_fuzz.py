"""Every input hostile: Hypothesis feeds each parser and loader malformed, truncated, huge,
binary, deeply nested and wrongly encoded input. The only allowed outcome is the program's own
error naming the file and the place (or a clean result) — never another exception or a hang.

The number of cases run per input is printed at the end of the test session.
"""

from __future__ import annotations

import contextlib
import io
import json
import string
from pathlib import Path
from unittest import mock

import pytest
from fuzzcount import count_case
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from viewer.citeproc import citation
from viewer.cli import main
from viewer.core.importers import ImportFileError, parse_bytes, read_file
from viewer.core.library import Library, LibraryError, library_file
from viewer.core.csl_item import csl_item
from viewer.core.record import RecordError, parse_record, record_to_data
from viewer.core.resources import resource_path

RECORD = json.loads(resource_path("records", "ncj-203234.json").read_text(encoding="utf-8"))
FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                         HealthCheck.function_scoped_fixture])

# Text with what only JSON's \u escapes can carry: lone surrogate halves, and NUL.
odd_text = st.text(st.characters() | st.sampled_from(["\ud800", "\udfff", "\x00", "&", "<", "\u202e"]),
                   max_size=40)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | odd_text,
    lambda children: st.lists(children, max_size=6) | st.dictionaries(st.text(max_size=12), children, max_size=6),
    max_leaves=40,
)


def mutated_records():
    """The real record with fields dropped, replaced by any JSON value, or nested deeper."""
    return st.builds(_mutate, st.lists(st.tuples(st.sampled_from(sorted(RECORD) + ["outline.0", "issued.x"]),
                                                 json_values), max_size=4))


def _mutate(changes):
    data = json.loads(json.dumps(RECORD))
    for key, value in changes:
        if key == "outline.0" and isinstance(data.get("outline"), list) and data["outline"]:
            data["outline"][0] = value
        elif key == "issued.x" and isinstance(data.get("issued"), dict):
            data["issued"]["year"] = value
        elif value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def hostile_bytes():
    valid = json.dumps(RECORD).encode()
    return st.one_of(
        st.binary(max_size=2000),
        st.text(max_size=2000).map(lambda t: t.encode("utf-8", "surrogatepass")),
        st.integers(0, len(valid)).map(lambda n: valid[:n]),  # truncated
        st.integers(1, 5000).map(lambda n: b"[" * n + b"]" * n),  # deeply nested
        st.integers(1, 5000).map(lambda n: ('{"a":' * n + "1" + "}" * n).encode()),
        st.text(max_size=500).map(lambda t: t.encode("utf-16")),  # wrongly encoded
        st.integers(100_000, 3_000_000).map(lambda n: b'{"title": "' + b"x" * n + b'"}'),  # huge
    )


def assert_names_source(exc: Exception, source: str) -> None:
    assert str(exc).startswith(source), str(exc)


@FUZZ
@given(raw=hostile_bytes())
def test_record_files(raw):
    count_case("record files")
    try:
        parse_record(raw, "fuzz.json")
    except RecordError as exc:
        assert_names_source(exc, "fuzz.json")


@FUZZ
@given(data=mutated_records())
def test_record_files_with_wrong_fields(data):
    count_case("record files (wrong fields)")
    try:
        record = parse_record(json.dumps(data), "fuzz.json")
    except RecordError as exc:
        assert_names_source(exc, "fuzz.json")
        assert exc.problem
    else:
        assert record.title.strip()


def ris_text():
    tags = st.sampled_from(["TY", "ER", "TI", "T1", "AU", "A1", "PY", "DA", "AB", "N1", "M1", "AN", "UR",
                            "SP", "EP", "DB", "XX", "  ", "1."])
    line = st.tuples(tags, st.sampled_from(["  - ", " - ", "-", "  -"]), st.text(max_size=30)).map("".join)
    return st.lists(line, max_size=40).map("\n".join)


def bibtex_text():
    pieces = st.sampled_from(["@article{", "@techreport{", "@misc{", "@string{", "@comment{", "key,", "title = ",
                              "author = ", "{", "}", "\"", ",", "year = 2003", "month = 13", " and ", "\\",
                              "@", "=", "#", "\n"])
    return st.lists(st.one_of(pieces, st.text(max_size=10)), max_size=60).map("".join)


def csl_json_text():
    item = st.dictionaries(st.sampled_from(["id", "type", "title", "author", "issued", "number", "note",
                                            "container-title", "abstract", "URL", "page"]), json_values, max_size=8)
    return st.one_of(st.lists(item, max_size=6).map(json.dumps), json_values.map(json.dumps),
                     st.text(max_size=300))


@FUZZ
@given(text=st.one_of(ris_text(), bibtex_text(), csl_json_text()), fmt=st.sampled_from(["ris", "bibtex", "csl-json", None]))
def test_import_files(text, fmt):
    count_case("RIS / BibTeX / CSL-JSON imports")
    for raw in (text.encode("utf-8", "surrogatepass"), text.encode("utf-16")):
        try:
            report = parse_bytes(raw, "fuzz.ref", fmt)
        except ImportFileError as exc:
            assert_names_source(exc, "fuzz.ref")
            continue
        for bad in report.bad:
            assert bad.file == "fuzz.ref" and bad.where and bad.reason
        for entry in report.entries:
            assert entry.record.title.strip()


def cited_items():
    """CSL-JSON items whose text holds anything: lone surrogate halves and NUL included."""
    names = st.lists(st.fixed_dictionaries({}, optional={"family": odd_text, "given": odd_text,
                                                         "literal": odd_text}), max_size=3)
    return st.fixed_dictionaries({"title": odd_text.filter(str.strip)},
                                 optional={"author": names, "container-title": odd_text, "publisher": odd_text,
                                           "issued": st.fixed_dictionaries({"date-parts": st.just([[2003, 3]])}),
                                           "note": odd_text, "page": odd_text})


@pytest.mark.slow  # ~16 s: every example builds and renders through citeproc-js
@FUZZ
@given(items=st.lists(cited_items(), min_size=1, max_size=3), style_id=st.sampled_from(["apa", "ieee"]))
def test_imported_records_are_cited_by_the_engine_or_refused(items, style_id):
    """Records from a file go to citeproc-js in QuickJS: a citation, or the program's own error."""
    count_case("records cited by the JavaScript engine")
    text = json.dumps([{"type": "report", **item} for item in items])  # lone surrogates as \u escapes
    records = [entry.record for entry in parse_bytes(text.encode(), "fuzz.json", "csl-json").entries]
    try:
        if records:
            citation.render(records[0], style_id)
            citation.bibliography(records, style_id)
    except citation.CitationError as exc:
        assert str(exc).startswith(citation.style(style_id).name), str(exc)


@FUZZ
@given(raw=hostile_bytes())
def test_import_binary_and_truncated_files(raw):
    count_case("imports (binary, truncated, nested)")
    try:
        report = parse_bytes(raw, "fuzz.bin")
    except ImportFileError as exc:
        assert_names_source(exc, "fuzz.bin")
    else:
        assert all(bad.where for bad in report.bad)


def page_text():
    """Lines an NCJRS page is made of (labels, values of every form, chrome), shuffled with noise."""
    words = st.sampled_from([
        "NCJ Number", "NCJ Number:", "Title:", "Journal", "Author(s)", "Author(s):", "Editor(s)", "Corporate Author",
        "Corporate Author:", "Publisher", "Sponsoring Agency", "Sale Source:", "Grant Number", "Date Published",
        "Length", "Page Count:", "Annotation", "Abstract", "Country:", "Language", "Publication Type", "Type:",
        "Format:", "Publication Number: ISBN 0-12-345678-9", "Document URL", "Dataset URL", "Similar Publications",
        "203234", "NCJ 224393 Add to Shopping cart Find in a Library", "Fall 2008", "(October-December 1979)",
        "09/2008", "Unknown", "1981", "State Court Journal  Volume:4  Issue:3  Dated:(Summer 1980)  Pages:3-8,41-44",
        "J S Wall; J D Hawkins", "Elzbieta M. Gozdziak Ph.D. ; Micah N. Bump M.A.", "ESTHER GIMENEZ-SALINAS I COLOMER",
        "Title (From Book, P 81-88, 1988, Dennis Rowe, ed. -- See NCJ-117642)", "Washington, DC 20531",
        "United States of America", "U.S. flag", "NCJRS Virtual Library", "PDF", "https://example.org/a.pdf",
        "164 pages", "999999999999 pages", "Volume: 99999999999999", "\u00a0", "  ", "", "(From ", ";", ",",
        "To cite this abstract, use the following link:", "<br>", "<p>", "</div>", "<link rel=\"canonical\" href=\"",
    ])
    line = st.one_of(words, st.text(max_size=40), st.tuples(words, st.text(max_size=12)).map(" ".join))
    return st.lists(line, max_size=50).map("\n".join)


@FUZZ
@given(text=page_text(), fmt=st.sampled_from(["ncjrs-page", None]), html=st.booleans())
def test_ncjrs_pages(text, fmt, html):
    """A page is imported whole (and its record stores, reloads and cites) or refused in one line."""
    count_case("NCJRS pages")
    if html:
        text = f"<!DOCTYPE html><html><body><p>{text}</p></body></html>"
    try:
        report = parse_bytes(text.encode("utf-8", "surrogatepass"), "fuzz.page", fmt)
    except ImportFileError as exc:
        assert_names_source(exc, "fuzz.page")
        assert "\n" not in str(exc)
        return
    assert report.bad == []
    for entry in report.entries:
        record = entry.record
        assert record.title.strip()
        assert parse_record(json.dumps(record_to_data(record)), "fuzz.json") == record
        csl_item(record, "apa")
        record.fields()


ARG_WORDS = ["sections", "show", "cite", "styles", "export", "pdf", "import", "search", "--style", "--format",
             "--in-text", "--file", "--record", "--library", "--section", "--limit", "-o", "--version", "--help",
             "apa", "ieee", "ris", "html", "text", "abstract", "details", "nope", "0", "-1", "", "--", "-",
             "\x00", "é", "--all-or-none", "--page-size"]


@FUZZ
@given(argv=st.lists(st.one_of(st.sampled_from(ARG_WORDS), st.text(max_size=8)), max_size=6))
def test_command_line_arguments(argv, tmp_path_factory):
    count_case("command-line arguments")
    home = tmp_path_factory.mktemp("cli")
    argv = [a.replace("\x00", "") for a in argv]
    argv = [str(home / "x") if a in ("-o", "--library") else a for a in argv] + ["--library", str(home / "lib")]
    out, err = io.StringIO(), io.StringIO()
    # The window is not what is fuzzed here: an argument list that would open it only gets parsed.
    with mock.patch("viewer.app.run_gui", return_value=0), \
            contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exit_:  # --help and --version exit through argparse
            code = exit_.code
    assert code in (0, 1, 2), (argv, code)
    assert "Traceback" not in err.getvalue()
    if code == 2:
        assert err.getvalue().count("\n") == 1 and err.getvalue().startswith("ncjrs-viewer: error: ")


@FUZZ
@given(raw=st.one_of(st.binary(max_size=3000), st.text(max_size=2000).map(str.encode),
                     st.lists(st.tuples(st.sampled_from(["[window]", "[reading]", "[find]", "[citation]", "geometry=",
                                                         "zoom_percent=", "appearance=", "expanded_sections=",
                                                         "case_sensitive=", "style=", "@ByteArray(", "@Variant(",
                                                         "\\x00", "\n"]),
                                        st.text(max_size=10)), max_size=30).map(lambda p: "".join(a + b for a, b in p).encode())))
def test_settings_files(raw, tmp_path_factory, qapp):
    count_case("settings files")
    from viewer.ui import settings as keys
    from viewer.ui.settings import _KEYS, Settings
    path = tmp_path_factory.mktemp("settings") / "s.ini"
    path.write_bytes(raw)
    s = Settings(str(path))
    for name in _KEYS:
        value = s.get(name)
        assert value is None or isinstance(value, _KEYS[name].kind)
    s.set(keys.ZOOM, 120)
    s.sync()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(cut=st.integers(0, 200_000), noise=st.binary(max_size=64), where=st.integers(0, 200_000))
def test_library_database_damaged(cut, noise, where, tmp_path_factory):
    count_case("library database")
    folder = tmp_path_factory.mktemp("lib")
    with Library.open(folder) as lib:
        lib.add_records(__import__("viewer.core.importers", fromlist=["x"]).read_file(
            Path(__file__).resolve().parents[1] / "data" / "sample.json").entries)
    db = library_file(folder)
    for extra in folder.glob("*-wal"):
        extra.unlink()
    data = bytearray(db.read_bytes())
    data = data[:min(cut, len(data))] if cut < len(data) else data
    if noise and data:
        at = where % len(data)
        data[at:at + len(noise)] = noise
    db.write_bytes(bytes(data))
    try:
        with Library.open(folder) as lib:
            lib.count()
            lib.search("violence")
            for record_id, _ in lib.page(0, 50):
                try:
                    lib.get(record_id)
                except KeyError:
                    pass
    except LibraryError as exc:
        assert str(db) in str(exc) or str(folder) in str(exc), str(exc)


@FUZZ
@given(name=st.text(string.ascii_letters + "/.\\ \x00é", max_size=30))
def test_dropped_or_opened_paths(name, tmp_path_factory):
    count_case("dropped / opened paths")
    folder = tmp_path_factory.mktemp("drop")
    (folder / "dir.json").mkdir()
    for path in (folder / name.replace("\x00", "") if name.strip("/") else folder, folder / "dir.json",
                 folder / "missing.ris"):
        try:
            read_file(path)
        except ImportFileError as exc:
            assert str(path) in str(exc) or path.name in str(exc)


def test_copy_without_a_clipboard(make_window, monkeypatch):
    from PySide6.QtGui import QGuiApplication
    window = make_window()
    monkeypatch.setattr(QGuiApplication, "clipboard", staticmethod(lambda: None))
    window.menu_actions.copy_citation.trigger()
    assert "No clipboard is available" in window.statusBar().currentMessage()


# --- issue 16: numbers past int()'s 4,300-digit limit, and files that are not files ---------

big_numbers = st.integers(min_value=4_290, max_value=6_000).map(lambda n: "9" * n) | st.integers().map(str)


@FUZZ
@given(number=big_numbers, where=st.sampled_from(["pagetotal", "date-parts", "pages", "number-of-pages", "year"]),
       fmt=st.sampled_from(["bibtex", "csl-json", "record", "ris"]))
def test_big_integers_anywhere_are_refused_or_kept_as_text(number, where, fmt):
    count_case("integers past 4,300 digits")
    text = {
        "bibtex": f"@book{{k, title={{T}}, {where}={{{number}}}, year={{{number}}}}}\n",
        "csl-json": f'[{{"type": "book", "title": "T", "{where}": {number}, "issued": {{"date-parts": [[{number}]]}}}}]',
        "record": json.dumps({**RECORD, "pages": 1})[:-1] + f', "{where}": {number}}}',
        "ris": f"TY  - RPRT\nTI  - T\nPY  - {number}\nSP  - {number}\nER  - \n",
    }[fmt]
    try:
        parse_bytes(text.encode(), "fuzz.ref", fmt)
    except (ImportFileError, RecordError) as exc:
        assert "\n" not in str(exc) and "fuzz.ref" in str(exc)


@FUZZ
@given(path=st.sampled_from(["/dev/zero", "/dev/null", "/dev/urandom", "fifo", "folder"]),
       fmt=st.sampled_from(["ris", "bibtex", "csl-json", None]))
def test_devices_fifos_and_folders_are_refused_in_one_line(path, fmt, tmp_path_factory):
    count_case("devices, FIFOs and folders as import files")
    folder = tmp_path_factory.mktemp("dev")
    if path == "fifo":
        path = str(folder / "refs.ris")
        __import__("os").mkfifo(path)
    elif path == "folder":
        path = str(folder)
    try:
        read_file(path, fmt)
    except ImportFileError as exc:
        assert "\n" not in str(exc) and ("regular file" in str(exc) or "folder" in str(exc))
    else:
        raise AssertionError(f"{path} was read")
