"""Error text that stays on one line: a path or a reason can hold a newline or a terminal escape."""

from __future__ import annotations

import os


def quote_path(path: str | os.PathLike[str]) -> str:
    """The path in quotes, newlines, control and invisible characters escaped as ``repr`` does."""
    return repr(os.fsdecode(os.fspath(path)))


def one_line(text: str) -> str:
    """Runs of whitespace become one space; any other unprintable character is escaped."""
    joined = " ".join(text.split())
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in joined)
