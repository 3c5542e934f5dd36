"""The citation service's cache: rendered entries and bibliographies by key, in memory and on disk.

Plain Python (no Qt). One small JSON file per key in the cache folder, written whole through
:func:`viewer.core.atomic.write_atomic` (never a half file, no temporary left behind). Damage is
a miss, never an error; a cache that cannot be written only costs a render next time.

Bounded both ways: memory keeps the most recently used ``memory`` entries and ``bibliographies``
bibliographies (a bibliography may hold thousands of entries); the folder keeps at most
``max_files`` files and ``max_bytes`` bytes, the oldest written going first. The folder is
checked on the first write of a session and every ``PRUNE_EVERY`` writes after, so it may run
over by that many files between checks.
"""

from __future__ import annotations

import json
import os
from collections import OrderedDict
from pathlib import Path
from typing import Any

from viewer.core.atomic import WriteError, write_atomic

MEMORY_ENTRIES = 1_000
MEMORY_BIBLIOGRAPHIES = 16
MAX_FILES = 5_000
MAX_BYTES = 64 * 1024 * 1024
PRUNE_EVERY = 50


def is_entry(value: Any) -> bool:
    """An entry as the engine renders it: bibliography and citation, each with text and HTML."""
    return isinstance(value, dict) and all(
        isinstance(value.get(part), dict) and isinstance(value[part].get("text"), str)
        and isinstance(value[part].get("html"), str) for part in ("bibliography", "citation"))


def is_bibliography(value: Any) -> bool:
    """A bibliography's result: its text, HTML and entries."""
    return (isinstance(value, dict) and isinstance(value.get("text"), str)
            and isinstance(value.get("html"), str) and isinstance(value.get("entries"), list))


class _Memory(OrderedDict[str, dict[str, Any]]):
    """The most recently used ``limit`` values."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    def use(self, key: str) -> dict[str, Any] | None:
        value = self.get(key)
        if value is not None:
            self.move_to_end(key)
        return value

    def keep(self, key: str, value: dict[str, Any]) -> None:
        self[key] = value
        self.move_to_end(key)
        while len(self) > self.limit:
            self.popitem(last=False)


class CitationCache:
    """Entries (:meth:`entry`) and bibliographies (:meth:`bibliography`) by key; ``folder`` None
    keeps them in memory only."""

    def __init__(self, folder: Path | None, *, memory: int = MEMORY_ENTRIES,
                 bibliographies: int = MEMORY_BIBLIOGRAPHIES, max_files: int = MAX_FILES,
                 max_bytes: int = MAX_BYTES) -> None:
        self.folder = folder
        self.max_files, self.max_bytes = max_files, max_bytes
        self._entries = _Memory(memory)
        self._bibliographies = _Memory(bibliographies)
        self._writes = 0

    def entry(self, key: str) -> dict[str, Any] | None:
        return self._get(self._entries, key, is_entry)

    def put_entry(self, key: str, entry: dict[str, Any]) -> None:
        self._put(self._entries, key, entry)

    def bibliography(self, key: str) -> dict[str, Any] | None:
        return self._get(self._bibliographies, key, is_bibliography)

    def put_bibliography(self, key: str, result: dict[str, Any]) -> None:
        self._put(self._bibliographies, key, {k: result[k] for k in ("text", "html", "entries")})

    def _get(self, memory: _Memory, key: str, valid: Any) -> dict[str, Any] | None:
        found = memory.use(key)
        if found is None:
            found = self._read(key)
            if not valid(found):
                return None
            memory.keep(key, found)
        return found

    def _put(self, memory: _Memory, key: str, value: dict[str, Any]) -> None:
        memory.keep(key, value)
        path = self._path(key)
        if path is None:
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(path, json.dumps(value, ensure_ascii=False))
        except (OSError, WriteError):
            return  # only costs a render next time
        if self._writes % PRUNE_EVERY == 0:
            self.prune()
        self._writes += 1

    def _path(self, key: str) -> Path | None:
        return self.folder / f"{key}.json" if self.folder is not None else None

    def _read(self, key: str) -> Any:
        path = self._path(key)
        try:
            return json.loads(path.read_text(encoding="utf-8")) if path else None
        except (OSError, ValueError):
            return None

    def prune(self) -> None:
        """Removes the oldest written files until the folder is within both bounds."""
        if self.folder is None:
            return
        files = []
        try:
            with os.scandir(self.folder) as found:
                for item in found:
                    if item.name.endswith(".json") and item.is_file(follow_symlinks=False):
                        info = item.stat(follow_symlinks=False)
                        files.append((info.st_mtime_ns, info.st_size, item.path))
        except OSError:
            return
        files.sort()
        count, size = len(files), sum(f[1] for f in files)
        for _, bytes_, path in files:
            if count <= self.max_files and size <= self.max_bytes:
                break
            try:
                os.remove(path)
            except OSError:
                continue
            count, size = count - 1, size - bytes_
