"""The citation service's cache, without Qt: whole files, damage a miss, bounded memory and folder."""

from __future__ import annotations

import os

from viewer.core.atomic import TEMP_PREFIX
from viewer.services.citation_cache import CitationCache


def entry(n: int) -> dict:
    return {"bibliography": {"text": f"Entry {n}.", "html": f"Entry {n}."},
            "citation": {"text": f"({n})", "html": f"({n})"}}


BIBLIOGRAPHY = {"text": "A.\nB.", "html": "<div>A.</div>", "entries": [{"id": "a"}, {"id": "b"}], "extra": 1}


def test_a_later_cache_over_the_same_folder_reads_what_was_written(tmp_path):
    CitationCache(tmp_path).put_entry("k1", entry(1))
    CitationCache(tmp_path).put_bibliography("b1", BIBLIOGRAPHY)
    later = CitationCache(tmp_path)
    assert later.entry("k1") == entry(1)
    assert later.bibliography("b1") == {k: BIBLIOGRAPHY[k] for k in ("text", "html", "entries")}
    assert later.entry("b1") is None and later.bibliography("k1") is None  # each kind checked
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(TEMP_PREFIX) or ".part" in p.name]


def test_damaged_or_foreign_files_are_misses(tmp_path):
    CitationCache(tmp_path).put_entry("k1", entry(1))
    (cached,) = tmp_path.glob("*.json")
    for damage in ("{not json", '{"bibliography": {"text": 1}}', "[]", ""):
        cached.write_text(damage)
        assert CitationCache(tmp_path).entry("k1") is None


def test_an_unwritable_folder_keeps_entries_in_memory(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    cache = CitationCache(blocker / "cache")
    cache.put_entry("k1", entry(1))  # no error: only a render next time
    assert cache.entry("k1") == entry(1)
    assert CitationCache(blocker / "cache").entry("k1") is None


def test_memory_keeps_the_most_recently_used(tmp_path):
    cache = CitationCache(None, memory=2)
    cache.put_entry("a", entry(1))
    cache.put_entry("b", entry(2))
    assert cache.entry("a") == entry(1)  # used: "b" is now the oldest
    cache.put_entry("c", entry(3))
    assert (cache.entry("a"), cache.entry("b"), cache.entry("c")) == (entry(1), None, entry(3))


def test_the_folder_is_pruned_oldest_first_to_its_bounds(tmp_path):
    for n in range(6):
        path = tmp_path / f"old{n}.json"
        path.write_text("{}")
        os.utime(path, ns=(n * 10**9, n * 10**9))
    cache = CitationCache(tmp_path, max_files=4)
    cache.put_entry("new", entry(0))  # the first write of a session checks the folder
    assert sorted(p.name for p in tmp_path.glob("*.json")) == ["new.json", "old3.json", "old4.json", "old5.json"]
    size = (tmp_path / "new.json").stat().st_size
    CitationCache(tmp_path, max_bytes=size).put_entry("newer", entry(1))
    assert [p.name for p in tmp_path.glob("*.json")] == ["newer.json"]
