"""Ranking every match, whole words before prefixes, the list's columns and orders, the v3 schema."""

from __future__ import annotations

import sqlite3

import pytest

from viewer.cli import main as cli_main
from viewer.core.library import Library, Order, creator_text, library_file, match_spans
from viewer.core.library import schema
from viewer.core.library.matching import Snippet
from viewer.core.record import Agency, Record, record_to_data
from viewer.core.resources import BUNDLED_RECORD_ID
from viewer.core.section_text import section_html


def rec(i: int, title: str, **kw) -> Record:
    return Record(id=f"r-{i:04d}", ncj_number=kw.pop("ncj_number", ""), title=title, **kw)


@pytest.fixture
def lib(tmp_path):
    library = Library.open(tmp_path / "lib")
    yield library
    library.close()


def test_a_whole_word_ranks_before_longer_words_it_begins(lib):
    lib.add_records([rec(i, f"Qzmark5{chr(97 + i % 26)}{i} qzmark5{i}x report on courts") for i in range(80)]
                    + [rec(999, "Courts and qzmark5 in rural counties")])
    assert lib.search("qzmark5", 10)[0].id == "r-0999"  # as you type
    assert lib.search("qzmark5", 10, exact=True)[0].id == "r-0999"
    ranking = lib.rank("qzmark5")
    assert len(ranking) == 81 and lib.hits(ranking, 0, 1)[0].id == "r-0999"
    assert lib.search("courts qzmark5", 5)[0].id == "r-0999"


def test_ncj_numbers_and_years_typed_in_full_come_first(lib):
    lib.add_records([rec(i, f"Report {i}", ncj_number=f"12345{i}") for i in range(1, 9)]
                    + [rec(50, "Another report", ncj_number="12345")]
                    + [rec(60 + i, f"Crime in 2004{i}") for i in range(5)] + [rec(70, "Crime in 2004")])
    assert lib.search("12345", 3)[0].id == "r-0050"
    assert lib.search("NCJ 12345", 3)[0].id == "r-0050"
    assert lib.search("2004", 3)[0].id == "r-0070"


def test_rank_pages_every_match_best_first_or_by_a_column(lib):
    lib.add_records([rec(i, f"Juvenile report {i:03d}", issued_year=1990 + i % 30) for i in range(250)])
    ranking = lib.rank("juvenile")
    assert len(ranking) == 250
    ids = [h.id for start in range(0, 250, 100) for h in lib.hits(ranking, start, start + 100)]
    assert sorted(ids) == [f"r-{i:04d}" for i in range(250)]
    by_year = lib.rank("juvenile", Order("year", descending=True))
    years = [r.year for r in lib.ranked_rows(by_year, 0, 250)]
    assert years == sorted(years, reverse=True)


def test_list_rows_in_each_columns_order_with_positions(lib):
    lib.add_records([
        rec(1, "beta", authors=("Zeller, Ann", "Adams, Bo"), issued_year=2001, ncj_number="900"),
        rec(2, "Alpha", corporate_authors=(Agency("Bureau of Justice Statistics"),), issued_year=1999,
            ncj_number="10000"),
        rec(3, "gamma", authors=("adams, Cy",)),
    ])
    def ids(order: Order) -> list[str]:
        return [r.id for r in lib.list_rows(0, 10, order)]
    assert ids(Order()) == [BUNDLED_RECORD_ID, "r-0002", "r-0001", "r-0003"]
    assert ids(Order("title"))[:3] == ["r-0002", "r-0001", "r-0003"]
    assert ids(Order("creator"))[:3] == ["r-0003", "r-0002", "r-0001"]  # empty creators last
    assert ids(Order("year"))[:3] == ["r-0002", "r-0001", BUNDLED_RECORD_ID]
    assert ids(Order("ncj"))[:2] == ["r-0001", "r-0002"]  # 900 before 10000: numbers, not text
    assert ids(Order("ncj", descending=True))[0] == "r-0003"
    creators = {r.id: r.creator for r in lib.list_rows(0, 10, Order())}
    assert creators["r-0001"] == "Zeller, Ann et al." and creators["r-0002"] == "Bureau of Justice Statistics"
    for text in ("title", "-creator", "year", "-ncj", ""):
        order = Order.parse(text)
        assert str(order) == text
        for position, row in enumerate(lib.list_rows(0, 10, order)):
            assert lib.row_of(row.id, order) == position


