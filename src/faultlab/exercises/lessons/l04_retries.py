"""Lesson 04: retries done right (jitter, classification, deadlines, budgets, Retry-After).

Every check runs the learner's code in virtual time: sleeps go to a
:class:`~faultlab.VirtualClock` (or a recorder), randomness comes from a seeded
``random.Random`` the check passes in, so the exact delays are known. The judge
recomputes the expected delays itself from the same seeds: nothing it compares
against comes from the learner's process.
"""

from __future__ import annotations

import asyncio
import inspect
import math
import random
import threading
from collections.abc import Callable, Coroutine
from typing import Any

from faultlab.exercises._exercise import Exercise
from faultlab.exercises._judge import Fail, expect, is_a, raised, returned, show
from faultlab.exercises._observe import run_coroutine as _run_in_thread
from faultlab.exercises._observe import Probe, jsonable
from faultlab.world import World

LESSON = "04_retries"

_TOL = 1e-9
_GUARD = 60  # more calls or sleeps than this: the code under test retries without end
_CALLS, _SLEEPS, _REQUESTS = "calls", "sleeps", "requests"


class _Runaway(BaseException):
    """Raised by a check's operation or sleep when the code under test will not stop."""

    def __init__(self, what: str) -> None:
        super().__init__(f"stopped by the check: more than {_GUARD} {what} (does your loop ever end?)")


def _close(got: Any, want: float) -> bool:
    return isinstance(got, int | float) and not isinstance(got, bool) and abs(got - want) <= _TOL * max(1.0, abs(want))


def _short(type_name: Any) -> str:
    """``asyncio.exceptions.CancelledError`` → ``CancelledError``."""
    return str(type_name).rsplit(".", 1)[-1]


def _seconds(value: Any) -> Any:
    """A requested delay as plain data (tenacity passes a float subclass; NaN and infinities become text)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return jsonable(float(value))
    return jsonable(value)


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _ceiling(attempt: int, base: float, cap: float) -> float:
    return min(cap, base * 2.0 ** min(attempt - 1, 1000))


def _full(attempt: int, base: float, cap: float, rng: random.Random) -> float:
    return rng.uniform(0.0, _ceiling(attempt, base, cap))


def _transient(exc: BaseException) -> bool:
    """The checks' own classification (so 4.3 and 4.4 do not depend on 4.2)."""
    return isinstance(exc, TimeoutError | ConnectionError)


def _told(exc: BaseException) -> float | bool:
    """A predicate that, like stamina's, names the wait itself for one error (a server said when)."""
    return 2.5 if isinstance(exc, ConnectionResetError) else _transient(exc)


# -- 4.1 jitter ---------------------------------------------------------------------------
_J_BASE, _J_CAP, _J_SEED = 0.1, 5.0, 404


def _observe_jitter(probe: Probe) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in ("full_jitter", "equal_jitter"):
        fn = probe.get(name)
        rng = random.Random(_J_SEED)
        out[name] = [
            probe.call(f"{name}({n}, base={_J_BASE}, cap={_J_CAP}, rng=rng)", fn, n, base=_J_BASE, cap=_J_CAP, rng=rng)
            for n in range(1, 13)
        ]
        out[f"{name}_big"] = probe.call(
            f"{name}(2000, base={_J_BASE}, cap={_J_CAP}, rng=rng)",
            fn,
            2000,
            base=_J_BASE,
            cap=_J_CAP,
            rng=random.Random(_J_SEED + 1),
        )
    fn = probe.get("decorrelated_jitter")
    rng = random.Random(_J_SEED)
    previous: Any = _J_BASE
    steps = []
    for _ in range(12):
        outcome, value = probe.catch(
            f"decorrelated_jitter({previous!r}, base={_J_BASE}, cap={_J_CAP}, rng=rng)",
            fn,
            previous,
            base=_J_BASE,
            cap=_J_CAP,
            rng=rng,
        )
        steps.append({"previous": jsonable(previous), "outcome": outcome})
        if "raised" in outcome or not _number(value):
            break
        previous = value
    out["decorrelated_jitter"] = steps
    return out


def _judge_exponential(data: dict[str, Any], name: str) -> None:
    outcomes = data[name]
    rng = random.Random(_J_SEED)
    values = []
    for n, outcome in enumerate(outcomes, start=1):
        got = returned(outcome)
        expect(_number(got), f"{outcome['call']} should return a number of seconds", got=show(got))
        top = _ceiling(n, _J_BASE, _J_CAP)
        low = 0.0 if name == "full_jitter" else top / 2
        expect(
            low - _TOL <= got <= top + _TOL,
            f"{outcome['call']} should lie between {low:g} and {top:g} = min(cap, base * 2 ** (attempt - 1))",
            expected=f"a delay in [{low:g}, {top:g}]",
            got=repr(got),
        )
        values.append(got)
    tops = [_ceiling(n, _J_BASE, _J_CAP) for n in range(1, len(values) + 1)]
    expect(
        not all(abs(v - t) <= _TOL for v, t in zip(values, tops, strict=True)),
        f"{name} returns the top of its range every time: that is exponential backoff without jitter. "
        "Draw the delay at random with rng.uniform(...)",
        expected="delays spread at random below the ceiling",
        got=", ".join(f"{v:g}" for v in values[:6]) + ", …",
    )
    for n, (outcome, got) in enumerate(zip(outcomes, values, strict=True), start=1):
        top = _ceiling(n, _J_BASE, _J_CAP)
        want = rng.uniform(0.0, top) if name == "full_jitter" else top / 2 + rng.uniform(0.0, top / 2)
        expect(
            _close(got, want),
            f"{outcome['call']} should draw exactly one rng.uniform(...) per delay, over the capped range "
            "(cap first, then draw): the same seed must give the same delays",
            expected=repr(want),
            got=repr(got),
        )
    big = data[f"{name}_big"]
    if "raised" in big and big["raised"]["type"] == "OverflowError":
        msg = (
            f"{big['call']} raised OverflowError: 2 ** 1999 does not fit in a float. Cap the exponent "
            "(stamina had this very bug, issue #137)"
        )
        raise Fail(
            msg,
            expected=f"a delay in [0, {_J_CAP:g}]",
            got=f"OverflowError: {big['raised']['str']}",
        )
    got = returned(big)
    expect(
        _number(got) and 0.0 <= got <= _J_CAP,
        f"{big['call']} should still be a delay between 0 and the cap",
        expected=f"a delay in [0, {_J_CAP:g}]",
        got=show(got),
    )


def _judge_jitter(data: dict[str, Any]) -> None:
    _judge_exponential(data, "full_jitter")
    _judge_exponential(data, "equal_jitter")
    rng = random.Random(_J_SEED)
    steps = data["decorrelated_jitter"]
    values = []
    for step in steps:
        outcome = step["outcome"]
        got = returned(outcome)
        previous = step["previous"]
        expect(_number(got), f"{outcome['call']} should return a number of seconds", got=show(got))
        high = min(_J_CAP, previous * 3)
        expect(
            min(_J_BASE, high) - _TOL <= got <= high + _TOL,
            f"{outcome['call']} should lie between base and min(cap, previous * 3)",
            expected=f"a delay in [{min(_J_BASE, high):g}, {high:g}]",
            got=repr(got),
        )
        values.append((got, high))
    expect(
        not all(abs(v - h) <= _TOL for v, h in values),
        "decorrelated_jitter returns min(cap, previous * 3) every time: there is no jitter in that. "
        "Draw it with rng.uniform(base, previous * 3)",
        got=", ".join(f"{v:g}" for v, _ in values[:6]) + ", …",
    )
    for step, (got, _) in zip(steps, values, strict=True):
        want = min(_J_CAP, rng.uniform(_J_BASE, step["previous"] * 3))
        expect(
            _close(got, want),
            f"{step['outcome']['call']} should be min(cap, rng.uniform(base, previous * 3)): "
            "one draw per delay, clamped after",
            expected=repr(want),
            got=repr(got),
        )


