"""The logic behind the fault-injection panel, free of any widget code.

:class:`FaultLab` holds the panel's settings (which fault kinds are on, the failure
probability, the seed, added latency) and applies them to one service operation; each
:meth:`FaultLab.run` makes calls and returns what happened, in plain strings. The
ipywidgets view in :mod:`faultlab.widgets` only reads and writes these attributes.
"""

from __future__ import annotations

import errno
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from faultlab._errors import FaultPlanError
from faultlab.world import Service

__all__ = ["FAULT_KINDS", "FaultLab", "Outcome"]


#: The fault kinds a panel offers: name → the exception each failure raises (a fresh copy).
FAULT_KINDS: dict[str, BaseException] = {
    "timeout": TimeoutError("read timed out"),
    "connection reset": ConnectionResetError(errno.ECONNRESET, "Connection reset by peer"),
    "connection refused": ConnectionRefusedError(errno.ECONNREFUSED, "Connection refused"),
    "disk full": OSError(errno.ENOSPC, "No space left on device"),
    "quota exceeded": OSError(errno.EDQUOT, "Disk quota exceeded"),
}


@dataclass(frozen=True)
class Outcome:
    """One call made from the panel."""

    __module__ = "faultlab.labs"

    number: int
    time: float
    result: str  # "ok" or the exception type
    detail: str

    def line(self) -> str:
        """A fixed-width line for the panel's log."""
        what = f"ok   {self.detail}" if self.result == "ok" else f"ERR  {self.result}: {self.detail}"
        return f"#{self.number:<3} t={self.time:7.2f}s  {what}"


@dataclass
class FaultLab:
    """Settings of a fault-injection panel for one operation of one service.

    Args:
        service: The simulated service whose fault plan the panel drives.
        operation: The operation name (one of ``service.operations``).
        call: Makes one call of that operation (for instance a lambda around
            ``store.get_object("models", "resnet.onnx")``); may be the learner's own
            function, so the panel shows *their* error handling at work.
        describe: Turns a failure into its log line's text (``str`` when unset); pass
            :func:`faultlab.format_chain_oneline` to watch the whole chain change.
    """

    __module__ = "faultlab.labs"

    service: Service
    operation: str
    call: Callable[[], Any]
    kinds: set[str] = field(default_factory=set)
    probability: float = 0.3
    seed: int = 0
    latency: float = 0.0
    outcomes: list[Outcome] = field(default_factory=list)
    describe: Callable[[BaseException], str] | None = None

    def __post_init__(self) -> None:
        if self.operation not in self.service.operations:
            msg = (
                f"{self.service.name} has no operation {self.operation!r}; it has: {', '.join(self.service.operations)}"
            )
            raise FaultPlanError(msg)

    def toggle(self, kind: str, on: bool) -> None:
        """Switch one fault kind on or off.

        Raises:
            FaultPlanError: For a kind not in :data:`FAULT_KINDS`.
        """
        if kind not in FAULT_KINDS:
            msg = f"unknown fault kind {kind!r}; choose from: {', '.join(FAULT_KINDS)}"
            raise FaultPlanError(msg)
        (self.kinds.add if on else self.kinds.discard)(kind)

    def apply(self) -> list[str]:
        """Replace the operation's fault rules with the current settings; describe them.

        Each enabled kind fails with the panel's probability, from its own seed derived
        from the panel's seed and the kind's name, so the same settings always give the
        same run, and switching one kind on does not change when another one fires.
        """
        plan = self.service.faults
        plan.rules = [r for r in plan.rules if r.operation != self.operation]
        for kind in sorted(self.kinds):
            seed = random.Random(f"{self.seed}:{kind}").randrange(2**32)
            plan.fail_with_probability(self.operation, self.probability, FAULT_KINDS[kind], seed=seed)
        if self.latency:
            plan.add_latency(self.operation, self.latency)
        return [r.describe() for r in plan.rules if r.operation == self.operation]

    def run(self, count: int = 10) -> list[Outcome]:
        """Apply the settings, make ``count`` calls, and return their outcomes.

        Raises:
            FaultPlanError: If ``count`` is not between 1 and 1000.
        """
        if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= 1000:
            msg = f"count must be between 1 and 1000, got {count!r}"
            raise FaultPlanError(msg)
        self.apply()
        new = []
        for _ in range(count):
            number = len(self.outcomes) + 1
            try:
                value = self.call()
            except Exception as exc:  # noqa: BLE001 - showing every failure is the panel's job
                detail = str(exc) if self.describe is None else self.describe(exc)
                outcome = Outcome(number, self.service.clock.now(), type(exc).__name__, detail)
            else:
                outcome = Outcome(number, self.service.clock.now(), "ok", _short(value))
            self.outcomes.append(outcome)
            new.append(outcome)
        return new

    def summary(self) -> dict[str, int]:
        """Count outcomes by result, sorted by result name."""
        counts: dict[str, int] = {}
        for o in self.outcomes:
            counts[o.result] = counts.get(o.result, 0) + 1
        return dict(sorted(counts.items()))

    def reset(self) -> None:
        """Forget past outcomes and remove this operation's fault rules."""
        self.outcomes.clear()
        self.service.faults.rules = [r for r in self.service.faults.rules if r.operation != self.operation]


def _short(value: object) -> str:
    if isinstance(value, bytes):
        return f"{len(value)} bytes"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
