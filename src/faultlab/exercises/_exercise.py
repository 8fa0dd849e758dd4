"""An exercise, declared once: id, title, points, hints, and its observe and judge halves."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from faultlab.exercises._observe import Probe

__all__ = ["STATUSES", "Exercise", "Judge", "Observer"]

#: Every status a verdict can have. The grader adds the last three.
STATUSES = ("passed", "incorrect", "not_attempted", "error", "timeout", "crashed", "invalid")

Observer = Callable[[Probe], dict[str, Any]]
Judge = Callable[[dict[str, Any]], None]


@dataclass(frozen=True)
class Exercise:
    """One exercise, declared once.

    Attributes:
        id: ``"N.M"``: lesson number and exercise number.
        lesson: The notebook stem, e.g. ``"01_typed_errors"``.
        title: A short imperative title.
        points: What a pass is worth.
        hints: Progressive hints, gentlest first; at least one.
        names: The learner definitions the check reads.
        observe: Runs the learner's code through a :class:`Probe`; returns plain data.
        judge: Raises :class:`~faultlab.exercises._judge.Fail` at the first unmet expectation.
        forbidden: faultlab reference functions an answer must not call.
        success: What a pass means, shown to the learner.
    """

    __module__ = "faultlab.exercises"

    id: str
    lesson: str
    title: str
    points: int
    hints: tuple[str, ...]
    names: tuple[str, ...]
    observe: Observer = field(repr=False)
    judge: Judge = field(repr=False)
    forbidden: tuple[str, ...] = ()
    success: str = ""