# -- 4.2 is_transient ---------------------------------------------------------------------
def _caused(outer: BaseException, cause: BaseException) -> BaseException:
    outer.__cause__ = cause
    return outer


def _in_handler(outer: BaseException, context: BaseException) -> BaseException:
    outer.__context__ = context  # raised while handling ``context``, not ``from`` it
    return outer


def _transient_cases() -> list[tuple[str, BaseException, bool]]:
    import errno

    return [
        ("TimeoutError('read timed out')", TimeoutError("read timed out"), True),
        ("ConnectionResetError(104, 'Connection reset by peer')", ConnectionResetError(104, "reset"), True),
        ("ConnectionRefusedError(111, 'Connection refused')", ConnectionRefusedError(111, "refused"), True),
        ("BrokenPipeError(32, 'Broken pipe')", BrokenPipeError(32, "Broken pipe"), True),
        ("OSError(errno.ETIMEDOUT, 'timed out')", OSError(errno.ETIMEDOUT, "timed out"), True),
        ("FileNotFoundError(2, 'No such key')", FileNotFoundError(2, "No such key"), False),
        ("PermissionError(13, 'alice may not read')", PermissionError(13, "denied"), False),
        ("OSError(errno.EDQUOT, 'Disk quota exceeded')", OSError(errno.EDQUOT, "Disk quota exceeded"), False),
        ("OSError(errno.ENOSPC, 'No space left on device')", OSError(errno.ENOSPC, "No space left on device"), False),
        ("OSError(errno.EIO, 'Input/output error')", OSError(errno.EIO, "Input/output error"), False),
        ("KeyError('models')", KeyError("models"), False),
        ("ValueError('bad header')", ValueError("bad header"), False),
        ("TypeError('unsupported operand')", TypeError("unsupported operand"), False),
        ("KeyboardInterrupt()", KeyboardInterrupt(), False),
        (
            "RuntimeError('fetch failed') from TimeoutError('read timed out')",
            _caused(RuntimeError("fetch failed"), TimeoutError("read timed out")),
            True,
        ),
        (
            "RuntimeError('deploy failed') from RuntimeError('fetch failed') from ConnectionResetError()",
            _caused(RuntimeError("deploy failed"), _caused(RuntimeError("fetch failed"), ConnectionResetError())),
            True,
        ),
        (
            "RuntimeError('fetch failed') from FileNotFoundError(2, 'No such key')",
            _caused(RuntimeError("fetch failed"), FileNotFoundError(2, "No such key")),
            False,
        ),
        (
            "ValueError('bad retry') raised while handling TimeoutError (no `from`)",
            _in_handler(ValueError("bad retry"), TimeoutError("read timed out")),
            False,
        ),
    ]


def _observe_transient(probe: Probe) -> dict[str, Any]:
    is_transient = probe.get("is_transient")
    return {
        "cases": [
            {"outcome": probe.call(f"is_transient({label})", is_transient, exc), "want": want}
            for label, exc, want in _transient_cases()
        ]
    }


def _judge_transient(data: dict[str, Any]) -> None:
    wants = [want for _, _, want in _transient_cases()]
    for case, want in zip(data["cases"], wants, strict=True):
        outcome = case["outcome"]
        got = returned(outcome)
        expect(type(got) is bool, f"{outcome['call']} should return True or False", got=show(got))
        why = (
            "a timeout or a dropped connection may well work next time"
            if want
            else "retrying cannot fix this: fail fast and let the caller see it"
        )
        if "from" in outcome["call"] and "handling" not in outcome["call"]:
            why = "follow __cause__ down the chain: the root cause decides" if want else "its root cause is permanent"
        if "handling" in outcome["call"]:
            why = "only __cause__ (raise … from …) says 'because of'; __context__ is just 'while handling'"
        expect(got == want, f"{outcome['call']} should be {want}: {why}", expected=repr(want), got=repr(got))


# -- 4.3 retry and 4.4 aretry: shared scenarios -------------------------------------------
class _Scenario:
    """A fresh world, a recording operation and the recorded sleeps for one run."""

    def __init__(self, *, key: str = "resnet.onnx", latency: float = 0.0) -> None:
        self.world = World.demo(seed=4)
        self.store = self.world.store
        self.clock = self.world.clock
        self.key = key
        self.raised: list[BaseException] = []
        if latency:
            self.store.faults.add_latency("get_object", latency)

    def fail(self, *errors: BaseException) -> _Scenario:
        for error in errors:
            self.store.faults.fail_next("get_object", 1, error)
        return self

    def op(self) -> bytes:
        if len(self.store.calls) >= _GUARD:
            raise _Runaway(_CALLS)
        try:
            return self.store.get_object("models", self.key)
        except BaseException as exc:
            self.raised.append(exc)
            raise

    async def aop(self) -> bytes:
        return self.op()

    def sleep(self, seconds: float) -> None:
        if len(self.clock.sleeps) >= _GUARD:
            raise _Runaway(_SLEEPS)
        # time.sleep(True) sleeps a second: so does this, and the judge then names the mistake
        self.clock.sleep(float(seconds) if isinstance(seconds, bool) else seconds)

    async def asleep(self, seconds: float) -> None:
        self.sleep(seconds)
        await asyncio.sleep(0)

    def record(self, outcome: dict[str, Any], live: Any) -> dict[str, Any]:
        same = bool(self.raised) and live is self.raised[-1]
        return {
            "outcome": outcome,
            "calls": len(self.store.calls),
            "sleeps": [_seconds(s) for s in self.clock.sleeps],
            "now": _seconds(self.clock.now()),
            "same_object": same,
        }


def _timeouts_and_resets(n: int) -> list[BaseException]:
    return [
        TimeoutError("read timed out") if i % 2 == 0 else ConnectionResetError(104, "Connection reset by peer")
        for i in range(n)
    ]


_RETRY_CASES: dict[str, dict[str, Any]] = {
    # name: the scenario, the keyword arguments and how to describe the call
    "flaky": {"errors": 3, "kw": {"attempts": 5, "base": 0.1, "cap": 5.0}, "seed": 7},
    "exhausted": {"errors": 4, "kw": {"attempts": 4, "base": 0.5, "cap": 5.0}, "seed": 8},
    "told": {"errors": 3, "kw": {"attempts": 5, "base": 0.1, "cap": 5.0}, "seed": 9, "told": 2.5},
    "deadline": {
        "errors": 40,
        "latency": 1.0,
        "kw": {"attempts": 10, "base": 1.0, "cap": 8.0, "deadline": 6.0},
        "seed": 11,
    },
}


def _label(func: str, kw: dict[str, Any], seed: int, what: str) -> str:
    args = ", ".join(f"{k}={v!r}" for k, v in kw.items())
    return f"{func}(op, retry_on=is_transient, {args}, rng=random.Random({seed}), …)  # {what}"


