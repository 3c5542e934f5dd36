"""Many NCJRS page files at once: written a thousand records a transaction, not one a file; the
window's read step keeps a bounded number of parsed pages; a page's HTML is parsed in pieces
that a cancel can stop (issue 16, point 9)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from viewer.cli import main
from viewer.core.bounded import Cancelled
from viewer.core.importers import batching, read_file
from viewer.core.importers import page_html
from viewer.core.importers.common import cancellable
from viewer.core.library import Library

PAGES = Path(__file__).resolve().parent.parent / "data" / "pages"
TEMPLATE = (PAGES / "legacy-2012.txt").read_text("utf-8")


def write_pages(folder: Path, count: int) -> list[str]:
    folder.mkdir(exist_ok=True)
    paths = []
    for i in range(count):
        path = folder / f"page-{i:03d}.txt"
        path.write_text(TEMPLATE.replace("900109", str(500000 + i)).replace("Rural Courts", f"Rural Courts {i}"),
                        encoding="utf-8")
        paths.append(str(path))
    return paths


@pytest.fixture
def transactions(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The number of records of each add_records call (one transaction each)."""
    calls: list[int] = []
    real = Library.add_records

    def add_records(self, items, **kwargs):  # type: ignore[no-untyped-def]
        items = list(items)
        calls.append(len(items))
        return real(self, items, **kwargs)

    monkeypatch.setattr(Library, "add_records", add_records)
    monkeypatch.setattr(batching, "BATCH", 10)
    return calls


def test_the_command_line_writes_many_pages_a_batch_a_transaction(tmp_path, capsys, transactions, qapp):
    paths = write_pages(tmp_path / "pages", 25)
    library = str(tmp_path / "lib")
    assert main(["import", *paths, "--library", library]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [f"imported\tncj-{500000 + i}" for i in range(25)]
    assert transactions == [10, 10, 5]


def test_a_page_given_twice_is_written_as_it_would_be_alone(tmp_path, capsys, transactions, qapp):
    paths = write_pages(tmp_path / "pages", 3)
    library = str(tmp_path / "lib")
    assert main(["import", paths[0], paths[1], paths[0], paths[2], "--library", library, "--replace"]) == 0
    # a batch prints its imported records, then the replaced ones (as one file of many records does)
    assert capsys.readouterr().out.splitlines() == ["imported\tncj-500000", "imported\tncj-500001",
                                                    "imported\tncj-500002", "replaced\tncj-500000"]
    assert transactions == [2, 2]


def test_the_window_keeps_few_parsed_pages_and_writes_them_in_batches(tmp_path, transactions, monkeypatch, qapp):
    from viewer.ui import import_flow

    monkeypatch.setattr(import_flow, "KEEP_PARSED", 5)
    paths = write_pages(tmp_path / "pages", 25)
    worker = import_flow._Worker(tmp_path / "lib", threading.Event())
    got: dict = {}
    worker.read_done.connect(lambda files, unreadable, protected: got.update(files=files))
    worker.write_done.connect(lambda summary: got.update(summary=summary))
    worker.read(paths)
    assert [f.report is not None for f in got["files"]] == [True] * 5 + [False] * 20
    assert [f.good for f in got["files"]] == [1] * 25
    worker.write(got["files"], False, False)
    assert len(got["summary"].added) == 25 and transactions == [10, 10, 5]


def test_html_in_pieces_reads_as_the_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    pages = [p.read_text("utf-8") for p in sorted(PAGES.glob("*.htm*"))]
    pages.append("<html><body><p>AT&amp;T &amp T<b>x</b>  a \n b<pre> k\n  j</pre><!-- <c> --><script>1<2</script>"
                 "<a href='https://e.org/a'>PDF</a></body></html>")
    whole = [page_html.html_to_text(p) for p in pages]
    for size in (1, 3, 17):
        monkeypatch.setattr(page_html, "_PIECE", size)
        assert [page_html.html_to_text(p) for p in pages] == whole


def test_a_large_html_page_is_cancelled_while_it_is_parsed(tmp_path: Path) -> None:
    page = tmp_path / "big.html"
    page.write_text("<html><body>" + "<div><span>menu</span></div>\n" * 100_000 + "</body></html>")
    asked = []

    def cancelled() -> bool:  # reading asks once a MiB; the parser from then on
        asked.append(1)
        return len(asked) > 10

    with pytest.raises(Cancelled):
        read_file(page, cancelled=cancelled)
    with cancellable(lambda: True), pytest.raises(Cancelled):
        page_html.html_to_text("<p>a</p>" * 20_000)
