"""PDFs the tests and benchmarks build themselves: text pages in Helvetica, a bookmark per heading,
and on request the hostile parts (a password, outlines that loop or point nowhere, JavaScript, links,
a page count that lies). No third-party document is ever kept in the repository.

Plain Python, no dependency: objects written by hand, an xref table computed, RC4 (revision 2) when
a password is asked for.
"""

from __future__ import annotations

import hashlib
import zlib
from dataclasses import dataclass, field

_PAD = bytes.fromhex("28bf4e5e4e758a4164004e56fffa01082e2e00b6d0683e802f0ca9fe6453697a")
_FILE_ID = bytes(range(16))


@dataclass
class Bookmark:
    title: str
    page: int  # 0-based
    children: list[Bookmark] = field(default_factory=list)


@dataclass
class Page:
    heading: str = ""
    lines: list[str] = field(default_factory=list)


def report(pages: int = 12, *, chapters: int = 3, sections: int = 2) -> tuple[list[Page], list[Bookmark]]:
    """A report of ``pages`` pages: chapters ("1 Introduction") with sections ("1.1 ..."), each
    heading starting a page and a bookmark, and body text holding the word "trafficking"."""
    starts = []
    for c in range(1, chapters + 1):
        starts.append((f"{c} Chapter {c}", None))
        starts.extend((f"{c}.{s} Section {c}.{s}", c) for s in range(1, sections + 1))
    step = max(pages // len(starts), 1)
    result = [Page(lines=_body(n)) for n in range(pages)]
    outline: list[Bookmark] = []
    for k, (title, chapter) in enumerate(starts):
        page = min(k * step, pages - 1)
        result[page].heading = title
        mark = Bookmark(title, page)
        (outline if chapter is None else outline[-1].children).append(mark)
    return result, outline


def _body(n: int) -> list[str]:
    return [f"Page {n + 1} line {i + 1}: trafficking in human beings is a crime against persons."
            if i % 7 == 0 else f"Page {n + 1} line {i + 1}: the report studies victims and offenders."
            for i in range(40)]


def build(pages: list[Page], outline: list[Bookmark] | None = None, *, password: str | None = None,
          javascript: bool = False, links: bool = False, loop_outline: bool = False,
          bad_outline: bool = False, count_lie: int | None = None, compress: bool = True) -> bytes:
    """The PDF's bytes. ``loop_outline`` points the last bookmark back at the first; ``bad_outline``
    makes bookmarks name objects that do not exist; ``count_lie`` writes that /Count in the page tree."""
    w = _Writer(password)
    catalog, pages_ref, font = w.reserve(), w.reserve(), w.reserve()
    w.put(font, b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    page_refs = [w.reserve() for _ in pages]
    for ref, page in zip(page_refs, pages):
        content = w.stream(_content(page), compress)
        annots = b""
        if links:
            target = w.add(b"<< /Type /Annot /Subtype /Link /Rect [72 700 300 720] /Border [0 0 0] "
                           b"/A << /S /URI /URI " + w.text(ref, "https://example.invalid/") + b" >> >>")
            js = w.add(b"<< /Type /Annot /Subtype /Link /Rect [72 680 300 700] /A << /S /JavaScript /JS "
                       + w.text(ref, "app.alert('run')") + b" >> >>")
            annots = b" /Annots [%d 0 R %d 0 R]" % (target, js)
        w.put(ref, b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 %d 0 R >> >>"
              b" /Contents %d 0 R%s >>" % (pages_ref, font, content, annots))
    kids = b" ".join(b"%d 0 R" % r for r in page_refs)
    w.put(pages_ref, b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, len(pages) if count_lie is None else count_lie))
    extra = b""
    if outline:
        extra += b" /Outlines %d 0 R /PageMode /UseOutlines" % _outline(w, outline, page_refs, loop_outline, bad_outline)
    if javascript:
        extra += b" /OpenAction << /S /JavaScript /JS " + w.text(catalog, "app.alert('opened')") + b" >>"
    w.put(catalog, b"<< /Type /Catalog /Pages %d 0 R%s >>" % (pages_ref, extra))
    return w.finish(catalog)


def _content(page: Page) -> bytes:
    ops = ["BT"]
    y = 740
    if page.heading:
        ops += [f"/F1 18 Tf 72 {y} Td ({_escape(page.heading)}) Tj", "/F1 10 Tf 0 -28 Td"]
    else:
        ops += [f"/F1 10 Tf 72 {y} Td"]
    for line in page.lines:
        ops.append(f"({_escape(line)}) Tj 0 -15 Td")
    ops.append("ET")
    return "\n".join(ops).encode("cp1252")


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def _outline(w: _Writer, marks: list[Bookmark], pages: list[int], loop: bool, bad: bool) -> int:
    root = w.reserve()
    first, last, count = _items(w, marks, root, pages, bad)
    if loop and first:
        w.patch(last, b" /Next %d 0 R" % first)  # the last bookmark's /Next leads back to the first
    w.put(root, b"<< /Type /Outlines /First %d 0 R /Last %d 0 R /Count %d >>" % (first, last, count))
    return root


def _items(w: _Writer, marks: list[Bookmark], parent: int, pages: list[int], bad: bool) -> tuple[int, int, int]:
    refs = [w.reserve() for _ in marks]
    total = len(marks)
    for i, (ref, mark) in enumerate(zip(refs, marks)):
        links = b" /Parent %d 0 R" % parent
        if i > 0:
            links += b" /Prev %d 0 R" % refs[i - 1]
        if i + 1 < len(refs):
            links += b" /Next %d 0 R" % refs[i + 1]
        if mark.children:
            first, last, count = _items(w, mark.children, ref, pages, bad)
            links += b" /First %d 0 R /Last %d 0 R /Count %d" % (first, last, count)
            total += count
        target = 99999 if bad else pages[min(mark.page, len(pages) - 1)]
        w.put(ref, b"<< /Title " + w.text(ref, mark.title) + b" /Dest [%d 0 R /XYZ 0 792 0]%s" % (target, links)
              + b" >>")
    return (refs[0], refs[-1], total) if refs else (0, 0, 0)


class _Writer:
    def __init__(self, password: str | None) -> None:
        self.objects: dict[int, bytes] = {}
        self.tails: dict[int, bytes] = {}
        self.key = _key(password) if password is not None else None

    def reserve(self) -> int:
        number = len(self.objects) + 1
        self.objects[number] = b""
        return number

    def put(self, number: int, body: bytes) -> None:
        self.objects[number] = body

    def add(self, body: bytes) -> int:
        number = self.reserve()
        self.put(number, body)
        return number

    def patch(self, number: int, extra: bytes) -> None:
        self.tails[number] = extra

    def text(self, number: int, value: str) -> bytes:
        raw = value.encode("cp1252", "replace")
        return b"<" + self._crypt(number, raw).hex().encode() + b">"

    def stream(self, data: bytes, compress: bool) -> int:
        number = self.reserve()
        body = zlib.compress(data) if compress else data
        body = self._crypt(number, body)
        filters = b" /Filter /FlateDecode" if compress else b""
        self.put(number, b"<< /Length %d%s >>\nstream\n" % (len(body), filters) + body + b"\nendstream")
        return number

    def _crypt(self, number: int, data: bytes) -> bytes:
        if self.key is None:
            return data
        return _rc4(hashlib.md5(self.key + number.to_bytes(3, "little") + b"\0\0").digest()[:10], data)

    def finish(self, root: int) -> bytes:
        out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
        offsets = {}
        encrypt = b""
        if self.key is not None:
            number = self.add(_encrypt_dict(self.key))
            encrypt = b" /Encrypt %d 0 R" % number
        for number, body in self.objects.items():
            if number in self.tails:
                body = body[:-2] + self.tails[number] + b" >>"
            offsets[number] = len(out)
            out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
        xref = len(out)
        out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(self.objects) + 1)
        for number in sorted(offsets):
            out += b"%010d 00000 n \n" % offsets[number]
        ident = _FILE_ID.hex().encode()
        out += (b"trailer\n<< /Size %d /Root %d 0 R%s /ID [<%s> <%s>] >>\nstartxref\n%d\n%%%%EOF\n"
                % (len(self.objects) + 1, root, encrypt, ident, ident, xref))
        return bytes(out)


