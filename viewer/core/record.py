"""Records and their sections: plain data, loading and validation. No Qt here.

A record file is JSON in the schema described in ``resources/records/SCHEMA.md``
(``"schema": "ncjrs-viewer.record"``, ``"schema_version": 2``; version 1 files still load).
Loading checks every field and raises :class:`RecordError` with the file and the place of the
first problem. The data lives in ``record_model.py`` (and ``record_parts.py``), reading in
``record_load.py``, writing in ``record_dump.py``, the details rows in ``record_details.py``.
"""

from __future__ import annotations

from pathlib import Path

from viewer.core.record_dump import record_to_data
from viewer.core.record_load import parse_record, unpaired_surrogate
from viewer.core.record_model import (
    ABSTRACT_ID,
    ANNOTATION_ID,
    DETAILS_ID,
    PAGE_ORIGIN,
    SCHEMA_NAME,
    SCHEMA_VERSION,
    Provenance,
    Record,
    RecordError,
    Section,
    standard_sections,
)
from viewer.core.record_parts import Agency, Chapter, Journal, Name

__all__ = ["ABSTRACT_ID", "ANNOTATION_ID", "DETAILS_ID", "PAGE_ORIGIN", "SCHEMA_NAME", "SCHEMA_VERSION", "Agency",
           "Chapter", "Journal", "Name", "Provenance", "Record", "RecordError", "Section", "load_record_file",
           "parse_record", "record_to_data", "standard_sections", "unpaired_surrogate"]


def load_record_file(path: Path | str) -> Record:
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise RecordError(str(path), "", "file not found") from None
    except OSError as exc:
        raise RecordError(str(path), "", f"cannot be read ({exc.strerror or exc})") from None
    return parse_record(raw, str(path))
