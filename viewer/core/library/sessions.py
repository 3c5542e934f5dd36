"""Which copy of the program removed a record, and whether that copy is still running.

A removal waits for Undo until the session that made it ends (it purges its own removals on
quit) or is proven dead: its process is gone, or the number now belongs to a process started
at another time. A session of another computer (a library on a shared folder) is never proven
dead from here, so its removals wait for it.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from functools import cache


@dataclass(frozen=True)
class Session:
    id: str
    pid: int
    started: str  # the process's start time as the system tells it ("" where it cannot)
    host: str


def process_start(pid: int) -> str | None:
    """The start time of process ``pid`` ("" where the system does not tell), None when there is
    no such process."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            # Field 22, counted after the command name, which may itself hold spaces and ")".
            return stat.read().rsplit(b")", 1)[1].split()[19].decode("ascii")
    except FileNotFoundError:
        return None
    except (OSError, IndexError, UnicodeDecodeError):
        pass
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except (PermissionError, OSError):
        pass  # it exists, but is not ours to signal
    return ""


@cache
def current() -> Session:
    pid = os.getpid()
    started = process_start(pid) or ""
    host = _host_name()
    return Session(f"{host}:{pid}:{started}", pid, started, host)


def _host_name() -> str:
    """The computer's name, as socket.gethostname() gives it; without importing socket (a few
    milliseconds of every window's start) where the system tells it directly."""
    if hasattr(os, "uname"):
        return os.uname().nodename
    import socket

    return socket.gethostname()


def is_dead(pid: int, started: str, host: str) -> bool:
    if host != current().host:
        return False
    now = process_start(pid)
    return now is None or (bool(started) and bool(now) and now != started)


def register(conn: sqlite3.Connection) -> str:
    """Records this session (inside the caller's write transaction); returns its id."""
    me = current()
    conn.execute("INSERT OR IGNORE INTO sessions(id, pid, started, host) VALUES (?, ?, ?, ?)",
                 (me.id, me.pid, me.started, me.host))
    return me.id


def dead_sessions(conn: sqlite3.Connection) -> list[str]:
    rows = conn.execute("SELECT id, pid, started, host FROM sessions").fetchall()
    return [sid for sid, pid, started, host in rows if sid != current().id and is_dead(pid, started, host)]
