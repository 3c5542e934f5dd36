"""A private Xvfb server and a tiny libX11 client that waits for the first mapped top-level window.

Used by scripts/benchlib.py. No window manager runs on the server, so a program's MapWindow
reaches the server directly and the root window reports it as a MapNotify at once: the moment
the window becomes visible to a user, whatever the program does inside (no hook needed, so it
also works for the one-file executable). The display is private to one benchmark run, so the
first such window after a spawn is the spawned program's. Popups (override-redirect) and stray
windows narrower or lower than MIN_SIDE are passed over; the strays are reported.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import select
import shutil
import subprocess
import time
from types import TracebackType

_CREATE_NOTIFY, _MAP_NOTIFY, _CONFIGURE_NOTIFY = 16, 19, 22
_SUBSTRUCTURE_NOTIFY_MASK = 1 << 19
# A mapped top-level window smaller than this either way is a stray, not the program's window: a
# widget shown before it was given a parent flashes up as a window of its own (and is counted).
MIN_SIDE = 100


class _XMapEvent(ctypes.Structure):
    _fields_ = [("type", ctypes.c_int), ("serial", ctypes.c_ulong), ("send_event", ctypes.c_int),
                ("display", ctypes.c_void_p), ("event", ctypes.c_ulong), ("window", ctypes.c_ulong),
                ("override_redirect", ctypes.c_int)]


class _XGeometryEvent(ctypes.Structure):  # the common head of XCreateWindowEvent and XConfigureEvent
    _fields_ = [("type", ctypes.c_int), ("serial", ctypes.c_ulong), ("send_event", ctypes.c_int),
                ("display", ctypes.c_void_p), ("parent", ctypes.c_ulong), ("window", ctypes.c_ulong),
                ("x", ctypes.c_int), ("y", ctypes.c_int), ("width", ctypes.c_int), ("height", ctypes.c_int)]


class _XEvent(ctypes.Union):
    _fields_ = [("type", ctypes.c_int), ("xmap", _XMapEvent), ("xgeometry", _XGeometryEvent),
                ("pad", ctypes.c_long * 24)]


# Xlib's default handler exits the process; a window may be gone before its title is read.
_ERROR_HANDLER = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p)(lambda dpy, err: 0)


def missing_tools() -> list[str]:
    """The Debian packages the Xvfb measurements need that are not installed."""
    missing = [] if shutil.which("Xvfb") else ["xvfb"]
    return missing + ([] if ctypes.util.find_library("X11") else ["libx11-6"])


def ensure_tools() -> None:
    """Install Xvfb and libX11 when missing (as root), else stop with the line to run."""
    missing = missing_tools()
    if not missing:
        return
    line = ["apt-get", "install", "-y", "--no-install-recommends", *missing]
    if os.geteuid() != 0:
        raise SystemExit(f"the Xvfb measurements need: sudo {' '.join(line)}")
    subprocess.run(["apt-get", "update", "-qq"], check=True)
    subprocess.run(line, check=True, env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})


def _libx11() -> ctypes.CDLL:
    lib = ctypes.CDLL(ctypes.util.find_library("X11") or "libX11.so.6")
    lib.XOpenDisplay.restype = ctypes.c_void_p
    lib.XOpenDisplay.argtypes = [ctypes.c_char_p]
    lib.XDefaultRootWindow.restype = ctypes.c_ulong
    lib.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
    lib.XSelectInput.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_long]
    lib.XSync.argtypes = [ctypes.c_void_p, ctypes.c_int]
    lib.XConnectionNumber.argtypes = [ctypes.c_void_p]
    lib.XPending.argtypes = [ctypes.c_void_p]
    lib.XNextEvent.argtypes = [ctypes.c_void_p, ctypes.POINTER(_XEvent)]
    lib.XFetchName.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.POINTER(ctypes.c_char_p)]
    lib.XInternAtom.restype = ctypes.c_ulong
    lib.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
    lib.XGetWindowProperty.argtypes = [
        ctypes.c_void_p, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_long, ctypes.c_long, ctypes.c_int,
        ctypes.c_ulong, ctypes.POINTER(ctypes.c_ulong), ctypes.POINTER(ctypes.c_int),
        ctypes.POINTER(ctypes.c_ulong), ctypes.POINTER(ctypes.c_ulong), ctypes.POINTER(ctypes.c_void_p)]
    lib.XFree.argtypes = [ctypes.c_void_p]
    lib.XCloseDisplay.argtypes = [ctypes.c_void_p]
    lib.XSetErrorHandler.argtypes = [ctypes.c_void_p]
    lib.XSetErrorHandler(ctypes.cast(_ERROR_HANDLER, ctypes.c_void_p))
    return lib


class Xvfb:
    """``Xvfb -displayfd`` on a free display, with a client listening for maps on its root window."""

    def __init__(self, screen: str = "1280x800x24") -> None:
        self.screen = screen
        self.display = ""
        self._server: subprocess.Popen[bytes] | None = None
        self._x = _libx11()
        self._dpy: int | None = None

    def __enter__(self) -> Xvfb:
        read_end, write_end = os.pipe()
        self._server = subprocess.Popen(
            ["Xvfb", "-displayfd", str(write_end), "-screen", "0", self.screen, "-nolisten", "tcp"],
            pass_fds=[write_end], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(write_end)
        with os.fdopen(read_end, "rb") as pipe:  # Xvfb writes the number once it accepts clients
            number = pipe.readline().strip()
        if not number:
            self.__exit__(None, None, None)
            raise SystemExit("Xvfb did not start (is another server misbehaving?)")
        self.display = f":{number.decode()}"
        self._dpy = self._x.XOpenDisplay(self.display.encode())
        if not self._dpy:
            self.__exit__(None, None, None)
            raise SystemExit(f"cannot open X display {self.display}")
        self._x.XSelectInput(self._dpy, self._x.XDefaultRootWindow(self._dpy), _SUBSTRUCTURE_NOTIFY_MASK)
        self._x.XSync(self._dpy, 0)
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._dpy:
            self._x.XCloseDisplay(self._dpy)
            self._dpy = None
        if self._server:
            self._server.terminate()
            self._server.wait(timeout=10)
            self._server = None

    def drain(self) -> None:
        """Forget the events of earlier launches (their windows, their unmaps)."""
        self._x.XSync(self._dpy, 0)
        event = _XEvent()
        while self._x.XPending(self._dpy):
            self._x.XNextEvent(self._dpy, ctypes.byref(event))

    def wait_for_map(self, deadline: float, pidfd: int) -> tuple[str, list[str]] | None:
        """Block until a top-level window of at least MIN_SIDE is mapped: its title, and the strays
        mapped before it ("title WxH"); None if the program exited or the deadline (a perf_counter
        value) passed first. Event-driven: select() on the X socket and the pidfd, no sleeping."""
        fd = self._x.XConnectionNumber(self._dpy)
        event = _XEvent()
        sizes: dict[int, tuple[int, int]] = {}
        strays: list[str] = []
        while True:
            while self._x.XPending(self._dpy):  # events Xlib already read count first
                self._x.XNextEvent(self._dpy, ctypes.byref(event))
                if event.type in (_CREATE_NOTIFY, _CONFIGURE_NOTIFY):
                    sizes[event.xgeometry.window] = (event.xgeometry.width, event.xgeometry.height)
                elif event.type == _MAP_NOTIFY and not event.xmap.override_redirect:
                    width, height = sizes.get(event.xmap.window, (0, 0))
                    if width >= MIN_SIDE and height >= MIN_SIDE:
                        return self._title(event.xmap.window), strays
                    strays.append(f"{self._title(event.xmap.window)} {width}x{height}")
            left = deadline - time.perf_counter()
            if left <= 0:
                return None
            ready, _, _ = select.select([fd, pidfd], [], [], left)
            if pidfd in ready and fd not in ready and not self._x.XPending(self._dpy):
                return None

    def _title(self, window: int) -> str:
        """_NET_WM_NAME (UTF-8: Qt's titles need not be Latin-1), for the report to show whose window it was."""
        x, atom, kind = self._x, ctypes.c_ulong(), ctypes.c_int()
        count, after, data = ctypes.c_ulong(), ctypes.c_ulong(), ctypes.c_void_p()
        name = x.XInternAtom(self._dpy, b"_NET_WM_NAME", 0)
        utf8 = x.XInternAtom(self._dpy, b"UTF8_STRING", 0)
        status = x.XGetWindowProperty(self._dpy, window, name, 0, 1024, 0, utf8, ctypes.byref(atom),
                                      ctypes.byref(kind), ctypes.byref(count), ctypes.byref(after),
                                      ctypes.byref(data))
        if status != 0 or not data.value:
            return "(untitled)"
        title = ctypes.string_at(data.value, count.value).decode("utf-8", "replace")
        x.XFree(data)
        return title
