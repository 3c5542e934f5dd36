"""Errors of the library: each names the library file and says what is wrong."""

from __future__ import annotations

import sqlite3
from pathlib import Path


class LibraryError(Exception):
    """A library that cannot be used; the message names the file."""

    def __init__(self, path: Path | str | None, problem: str) -> None:
        self.path = Path(path) if path else None
        self.problem = problem
        super().__init__(f"{path or 'library in memory'}: {problem}")


class CorruptLibraryError(LibraryError):
    """Not an SQLite database, or one whose pages or schema are damaged."""


class NewerLibraryError(LibraryError):
    """Written by a newer version of the program; this one must not touch it."""

    def __init__(self, path: Path | str, version: int) -> None:
        from viewer.core.library.schema import SCHEMA_VERSION  # schema imports these errors

        self.version = version
        super().__init__(path, f"library version {version} is newer than this program reads ({SCHEMA_VERSION})")


class ForeignDatabaseError(LibraryError):
    """An SQLite database, but not a library of this program."""


class DamagedRecordError(LibraryError):
    """One stored record cannot be read (the rest of the library is fine)."""


class ReadOnlyLibraryError(LibraryError):
    """The library is on a disk that cannot be written: it is read, never changed."""

    def __init__(self, path: Path | str | None, problem: str = "nothing can be added, removed or attached") -> None:
        super().__init__(path, problem)
        self.args = (f"the library is on a read-only disk: {path or 'library in memory'}: {problem}",)

    def __str__(self) -> str:
        return str(self.args[0])


class ImportCancelled(LibraryError):
    """An import stopped by its cancel callback; nothing of it was written."""


def sqlite_error(path: Path | None, exc: sqlite3.Error) -> LibraryError:
    code = getattr(exc, "sqlite_errorcode", 0) & 0xFF
    if code in (11, 26):  # SQLITE_CORRUPT, SQLITE_NOTADB
        return CorruptLibraryError(path, f"the library file is damaged ({exc})")
    if "malformed" in str(exc):
        return CorruptLibraryError(path, f"the library file is damaged ({exc})")
    if code == 5:  # SQLITE_BUSY
        return LibraryError(path, "the library is busy (another copy of the program is writing to it)")
    return LibraryError(path, f"library error ({exc})")
