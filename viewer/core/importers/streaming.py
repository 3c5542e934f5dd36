"""Text of an import file read piece by piece, so a reader holds one entry, not the file: chunks
decoded as UTF-8 while they are read, lines split as ``str.splitlines`` splits them, and the
entries counted and checked for cancellation as they are asked for."""

from __future__ import annotations

import codecs
import errno
from collections.abc import Callable, Generator, Iterable, Iterator
from pathlib import Path

from viewer.core.bounded import InputError, iter_input_chunks
from viewer.core.importers.common import ImportedRecord, ImportFileError, ImportStream, cancellable
from viewer.core.oneline import one_line

PAGE_FORMAT = "ncjrs-page"


def input_error(exc: InputError, source: str, format: str | None, limit: int) -> ImportFileError:
    """An InputError from reading an import file, as the one line an import reports."""
    if exc.errno == errno.ENOENT:
        return ImportFileError(source, "", "file not found")
    if exc.errno == errno.EFBIG:
        what = "for an NCJRS record page" if format == PAGE_FORMAT else "to import"
        return ImportFileError(source, "", f"too large {what} (over {limit:,} bytes)")
    return ImportFileError(source, "", one_line(exc.strerror or "cannot be read"))


def text_chunks(path: Path | str, format: str | None, limit: int,
                cancelled: Callable[[], bool] | None) -> Generator[str, None, None]:
    """The file's text in pieces (a BOM dropped); refuses at once what ``read_input`` refuses, and
    raises ImportFileError naming the line of the first byte that is not UTF-8."""
    source = str(path)
    try:
        raw = iter_input_chunks(path, limit_bytes=limit, cancelled=cancelled)
    except InputError as exc:
        raise input_error(exc, source, format, limit) from None
    return _decoded(raw, source, format, limit)


def _decoded(raw: Iterator[bytes], source: str, format: str | None, limit: int) -> Generator[str, None, None]:
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    lines = 0  # newlines in the bytes decoded so far
    first = True
    try:
        for data in raw:
            pending = len(decoder.getstate()[0])  # bytes of a character split between chunks
            try:
                text = decoder.decode(data)
            except UnicodeDecodeError as exc:
                line = lines + data.count(b"\n", 0, max(exc.start - pending, 0)) + 1
                raise ImportFileError(source, f"line {line}", "not UTF-8 text") from None
            lines += data.count(b"\n")
            if first and text:
                text, first = text.removeprefix("\ufeff"), False
            yield text
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            raise ImportFileError(source, f"line {lines + 1}", "not UTF-8 text") from None
    except InputError as exc:
        raise input_error(exc, source, format, limit) from None


def text_lines(chunks: Iterable[str]) -> Iterator[str]:
    """The lines of the text the chunks make up, exactly as ``"".join(chunks).splitlines()``."""
    rest = ""
    for chunk in chunks:
        parts = (rest + chunk).splitlines(keepends=True)
        rest = parts.pop() if parts else ""  # may go on in the next chunk (or be "\r" before "\n")
        for part in parts:
            yield part.splitlines()[0]
    yield from rest.splitlines()


def counted(stream: ImportStream, entries: Iterator[ImportedRecord],
            cancelled: Callable[[], bool] | None) -> Iterator[ImportedRecord]:
    """A reader's entries with ``stream.good`` counted and its cancel points asking ``cancelled``."""
    while True:
        with cancellable(cancelled):
            entry = next(entries, None)
        if entry is None:
            return
        stream.good += 1
        yield entry
