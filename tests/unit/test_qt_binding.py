"""Guards against a known-bad Qt binding: PySide6 6.12.0 drops a reference to True on every
Signal.emit(), so a long session's process dies ("deallocating True") once the count reaches
zero. pyproject.toml excludes it; this test fails on any binding with the same fault.

From Python 3.12 True is immortal: its count neither moves nor can be seen to move, so there the
test refuses the known-bad release by its version instead."""

from __future__ import annotations

import sys
from importlib.metadata import version

from PySide6.QtCore import QObject, Signal

KNOWN_BAD = {"6.12.0"}


class _Emitter(QObject):
    plain = Signal()
    numbers = Signal(int, int)


def _counts() -> tuple[int, int]:
    return sys.getrefcount(True), sys.getrefcount(False)


def _true_is_immortal() -> bool:
    before = sys.getrefcount(True)
    held = [True] * 10  # noqa: F841 - ten more references, seen unless True is immortal
    return sys.getrefcount(True) == before


def test_emitting_signals_keeps_true_and_false_alive(qapp):
    emitter = _Emitter()
    received = []
    emitter.numbers.connect(lambda a, b: received.append(a + b))
    if _true_is_immortal():
        assert version("PySide6-Essentials") not in KNOWN_BAD
        return
    before = _counts()
    for n in range(200):
        emitter.plain.emit()
        emitter.numbers.emit(n, 1)
    assert len(received) == 200
    assert _counts() == before
