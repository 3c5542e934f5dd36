"""Records already in the library, said out loud: the Replace / Keep question before an import
writes, and the one-line summary after it ("Imported 47,970 records; 2,030 already there")."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QWidget


# Up to this many ids are named in the summary line; more are counted.
NAMED_IN_LINE = 3


@dataclass
class ImportSummary:
    """What an import did, for the status line."""

    added: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)  # the stored ids of records kept as they were
    replaced: list[str] = field(default_factory=list)
    bad: int = 0  # entries that could not be read (the file import asked about them already)


def _tr(text: str) -> str:
    return QCoreApplication.translate("duplicates", text)


def _count(n: int, one: str, many: str) -> str:
    return _tr(one) if n == 1 else _tr(many).format(f"{n:,}")


def summary_line(summary: ImportSummary) -> str:
    """"Imported 3 records; 2 already there: ncj-1, ncj-2; 1 replaced." (ids named when few)."""
    parts = []
    if summary.added:
        parts.append(_count(len(summary.added), "Imported 1 record", "Imported {0} records"))
    if summary.replaced:
        parts.append(_count(len(summary.replaced), "1 replaced", "{0} replaced") if parts else
                     _count(len(summary.replaced), "Replaced 1 record", "Replaced {0} records"))
    if not parts:
        parts.append(_tr("Nothing new imported"))
    if summary.already:
        ids = list(dict.fromkeys(summary.already))
        named = f": {', '.join(ids)}" if len(ids) == len(summary.already) <= NAMED_IN_LINE else ""
        parts.append(_count(len(summary.already), "1 already there", "{0} already there") + named)
    if summary.bad:
        parts.append(_count(summary.bad, "1 entry could not be read", "{0} entries could not be read"))
    return "; ".join(parts) + "."


def ask_replace(parent: QWidget, titles: Mapping[str, str], already: dict[str, str],
                protected: set[str]) -> bool | None:
    """Some incoming records are already there (``titles``: incoming id -> title): True replaces
    them, False keeps the stored ones, None cancels the import. Show Details lists each (the
    bundled record: never replaced)."""
    lines = []
    for new_id, stored_id in already.items():
        place = "" if stored_id == new_id else _tr(" (in your library as {0})").format(stored_id)
        never = _tr(" (the bundled record: never replaced)") if stored_id in protected else ""
        lines.append(f"{new_id}: {titles.get(new_id, '')}{place}{never}")
    count = len(already)
    text = (_tr("{0} is already in your library.").format(next(iter(already.values()))) if count == 1 else
            _tr("{0} of these records are already in your library.").format(f"{count:,}"))
    from PySide6.QtWidgets import QMessageBox  # on use (start-up)

    box = QMessageBox(QMessageBox.Icon.Question, _tr("Already in Your Library"), text,
                      QMessageBox.StandardButton.Cancel, parent)
    box.setInformativeText(_tr("Replace it with the imported copy, or keep the one you have?") if count == 1 else
                           _tr("Replace them with the imported copies, or keep the ones you have? "
                               "Show Details lists each by its id (same id or NCJ number)."))
    box.setDetailedText("\n".join(lines))
    replace_button = box.addButton(_tr("Replace"), QMessageBox.ButtonRole.DestructiveRole)
    keep_button = box.addButton(_tr("Keep"), QMessageBox.ButtonRole.AcceptRole)
    box.setDefaultButton(keep_button)
    box.exec()
    clicked = box.clickedButton()
    return True if clicked is replace_button else False if clicked is keep_button else None
