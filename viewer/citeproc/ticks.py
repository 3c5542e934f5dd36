"""Progress and cancel inside a long citeproc-js call (a bibliography of hundreds of records).

A QuickJS call cannot be interrupted from outside, so the engine is given a tick that citeproc-js
calls as it works: each time it fetches an item (``CSL.Engine.prototype.retrieveItem``, while the
items are registered and sorted) and each time it starts a bibliography entry
(``CSL.Output.Queue.prototype.startTag`` for ``bib_entry``, once per entry and output format).
Both are wrapped, in this engine only, to call the tick and then do exactly what they did: the
output is unchanged (the Node comparison runs without them). A tick that answers true throws,
which ends the call; the processor it ran in is then dropped (its registry may be half updated).
"""

from __future__ import annotations

from typing import Callable

# Per item: about two fetches while registering and sorting, one entry per output format (text, html).
TICKS_PER_ITEM = 4
CANCELLED = "ncjrs: cancelled"

INSTALL = (
    "(function (tick) {"
    " function check() { if (tick()) { throw new Error('" + CANCELLED + "'); } }"
    " var retrieve = CSL.Engine.prototype.retrieveItem;"
    " CSL.Engine.prototype.retrieveItem = function (id) { check(); return retrieve.call(this, id); };"
    " var startTag = CSL.Output.Queue.prototype.startTag;"
    " CSL.Output.Queue.prototype.startTag = function (name, token) {"
    "  if (name === 'bib_entry') { check(); } return startTag.call(this, name, token); };"
    "})(ncjrsTick); delete globalThis.ncjrsTick;"
)

Progress = Callable[[int, int], bool]  # (done, total) -> go on?


class Ticker:
    """Counts ticks of one call and asks ``progress`` about every 2 % whether to go on."""

    def __init__(self) -> None:
        self._progress: Progress | None = None
        self._done = 0
        self._total = 1
        self._step = 1

    def start(self, progress: Progress | None, items: int) -> None:
        self._progress = progress
        self._done = 0
        self._total = max(1, items * TICKS_PER_ITEM)
        self._step = max(1, self._total // 50)

    def stop(self) -> None:
        self._progress = None

    def tick(self) -> bool:
        """True: stop the call (the caller cancelled)."""
        if self._progress is None:
            return False
        self._done += 1
        if self._done % self._step:
            return False
        return not self._progress(min(self._done, self._total), self._total)
