"""QuickJS's cycle collector held back while a bibliography is laid out (issue 15).

A sorted bibliography processor is a heap of 100-280 MB (APA about 600,000 objects, Chicago notes
1.5 million: citeproc-js compiles each ``<sort>`` key's macros inline). QuickJS frees most garbage
by reference counting and runs its cycle collector whenever the heap has grown by half since the
last run; each run walks every live object, so a 500-record APA bibliography spent about 3 s of its
19 s in two or three collections of 0.3-0.9 s each, and a Cancel asked during one waited for it
(up to 0.9 s; the progress ticks cannot run inside it). :func:`held_back` raises the runtime's
threshold for the length of one call and then sets it as QuickJS itself would after a
collection (half as much again as the heap): the garbage of that call (some 45 MB of cycles for
500 records) is collected later, with everything else. Output does not depend on when garbage is
collected.

The ``quickjs`` package offers no call for it, so this uses ``JS_SetGCThreshold``, exported by
its extension module, on the ``JSRuntime`` its Context holds. That is done only where it is
known to be safe: quickjs 1.19.4 (pinned in pyproject.toml: another layout could make the calls
below read a wrong pointer), CPython on Linux or macOS (the module's symbols are not exported on
Windows), the Context's size that of 1.19.4 (the runtime and context pointers first, after the
object header), and ``JS_GetRuntime`` of that context answering that runtime. Anywhere else,
:func:`held_back` does nothing and QuickJS collects as it always has.
"""

from __future__ import annotations

import ctypes
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

# quickjs 1.19.4's ContextData: PyObject_HEAD, then JSRuntime *runtime, JSContext *context, ...
_CONTEXT_BASICSIZE = 80
_RUNTIME_OFFSET = 16
_CONTEXT_OFFSET = 24
# QuickJS's JSRuntime begins with JSMallocFunctions (four pointers) and JSMallocState (malloc_count,
# malloc_size, ...): the heap's size, read without walking it (Context.memory() walks every object).
_MALLOC_SIZE_OFFSET = 40
HELD_BACK_BYTES = 1 << 30  # the collector waits for this much more heap during one call


class GcThreshold:
    """The GC threshold of one Context's runtime; :meth:`of` makes one only where that is safe."""

    def __init__(self, runtime: int, set_threshold: Any) -> None:
        self._runtime = runtime
        self._set = set_threshold

    @classmethod
    def of(cls, context: Any) -> GcThreshold | None:
        """For ``context`` (a fresh ``_quickjs.Context``), or None (see the module's notes)."""
        if sys.implementation.name != "cpython" or not sys.platform.startswith(("linux", "darwin")):
            return None
        if type(context).__basicsize__ != _CONTEXT_BASICSIZE or ctypes.sizeof(ctypes.c_void_p) != 8:
            return None
        try:
            library = ctypes.CDLL(sys.modules[type(context).__module__].__file__)
            get_runtime, set_threshold = library.JS_GetRuntime, library.JS_SetGCThreshold
        except (KeyError, AttributeError, OSError, TypeError):
            return None
        get_runtime.restype, get_runtime.argtypes = ctypes.c_void_p, [ctypes.c_void_p]
        set_threshold.restype, set_threshold.argtypes = None, [ctypes.c_void_p, ctypes.c_size_t]
        runtime = ctypes.c_void_p.from_address(id(context) + _RUNTIME_OFFSET).value
        js_context = ctypes.c_void_p.from_address(id(context) + _CONTEXT_OFFSET).value
        if not runtime or not js_context or get_runtime(js_context) != runtime:
            return None
        found = cls(runtime, set_threshold)
        return found if found.heap() == context.memory()["malloc_size"] else None

    def heap(self) -> int:
        """Bytes the runtime has allocated now."""
        return int(ctypes.c_size_t.from_address(self._runtime + _MALLOC_SIZE_OFFSET).value)

    def set(self, size: int) -> None:
        self._set(self._runtime, size)


@contextmanager
def held_back(threshold: GcThreshold | None) -> Iterator[None]:
    """No cycle collection during the block (unless the heap grows by a GiB); after it, the
    threshold QuickJS itself sets after a collection. Nothing is changed when ``threshold`` is None."""
    if threshold is None:
        yield
        return
    threshold.set(threshold.heap() + HELD_BACK_BYTES)
    try:
        yield
    finally:
        threshold.set(threshold.heap() * 3 // 2)
