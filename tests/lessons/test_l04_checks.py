"""Lesson 04's checks: virtual time, runaway guards, async checks under a running loop."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from functools import cache
from typing import Any

import pytest

from faultlab.exercises import judge_exercise, observe_exercise, run_check
from faultlab.exercises.lessons import l04_retries
from faultlab.exercises.lessons.l04_retries import _RETRY_CASES, _expected_sleeps, _run_in_thread
from tests.conftest import ROOT, notebook_namespace


@cache
def _solutions() -> dict[str, Any]:
    return notebook_namespace(ROOT / "solutions" / "04_retries.ipynb")


def _with(source: str) -> dict[str, Any]:
    namespace = dict(_solutions())
    exec(compile(source, "<test>", "exec"), namespace)  # noqa: S102 - our own test code
    return namespace


def test_checks_run_in_virtual_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """All seven checks pass without one real sleep, minutes of backoff included (no wall-clock assertion)."""
    _solutions()
    real_sleeps: list[float] = []
    monkeypatch.setattr(time, "sleep", real_sleeps.append)
    verdicts = [run_check(ex.id, dict(_solutions())) for ex in l04_retries.EXERCISES]
    assert [v.status for v in verdicts] == ["passed"] * 7
    assert real_sleeps == []


def test_expected_sleeps_never_cross_the_deadline() -> None:
    """The reference replay of the deadline case stops before a pause would end past 6 s."""
    case = _RETRY_CASES["deadline"]
    sleeps = _expected_sleeps(case)
    assert sleeps
    assert sum(sleeps) + len(sleeps) * case["latency"] <= case["kw"]["deadline"]


def test_a_retry_loop_without_end_is_stopped_and_judged() -> None:
    """A helper that retries forever is stopped by the check's guard and marked incorrect."""
    namespace = _with(
        "def retry(op, *, retry_on, sleep=time.sleep, **_):\n"
        "    while True:\n"
        "        try:\n"
        "            return op()\n"
        "        except Exception:\n"
        "            sleep(0.1)\n"
    )
    verdict = run_check("4.3", namespace)
    assert verdict.status == "incorrect"
    assert "after the first attempt" in verdict.message


def test_tenacity_without_a_stop_is_reported_not_hung() -> None:
    """A tenacity policy that never stops is cut off and told to set stop=."""
    source = "def safe_retrying(*, sleep=time.sleep):\n    return tenacity.Retrying(sleep=sleep)\n"
    verdict = run_check("4.7", _with(source))
    assert verdict.status == "incorrect"
    assert "stop_never" in verdict.message


def test_async_check_works_under_a_running_event_loop() -> None:
    """check("4.4") works from code already inside an event loop, as in a Jupyter kernel."""

    async def main() -> str:
        return run_check("4.4", dict(_solutions())).status

    assert asyncio.run(main()) == "passed"


def test_observations_are_plain_json_and_judging_is_repeatable() -> None:
    """Each observation survives a JSON round trip, and judging it twice gives the same verdict."""
    for ex in l04_retries.EXERCISES:
        observation = observe_exercise(ex, dict(_solutions()))
        assert observation["state"] == "observed", observation
        again = json.loads(json.dumps(observation))
        assert judge_exercise(ex, again) == judge_exercise(ex, observation)


def test_run_in_thread_hands_back_values_and_errors() -> None:
    """The async runner returns the coroutine's value and re-raises its very exception."""
    error = ConnectionResetError(104, "reset")

    async def fine() -> int:
        await asyncio.sleep(0)
        return 7

    async def broken() -> None:
        raise error

    assert _run_in_thread(fine) == 7
    with pytest.raises(ConnectionResetError) as caught:
        _run_in_thread(broken)
    assert caught.value is error


def test_run_in_thread_gives_up_on_a_coroutine_that_never_ends() -> None:
    """A coroutine still running after the timeout is reported as TimeoutError."""
    release = threading.Event()
    threads = threading.active_count()

    async def stuck() -> None:
        while not release.is_set():
            await asyncio.sleep(0.001)

    with pytest.raises(TimeoutError, match="did not finish"):
        _run_in_thread(stuck, timeout=0.05)
    release.set()
    deadline = time.perf_counter() + 2.0
    while threading.active_count() > threads and time.perf_counter() < deadline:
        release.wait(0.001)
    assert threading.active_count() == threads


def test_import_faultlab_pulls_in_no_heavy_dependency() -> None:
    """import faultlab loads neither httpx, matplotlib, ipywidgets, tenacity nor stamina."""
    import subprocess
    import sys

    code = (
        "import sys, faultlab, faultlab.world, faultlab.labs\n"
        "faultlab.world.FaultServer; faultlab.labs.simulate_contention\n"
        "print(sorted(m for m in ('httpx', 'matplotlib', 'ipywidgets', 'tenacity', 'stamina') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