def _observe_retry_like(probe: Probe, func_name: str, run: Callable[..., Any], asynchronous: bool) -> dict[str, Any]:
    func = probe.get(func_name)
    out: dict[str, Any] = {}

    def go(sc: _Scenario, label: str, **kw: Any) -> dict[str, Any]:
        op = sc.aop if asynchronous else sc.op
        sleep = kw.pop("sleep", sc.asleep if asynchronous else sc.sleep)
        outcome, live = probe.catch(label, run, func, op, sleep=sleep, clock=sc.clock.now, **kw)
        return sc.record(outcome, live)

    for name, case in _RETRY_CASES.items():
        sc = _Scenario(latency=case.get("latency", 0.0)).fail(*_timeouts_and_resets(case["errors"]))
        if name == "told" and asynchronous:
            continue
        what = {
            "told": "timeout, reset, timeout, then works; retry_on says 2.5 (seconds) for the reset",
            "flaky": "fails 3 times, then works",
            "exhausted": "fails 4 times out of 4",
            "deadline": "every call takes 1s and fails",
        }[name]
        out[name] = go(
            sc,
            _label(func_name, case["kw"], case["seed"], what).replace("is_transient", "told" if "told" in case else "is_transient"),
            retry_on=_told if "told" in case else _transient,
            rng=random.Random(case["seed"]),
            **case["kw"],
        )
    sc = _Scenario(key="gpt.onnx")
    out["permanent"] = go(
        sc,
        f"{func_name}(op, retry_on=is_transient, attempts=4, …)  # the key does not exist: FileNotFoundError",
        retry_on=_transient,
        attempts=4,
        base=0.1,
        cap=5.0,
        rng=random.Random(1),
    )
    sc = _Scenario().fail(KeyboardInterrupt() if not asynchronous else asyncio.CancelledError())
    stop = "KeyboardInterrupt" if not asynchronous else "asyncio.CancelledError"
    out["interrupt"] = go(
        sc,
        f"{func_name}(op, retry_on=lambda exc: True, attempts=4, …)  # op raises {stop}",
        retry_on=lambda exc: True,
        attempts=4,
        base=0.1,
        cap=5.0,
        rng=random.Random(1),
    )
    out["fine_first"] = go(
        _Scenario(),
        f"{func_name}(op, retry_on=is_transient, attempts=4, …)  # op works at once",
        retry_on=_transient,
        attempts=4,
        base=0.1,
        cap=5.0,
        rng=random.Random(1),
    )
    if asynchronous:
        sc = _Scenario().fail(*_timeouts_and_resets(3))

        async def cancelled_sleep(seconds: float) -> None:
            raise asyncio.CancelledError

        out["cancel_in_sleep"] = go(
            sc,
            f"{func_name}(op, …, sleep=…)  # the task is cancelled while it sleeps",
            retry_on=lambda exc: True,
            attempts=4,
            base=0.1,
            cap=5.0,
            rng=random.Random(1),
            sleep=cancelled_sleep,
        )
    return out


def _call_sync(func: Callable[..., Any], op: Callable[[], Any], **kw: Any) -> Any:
    return func(op, **kw)


class _NotAwaitable(Exception):
    """aretry(...) returned something that cannot be awaited."""


def _call_async(func: Callable[..., Any], op: Callable[[], Any], **kw: Any) -> Any:
    async def main() -> Any:
        result = func(op, **kw)
        if not inspect.isawaitable(result):
            msg = f"aretry(...) returned {type(result).__name__}, not an awaitable"
            raise _NotAwaitable(msg)
        return await result

    return _run_in_thread(main)


def _observe_retry(probe: Probe) -> dict[str, Any]:
    return _observe_retry_like(probe, "retry", _call_sync, asynchronous=False)


def _observe_aretry(probe: Probe) -> dict[str, Any]:
    return _observe_retry_like(probe, "aretry", _call_async, asynchronous=True)


def _expected_sleeps(case: dict[str, Any]) -> list[float]:
    """Replay a scenario with the reference policy: the sleeps it must request."""
    kw, rng = case["kw"], random.Random(case["seed"])
    latency, errors = case.get("latency", 0.0), case["errors"]
    deadline = kw.get("deadline")
    now, sleeps = 0.0, []
    for attempt in range(1, kw["attempts"] + 1):
        now += latency
        if attempt > errors or attempt == kw["attempts"]:
            break
        told = case.get("told") if attempt % 2 == 0 else None  # resets are the even attempts
        delay = told if told is not None else _full(attempt, kw["base"], kw["cap"], rng)
        if deadline is not None and now + delay > deadline:
            break
        sleeps.append(delay)
        now += delay
    return sleeps


def _expect_sleeps(rec: dict[str, Any], case: dict[str, Any], what: str) -> None:
    want = _expected_sleeps(case)
    got = rec["sleeps"]
    call = rec["outcome"]["call"]
    if len(got) == len(want) + 1 and all(_close(g, w) for g, w in zip(got, want, strict=False)):
        msg = (
            f"{call} slept after its last attempt: nobody retries after that, so the caller just waits longer "
            "for the error"
        )
        raise Fail(
            msg,
            expected=f"{len(want)} sleeps",
            got=f"{len(got)} sleeps",
        )
    tops = [_ceiling(k, case["kw"]["base"], case["kw"]["cap"]) for k in range(1, len(got) + 1)]
    expect(
        not (got and all(_close(g, t) for g, t in zip(got, tops, strict=True))),
        f"{call} sleeps exactly min(cap, base * 2 ** (k - 1)): exponential backoff without jitter. Clients that "
        "failed together retry together; draw each delay with rng.uniform(0, …) (full jitter)",
        expected="random delays below those ceilings",
        got=", ".join(f"{g:g}" for g in got),
    )
    expect(
        len(got) == len(want) and all(_close(g, w) for g, w in zip(got, want, strict=False)),
        f"{call} should sleep full-jitter delays: after failed attempt k, rng.uniform(0, min(cap, base * 2 ** "
        f"(k - 1))), one draw each, {what}",
        expected=", ".join(f"{w:.6f}" for w in want) or "no sleep",
        got=", ".join(f"{g:.6f}" if _number(g) else show(g) for g in got) or "no sleep",
    )


