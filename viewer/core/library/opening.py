"""How a library file is opened: for reading and writing, or, on a disk that cannot be written
(a read-only mount, a folder the user may not write), for reading only.

SQLite cannot open a WAL library read-only unless its ``-shm`` file exists or can be made, so a
library on a read-only mount is opened with ``mode=ro`` when that works and ``immutable=1``
otherwise (nothing can change the file there: SQLite need not look for other writers). In a
folder only its owner may write, another copy may be writing: ``mode=ro`` only, never immutable. Nothing
is written then: no pragma that writes, no migration, no bundled row; every write is refused
with :class:`ReadOnlyLibraryError` before it reaches SQLite.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from viewer.core.library import schema
from viewer.core.library.errors import ReadOnlyLibraryError, sqlite_error


def read_only_disk(folder: Path) -> bool:
    """The folder is on a read-only mount, or one this user cannot write."""
    return read_only_mount(folder) or (folder.is_dir() and not os.access(folder, os.W_OK))


def read_only_mount(folder: Path) -> bool:
    try:
        return bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except (OSError, AttributeError):  # no statvfs (Windows)
        return False


def connect(path: Path) -> tuple[sqlite3.Connection, bool]:
    """A connection to the library file and whether it is read-only; LibraryError when neither works."""
    if not read_only_disk(path.parent):
        try:
            return sqlite3.connect(str(path), isolation_level=None, timeout=5.0), False
        except sqlite3.Error as exc:
            raise sqlite_error(path, exc) from None
    if not path.is_file():
        raise ReadOnlyLibraryError(path, "no library has been made there yet")
    uri = path.resolve().as_uri()
    for query in ("?mode=ro", "?mode=ro&immutable=1") if read_only_mount(path.parent) else ("?mode=ro",):
        try:
            conn = sqlite3.connect(uri + query, uri=True, isolation_level=None, timeout=5.0)
        except sqlite3.Error as exc:
            raise sqlite_error(path, exc) from None
        try:
            conn.execute("PRAGMA schema_version").fetchone()  # the first read opens the WAL index
            return conn, True
        except sqlite3.OperationalError:
            conn.close()  # no -shm and none can be made: immutable
        except sqlite3.Error as exc:
            conn.close()
            raise sqlite_error(path, exc) from None
    raise ReadOnlyLibraryError(path, "the library file cannot be read")


def check_readable(path: Path | None, version: int) -> None:
    """A read-only library must be of this version: an older one cannot be upgraded there."""
    if version < schema.SCHEMA_VERSION:
        raise ReadOnlyLibraryError(path, f"it was written by an older version (library version {version}): "
                                         f"open it once on a disk that can be written to, to upgrade it")

