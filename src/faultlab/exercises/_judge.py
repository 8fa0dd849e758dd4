"""The *judge* half of a check: pure functions from observations to a verdict.

A judge reads only plain data (see :mod:`faultlab.exercises._observe`). It raises
:class:`Fail` at the first expectation that does not hold, or :class:`LearnerRaised`
when the learner's code raised where a value was expected.
"""

from __future__ import annotations

from typing import Any

import builtins

__all__ = ["Fail", "LearnerRaised", "expect", "is_a", "mro_index", "raised", "returned", "show"]


class Fail(Exception):
    """An expectation that does not hold, with what was expected and what was got."""

    __module__ = "faultlab.exercises"

    def __init__(self, expectation: str, expected: str | None = None, got: str | None = None) -> None:
        super().__init__(expectation, expected, got)
        self.expectation = expectation
        self.expected = expected
        self.got = got


class LearnerRaised(Exception):
    """The learner's code raised where the check expected a value."""

    __module__ = "faultlab.exercises"

    def __init__(self, call: str, exc: dict[str, Any]) -> None:
        super().__init__(call, exc)
        self.call = call
        self.exc = exc


def show(value: Any) -> str:
    """Render an observed value for a message."""
    if isinstance(value, dict) and set(value) == {"repr", "type"}:
        return str(value["repr"])
    if isinstance(value, dict) and set(value) == {"bytes"}:
        return str(value["bytes"])
    return repr(value)


def exc_line(exc: dict[str, Any]) -> str:
    """``Type: message`` of an observed exception."""
    message = exc.get("str")
    text = message if isinstance(message, str) else show(message)
    return f"{exc.get('type')}: {text}" if text else str(exc.get("type"))


def expect(condition: bool, expectation: str, *, expected: Any = None, got: Any = None) -> None:
    """Fail with ``expectation`` unless ``condition`` holds.

    Raises:
        Fail: If ``condition`` is false.
    """
    if not condition:
        raise Fail(
            expectation,
            None if expected is None else (expected if isinstance(expected, str) else show(expected)),
            None if got is None else (got if isinstance(got, str) else show(got)),
        )


def returned(outcome: dict[str, Any]) -> Any:
    """Return the value of an observed call that should have returned.

    Raises:
        LearnerRaised: If the call raised instead.
    """
    if "raised" in outcome:
        raise LearnerRaised(outcome["call"], outcome["raised"])
    return outcome["returned"]


def raised(outcome: dict[str, Any], expectation: str) -> dict[str, Any]:
    """Return the exception of an observed call that should have raised.

    Raises:
        Fail: If the call returned instead.
    """
    if "raised" not in outcome:
        raise Fail(expectation, "an exception", f"{outcome['call']} returned {show(outcome['returned'])}")
    exc: dict[str, Any] = outcome["raised"]
    return exc


def _builtin(type_name: str) -> bool:
    return isinstance(getattr(builtins, type_name, None), type)


def mro_index(exc: dict[str, Any], type_name: str) -> int:
    """Where ``type_name`` sits in the observed MRO, or -1.

    A built-in name must match exactly. A learner's class matches by its name alone, so
    ``storage_errors.NotFound`` (defined in a helper module) is a ``NotFound``.
    """
    mro = exc.get("mro", [])
    if not isinstance(mro, list):
        return -1
    for i, entry in enumerate(mro):
        if not isinstance(entry, str):
            continue
        if entry == type_name or (not _builtin(type_name) and "." in entry and entry.rsplit(".", 1)[-1] == type_name):
            return i
    return -1


def is_a(exc: dict[str, Any], type_name: str) -> bool:
    """Whether the observed exception's MRO includes ``type_name`` (see :func:`mro_index`)."""
    return mro_index(exc, type_name) >= 0