def _judge_retry_like(data: dict[str, Any], name: str, asynchronous: bool) -> None:
    stop = "asyncio.CancelledError" if asynchronous else "KeyboardInterrupt"
    stop_type = "CancelledError" if asynchronous else "KeyboardInterrupt"
    if asynchronous:
        outcome = data["fine_first"]["outcome"]
        expect(
            _short(outcome.get("raised", {}).get("type")) != "_NotAwaitable",
            f"{name}(...) should return an awaitable: define it with `async def` (or return a coroutine), "
            "and `await` op() and sleep() inside",
            got=str(outcome.get("raised", {}).get("str")),
        )
    # A stop request always gets through, whatever retry_on says.
    rec = data["interrupt"]
    exc = raised(rec["outcome"], f"{rec['outcome']['call']} should let {stop} through")
    expect(
        _short(exc["type"]) == stop_type and rec["calls"] == 1 and not rec["sleeps"],
        f"{rec['outcome']['call']}: {stop} means 'stop now'. Catch Exception, never BaseException or a bare "
        f"except, so it propagates at once, after 1 call and no sleep",
        expected=f"{stop_type} after 1 call",
        got=f"{_short(exc['type'])} after {rec['calls']} call(s), {len(rec['sleeps'])} sleep(s)",
    )
    rec = data["flaky"]
    expect(
        not (rec["calls"] > 1 and not rec["sleeps"]),
        f"{rec['outcome']['call']} retried {rec['calls'] - 1} time(s) without calling the sleep it was given: "
        + (
            "`await sleep(delay)`; a blocking time.sleep() stalls the event loop and cannot be cancelled"
            if asynchronous
            else "call sleep(delay), the parameter, not time.sleep(), so callers and tests control the waiting"
        ),
        expected="sleep(delay) between attempts",
        got="no call of sleep",
    )
    if asynchronous:
        rec = data["cancel_in_sleep"]
        outcome = rec["outcome"]
        exc = raised(outcome, f"{outcome['call']} should end with CancelledError")
        expect(
            _short(exc["type"]) == "CancelledError" and rec["calls"] == 1,
            f"{outcome['call']}: a cancelled task must stop, not retry. "
            + (
                "CancelledError is a BaseException: catch Exception only, and don't catch it around the sleep"
                if _short(exc["type"]) != "CancelledError"
                else "Let the CancelledError out of `await sleep(delay)` at once"
            ),
            expected="CancelledError after 1 call",
            got=f"{_short(exc['type'])} after {rec['calls']} call(s)",
        )
    # Works at once: one call, no sleep.
    rec = data["fine_first"]
    got = returned(rec["outcome"])
    expect(
        got == {"bytes": "b'RESNET-WEIGHTS'"} and rec["calls"] == 1 and not rec["sleeps"],
        f"{rec['outcome']['call']} should return what op() returns, after one call and no sleep",
        expected="b'RESNET-WEIGHTS' after 1 call",
        got=f"{show(got)} after {rec['calls']} call(s), {len(rec['sleeps'])} sleep(s)",
    )
    # Permanent errors are not retried.
    rec = data["permanent"]
    exc = raised(rec["outcome"], f"{rec['outcome']['call']} should raise the FileNotFoundError")
    expect(
        rec["calls"] == 1 and not rec["sleeps"],
        f"{rec['outcome']['call']}: retry_on(exc) is False for FileNotFoundError, and no retry can create the key. "
        "Raise it after the first attempt",
        expected="1 call, no sleep",
        got=f"{rec['calls']} calls, {len(rec['sleeps'])} sleep(s)",
    )
    expect(
        _short(exc["type"]) == "FileNotFoundError",
        f"{rec['outcome']['call']} should re-raise the FileNotFoundError itself",
        expected="FileNotFoundError",
        got=exc["type"],
    )
    # Transient failures, then success.
    rec = data["flaky"]
    got = returned(rec["outcome"])
    expect(
        got == {"bytes": "b'RESNET-WEIGHTS'"} and rec["calls"] == 4,
        f"{rec['outcome']['call']} should retry until the call works and return its value",
        expected="b'RESNET-WEIGHTS' after 4 calls",
        got=f"{show(got)} after {rec['calls']} call(s)",
    )
    expect(
        not (len(rec["sleeps"]) == 3 and all(s == 1 for s in rec["sleeps"])),
        f"{rec['outcome']['call']} slept exactly 1 s each time: retry_on returned True, and True is also the "
        "int 1. Treat only a number that is not a bool (type(x) in (int, float)) as seconds",
        expected="full-jitter delays",
        got=show(rec["sleeps"]),
    )
    _expect_sleeps(rec, _RETRY_CASES["flaky"], "seeded: the same delays every run")
    if not asynchronous:
        rec = data["told"]
        got = returned(rec["outcome"])
        expect(
            got == {"bytes": "b'RESNET-WEIGHTS'"} and rec["calls"] == 4,
            f"{rec['outcome']['call']} should retry until the call works and return its value",
            expected="b'RESNET-WEIGHTS' after 4 calls",
            got=f"{show(got)} after {rec['calls']} call(s)",
        )
        expect(
            len(rec["sleeps"]) == 3 and _close(rec["sleeps"][1], 2.5),
            f"{rec['outcome']['call']}: when retry_on returns a number, wait exactly that many seconds "
            "(no jitter, no draw from rng)",
            expected="a second sleep of 2.5",
            got=show(rec["sleeps"]),
        )
        _expect_sleeps(rec, _RETRY_CASES["told"], "and one draw only for the pauses you jitter")
    # Out of attempts: the last error itself, with the story in its notes.
    rec = data["exhausted"]
    exc = raised(rec["outcome"], f"{rec['outcome']['call']} should raise the last error")
    expect(
        rec["calls"] == 4,
        f"{rec['outcome']['call']} should make exactly `attempts` calls",
        expected="4 calls",
        got=f"{rec['calls']} calls",
    )
    expect(
        _short(exc["type"]) == "ConnectionResetError" and rec["same_object"],
        f"{rec['outcome']['call']} should re-raise the last error itself (a bare `raise`), not a wrapper: "
        "callers catch ConnectionResetError, and its traceback is the useful one",
        expected="the ConnectionResetError of attempt 4",
        got=f"{exc['type']}: {show(exc['str'])}" + ("" if rec["same_object"] else " (not the object op raised)"),
    )
    _expect_sleeps(rec, _RETRY_CASES["exhausted"], "and none after the last attempt")
    notes = exc.get("notes") or []
    kinds = ["TimeoutError", "ConnectionResetError", "TimeoutError", "ConnectionResetError"]
    for k, kind in enumerate(kinds, start=1):
        note = notes[k - 1] if len(notes) >= k and isinstance(notes[k - 1], str) else None
        expect(
            note is not None and note.startswith(f"attempt {k}/4") and kind in note,
            f"the error {name} re-raises should carry one note per attempt, in order, like "
            f"'attempt {k}/4: {kind}: …', so whoever reads it sees every failure, not just the last",
            expected=f"note {k}: 'attempt {k}/4: {kind}: …'",
            got=repr(note) if note is not None else f"{len(notes)} note(s): {notes!r}",
        )
    # The deadline: never start a sleep that would end past it.
    rec = data["deadline"]
    exc = raised(rec["outcome"], f"{rec['outcome']['call']} should give up with the last error")
    case = _RETRY_CASES["deadline"]
    deadline = case["kw"]["deadline"]
    ended = sum(s for s in rec["sleeps"] if _number(s)) + len(rec["sleeps"]) * case["latency"]
    expect(
        ended <= deadline + _TOL,
        f"{rec['outcome']['call']}: a sleep ended after the {deadline:g}s deadline. Before each sleep, compare "
        "clock() + delay with start + deadline, and give up (re-raise) if it would cross it",
        expected=f"every sleep over by t={deadline:g}s",
        got=f"the last sleep ended at t={ended:g}s",
    )
    expect(
        is_a(exc, "TimeoutError") and rec["same_object"],
        f"{rec['outcome']['call']} should re-raise the last TimeoutError itself when the deadline stops it",
        expected="the last TimeoutError",
        got=exc["type"],
    )
    _expect_sleeps(rec, case, f"until the next one would end past t={deadline:g}s")


def _judge_retry(data: dict[str, Any]) -> None:
    _judge_retry_like(data, "retry", asynchronous=False)


def _judge_aretry(data: dict[str, Any]) -> None:
    _judge_retry_like(data, "aretry", asynchronous=True)


