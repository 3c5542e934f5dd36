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
:func:`stream_file` gives RIS and CSL-JSON as an :class:`ImportStream` instead, read while its
entries are asked for, so an import holds a piece of the text and a batch, not the file.

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

import itertools
import re
from pathlib import Path
from typing import Any, Callable

from viewer.core.bounded import Cancelled, InputError, read_input
from viewer.core.importers.bibtex import parse_bibtex
from viewer.core.importers.common import (
    FORMATS,
    MAX_FILE_BYTES,
    cancellable,
    BadEntry,
    ImportedRecord,
    ImportFileError,
    ImportReport,
    ImportStream,
)
from viewer.core.importers.csljson import iter_csl_json, parse_csl_json
from viewer.core.importers.ncjrs import FORMAT as PAGE_FORMAT
from viewer.core.importers.ncjrs import MAX_PAGE_BYTES, NOT_ANY, looks_like_ncjrs_page, parse_ncjrs_page
from viewer.core.importers.recordfile import parse_record_json
from viewer.core.importers.ris import iter_ris, parse_ris
from viewer.core.importers.streaming import counted, input_error, text_chunks, text_lines

__all__ = ["FORMATS", "BadEntry", "Cancelled", "ImportFileError", "ImportReport", "ImportStream", "ImportedRecord", "format_from_name", "import_file",
           "parse_bibtex", "parse_bytes", "parse_csl_json", "parse_ncjrs_page", "parse_record_json", "parse_ris",
           "parse_text", "read_clipboard", "read_file", "sniff_format", "stream_file"]


# --- reading files ----------------------------------------------------------------------


def read_file(path: Path | str, format: str | None = None, *,
              cancelled: Callable[[], bool] | None = None) -> ImportReport:
    """Read one file; the format comes from ``format``, else the extension, else the content.

    Regular files only (a FIFO would hang, ``/dev/zero`` never ends), the size limit counted while
    reading; ``cancelled()`` is asked between chunks (raises :class:`Cancelled`)."""
    source = str(path)
    format = format or format_from_name(Path(path).name)
    limit = MAX_PAGE_BYTES if format == PAGE_FORMAT else MAX_FILE_BYTES
    try:
        raw = read_input(path, limit_bytes=limit, cancelled=cancelled)
    except InputError as exc:
        raise input_error(exc, source, format, limit) from None
    with cancellable(cancelled):
        return parse_bytes(raw, source, format)


def stream_file(path: Path | str, format: str | None = None, *,
                cancelled: Callable[[], bool] | None = None) -> ImportReport | ImportStream:
    """As :func:`read_file`, but RIS and CSL-JSON are read while their entries are asked for (an
    :class:`ImportStream`): memory holds a piece of the text and one entry, not the file. Other
    formats are read whole. Errors found later in the file raise while the entries are read."""
    format = format or format_from_name(Path(path).name)
    if format not in (None, "json", "ris", "csl-json"):
        return read_file(path, format, cancelled=cancelled)
    chunks = text_chunks(path, format, MAX_FILE_BYTES, cancelled)
    head: list[str] = []
    for piece in chunks:  # enough to tell the format by
        head.append(piece)
        if sum(map(len, head)) >= 1 << 16:
            break
    text = "".join(head)
    found = format or sniff_format(text)
    if found == "json":
        found = "record" if _looks_like_record(text) else "csl-json"
    if found not in ("ris", "csl-json"):
        chunks.close()
        return read_file(path, format or found, cancelled=cancelled)
    stream = ImportStream(str(path), found, iter(()))
    pieces = itertools.chain([text], chunks)
    if found == "ris":
        entries = iter_ris(text_lines(pieces), stream.file, stream.bad)
    else:
        entries = iter_csl_json(pieces, stream.file, stream.bad)
    stream.entries = counted(stream, entries, cancelled)
    return stream


def parse_bytes(raw: bytes, source: str, format: str | None = None) -> ImportReport:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise ImportFileError(source, f"line {line}", "not UTF-8 text") from None
    return parse_text(text, source, format)


def parse_text(text: str, source: str = "<text>", format: str | None = None) -> ImportReport:
    text = text.removeprefix("\ufeff")
    asked = format is not None
    format = format or sniff_format(text)
    if format is None:
        raise ImportFileError(source, "", NOT_ANY)
    if format == PAGE_FORMAT:
        return parse_ncjrs_page(text, source, asked=asked)
    readers: dict[str, Callable[[str, str], ImportReport]] = {
        "ris": parse_ris, "bibtex": parse_bibtex, "csl-json": parse_csl_json, "record": parse_record_json,
    }
    if format == "json":  # .json: ours or CSL-JSON, by content
        format = "record" if _looks_like_record(text) else "csl-json"
    if format not in readers:
        raise ImportFileError(source, "", f"unknown format {format!r} (expected one of {', '.join(FORMATS)})")
    return readers[format](text, source)


def format_from_name(name: str) -> str | None:
    suffix = name.lower().rsplit(".", 1)[-1] if "." in name else ""
    return {"ris": "ris", "txt": None, "bib": "bibtex", "bibtex": "bibtex", "json": "json",
            "csljson": "csl-json", "html": PAGE_FORMAT, "htm": PAGE_FORMAT}.get(suffix)


def sniff_format(text: str) -> str | None:
    head = text.lstrip()[:4096]
    if head.startswith(("[", "{")):
        return "json"
    if re.match(r"TY  -", head):
        return "ris"
    if re.search(r"^\s*@\s*\w+\s*[{(]", head, re.MULTILINE):
        return "bibtex"
    if looks_like_ncjrs_page(text):
        return PAGE_FORMAT
    return None


def read_clipboard(text: str, html: str | None = None) -> ImportReport:
    """What the clipboard holds, as an import: its HTML flavour when that reads as a titled NCJRS page
    (it carries the page's address), else its text (a page, RIS, BibTeX, CSL-JSON or record file).
    Raises ImportFileError (source "clipboard") with one line when neither can be read."""
    source = "clipboard"
    if html and html.strip():
        try:
            return parse_ncjrs_page(html.removeprefix("\ufeff"), source)
        except ImportFileError:
            if not text.strip():
                raise
    if not text.strip():
        raise ImportFileError(source, "", "the clipboard holds no text")
    return parse_text(text, source)


def _looks_like_record(text: str) -> bool:
    return re.match(r'\s*\{[^\[]{0,2000}?"schema"\s*:\s*"ncjrs-viewer\.record"', text) is not None


def import_file(library: Any, path: Path | str, *, format: str | None = None, all_or_none: bool = False,
                progress: Callable[[int, int], None] | None = None,
                cancel: Callable[[], bool] | None = None) -> Any:
    """Read one file (raises ImportFileError if it cannot be read at all) and add it to ``library``
    (a :class:`viewer.core.library.Library`) in one transaction; returns its ImportOutcome."""
    return library.import_report(stream_file(path, format, cancelled=cancel), all_or_none=all_or_none,
                                 progress=progress, cancel=cancel)
