"""The outline model, without widgets."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt

from viewer.core.resources import bundled_record
from viewer.ui.outline_model import OutlineModel, SectionIdRole, SectionRole


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


def test_section_role_works_through_a_proxy():
    proxy = QSortFilterProxyModel()
    proxy.setSourceModel(OutlineModel(bundled_record()))
    proxy.setRecursiveFilteringEnabled(True)
    proxy.setFilterFixedString("empowerment")
    proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    abstract = proxy.index(0, 0)
    assert abstract.data(SectionIdRole) == "abstract"
    support = proxy.index(0, 0, abstract)
    assert proxy.index(0, 0, support).data(SectionRole).id == "empowerment"