# -- 4.5 RetryQuota -----------------------------------------------------------------------
def _observe_quota(probe: Probe) -> dict[str, Any]:
    quota_cls = probe.get("RetryQuota")
    out: dict[str, Any] = {}
    made, quota = probe.catch("RetryQuota()", quota_cls)
    out["make"] = made
    if "raised" in made:
        return out
    out["fresh"] = probe.call("RetryQuota().available", lambda: quota.available)

    def drain(error: Callable[[], BaseException], capacity: int | None = None, **kw: int) -> list[Any]:
        q = quota_cls(**kw) if capacity is None else quota_cls(capacity, **kw)
        taken = []
        for _ in range(120):
            cost = q.acquire(error())
            taken.append(jsonable(cost))
            if not cost:
                break
        return [*taken, jsonable(q.available)]

    def refused_twice(capacity: int) -> list[Any]:
        # 23 tokens: four retries of 5, then 3 are left; neither a reset (5) nor a timeout (10) fits
        q = quota_cls(capacity)
        steps = [jsonable(q.acquire(ConnectionResetError())) for _ in range(5)]
        steps += [jsonable(q.acquire(TimeoutError())), jsonable(q.available)]
        q.release(0)
        steps.append(jsonable(q.available))
        return steps

    out["resets"] = probe.call("acquire(ConnectionResetError()) until refused", drain, ConnectionResetError)
    out["timeouts"] = probe.call("acquire(TimeoutError()) until refused", drain, TimeoutError)
    out["small"] = probe.call(
        "RetryQuota(20): acquire(ConnectionResetError()) until refused", drain, ConnectionError, 20
    )
    out["costs"] = probe.call(
        "RetryQuota(50, retry_cost=7, timeout_cost=20, success_refund=2): acquire(TimeoutError()) until refused",
        drain,
        TimeoutError,
        50,
        retry_cost=7,
        timeout_cost=20,
        success_refund=2,
    )
    out["odd"] = probe.call(
        "RetryQuota(23): 5 × acquire(ConnectionResetError()), acquire(TimeoutError()), then release(0)",
        refused_twice,
        23,
    )

    def refunds() -> list[Any]:
        q = quota_cls()
        steps = [jsonable(q.acquire(TimeoutError())), jsonable(q.available)]
        steps += [jsonable(q.acquire(ConnectionResetError())), jsonable(q.available)]
        q.release(5)
        steps.append(jsonable(q.available))
        q.release(0)
        steps.append(jsonable(q.available))
        for _ in range(30):
            q.release(0)
        steps.append(jsonable(q.available))
        q.release(10)
        steps.append(jsonable(q.available))
        return steps

    out["refunds"] = probe.call(
        "acquire(TimeoutError()); acquire(ConnectionResetError()); release(5); release(0); "
        "30 × release(0); release(10)",
        refunds,
    )

    def outage() -> dict[str, int]:
        # 1 000 requests during an outage, each allowed 3 attempts, sharing one quota
        q = quota_cls()
        calls = 0
        for _ in range(1000):
            for attempt in range(1, 4):
                calls += 1
                error = ConnectionResetError(104, "Connection reset by peer")
                if attempt == 3 or not q.acquire(error):
                    break
        return {"calls": calls, "available": q.available}

    out["outage"] = probe.call("1000 failing requests × up to 3 attempts, one shared quota", outage)
    return out


def _judge_quota(data: dict[str, Any]) -> None:
    returned(data["make"])
    fresh = returned(data["fresh"])
    expect(
        fresh == 500, "a new RetryQuota() should hold 500 tokens (botocore's default)", expected="500", got=show(fresh)
    )
    for key, cost, grants, label in (
        ("resets", 5, 100, "ConnectionResetError"),
        ("timeouts", 10, 50, "TimeoutError"),
        ("small", 5, 4, "ConnectionError, capacity 20"),
    ):
        outcome = data[key]
        *taken, left = returned(outcome)
        granted = [t for t in taken if t]
        refused = taken[len(granted)] if len(taken) > len(granted) else "never refused"
        expect(
            all(type(t) is int for t in taken),
            f"{outcome['call']}: acquire() should return the tokens it took, an int (0 when it refuses)",
            got=show(taken[:3]),
        )
        expect(
            granted == [cost] * grants and refused == 0 and left == 0,
            f"{outcome['call']}: each retry after a {label} costs {cost} tokens, so {grants} retries are granted, "
            "then acquire() returns 0 and the caller must stop retrying",
            expected=f"{grants} × {cost}, then 0, with 0 tokens left",
            got=f"{len(granted)} grant(s) of {sorted(set(granted))}, then {show(refused)}, {show(left)} left",
        )
    outcome = data["odd"]
    steps = returned(outcome)
    want_odd = [5, 5, 5, 5, 0, 0, 3, 4]
    expect(
        steps == want_odd,
        f"{outcome['call']}: with 3 tokens left a retry costing 5 or 10 is refused, and the bucket never goes "
        "below 0. Compare the cost with what is left before taking it",
        expected=show(want_odd),
        got=show(steps),
    )
    outcome = data["costs"]
    *taken, left = returned(outcome)
    expect(
        taken == [20, 20, 0] and left == 10,
        f"{outcome['call']}: use the costs passed in, not botocore's defaults: two timeouts of 20, then 10 "
        "tokens are too few and acquire() returns 0",
        expected="[20, 20, 0], 10 left",
        got=f"{show(taken)}, {show(left)} left",
    )
    outcome = data["refunds"]
    steps = returned(outcome)
    want = [10, 490, 5, 485, 490, 491, 500, 500]
    expect(
        steps == want,
        f"{outcome['call']}: release(cost) after a success gives back that retry's cost, release(0) (success "
        "at the first try) gives back 1, and the quota never grows past its capacity",
        expected=show(want),
        got=show(steps),
    )
    outcome = data["outage"]
    got = returned(outcome)
    expect(
        isinstance(got, dict) and got.get("calls") == 1100,
        f"{outcome['call']}: the quota should stop retries after 100 of them: 1000 first attempts + 100 retries",
        expected="1100 calls",
        got=show(got),
    )


# -- 4.6 send_with_retry (httpx) ------------------------------------------------------------
_HTTP_SEED = 3