# --- the standard security handler, revision 2 (40-bit RC4), enough to need a password ---

_PERMISSIONS = (-4).to_bytes(4, "little", signed=True)


def _owner_entry() -> bytes:
    return _rc4(hashlib.md5(_PAD).digest()[:5], _PAD)  # owner password "": O from the padding


def _key(password: str) -> bytes:
    padded = (password.encode("latin-1") + _PAD)[:32]
    return hashlib.md5(padded + _owner_entry() + _PERMISSIONS + _FILE_ID).digest()[:5]


def _encrypt_dict(key: bytes) -> bytes:
    return (b"<< /Filter /Standard /V 1 /R 2 /Length 40 /P -4 /O <" + _owner_entry().hex().encode()
            + b"> /U <" + _rc4(key, _PAD).hex().encode() + b"> >>")


def _rc4(key: bytes, data: bytes) -> bytes:
    s = list(range(256))
    j = 0
    for i in range(256):
        j = (j + s[i] + key[i % len(key)]) % 256
        s[i], s[j] = s[j], s[i]
    out = bytearray()
    i = j = 0
    for byte in data:
        i = (i + 1) % 256
        j = (j + s[i]) % 256
        s[i], s[j] = s[j], s[i]
        out.append(byte ^ s[(s[i] + s[j]) % 256])
    return bytes(out)
