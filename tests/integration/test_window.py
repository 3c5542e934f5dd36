"""The real window, driven with keys and the mouse through qtbot."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtWidgets import QApplication

from viewer.citeproc import citation
from viewer.core.resources import bundled_record


def test_starts_on_the_first_section_with_the_record_in_the_title(make_window):
    window = make_window()
    assert window.current_section_id() == "details"
    assert "Trafficking in Human Beings, Especially Women and Children" in window.windowTitle()
    text = window.pane.toPlainText()
    assert "NCJ Number" in text and "203234" in text and "March 2003" in text and "8 pages" in text
    assert "Author" not in text and "Publisher" not in text
    assert QApplication.focusWidget() is window.tree


def test_keyboard_navigation_updates_the_pane(make_window, qtbot):
    window = make_window()
    window.tree.setFocus()
    qtbot.keyClick(window.tree, Qt.Key.Key_Down)
    assert window.current_section_id() == "annotation"
    assert window.pane.toPlainText().splitlines()[1] == "Annotation"
    assert "In response to requests from the United Nations" in window.pane.toPlainText()
    qtbot.keyClick(window.tree, Qt.Key.Key_Down)
    qtbot.keyClick(window.tree, Qt.Key.Key_Down)
    qtbot.keyClick(window.tree, Qt.Key.Key_Down)
    assert window.current_section_id() == "cooperation"
    assert "law enforcement cooperation and assistance" in window.pane.toPlainText()
    qtbot.keyClick(window.tree, Qt.Key.Key_End)
    assert window.current_section_id() == "lessons"


def test_mouse_click_selects_a_section(make_window, qtbot):
    window = make_window()
    index = window.tree_index("empowerment")
    rect = window.tree.visualRect(index)
    qtbot.mouseClick(window.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.current_section_id() == "empowerment"
    html = window.pane.toHtml()
    assert "victim assistance geared toward empowerment" in window.pane.toPlainText()
    assert "font-weight:" in html  # the phrase is emphasised within its sentence


def test_outline_note_is_visible(make_window):
    window = make_window()
    note = window.findChild(type(window.statusBar()).__mro__[0], "outlineNote") or window.findChild(
        __import__("PySide6.QtWidgets", fromlist=["QLabel"]).QLabel, "outlineNote")
    assert note.isVisible() and "derived from the abstract" in note.text()


def test_copy_citation_shortcut_puts_html_and_text(make_window, qtbot):
    window = make_window()
    assert window.menu_actions.copy_citation.shortcut() == QKeySequence("Ctrl+Shift+C")
    qtbot.keyClick(window.tree, Qt.Key.Key_C,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    mime = QGuiApplication.clipboard().mimeData()
    expected = citation.render(bundled_record(), citation.DEFAULT_STYLE)
    assert mime.hasHtml() and mime.hasText()
    assert mime.text() == expected.text
    assert "<i>" in mime.html() and "Trafficking in human beings" in mime.html()
    assert "Copied the citation" in window.statusBar().currentMessage()


def test_copy_copies_the_selected_text(make_window, qtbot):
    window = make_window()
    window.select_section("annotation")
    assert not window.menu_actions.copy.isEnabled()
    window.pane.setFocus()
    qtbot.keyClick(window.pane, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    assert window.menu_actions.copy.isEnabled()
    window.menu_actions.copy.trigger()
    assert "In response to requests" in QGuiApplication.clipboard().text()


def test_standard_shortcuts(make_window):
    actions = make_window().menu_actions
    assert actions.copy.shortcut() == QKeySequence(QKeySequence.StandardKey.Copy)
    assert QKeySequence("Ctrl+Q") in actions.quit.shortcuts()
    assert actions.find.shortcut() == QKeySequence(QKeySequence.StandardKey.Find)
    assert actions.back.shortcut() == QKeySequence(QKeySequence.StandardKey.Back)


def test_geometry_splitter_and_last_section_are_restored(make_window, settings_file):
    window = make_window()
    window.resize(700, 500)  # within the offscreen screen (800x600): Qt clamps restored geometry to it
    window.splitter.setSizes([250, 450])
    window.select_section("child-protocols")
    sizes = window.splitter.sizes()
    window.close()
    again = make_window(settings_path=settings_file)
    assert again.current_section_id() == "child-protocols"
    assert again.splitter.sizes() == sizes
    assert (again.width(), again.height()) == (700, 500)


def test_section_argument_beats_the_remembered_one(make_window, settings_file):
    window = make_window()
    window.select_section("lessons")
    window.close()
    assert make_window(section_id="trends").current_section_id() == "trends"


def test_corrupt_settings_are_ignored_with_a_warning(make_window, settings_file):
    settings_file.write_bytes(b"[window]\ngeometry=@ByteArray(\x00\xff garbage\nsplitter=12\n"
                              b"[reading]\nlast_section=@Variant(\x00\x00\x00\x7f)\n")
    window = make_window()
    assert window.current_section_id() == "details"
    assert window.settings.warnings


def test_about_names_version_and_provenance(make_window, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from viewer import __version__
    seen = {}
    monkeypatch.setattr(QMessageBox, "about", lambda parent, title, text: seen.update(text=text))
    make_window().menu_actions.about.trigger()
    assert __version__ in seen["text"] and "NCJRS Virtual Library" in seen["text"]


def test_links_go_to_the_system_browser_only_when_clicked(make_window, monkeypatch):
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QDesktopServices
    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toString()))
    window = make_window()
    assert opened == []
    page = "https://www.ojp.gov/ncjrs/virtual-library"  # the seed gives no address: a link of another record
    window.pane.anchorClicked.emit(QUrl(page))
    window.pane.anchorClicked.emit(QUrl("file:///etc/passwd"))
    assert opened == [page]

