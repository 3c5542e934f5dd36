"""``--report``: what each step took out, and what that saves unpacked and packed."""

from __future__ import annotations

import os
import zlib
from collections.abc import Callable, Mapping

from .toc import Toc


def packed_size(path: str) -> int:
    """About what a file costs in the one-file archive (which zlib-compresses each entry)."""
    with open(path, "rb") as fh:
        return len(zlib.compress(fh.read(), 9))


def lines(removed: Mapping[str, Toc], added: Mapping[str, Toc],
          size: Callable[[str], int] = os.path.getsize, packed: Callable[[str], int] = packed_size) -> list[str]:
    """A table, a row per step, each followed by the dests it removed. A step that put files in
    instead (the rebuilt ICU data) saves the difference."""
    table = ["step\tfiles\tMB saved unpacked\tMB saved packed (zlib -9)"]
    for step, entries in sorted(removed.items()):
        files = [(dest, src) for dest, src, _ in entries if os.path.isfile(src)]
        new = [src for _, src, _ in added.get(step, [])]
        raw = sum(size(src) for _, src in files) - sum(size(src) for src in new)
        saved = sum(packed(src) for _, src in files) - sum(packed(src) for src in new)
        table.append(f"{step}\t{len(files)}\t{raw / 1e6:.2f}\t{saved / 1e6:.2f}")
        table += [f"    {dest}" for dest, _ in sorted(files)]
    return table
