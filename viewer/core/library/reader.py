"""A second, read-only connection to a library file, for counting and ranking a search in another
thread while the window's own connection keeps answering keystrokes.

It never migrates, seeds or writes: the window's connection opened (and upgraded) the file first.
A caller in another thread may stop its running query at once (:meth:`Reader.interrupt`), and a
``stale()`` check given to :meth:`Reader.watch` ends it between two steps of SQLite's engine.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Callable
from urllib.parse import quote

from viewer.core.library.errors import sqlite_error
from viewer.core.library.ranking import Ranking
from viewer.core.library.store import Library

# SQLite calls the stale() check every this many steps of its engine. It is a Python call, so each
# one waits for the GIL: every 2,000 steps doubled the time to rank "juvenile justice" (1.0 s to
# 2.0 s at 235,000 records); every 100,000 costs little, and a stale query still ends within
# milliseconds when interrupt() came before it started (an interrupt then is lost).
STALE_CHECK_STEPS = 100_000


class Reader:
    """A read-only :class:`Library` over the same file, opened on first use in the thread that uses it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._conn: sqlite3.Connection | None = None
        self._library: Library | None = None
        self._lock = threading.Lock()  # interrupt() and close() from another thread

    def library(self) -> Library:
        """The read-only library (opened now the first time; raises LibraryError)."""
        if self._library is None:
            uri = "file:" + quote(str(self.path)) + "?mode=ro"
            try:
                conn = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=5.0, check_same_thread=False)
                conn.execute("PRAGMA query_only = 1")
                conn.execute("PRAGMA cache_size = -32000")
            except sqlite3.Error as exc:
                raise sqlite_error(self.path, exc) from None
            with self._lock:
                self._conn = conn
            self._library = Library(conn, self.path)
        return self._library

    def position(self, ranking: Ranking, record_id: str) -> int | None:
        """Where a record stands in a ranking this reader made; None when it is not in it."""
        with self.library()._reading():
            row = self._connection().execute("SELECT rid FROM records WHERE id = ?", (record_id,)).fetchone()
        try:
            return ranking.rids.index(row[0]) if row else None
        except ValueError:
            return None

    def _connection(self) -> sqlite3.Connection:
        assert self._conn is not None
        return self._conn

    def watch(self, stale: Callable[[], bool] | None) -> None:
        """While ``stale`` is set, every query of this reader ends (as interrupted) once it returns True."""
        if self._conn is not None:
            self._conn.set_progress_handler((lambda: 1 if stale() else 0) if stale else None, STALE_CHECK_STEPS)

    def interrupt(self) -> None:
        """Stops the query running now, from any thread (sqlite3.Connection.interrupt is thread-safe)."""
        with self._lock:
            if self._conn is not None:
                self._conn.interrupt()

    def close(self) -> None:
        with self._lock:
            conn, self._conn, self._library = self._conn, None, None
        if conn is not None:
            conn.close()
