"""Is a file a CSL 1.0 style? One line says why not, with the line it is on. No Qt here.

A style is data for citeproc-js, which never fetches and never runs anything a style holds; the
one XML feature that could reach outside the text (a DTD, with its entities, external or
recursive) is refused outright, before anything else is parsed. expat (the stdlib parser under
``xml.etree``) is used directly for its line numbers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable
from xml.parsers import expat

CSL_NS = "http://purl.org/net/xbiblio/csl"
MAX_BYTES = 2_000_000  # the largest official style is under 300 KB
_SEP = "}"  # expat joins namespace and name with this: "http://...csl}style"
_SLUG_BAD = re.compile(r"[^a-z0-9._-]+")


class StyleError(ValueError):
    """Not a usable CSL style; the message is one line naming the problem (and its line)."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


@dataclass
class CheckedStyle:
    """What a valid style's text says about itself."""

    id: str  # the short id: the last part of <info><id>, as a file name
    title: str
    parent: str | None  # the independent parent's short id, for a dependent style
    default_locale: str | None
    text: str


@dataclass
class _Scan:
    root: tuple[str, dict[str, str], int] | None = None  # name, attributes, line
    path: list[str] = field(default_factory=list)
    lines: dict[str, int] = field(default_factory=dict)  # "info", "id", "title", "link", "citation"
    texts: dict[str, str] = field(default_factory=dict)
    parent_href: str | None = None


def short_id(uri: str) -> str:
    """The id a style is known by: the last part of its <id> URI, made safe as a file name."""
    last = uri.strip().rstrip("/").rsplit("/", 1)[-1].lower()
    return _SLUG_BAD.sub("-", last).strip("-.")


def check_style(data: bytes, has_style: Callable[[str], bool], name: str = "style") -> CheckedStyle:
    """The style in ``data``, or :class:`StyleError`; ``has_style`` says whether a parent exists."""
    if len(data) > MAX_BYTES:
        raise StyleError(f"{name}: {len(data):,} bytes is far too large for a CSL style")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise StyleError(f"{name}, line {line}: not UTF-8 text (CSL files are UTF-8)", line) from None
    scan = _parse(data, name)
    return _checked(scan, text, has_style, name)


def _fail(name: str, line: int, problem: str) -> StyleError:
    return StyleError(f"{name}, line {line}: {problem}", line)


def _parse(data: bytes, name: str) -> _Scan:
    scan = _Scan()
    parser = expat.ParserCreate(namespace_separator=_SEP)

    def refuse_dtd(*_: object) -> None:
        raise _fail(name, parser.CurrentLineNumber, "a DOCTYPE or entity declaration (refused in a style)")

    def start(tag: str, attrs: dict[str, str]) -> None:
        line = parser.CurrentLineNumber
        if scan.root is None:
            scan.root = (tag, attrs, line)
        scan.path.append(tag.rsplit(_SEP, 1)[-1] if tag.startswith(CSL_NS + _SEP) else tag)
        where = "/".join(scan.path[1:])
        if where in ("info", "info/id", "info/title", "citation") and where not in scan.lines:
            scan.lines[where] = line
        if where == "info/link" and attrs.get("rel") == "independent-parent":
            scan.parent_href = attrs.get("href", "")
            scan.lines["link"] = line

    def end(_tag: str) -> None:
        scan.path.pop()

    def chars(text: str) -> None:
        where = "/".join(scan.path[1:])
        if where in ("info/id", "info/title"):
            scan.texts[where] = scan.texts.get(where, "") + text

    parser.StartDoctypeDeclHandler = refuse_dtd
    parser.EntityDeclHandler = refuse_dtd
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        raise _fail(name, exc.lineno, f"not well-formed XML ({expat.errors.messages[exc.code]})") from None
    return scan


def _checked(scan: _Scan, text: str, has_style: Callable[[str], bool], name: str) -> CheckedStyle:
    assert scan.root is not None  # expat refuses a document without an element
    tag, attrs, line = scan.root
    if tag != f"{CSL_NS}{_SEP}style":
        shown = tag.rsplit(_SEP, 1)[-1]
        raise _fail(name, line, f"not a CSL style: the root element is <{shown}>, not <style> in the CSL namespace")
    if attrs.get("version") != "1.0":
        raise _fail(name, line, f"CSL version {attrs.get('version')!r} is not 1.0")
    if "info" not in scan.lines:
        raise _fail(name, line, "no <info> in the style")
    info_line = scan.lines["info"]
    uri = scan.texts.get("info/id", "").strip()
    if not uri or not short_id(uri):
        raise _fail(name, scan.lines.get("info/id", info_line), "no <id> in <info>")
    title = " ".join(scan.texts.get("info/title", "").split())
    if not title:
        raise _fail(name, scan.lines.get("info/title", info_line), "no <title> in <info>")
    parent = short_id(scan.parent_href) if scan.parent_href is not None else None
    if parent is not None and not has_style(parent):
        raise _fail(name, scan.lines["link"], f"its parent style {parent!r} is not available")
    if parent is None and "citation" not in scan.lines:
        raise _fail(name, line, "no <citation> in an independent style")
    return CheckedStyle(id=short_id(uri), title=title, parent=parent,
                        default_locale=attrs.get("default-locale") or None, text=text)
