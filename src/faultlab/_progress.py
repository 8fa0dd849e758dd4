"""``progress()``, the notebook's score table: one lesson from the notebook's own definitions,
or the whole course from the exercise notebooks as saved."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from faultlab._errors import GradingError
from faultlab.exercises import Progress
from faultlab.exercises import progress as _lesson_progress
from faultlab.exercises._api import _Message

__all__ = ["progress"]


def progress(
    lesson: str | None = None,
    namespace: Mapping[str, Any] | None = None,
    *,
    course: bool | str | Path = False,
) -> Any:
    """Tabulate verdicts: of one lesson (``progress("01")``), or of the whole course.

    ``progress("01")`` re-checks every exercise of lesson 01 against the notebook's current
    definitions. ``progress(course=True)`` grades every exercise notebook in the notebook's
    folder (``course="path"`` for another folder) as saved on disk, in the grader's sandbox,
    and names the first exercise not yet passed. Misuse returns a message, never a traceback.
    """
    if course is not False:
        from faultlab.grader import course_progress

        folder = Path.cwd() if course is True else Path(course)
        try:
            return course_progress(folder)
        except GradingError as exc:
            return _Message(f"! {exc}")
    if namespace is None:
        namespace = sys._getframe(1).f_globals
    shown: Progress | _Message = _lesson_progress(lesson, namespace)
    return shown
