"""Issue 15, the library on disk (schema 5): records stored compressed and read back whole, a
version 4 library migrated in one transaction, and corporate authors, sponsoring agencies and
journal titles searchable."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from viewer.core.importers import ImportedRecord
from viewer.core.library import Library, LibraryError, library_file, rows, schema
from viewer.core.record import Agency, Journal, Record, parse_record, record_to_data


def _v4_row(record: Record, rid: int, removed: int = 0, text: str | None = None) -> tuple:
    """A row as version 4 wrote it: the record's JSON as text beside its list columns."""
    data = json.dumps(record_to_data(record), ensure_ascii=False, separators=(",", ":"))
    creator = record.authors[0] if record.authors else (record.corporate_authors[0].name
                                                        if record.corporate_authors else "")
    return (rid, record.id, record.ncj_number, record.title, record.title.casefold(), "; ".join(record.authors),
            record.issued_year, removed, text if text is not None else data, creator, creator.casefold())


PAGE_RECORD = Record(id="ncj-77001", ncj_number="77001", title="Probation Caseloads", abstract="Officers and caseloads.",
                     corporate_authors=(Agency("Qzvera Institute"),), sponsoring_agencies=(Agency("Qzfund Foundation"),),
                     journal=Journal(title="Qzjournal of Probation", volume="4"))
PLAIN = Record(id="ref-0000000000000001", ncj_number="", title="Café Courts", authors=("Doe, Jane",),
               annotation="Drug courts in Montréal.", issued_year=1999)
GONE = Record(id="ref-0000000000000002", ncj_number="", title="Removed Report on courts", abstract="Courts.")


def read(record: Record) -> Record:
    """The record as read from any record file holding it."""
    return parse_record(json.dumps(record_to_data(record)))


# JSON holding half a surrogate pair: no text can hold it, so it cannot be compressed either
SURROGATE = '{"schema":"ncjrs-viewer.record","schema_version":2,"id":"ref-half","ncj_number":"","title":"H","abstract":"\\ud800"}'


def make_v4_library(folder: Path) -> None:
    """Version 4's schema (its migrations), rows written as version 4 wrote them, a removed
    row (out of the index) and a damaged one."""
    folder.mkdir()
    conn = sqlite3.connect(library_file(folder), isolation_level=None)
    conn.execute("PRAGMA page_size=16384")
    conn.execute("BEGIN")
    for version in (1, 2, 3, 4):
        schema.MIGRATIONS[version](conn)
    conn.executemany(
        "INSERT INTO records(rid, id, ncj_number, title, sort_title, authors, issued_year, removed, json, creator, "
        "sort_creator, added_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '2025-01-01T00:00:00Z')",
        [_v4_row(PAGE_RECORD, 1), _v4_row(PLAIN, 2), _v4_row(GONE, 3, removed=1),
         _v4_row(Record(id="ref-damaged", ncj_number="", title="Damaged"), 4, text='{"schema": "ncjrs-vie'),
         _v4_row(Record(id="ref-half", ncj_number="", title="Half a pair"), 5, text=SURROGATE)])
    for table, columns in (("record_fts", "title, authors, abstract, annotation, ncj_number"),
                           ("head_fts", "title, authors, ncj_number")):
        conn.execute(f"INSERT INTO {table}(rowid, {columns}) SELECT rid, {columns} FROM record_text "
                     "WHERE rid IN (SELECT rid FROM records WHERE removed = 0)")
    conn.execute(f"PRAGMA application_id = {schema.APPLICATION_ID}")
    conn.execute("PRAGMA user_version = 4")
    conn.execute("COMMIT")
    conn.close()


def test_a_version_4_library_is_migrated_to_compressed_records(tmp_path):
    folder = tmp_path / "lib"
    make_v4_library(folder)
    with Library.open(folder) as lib:
        assert lib.get(PAGE_RECORD.id) == read(PAGE_RECORD) and lib.get(PLAIN.id) == read(PLAIN)
        assert [h.id for h in lib.search("cafe courts", exact=True)] == [PLAIN.id]
        assert [h.id for h in lib.search("qzfund", exact=True)] == [PAGE_RECORD.id]  # searchable now
        assert {h.id for h in lib.search("courts", exact=True)} == {PLAIN.id}  # not the removed one
        assert lib.damaged() == ["ref-damaged"]
        assert lib.restore([GONE.id]) == (GONE.id,)
        assert GONE.id in {h.id for h in lib.search("courts", exact=True)}
        with pytest.raises(LibraryError, match="ref-half cannot be read"):
            lib.get("ref-half")
        assert [p for p in lib.check() if "record row 4" not in p and "record row 5" not in p] == []
    conn = sqlite3.connect(library_file(folder))
    assert conn.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION == 5
    kinds = dict(conn.execute("SELECT id, typeof(json) FROM records"))
    assert kinds.pop("ref-damaged") == kinds.pop("ref-half") == "text"  # damage kept as it was
    assert set(kinds.values()) == {"blob"}
    assert conn.execute("SELECT json FROM records WHERE id = 'ref-damaged'").fetchone()[0] == '{"schema": "ncjrs-vie'
    assert conn.execute("PRAGMA freelist_count").fetchone()[0] == 0  # the space freed is given back
    conn.close()


