"""The instructor's extra checks (``--extra-checks FILE``) and each lesson's grading plan."""

from __future__ import annotations

import importlib.util
import sys
import traceback
import types
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from faultlab._errors import GradingError
from faultlab.exercises import Exercise, Probe, exercises

__all__ = ["EXTRA_MODULE", "ExtraCheck", "Step", "build_plans", "load_extra_checks", "load_extra_source"]

EXTRA_MODULE = "faultlab_extra_checks"


@dataclass(frozen=True)
class ExtraCheck:
    """An instructor's private check for an exercise, counted in the grade.

    Declare them in a Python file as ``EXTRA_CHECKS = [ExtraCheck(...), ...]`` and pass it
    with ``faultlab grade --extra-checks FILE``. Learners never see the file.

    Attributes:
        exercise: The id of the exercise it adds to, e.g. ``"1.3"``.
        name: What it checks, for the instructor (shown to learners only if no ``feedback``).
        points: What passing it adds to the exercise.
        observe: Runs in the sandbox: calls the learner's code through the probe, returns plain data.
        judge: Runs in the grader: raises :class:`faultlab.grader.Fail` at the first unmet expectation.
        feedback: Shown to the learner when it fails, *instead of* the details, so the check
            itself is not given away. ``None`` shows the details.
    """

    exercise: str
    name: str
    points: int
    observe: Callable[[Probe], dict[str, Any]] = field(repr=False)
    judge: Callable[[dict[str, Any]], None] = field(repr=False)
    feedback: str | None = None


ExtraCheck.__module__ = "faultlab.grader"


@dataclass(frozen=True)
class Step:
    exercise: Exercise
    check: Exercise
    extra: ExtraCheck | None = None


# -- the instructor's extra checks ----------------------------------------------------------


def load_extra_source(path: str, source: str) -> tuple[ExtraCheck, ...]:
    """Run an extra-checks file's ``source`` (read by the grader) as its module; return ``EXTRA_CHECKS``.

    A bubblewrap worker cannot see the file, so the grader hands over its text.

    Raises:
        GradingError: As :func:`load_extra_checks`.
    """
    module = types.ModuleType(EXTRA_MODULE)
    module.__file__ = path
    sys.modules[EXTRA_MODULE] = module
    try:
        exec(compile(source, path, "exec"), module.__dict__)  # noqa: S102 - the instructor's own file
    except Exception as exc:
        line = exc.lineno if isinstance(exc, SyntaxError) else _line_in(exc, Path(path))
        where = f" (line {line})" if line else ""
        msg = f"--extra-checks {path}{where}: {type(exc).__name__}: {exc}"
        raise GradingError(msg) from exc
    return _validated(module, path)


def load_extra_checks(path: str) -> tuple[ExtraCheck, ...]:
    """Import an extra-checks file and return its ``EXTRA_CHECKS``, validated.

    Raises:
        GradingError: The file is missing, raises on import, or declares checks that are
            not :class:`ExtraCheck` objects for registered exercises.
    """
    file = Path(path)
    if not file.is_file():
        msg = f"--extra-checks {path}: no such file"
        raise GradingError(msg)
    spec = importlib.util.spec_from_file_location(EXTRA_MODULE, file)
    if spec is None or spec.loader is None:
        msg = f"--extra-checks {path}: not a Python file"
        raise GradingError(msg)
    module = importlib.util.module_from_spec(spec)
    sys.modules[EXTRA_MODULE] = module
    try:
        spec.loader.exec_module(module)
    except Exception as exc:
        line = exc.lineno if isinstance(exc, SyntaxError) else _line_in(exc, file)
        where = f" (line {line})" if line else ""
        msg = f"--extra-checks {path}{where}: {type(exc).__name__}: {exc}"
        raise GradingError(msg) from exc
    return _validated(module, path)


def _validated(module: types.ModuleType, path: str) -> tuple[ExtraCheck, ...]:
    checks = getattr(module, "EXTRA_CHECKS", None)
    if not isinstance(checks, list | tuple):
        msg = f"--extra-checks {path}: define EXTRA_CHECKS = [ExtraCheck(...), ...]"
        raise GradingError(msg)
    registry = exercises()
    for index, check in enumerate(checks):
        where = f"--extra-checks {path}: EXTRA_CHECKS[{index}]"
        if not isinstance(check, ExtraCheck):
            msg = f"{where} is a {type(check).__name__}, not a faultlab.grader.ExtraCheck"
            raise GradingError(msg)
        if check.exercise not in registry:
            msg = f"{where} names exercise {check.exercise!r}; valid ids are: {', '.join(registry)}"
            raise GradingError(msg)
        if isinstance(check.points, bool) or not isinstance(check.points, int) or check.points < 0:
            msg = f"{where} has points={check.points!r}; use a whole number >= 0"
            raise GradingError(msg)
        if not callable(check.observe) or not callable(check.judge):
            msg = f"{where} needs callable observe and judge"
            raise GradingError(msg)
        if check.feedback is not None and not isinstance(check.feedback, str):
            msg = f"{where} has a feedback that is not text"
            raise GradingError(msg)
    return tuple(checks)


def _line_in(exc: BaseException, file: Path) -> int | None:
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if Path(f.filename) == file]
    return frames[-1].lineno if frames else None


def build_plans(extras: Sequence[ExtraCheck]) -> dict[str, list[Step]]:
    plans: dict[str, list[Step]] = {}
    for ex in exercises().values():
        steps = plans.setdefault(ex.lesson, [])
        steps.append(Step(ex, ex))
        for extra in extras:
            if extra.exercise == ex.id:
                check = Exercise(
                    id=ex.id,
                    lesson=ex.lesson,
                    title=extra.name,
                    points=extra.points,
                    hints=ex.hints,
                    names=ex.names,
                    observe=extra.observe,
                    judge=extra.judge,
                    forbidden=ex.forbidden,
                    success=extra.name,
                )
                steps.append(Step(ex, check, extra))
    return plans
