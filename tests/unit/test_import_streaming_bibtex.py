"""BibTeX imports that stream: the text is cut at block starts and parsed a batch of entries at a
time, with the @string macros and entry keys of earlier batches, and gives what parsing the whole
text gives (issue 16, point 9)."""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

import viewer.core.library.adding as adding_module
from viewer.core.bounded import Cancelled
from viewer.core.importers import ImportFileError, ImportReport, ImportStream, import_file, parse_bibtex, stream_file
from viewer.core.importers import bibtex as bibtex_module
from viewer.core.importers import bibtex_split
from viewer.core.importers.bibtex import iter_bibtex
from viewer.core.importers.bibtex_split import batches, counted_lines
from viewer.core.importers.common import BadValue, with_place
from viewer.core.importers.common import BadEntry
from viewer.core.library import Library

DATA = Path(__file__).resolve().parent.parent / "data"


def whole_text_report(text: str, source: str = "t.bib") -> ImportReport:
    """The reader before streaming: bibtexparser given the whole text at once."""
    import bibtexparser
    from bibtexparser import model

    report = ImportReport(source, "bibtex")
    index = 0
    for block in bibtexparser.parse_string(text).blocks:
        line = (block.start_line or 0) + 1
        if isinstance(block, model.DuplicateBlockKeyBlock):
            report.bad.append(BadEntry(source, f"line {line}", f"duplicate key '{block.key}'", line=line, index=index))
        elif isinstance(block, model.ParsingFailedBlock):
            report.bad.append(BadEntry(source, f"line {line}", bibtex_module._bib_error(block), line=line, index=index))
        elif isinstance(block, model.Entry):
            try:
                imported = bibtex_module._bib_entry(block, f"line {line}")
            except BadValue as exc:
                report.bad.append(BadEntry(source, f"line {line}", f"@{block.entry_type}{{{block.key}}}: {exc}",
                                           line=line, index=index))
            else:
                report.entries.append(with_place(imported, line, index))
        else:
            continue
        index += 1
    if not report.entries and not report.bad:
        raise ImportFileError(source, "", "no BibTeX entries found")
    return report


def outcome(read: Any) -> Any:
    try:
        report = read()
    except ImportFileError as exc:
        return str(exc)
    return [(e.record, e.citation, e.line, e.index, e.where) for e in report.entries], report.bad


def streamed(text: str, chunk: int) -> ImportReport:
    report = ImportReport("t.bib", "bibtex")
    pieces = [text[i:i + chunk] for i in range(0, len(text), chunk)]
    report.entries.extend(iter_bibtex(pieces, "t.bib", report.bad))
    return report


def names_a_later_macro(text: str) -> bool:
    """Whether an entry names a macro defined after it: the one thing a batch cannot know (BibTeX
    itself reads a macro's definition before its use; bibtexparser given the whole text resolves it)."""
    from bibtexparser.splitter import Splitter

    library = Splitter(text).split()
    defined = [(s.key.lower(), s.start_line or 0) for s in library.strings]
    return any(isinstance(f.value, str) and name == f.value.lower() and line > (e.start_line or 0)
               for e in library.entries for f in e.fields for name, line in defined)


def bib_text() -> st.SearchStrategy[str]:
    pieces = st.sampled_from(["@article{", "@techreport{", "@misc(", "@string{", "@STRING(", "@comment{",
                              "@preamble{", "key,", "title = ", "author = ", "journal = ", "{", "}", "(", ")",
                              "\"", ",", "year = 2003", "month = 13", " and ", "\\", "@", "=", "#", "\n", "\n",
                              "\n  ", "\\\n", "\r\n", "jq", "JQ", "@string{jq = {Justice Quarterly}}\n",
                              "@string{jq = \"J. Q.\"}\n", "@misc{k1, title = jq}\n", "@misc{k1, title={T}}\n",
                              "@book{k2, title = {Book}, year = {2001}}\n", "\n@misc{open, title = {x\n"])
    return st.lists(st.one_of(pieces, st.text(max_size=6)), max_size=50).map("".join)


