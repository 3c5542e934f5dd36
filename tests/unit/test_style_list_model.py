"""The style box's model and its matching, and the bibliography's progress and cancel (no window)."""

from __future__ import annotations

import dataclasses

import pytest
from PySide6.QtCore import Qt

from viewer.citeproc import citation
from viewer.ui.style_list_model import StyleListModel


def test_the_short_list_first_then_recent_then_every_style(qtmodeltester):
    model = StyleListModel()
    assert [model.index(r).data(Qt.ItemDataRole.UserRole) for r in range(model.rowCount())] == citation.style_ids()
    model.load(None)
    model.set_recent(["vancouver", "apa"])
    ids = [model.index(r).data(Qt.ItemDataRole.UserRole) for r in range(model.rowCount())]
    assert ids[:9] == citation.style_ids() + ["vancouver"]
    assert len(ids) == len(set(ids)) > 10_000
    assert model.index(0).data() == "APA 7th edition"  # the short list keeps its own names
    qtmodeltester.check(model)


def test_matching_finds_every_word_anywhere_in_title_or_id():
    model = StyleListModel()
    model.load(None)
    rows, more = model.matching("crimin")
    assert not more and "the-british-journal-of-criminology" in [r.id for r in rows]
    assert all("crimin" in r.search for r in rows)
    rows, _ = model.matching("British CRIMIN")
    assert [r.id for r in rows] == ["the-british-journal-of-criminology"]
    rows, more = model.matching("journal", limit=5)
    assert len(rows) == 5 and more
    assert model.matching("  ") == ([], False)
    assert model.matching("zzqqxx") == ([], False)


def test_a_bibliography_reports_progress_and_stops_when_told():
    from viewer.citeproc.engine import CslEngine, RenderCancelled
    from viewer.core.resources import bundled_record

    records = [dataclasses.replace(bundled_record(), id=f"r{i}", ncj_number=str(i), title=f"Report {i}",
                                   title_sentence_case=f"Report {i}", authors=(f"Smith{i}, Ann",)) for i in range(30)]
    items = citation.bibliography_items(records, "apa")
    engine = CslEngine()
    seen = []
    whole = engine.render_bibliography(items, "apa", progress=lambda done, total: seen.append((done, total)) or True)
    assert len(seen) > 10 and seen[-1][0] > seen[0][0] and seen[-1][0] <= seen[-1][1]
    with pytest.raises(RenderCancelled):
        engine.render_bibliography(items, "apa", progress=lambda done, total: done < total // 3)
    assert engine.render_bibliography(items, "apa") == whole  # a cancel leaves no trace
