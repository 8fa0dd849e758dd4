"""Fault plans are deterministic and refuse nonsense."""

from __future__ import annotations

import pytest

from faultlab import FaultPlanError, VirtualClock, World


def _outcomes(world: World, n: int) -> list[str]:
    out = []
    for _ in range(n):
        try:
            world.store.get_object("models", "resnet.onnx")
            out.append("ok")
        except OSError as exc:
            out.append(type(exc).__name__)
    return out


def test_fail_next_fails_exactly_n_calls() -> None:
    """fail_next(N) fails the next N calls with fresh exceptions, then stops."""
    world = World.demo()
    world.store.faults.fail_next("get_object", 2, TimeoutError("slow"))
    assert _outcomes(world, 4) == ["TimeoutError", "TimeoutError", "ok", "ok"]
    assert world.store.faults.rules == []


def test_injected_exceptions_are_fresh_copies() -> None:
    """Each failure raises a new exception object, so tracebacks don't pile up."""
    world = World.demo()
    world.store.faults.fail_next("get_object", 2, TimeoutError("slow"))
    seen = []
    for _ in range(2):
        with pytest.raises(TimeoutError) as info:
            world.store.get_object("models", "resnet.onnx")
        seen.append(info.value)
    assert seen[0] is not seen[1]
    assert str(seen[0]) == str(seen[1]) == "slow"


def test_same_seed_same_run() -> None:
    """Probabilistic faults replay exactly under the same seed, and differ under another."""
    runs = []
    for seed in (7, 7, 8):
        world = World.demo()
        world.store.faults.fail_with_probability("get_object", 0.5, ConnectionResetError, seed=seed)
        runs.append(_outcomes(world, 40))
    assert runs[0] == runs[1]
    assert runs[0] != runs[2]
    assert 5 < runs[0].count("ConnectionResetError") < 35


def test_latency_and_timeout() -> None:
    """Latency costs virtual time; a call slower than its timeout raises TimeoutError at the timeout."""
    world = World.demo()
    world.store.faults.add_latency("get_object", 2.0)
    world.store.get_object("models", "resnet.onnx")
    assert world.clock.now() == 2.0
    with pytest.raises(TimeoutError, match="timed out after 1s"):
        world.store.get_object("models", "resnet.onnx", timeout=1.0)
    assert world.clock.now() == 3.0


def test_fail_between_uses_virtual_time() -> None:
    """A window fault fails calls only while start <= now < end."""
    world = World.demo()
    world.store.faults.fail_between("get_object", 5.0, 10.0, ConnectionRefusedError)
    assert _outcomes(world, 1) == ["ok"]
    world.clock.advance(5)
    assert _outcomes(world, 1) == ["ConnectionRefusedError"]
    world.clock.advance(5)
    assert _outcomes(world, 1) == ["ok"]


def test_factory_errors() -> None:
    """A factory is called per failure; one that returns a non-exception is a FaultPlanError."""
    world = World.demo()
    world.store.faults.fail_next("get_object", 1, lambda: TimeoutError("from factory"))
    with pytest.raises(TimeoutError, match="from factory"):
        world.store.get_object("models", "resnet.onnx")
    world.store.faults.fail_next("get_object", 1, lambda: "not an exception")
    with pytest.raises(FaultPlanError, match=r"returned str, not an exception"):
        world.store.get_object("models", "resnet.onnx")


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda p: p.fail_next("get_objekt", 1, TimeoutError), "unknown operation 'get_objekt'"),
        (lambda p: p.fail_next("get_object", 0, TimeoutError), "at least 1"),
        (lambda p: p.fail_next("get_object", 1, "boom"), "exception class"),
        (lambda p: p.fail_with_probability("get_object", 1.5, TimeoutError, seed=1), "between 0 and 1"),
        (lambda p: p.add_latency("get_object", -1), "non-negative"),
        (lambda p: p.fail_between("get_object", 5, 5, TimeoutError), "start < end"),
    ],
)
def test_bad_rules_are_refused(call, message: str) -> None:  # type: ignore[no-untyped-def]
    """Nonsense rules raise FaultPlanError with a message naming the problem."""
    world = World.demo()
    with pytest.raises(FaultPlanError, match=message):
        call(world.store.faults)


def test_rule_descriptions_are_stable() -> None:
    """describe() gives a deterministic one-line summary of each rule."""
    plan = World.demo().store.faults
    rules = [
        plan.fail_next("get_object", 2, TimeoutError),
        plan.fail_with_probability("put_object", 0.25, ConnectionResetError("x"), seed=3),
        plan.add_latency("get_object", 0.5),
        plan.fail_between("list_objects", 1, 2, PermissionError),
    ]
    assert [r.describe() for r in rules] == [
        "get_object: fail the next 2 call(s) with TimeoutError",
        "put_object: fail with p=0.25 (seed 3) with ConnectionResetError",
        "get_object: add 0.5s latency",
        "list_objects: fail with PermissionError while 1s <= t < 2s",
    ]
    assert VirtualClock().now() == 0