def _http_cases() -> list[dict[str, Any]]:
    return [
        {
            "name": "retry_after",
            "what": "GET; 503 Retry-After: 2, 429 Retry-After: 1, then 200",
            "method": "GET",
            "script": [("status", 503, "2"), ("status", 429, "1"), ("status", 200, None)],
        },
        {
            "name": "transport",
            "what": "GET; ReadTimeout, ConnectError, then 200",
            "method": "GET",
            "script": [("raise", "ReadTimeout", None), ("raise", "ConnectError", None), ("status", 200, None)],
        },
        {"name": "not_found", "what": "GET; 404", "method": "GET", "script": [("status", 404, None)]},
        {
            "name": "post",
            "what": "POST without Idempotency-Key; ReadError (did the server create it?)",
            "method": "POST",
            "script": [("raise", "ReadError", None), ("status", 201, None)],
        },
        {
            "name": "post_key",
            "what": "POST with Idempotency-Key; ReadError, then 201",
            "method": "POST",
            "key": "deploy-42",
            "script": [("raise", "ReadError", None), ("status", 201, None)],
        },
        {
            "name": "exhausted",
            "what": "GET, attempts=3; ReadTimeout every time",
            "method": "GET",
            "attempts": 3,
            "script": [("raise", "ReadTimeout", None)] * 3,
        },
        {
            "name": "too_long",
            "what": "GET, max_wait=60; 503 Retry-After: 3600",
            "method": "GET",
            "script": [("status", 503, "3600"), ("status", 200, None)],
        },
        {
            "name": "no_header",
            "what": "GET; 503 without Retry-After, 503 with Retry-After: soon, then 200",
            "method": "GET",
            "script": [("status", 503, None), ("status", 503, "soon"), ("status", 200, None)],
        },
        {
            "name": "post_503",
            "what": "POST without Idempotency-Key; 503 Retry-After: 1, then 201",
            "method": "POST",
            "script": [("status", 503, "1"), ("status", 201, None)],
        },
        {
            "name": "put",
            "what": "PUT (idempotent); ReadError, then 200",
            "method": "PUT",
            "script": [("raise", "ReadError", None), ("status", 200, None)],
        },
        {
            "name": "above_cap",
            "what": "GET, cap=5, max_wait=60; 503 Retry-After: 8, then 200",
            "method": "GET",
            "script": [("status", 503, "8"), ("status", 200, None)],
        },
        {
            "name": "nan",
            "what": "GET; 503 Retry-After: nan, then 200",
            "method": "GET",
            "script": [("status", 503, "nan"), ("status", 200, None)],
        },
        {
            "name": "always_503",
            "what": "GET, attempts=3; 503 Retry-After: 1 every time",
            "method": "GET",
            "attempts": 3,
            "script": [("status", 503, "1")] * 3,
        },
    ]


def _observe_http(probe: Probe) -> dict[str, Any]:
    import httpx

    send_with_retry = probe.get("send_with_retry")
    out: dict[str, Any] = {}
    for case in _http_cases():
        script = list(case["script"])
        sent: list[str] = []
        thrown: list[BaseException] = []
        sleeps: list[Any] = []

        def handler(
            request: httpx.Request,
            script: list[Any] = script,
            sent: list[str] = sent,
            thrown: list[BaseException] = thrown,
        ) -> httpx.Response:
            if len(sent) >= _GUARD:
                raise _Runaway(_REQUESTS)
            sent.append(request.method)
            kind, what, header = script.pop(0) if script else ("status", 200, None)
            if kind == "raise":
                error = getattr(httpx, str(what))("simulated", request=request)
                thrown.append(error)
                raise error
            headers = {"Retry-After": header} if header is not None else {}
            return httpx.Response(int(what), headers=headers, json={"status": what})

        def sleep(seconds: float, sleeps: list[Any] = sleeps) -> None:
            if len(sleeps) >= _GUARD:
                raise _Runaway(_SLEEPS)
            sleeps.append(_seconds(seconds))

        headers = {"Idempotency-Key": case["key"]} if "key" in case else {}
        attempts = case.get("attempts", 4)
        with httpx.Client(transport=httpx.MockTransport(handler), base_url="http://models.test") as client:
            request = client.build_request(case["method"], "/deployments", headers=headers)
            label = f"send_with_retry(client, request, attempts={attempts}, …)  # {case['what']}"
            outcome, live = probe.catch(
                label,
                send_with_retry,
                client,
                request,
                attempts=attempts,
                base=0.1,
                cap=5.0,
                max_wait=60.0,
                sleep=sleep,
                rng=random.Random(_HTTP_SEED),
            )
        status = live.status_code if isinstance(live, httpx.Response) else None
        out[case["name"]] = {
            "outcome": outcome,
            "status": status,
            "requests": len(sent),
            "sleeps": sleeps,
            "same_object": bool(thrown) and live is thrown[-1],
        }
    return out


def _judge_http(data: dict[str, Any]) -> None:
    def status_of(rec: dict[str, Any]) -> Any:
        returned(rec["outcome"])
        return rec["status"]

    def summary(rec: dict[str, Any]) -> str:
        end = rec["outcome"].get("raised", {}).get("type") or f"status {rec['status']}"
        return f"{end} after {rec['requests']} request(s), sleeps {rec['sleeps']}"

    rec = data["not_found"]
    expect(
        status_of(rec) == 404 and rec["requests"] == 1 and not rec["sleeps"],
        f"{rec['outcome']['call']}: a 404 will be a 404 next time too; return it after one request",
        expected="status 404 after 1 request, no sleep",
        got=summary(rec),
    )
    rec = data["retry_after"]
    expect(
        status_of(rec) == 200 and rec["requests"] == 3 and rec["sleeps"] == [2, 1],
        f"{rec['outcome']['call']}: 429 and 503 are worth retrying, and when the server says Retry-After: N, "
        "wait exactly N seconds (no jitter on top)",
        expected="status 200 after 3 requests, sleeps [2.0, 1.0]",
        got=summary(rec),
    )
    rng = random.Random(_HTTP_SEED)
    jitter = [_full(1, 0.1, 5.0, rng), _full(2, 0.1, 5.0, rng)]

    def jittered_success(rec: dict[str, Any], why: str) -> None:
        expect(
            status_of(rec) == 200
            and rec["requests"] == 3
            and len(rec["sleeps"]) == 2
            and all(_close(g, w) for g, w in zip(rec["sleeps"], jitter, strict=True)),
            f"{rec['outcome']['call']}: {why}",
            expected=f"status 200 after 3 requests, sleeps [{jitter[0]:.6f}, {jitter[1]:.6f}]",
            got=summary(rec),
        )

    jittered_success(
        data["transport"],
        "httpx.TransportError (timeouts, refused or reset connections) is transient; "
        "retry a GET after a full-jitter delay, rng.uniform(0, min(cap, base * 2 ** (k - 1)))",
    )
    rec = data["post"]
    exc = raised(rec["outcome"], f"{rec['outcome']['call']} should raise the ReadError")
    expect(
        rec["requests"] == 1 and _short(exc["type"]) == "ReadError",
        f"{rec['outcome']['call']}: the server may have created the deployment before the connection broke. "
        "A POST without an Idempotency-Key is not safe to repeat: send it once and let the error out",
        expected="ReadError after 1 request",
        got=summary(rec),
    )
    rec = data["post_key"]
    expect(
        status_of(rec) == 201 and rec["requests"] == 2,
        f"{rec['outcome']['call']}: with an Idempotency-Key the server deduplicates, so the POST may be retried",
        expected="status 201 after 2 requests",
        got=summary(rec),
    )
    rec = data["exhausted"]
    exc = raised(rec["outcome"], f"{rec['outcome']['call']} should raise the last ReadTimeout")
    expect(
        rec["requests"] == 3 and len(rec["sleeps"]) == 2,
        f"{rec['outcome']['call']}: 3 attempts means 3 requests and 2 sleeps (none after the last)",
        expected="3 requests, 2 sleeps",
        got=summary(rec),
    )
    expect(
        _short(exc["type"]) == "ReadTimeout" and rec["same_object"],
        f"{rec['outcome']['call']}: re-raise the last httpx.ReadTimeout itself, not a wrapper",
        expected="the ReadTimeout of attempt 3",
        got=exc["type"],
    )
    notes = exc.get("notes") or []
    expect(
        len(notes) >= 3
        and all(isinstance(n, str) and n.startswith(f"attempt {k}/3") for k, n in enumerate(notes[:3], 1)),
        f"{rec['outcome']['call']}: the error should carry one note per attempt ('attempt 1/3: ReadTimeout: …')",
        expected="notes 'attempt 1/3: …', 'attempt 2/3: …', 'attempt 3/3: …'",
        got=show(notes),
    )
    rec = data["too_long"]
    expect(
        status_of(rec) == 503 and rec["requests"] == 1 and not rec["sleeps"],
        f"{rec['outcome']['call']}: the server asks for an hour, more than max_wait; don't wait less than it "
        "asked (that hammers it), give up: return the 503 at once",
        expected="status 503 after 1 request, no sleep",
        got=summary(rec),
    )
    jittered_success(
        data["no_header"],
        "without a usable Retry-After (missing, or not a number), fall back to full-jitter backoff",
    )
    rec = data["post_503"]
    expect(
        status_of(rec) == 503 and rec["requests"] == 1 and not rec["sleeps"],
        f"{rec['outcome']['call']}: a POST without an Idempotency-Key is sent once, whatever comes back: "
        "a 503 may come from a proxy after the server acted. Return the 503",
        expected="status 503 after 1 request, no sleep",
        got=summary(rec),
    )
    rec = data["put"]
    expect(
        "raised" not in rec["outcome"]
        and status_of(rec) == 200 and rec["requests"] == 2 and len(rec["sleeps"]) == 1 and _close(rec["sleeps"][0], jitter[0]),
        f"{rec['outcome']['call']}: PUT is idempotent (sending it twice leaves the same state), so retry it "
        "like a GET",
        expected=f"status 200 after 2 requests, sleeps [{jitter[0]:.6f}]",
        got=summary(rec),
    )
    rec = data["above_cap"]
    expect(
        status_of(rec) == 200 and rec["requests"] == 2 and rec["sleeps"] == [8],
        f"{rec['outcome']['call']}: wait exactly what the server asked, even above your backoff cap: the cap "
        "bounds your own backoff, max_wait bounds what you accept. Waiting less hammers a server that said when",
        expected="status 200 after 2 requests, sleeps [8.0]",
        got=summary(rec),
    )
    rec = data["nan"]
    expect(
        status_of(rec) == 200 and rec["requests"] == 2 and len(rec["sleeps"]) == 1 and _close(rec["sleeps"][0], jitter[0]),
        f"{rec['outcome']['call']}: float('nan') parses, but NaN is no number of seconds (and max(0, nan) is 0): "
        "treat it as no usable header and fall back to full jitter",
        expected=f"status 200 after 2 requests, sleeps [{jitter[0]:.6f}]",
        got=summary(rec),
    )
    rec = data["always_503"]
    expect(
        status_of(rec) == 503 and rec["requests"] == 3 and rec["sleeps"] == [1, 1],
        f"{rec['outcome']['call']}: when attempts run out, return the last response (the caller decides; "
        "raise_for_status() is one line away), and never sleep after the last attempt",
        expected="status 503 after 3 requests, sleeps [1.0, 1.0]",
        got=summary(rec),
    )