@settings(max_examples=400, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(text=bib_text(), batch=st.sampled_from([1, 2, 3]), chunk=st.sampled_from([1, 5, 64]))
@example(text=(DATA / "sample.bib").read_text("utf-8"), batch=1, chunk=3)
def test_batches_of_any_size_read_as_the_whole_text(monkeypatch: pytest.MonkeyPatch, text: str,
                                                    batch: int, chunk: int) -> None:
    assume(not names_a_later_macro(text))
    expected = outcome(lambda: whole_text_report(text))
    monkeypatch.setattr(bibtex_split, "BATCH", batch)
    assert outcome(lambda: streamed(text, chunk)) == expected
    assert outcome(lambda: parse_bibtex(text, "t.bib")) == expected


def test_a_macro_defined_after_its_use_in_a_later_batch_is_not_resolved(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "@misc{a, title = {A}, journal = jq}\n@string{jq = {Justice Quarterly}}\n"
    assert parse_bibtex(text).entries[0].citation["container-title"] == "Justice Quarterly"  # one batch
    monkeypatch.setattr(bibtex_split, "BATCH", 1)
    assert parse_bibtex(text).entries[0].citation["container-title"] == "jq"  # as BibTeX reads it


def test_macros_and_keys_of_earlier_batches_count(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bibtex_split, "BATCH", 2)
    text = ("@string{jq = {Justice Quarterly}}\n@STRING{Ab = \"First\"}\n@string{ab = {Second}}\n"
            "@misc{a, title = {A}, journal = jq}\n@misc{pad1, title={P}}\n@misc{pad2, title={P}}\n"
            "@misc{b, title = {B}, journal = JQ, note = ab}\n@string{jq = {Again}}\n@misc{a, title = {Dup}}\n"
            "@misc{c, title = {C}, journal = jq}\n")
    report = parse_bibtex(text, "m.bib")
    assert len(list(batches([text], batch=2))) > 3
    citations = {e.record.title: e.citation for e in report.entries}
    assert citations["B"]["container-title"] == "Justice Quarterly"  # defined three batches earlier
    assert citations["B"]["note"] == "Second"  # names are case-insensitive; the later one wins
    assert citations["C"]["container-title"] == "Justice Quarterly"  # a redefinition is a duplicate
    assert [(b.line, b.reason) for b in report.bad] == [(8, "duplicate key 'jq'"), (9, "duplicate key 'a'")]
    assert outcome(lambda: parse_bibtex(text, "m.bib")) == outcome(lambda: whole_text_report(text, "m.bib"))


def test_an_entry_left_open_at_a_batch_end_names_the_block_after_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bibtex_split, "BATCH", 1)
    text = "@misc{open, title = {never closed,\n  year = {2005}\n\n  @book{next, title = {Next}}\n"
    report = parse_bibtex(text, "o.bib")
    assert [e.record.title for e in report.entries] == ["Next"] and report.entries[0].line == 4
    assert report.bad[0].line == 1 and "Unexpected block start: `@book`" in report.bad[0].reason
    assert outcome(lambda: parse_bibtex(text, "o.bib")) == outcome(lambda: whole_text_report(text, "o.bib"))


def test_lines_are_counted_as_bibtexparser_counts_them() -> None:
    assert counted_lines("a\nb\\\nc\n") == 2
    text = "% a\\\n@misc{a, title={A}}\n\n@misc{b, title={B}}\n"
    cuts = list(batches([text], batch=1))
    assert [(b.text[:7], b.line) for b in cuts] == [("% a\\\n", 0), ("@misc{a", 0), ("@misc{b", 2)]
    assert [e.line for e in parse_bibtex(text).entries] == [1, 3] == [e.line for e in whole_text_report(text).entries]


def test_a_batch_holds_at_most_batch_blocks_and_a_sentinel(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "".join(f"@misc{{k{i}, title = {{Title {i}}}}}\n" for i in range(25))
    cut = list(batches([text[i:i + 7] for i in range(0, len(text), 7)], batch=10))
    assert [b.text.count("@misc") for b in cut] == [10, 10, 5]
    assert [b.sentinel for b in cut] == ["@misc{", "@misc{", ""]
    assert "".join(b.text for b in cut) == text
    assert [b.text.count("@") for b in batches([text], batch=1000, batch_chars=100)] == [4] * 6 + [1]


def test_a_block_longer_than_the_limit_is_skipped_and_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bibtex_split, "MAX_BLOCK_CHARS", 200)
    text = ("@misc{a, title = {A}}\n@misc{huge, title = {" + "word \n" * 300 + "}}\n"
            "@misc{b, title = {B}}\n")
    report = streamed(text, 50)
    assert [(e.record.title, e.line, e.index) for e in report.entries] == [("A", 1, 0), ("B", 303, 2)]
    assert [(b.line, b.index) for b in report.bad] == [(2, 1)]
    assert report.bad[0].reason == "a block longer than 200 characters (not read)"


def test_too_many_macros_is_one_line_naming_the_place(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bibtex_module, "MAX_MACROS", 3)
    text = "".join(f"@string{{m{i} = {{v}}}}\n" for i in range(5)) + "@misc{a, title={A}}\n"
    with pytest.raises(ImportFileError, match=r"m\.bib at line 4: more @string macros than a file may define"):
        parse_bibtex(text, "m.bib")


def test_a_title_of_a_million_macros_is_refused_before_its_latex_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    read: list[int] = []
    real = bibtex_module.latex_to_text
    monkeypatch.setattr(bibtex_module, "latex_to_text", lambda value: read.append(len(value)) or real(value))
    text = "@misc{huge, title = {" + "\\x" * 1_000_000 + "}}\n@misc{ok, title = {Caf\\'e}}\n"
    report = parse_bibtex(text, "h.bib")
    assert [e.record.title for e in report.entries] == ["Café"]
    assert [(b.line, b.reason) for b in report.bad] == [(1, "@misc{huge}: title longer than 2,000 characters")]
    assert max(read) < 100


def test_any_field_far_over_its_limit_is_refused_before_its_latex_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    read: list[int] = []
    real = bibtex_module.latex_to_text
    monkeypatch.setattr(bibtex_module, "latex_to_text", lambda value: read.append(len(value)) or real(value))
    text = ("@misc{long, title = {T}, abstract = {" + "\\'e" * 300_000 + "}}\n"
            "@misc{names, title = {N}, author = {" + "{\\'E}" * 300_000 + "}}\n@misc{ok, title = {Caf\\'e}}\n")
    report = parse_bibtex(text, "h.bib")
    assert [e.record.title for e in report.entries] == ["Café"]
    assert [b.reason for b in report.bad] == ["@misc{long}: abstract longer than 200,000 characters",
                                              "@misc{names}: names longer than 200,000 characters"]
    assert max(read) < 100


def test_cancel_stops_inside_one_long_field_of_latex() -> None:
    """A field within the limits can still take seconds of pylatexenc: Cancel is asked as it reads."""
    from viewer.core.importers.common import cancellable
    from viewer.core.importers.latex_text import EVERY, latex_to_text

    asked = []
    with cancellable(lambda: asked.append(1) or len(asked) > 2), pytest.raises(Cancelled):
        latex_to_text("{\\'e} " * EVERY * 4)
    assert len(asked) == 3
    assert latex_to_text("Caf{\\'e} \\emph{x}") == "Café x"  # without a cancel, the text as before


@pytest.fixture
def lib(tmp_path: Path):
    with Library.open(tmp_path / "lib") as library:
        yield library


def test_stream_file_streams_bibtex_and_imports_in_one_transaction(lib: Library, tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    assert inspect.isgeneratorfunction(iter_bibtex)
    monkeypatch.setattr(bibtex_split, "BATCH", 10)
    monkeypatch.setattr(adding_module, "BATCH", 10)
    path = tmp_path / "refs.bib"
    path.write_text("".join(f"@misc{{k{i}, title = {{Title {i}}}}}\n" for i in range(60)), encoding="utf-8")
    stream = stream_file(path)
    assert isinstance(stream, ImportStream) and stream.format == "bibtex" and stream.good == 0
    before = lib.count()
    outcome = lib.import_report(stream)
    assert len(outcome.result.added) == 60 and lib.count() == before + 60 and stream.good == 60
    assert isinstance(stream_file(DATA / "sample.bib"), ImportStream)


def test_a_late_error_or_cancel_leaves_the_library_as_it_was(lib: Library, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bibtex_split, "BATCH", 10)
    monkeypatch.setattr(adding_module, "BATCH", 10)
    path = tmp_path / "late.bib"
    path.write_bytes("".join(f"@misc{{k{i}, title = {{Title {i}}}}}\n" for i in range(60)).encode() + b"\xff\n")
    before = lib.count()
    with pytest.raises(ImportFileError, match="line 61: not UTF-8"):
        import_file(lib, path)
    assert lib.count() == before
    path.write_text("".join(f"@misc{{k{i}, title = {{Title {i}}}}}\n" for i in range(60)), encoding="utf-8")
    read: list[ImportStream] = []
    stream = stream_file(path, cancelled=lambda: bool(read) and read[0].good >= 25)
    assert isinstance(stream, ImportStream)
    read.append(stream)
    with pytest.raises(Cancelled):
        lib.import_report(stream)
    assert lib.count() == before
