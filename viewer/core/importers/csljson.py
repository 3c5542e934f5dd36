"""CSL-JSON: an array of items (or one item), as Zotero and citeproc tools write it."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from typing import Any

from viewer.core.bounded import MAX_JSON_DIGITS, NumberTooLarge, json_constant, json_int
from viewer.core.importers.common import (
    BadEntry,
    BadValue,
    cancel_point,
    Builder,
    ImportedRecord,
    ImportFileError,
    ImportReport,
    clean,
    date_from_text,
    small_int,
    with_place,
)
from viewer.core.record import unpaired_surrogate

_CSL_TEXT_KEYS = ("type", "publisher", "publisher-place", "container-title", "collection-title", "volume",
                  "issue", "page", "edition", "DOI", "URL", "ISBN", "ISSN", "note", "number", "genre")


def parse_csl_json(text: str, source: str = "<csl-json>") -> ImportReport:
    report = ImportReport(source, "csl-json")
    report.entries.extend(iter_csl_json([text], source, report.bad))
    return report


def iter_csl_json(chunks: Iterable[str], source: str, bad: list[BadEntry]) -> Iterator[ImportedRecord]:
    """The good items of CSL-JSON text given in pieces, read while they are asked for; bad ones are
    appended to ``bad``. Holds the text of the items not yet read from the current piece only."""
    for index, line, item in _json_items(_JsonText(chunks), source):
        where = f"item {index} (line {line})"
        cancel_point()
        try:
            found = unpaired_surrogate(item)
            if found:
                raise BadValue(f"{found[0]}: {found[1]}")
            imported = _csl_item(item, where)
        except BadValue as exc:
            bad.append(BadEntry(source, where, str(exc), line=line, index=index))
        else:
            yield with_place(imported, line, index)


def _json_items(text: "_JsonText", source: str) -> Iterator[tuple[int, int, Any]]:
    """The items of a JSON array (or one object) with their index and 1-based start line."""
    decoder = json.JSONDecoder(parse_int=json_int, parse_constant=json_constant)
    pos = text.skip_space(0)
    if text.at(pos) == "{":
        item, _ = text.decode(decoder, pos, source)
        if isinstance(item, dict) and isinstance(item.get("items"), list):  # {"items": [...]}
            for i, sub in enumerate(item["items"]):
                yield i, text.line(pos), sub
        else:
            yield 0, text.line(pos), item
        return
    if text.at(pos) != "[":
        raise ImportFileError(source, f"line {text.line(pos)}", "expected a JSON array of CSL items")
    pos = text.skip_space(pos + 1)
    index = 0
    if text.at(pos) == "]":
        return
    while True:
        pos = text.forget_before(pos)
        item, end = text.decode(decoder, pos, source)
        yield index, text.line(pos), item
        index += 1
        pos = text.skip_space(end)
        if text.at(pos) == ",":
            pos = text.skip_space(pos + 1)
            continue
        if text.at(pos) == "]":
            break
        raise ImportFileError(source, f"line {text.line(pos)}", "not valid JSON (expected ',' or ']')")
    if text.skip_space(pos + 1) != len(text.buf) or text.more():
        raise ImportFileError(source, f"line {text.line(pos + 1)}", "not valid JSON (text after the array)")


class _JsonText:
    """JSON text read piece by piece: a buffer of what is not yet parsed, grown when an item runs
    past its end (doubling, so a large item costs linear time), and 1-based lines of offsets."""

    def __init__(self, chunks: Iterable[str]) -> None:
        self._chunks = iter(chunks)
        self.buf = ""
        self._first_line = 1  # the line of buf[0]
        self._mark, self._mark_line = 0, 1  # line() counts on from here (offsets only grow)
        self._done = False
        self.more()

    def more(self, at_least: int = 1) -> bool:
        """Append at least ``at_least`` characters (fewer at the end); False when there was nothing."""
        grown = 0
        pieces = [self.buf]
        while grown < at_least and not self._done:
            piece = next(self._chunks, None)
            if piece is None:
                self._done = True
            elif piece:
                pieces.append(piece)
                grown += len(piece)
        self.buf = "".join(pieces)
        return grown > 0

    def forget_before(self, pos: int) -> int:
        """Drop the text before ``pos`` once it is most of the buffer; returns pos's new offset."""
        if pos < 1 << 20 or pos * 2 < len(self.buf):
            return pos
        self._first_line = self.line(pos)
        self.buf = self.buf[pos:]
        self._mark = 0
        return 0

    def at(self, pos: int) -> str:
        while pos >= len(self.buf) and self.more():
            pass
        return self.buf[pos] if pos < len(self.buf) else ""

    def skip_space(self, pos: int) -> int:
        while self.at(pos) in (" ", "\t", "\r", "\n"):
            pos += 1
        return pos

    def line(self, pos: int) -> int:
        if pos < self._mark:  # not expected, but stay correct
            return self._first_line + self.buf.count("\n", 0, pos)
        self._mark_line += self.buf.count("\n", self._mark, pos)
        self._mark = pos
        return self._mark_line

    def decode(self, decoder: json.JSONDecoder, pos: int, source: str) -> tuple[Any, int]:
        while True:
            try:
                item, end = decoder.raw_decode(self.buf, pos)
            except json.JSONDecodeError as exc:
                if self.more(max(len(self.buf) - pos, 1 << 16)):
                    continue  # the item may run on in the text not read yet
                line = self._first_line + exc.lineno - 1
                raise ImportFileError(source, f"line {line}, column {exc.colno}", f"not valid JSON ({exc.msg})") from None
            except RecursionError:
                raise ImportFileError(source, f"line {self.line(pos)}", "not valid JSON (nested too deeply)") from None
            except NumberTooLarge as exc:  # where: the first such number from the item on
                found = re.compile(r"-?[0-9]{%d,}|NaN|-?Infinity" % (MAX_JSON_DIGITS + 1)).search(self.buf, pos)
                raise ImportFileError(source, f"line {self.line(found.start() if found else pos)}",
                                      f"not valid JSON ({exc})") from None
            if end < len(self.buf) or not self.more():  # a number at the very end may go on
                return item, end


