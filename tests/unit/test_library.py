"""The library: storage round trip, the bundled record, search, schema versions, damage, imports."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

import viewer.core.library.adding as adding_module
import viewer.core.library.ranking as ranking_module
import viewer.core.library.schema as schema_module
import viewer.core.library.store as store_module
from viewer.core.importers import import_file, read_file
from viewer.core.library import (
    LIBRARY_FILE_NAME,
    CorruptLibraryError,
    DamagedRecordError,
    ForeignDatabaseError,
    ImportCancelled,
    Library,
    LibraryError,
    NewerLibraryError,
    highlight_html,
    match_spans,
    set_aside,
)
from viewer.core.library.schema import APPLICATION_ID, SCHEMA_VERSION
from viewer.core.library.store import record_from_json
from viewer.core.record import Record, record_to_data, standard_sections
from viewer.core.resources import BUNDLED_RECORD_ID, bundled_record

DATA = Path(__file__).resolve().parents[1] / "data"


def make_record(n: int, title: str, *, abstract: str = "", annotation: str = "", authors: tuple[str, ...] = (),
                ncj: str | None = None) -> Record:
    ncj = f"{900000 + n}" if ncj is None else ncj
    return Record(id=f"ncj-{ncj}" if ncj else f"ref-test{n}", ncj_number=ncj, title=title,
                  title_sentence_case=title, annotation=annotation, abstract=abstract, authors=authors,
                  issued_year=2000 + n % 20, issued_month=n % 12 + 1, date_published="",
                  sections=standard_sections(annotation, abstract))


@pytest.fixture
def lib_dir(tmp_path: Path) -> Path:
    return tmp_path / "library"


@pytest.fixture
def lib(lib_dir: Path):
    library = Library.open(lib_dir)
    yield library
    library.close()


def db_file(lib_dir: Path) -> Path:
    return lib_dir / LIBRARY_FILE_NAME


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def ids(library: Library) -> list[str]:
    return [i for i, _ in library.page(0, 10_000)]


# --- a new library ------------------------------------------------------------------------------


def test_new_library_holds_the_bundled_record_only(lib, lib_dir):
    assert lib.count() == 1
    assert lib.page(0, 10) == [(BUNDLED_RECORD_ID, bundled_record().title)]
    assert lib.get(BUNDLED_RECORD_ID) == bundled_record()
    assert lib.row_of(BUNDLED_RECORD_ID) == 0 and BUNDLED_RECORD_ID in lib
    assert lib.check() == []
    conn = sqlite3.connect(db_file(lib_dir))
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    conn.close()


def test_library_in_memory_keeps_nothing_but_works():
    with Library.open(None) as memory:
        assert memory.count() == 1 and memory.path is None
        memory.add_records([make_record(1, "Gang Violence in Rural Counties")])
        assert [h.title for h in memory.search("gang")] == ["Gang Violence in Rural Counties"]


# --- storing and reading back -------------------------------------------------------------------


def test_round_trip_of_imported_records_across_reopen(lib_dir):
    reports = [read_file(DATA / name) for name in ("sample.ris", "sample.bib", "sample.json")]
    entries = [e for r in reports for e in r.entries]
    with Library.open(lib_dir) as library:
        result = library.add_records(entries)
    assert result.added == tuple(e.record.id for e in entries) and result.duplicates == ()
    with Library.open(lib_dir) as library:
        assert library.count() == 1 + len(entries)
        for entry in entries:
            assert library.get(entry.record.id) == entry.record  # every field and section
            assert library.citation_fields(entry.record.id) == entry.citation


def test_round_trip_of_a_record_with_outline_and_provenance(lib):
    shipped = bundled_record()
    copy = replace(shipped, id="ncj-999002", ncj_number="999002")
    lib.add_records([copy])
    assert lib.get("ncj-999002") == copy
    assert lib.get("ncj-999002").section_ids() == shipped.section_ids()


def test_stored_json_is_the_record_file_format():
    record = make_record(3, "Prisoner Reentry", abstract="About reentry.", authors=("Doe, Jane",), ncj="")
    data = record_to_data(record, {"publisher": "Urban Institute"})
    assert data["schema"] == "ncjrs-viewer.record" and data["schema_version"] == 2
    assert data["authors"] == ["Doe, Jane"] and data["csl_extra"] == {"publisher": "Urban Institute"}
    assert record_from_json(json.dumps(data)) == record  # a record without NCJ number too


def test_duplicates_are_skipped_not_replaced(lib):
    first = make_record(1, "Original Title")
    assert lib.add_records([first]).added == (first.id,)
    again = replace(first, title="Changed Title")
    result = lib.add_records([again, again])
    assert result.added == () and result.duplicates == (first.id, first.id)
    assert lib.get(first.id).title == "Original Title"


def test_damaged_row_is_reported_for_that_record_only(lib, lib_dir):
    good, bad = make_record(1, "Good Record"), make_record(2, "Bad Record")
    lib.add_records([good, bad])
    conn = sqlite3.connect(db_file(lib_dir))
    conn.execute("UPDATE records SET json = '{\"schema\": 7}' WHERE id = ?", (bad.id,))
    conn.commit()
    conn.close()
    with pytest.raises(DamagedRecordError, match=f"record {bad.id} cannot be read"):
        lib.get(bad.id)
    assert lib.get(good.id) == good
    with pytest.raises(KeyError):
        lib.get("ncj-1")


# --- the bundled record -------------------------------------------------------------------------


def test_bundled_record_cannot_be_removed(lib):
    other = make_record(1, "Removable")
    lib.add_records([other])
    assert lib.remove([BUNDLED_RECORD_ID, other.id]) == (other.id,)
    assert ids(lib) == [BUNDLED_RECORD_ID]
    assert lib.is_protected(BUNDLED_RECORD_ID) and not lib.is_protected(other.id)
    lib.purge_removed()
    assert lib.get(BUNDLED_RECORD_ID) == bundled_record()


def test_bundled_record_is_refused_by_the_database_itself(lib, lib_dir):
    conn = sqlite3.connect(db_file(lib_dir))
    with pytest.raises(sqlite3.DatabaseError, match="bundled record cannot be deleted"):
        conn.execute("DELETE FROM records WHERE id = ?", (BUNDLED_RECORD_ID,))
    with pytest.raises(sqlite3.DatabaseError, match="bundled record cannot be removed"):
        conn.execute("UPDATE records SET removed = 1 WHERE id = ?", (BUNDLED_RECORD_ID,))
    conn.close()


def test_importing_the_bundled_record_cannot_change_it(lib):
    forged = replace(bundled_record(), title="Forged Title", abstract="Forged.")
    assert lib.add_records([forged]).duplicates == (BUNDLED_RECORD_ID,)
    assert lib.get(BUNDLED_RECORD_ID) == bundled_record()


def test_tampered_bundled_row_is_served_from_resources_and_reseeded(lib_dir):
    Library.open(lib_dir).close()
    conn = sqlite3.connect(db_file(lib_dir))
    conn.execute("UPDATE records SET title = 'Tampered', json = '{}' WHERE id = ?", (BUNDLED_RECORD_ID,))
    conn.commit()
    conn.close()
    with Library.open(lib_dir) as library:
        assert library.get(BUNDLED_RECORD_ID) == bundled_record()
        assert library.page(0, 1) == [(BUNDLED_RECORD_ID, bundled_record().title)]
        assert [h.id for h in library.search("203234")] == [BUNDLED_RECORD_ID]


# --- remove and undo ------------------------------------------------------------------------------


def test_remove_then_restore_is_an_undo(lib):
    keep, drop = make_record(1, "Stalking Victims"), make_record(2, "Stalking Offenders")
    lib.add_records([keep, drop])
    assert lib.remove([drop.id, "ncj-unknown"]) == (drop.id,)
    assert lib.count() == 2 and drop.id not in lib and lib.row_of(drop.id) is None
    assert [h.id for h in lib.search("stalking")] == [keep.id]
    with pytest.raises(KeyError):
        lib.get(drop.id)
    assert lib.check() == []  # a removal awaiting Undo is no damage: its row is out of the index on purpose
    assert lib.restore([drop.id]) == (drop.id,)
    assert lib.count() == 3 and lib.get(drop.id) == drop
    assert sorted(h.id for h in lib.search("stalking")) == sorted([keep.id, drop.id])
    assert lib.check() == []


def test_purge_makes_removal_final(lib):
    drop = make_record(1, "Temporary")
    lib.add_records([drop])
    lib.remove([drop.id])
    assert lib.purge_removed() == 0  # this session still runs: its removal awaits Undo
    assert lib.end_session() == 1
    assert lib.restore([drop.id]) == ()
    assert lib.add_records([drop]).added == (drop.id,)  # and it can come back by import


def test_reimporting_a_removed_record_replaces_it(lib):
    record = make_record(1, "Old Copy")
    lib.add_records([record])
    lib.remove([record.id])
    assert lib.add_records([replace(record, title="New Copy")]).added == (record.id,)
    assert lib.get(record.id).title == "New Copy"
    assert [h.title for h in lib.search("copy")] == ["New Copy"]


# --- list order ---------------------------------------------------------------------------------


def test_page_and_row_of_agree_on_list_order(lib):
    titles = ["beta", "Alpha", "gamma", "alpha", "Delta", "épsilon", "Zeta"]
    records = [make_record(i, t) for i, t in enumerate(titles)]
    lib.add_records(records)
    listed = lib.page(0, 100)
    assert listed[0][0] == BUNDLED_RECORD_ID
    assert [t for _, t in listed[1:]] == sorted(titles, key=lambda t: (t.casefold(), titles.index(t)))
    for row, (record_id, _) in enumerate(listed):
        assert lib.row_of(record_id) == row
    assert lib.page(2, 3) == listed[2:5]
    assert lib.page(100, 10) == []


# --- search -------------------------------------------------------------------------------------


@pytest.fixture
def searchable(lib):
    lib.add_records([
        make_record(1, "Zebrafish Models of Aggression", abstract="Laboratory work."),
        make_record(2, "Laboratory Studies", abstract="A study of zebrafish and aggression in tanks."),
        make_record(3, "Animal Behavior", annotation="Notes on zebrafish.", abstract="Tanks and more tanks."),
        make_record(4, "Court Delay", authors=("Zebrowski, Anna",), abstract="Delay in courts."),
        make_record(5, "Café Security", abstract="Small <b>business</b> & crime."),
    ])
    return lib


def test_search_ranks_title_over_annotation_over_abstract(searchable):
    found = searchable.search("zebrafish ")
    assert found.exact
    assert [h.title for h in found] == ["Zebrafish Models of Aggression", "Animal Behavior", "Laboratory Studies"]
    assert found[0].rank > found[1].rank > found[2].rank


def test_search_prefix_matches_the_last_word_only(searchable):
    assert [h.title for h in searchable.search("zebraf")] == [h.title for h in searchable.search("zebrafish ")]
    assert {h.title for h in searchable.search("zebr")} >= {"Court Delay"}  # Zebrowski
    assert len(searchable.search("zebraf ")) == 0  # a finished word is a whole word
    assert len(searchable.search("zebraf", prefix=False)) == 0
    assert [h.title for h in searchable.search("aggression zebraf")][0] == "Zebrafish Models of Aggression"


def test_search_words_all_match_and_highlights_are_words(searchable):
    found = searchable.search("zebrafish aggression")
    assert [h.title for h in found] == ["Zebrafish Models of Aggression", "Laboratory Studies"]
    top = found[0]
    assert [top.title[s:e] for s, e in top.title_spans] == ["Zebrafish", "Aggression"]
    second = found[1]
    assert second.snippet_field == "abstract"
    assert [second.snippet[s:e] for s, e in second.snippet_spans] == ["zebrafish", "aggression"]
    assert second.title_spans == ()


def test_search_authors_ncj_number_and_diacritics(searchable, lib):
    assert [h.title for h in searchable.search("zebrowski")] == ["Court Delay"]
    assert searchable.search("zebrowski")[0].snippet_field == "authors"
    for query in ("203234", "NCJ 203234", "ncj203234", "2032"):
        assert searchable.search(query)[0].id == BUNDLED_RECORD_ID, query
    assert [h.title for h in searchable.search("cafe")] == ["Café Security"]
    assert [h.title for h in searchable.search("CAFÉ")] == ["Café Security"]


def test_search_phrase_in_quotes(searchable):
    assert [h.title for h in searchable.search('"more tanks"')] == ["Animal Behavior"]
    assert [h.title for h in searchable.search('"tanks more"')] == []


def test_search_results_as_html_escape_record_text(searchable):
    hit = searchable.search("business")[0]
    assert hit.snippet_html() == "Small &lt;b&gt;<b>business</b>&lt;/b&gt; &amp; crime."
    assert highlight_html("<i>x</i> y", [(9, 10)]) == "&lt;i&gt;x&lt;/i&gt; <b>y</b>"


def test_search_nothing_and_nonsense(searchable):
    assert len(searchable.search("")) == 0
    assert len(searchable.search('  "" * - ')) == 0
    assert len(searchable.search("qqqqqq")) == 0
    assert len(searchable.search("zebrafish", limit=0)) == 0
    assert len(searchable.search("a OR b NEAR c")) == 0  # FTS5 syntax is text, never a query


def test_broad_search_ranks_title_matches_first(searchable, monkeypatch):
    monkeypatch.setattr(ranking_module, "EXACT_POSTINGS", 0)  # as a common word in a large library
    found = searchable.search("zebrafish")
    assert not found.exact
    assert found[0].title == "Zebrafish Models of Aggression"
    assert {h.title for h in found} == {"Zebrafish Models of Aggression", "Animal Behavior", "Laboratory Studies"}
    assert searchable.search("zebrafish", exact=True).exact


def test_search_sees_what_another_connection_added(lib, lib_dir):
    assert len(lib.search("ferret")) == 0
    with Library.open(lib_dir) as other:
        other.add_records([make_record(1, "Ferret Smuggling")])
    assert [h.title for h in lib.search("ferret")] == ["Ferret Smuggling"]
    assert [h.title for h in lib.search("ferr")] == ["Ferret Smuggling"]


def test_match_spans_for_highlighting_a_record():
    text = "Trafficking in human beings, especially women and children"
    assert [text[s:e] for s, e in match_spans(text, "women traff")] == ["Trafficking", "women"]
    accented = "Café, cafés"
    assert [accented[s:e] for s, e in match_spans(accented, "cafe ")] == ["Café"]
    assert [accented[s:e] for s, e in match_spans(accented, "cafe")] == ["Café", "cafés"]


# --- imports: one transaction, all or none -------------------------------------------------------


def snapshot(lib_dir: Path) -> list:
    conn = sqlite3.connect(db_file(lib_dir))
    rows = conn.execute("SELECT id, json, removed FROM records ORDER BY rid").fetchall()
    terms = conn.execute("SELECT count(*), sum(df) FROM terms").fetchone()
    fts = conn.execute("SELECT count(*) FROM record_fts_docsize").fetchone()
    conn.close()
    return [rows, terms, fts]


def test_all_or_none_import_of_a_file_with_bad_entries_changes_nothing(lib, lib_dir):
    lib.add_records([make_record(1, "Already Here")])
    before = snapshot(lib_dir)
    outcome = import_file(lib, DATA / "sample.ris", all_or_none=True)
    assert not outcome.written and outcome.result.added == ()
    assert len(outcome.report.bad) == 3 and outcome.report.good == 4
    assert snapshot(lib_dir) == before


def test_good_only_import_adds_the_good_entries(lib):
    outcome = import_file(lib, DATA / "sample.bib")
    assert outcome.written and len(outcome.result.added) == 3
    assert lib.count() == 4
    assert lib.search("eyewitness")[0].id == "ncj-178240"


def test_cancelled_import_leaves_the_library_as_it_was(lib, lib_dir, monkeypatch):
    monkeypatch.setattr(adding_module, "BATCH", 2)
    before = snapshot(lib_dir)
    calls = []
    records = [make_record(i, f"Record {i}") for i in range(7)]
    with pytest.raises(ImportCancelled):
        lib.add_records(records, progress=lambda done, total: calls.append((done, total)),
                        cancel=lambda: len(calls) >= 2)
    assert calls == [(2, 7), (4, 7)]
    assert snapshot(lib_dir) == before
    assert lib.add_records(records).added == tuple(r.id for r in records)  # and it works afterwards


def test_failing_import_rolls_back(lib, lib_dir, monkeypatch):
    monkeypatch.setattr(adding_module, "BATCH", 2)
    before = snapshot(lib_dir)

    def explode(done: int, total: int) -> None:
        if done >= 4:
            raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError):
        lib.add_records([make_record(i, f"Record {i}") for i in range(7)], progress=explode)
    assert snapshot(lib_dir) == before


def test_large_import_rebuilds_word_counts(lib, monkeypatch):
    monkeypatch.setattr(store_module, "TERMS_REBUILD_MIN", 3)
    lib.add_records([make_record(i, f"Probation Study {i}") for i in range(5)])
    assert len(lib.search("probation", exact=None)) == 5
    assert len(lib.search("probat")) == 5


# --- versions, damage, setting aside --------------------------------------------------------------


def test_migration_from_version_0_of_an_empty_file(lib_dir):
    lib_dir.mkdir()
    db_file(lib_dir).write_bytes(b"")
    with Library.open(lib_dir) as library:
        assert library.count() == 1
    conn = sqlite3.connect(db_file(lib_dir))
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    conn.close()


def test_migrations_run_in_order_and_keep_the_data(lib_dir, monkeypatch):
    record = make_record(1, "Kept Across Migration")
    with Library.open(lib_dir) as library:
        library.add_records([record])

    def to_next(conn: sqlite3.Connection) -> None:
        conn.execute("ALTER TABLE records ADD COLUMN starred INTEGER NOT NULL DEFAULT 0")

    monkeypatch.setattr(schema_module, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    monkeypatch.setitem(schema_module.MIGRATIONS, SCHEMA_VERSION + 1, to_next)
    with Library.open(lib_dir) as library:
        assert library.get(record.id) == record
    conn = sqlite3.connect(db_file(lib_dir))
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION + 1
    assert conn.execute("SELECT starred FROM records WHERE id = ?", (record.id,)).fetchone() == (0,)
    conn.close()


def test_failed_migration_leaves_the_old_version(lib_dir, monkeypatch):
    Library.open(lib_dir).close()

    def broken(conn: sqlite3.Connection) -> None:
        conn.execute("ALTER TABLE records ADD COLUMN half INTEGER")
        raise sqlite3.OperationalError("power cut")

    monkeypatch.setattr(schema_module, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    monkeypatch.setitem(schema_module.MIGRATIONS, SCHEMA_VERSION + 1, broken)
    with pytest.raises(LibraryError, match="power cut"):
        Library.open(lib_dir)
    conn = sqlite3.connect(db_file(lib_dir))
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    columns = [row[1] for row in conn.execute("PRAGMA table_info(records)")]
    assert "half" not in columns
    conn.close()


def test_newer_version_is_detected_and_left_untouched(lib_dir):
    Library.open(lib_dir).close()
    conn = sqlite3.connect(db_file(lib_dir))
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    before = digest(db_file(lib_dir))
    with pytest.raises(NewerLibraryError, match=f"version {SCHEMA_VERSION + 1} is newer") as caught:
        Library.open(lib_dir)
    assert caught.value.path == db_file(lib_dir)
    assert digest(db_file(lib_dir)) == before


def test_garbage_file_is_detected_as_corrupt_and_left_untouched(lib_dir):
    lib_dir.mkdir()
    db_file(lib_dir).write_bytes(b"PK\x03\x04 this is a zip file, not a library" * 100)
    before = digest(db_file(lib_dir))
    with pytest.raises(CorruptLibraryError, match="not an SQLite database"):
        Library.open(lib_dir)
    assert digest(db_file(lib_dir)) == before


def test_damaged_schema_page_is_detected_as_corrupt(lib_dir):
    with Library.open(lib_dir) as library:
        library.add_records([make_record(i, f"Record {i}") for i in range(20)])
    path = db_file(lib_dir)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    data = bytearray(path.read_bytes())
    data[100:4000] = b"\xa5" * 3900  # page 1 holds the schema; its header stays valid
    path.write_bytes(bytes(data))
    with pytest.raises(CorruptLibraryError, match="damaged"):
        Library.open(lib_dir)


def test_truncated_file_is_corrupt(lib_dir):
    lib_dir.mkdir()
    db_file(lib_dir).write_bytes(b"SQLite format 3\x00\x10\x00")
    with pytest.raises(CorruptLibraryError, match="truncated"):
        Library.open(lib_dir)


def test_database_of_another_program_is_refused(lib_dir):
    lib_dir.mkdir()
    conn = sqlite3.connect(db_file(lib_dir))
    conn.execute("CREATE TABLE moz_places (id INTEGER)")
    conn.commit()
    conn.close()
    before = digest(db_file(lib_dir))
    with pytest.raises(ForeignDatabaseError):
        Library.open(lib_dir)
    assert digest(db_file(lib_dir)) == before


def test_set_aside_renames_with_companions_and_never_deletes(lib_dir, tmp_path):
    # A library as a crash leaves it: database, -wal and -shm (copied while a write was in the WAL).
    source = tmp_path / "source"
    with Library.open(source) as library:
        library._conn.execute("PRAGMA wal_autocheckpoint = 0")
        library.add_records([make_record(1, "Worth Keeping")])
        lib_dir.mkdir()
        for path in source.iterdir():
            (lib_dir / path.name).write_bytes(path.read_bytes())
    contents = {p.name[len(LIBRARY_FILE_NAME):]: digest(p) for p in lib_dir.iterdir()}
    assert set(contents) == {"", "-wal", "-shm"}

    moved = set_aside(lib_dir, "corrupt")
    assert moved is not None and moved.name.startswith("library-") and moved.name.endswith("-corrupt.sqlite3")
    assert not any(p.name.startswith(LIBRARY_FILE_NAME) for p in lib_dir.iterdir())
    assert {s: digest(moved.with_name(moved.name + s)) for s in contents} == contents  # byte for byte
    recovered = tmp_path / "recovered"  # the set-aside pair still opens, the write in its WAL included
    recovered.mkdir()
    for suffix in ("", "-wal"):
        moved.with_name(moved.name + suffix).rename(recovered / (LIBRARY_FILE_NAME + suffix))
    with Library.open(recovered) as library:
        assert library.get("ncj-900001").title == "Worth Keeping"

    with Library.open(lib_dir) as fresh:  # a fresh library opens where the old one was
        assert fresh.count() == 1
    second = set_aside(lib_dir, "corrupt")
    assert second is not None and second.exists() and second.name != moved.name
    assert not db_file(lib_dir).exists()
    assert set_aside(lib_dir / "nowhere") is None


def test_unusable_folder_is_a_library_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(LibraryError, match="cannot create the library folder"):
        Library.open(blocker / "library")

