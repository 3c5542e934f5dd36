"""Guards against a known-bad Qt binding: PySide6 6.12.0 drops a reference to True on every
Signal.emit(), so a long session's process dies ("deallocating True") once the count reaches
zero. pyproject.toml excludes it; this test fails on any binding with the same fault."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    plain = Signal()
    numbers = Signal(int, int)


def test_emitting_signals_keeps_true_and_false_alive(qapp):
    emitter = _Emitter()
    received = []
    emitter.numbers.connect(lambda a, b: received.append(a + b))
    before = sys.getrefcount(True), sys.getrefcount(False)
    for n in range(200):
        emitter.plain.emit()
        emitter.numbers.emit(n, 1)
    assert len(received) == 200
    assert (sys.getrefcount(True), sys.getrefcount(False)) == before