def test_creator_text():
    assert creator_text([]) == ""
    assert creator_text(["Doe, Jane"]) == "Doe, Jane"
    assert creator_text(["Doe, Jane"], ["Bureau"]) == "Doe, Jane et al."
    assert creator_text([], ["Bureau", "Office"]) == "Bureau et al."


def test_a_version_2_library_gains_the_creator_column(tmp_path):
    folder = tmp_path / "old"
    folder.mkdir()
    conn = sqlite3.connect(library_file(folder), isolation_level=None)
    for version in (1, 2):
        schema.MIGRATIONS[version](conn)
    conn.execute("PRAGMA user_version = 2")
    old = Record(id="old-1", ncj_number="77", title="An old record", authors=("Roe, Ray", "Poe, Pat"),
                 issued_year=1988)
    import json
    conn.execute("INSERT INTO records(id, ncj_number, title, sort_title, authors, issued_year, added_at, json) "
                 "VALUES (?, ?, ?, ?, ?, ?, '2020-01-01T00:00:00Z', ?)",
                 (old.id, "77", old.title, old.title.casefold(), "Roe, Ray; Poe, Pat", 1988,
                  json.dumps(record_to_data(old, {}))))
    conn.close()
    with Library.open(folder) as lib:
        assert lib._conn.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION
        row = next(r for r in lib.list_rows(0, 10, Order("creator")) if r.id == "old-1")
        assert (row.creator, row.year, row.ncj_number) == ("Roe, Ray et al.", 1988, "77")
        assert lib.get("old-1").title == "An old record"


def test_cli_search_takes_several_words_and_limit_0_prints_every_match(tmp_path, capsys):
    folder = tmp_path / "lib"
    with Library.open(folder) as lib:
        lib.add_records([rec(i, f"Qztrafficking of qzwomen {i}") for i in range(30)]
                        + [rec(100 + i, f"Qzwomenfolk and qztrafficking {i}") for i in range(5)])
    assert cli_main(["search", "--library", str(folder), "--limit", "0", "qztrafficking", "qzwomen"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 30 and all("\tQztrafficking of qzwomen" in line for line in lines)
    assert cli_main(["search", "--library", str(folder), "qztrafficking"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 20


def test_no_ncj_mark_without_a_number():
    html = section_html(Record(id="x", ncj_number="", title="Untitled report"),
                        Record(id="x", ncj_number="", title="t").fields and _details())
    assert "NCJ" not in html.split("</p>")[0]


def _details():
    from viewer.core.record import DETAILS_ID, Section
    return Section(DETAILS_ID, "Record details", kind="details")


def test_a_hits_snippet_is_found_when_first_asked_and_then_kept(lib):
    lib.add_records([rec(i, f"Report {i} on courts", abstract=f"Filler words. Then zebrafish number {i} here.",
                         annotation="Nothing matched.") for i in range(30)])
    found = lib.search("zebrafish", 25)
    assert len(found) == 25
    assert all(callable(hit.found) for hit in found)  # a keystroke reads no snippet
    hit = found[3]
    assert hit.snippet_field == "abstract" and [hit.snippet[s:e] for s, e in hit.snippet_spans] == ["zebrafish"]
    assert isinstance(hit.found, Snippet) and hit.snippet_html().count("<b>zebrafish</b>") == 1
    assert all(callable(h.found) for h in found if h is not hit)
    ranked = lib.hits(lib.rank("zebrafish"), 0, 2)
    assert [h.snippet_field for h in ranked] == ["abstract", "abstract"]


def test_words_are_matched_whole_or_as_the_prefix_being_typed():
    text = "Injustice, justice_system; JUSTICE\njustices (café) 2019 of-force of"
    assert [text[s:e] for s, e in match_spans(text, "justice ")] == ["justice", "JUSTICE"]
    assert [text[s:e] for s, e in match_spans(text, "justice")] == ["justice", "JUSTICE", "justices"]
    assert [text[s:e] for s, e in match_spans(text, "cafe 2019 of ")] == ["café", "2019", "of", "of"]
    assert [text[s:e] for s, e in match_spans(text, "system force")] == ["system", "force"]
    assert match_spans(text, "ustice ") == () and match_spans(text, "njust") == ()
