"""The outline model, without widgets."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex

from viewer.core.resources import bundled_record
from viewer.ui.outline_model import OutlineModel, SectionFilterModel, SectionIdRole, SectionRole


def test_model_passes_qtmodeltester(qtmodeltester):
    qtmodeltester.check(OutlineModel(bundled_record()))


def test_rows_mirror_the_record():
    record = bundled_record()
    model = OutlineModel(record)
    assert model.rowCount() == 3
    abstract = model.index(2, 0)
    assert abstract.data() == "Abstract"
    assert model.rowCount(abstract) == len(record.section("abstract").children)
    child = model.index(1, 0, abstract)
    assert child.data(SectionIdRole) == "cooperation"
    assert model.parent(child) == abstract
    assert model.rowCount(child) == 2
    assert model.index(99, 0) == QModelIndex()


def test_index_of_finds_nested_sections():
    model = OutlineModel(bundled_record())
    index = model.index_of("civil-society")
    assert index.data(SectionRole).heading == "Civil society"
    assert index.parent().data(SectionIdRole) == "victim-support"
    assert not model.index_of("nope").isValid()


def filtered(text: str = "") -> SectionFilterModel:
    proxy = SectionFilterModel()
    proxy.setSourceModel(OutlineModel(bundled_record()))
    proxy.set_filter_text(text)
    return proxy


def test_filter_model_passes_qtmodeltester_while_the_filter_changes(qtmodeltester):
    proxy = filtered()
    qtmodeltester.check(proxy)  # the tester stays attached and checks every change below
    for text in ("empowerment", "VICTIM support", "no-such-word", "", "trafficking"):
        proxy.set_filter_text(text)
        qtmodeltester.check(proxy)


def test_filter_keeps_the_path_to_a_match_and_the_roles_work_through_it():
    proxy = filtered("Situations")  # words of a few nested sections' text
    assert proxy.terms == ["situations"] and proxy.rowCount() == 1
    abstract = proxy.index(0, 0)
    assert abstract.data(SectionIdRole) == "abstract" and proxy.rowCount(abstract) == 1
    justice = proxy.index(0, 0, abstract)  # of six; its siblings, which lack the word, are gone
    assert justice.data(SectionIdRole) == "victims-justice"
    shown = [proxy.index(row, 0, justice) for row in range(proxy.rowCount(justice))]
    assert "post-conflict" in [index.data(SectionRole).id for index in shown]
    assert all(proxy.matches(index) for index in shown)


def test_every_word_must_match_and_clearing_shows_everything():
    proxy = filtered()
    everything = proxy.rowCount()
    proxy.set_filter_text("empowerment no-such-word")
    assert proxy.rowCount() == 0
    proxy.set_filter_text("")
    assert proxy.rowCount() == everything == 3
