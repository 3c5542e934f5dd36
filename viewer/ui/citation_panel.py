"""The citation panel: pick a style and a locale, preview the entry and the in-text citation, copy either.

The panel only shows; the citation controller decides what (``refresh_requested``, then
:meth:`CitationPanel.show_citation`, :meth:`show_rendering` or :meth:`show_error`). The style box is
searchable over every style (``StyleListModel`` with a completer that matches anywhere in a
style's title or id); the index behind it is read when the panel is first shown.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from PySide6.QtCore import QModelIndex, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDockWidget,
    QFormLayout,
    QLabel,
    QListView,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from viewer.ui.style_list_model import StyleIdRole, StyleListModel, StyleResults


class CitationPanel(QDockWidget):
    style_changed = Signal(str)
    locale_changed = Signal(str)  # "": the style's default-locale
    refresh_requested = Signal()  # shown, or told to refresh: the controller shows what is wanted

    def __init__(self, copy_entry, copy_in_text, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Citation"), parent)
        self.setObjectName("citationPanel")
        self.user_styles: Path | None = None
        self.styles = StyleListModel(self)
        body = QWidget()
        layout = QVBoxLayout(body)
        form = QFormLayout()
        self.style_box = self._style_box()
        self.locale_box = QComboBox()
        self.locale_box.setAccessibleName(self.tr("Citation locale"))
        self.locale_box.addItem(self.tr("Style default"), "")
        for text, box in ((self.tr("&Style:"), self.style_box), (self.tr("&Language:"), self.locale_box)):
            label = QLabel(text)
            label.setBuddy(box)
            form.addRow(label, box)
        layout.addLayout(form)
        self.state_label = QLabel()
        self.state_label.setAccessibleName(self.tr("Citation state"))
        self.state_label.setWordWrap(True)
        self.state_label.hide()
        layout.addWidget(self.state_label)

        self.entry_view = self._preview(self.tr("Bibliography entry"))
        self.in_text_view = self._preview(self.tr("In-text citation"))
        self.entry_heading = QLabel()
        self._set_entry_heading(1)
        for heading, view, action in ((self.entry_heading, self.entry_view, copy_entry),
                                      (QLabel(f"<b>{self.tr('In-text citation')}</b>"), self.in_text_view,
                                       copy_in_text)):
            layout.addWidget(heading)
            layout.addWidget(view)
            button = QToolButton()
            button.setDefaultAction(action)
            layout.addWidget(button)
        layout.addStretch(1)
        self.setWidget(body)
        self._style_id = ""
        self.style_box.currentIndexChanged.connect(self._style_picked)
        self.locale_box.currentIndexChanged.connect(lambda _: self.locale_changed.emit(self.locale_id() or ""))

    def _style_box(self) -> QComboBox:
        box = QComboBox()
        box.setAccessibleName(self.tr("Citation style"))
        box.setEditable(True)
        box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        box.setModel(self.styles)
        box.setMaxVisibleItems(16)
        box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        box.setMinimumContentsLength(24)
        edit = box.lineEdit()
        assert edit is not None  # an editable box has its line edit
        edit.setPlaceholderText(self.tr("Type to find a style"))
        # The box's own completer would filter through data() calls, a row at a time; this one
        # shows StyleResults, filled by StyleListModel.matching as the user types.
        box.setCompleter(None)  # type: ignore[arg-type]  # the stubs omit None; Qt takes nullptr here
        self.results = StyleResults(self)
        completer = QCompleter(self.results, box)
        completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        completer.setMaxVisibleItems(16)
        popup = completer.popup()
        if isinstance(popup, QListView):
            popup.setUniformItemSizes(True)
            popup.setMinimumWidth(420)  # long journal titles: wider than the box
        completer.activated[QModelIndex].connect(self._result_chosen)  # type: ignore[index]  # overloaded signal
        self.completer = completer
        edit.setCompleter(completer)
        edit.textEdited.connect(self._filter_styles)
        edit.editingFinished.connect(self._restore_style_text)
        return box

    def _preview(self, name: str) -> QTextBrowser:
        view = _Preview()
        view.setAccessibleName(name)
        view.setOpenLinks(False)
        view.setMaximumHeight(110)
        return view

    def _set_entry_heading(self, records: int) -> None:
        title = self.tr("Bibliography entry") if records <= 1 else self.tr("Bibliography ({0} records)").format(records)
        self.entry_heading.setText(f"<b>{escape(title)}</b>")

    # --- styles and locales ---

    def load_styles(self) -> None:
        """Every style and locale (read from the bundle the first time the panel is shown)."""
        if self.styles.loaded:
            return
        from viewer.citeproc import style_repo

        wanted = self._style_id
        self.style_box.blockSignals(True)
        self.styles.load(self.user_styles)
        self.style_box.blockSignals(False)
        self._select_row(wanted)
        chosen = self.locale_id()
        self.locale_box.blockSignals(True)
        while self.locale_box.count() > 1:
            self.locale_box.removeItem(1)
        for lang in style_repo.locales():
            self.locale_box.addItem(f"{style_repo.locale_name(lang)} \u2014 {lang}", lang)
        self.locale_box.blockSignals(False)
        self.set_locale(chosen)
        self._update_default_locale()

    def reload_styles(self, select: str = "") -> None:
        """After the user added a style: read the list again and choose ``select``."""
        self.styles.loaded = False
        self.load_styles()
        if select:
            self.set_style(select)

    def set_recent(self, style_ids: list[str]) -> None:
        current = self._style_id
        self.style_box.blockSignals(True)
        self.styles.set_recent(style_ids)
        self.style_box.blockSignals(False)
        self._select_row(current)

    def style_id(self) -> str:
        return self._style_id

    def set_style(self, style_id: str) -> None:
        if style_id and style_id != self._style_id:
            self._select_row(style_id)
            self._style_changed()

    def _select_row(self, style_id: str) -> None:
        self._style_id = style_id
        row = self.styles.ensure(style_id)
        self.style_box.blockSignals(True)
        self.style_box.setCurrentIndex(row)
        self.style_box.blockSignals(False)

    def _style_picked(self, row: int) -> None:
        style_id = self.style_box.itemData(row, StyleIdRole) if row >= 0 else None
        if style_id and style_id != self._style_id:
            self._style_id = style_id
            self._style_changed()

    def _style_changed(self) -> None:
        self._update_default_locale()
        self.style_changed.emit(self._style_id)

    def _filter_styles(self, text: str) -> None:
        if not text.strip():
            popup = self.completer.popup()
            if popup is not None:
                popup.hide()
            return
        self.load_styles()
        rows, more = self.styles.matching(text)
        self.results.set_rows(rows)
        self.completer.complete()
        if more:
            self._set_state(self.tr("More than {0} styles match: type more to narrow them.").format(len(rows)))
        elif self.state_label.text().endswith(self.tr("type more to narrow them.")):
            self._set_state("")

    def _result_chosen(self, index: QModelIndex) -> None:
        style_id = index.data(StyleIdRole)
        if style_id:
            self.set_style(style_id)
            self.style_box.setEditText(self.styles.title(style_id))

    def _restore_style_text(self) -> None:
        # Text typed but nothing chosen: the box shows the chosen style again.
        row = self.styles.row_of(self._style_id)
        if row >= 0 and self.style_box.currentText() != self.styles.title(self._style_id):
            self.style_box.setCurrentIndex(row)
            self.style_box.setEditText(self.styles.title(self._style_id))

    def locale_id(self) -> str | None:
        return self.locale_box.currentData() or None

    def set_locale(self, lang: str | None) -> None:
        index = self.locale_box.findData(lang or "")
        if index < 0:  # remembered before the list is loaded
            self.locale_box.addItem(lang or "", lang or "")
            index = self.locale_box.count() - 1
        self.locale_box.setCurrentIndex(index)

    def _update_default_locale(self) -> None:
        if not self.styles.loaded:
            return
        from viewer.citeproc import style_repo

        try:
            lang = style_repo.style_default_locale(self._style_id, self.user_styles) or style_repo.DEFAULT_LOCALE
        except style_repo.StyleError:
            lang = style_repo.DEFAULT_LOCALE
        name = style_repo.locale_name(style_repo.resolve_locale(lang))
        self.locale_box.setItemText(0, self.tr("Style default ({0})").format(name))

    # --- what is shown ---

    def _set_state(self, text: str) -> None:
        self.state_label.setText(text)
        self.state_label.setVisible(bool(text))  # an empty label would still take a line

    def refresh(self) -> None:
        if self.isVisible():
            self.refresh_requested.emit()

    def show_rendering(self, records: int = 1) -> None:
        self._set_entry_heading(records)
        self._set_state(self.tr("Rendering the citation in {0}…").format(self.styles.title(self._style_id)))
        waiting = f"<i>{escape(self.tr('rendering…'))}</i>"
        self.entry_view.setHtml(waiting)
        self.in_text_view.setHtml(waiting)

    def show_citation(self, entry_html: str, in_text_html: str, records: int = 1) -> None:
        self._set_entry_heading(records)
        self._set_state("")
        self.entry_view.setHtml(entry_html)
        self.in_text_view.setHtml(in_text_html)

    def show_message(self, message: str) -> None:
        """Something other than a citation to say (too many records selected, nothing selected)."""
        self._set_state(message)
        self.entry_view.clear()
        self.in_text_view.clear()

    def show_error(self, message: str) -> None:
        self._set_state(self.tr("The citation could not be made: {0}").format(message))
        self.entry_view.clear()
        self.in_text_view.clear()

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        self.load_styles()
        self.refresh()


class _Preview(QTextBrowser):
    def loadResource(self, type: int, name):  # noqa: A002 - Qt's signature
        return None  # previews show citation markup; they never fetch anything
