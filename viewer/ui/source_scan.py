"""Spare the modules the window imports PySide's source scan (start-up time from source).

When PySide6 starts, it reads the source of every module already imported, and later of every
module an import statement names (``inspect.getsource``, once per module), to learn whether the
module uses PySide: that decides how a ``__feature__`` selection (snake_case, true_property)
applies to it. For the window's ~130 modules that is 20-30 ms of a start from source. No module here selects a feature, so each module is
marked "no feature" as it is looked for, and the scan skips it. A module that does select one
still can: ``from __feature__ import ...`` overwrites the mark, as it would PySide's own. A PySide
without that table (its internals changed) is left alone, and the scan runs as before.
"""

from __future__ import annotations

import PySide6  # noqa: F401 - before this module's own imports: those would be scanned at its start

import sys
from importlib.abc import MetaPathFinder
from importlib.machinery import ModuleSpec
from types import ModuleType
from typing import Sequence

NO_FEATURE = 0  # what PySide records for a module that uses it and selects no feature


class _Marker(MetaPathFinder):
    """Finds nothing: marks each module as it is looked for, before it loads."""

    def __init__(self, marks: dict) -> None:
        self.marks = marks

    def find_spec(self, fullname: str, path: Sequence[str] | None = None,
                  target: ModuleType | None = None) -> ModuleSpec | None:
        self.marks.setdefault(fullname, NO_FEATURE)
        return None


def skip_from_now_on() -> None:
    """PySide's source scan skips the modules imported from now on. Called first thing (viewer.cli),
    since PySide scans at its start every module imported before it."""
    feature = sys.modules.get("shibokensupport.feature")
    marks = getattr(feature, "pyside_feature_dict", None)
    if not isinstance(marks, dict) or any(isinstance(f, _Marker) for f in sys.meta_path):
        return
    for name in list(sys.modules):  # scanned too, when an import statement names them again
        marks.setdefault(name, NO_FEATURE)
    sys.meta_path.insert(0, _Marker(marks))
