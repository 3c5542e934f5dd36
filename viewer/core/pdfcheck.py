"""Whether bytes are a whole PDF: the check every PDF the program writes passes before it replaces
anything. QPdfWriter ignores write errors, so a full disk leaves a PDF that starts well and stops
anywhere; ``%%EOF`` and a trailer alone do not prove the middle arrived.

Checked: the ``%PDF-1.x`` header; ``startxref`` at the end pointing to an xref table (classic, as
Qt writes, or an xref stream, followed through ``/Prev``) that parses; a trailer with ``/Root`` and
``/Size``; every in-use entry's offset holding ``<num> <gen> obj`` with that number and generation,
then one object, its stream (if any) ending exactly where ``/Length`` says, then ``endobj`` — bytes
lost inside the last object move no offset; the catalog present (``/Type /Catalog``); ``%%EOF``
last. Not checked: what objects mean (fonts, pages, content), or objects kept inside object
streams beyond their container being present. Strict where the standard says "should" (an
end-of-line before ``endstream``): this checks what our writer made, not any PDF found.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable
from typing import NamedTuple

_HEADER = re.compile(rb"%PDF-[12]\.[0-9]")
_TAIL = 1024  # startxref and %%EOF are looked for this near the end
_STARTXREF = re.compile(rb"startxref\s+([0-9]{1,15})\s+%%EOF\s*\Z")
_OBJ = re.compile(rb"([0-9]{1,10})\s+([0-9]{1,5})\s+obj\b")
_SUBSECTION = re.compile(rb"([0-9]{1,10}) ([0-9]{1,10})[ \t]*(?:\r\n|\r|\n)")
_ENTRY = re.compile(rb"([0-9]{10}) ([0-9]{5}) ([nf])(?: \r| \n|\r\n)")
_REF = re.compile(rb"([0-9]{1,10})\s+([0-9]{1,5})\s+R(?![^\s()<>\[\]{}/%])")
_NUMBER = re.compile(rb"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)")
_NAME = re.compile(rb"/[^\s()<>\[\]{}/%]*")
_KEYWORD = re.compile(rb"(true|false|null)(?![^\s()<>\[\]{}/%])")
_STREAM = re.compile(rb"stream(?:\r\n|\n)")
# The end-of-line is required: were it optional, one lost byte would line "endstream" up again.
_ENDSTREAM = re.compile(rb"(?:\r\n|\r|\n)endstream")
_HEX = re.compile(rb"<[0-9A-Fa-f\s]*>")
_EOL = re.compile(rb"[\r\n]")
_WHITESPACE = b" \t\r\n\f\x00"
_MAX_DEPTH = 32
_MAX_SECTIONS = 64
_MAX_OBJECTS = 10_000_000


class _Ref(NamedTuple):
    number: int
    generation: int


class _Entry(NamedTuple):
    kind: int  # 0 free, 1 at an offset, 2 inside an object stream
    where: int  # offset, or the object stream's number
    generation: int  # or the index inside the object stream


def verify_pdf(data: bytes) -> None:
    """Returns when ``data`` is a whole PDF; raises ValueError with a short reason otherwise."""
    if not _HEADER.match(data):
        raise ValueError("no %PDF-1.x header")
    found = data.rfind(b"startxref", max(0, len(data) - _TAIL))
    tail = _STARTXREF.match(data, found) if found >= 0 else None
    if tail is None:
        raise ValueError("the end is missing (no startxref and %%EOF)")
    entries, trailer = _read_sections(data, int(tail[1]))
    size, root = trailer.get("Size"), trailer.get("Root")
    if not isinstance(size, int) or isinstance(size, bool) or not 0 < size <= _MAX_OBJECTS:
        raise ValueError("the trailer has no valid /Size")
    if not isinstance(root, _Ref):
        raise ValueError("the trailer has no /Root")
    _check_entries(data, entries, size)
    _check_catalog(data, entries, root)


def _read_sections(data: bytes, offset: int) -> tuple[dict[int, _Entry], dict[str, object]]:
    """The xref sections from the last back through /Prev; newer entries win."""
    entries: dict[int, _Entry] = {}
    newest: dict[str, object] | None = None
    seen: set[int] = set()
    next_offset: object = offset
    while next_offset is not None:
        if not isinstance(next_offset, int) or not 0 <= next_offset < len(data):
            raise ValueError("an xref offset points outside the file")
        if next_offset in seen or len(seen) >= _MAX_SECTIONS:
            raise ValueError("the xref sections loop")
        seen.add(next_offset)
        if data.startswith(b"xref", next_offset):
            section, trailer = _read_table(data, next_offset)
        elif _OBJ.match(data, next_offset):
            section, trailer = _read_stream(data, next_offset)
        else:
            raise ValueError("startxref does not point to an xref table")
        for number, entry in section.items():
            entries.setdefault(number, entry)
        newest = trailer if newest is None else newest
        next_offset = trailer.get("Prev")
    assert newest is not None
    return entries, newest


def _read_table(data: bytes, offset: int) -> tuple[dict[int, _Entry], dict[str, object]]:
    parser = _Parser(data, offset + 4)
    parser.skip()
    entries: dict[int, _Entry] = {}
    while (head := _SUBSECTION.match(data, parser.pos)) is not None:
        first, count = int(head[1]), int(head[2])
        parser.pos = head.end()
        for number in range(first, first + count):
            row = _ENTRY.match(data, parser.pos)
            if row is None:
                raise ValueError(f"xref entry {number} is damaged")
            entries[number] = _Entry(1 if row[3] == b"n" else 0, int(row[1]), int(row[2]))
            parser.pos = row.end()
        parser.skip()
    if not data.startswith(b"trailer", parser.pos):
        raise ValueError("no trailer after the xref table")
    parser.pos += len(b"trailer")
    trailer = parser.value()
    if not isinstance(trailer, dict):
        raise ValueError("the trailer is not a dictionary")
    return entries, trailer


def _read_stream(data: bytes, offset: int) -> tuple[dict[int, _Entry], dict[str, object]]:
    head = _OBJ.match(data, offset)
    assert head is not None
    parser = _Parser(data, head.end())
    info = parser.value()
    if not isinstance(info, dict) or info.get("Type") != "XRef":
        raise ValueError("startxref points to an object that is not an xref stream")
    rows = _decode(_stream_bytes(parser, info), info)
    widths = info.get("W")
    if not (isinstance(widths, list) and len(widths) == 3
            and all(isinstance(w, int) and 0 <= w <= 8 for w in widths)):
        raise ValueError("the xref stream has no valid /W")
    index = info.get("Index", [0, info.get("Size")])
    if not (isinstance(index, list) and len(index) % 2 == 0 and all(isinstance(i, int) for i in index)):
        raise ValueError("the xref stream has no valid /Index")
    return _stream_entries(rows, widths, index), info


def _stream_entries(rows: bytes, widths: list[int], index: list[int]) -> dict[int, _Entry]:
    step = sum(widths)
    total = sum(index[1::2])
    if step == 0 or total < 0 or len(rows) < step * total:
        raise ValueError("the xref stream is shorter than its /Index says")
    entries: dict[int, _Entry] = {}
    pos = 0
    for first, count in zip(index[::2], index[1::2]):
        for number in range(first, first + count):
            fields = []
            for width in widths:
                fields.append(int.from_bytes(rows[pos:pos + width], "big"))
                pos += width
            kind = fields[0] if widths[0] else 1  # a missing type field means "at an offset"
            entries[number] = _Entry(kind, fields[1], fields[2])
    return entries


def _stream_bytes(parser: _Parser, info: dict[str, object]) -> bytes:
    data, length = parser.data, info.get("Length")
    parser.skip()
    match = _STREAM.match(data, parser.pos)
    if match is None or not isinstance(length, int) or length < 0:
        raise ValueError("the xref stream has no stream data or no direct /Length")
    end = match.end() + length
    if not _ENDSTREAM.match(data, end):
        raise ValueError("the xref stream's data does not end where /Length says")
    return data[match.end():end]


def _decode(raw: bytes, info: dict[str, object]) -> bytes:
    filters = info.get("Filter")
    filters = [filters] if isinstance(filters, str) else filters or []
    if filters not in ([], ["FlateDecode"]):
        raise ValueError(f"the xref stream's filter {filters} is not supported")
    try:
        rows = zlib.decompress(raw) if filters else raw
    except zlib.error:
        raise ValueError("the xref stream does not decompress") from None
    params = info.get("DecodeParms")
    predictor = params.get("Predictor", 1) if isinstance(params, dict) else 1
    if predictor == 1:
        return rows
    columns = params.get("Columns", 1) if isinstance(params, dict) else 1
    if not isinstance(predictor, int) or predictor < 10 or not isinstance(columns, int) or columns < 1:
        raise ValueError("the xref stream's predictor is not supported")
    return _unpredict(rows, columns)


def _unpredict(rows: bytes, columns: int) -> bytes:
    """PNG row filters None, Sub and Up (what writers use for xref streams), one byte per pixel."""
    if len(rows) % (columns + 1):
        raise ValueError("the xref stream's rows are damaged")
    out = bytearray()
    previous = bytes(columns)
    for start in range(0, len(rows), columns + 1):
        kind, row = rows[start], bytearray(rows[start + 1:start + 1 + columns])
        if kind == 1:
            for i in range(1, columns):
                row[i] = (row[i] + row[i - 1]) & 0xFF
        elif kind == 2:
            row = bytearray((a + b) & 0xFF for a, b in zip(row, previous))
        elif kind != 0:
            raise ValueError(f"the xref stream's PNG filter {kind} is not supported")
        out += row
        previous = bytes(row)
    return bytes(out)


def _check_entries(data: bytes, entries: dict[int, _Entry], size: int) -> None:
    for number, entry in entries.items():
        if entry.kind == 0:
            continue
        if number >= size:
            raise ValueError(f"object {number} is beyond the trailer's /Size {size}")
        if entry.kind == 1:
            _read_object(data, entries, number)


def _read_object(data: bytes, entries: dict[int, _Entry], number: int) -> object:
    """The object's value, once its header, stream and ``endobj`` are where they should be."""
    entry = entries[number]
    head = _OBJ.match(data, entry.where) if entry.where < len(data) else None
    if head is None or int(head[1]) != number or int(head[2]) != entry.generation:
        raise ValueError(f"object {number} is not where the xref table says")
    parser = _Parser(data, head.end())
    value = parser.value()
    parser.skip()
    start = _STREAM.match(data, parser.pos) if isinstance(value, dict) else None
    if start is not None:
        assert isinstance(value, dict)
        length = _length(data, entries, value.get("Length"))
        end = _ENDSTREAM.match(data, start.end() + length) if length is not None else None
        if end is None:
            raise ValueError(f"object {number}'s stream does not end where its /Length says")
        parser.pos = end.end()
        parser.skip()
    if not data.startswith(b"endobj", parser.pos):
        raise ValueError(f"object {number} does not end with endobj")
    return value


