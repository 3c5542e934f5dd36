"""Progress and cancel inside a long citeproc-js call (a bibliography of hundreds of records).

A QuickJS call cannot be interrupted from outside, so citeproc-js is made to call back as it works.
Counted ticks (progress): each time it fetches an item (``CSL.Engine.prototype.retrieveItem``,
while the items are registered) and each time it starts a bibliography entry
(``CSL.Output.Queue.prototype.startTag`` for ``bib_entry``: once per entry, or once per entry and
output format when the engine does not render them together). Uncounted checks, between those:
while a processor is built (``CSL.XmlToToken``, every style node, and the ``configure`` of the
conditional nodes, as their token lists are linked) and before every cite it lays out
(``CSL.getCite``: sort keys, disambiguation, entries), timed in JavaScript so that they ask
only every ``BETWEEN_ASKS_MS``: seconds of building, sorting and disambiguating pass without a
counted tick. All are wrapped, in this engine only, to call back and then do exactly what they
did: the output is unchanged (the Node comparison runs without them). A call back that answers
true throws, which ends the call; the processor it ran in is then dropped (its registry may be
half updated), and a processor whose build was stopped was never stored.

Asking at least every ``ASK_EVERY_SECONDS`` (counted ticks) and ``BETWEEN_ASKS_MS`` (between
them) bounds how long a cancel, or quitting, waits (``scripts/bench_copy.py --bibliography``
measures it).
"""

from __future__ import annotations

import time
from typing import Callable

# Per item: about two fetches while registering and sorting, one entry per output format (text,
# html; one for both when the engine renders them together).
TICKS_PER_ITEM = 4
# The longest a call goes on without asking progress whether to go on (when ticks come that often):
# a cancel, or quitting the program, waits about this long plus one tick.
ASK_EVERY_SECONDS = 0.1
# Between the counted ticks (a processor's build, seconds for a sorted bibliography's; the sort
# keys and disambiguation of hundreds of items, seconds too): ask every this many milliseconds.
BETWEEN_ASKS_MS = 50
CANCELLED = "ncjrs: cancelled"


def install() -> str:
    """The JavaScript that wraps citeproc-js's calls (above), asking every BETWEEN_ASKS_MS as it is now."""
    return (
        "(function (tick, ask) {"
        " function stop() { throw new Error('" + CANCELLED + "'); }"
        " function check() { if (tick()) { stop(); } }"
        " var asked = 0;"
        " function checkNow() { var now = Date.now(); if (now - asked >= " + str(BETWEEN_ASKS_MS) + ") {"
        "  asked = now; if (ask()) { stop(); } } }"
        " var retrieve = CSL.Engine.prototype.retrieveItem;"
        " CSL.Engine.prototype.retrieveItem = function (id) { check(); return retrieve.call(this, id); };"
        " var startTag = CSL.Output.Queue.prototype.startTag;"
        " CSL.Output.Queue.prototype.startTag = function (name, token) {"
        "  if (name === 'bib_entry') { check(); } return startTag.call(this, name, token); };"
        " var toToken = CSL.XmlToToken;"
        " CSL.XmlToToken = function () { checkNow(); return toToken.apply(this, arguments); };"
        " var getCite = CSL.getCite;"
        " CSL.getCite = function () { checkNow(); return getCite.apply(this, arguments); };"
        # After the tokens, a build configures each list in one call (Chicago notes' sort: 0.3-0.5 s)
        " ['if', 'else-if', 'else', 'choose', 'institution'].forEach(function (name) {"
        "  var node = CSL.Node[name], configure = node && node.configure; if (!configure) { return; }"
        "  node.configure = function () { checkNow(); return configure.apply(this, arguments); }; });"
        "})(ncjrsTick, ncjrsAsk); delete globalThis.ncjrsTick; delete globalThis.ncjrsAsk;"
    )


Progress = Callable[[int, int], bool]  # (done, total) -> go on?


class Ticker:
    """Counts ticks of one call and asks ``progress`` whether to go on: about every 2 % of the
    ticks, and at the first tick after ``ASK_EVERY_SECONDS`` without asking."""

    def __init__(self, ticks_per_item: int = TICKS_PER_ITEM) -> None:
        self._progress: Progress | None = None
        self._per_item = ticks_per_item
        self._done = 0
        self._total = 1
        self._step = 1
        self._asked = 0.0

    def start(self, progress: Progress | None, items: int) -> None:
        self._progress = progress
        self._done = 0
        self._total = max(1, items * self._per_item)
        self._step = max(1, self._total // 50)
        self._asked = time.monotonic()

    def stop(self) -> None:
        self._progress = None

    def tick(self) -> bool:
        """True: stop the call (the caller cancelled)."""
        if self._progress is None:
            return False
        self._done += 1
        now = time.monotonic()
        if self._done % self._step and now - self._asked < ASK_EVERY_SECONDS:
            return False
        self._asked = now
        return not self._progress(min(self._done, self._total), self._total)

    def ask(self) -> bool:
        """True: stop the call. Asks progress without counting a tick (a processor being built)."""
        if self._progress is None:
            return False
        self._asked = time.monotonic()
        return not self._progress(min(self._done, self._total), self._total)
