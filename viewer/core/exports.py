"""A record exported as RIS, BibTeX or CSL-JSON. No Qt here.

Only what the record holds is written: no author, publisher or place unless the record names one.
RIS goes through rispy, BibTeX through bibtexparser 2, CSL-JSON is the canonical item of
:mod:`viewer.core.csl_item` (title as published) plus the abstract.
"""

from __future__ import annotations

import json
import re
from typing import Any, Sequence

from viewer.core.csl_item import csl_item
from viewer.core.export_fields import bibtex_fields, bibtex_type, latex_escape, ris_fields
from viewer.core.record import Record

__all__ = ["ExportError", "export", "export_many", "formats", "latex_escape"]

FORMATS: dict[str, str] = {  # id -> file name extension
    "ris": "ris",
    "bibtex": "bib",
    "csl-json": "json",
}


class ExportError(ValueError):
    """An unknown export format; the message names the valid ones."""


def formats() -> list[str]:
    return list(FORMATS)


def export(record: Record, fmt: str) -> str:
    """``record`` as text in ``fmt`` (one of :func:`formats`)."""
    return export_many([record], fmt)


def export_many(records: Sequence[Record], fmt: str) -> str:
    """Several records in one file, in the order given."""
    if fmt == "ris":
        return to_ris(records)
    if fmt == "bibtex":
        return to_bibtex(records)
    if fmt == "csl-json":
        return to_csl_json(records)
    raise ExportError(f"unknown export format {fmt!r}; choose one of: {', '.join(FORMATS)}")


# --- RIS and BibTeX (their fields: viewer/core/export_fields.py) ---------------------------


def to_ris(records: Sequence[Record]) -> str:
    # rispy and bibtexparser are imported on use: start-up only needs the format names.
    import rispy
    from rispy.writer import RisWriter

    class PlainRisWriter(RisWriter):
        """rispy's writer without the "1." line it puts before each TY by default."""

        def set_header(self, count: int) -> str:
            return ""

    return rispy.dumps([ris_fields(r, csl_item(r)) for r in records], implementation=PlainRisWriter)


def bibtex_key(record: Record) -> str:
    base = f"ncj{record.ncj_number}" if record.ncj_number else record.id
    return re.sub(r"[^A-Za-z0-9_:-]", "", base) or "ncjrs"


def to_bibtex(records: Sequence[Record]) -> str:
    import bibtexparser
    from bibtexparser.model import Block, Entry, Field

    entries: list[Block] = []
    used: set[str] = set()
    for record in records:
        item = csl_item(record)
        key, n = bibtex_key(record), 1
        while key in used:  # keys must be unique within a file
            n += 1
            key = f"{bibtex_key(record)}-{n}"
        used.add(key)
        entries.append(Entry(bibtex_type(item), key, [Field(k, v) for k, v in bibtex_fields(record, item)]))
    library = bibtexparser.Library(entries)
    # Values above are written exactly as they should appear: no middleware re-encloses them.
    return bibtexparser.write_string(library, unparse_stack=[])


# --- CSL-JSON ----------------------------------------------------------------------------


def csl_json_item(record: Record) -> dict[str, Any]:
    item = csl_item(record)  # the title as published
    if record.abstract:
        item["abstract"] = record.abstract
    return item


def to_csl_json(records: Sequence[Record]) -> str:
    return json.dumps([csl_json_item(r) for r in records], ensure_ascii=False, indent=2) + "\n"
