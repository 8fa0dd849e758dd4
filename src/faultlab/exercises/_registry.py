"""The registry: every lesson's exercises, collected from :mod:`faultlab.exercises.lessons`.

Each module ``lessons/lNN_slug.py`` declares an ``EXERCISES`` tuple; the registry finds
the modules itself (no list to edit), in file-name order, which is course order. Tests
enforce unique ids, non-empty hints and one solution region per id.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

from faultlab._errors import UnknownExerciseError
from faultlab.exercises import lessons
from faultlab.exercises._exercise import Exercise

__all__ = ["exercises", "get_exercise"]


@cache
def _registry() -> dict[str, Exercise]:
    found: dict[str, Exercise] = {}
    for info in sorted(pkgutil.iter_modules(lessons.__path__), key=lambda i: i.name):
        module = importlib.import_module(f"{lessons.__name__}.{info.name}")
        for ex in module.EXERCISES:
            if ex.id in found:
                msg = f"exercise {ex.id} is declared twice ({found[ex.id].lesson} and {ex.lesson})"
                raise RuntimeError(msg)
            found[ex.id] = ex
    return found


def exercises() -> dict[str, Exercise]:
    """Return every registered exercise, by id, in course order.

    Raises:
        RuntimeError: If two lesson modules declare the same id (a bug in the course).
    """
    return _registry()


def get_exercise(exercise_id: str) -> Exercise:
    """Return one exercise.

    Raises:
        UnknownExerciseError: If no exercise has that id (the message lists the valid ids).
    """
    registry = exercises()
    if not isinstance(exercise_id, str) or exercise_id not in registry:
        raise UnknownExerciseError(str(exercise_id), tuple(registry))
    return registry[exercise_id]
