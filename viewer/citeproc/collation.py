"""Collation for citeproc-js in QuickJS: ``String.prototype.localeCompare`` answered as ICU (and so
Node, the reference renderer) answers it. The engine (:mod:`viewer.citeproc.engine`) installs
:meth:`Collator.compare` in place of QuickJS's, which ignores the locale and options and compares
code points ("Øster" after "Smith", "Report 10" before "Report 9")."""

from __future__ import annotations

import json
import unicodedata
from functools import lru_cache
from typing import Callable

from PySide6.QtCore import QCollator, QLocale, Qt


class Collator:
    """``String.prototype.localeCompare(that, "en-US", options)`` as ICU (and so Node) answers it.

    QCollator (ICU in Qt's Linux builds; the platform's collation elsewhere) with the options
    citeproc-js passes: ``numeric``, ``ignorePunctuation`` (ICU "shifted"), and a sensitivity.
    QCollator offers no primary strength, so ``base`` and ``case`` (which ignore accents) compare
    strings with their accents folded away (:func:`fold_accents`), case-insensitively for
    ``base`` and ``accent``. Only en-US is bundled, so the locale is always en-US.
    """

    def __init__(self) -> None:
        self._collators: dict[tuple[bool, bool, bool], QCollator] = {}

    def compare(self, a: str, b: str, sensitivity: str, ignore_punctuation: bool, numeric: bool) -> int:
        case_sensitive = sensitivity not in ("base", "accent")
        if sensitivity in ("base", "case"):
            a, b = fold_accents(a), fold_accents(b)
        key = (case_sensitive, ignore_punctuation, numeric)
        collator = self._collators.get(key)
        if collator is None:
            collator = QCollator(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
            collator.setCaseSensitivity(
                Qt.CaseSensitivity.CaseSensitive if case_sensitive else Qt.CaseSensitivity.CaseInsensitive)
            collator.setIgnorePunctuation(ignore_punctuation)
            collator.setNumericMode(numeric)
            self._collators[key] = collator
        result = collator.compare(a, b)
        return (result > 0) - (result < 0)


# Letters without a decomposition that ICU's root collation still treats as a base letter (or two)
# with an accent: equal to it at "base" sensitivity (found by asking Node, over U+00C0-U+024F).
_BASE_LETTERS = str.maketrans({
    "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ß": "ss", "ø": "o", "Ø": "O", "ð": "d", "Ð": "D",
    "đ": "d", "Đ": "D", "ħ": "h", "Ħ": "H", "ł": "l", "Ł": "L",
})


@lru_cache(maxsize=4096)
def fold_accents(text: str) -> str:
    """``text`` without what ICU weighs below the base letter: accents, ligature and width forms."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn").translate(_BASE_LETTERS)


# The engine's String.prototype.localeCompare: its arguments go to Python as one JSON text
# (JSON.stringify escapes what QuickJS cannot hand to Python: a lone surrogate half fails the call).
INSTALL = (
    "(function (compare) {"
    " String.prototype.localeCompare = function (that, locales, options) {"
    "  options = options || {};"
    "  return compare(JSON.stringify([String(this), String(that), String(options.sensitivity || 'variant'),"
    "   !!options.ignorePunctuation, !!options.numeric]));"
    " };"
    "})(ncjrsCompare); delete globalThis.ncjrsCompare;"
)


def js_compare() -> Callable[[str], int]:
    """What INSTALL calls as ``ncjrsCompare``: one JSON array of Collator.compare's arguments."""
    collator = Collator()
    return lambda args: collator.compare(*json.loads(args))