def _length(data: bytes, entries: dict[int, _Entry], value: object) -> int | None:
    """A stream's /Length: a number, or a reference to one (as Qt writes some)."""
    if isinstance(value, _Ref):
        entry = entries.get(value.number)
        head = _OBJ.match(data, entry.where) if entry is not None and entry.kind == 1 else None
        value = _Parser(data, head.end()).value() if head is not None else None
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= len(data):
        return value
    return None


def _check_catalog(data: bytes, entries: dict[int, _Entry], root: _Ref) -> None:
    entry = entries.get(root.number)
    if entry is None or entry.kind == 0:
        raise ValueError(f"the catalog (object {root.number}) is missing")
    if entry.kind == 2:  # inside an object stream: its container at least must be there
        container = entries.get(entry.where)
        if container is None or container.kind != 1:
            raise ValueError(f"the catalog's object stream {entry.where} is missing")
        return
    catalog = _read_object(data, entries, root.number)
    if not isinstance(catalog, dict) or catalog.get("Type") != "Catalog":
        raise ValueError(f"object {root.number} is not a catalog")


class _Parser:
    """Just enough of PDF's object syntax for trailers, xref-stream dictionaries and the catalog:
    dictionaries and arrays (depth-limited), names (str), numbers, references, strings (bytes,
    undecoded), booleans and null."""

    def __init__(self, data: bytes, pos: int) -> None:
        self.data = data
        self.pos = pos

    def skip(self) -> None:
        data, pos = self.data, self.pos
        while pos < len(data):
            if data[pos] in _WHITESPACE:
                pos += 1
            elif data[pos] == ord("%"):
                end = _EOL.search(data, pos)
                pos = end.end() if end else len(data)
            else:
                break
        self.pos = pos

    def value(self, depth: int = 0) -> object:
        if depth > _MAX_DEPTH:
            raise ValueError("objects nest too deeply")
        self.skip()
        data, pos = self.data, self.pos
        if data.startswith(b"<<", pos):
            return self._dictionary(depth)
        if data.startswith(b"[", pos):
            return self._array(depth)
        if data.startswith(b"(", pos):
            return self._literal()
        if data.startswith(b"<", pos):
            return self._token(_HEX, "a hex string", lambda m: m[0])
        if data.startswith(b"/", pos):
            return self._token(_NAME, "a name", lambda m: m[0][1:].decode("latin-1"))
        if (ref := _REF.match(data, pos)) is not None:
            self.pos = ref.end()
            return _Ref(int(ref[1]), int(ref[2]))
        if (number := _NUMBER.match(data, pos)) is not None:
            self.pos = number.end()
            text = number[0]
            if len(text) > 20:
                raise ValueError(f"a number at byte {pos} is too long")
            return float(text) if b"." in text else int(text)
        return self._token(_KEYWORD, "an object", lambda m: {b"true": True, b"false": False}.get(m[1]))

    def _token(self, pattern: re.Pattern[bytes], what: str,
               convert: Callable[[re.Match[bytes]], object]) -> object:
        match = pattern.match(self.data, self.pos)
        if match is None:
            raise ValueError(f"expected {what} at byte {self.pos}")
        self.pos = match.end()
        return convert(match)

    def _dictionary(self, depth: int) -> dict[str, object]:
        self.pos += 2
        result: dict[str, object] = {}
        while True:
            self.skip()
            if self.data.startswith(b">>", self.pos):
                self.pos += 2
                return result
            key = self._token(_NAME, "a name or >>", lambda m: m[0][1:].decode("latin-1"))
            assert isinstance(key, str)
            result[key] = self.value(depth + 1)

    def _array(self, depth: int) -> list[object]:
        self.pos += 1
        result: list[object] = []
        while True:
            self.skip()
            if self.data.startswith(b"]", self.pos):
                self.pos += 1
                return result
            if self.pos >= len(self.data):
                raise ValueError("an array does not end")
            result.append(self.value(depth + 1))

    def _literal(self) -> bytes:
        data, start = self.data, self.pos
        depth, pos = 0, start
        while pos < len(data):
            char = data[pos]
            if char == ord("\\"):
                pos += 2
                continue
            depth += (char == ord("(")) - (char == ord(")"))
            pos += 1
            if depth == 0:
                self.pos = pos
                return data[start:pos]
        raise ValueError("a string does not end")
