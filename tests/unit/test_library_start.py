"""What the window's start (and quit) asks of a large library: no statement that reads every record."""

from __future__ import annotations

from viewer.core.library import Library
from viewer.core.record import Record

RECORDS = 3000


def steps(lib: Library, run) -> int:
    """SQLite engine steps taken by ``run()`` on the library's connection."""
    count = [0]

    def tick() -> int:
        count[0] += 1
        return 0

    lib._conn.set_progress_handler(tick, 1)
    try:
        run()
    finally:
        lib._conn.set_progress_handler(None, 1)
    return count[0]


def test_purging_at_start_and_ending_a_session_find_removed_records_by_an_index(tmp_path):
    with Library.open(tmp_path / "library") as lib:
        lib.add_records([Record(id=f"ref-{i:05d}", ncj_number="", title=f"Report {i}") for i in range(RECORDS)])
        lib._conn.execute("ANALYZE")  # as PRAGMA optimize leaves a library: "removed" looks unselective
        lib.remove(["ref-00007"])
        # Reading every record costs several steps each; reaching the removed ones by an index, a few dozen.
        assert steps(lib, lib.purge_removed) < RECORDS
        assert steps(lib, lib.end_session) < RECORDS
        assert "ref-00007" not in lib and lib.count() == RECORDS
