"""Citations in the window: styles, both copies, the quotation copy and export, driven by keys."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from viewer.citeproc import citation
from viewer.core.resources import bundled_record

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def clipboard_formats():
    mime = QGuiApplication.clipboard().mimeData()
    return mime.html(), mime.text()


def test_in_text_copy_with_ctrl_shift_a(make_window, qtbot):
    window = make_window()
    qtbot.keyClick(window.tree, Qt.Key.Key_A, CTRL_SHIFT)
    expected = citation.render(bundled_record(), "apa", in_text=True)
    assert clipboard_formats() == (expected.html, expected.text)
    assert window.statusBar().currentMessage() == "Copied the in-text citation (APA 7th edition)."


def test_style_choice_drives_copies_and_is_remembered(make_window, qtbot, settings_file):
    window = make_window()
    qtbot.keyClick(window.tree, Qt.Key.Key_F9)
    assert window.citation_panel.isVisible()
    box = window.citation_panel.style_box
    box.setFocus()
    while box.currentData() != "modern-language-association":
        qtbot.keyClick(box, Qt.Key.Key_Down)
    mla = citation.render(bundled_record(), "modern-language-association")
    apa = citation.render(bundled_record(), "apa")
    shown = window.citation_panel.entry_view.toPlainText()
    assert shown.split() == mla.text.split() and shown.split() != apa.text.split()  # the panel follows the box
    qtbot.keyClick(window.tree, Qt.Key.Key_C, CTRL_SHIFT)
    assert clipboard_formats() == (mla.html, mla.text)
    assert "MLA" in window.statusBar().currentMessage()
    window.close()
    assert make_window(settings_path=settings_file).citation_panel.style_id() == "modern-language-association"


def test_quotation_copy_carries_passage_and_source(make_window, qtbot):
    window = make_window()
    window.select_section("child-protocols")
    from PySide6.QtGui import QTextDocument
    cursor = window.pane.document().find("child victim protocols", 0, QTextDocument.FindFlag.FindCaseSensitively)
    window.pane.setTextCursor(cursor)
    window.pane.setFocus()
    qtbot.keyClick(window.pane, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier)
    html, text = clipboard_formats()
    in_text = citation.render(bundled_record(), "apa", in_text=True)
    assert text.startswith(f"\u201cchild victim protocols\u201d {in_text.text}")
    assert citation.render(bundled_record(), "apa").text in text
    assert "<i>" in html


def test_export_writes_the_chosen_format(make_window, monkeypatch, tmp_path):
    from PySide6.QtWidgets import QFileDialog
    target = tmp_path / "out.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *a, **k: (str(target), "CSL-JSON (*.json)"))
    window = make_window()
    window.menu_actions.export.trigger()
    items = json.loads(target.read_text())
    item = items[0] if isinstance(items, list) else items
    assert item["title"] == bundled_record().title
    assert "author" not in item and "publisher" not in item
