"""BibTeX text cut into batches of whole blocks, read piece by piece, so an import parses a batch
of entries at a time instead of the file.

The cuts are where bibtexparser 2 itself starts a block whatever it was reading: an ``@type{`` (or
``@type(``) that begins a line, after optional white space. Its splitter ends the block it is in
at such a start — an unclosed brace or quote, an unfinished comment — and begins the next, so a
batch parsed alone gives the blocks the whole text gives. Given the next block's start as
``Batch.sentinel``, a batch ends the last of its blocks exactly as the whole text ends it (an
unclosed entry names the block that interrupts it), and the reader drops the sentinel's block.
A cut mid-line ``@`` is not a block start (``LeQua @ {CLEF}``) and is left inside the batch.

Lines are counted as bibtexparser counts them: a newline right after a backslash does not count.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

BATCH = 1_000  # blocks
BATCH_CHARS = 4 << 20  # a batch of large entries is cut sooner
MAX_BLOCK_CHARS = 16 << 20  # one block (entry, comment...) longer than this is not read

# A block start at the beginning of a line: bibtexparser's "@[\w]*( |\t)*(?=[{(])" after a newline
# and white space (``str.isspace``, as its ``_is_at_line_start`` asks); group 1 is the start.
_CUT = re.compile(r"\n[^\S\n]*(@\w*[ \t]*[{(])")


@dataclass(frozen=True)
class Batch:
    """Whole blocks of the text. ``line``: the 0-based line of ``text[0]`` as bibtexparser counts
    lines; ``sentinel``: the start of the block after these ("" at the end of the text).
    ``too_long``: the block at ``line`` is longer than MAX_BLOCK_CHARS and was skipped (no text)."""

    text: str
    line: int
    sentinel: str = ""
    too_long: bool = False


def counted_lines(text: str) -> int:
    """Newlines bibtexparser counts in ``text`` (its marks skip a newline escaped by a backslash)."""
    return text.count("\n") - text.count("\\\n")


def batches(chunks: Iterable[str], *, batch: int | None = None, batch_chars: int | None = None,
            max_block: int | None = None) -> Iterator[Batch]:
    """The text the chunks make up, as batches of at most ``batch`` blocks (fewer when they reach
    ``batch_chars``). Holds one batch and the block being read; a block over ``max_block``
    characters is dropped as it is read and given as a ``too_long`` batch. (Defaults: the module's
    BATCH, BATCH_CHARS and MAX_BLOCK_CHARS, read on the call.)"""
    batch = batch or BATCH
    batch_chars = batch_chars or BATCH_CHARS
    max_block = max_block or MAX_BLOCK_CHARS
    pieces: list[str] = []
    size = 0
    line = 0  # of the first piece in ``pieces``
    buf = ""  # the block being read, from its start
    head = ""  # its start ("@misc{"), "" for the text before the first block start
    scan = 0  # where in buf the next cut may begin
    skipping = False  # buf is the tail of a block over max_block

    def flush(sentinel: str) -> Iterator[Batch]:
        nonlocal pieces, size, line
        if pieces:
            text = "".join(pieces)
            yield Batch(text, line, sentinel)
            line += counted_lines(text)
            pieces, size = [], 0

    for chunk in chunks:
        buf += chunk
        start = 0  # buf[start:] is the block being read; what is before it is given out
        while (match := _CUT.search(buf, scan)) is not None:
            cut = match.start(1)
            if skipping:
                line += counted_lines(buf[start:cut])
                skipping = False
            else:
                pieces.append(buf[start:cut])
                size += cut - start
                if len(pieces) >= batch or size >= batch_chars:
                    yield from flush(match.group(1))
            start, head, scan = cut, match.group(1), cut
        buf = buf[start:]
        newline = buf.rfind("\n", scan - start)
        scan = newline if newline >= 0 else len(buf)
        if not skipping and len(buf) > max_block:
            yield from flush(head)
            yield Batch("", line, too_long=True)
            skipping = True
        if skipping and scan > 1:  # drop what no cut can begin in (a "\\\n" pair stays whole)
            drop = scan - 1 if buf[scan - 1] == "\\" else scan
            line += counted_lines(buf[:drop])
            buf, scan = buf[drop:], scan - drop
    if skipping:
        return
    if buf:
        pieces.append(buf)
    yield from flush("")

