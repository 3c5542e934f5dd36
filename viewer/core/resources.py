"""The one way to reach bundled files (record data, CSL styles, icons).

From a source tree or an editable install they are the top-level ``resources/``
folder; a wheel and the frozen executable carry the same tree as ``viewer/_resources``
inside the package. Nothing is resolved against the working directory.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from viewer.core.record import Record, load_record_file

_PACKAGE = Path(__file__).resolve().parents[1]  # viewer/


@cache
def resource_root() -> Path:
    packaged = _PACKAGE / "_resources"
    return packaged if packaged.is_dir() else _PACKAGE.parent / "resources"


def resource_path(*parts: str) -> Path:
    return resource_root().joinpath(*parts)


BUNDLED_RECORD_ID = "ncj-203234"


@cache
def bundled_record() -> Record:
    """The record that ships with the program (loaded once; raises RecordError if damaged)."""
    return load_record_file(resource_path("records", f"{BUNDLED_RECORD_ID}.json"))
