"""Counts the generated cases of each fuzzed input; tests/conftest.py reports them."""

from collections import Counter

CASES: Counter[str] = Counter()


def count_case(kind: str) -> None:
    CASES[kind] += 1
