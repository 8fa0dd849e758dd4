"""The retry timeline and the jitter lab: logic tested directly, views driven with .click()."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

import pytest

from faultlab import FaultlabError, FaultPlanError, World
from faultlab.labs import RetryTimeline
from faultlab.widgets import JitterLabPanel, RetryTimelinePanel


def _retry(op: Callable[[], Any], sleep: Callable[[float], None], attempts: int = 3) -> Any:
    """A small correct helper: transient errors only, fixed pauses of 0.5 s, last error re-raised."""
    for attempt in range(1, attempts + 1):
        try:
            return op()
        except (TimeoutError, ConnectionError):
            if attempt == attempts:
                raise
        sleep(0.5)
    return None


def _timeline(world: World, helper: Any = _retry, failures: tuple[BaseException, ...] = ()) -> RetryTimeline:
    """A timeline over ``get_object`` whose first calls raise ``failures``, in order.

    The timeline's lab owns the operation's fault rules (``run`` applies its settings), so
    scripted failures are raised by the call itself.
    """
    store = world.store
    pending = list(failures)

    def call() -> bytes:
        if pending:
            raise pending.pop(0)
        return store.get_object("models", "resnet.onnx")

    return RetryTimeline(store, "get_object", call, helper)


def test_timeline_records_attempts_and_sleeps_in_virtual_time() -> None:
    """Two timeouts then success: three attempts, two sleeps, times on the virtual axis."""
    timeline = _timeline(World.demo(), failures=(TimeoutError("read timed out"), TimeoutError("read timed out")))
    [outcome] = timeline.run(1)
    assert (outcome.outcome, outcome.attempts, outcome.end) == ("ok", 3, 1.0)
    assert [(s.kind, s.start, s.end, s.outcome) for s in timeline.spans] == [
        ("attempt", 0.0, 0.0, "TimeoutError"),
        ("sleep", 0.0, 0.5, ""),
        ("attempt", 0.5, 0.5, "TimeoutError"),
        ("sleep", 0.5, 1.0, ""),
        ("attempt", 1.0, 1.0, "ok"),
    ]
    assert timeline.text().splitlines() == [
        "request 1: ok after 3 attempt(s), 1.00s",
        "  t=   0.000s  ERR TimeoutError: read timed out",
        "  t=   0.000s  sleep 0.500s",
        "  t=   0.500s  ERR TimeoutError: read timed out",
        "  t=   0.500s  sleep 0.500s",
        "  t=   1.000s  ok  14 bytes",
    ]


def test_timeline_applies_the_lab_settings_reproducibly() -> None:
    """The lab's fault kinds, probability, seed and latency drive the run; same seed, same run."""
    texts = []
    for _ in range(2):
        timeline = _timeline(World.demo())
        timeline.lab.toggle("connection reset", True)
        timeline.lab.probability, timeline.lab.seed, timeline.lab.latency = 0.6, 5, 0.25
        timeline.run(4)
        texts.append(timeline.text())
    assert texts[0] == texts[1]
    assert "ConnectionResetError" in texts[0]
    assert "sleep 0.500s" in texts[0]


def test_timeline_reports_how_a_request_gave_up() -> None:
    """A permanent error ends the request with its type; summary counts requests by outcome."""
    timeline = _timeline(World.demo(), failures=(PermissionError(13, "denied"),))
    timeline.run(2)
    assert [o.outcome for o in timeline.outcomes] == ["PermissionError", "ok"]
    assert timeline.summary() == {"PermissionError": 1, "ok": 1}
    assert "request 1: gave up with PermissionError after 1 attempt(s), 0.00s" in timeline.text()


def test_timeline_lets_keyboard_interrupt_through() -> None:
    """A KeyboardInterrupt from the operation stops the run instead of being recorded."""
    timeline = _timeline(World.demo(), lambda op, sleep: op(), failures=(KeyboardInterrupt(),))
    with pytest.raises(KeyboardInterrupt):
        timeline.run(1)


def test_timeline_svg_has_a_block_per_attempt_and_a_line_per_sleep() -> None:
    """The SVG draws attempts as rects and sleeps as dashed lines, with escaped tooltips."""
    timeline = _timeline(World.demo(), failures=(TimeoutError("<slow> & late"),))
    assert "width='0'" in timeline.svg()
    timeline.run(2)
    svg = timeline.svg()
    assert svg.count("<rect") == 3
    assert svg.count("<line") == 1
    assert "&lt;slow&gt; &amp; late" in svg
    assert "<slow>" not in svg


def test_timeline_reset_forgets_everything() -> None:
    """reset() clears spans, outcomes and the operation's fault rules."""
    world = World.demo()
    timeline = _timeline(world)
    timeline.lab.toggle("timeout", True)
    timeline.run(2)
    timeline.reset()
    assert (timeline.spans, timeline.outcomes, world.store.faults.rules) == ([], [], [])
    assert repr(timeline) == "RetryTimeline(0 request(s), 0 span(s))"


def test_timeline_refuses_bad_input() -> None:
    """An unknown operation and an out-of-range request count are refused with a clear error."""
    world = World.demo()
    with pytest.raises(FaultPlanError, match="has no operation"):
        RetryTimeline(world.store, "fetch", lambda: None, _retry)
    with pytest.raises(FaultlabError, match="between 1 and 100"):
        _timeline(world).run(0)


def test_timeline_panel_click_runs_and_resets() -> None:
    """Clicking Run draws the chart, logs the text and counts; Reset clears all three."""
    world = World.demo()
    store = world.store
    rng = random.Random(1)

    def helper(op: Callable[[], Any], sleep: Callable[[float], None]) -> Any:
        return _retry(op, lambda s: sleep(s * rng.random()))

    panel = RetryTimelinePanel(store, "get_object", lambda: store.get_object("models", "resnet.onnx"), helper)
    panel.toggles["timeout"].value = True
    panel.toggles["connection reset"].value = True
    panel.probability.value = 1.0
    panel.requests.value = 3
    panel.run_button.click()
    assert panel.chart.value.startswith("<svg")
    assert panel.status.value.startswith("3 requests so far — ")
    assert "ok" not in panel.timeline.summary()
    assert panel.calls_log.outputs[0]["text"].startswith("request 1: gave up with")
    assert panel.timeline.lab.kinds == {"timeout", "connection reset"}
    panel.reset_button.click()
    assert (panel.chart.value, panel.status.value, panel.calls_log.outputs) == ("", "", ())
    assert panel.timeline.outcomes == []


def test_jitter_lab_panel_click_simulates_and_tabulates() -> None:
    """Clicking Simulate copies the widget values into the lab, runs it and shows the table."""
    panel = JitterLabPanel()
    for strategy, box in panel.strategy_boxes.items():
        box.value = strategy in ("full", "exponential")
    panel.max_clients.value = 20
    panel.runs.value = 1
    panel.run_button.click()
    assert panel.lab.strategies == ("exponential", "full")
    assert panel.lab.client_counts() == [2, 4, 6, 8, 10, 12, 14, 16, 18, 20]
    assert len(panel.results) == 20
    table = panel.table.outputs[0]["text"].splitlines()
    assert [line.split()[0] for line in table] == ["strategy", "exponential,", "full"]
    assert panel.status.value == ""


def test_jitter_lab_panel_reports_bad_settings_in_place() -> None:
    """With no strategy ticked the panel shows the error instead of raising."""
    panel = JitterLabPanel()
    for box in panel.strategy_boxes.values():
        box.value = False
    panel.run_button.click()
    assert "select at least one strategy" in panel.status.value
    assert panel.results == []
