"""The bibliography's progress ticks: how often a long citeproc-js call asks whether to go on (no engine)."""

from __future__ import annotations

from viewer.citeproc import ticks


def test_progress_is_asked_every_step_of_the_ticks(monkeypatch):
    monkeypatch.setattr(ticks.time, "monotonic", lambda: 0.0)  # time stands still: only the count asks
    asked = []
    ticker = ticks.Ticker(ticks_per_item=2)
    ticker.start(lambda done, total: asked.append((done, total)) or True, items=100)
    assert not any(ticker.tick() for _ in range(200))
    assert asked == [(done, 200) for done in range(4, 201, 4)]  # every 2 %


def test_progress_is_asked_when_a_tick_comes_long_after_the_last_question(monkeypatch):
    """Cancel is honoured within about ASK_EVERY_SECONDS, however many ticks a step holds."""
    clock = [0.0]
    monkeypatch.setattr(ticks.time, "monotonic", lambda: clock[0])
    asked = []
    ticker = ticks.Ticker()
    ticker.start(lambda done, total: asked.append(done) or len(asked) < 3, items=10_000)  # a step: 800 ticks
    assert ticker.tick() is False and asked == []
    clock[0] += ticks.ASK_EVERY_SECONDS / 2
    assert ticker.tick() is False and asked == []
    later = ticks.ASK_EVERY_SECONDS + 0.01
    clock[0] += later
    assert ticker.tick() is False and asked == [3]
    clock[0] += later
    assert ticker.tick() is False and asked == [3, 4]
    clock[0] += later
    assert ticker.tick() is True  # the third answer says stop
    ticker.stop()
    assert ticker.tick() is False  # no call running: nothing to ask


def test_linking_a_built_style_s_token_lists_asks_too():
    """citeproc-js links each token list in one call that makes no token: the conditions' configure
    (called for each of thousands of them) asks, so a cancel need not wait for the whole list."""
    from _quickjs import Context

    js = Context()
    asked = []
    js.add_callable("ncjrsTick", lambda: False)
    js.add_callable("ncjrsAsk", lambda: asked.append(1) or False)
    js.eval("var configured = 0; var CSL = {Engine: {prototype: {}}, Output: {Queue: {prototype: {}}},"
            " XmlToToken: function () {}, getCite: function () {}, Node: {text: {},"
            " 'if': {configure: function (state, pos) { configured += pos; }}}};")
    js.eval(ticks.install())
    js.eval("CSL.Node['if'].configure.call({}, null, 2);")
    assert asked == [1] and js.eval("configured") == 2
