"""The base of every simulated service: a fault plan, a clock, and a log of calls."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from faultlab.world._clock import VirtualClock
from faultlab.world._faults import FaultPlan

__all__ = ["Call", "Service"]

T = TypeVar("T")


@dataclass(frozen=True)
class Call:
    """One call a service received: when, what, and how it ended."""

    __module__ = "faultlab.world"

    time: float
    operation: str
    target: str
    outcome: str  # "ok" or the exception's type name
    detail: str  # the returned summary or ``str(exception)``


class Service:
    """Base of every simulated service: a fault plan, a clock and a call log.

    Args:
        name: The service's name, used in messages.
        clock: The virtual clock it reads and advances.
        operations: The operation names its fault plan accepts.
    """

    __module__ = "faultlab.world"
    operations: tuple[str, ...] = ()

    def __init__(self, name: str, clock: VirtualClock) -> None:
        self.name = name
        self.clock = clock
        self.faults = FaultPlan(self.operations)
        self.calls: list[Call] = []

    def _run(self, operation: str, target: str, timeout: float | None, body: Callable[[], T]) -> T:
        """Run one call: latency, injected faults, then ``body``; log the outcome.

        Raises:
            BaseException: Whatever the fault plan injects or ``body`` raises.
        """
        try:
            latency = self.faults.latency(operation)
            if timeout is not None and latency > timeout:
                self.clock.advance(timeout)
                msg = f"{self.name}.{operation}({target}) timed out after {timeout:g}s"
                raise TimeoutError(msg)
            self.clock.advance(latency)
            injected = self.faults.before_call(operation, self.clock)
            if injected is not None:
                raise injected
            result = body()
        except BaseException as exc:
            self.calls.append(Call(self.clock.now(), operation, target, type(exc).__name__, str(exc)))
            raise
        self.calls.append(Call(self.clock.now(), operation, target, "ok", _summary(result)))
        return result


def _summary(value: object) -> str:
    if isinstance(value, bytes):
        return f"{len(value)} bytes"
    if value is None:
        return "done"
    return repr(value)
