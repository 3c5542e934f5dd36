"""A file given to be shown, not added (``ncjrs-viewer --file FILE``): a record file, or an NCJRS
record page (saved ``.html``/``.htm`` or its copied text) read into a Record. No Qt here."""

from __future__ import annotations

from pathlib import Path

from viewer.core.importers import ImportFileError, format_from_name, read_file
from viewer.core.importers.ncjrs import FORMAT as PAGE_FORMAT
from viewer.core.importers.ncjrs import NOT_ANY
from viewer.core.importers.ncjrs_page import NOT_A_PAGE
from viewer.core.record import Record, RecordError, load_record_file

NEITHER = "neither a record file nor an NCJRS record page"


def load_record_or_page(path: Path | str) -> Record:
    """The record a record file holds, or the one an NCJRS page gives. Raises RecordError (one line
    naming the file) for anything else, e.g. a RIS file: that is for importing, not showing."""
    path = Path(path)
    kind = format_from_name(path.name)
    if kind in ("json", "record") or (kind is None and _starts_like_json(path)):
        return load_record_file(path)
    try:
        report = read_file(path, PAGE_FORMAT if kind == PAGE_FORMAT else None)
    except ImportFileError as exc:
        if exc.problem in (NOT_A_PAGE, NOT_ANY):
            raise RecordError(str(path), "", NEITHER) from None
        raise
    if report.format != PAGE_FORMAT or len(report.entries) != 1:
        raise RecordError(str(path), "", NEITHER)
    return report.entries[0].record


def _starts_like_json(path: Path) -> bool:
    """A record file whatever its name: its first non-blank character opens a JSON object."""
    try:
        with path.open("rb") as stream:
            head = stream.read(4096)
    except OSError:
        return False  # read_file names the problem
    return head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{")