def test_a_failed_migration_to_5_leaves_version_4_as_it_was(tmp_path, monkeypatch):
    folder = tmp_path / "lib"
    make_v4_library(folder)
    before = sqlite3.connect(library_file(folder)).execute("SELECT id, json FROM records ORDER BY rid").fetchall()
    calls = []
    pack = rows.pack

    def failing(data):  # the second record fails: the first is already rewritten
        calls.append(data)
        if len(calls) > 1:
            raise sqlite3.OperationalError("disk I/O error")
        return pack(data)

    monkeypatch.setattr(rows, "pack", failing)
    with pytest.raises(LibraryError, match="disk I/O error"):
        Library.open(folder)
    conn = sqlite3.connect(library_file(folder))
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 4
    assert conn.execute("SELECT id, json FROM records ORDER BY rid").fetchall() == before
    assert "others" not in [c[1] for c in conn.execute("PRAGMA table_info(records)")]
    conn.close()


def test_corporate_authors_sponsors_and_journals_are_searchable(tmp_path):
    article = ImportedRecord(Record(id="ref-0000000000000003", ncj_number="", title="An Article"), "x.json",
                             {"container-title": "Qzcontainer Review", "type": "article-journal"})
    with Library.open(tmp_path / "lib") as lib:
        lib.add_records([PAGE_RECORD, article, PLAIN])
        for query, expected in (("qzvera institute", PAGE_RECORD.id), ("qzfund", PAGE_RECORD.id),
                                ("qzjournal probation", PAGE_RECORD.id), ("qzcontainer", article.record.id)):
            for exact in (True, None):
                found = lib.search(query, exact=exact)
                assert [h.id for h in found] == [expected], (query, exact)
        hit = lib.search("qzfund", exact=True)[0]
        assert hit.snippet_field == "others"
        assert [hit.snippet[s:e] for s, e in hit.snippet_spans] == ["Qzfund"]
        assert [r.id for r in lib.hits(lib.rank("qzcontainer"), 0, 10)] == [article.record.id]


@pytest.mark.parametrize("data", [
    record_to_data(PAGE_RECORD),
    record_to_data(PLAIN),
    {"schema": "x", "abstract": 7, "annotation": "ünïcode \u2028 \x1f\n text"},  # a text left in the JSON
    {},
])
def test_a_stored_record_reads_back_as_its_json(data):
    packed = rows.pack(data)
    assert json.loads(rows.record_json(packed)) == data
    texts = rows.record_texts(packed)
    assert texts == tuple(v if isinstance(v, str) else "" for v in (data.get("abstract", ""), data.get("annotation", "")))
    assert not rows.is_damaged(packed)
    assert all(rows.is_damaged(bad) for bad in (packed[:-1], packed + b"\0", packed[:9] + bytes([packed[9] ^ 4]) + packed[10:]))


def test_a_damaged_blob_is_one_damaged_record(tmp_path):
    with Library.open(tmp_path / "lib") as lib:
        lib.add_records([PLAIN, PAGE_RECORD])
    conn = sqlite3.connect(library_file(tmp_path / "lib"))
    blob = conn.execute("SELECT json FROM records WHERE id = ?", (PLAIN.id,)).fetchone()[0]
    conn.execute("UPDATE records SET json = ? WHERE id = ?", (blob[:20] + bytes([blob[20] ^ 1]) + blob[21:], PLAIN.id))
    conn.commit()
    conn.close()
    with Library.open(tmp_path / "lib") as lib:
        assert lib.damaged() == [PLAIN.id]
        assert [h.id for h in lib.search("cafe", exact=True)] == [PLAIN.id]  # still listed by its title
        with pytest.raises(LibraryError, match="cannot be read"):
            lib.get(PLAIN.id)
        assert lib.get(PAGE_RECORD.id) == read(PAGE_RECORD)
