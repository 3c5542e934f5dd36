"""CSL-JSON: an array of items (or one item), as Zotero and citeproc tools write it."""

from __future__ import annotations

import json
import re
from typing import Any, Iterable

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
    for index, line, item in _json_items(text, source):
        where = f"item {index} (line {line})"
        cancel_point()
        try:
            found = unpaired_surrogate(item)
            if found:
                raise BadValue(f"{found[0]}: {found[1]}")
            imported = _csl_item(item, where)
        except BadValue as exc:
            report.bad.append(BadEntry(source, where, str(exc), line=line, index=index))
        else:
            report.entries.append(with_place(imported, line, index))
    return report


def _json_items(text: str, source: str) -> Iterable[tuple[int, int, Any]]:
    """The items of a JSON array (or one object) with their index and 1-based start line."""
    decoder = json.JSONDecoder(parse_int=json_int, parse_constant=json_constant)
    lines = _LineIndex(text)
    pos = _skip_space(text, 0)
    if pos < len(text) and text[pos] == "{":
        item, _ = _decode(decoder, text, pos, source, lines)
        if isinstance(item, dict) and isinstance(item.get("items"), list):  # {"items": [...]}
            for i, sub in enumerate(item["items"]):
                yield i, lines.line(pos), sub
        else:
            yield 0, lines.line(pos), item
        return
    if pos >= len(text) or text[pos] != "[":
        raise ImportFileError(source, f"line {lines.line(pos)}", "expected a JSON array of CSL items")
    pos = _skip_space(text, pos + 1)
    index = 0
    if pos < len(text) and text[pos] == "]":
        return
    while True:
        item, end = _decode(decoder, text, pos, source, lines)
        yield index, lines.line(pos), item
        index += 1
        pos = _skip_space(text, end)
        if pos < len(text) and text[pos] == ",":
            pos = _skip_space(text, pos + 1)
            continue
        if pos < len(text) and text[pos] == "]":
            break
        raise ImportFileError(source, f"line {lines.line(pos)}", "not valid JSON (expected ',' or ']')")
    if _skip_space(text, pos + 1) != len(text):
        raise ImportFileError(source, f"line {lines.line(pos + 1)}", "not valid JSON (text after the array)")


def _decode(decoder: json.JSONDecoder, text: str, pos: int, source: str, lines: "_LineIndex") -> tuple[Any, int]:
    try:
        return decoder.raw_decode(text, pos)
    except json.JSONDecodeError as exc:
        raise ImportFileError(source, f"line {exc.lineno}, column {exc.colno}", f"not valid JSON ({exc.msg})") from None
    except RecursionError:
        raise ImportFileError(source, f"line {lines.line(pos)}", "not valid JSON (nested too deeply)") from None
    except NumberTooLarge as exc:  # where: the first such number from the item on
        found = re.compile(r"-?[0-9]{%d,}|NaN|-?Infinity" % (MAX_JSON_DIGITS + 1)).search(text, pos)
        raise ImportFileError(source, f"line {lines.line(found.start() if found else pos)}",
                              f"not valid JSON ({exc})") from None


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\r\n":
        pos += 1
    return pos


class _LineIndex:
    """1-based line of a character offset, counting newlines incrementally (offsets only grow)."""

    def __init__(self, text: str) -> None:
        self.text, self.pos, self.count = text, 0, 1

    def line(self, pos: int) -> int:
        if pos < self.pos:  # not expected, but stay correct
            return self.text.count("\n", 0, pos) + 1
        self.count += self.text.count("\n", self.pos, pos)
        self.pos = pos
        return self.count


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
