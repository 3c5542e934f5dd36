"""Reading a file, text or the clipboard as records: the format found, the reader run.

Imported by the package on first use of one of these names (see ``__init__``), so that loading
the record types (``common``) never loads every reader.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path
from typing import Any, Callable

from viewer.core.bounded import Cancelled, InputError, read_input
from viewer.core.importers.bibtex import iter_bibtex, parse_bibtex
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
    """As :func:`read_file`, but RIS, CSL-JSON and BibTeX are read while their entries are asked for
    (an :class:`ImportStream`): memory holds a piece of the text and one entry (BibTeX: one batch
    of entries), not the file. Other formats are read whole. Errors found later in the file raise
    while the entries are read."""
    format = format or format_from_name(Path(path).name)
    if format not in _STREAMED and format not in (None, "json"):
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
    if found not in _STREAMED:
        chunks.close()
        return read_file(path, format or found, cancelled=cancelled)
    stream = ImportStream(str(path), found, iter(()))
    pieces = itertools.chain([text], chunks)
    if found == "ris":
        entries = iter_ris(text_lines(pieces), stream.file, stream.bad)
    elif found == "bibtex":
        entries = iter_bibtex(pieces, stream.file, stream.bad)
    else:
        entries = iter_csl_json(pieces, stream.file, stream.bad)
    stream.entries = counted(stream, entries, cancelled)
    return stream


_STREAMED = ("ris", "csl-json", "bibtex")


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
