"""Collect every lesson's right and known-wrong answers from tests/right/ and tests/wrong/.

Each lesson keeps ``tests/right/lNN_slug.py`` with ``RIGHT = {"N.M": [(why, source), ...]}``
(correct answers written differently from the solution: another library, a class instead of a
function, another valid formula) and ``tests/wrong/lNN_slug.py`` with
``WRONG = {"N.M": [(why, source, expected_status), ...]}`` (each aimed at one boundary). A
source is what a learner would type in the exercise's cell: it runs right after the solution
cell, replacing the learner's definitions. Modules are found without a list to edit.
"""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path
from typing import Any

from faultlab.exercises import exercises

HERE = Path(__file__).parent


def _collect(package: str, attribute: str) -> dict[str, list[Any]]:
    found: dict[str, list[Any]] = {}
    for info in sorted(pkgutil.iter_modules([str(HERE / package)]), key=lambda i: i.name):
        module = importlib.import_module(f"tests.{package}.{info.name}")
        for exercise_id, cases in getattr(module, attribute).items():
            found.setdefault(exercise_id, []).extend(cases)
    return found


RIGHT: dict[str, list[tuple[str, str]]] = _collect("right", "RIGHT")
WRONG: dict[str, list[tuple[str, str, str]]] = _collect("wrong", "WRONG")


def solution_of(exercise_id: str) -> str:
    """The exercise whose solution region (and cell) answers to ``exercise_id`` belong to.

    Its own, except where several exercises grade one solution (lesson 08's schedules all
    grade ``deploy``): then the first exercise of the lesson that reads the same names.
    """
    registry = exercises()
    ex = registry[exercise_id]
    return next(e.id for e in registry.values() if e.lesson == ex.lesson and e.names == ex.names)
