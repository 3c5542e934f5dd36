"""QuickJS's cycle collector held back during one call (viewer.citeproc.quickjs_gc)."""

from __future__ import annotations

import sys

import pytest

from viewer.citeproc import quickjs_gc

# Each round leaves two objects that only point at each other: reference counting never frees them.
CYCLES = "for (var i = 0; i < 30000; i++) { var a = {}; var b = {a: a, s: 'x' + i}; a.b = b; }"


@pytest.fixture
def context():
    from _quickjs import Context

    return Context()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the runtime is reached on Linux and macOS only")
def test_the_runtime_is_found_and_its_heap_read_without_walking_it(context):
    threshold = quickjs_gc.GcThreshold.of(context)
    assert threshold is not None
    context.eval(CYCLES)
    assert threshold.heap() == context.memory()["malloc_size"]


def test_anything_but_a_known_context_is_left_alone():
    assert quickjs_gc.GcThreshold.of(object()) is None
    assert quickjs_gc.GcThreshold.of([1, 2, 3]) is None


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the runtime is reached on Linux and macOS only")
def test_cycles_wait_for_the_block_to_end_then_are_collected_as_usual(context):
    threshold = quickjs_gc.GcThreshold.of(context)
    start = threshold.heap()
    context.eval(CYCLES)
    collected_as_usual = threshold.heap() - start  # QuickJS collected them as it went
    with quickjs_gc.held_back(threshold):
        before = threshold.heap()
        context.eval(CYCLES)
        kept = threshold.heap() - before
    assert kept > 4 * collected_as_usual and kept > 3_000_000
    context.eval(CYCLES)  # the threshold is QuickJS's own rule again: the next growth collects
    context.eval(CYCLES)
    assert threshold.heap() < before + kept


def test_without_a_runtime_the_block_just_runs():
    ran = []
    with quickjs_gc.held_back(None):
        ran.append(True)
    assert ran == [True]
