"""Every QAction of the program in one place, keyed by name, with its shortcut."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence

StandardKey = QKeySequence.StandardKey
Shortcut = StandardKey | str | list


class Actions(QObject):
    """Creates the actions; the main window connects them and lays them into menus."""

    def __init__(self, parent: QObject) -> None:  # long function: the one registry, an action a line or two
        super().__init__(parent)
        make = self._make
        # File
        self.open = make(self.tr("&Open Record File…"), StandardKey.Open,
                         self.tr("Add a record file to your library and open it"))
        self.import_files = make(self.tr("&Import…"), "Ctrl+Shift+I",
                                 self.tr("Import records from NCJRS record pages (saved .html or copied .txt), "
                                         "RIS, BibTeX or CSL-JSON files into your library"))
        self.import_clipboard = make(self.tr("Import from &Clipboard"), "Ctrl+Shift+Alt+I",
                                     self.tr("Add the NCJRS record page (or RIS, BibTeX, CSL-JSON) on the clipboard "
                                             "to your library and open it"))
        # Ctrl+V only while the library list has focus (the window adds it there): elsewhere it stays the widget's.
        self.paste_records = make(self.tr("&Paste into Library"), StandardKey.Paste,
                                  self.tr("Add the record on the clipboard to your library and open it"))
        self.paste_records.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.add_style = make(self.tr("Add Citation &Style…"), "",
                              self.tr("Add a CSL style file of your own to the citation styles"))
        self.export = make(self.tr("&Export…"), "Ctrl+E",
                           self.tr("Save the selected records as RIS, BibTeX or CSL-JSON"))
        self.export_pdf = make(self.tr("Export Section as &PDF…"), "Ctrl+Shift+P",
                               self.tr("Save the current section as a PDF"))
        self.export_pdf_whole = make(self.tr("Export &Whole Record as PDF…"), "",
                                     self.tr("Save every section of the record as one PDF"))
        self.print = make(self.tr("&Print Section…"), StandardKey.Print, self.tr("Print the current section"))
        self.print_whole = make(self.tr("Print W&hole Record…"), "Ctrl+Shift+Alt+P",
                                self.tr("Print every section of the record"))
        self.open_source = make(self.tr("Open Record Page in &Browser"), "",
                                self.tr("Open the record's page in the NCJRS Virtual Library"))
        # Some platforms map no key to StandardKey.Quit; Ctrl+Q is what users expect there.
        self.quit = make(self.tr("&Quit"), [StandardKey.Quit, "Ctrl+Q"], role=QAction.MenuRole.QuitRole)
        # Edit
        self.undo = make(self.tr("&Undo"), StandardKey.Undo)
        self.redo = make(self.tr("&Redo"), StandardKey.Redo)
        self.remove = make(self.tr("&Remove from Library"), StandardKey.Delete,
                           self.tr("Remove the selected records from your library (Undo brings them back)"))
        self.copy = make(self.tr("&Copy"), StandardKey.Copy, self.tr("Copy the selected text"))
        self.copy_citation = make(self.tr("Copy C&itation"), "Ctrl+Shift+C",
                                  self.tr("Copy the bibliography entry (of every selected record) in the chosen style"))
        self.copy_in_text = make(self.tr("Copy In-&text Citation"), "Ctrl+Shift+A",
                                 self.tr("Copy the in-text citation in the chosen style"))
        self.copy_quotation = make(self.tr("Copy &Quotation with Citation"), "Ctrl+Alt+C",
                                   self.tr("Copy the selected passage with its in-text citation and source"))
        self.find = make(self.tr("&Find…"), StandardKey.Find, self.tr("Find text in the section"))
        self.find_next = make(self.tr("Find &Next"), StandardKey.FindNext)
        self.find_previous = make(self.tr("Find Pre&vious"), StandardKey.FindPrevious)
        self.search_library = make(self.tr("Search &Library"), "Ctrl+K",
                                   self.tr("Search your records as you type"))
        self.filter = make(self.tr("&Search Sections"), "Ctrl+Shift+F",
                           self.tr("Narrow the outline to sections that hold the words you type"))
        # View
        self.zoom_in = make(self.tr("Zoom &In"), [StandardKey.ZoomIn, "Ctrl+="])
        self.zoom_out = make(self.tr("Zoom &Out"), StandardKey.ZoomOut)
        self.zoom_reset = make(self.tr("&Actual Size"), "Ctrl+0")
        self.appearance = QActionGroup(self)
        self.appearance_system = make(self.tr("Follow &System"), checkable=True, group=self.appearance)
        self.appearance_light = make(self.tr("&Light"), checkable=True, group=self.appearance)
        self.appearance_dark = make(self.tr("&Dark"), checkable=True, group=self.appearance)
        self.dark_pages = make(self.tr("Dar&k Report Pages"), "",
                               self.tr("Show the report's pages light on dark (follows the window's appearance "
                                       "until you choose)"), checkable=True)
        self.show_citation_panel = make(self.tr("&Citation Panel"), "F9",
                                        self.tr("Show or hide the citation panel"), checkable=True)
        self.next_pane = make(self.tr("Next &Pane"), ["F6", "Ctrl+Tab"])
        self.previous_pane = make(self.tr("Previous Pa&ne"), ["Shift+F6", "Ctrl+Shift+Tab"])
        self.reset_layout = make(self.tr("&Reset Layout"), "",
                                 self.tr("Restore the window's size, panes, outline and zoom to their defaults"))
        # Record
        self.attach_report = make(self.tr("&Attach Report PDF…"), "",
                                  self.tr("Copy the record's report (a PDF) into your library and read it here"))
        self.detach_report = make(self.tr("&Detach Report"), "",
                                  self.tr("Remove the attached report's copy (Undo brings it back)"))
        self.damaged_records = make(self.tr("Damaged &Records…"), "",
                                    self.tr("List the records whose stored data cannot be read"))
        # Go
        self.back = make(self.tr("&Back"), StandardKey.Back, self.tr("Go back to the previous section"))
        self.forward = make(self.tr("&Forward"), StandardKey.Forward, self.tr("Go forward again"))
        # Help
        self.keyboard_shortcuts = make(self.tr("&Keyboard Shortcuts"), "Ctrl+/",
                                       self.tr("List every command with its keys"))
        self.about = make(self.tr("&About NCJRS Reference Viewer"), role=QAction.MenuRole.AboutRole)
        self.about_qt = make(self.tr("About &Qt"), role=QAction.MenuRole.AboutQtRole)

    def library_writes(self) -> list[QAction]:
        """The actions that change the library or its folder: none can on a read-only disk."""
        return [self.open, self.import_files, self.import_clipboard, self.paste_records, self.add_style,
                self.remove, self.attach_report, self.detach_report]

    def hold_library_writes(self) -> None:
        """A library on a read-only disk: the writing actions off, each saying why."""
        why = self.tr("The library is on a read-only disk: it can be read and searched, not changed")
        for action in self.library_writes():
            action.setEnabled(False)
            action.setToolTip(why)
            action.setStatusTip(why)

    def _make(self, text: str, shortcut: Shortcut = "", tip: str = "",
              role: QAction.MenuRole = QAction.MenuRole.NoRole, checkable: bool = False,
              group: QActionGroup | None = None) -> QAction:
        action = QAction(text, self.parent())
        keys = shortcut if isinstance(shortcut, list) else [shortcut] if shortcut else []
        sequences: list[QKeySequence] = []
        for key in keys:
            seq = QKeySequence(key)
            if not seq.isEmpty() and seq not in sequences:
                sequences.append(seq)
        action.setShortcuts(sequences)
        if tip:
            action.setStatusTip(tip)
            action.setToolTip(tip)
        action.setMenuRole(role)
        action.setCheckable(checkable)
        if group is not None:
            group.addAction(action)
        return action

    def all(self) -> dict[str, QAction]:
        return {name: value for name, value in vars(self).items() if isinstance(value, QAction)}
