"""The library and NCJRS pages: a version 1 library upgraded with every record kept, duplicates
found by id or NCJ number, Replace / Keep, and the bundled record never replaced."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from viewer.core.importers import read_file
from viewer.core.library import LIBRARY_FILE_NAME, Library, schema
from viewer.core.library.rows import STORED, record_json, stored
from viewer.core.record import Record
from viewer.core.resources import BUNDLED_RECORD_ID, bundled_record, resource_path

ROOT = Path(__file__).resolve().parents[2]
PAGES = ROOT / "tests" / "data" / "pages"
SEED = ROOT / "tests" / "data" / "ncj-203234-source.txt"


def v1_row(data: dict, protected: bool = False) -> dict:
    """A row as version 1 wrote it (its columns, its JSON text), made without today's code."""
    return {"id": data["id"], "ncj_number": data["ncj_number"], "title": data["title"],
            "sort_group": 0 if protected else 1, "sort_title": data["title"].casefold(),
            "authors": "; ".join(data.get("authors", ())), "issued_year": None, "protected": int(protected),
            "added_at": "2024-01-01T00:00:00Z", "json": json.dumps(data)}


def _insert_v1_rows(conn: sqlite3.Connection, rows: list[dict]) -> None:
    """Rows with version 1's columns only, and their index entries from version 1's view."""
    first = (conn.execute("SELECT max(rid) FROM records").fetchone()[0] or 0) + 1
    conn.executemany(
        "INSERT INTO records(rid, id, ncj_number, title, sort_group, sort_title, authors, issued_year, protected, "
        "removed, added_at, json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)",
        [(first + i, r["id"], r["ncj_number"], r["title"], r["sort_group"], r["sort_title"], r["authors"],
          r["issued_year"], r["protected"], r["added_at"], r["json"]) for i, r in enumerate(rows)])
    for table, columns in (("record_fts", "title, authors, abstract, annotation, ncj_number"),
                           ("head_fts", "title, authors, ncj_number")):
        conn.execute(f"INSERT INTO {table}(rowid, {columns}) SELECT rid, {columns} FROM record_text "
                     "WHERE rid >= ?", (first,))


def make_v1_library(folder: Path) -> list[dict]:
    """A library as version 1 of the program wrote it: its schema statements, records in format 1."""
    folder.mkdir()
    bundled = json.loads(resource_path("records", "ncj-203234.json").read_text(encoding="utf-8"))
    bundled.update(schema_version=1)
    del bundled["origin"]
    bundled["provenance"]["url"] = "https://www.ncjrs.gov/App/abstractdb/AbstractDBDetails.aspx?id=203234"
    records = [
        {"schema": "ncjrs-viewer.record", "schema_version": 1, "id": "ncj-211081", "ncj_number": "211081",
         "title": "Hot Spots Policing", "authors": ["Braga, Anthony A."], "abstract": "About hot spots.",
         "annotation": "", "citation": {"type": "article-journal", "container-title": "J Exp Criminol"}},
        {"schema": "ncjrs-viewer.record", "schema_version": 1, "id": "ref-0123456789abcdef", "ncj_number": "",
         "title": "A Reference Without NCJ", "authors": [], "annotation": "Kept.", "abstract": ""},
    ]
    conn = sqlite3.connect(folder / LIBRARY_FILE_NAME, isolation_level=None)
    conn.execute("BEGIN")
    schema.MIGRATIONS[1](conn)
    _insert_v1_rows(conn, [v1_row(bundled, True)] + [v1_row(r) for r in records])
    conn.execute("INSERT INTO records(id, ncj_number, title, sort_title, added_at, json) "
                 "VALUES ('ref-damaged', '', 'Damaged', 'damaged', '2024-01-01T00:00:00Z', '{not json')")
    conn.execute("PRAGMA user_version = 1")
    conn.execute("COMMIT")
    conn.close()
    return records


