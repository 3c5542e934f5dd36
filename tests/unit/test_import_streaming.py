"""Imports that stream: RIS and CSL-JSON are read while they are written, a batch at a time, so
memory holds a piece of the text and one batch, not the file (issue 16, point 9)."""

from __future__ import annotations

import inspect
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

import viewer.core.library.adding as adding_module
from viewer.core.bounded import Cancelled
from viewer.core.importers import (
    ImportFileError,
    ImportStream,
    import_file,
    parse_csl_json,
    parse_ris,
    read_file,
    stream_file,
)
from viewer.core.importers.csljson import iter_csl_json
from viewer.core.importers.ris import iter_ris
from viewer.core.importers.streaming import _decoded, text_lines
from viewer.core.library import Library

DATA = Path(__file__).resolve().parent.parent / "data"


def pieces(text: str, size: int) -> list[str]:
    return [text[i:i + size] for i in range(0, len(text), size)]


def csl_items(n: int, bad_at: int | None = None) -> list[dict]:
    items: list[dict] = [{"type": "report", "title": f"Streamed Report {i}", "number": f"NCJ {100000 + i}",
                          "author": [{"family": "Doe", "given": "Jane"}], "abstract": "word " * 40}
                         for i in range(n)]
    if bad_at is not None:
        items[bad_at] = {"title": ["not", "text"]}
    return items


@pytest.fixture
def lib(tmp_path: Path) -> Iterator[Library]:
    with Library.open(tmp_path / "lib") as library:
        yield library


def test_the_readers_are_generators_and_stream_file_gives_a_stream(tmp_path: Path) -> None:
    assert inspect.isgeneratorfunction(iter_ris) and inspect.isgeneratorfunction(iter_csl_json)
    path = tmp_path / "a.json"
    path.write_text(json.dumps(csl_items(3)), encoding="utf-8")
    stream = stream_file(path)
    assert isinstance(stream, ImportStream) and inspect.isgenerator(stream.entries)
    assert stream.good == 0  # nothing read yet past the head
    assert [e.record.title for e in stream.entries] == [f"Streamed Report {i}" for i in range(3)]
    assert stream.good == 3
    assert isinstance(stream_file(DATA / "sample.ris"), ImportStream)
    assert isinstance(stream_file(DATA / "sample.bib"), ImportStream)  # a batch of entries at a time


@pytest.mark.parametrize("size", [1, 7, 4096])
def test_csl_json_in_pieces_reads_as_the_whole_text(size: int) -> None:
    text = (DATA / "sample.json").read_text("utf-8")
    whole = parse_csl_json(text, "s.json")
    bad: list = []
    entries = list(iter_csl_json(pieces(text, size), "s.json", bad))
    assert [(e.record, e.line, e.index) for e in entries] == [(e.record, e.line, e.index) for e in whole.entries]
    assert bad == whole.bad


@pytest.mark.parametrize("size", [1, 5, 4096])
def test_ris_in_pieces_reads_as_the_whole_text(size: int) -> None:
    text = (DATA / "sample.ris").read_text("utf-8").replace("\n", "\r\n")
    whole = parse_ris(text, "s.ris")
    bad: list = []
    entries = list(iter_ris(text_lines(pieces(text, size)), "s.ris", bad))
    assert [(e.record, e.line) for e in entries] == [(e.record, e.line) for e in whole.entries]
    assert bad == whole.bad


def test_lines_split_across_pieces_as_splitlines_splits_them() -> None:
    text = "a\r\nb\rc\n\nd\x85e\u2028f\r\n\r\ng"
    for size in (1, 2, 3, len(text)):
        assert list(text_lines(pieces(text, size))) == text.splitlines()


def test_a_character_split_between_chunks_decodes_and_a_bad_byte_names_its_line() -> None:
    data = "\ufeffé\nü\n".encode("utf-8")
    assert "".join(_decoded(iter([data[:4], data[4:6], data[6:]]), "f", None, 100)) == "é\nü\n"
    with pytest.raises(ImportFileError, match="line 3"):
        list(_decoded(iter([b"ok\nok\n", b"\xff\n"]), "f", None, 100))


def test_add_records_holds_one_batch_of_a_stream(lib: Library, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(adding_module, "BATCH", 10)
    pulled = 0
    held: list[int] = []
    real_insert = adding_module.index.insert_rows

    def counting() -> Iterator:
        nonlocal pulled
        for entry in parse_csl_json(json.dumps(csl_items(95))).entries:
            pulled += 1
            yield entry

    def insert_rows(conn, rows) -> None:  # type: ignore[no-untyped-def]
        held.append(pulled - written[0])  # read but not yet written when a batch is written
        written[0] += len(rows)
        real_insert(conn, rows)

    written = [0]
    monkeypatch.setattr(adding_module.index, "insert_rows", insert_rows)
    result = lib.add_records(counting())
    assert len(result.added) == 95 and len(held) == 10
    assert max(held) <= 10


def test_all_or_none_refuses_a_stream_whose_bad_entry_comes_late(lib: Library, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(adding_module, "BATCH", 10)
    path = tmp_path / "late.json"
    path.write_text(json.dumps(csl_items(50, bad_at=45)), encoding="utf-8")
    before = lib.count()
    outcome = import_file(lib, path, all_or_none=True)
    assert not outcome.written and outcome.result.added == () and lib.count() == before
    assert [b.index for b in outcome.report.bad] == [45] and outcome.report.good == 49
    outcome = import_file(lib, path)
    assert outcome.written and len(outcome.result.added) == 49 and lib.count() == before + 49


def test_a_json_error_late_in_a_stream_leaves_the_library_as_it_was(lib: Library, tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(adding_module, "BATCH", 10)
    path = tmp_path / "broken.json"
    text = json.dumps(csl_items(40), indent=1)
    path.write_text(text[:-200] + "}}}]", encoding="utf-8")
    before = lib.count()
    with pytest.raises(ImportFileError, match=r"line \d+"):
        import_file(lib, path)
    assert lib.count() == before
    with pytest.raises(ImportFileError) as whole:
        read_file(path)
    assert whole.value.where.startswith("line ")


def test_cancel_inside_a_stream_rolls_back(lib: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(adding_module, "BATCH", 10)
    path = tmp_path / "many.ris"
    path.write_text("".join(f"TY  - RPRT\nTI  - Report {i}\nER  - \n" for i in range(60)), encoding="utf-8")
    read: list[ImportStream] = []
    stream = stream_file(path, cancelled=lambda: bool(read) and read[0].good >= 25)
    assert isinstance(stream, ImportStream)
    read.append(stream)
    before = lib.count()
    with pytest.raises(Cancelled):
        lib.import_report(stream)
    assert lib.count() == before
