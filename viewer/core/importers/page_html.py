"""A saved NCJRS page's HTML as the text a browser shows, in reading order (stdlib parser only).

Block elements end lines; script, style and head contents are dropped; entities are decoded;
non-breaking spaces stay for the text parser. Nothing is ever fetched.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser

from viewer.core.importers.common import cancel_point

_BLOCKS = frozenset({
    "address", "article", "aside", "blockquote", "body", "br", "caption", "dd", "details", "div", "dl",
    "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
    "header", "hr", "html", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table",
    "tbody", "td", "tfoot", "th", "thead", "tr", "ul", "option", "legend",
})
_HIDDEN = frozenset({"script", "style", "noscript", "template", "head", "title", "svg", "iframe",
                     "object", "select", "button"})
_VOID = frozenset({"br", "hr", "img", "input", "meta", "link", "area", "base", "col", "embed",
                   "source", "track", "wbr", "param"})
_HTML_START = re.compile(r"\s*(?:<!doctype html|<html|<head|<meta|<body|<!--|<div|<p[\s>]|<h1|<table)",
                         re.IGNORECASE)
_MAX_LINKS = 500
_PIECE = 1 << 16  # characters fed to the parser between cancel points


@dataclass
class HtmlText:
    text: str
    url: str | None = None  # from <link rel="canonical"> or <meta property="og:url">
    links: dict[str, str] = field(default_factory=dict)  # link text -> its first http(s) href


def looks_like_html(text: str) -> bool:
    head = text[:4000].lstrip("\ufeff")
    return bool(_HTML_START.match(head)) and ("</" in head or "<body" in head.lower())


def html_to_text(html: str) -> HtmlText:
    """The visible text. The parser is fed a piece at a time, each ending before a ``<`` (so no
    text is split: the same calls as the whole), with a cancel point between pieces: 8 MB of
    dense markup takes the parser seconds."""
    reader = _Reader()
    try:
        for piece in _pieces(html):
            cancel_point()
            reader.feed(piece)
        reader.close()
    except (AssertionError, ValueError):  # malformed markup: keep what was read
        pass
    text = "".join(reader.parts)
    text = re.sub(r"[ \t\r\f\v]*\n[ \t\r\f\v\n]*", lambda m: "\n\n" if m.group(0).count("\n") > 1 else "\n",
                  text)
    return HtmlText(text.strip("\n "), reader.canonical or reader.og_url, reader.links)


def _pieces(html: str, size: int = _PIECE) -> Iterator[str]:
    start = 0
    while start < len(html):
        end = html.find("<", start + size)
        end = len(html) if end < 0 else end
        yield html[start:end]
        start = end


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0
        self.pre = 0
        self.canonical: str | None = None
        self.og_url: str | None = None
        self.links: dict[str, str] = {}
        self._href: str | None = None
        self._anchor: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k.lower(): (v or "") for k, v in attrs}
        if tag == "link" and "canonical" in values.get("rel", "").lower().split():
            self.canonical = self.canonical or _web_url(values.get("href", ""))
        elif tag == "meta" and values.get("property", "").lower() == "og:url":
            self.og_url = self.og_url or _web_url(values.get("content", ""))
        if tag in _VOID:
            if tag in ("br", "hr") and not self.hidden:
                self.parts.append("\n")
            return
        if tag == "body":
            self.hidden = 0  # a head the file never closed ends here
        if tag in _HIDDEN:
            self.hidden += 1
        elif tag == "pre":
            self.pre += 1
        elif tag == "a":
            self._href, self._anchor = _web_url(values.get("href", "")), []
        if tag in _BLOCKS and not self.hidden:
            self.parts.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag == "pre":
            self.pre = max(0, self.pre - 1)
        elif tag == "a" and self._href:
            text = " ".join("".join(self._anchor).split())
            if text and text not in self.links and len(self.links) < _MAX_LINKS:
                self.links[text] = self._href
            self._href = None
        if tag in _BLOCKS and not self.hidden:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self.hidden:
            return
        if not self.pre:
            # Source line breaks and indentation are not visible; non-breaking spaces are.
            data = re.sub(r"[ \t\r\n\f]+", " ", data)
        self.parts.append(data)
        if self._href:
            self._anchor.append(data)


def _web_url(value: str) -> str | None:
    value = value.strip()
    return value if re.match(r"https?://[^\s]+$", value, re.IGNORECASE) and len(value) <= 2000 else None
