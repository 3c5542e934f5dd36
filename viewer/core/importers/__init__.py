"""Read references from NCJRS record pages, RIS, BibTeX, CSL-JSON and the program's own record
files. No Qt here.

An NCJRS page (copied text, a saved ``.html``/``.htm``, the clipboard) is read by
:mod:`viewer.core.importers.ncjrs` into one record holding every field the page gives (rules:
``resources/records/SCHEMA.md``, "NCJRS pages"). RIS, BibTeX, CSL-JSON and record files are
recognised first; text that is none of these is refused in one line.

Every reader returns an :class:`ImportReport`: the good entries as :class:`Record` objects
(with their sections from :func:`viewer.core.record.standard_sections`) and every bad entry as a
:class:`BadEntry` naming the file, the line (RIS, BibTeX) or item index (CSL-JSON, with its
line too) and the reason. A file that cannot be read at all (missing, not UTF-8, not JSON,
unknown format) raises :class:`ImportFileError`, a :class:`RecordError` naming the file and place.
:func:`stream_file` gives RIS, CSL-JSON and BibTeX as an :class:`ImportStream` instead, read while
its entries are asked for, so an import holds a piece of the text and a batch, not the file.

Nothing is invented: a record gets authors, dates, pages, an annotation only when the file
gives them. What the file gives that a :class:`Record` has no field for (publisher, journal,
volume, DOI, URL, the structured author names, the entry type...) is kept, CSL-JSON style,
in :attr:`ImportedRecord.citation` so a library can store it for citations.

Field mapping (first match wins)
--------------------------------
========================  ==============================  ==============================  =========================
Record field              RIS                             BibTeX                          CSL-JSON
========================  ==============================  ==============================  =========================
title                     TI, T1                          title                           title
authors                   AU, A1                          author ({Braced} = corporate)   author (literal = corporate)
issued year / month       PY, DA, Y1                      date, year, month               issued
abstract                  AB, N2                          abstract                        abstract
annotation                (none)                          annotation, annote              annotation (not standard)
pages / length            SP of RPRT/BOOK/THES (no EP)    pagetotal                       number-of-pages
NCJ number                see below                       see below                       see below
========================  ==============================  ==============================  =========================

NCJ numbers (records from NCJRS exports): a text such as ``NCJ 203234``, ``NCJ-203234``,
``NCJ Number: 203234`` or ``NCJ #203234`` in RIS ``AN`` (accession number), ``M1``, ``N1``,
``CN``; BibTeX ``number``, ``note``, ``ncj``; CSL-JSON ``number``, ``note``, ``call-number``,
``archive_location``. RIS ``AN`` holding bare digits counts only when ``DB``/``DP`` names
NCJRS. An NCJRS abstract address (``...ncjrs.gov/...?id=203234``) in RIS ``UR``, BibTeX
``url`` or CSL ``URL`` counts too. Two different NCJ numbers in one entry make it a bad entry.

Record ids: ``ncj-<number>`` for a record with an NCJ number (as the bundled record), else
``ref-`` and 16 hex digits of a hash of title, authors and year, so importing the same
reference twice gives the same id (a library treats it as a duplicate).
"""

from __future__ import annotations

from typing import Any

# The types are light; the readers (bibtexparser, rispy, the page parser) load on first use.
from viewer.core.importers.common import (
    FORMATS,
    BadEntry,
    ImportedRecord,
    ImportFileError,
    ImportReport,
    ImportStream,
)

_READING = {"Cancelled", "format_from_name", "import_file", "parse_bibtex", "parse_bytes", "parse_csl_json",
            "parse_ncjrs_page", "parse_record_json", "parse_ris", "parse_text", "read_clipboard", "read_file",
            "sniff_format", "stream_file"}

__all__ = ["FORMATS", "BadEntry", "ImportFileError", "ImportReport", "ImportStream", "ImportedRecord",
           *sorted(_READING)]


def __getattr__(name: str) -> Any:
    """The reading functions, imported when first asked for (PEP 562)."""
    if name in _READING:
        from viewer.core.importers import reading
        return getattr(reading, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
