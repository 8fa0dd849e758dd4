"""Deterministic fault plans: which call of which operation fails, and how.

A :class:`FaultPlan` holds rules per operation name. A service asks the plan before
each call (:meth:`FaultPlan.before_call`); the plan may add latency and may hand back
an exception to raise. Probabilistic rules draw from their own ``random.Random(seed)``,
so the same plan produces the same run every time.
"""

from __future__ import annotations

import copy
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from faultlab._errors import FaultPlanError
from faultlab.world._clock import VirtualClock

__all__ = ["ExceptionSpec", "FaultPlan", "FaultRule"]

#: An exception class, an exception instance (copied for each failure) or a zero-argument
#: factory that returns a fresh exception.
ExceptionSpec = type[BaseException] | BaseException | Callable[[], BaseException]


def _make(spec: ExceptionSpec) -> BaseException:
    if isinstance(spec, BaseException):
        return copy.copy(spec)
    made = spec()
    if not isinstance(made, BaseException):
        msg = f"fault factory returned {type(made).__name__}, not an exception"
        raise FaultPlanError(msg)
    return made


def _check_spec(spec: object) -> ExceptionSpec:
    if isinstance(spec, BaseException):
        return spec
    if isinstance(spec, type) and issubclass(spec, BaseException):
        return spec
    if callable(spec):
        return spec  # any callable; its result is checked when it is called
    msg = f"a fault needs an exception class, an exception instance or a factory, got {type(spec).__name__} {spec!r}"
    raise FaultPlanError(msg)


@dataclass
class FaultRule:
    """One rule of a plan; build rules with the :class:`FaultPlan` methods."""

    kind: str
    operation: str
    error: ExceptionSpec | None = None
    remaining: int | None = None
    probability: float = 0.0
    seed: int | None = None
    latency: float = 0.0
    start: float = 0.0
    end: float = 0.0
    rng: random.Random | None = field(default=None, repr=False)

    def describe(self) -> str:
        """Return a one-line, deterministic description of the rule."""
        err = _spec_name(self.error)
        if self.kind == "fail_next":
            return f"{self.operation}: fail the next {self.remaining} call(s) with {err}"
        if self.kind == "fail_probability":
            return f"{self.operation}: fail with p={self.probability:g} (seed {self.seed}) with {err}"
        if self.kind == "latency":
            return f"{self.operation}: add {self.latency:g}s latency"
        return f"{self.operation}: fail with {err} while {self.start:g}s <= t < {self.end:g}s"


def _spec_name(spec: ExceptionSpec | None) -> str:
    if spec is None:
        return "-"
    if isinstance(spec, BaseException):
        return type(spec).__name__
    if isinstance(spec, type):
        return spec.__name__
    return getattr(spec, "__name__", "factory")


class FaultPlan:
    """The faults to inject into one service, per operation.

    Args:
        operations: The operation names the service has; rules for any other name
            are refused, so a typo cannot silently inject nothing.

    Example::

        plan.fail_next("get_object", 2, TimeoutError("read timed out"))
        plan.fail_with_probability("put_object", 0.2, ConnectionResetError, seed=7)
        plan.add_latency("get_object", 0.25)
        plan.fail_between("get_object", 10.0, 20.0, ConnectionRefusedError)
    """

    __module__ = "faultlab"

    def __init__(self, operations: tuple[str, ...]) -> None:
        self.operations = operations
        self.rules: list[FaultRule] = []

    def __repr__(self) -> str:
        return f"FaultPlan({len(self.rules)} rule(s))"

    def _op(self, operation: str) -> str:
        if operation not in self.operations:
            msg = f"unknown operation {operation!r}; this service has: {', '.join(self.operations)}"
            raise FaultPlanError(msg)
        return operation

    def fail_next(self, operation: str, count: int, error: ExceptionSpec) -> FaultRule:
        """Fail the next ``count`` calls of ``operation`` with ``error``.

        Raises:
            FaultPlanError: Unknown operation, a count below 1, or a bad ``error``.
        """
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            msg = f"fail_next() needs a count of at least 1, got {count!r}"
            raise FaultPlanError(msg)
        return self._add(FaultRule("fail_next", self._op(operation), _check_spec(error), remaining=count))

    def fail_with_probability(
        self, operation: str, probability: float, error: ExceptionSpec, *, seed: int
    ) -> FaultRule:
        """Fail each call of ``operation`` with probability ``probability``, drawn from ``seed``.

        Raises:
            FaultPlanError: Unknown operation, a probability outside [0, 1], or a bad ``error``.
        """
        if not isinstance(probability, int | float) or not 0.0 <= probability <= 1.0:
            msg = f"probability must be between 0 and 1, got {probability!r}"
            raise FaultPlanError(msg)
        rule = FaultRule(
            "fail_probability",
            self._op(operation),
            _check_spec(error),
            probability=float(probability),
            seed=seed,
            rng=random.Random(seed),
        )
        return self._add(rule)

    def add_latency(self, operation: str, seconds: float) -> FaultRule:
        """Make every call of ``operation`` take ``seconds`` longer (virtual time).

        Raises:
            FaultPlanError: Unknown operation or a negative latency.
        """
        if not isinstance(seconds, int | float) or seconds < 0:
            msg = f"latency must be a non-negative number of seconds, got {seconds!r}"
            raise FaultPlanError(msg)
        return self._add(FaultRule("latency", self._op(operation), latency=float(seconds)))

    def fail_between(self, operation: str, start: float, end: float, error: ExceptionSpec) -> FaultRule:
        """Fail every call of ``operation`` made while ``start <= now < end``.

        Raises:
            FaultPlanError: Unknown operation, ``end <= start``, or a bad ``error``.
        """
        if not end > start:
            msg = f"fail_between() needs start < end, got {start!r} and {end!r}"
            raise FaultPlanError(msg)
        rule = FaultRule("fail_window", self._op(operation), _check_spec(error), start=start, end=end)
        return self._add(rule)

    def clear(self) -> None:
        """Remove every rule."""
        self.rules.clear()

    def _add(self, rule: FaultRule) -> FaultRule:
        self.rules.append(rule)
        return rule

    def latency(self, operation: str) -> float:
        """Return the total injected latency of one call of ``operation``."""
        return sum(r.latency for r in self.rules if r.kind == "latency" and r.operation == operation)

    def before_call(self, operation: str, clock: VirtualClock) -> BaseException | None:
        """Consult the plan for one call: return the exception to raise, if any.

        Every probabilistic rule for the operation draws once per call whatever the
        other rules decide, so adding a ``fail_next`` rule does not shift the random
        sequence of another rule.
        """
        chosen: BaseException | None = None
        for rule in self.rules:
            if rule.operation != operation or rule.kind == "latency":
                continue
            fires = False
            if rule.kind == "fail_probability":
                fires = rule.rng is not None and rule.rng.random() < rule.probability
            elif rule.kind == "fail_window":
                fires = rule.start <= clock.now() < rule.end
            elif rule.kind == "fail_next" and chosen is None and rule.remaining:
                rule.remaining -= 1
                fires = True
            if fires and chosen is None and rule.error is not None:
                chosen = _make(rule.error)
        self.rules = [r for r in self.rules if not (r.kind == "fail_next" and r.remaining == 0)]
        return chosen
