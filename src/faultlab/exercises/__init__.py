"""Exercises and their checks: declared once, observed beside the learner's code, judged on data.

Rule: ``faultlab.exercises`` never imports :mod:`faultlab.grader`, :mod:`faultlab.widgets`
or :mod:`faultlab.authoring`; it may use :mod:`faultlab.world` (checks run the learner's
code against it) and :mod:`faultlab.labs` (lesson 07's checks lint with ``faultlab.labs.lint``).
The grader builds on this package, never the other way round.

* :class:`Exercise` — one exercise: id, title, points, hints, names, observe, judge.
* ``lessons/`` — one module of checks per lesson (``lNN_slug.py`` with ``EXERCISES``),
  collected by :func:`exercises` without a list to edit.
* *observe* (:class:`Probe`, :func:`describe`, :func:`jsonable`) runs next to the learner's
  code and returns plain JSON data; *judge* (:func:`expect`, :func:`raised`,
  :func:`returned`, :func:`is_a`, :class:`Fail`) is a pure function of that data.
* :func:`check`, :func:`hint`, :func:`progress` — the notebook's functions, re-exported by
  ``import faultlab``; they return a :class:`Verdict`, a :class:`Hint`, a :class:`Progress`.
"""

from __future__ import annotations

from faultlab.exercises._api import Progress, check, hint, progress
from faultlab.exercises._exercise import STATUSES, Exercise, Judge, Observer
from faultlab.exercises._judge import Fail, LearnerRaised, expect, is_a, mro_index, raised, returned
from faultlab.exercises._observe import Probe, describe, guarded, jsonable, pickle_roundtrip
from faultlab.exercises._registry import exercises, get_exercise
from faultlab.exercises._run import judge_exercise, observe_exercise, run_check
from faultlab.exercises._verdict import Hint, Verdict

__all__ = [
    "STATUSES",
    "Exercise",
    "Fail",
    "Hint",
    "Judge",
    "LearnerRaised",
    "Observer",
    "Probe",
    "Progress",
    "Verdict",
    "check",
    "describe",
    "exercises",
    "expect",
    "get_exercise",
    "guarded",
    "hint",
    "is_a",
    "jsonable",
    "judge_exercise",
    "mro_index",
    "observe_exercise",
    "pickle_roundtrip",
    "progress",
    "raised",
    "returned",
    "run_check",
]