def test_a_version_1_library_opens_upgraded_with_every_record(tmp_path):
    folder = tmp_path / "lib"
    old = make_v1_library(folder)
    with Library.open(folder) as lib:
        assert lib.count() == 4
        hot = lib.get("ncj-211081")
        assert (hot.title, hot.authors, hot.abstract) == ("Hot Spots Policing", ("Braga, Anthony A.",), "About hot spots.")
        assert lib.citation_fields("ncj-211081") == old[0]["citation"]
        assert lib.get("ref-0123456789abcdef").annotation == "Kept."
        assert [h.id for h in lib.search("hot spots", exact=True)] == ["ncj-211081"]
        assert lib.get(BUNDLED_RECORD_ID) == bundled_record()
        assert lib.id_for_ncj("NCJ 211081") == "ncj-211081"
        assert any("ref-damaged" in problem or "record row" in problem for problem in lib.check())
    conn = sqlite3.connect(folder / LIBRARY_FILE_NAME)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION
    rows = {i: record_json(stored(kind, raw)) for i, kind, raw in conn.execute(f"SELECT id, {STORED} FROM records")}
    kept = json.loads(rows["ncj-211081"])
    assert kept["schema_version"] == 2 and "citation" not in kept and kept["csl_extra"] == old[0]["citation"]
    assert rows["ref-damaged"] == "{not json"  # set aside as it was, never lost
    bundled_json = json.loads(rows[BUNDLED_RECORD_ID])
    assert bundled_json["schema_version"] == 2 and "url" not in bundled_json["provenance"]
    conn.close()


def test_a_failed_upgrade_leaves_version_1(tmp_path, monkeypatch):
    folder = tmp_path / "lib"
    make_v1_library(folder)

    def broken(conn: sqlite3.Connection) -> None:
        conn.execute("UPDATE records SET json = '{}'")
        raise sqlite3.OperationalError("power cut")

    monkeypatch.setitem(schema.MIGRATIONS, 2, broken)
    with pytest.raises(Exception, match="power cut"):
        Library.open(folder)
    conn = sqlite3.connect(folder / LIBRARY_FILE_NAME)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    assert "citation" in json.loads(conn.execute("SELECT json FROM records WHERE id = 'ncj-211081'").fetchone()[0])
    conn.close()


@pytest.fixture
def lib():
    library = Library.open(None)
    yield library
    library.close()


def page(name: str) -> Record:
    return read_file(PAGES / name).records[0]


def test_importing_the_seed_names_the_bundled_record_and_replace_is_refused(lib):
    seed = read_file(SEED)
    assert lib.already_there(seed.entries) == {BUNDLED_RECORD_ID: BUNDLED_RECORD_ID}
    for replace_it in (False, True):
        outcome = lib.import_report(seed, replace=replace_it)
        assert outcome.result.duplicates == (BUNDLED_RECORD_ID,)
        assert outcome.result.added == outcome.result.replaced == ()
    assert lib.get(BUNDLED_RECORD_ID) == bundled_record() and lib.count() == 1


def test_a_page_already_there_is_kept_or_replaced(lib):
    first = page("vl-new-report.txt")
    assert lib.add_records([first]).added == ("ncj-900102",)
    newer = replace(first, title="Measuring Bicycle Theft in Small Cities, Revised")
    assert lib.already_there([newer]) == {"ncj-900102": "ncj-900102"}
    kept = lib.add_records([newer])
    assert (kept.added, kept.duplicates, kept.replaced) == ((), ("ncj-900102",), ())
    assert lib.get("ncj-900102").title == first.title
    swapped = lib.add_records([newer], replace=True)
    assert (swapped.added, swapped.duplicates, swapped.replaced) == ((), (), ("ncj-900102",))
    assert lib.get("ncj-900102").title.endswith("Revised") and lib.count() == 2
    assert [h.id for h in lib.search("revised", exact=True)] == ["ncj-900102"]
    assert not lib.search("measuring bicycle theft small cities 1990", exact=True)  # the old text left the index


def test_the_same_ncj_number_under_another_id_is_a_duplicate(lib):
    other = replace(page("vl-new-article.txt"), id="from-a-record-file")
    lib.add_records([other])
    incoming = page("vl-new-article.txt")
    assert lib.already_there([incoming]) == {"ncj-900101": "from-a-record-file"}
    assert lib.add_records([incoming]).existing == {"ncj-900101": "from-a-record-file"}
    result = lib.add_records([incoming], replace=True)
    assert result.replaced == ("ncj-900101",)
    assert "from-a-record-file" not in lib and "ncj-900101" in lib and lib.count() == 2


def test_twice_in_one_import_is_one_record(lib):
    record = page("legacy-2012.txt")
    result = lib.add_records([record, record], replace=True)
    assert (result.added, result.duplicates) == (("ncj-900109",), ("ncj-900109",))
