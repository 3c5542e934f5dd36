"""The citation panel, driven by keys: it always fills, its style box finds any style, its locale
choice and the user's own styles reach the citation."""

from __future__ import annotations

import dataclasses

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from viewer.core.library import Library
from viewer.core.resources import bundled_record

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier

MY_STYLE = """<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">
  <info><title>My Course Style</title><id>my-course-style</id><updated>2024-01-01T00:00:00+00:00</updated></info>
  <citation><layout><text variable="title" prefix="[" suffix="]"/></layout></citation>
  <bibliography><layout><text value="MINE: "/><text variable="title" font-style="italic"/></layout></bibliography>
</style>
"""


def imported_record():
    """A record with no stored citations, as an import gives it."""
    return dataclasses.replace(bundled_record(), id="imported-1", ncj_number="999001",
                               title="Courts and Juries in Rural Counties",
                               title_sentence_case="Courts and juries in rural counties", authors=("Doe, Jane",))


@pytest.fixture
def window_with_import(make_window, tmp_path):
    library = Library.open(tmp_path / "library")
    library.add_records([imported_record()])
    window = make_window(record=imported_record(), library=library)
    yield window
    window.citations.shutdown()
    library.close()


def test_f9_shows_an_imported_records_citation_rendered_in_the_worker(window_with_import, qtbot):
    window = window_with_import
    panel = window.citation_panel
    qtbot.keyClick(window.tree, Qt.Key.Key_F9)
    assert panel.isVisible()
    assert "rendering" in panel.entry_view.toPlainText()  # a visible state while the worker renders
    qtbot.waitUntil(lambda: "Doe" in panel.entry_view.toPlainText(), timeout=60_000)
    assert "Courts and juries in rural counties" in panel.entry_view.toPlainText()  # APA: sentence case
    assert "(Doe, 2003)" in panel.in_text_view.toPlainText()
    assert panel.state_label.text() == ""


def test_the_panel_shows_the_error_when_rendering_fails(window_with_import, qtbot, monkeypatch):
    from viewer.citeproc import engine as csl_engine

    def broken(*_args, **_kwargs):
        raise csl_engine.CslEngineError("citeproc-js failed in <render apa>: boom")

    monkeypatch.setattr(csl_engine, "render_item", broken)
    window = window_with_import
    qtbot.keyClick(window.tree, Qt.Key.Key_F9)
    qtbot.waitUntil(lambda: "boom" in window.citation_panel.state_label.text(), timeout=60_000)
    assert "could not be made" in window.citation_panel.state_label.text()


def type_in_style_box(qtbot, panel, text):
    edit = panel.style_box.lineEdit()
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, text)


def test_typing_finds_any_style_and_the_choice_is_remembered_on_top(make_window, qtbot, settings_file):
    window = make_window()
    panel = window.citation_panel
    qtbot.keyClick(window.tree, Qt.Key.Key_F9)
    type_in_style_box(qtbot, panel, "crimin")
    popup = panel.completer.popup()
    assert popup.isVisible()
    titles = [panel.results.index(r).data() for r in range(panel.results.rowCount())]
    assert "The British Journal of Criminology" in titles
    assert all("crimin" in (t + panel.results.index(i).data(Qt.ItemDataRole.ToolTipRole)).casefold()
               for i, t in enumerate(titles))
    row = titles.index("The British Journal of Criminology")
    popup.setCurrentIndex(panel.results.index(row))
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert panel.style_id() == "the-british-journal-of-criminology"
    qtbot.waitUntil(lambda: "rendering" not in panel.entry_view.toPlainText(), timeout=60_000)
    assert "Trafficking" in panel.entry_view.toPlainText()
    window.close()
    again = make_window(settings_path=settings_file)
    assert again.citation_panel.style_id() == "the-british-journal-of-criminology"
    pinned = [again.citation_panel.styles.index(r).data(Qt.ItemDataRole.UserRole) for r in range(9)]
    assert pinned[8] == "the-british-journal-of-criminology"  # the short list, then the recent style


def test_a_locale_chosen_in_the_panel_reaches_the_copy(make_window, qtbot, settings_file):
    window = make_window()
    panel = window.citation_panel
    qtbot.keyClick(window.tree, Qt.Key.Key_F9)
    assert panel.locale_box.itemText(0) == "Style default (English (US))"
    panel.locale_box.setFocus()
    while panel.locale_box.currentData() != "de-DE":
        qtbot.keyClick(panel.locale_box, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: "rendering" not in panel.in_text_view.toPlainText(), timeout=60_000)
    # citeproc-js title-cases only in English locales: APA's in-text title stays as given in German.
    german = "(Trafficking in human beings, especially women and children, 2003)"
    assert panel.in_text_view.toPlainText() == german
    qtbot.keyClick(window.tree, Qt.Key.Key_A, CTRL_SHIFT)
    qtbot.waitUntil(lambda: "Copied" in window.statusBar().currentMessage(), timeout=60_000)
    assert QGuiApplication.clipboard().mimeData().text() == german
    window.close()
    assert make_window(settings_path=settings_file).citation_panel.locale_id() == "de-DE"


def test_add_citation_style_copies_checks_and_selects_it(window_with_import, qtbot, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    window = window_with_import
    good = tmp_path / "mine.csl"
    good.write_text(MY_STYLE, encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(good), ""))
    window.menu_actions.add_style.trigger()
    assert (tmp_path / "library" / "styles" / "my-course-style.csl").is_file()
    panel = window.citation_panel
    assert panel.isVisible() and panel.style_id() == "my-course-style"
    qtbot.waitUntil(lambda: "MINE:" in panel.entry_view.toPlainText(), timeout=60_000)
    assert "Courts and juries in rural counties" in panel.entry_view.toPlainText()

    from viewer.ui import citation_controller
    warnings = []
    monkeypatch.setattr(citation_controller, "warn", lambda _parent, _title, text: warnings.append(text))
    bad = tmp_path / "bad.csl"
    bad.write_text("<style>\n<oops></style>", encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(bad), ""))
    window.menu_actions.add_style.trigger()
    assert len(warnings) == 1 and "\n" not in warnings[0] and "bad.csl" in warnings[0]
    assert panel.style_id() == "my-course-style"
