"""The virtual clock."""

from __future__ import annotations

import asyncio

import pytest

from faultlab import ClockError, VirtualClock


def test_sleep_advances_time_and_records_it() -> None:
    """sleep() moves virtual time forward at once and keeps the requested durations."""
    clock = VirtualClock()
    clock.sleep(1.5)
    clock.sleep(0)
    assert clock.now() == 1.5
    assert clock.sleeps == [1.5, 0.0]


def test_async_sleep_advances_time() -> None:
    """asleep() is the async twin of sleep()."""
    clock = VirtualClock(start=10)

    async def main() -> None:
        await clock.asleep(2)
        await clock.asleep(3)

    asyncio.run(main())
    assert clock.now() == 15
    assert clock.sleeps == [2, 3]


@pytest.mark.parametrize("bad", [-1, float("nan"), float("inf"), "1", None, True])
def test_bad_durations_are_refused(bad: object) -> None:
    """Negative, non-finite and non-numeric sleeps raise ClockError, a ValueError, naming the value."""
    clock = VirtualClock()
    with pytest.raises(ClockError, match="sleep") as info:
        clock.sleep(bad)  # type: ignore[arg-type]
    assert isinstance(info.value, ValueError)
    assert clock.now() == 0
    assert clock.sleeps == []


def test_advance_does_not_count_as_sleep() -> None:
    """advance() (service latency) moves time without recording a sleep."""
    clock = VirtualClock()
    clock.advance(4)
    assert clock.now() == 4
    assert clock.sleeps == []
    with pytest.raises(ClockError):
        clock.advance(-0.1)


def test_monotonic_is_now() -> None:
    """monotonic() reads the same virtual time as now()."""
    clock = VirtualClock(start=3)
    assert clock.monotonic() == clock.now() == 3
