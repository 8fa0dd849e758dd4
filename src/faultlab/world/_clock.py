"""A virtual clock: sleeping advances time instantly, so backoff runs in microseconds."""

from __future__ import annotations

import asyncio
import math

from faultlab._errors import ClockError

__all__ = ["VirtualClock"]


class VirtualClock:
    """Virtual time in seconds, starting at ``start``.

    ``sleep`` and ``asleep`` return at once and move the clock forward; every sleep
    requested is kept in ``sleeps`` so a test or a check can read the backoff schedule.
    Pass ``clock.sleep`` / ``clock.now`` wherever code would use ``time.sleep`` /
    ``time.monotonic``.

    Args:
        start: The initial time.

    Raises:
        ClockError: If ``start`` is negative or not finite.
    """

    __module__ = "faultlab"

    def __init__(self, start: float = 0.0) -> None:
        _check_duration(start, "start")
        self._now = float(start)
        self.sleeps: list[float] = []

    def __repr__(self) -> str:
        return f"VirtualClock(now={self._now:g})"

    def now(self) -> float:
        """Return the current virtual time in seconds."""
        return self._now

    # ``time.monotonic`` is the usual name for the clock retry code should read.
    monotonic = now

    def advance(self, seconds: float) -> None:
        """Move time forward without recording a sleep (service latency, for instance).

        Raises:
            ClockError: If ``seconds`` is negative or not finite.
        """
        _check_duration(seconds, "advance")
        self._now += seconds

    def sleep(self, seconds: float) -> None:
        """Sleep ``seconds`` of virtual time: record it and advance at once.

        Raises:
            ClockError: If ``seconds`` is negative or not finite.
        """
        _check_duration(seconds, "sleep")
        self.sleeps.append(float(seconds))
        self._now += seconds

    async def asleep(self, seconds: float) -> None:
        """Async twin of :meth:`sleep`; yields to the event loop once, like ``asyncio.sleep(0)``.

        Raises:
            ClockError: If ``seconds`` is negative or not finite.
        """
        self.sleep(seconds)
        await asyncio.sleep(0)


def _check_duration(seconds: float, what: str) -> None:
    if isinstance(seconds, bool) or not isinstance(seconds, int | float):
        msg = f"{what}() needs a number of seconds, got {type(seconds).__name__} {seconds!r}"
        raise ClockError(msg)
    if not math.isfinite(seconds) or seconds < 0:
        msg = f"{what}() needs a finite, non-negative number of seconds, got {seconds!r}"
        raise ClockError(msg)