def _csl_item(item: Any, where: str) -> ImportedRecord:
    if not isinstance(item, dict):
        raise BadValue(f"expected an object, found {_json_kind(item)}")
    b = Builder()
    b.title = _csl_text(item, "title")
    names = item.get("author")
    if names is not None:
        if not isinstance(names, list):
            raise BadValue(f"author: expected a list of names, found {_json_kind(names)}")
        for i, name in enumerate(names):
            b.add_name(_csl_name(name, f"author[{i}]"))
    issued = item.get("issued")
    if issued is not None:
        b.set_date(*_csl_date(issued))
    b.abstract = _csl_text(item, "abstract")
    b.annotation = _csl_text(item, "annotation")
    pages = item.get("number-of-pages")
    if pages is not None:
        if isinstance(pages, bool) or not isinstance(pages, (int, str)):
            raise BadValue(f"number-of-pages: expected a number, found {_json_kind(pages)}")
        b.set_pages(str(pages))
    for key in ("number", "note", "call-number", "archive_location"):
        b.ncj_from_text(_csl_text(item, key), key)
    b.ncj_from_url(_csl_text(item, "URL"), "URL")
    for key in _CSL_TEXT_KEYS:
        value = _csl_text(item, key)
        if value:
            b.citation[key] = value
    return b.build(where)


def _csl_text(item: dict, key: str) -> str:
    value = item.get(key)
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise BadValue(f"{key}: expected text, found {_json_kind(value)}")
    return clean(str(value))


def _csl_name(name: Any, where: str) -> dict[str, str]:
    if not isinstance(name, dict):
        raise BadValue(f"{where}: expected a name object, found {_json_kind(name)}")
    parts = {}
    for key in ("family", "given", "literal", "non-dropping-particle", "dropping-particle", "suffix"):
        value = name.get(key)
        if value is None:
            continue
        if not isinstance(value, str):
            raise BadValue(f"{where}.{key}: expected text, found {_json_kind(value)}")
        if clean(value):
            parts[key] = clean(value)
    if not (parts.get("literal") or parts.get("family") or parts.get("given")):
        raise BadValue(f"{where}: a name needs 'family', 'given' or 'literal'")
    return parts


def _csl_date(issued: Any) -> tuple[int | None, int | None, int | None, str]:
    if isinstance(issued, str):  # not CSL, but common
        return date_from_text(issued, "issued")
    if not isinstance(issued, dict):
        raise BadValue(f"issued: expected a date object, found {_json_kind(issued)}")
    parts = issued.get("date-parts")
    if parts is not None:
        if not (isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]):
            raise BadValue("issued.date-parts: expected [[year, month, day]]")
        numbers: list[int | None] = []
        for i, part in enumerate(parts[0][:3]):
            numeric = isinstance(part, (int, str)) and not isinstance(part, bool)
            number = small_int(str(part).strip().lstrip("-")) if numeric else None
            if number is None:
                raise BadValue(f"issued.date-parts[0][{i}]: expected a number, found {json.dumps(part)[:40]}")
            numbers.append(-number if str(part).strip().startswith("-") else number)
        numbers += [None] * (3 - len(numbers))
        return numbers[0], numbers[1], numbers[2], ""
    for key in ("raw", "literal"):
        value = issued.get(key)
        if isinstance(value, str) and value.strip():
            return date_from_text(value, f"issued.{key}")
    raise BadValue("issued: expected 'date-parts', 'raw' or 'literal'")


def _json_kind(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "text", bool: "true/false", int: "a number",
            float: "a number", type(None): "null"}.get(type(value), type(value).__name__)