# -- 4.7 tenacity, configured safely ----------------------------------------------------------
def _observe_tenacity(probe: Probe) -> dict[str, Any]:
    safe_retrying = probe.get("safe_retrying")
    out: dict[str, Any] = {}
    for name, errors, label in (
        ("always", 100, "op raises TimeoutError every time"),
        ("twice", 2, "op raises TimeoutError twice, then works"),
        ("missing", -1, "op raises FileNotFoundError"),
        ("interrupt", -2, "op raises KeyboardInterrupt"),
        ("chained", -3, "op raises RuntimeError from TimeoutError twice, then works"),
    ):
        sleeps: list[Any] = []
        calls: list[int] = []

        def sleep(seconds: float, sleeps: list[Any] = sleeps) -> None:
            if len(sleeps) >= _GUARD:
                raise _Runaway(_SLEEPS)
            sleeps.append(_seconds(seconds))

        def op(errors: int = errors, calls: list[int] = calls) -> str:
            calls.append(1)
            if len(calls) > _GUARD:
                raise _Runaway(_CALLS)
            if errors == -1:
                raise FileNotFoundError(2, "No such key", "models/gpt.onnx")
            if errors == -2:
                raise KeyboardInterrupt
            if errors == -3 and len(calls) <= 2:
                message = "fetch failed"
                raise RuntimeError(message) from TimeoutError("read timed out")
            if len(calls) <= errors:
                message = "read timed out"
                raise TimeoutError(message)
            return "RESNET-WEIGHTS"

        made, retrying = probe.catch("safe_retrying(sleep=sleep)", safe_retrying, sleep=sleep)
        if "raised" in made:
            out["make"] = made
            return out
        outcome = probe.call(f"safe_retrying(sleep=sleep)(op)  # {label}", retrying, op)
        out[name] = {"outcome": outcome, "calls": len(calls), "sleeps": sleeps}
    out["make"] = made
    return out


def _judge_tenacity(data: dict[str, Any]) -> None:
    returned(data["make"])
    rec = data["always"]
    outcome = rec["outcome"]
    if "raised" in outcome and str(outcome["raised"]["type"]).endswith("_Runaway"):
        msg = (
            f"{outcome['call']} went on past {_GUARD} attempts: tenacity's default stop is stop_never. "
            "Pass stop=stop_after_attempt(5) | stop_after_delay(30)"
        )
        raise Fail(
            msg,
            expected="5 attempts",
            got=f"{rec['calls']}+ attempts",
        )
    exc = raised(outcome, f"{outcome['call']} should end with an error after 5 attempts")
    expect(
        rec["calls"] == 5,
        f"{outcome['call']} should stop after 5 attempts (stop=stop_after_attempt(5) | stop_after_delay(30))",
        expected="5 calls",
        got=f"{rec['calls']} calls",
    )
    expect(
        _short(exc["type"]) == "TimeoutError",
        f"{outcome['call']} should raise the last TimeoutError itself: tenacity wraps it in RetryError unless "
        "you pass reraise=True",
        expected="TimeoutError",
        got=exc["type"],
    )
    sleeps = rec["sleeps"]
    tops = [_ceiling(k, 0.1, 5.0) for k in range(1, len(sleeps) + 1)]
    expect(
        len(sleeps) == 4 and all(_number(s) and -_TOL <= s <= t + _TOL for s, t in zip(sleeps, tops, strict=True)),
        f"{outcome['call']} should wait full-jitter delays: wait_random_exponential(multiplier=0.1, max=5) "
        "gives a delay in [0, min(5, 0.1 * 2 ** (k - 1))] before retry k",
        expected="4 delays within [0, 0.1], [0, 0.2], [0, 0.4], [0, 0.8]",
        got=show(sleeps),
    )
    expect(
        not all(abs(s - t) <= _TOL for s, t in zip(sleeps, tops, strict=True)),
        f"{outcome['call']} waits the top of each range: that is wait_exponential, with no jitter",
        expected="random delays",
        got=show(sleeps),
    )
    expect(
        len({round(s, 12) for s in sleeps}) > 1 and not all(s == 0 for s in sleeps),
        f"{outcome['call']} waits {show(sleeps[0]) if sleeps else 0} every time: tenacity's default wait is "
        "wait_none(). Pass wait=wait_random_exponential(multiplier=0.1, max=5)",
        expected="4 different random delays",
        got=show(sleeps),
    )
    rec = data["twice"]
    got = returned(rec["outcome"])
    expect(
        got == "RESNET-WEIGHTS" and rec["calls"] == 3,
        f"{rec['outcome']['call']} should return op's value after 3 calls",
        expected="'RESNET-WEIGHTS' after 3 calls",
        got=f"{show(got)} after {rec['calls']} calls",
    )
    rec = data["missing"]
    exc = raised(rec["outcome"], f"{rec['outcome']['call']} should raise the FileNotFoundError")
    expect(
        rec["calls"] == 1 and _short(exc["type"]) == "FileNotFoundError",
        f"{rec['outcome']['call']}: tenacity retries every Exception by default. Pass "
        "retry=retry_if_exception(is_transient) so a missing key fails at once, and reraise=True",
        expected="FileNotFoundError after 1 call",
        got=f"{_short(exc['type'])} after {rec['calls']} calls",
    )
    rec = data["chained"]
    got = rec["outcome"].get("returned", f"{_short(rec['outcome'].get('raised', {}).get('type'))} raised")
    expect(
        got == "RESNET-WEIGHTS" and rec["calls"] == 3,
        f"{rec['outcome']['call']}: retry what is_transient accepts, chains included: "
        "retry=retry_if_exception(is_transient). retry_if_exception_type(...) sees only the outer RuntimeError",
        expected="'RESNET-WEIGHTS' after 3 calls",
        got=f"{show(got)} after {rec['calls']} calls",
    )
    rec = data["interrupt"]
    exc = raised(rec["outcome"], f"{rec['outcome']['call']} should let KeyboardInterrupt through")
    expect(
        rec["calls"] == 1 and _short(exc["type"]) == "KeyboardInterrupt",
        f"{rec['outcome']['call']} should stop at once with KeyboardInterrupt",
        expected="KeyboardInterrupt after 1 call",
        got=f"{_short(exc['type'])} after {rec['calls']} calls",
    )


