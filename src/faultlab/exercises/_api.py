"""The notebook's functions: ``check``, ``hint`` and ``progress``."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from faultlab._errors import UnknownExerciseError
from faultlab.exercises._registry import exercises, get_exercise
from faultlab.exercises._run import judge_exercise, observe_exercise, run_check
from faultlab.exercises._verdict import ICONS, Hint, Verdict

__all__ = ["Progress", "check", "hint", "progress"]


class _Message:
    """A plain message a notebook shows as text (for misuse, instead of a traceback)."""

    def __init__(self, text: str) -> None:
        self._text = text

    def __repr__(self) -> str:
        return self._text


def check(exercise_id: str, namespace: Mapping[str, Any] | None = None) -> Verdict | _Message:
    """Check an exercise against the definitions in the calling notebook.

    The learner's definitions are read from ``namespace`` when given, otherwise from
    the globals of the caller (the notebook). An unknown id returns a message listing
    the valid ids rather than raising, so a notebook never shows faultlab's traceback.
    """
    if namespace is None:
        namespace = sys._getframe(1).f_globals
    if not isinstance(namespace, Mapping):
        return _Message(f"! check() takes a dict of your definitions, got {type(namespace).__name__}")
    try:
        return run_check(exercise_id, namespace)
    except UnknownExerciseError as exc:
        return _Message(f"! {exc}")


@dataclass(frozen=True)
class Progress:
    """Verdicts of every exercise of some lessons, shown as a table."""

    __module__ = "faultlab.exercises"

    verdicts: tuple[Verdict, ...]

    @property
    def score(self) -> tuple[int, int]:
        """``(points earned, points available)``."""
        return sum(v.points for v in self.verdicts), sum(v.max_points for v in self.verdicts)

    def __repr__(self) -> str:
        registry = exercises()
        rows = [
            f"{ICONS.get(v.status, '!')} {v.exercise_id:>5}  {v.points}/{v.max_points}  "
            f"{v.status.replace('_', ' '):<13}  {registry[v.exercise_id].title}"
            for v in self.verdicts
        ]
        got, total = self.score
        return "\n".join([*rows, f"score: {got}/{total}"])


def progress(lesson: str | None = None, namespace: Mapping[str, Any] | None = None) -> Progress | _Message:
    """Check every exercise of a lesson (``"01"`` or ``"01_typed_errors"``) and tabulate.

    Without ``lesson``, every lesson with at least one of its exercise names defined in
    the notebook is included. Definitions are read as :func:`check` reads them.
    """
    if namespace is None:
        namespace = sys._getframe(1).f_globals
    if not isinstance(namespace, Mapping):
        return _Message(f"! progress() takes a dict of your definitions, got {type(namespace).__name__}")
    registry = exercises().values()
    if lesson is None:
        lessons = {ex.lesson for ex in registry if any(n in namespace for n in ex.names)}
    else:
        lessons = {ex.lesson for ex in registry if ex.lesson.split("_")[0] == str(lesson).split("_")[0]}
        if not lessons:
            known = ", ".join(sorted({ex.lesson for ex in registry}))
            return _Message(f"! no lesson {lesson!r}; lessons with exercises: {known}")
    chosen = [ex for ex in registry if ex.lesson in lessons]
    return Progress(tuple(judge_exercise(ex, observe_exercise(ex, namespace)) for ex in chosen))


#: Set to 1 (by the instructor: in the JupyterHub spawner's environment, a shell profile, or
#: the kernel's env) to show only each exercise's gentlest hint, never the later ones that
#: spell out the answer.
CLASSROOM_ENV = "FAULTLAB_CLASSROOM"


def classroom_mode() -> bool:
    """Whether hints are limited to the gentlest one (``FAULTLAB_CLASSROOM=1``)."""
    return os.environ.get(CLASSROOM_ENV, "").strip().lower() in {"1", "true", "yes", "on"}


def hint(exercise_id: str, number: int = 1) -> Hint | _Message:
    """Return hint ``number`` (1 = gentlest) of an exercise.

    Unknown ids and out-of-range numbers return a message saying what is valid. In classroom
    mode (``FAULTLAB_CLASSROOM=1``) only the first hint is given.
    """
    try:
        exercise = get_exercise(exercise_id)
    except UnknownExerciseError as exc:
        return _Message(f"! {exc}")
    total = len(exercise.hints)
    if isinstance(number, bool) or not isinstance(number, int) or not 1 <= number <= total:
        return _Message(f"! exercise {exercise_id} has hints 1 to {total}; got {number!r}.")
    if classroom_mode():
        if number > 1:
            return _Message(f"! in this classroom only the first hint is shown: ask your instructor about {exercise_id}.")
        return Hint(exercise_id, 1, 1, exercise.hints[0])
    return Hint(exercise_id, number, total, exercise.hints[number - 1])