EXERCISES = (
    Exercise(
        id="4.1",
        lesson=LESSON,
        title="full, equal and decorrelated jitter",
        points=3,
        hints=(
            "The ceiling of retry n is min(cap, base * 2 ** (n - 1)). Full jitter draws anywhere in [0, ceiling]; "
            "equal jitter keeps half and draws the other half: ceiling / 2 + rng.uniform(0, ceiling / 2).",
            "Full and equal jitter: clamp the ceiling first, then draw: rng.uniform(0, min(cap, ...)). Drawing "
            "first and clamping after puts every client exactly at the cap once the exponential passes it. "
            "Decorrelated jitter is the exception: its formula draws, then clamps.",
            "2 ** 1999 is an int too large for a float: cap the exponent (min(n - 1, 1000)) before multiplying. "
            "Decorrelated: min(cap, rng.uniform(base, previous * 3)), one draw per call.",
        ),
        names=("full_jitter", "equal_jitter", "decorrelated_jitter"),
        observe=_observe_jitter,
        judge=_judge_jitter,
        success="all three jitters draw the right delays from the seeded rng, capped, without overflow.",
    ),
    Exercise(
        id="4.2",
        lesson=LESSON,
        title="is_transient: classify before you retry",
        points=2,
        hints=(
            "Timeouts and broken connections are transient: isinstance(exc, (TimeoutError, ConnectionError)). "
            "Missing keys, permissions, quotas and bugs are not.",
            "A wrapper raised `from` a timeout is transient too: walk exc.__cause__ until it is None. "
            "Ignore __context__: it only records what was being handled.",
        ),
        names=("is_transient",),
        observe=_observe_transient,
        judge=_judge_transient,
        success="is_transient tells errors worth retrying from those that never heal.",
    ),
    Exercise(
        id="4.3",
        lesson=LESSON,
        title="retry: a safe synchronous retry helper",
        points=5,
        hints=(
            "Loop `for attempt in range(1, attempts + 1)`; `try: return op()`; `except Exception as exc:`. "
            "Never `except BaseException` or a bare `except:`: KeyboardInterrupt must get through.",
            "Keep a list of 'attempt k/n: Type: message' lines. When you stop (not retryable, last attempt, or "
            "the deadline), add them to exc with exc.add_note(line) and re-raise with a bare `raise`.",
            "decision = retry_on(exc); the delay is decision itself when type(decision) in (int, float) (not "
            "isinstance: True is an int), else rng.uniform(0, min(cap, base * 2 ** (attempt - 1))). If deadline "
            "is not None and clock() + delay > start + deadline, stop now instead of sleeping.",
        ),
        names=("retry",),
        observe=_observe_retry,
        judge=_judge_retry,
        success="retry retries only transient errors, with full jitter, a deadline and the whole story in the notes.",
    ),
    Exercise(
        id="4.4",
        lesson=LESSON,
        title="aretry: the async twin",
        points=3,
        hints=(
            "Same loop as retry, in an `async def`, with `await op()` and `await sleep(delay)`: the sleep "
            "you are given, never time.sleep (it blocks the event loop, and cannot be cancelled).",
            "asyncio.CancelledError is a BaseException, not an Exception: `except Exception` already lets "
            "cancellation through. Don't catch it around the sleep either.",
        ),
        names=("aretry",),
        observe=_observe_aretry,
        judge=_judge_aretry,
        success="aretry awaits the op and the sleep, and a cancelled task stops at once.",
    ),
    Exercise(
        id="4.5",
        lesson=LESSON,
        title="RetryQuota: a token-bucket retry budget",
        points=3,
        hints=(
            "Keep self._available = capacity. acquire(exc): cost = timeout_cost if isinstance(exc, TimeoutError) "
            "else retry_cost; if cost > available return 0; else subtract it and return cost.",
            "release(cost): available = min(capacity, available + (cost or success_refund)).",
        ),
        names=("RetryQuota",),
        observe=_observe_quota,
        judge=_judge_quota,
        success="RetryQuota grants 100 retries from 500 tokens, then says no until successes refill it.",
    ),
    Exercise(
        id="4.6",
        lesson=LESSON,
        title="send_with_retry: Retry-After and idempotency over HTTP",
        points=4,
        hints=(
            "First decide if the request may be repeated at all: its method is GET, HEAD, PUT, DELETE or "
            "OPTIONS, or it carries an Idempotency-Key header. If not, return client.send(request) as it is.",
            "Retry on httpx.TransportError and on status 429, 502, 503, 504; return any other response at once.",
            "Retry-After: try float(response.headers['Retry-After']); if it parses and is >= 0 use it (and if it "
            "is above max_wait, return the response now); otherwise use full jitter like retry.",
        ),
        names=("send_with_retry",),
        observe=_observe_http,
        judge=_judge_http,
        success="send_with_retry honours Retry-After, retries only what may be repeated, and keeps the last error.",
    ),
    Exercise(
        id="4.7",
        lesson=LESSON,
        title="tenacity, configured safely",
        points=2,
        hints=(
            "tenacity.Retrying(...) with four explicit settings: stop, wait, retry and reraise; plus sleep=sleep. "
            "Left out, they default to stop_never, wait_none, retry on every exception, and a RetryError wrapper.",
            "stop=stop_after_attempt(5) | stop_after_delay(30), wait=wait_random_exponential(multiplier=0.1, "
            "max=5), retry=retry_if_exception(is_transient), reraise=True.",
        ),
        names=("safe_retrying", "is_transient"),
        observe=_observe_tenacity,
        judge=_judge_tenacity,
        success="your tenacity policy stops, jitters, classifies and re-raises the original error.",
    ),
)
