"""The exercise registry, verdicts, and the notebook functions ``check`` and ``hint``.

Each exercise is declared once, in ``faultlab/_lessons/``: id, title, points,
progressive hints, the learner names it needs, an *observe* function that runs the
learner's code and returns plain data, and a *judge* function that turns that data
into a verdict. In a notebook both halves run in the kernel; the grader runs them in
different processes.
"""

from __future__ import annotations

import html
import json
import sys
import types
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from faultlab._errors import UnknownExerciseError
from faultlab._judge import Fail, LearnerRaised, exc_line
from faultlab._observe import MissingName, Probe, ReexportedName, used_references

__all__ = [
    "STATUSES",
    "Exercise",
    "Hint",
    "Progress",
    "Verdict",
    "check",
    "exercises",
    "get_exercise",
    "hint",
    "judge_exercise",
    "observe_exercise",
    "progress",
]

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
        judge: Raises :class:`~faultlab._judge.Fail` at the first unmet expectation.
        forbidden: faultlab reference functions an answer must not call.
        success: What a pass means, shown to the learner.
    """

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


_ICONS = {"passed": "✔", "incorrect": "✘", "not_attempted": "…", "error": "!"}


@dataclass(frozen=True)
class Verdict:
    """The outcome of checking one exercise."""

    __module__ = "faultlab"

    exercise_id: str
    status: str
    message: str
    points: int
    max_points: int
    expected: str | None = None
    got: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """Plain data, in the shape of the grader's per-exercise record."""
        return {
            "id": self.exercise_id,
            "status": self.status,
            "points": self.points,
            "max_points": self.max_points,
            "message": self.text(),
        }

    def text(self) -> str:
        """The verdict as plain text, one fact per line."""
        head = f"{self.status.replace('_', ' ')}: {self.message}"
        lines = [head]
        if self.expected is not None:
            lines.append(f"    expected: {self.expected}")
        if self.got is not None:
            lines.append(f"    got:      {self.got}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        icon = _ICONS.get(self.status, "!")
        score = f"[{self.points}/{self.max_points}]"
        body = self.text()
        tail = "" if self.status == "passed" else f'\n  Stuck? Run hint("{self.exercise_id}").'
        return f"{icon} {self.exercise_id} {score} {body}{tail}"

    def _repr_html_(self) -> str:
        colour = {"passed": "#1a7f37", "incorrect": "#cf222e", "not_attempted": "#6e7781"}.get(self.status, "#9a6700")
        return f'<pre style="border-left:4px solid {colour};padding-left:8px">{html.escape(repr(self))}</pre>'


@dataclass(frozen=True)
class Hint:
    """A hint, shown as text."""

    exercise_id: str
    number: int
    total: int
    text: str

    def __repr__(self) -> str:
        more = f' More: hint("{self.exercise_id}", {self.number + 1}).' if self.number < self.total else ""
        return f"Hint {self.number}/{self.total} for {self.exercise_id}: {self.text}{more}"


def exercises() -> dict[str, Exercise]:
    """Return every registered exercise, by id, in course order."""
    from faultlab._lessons import REGISTRY

    return REGISTRY


def get_exercise(exercise_id: str) -> Exercise:
    """Return one exercise.

    Raises:
        UnknownExerciseError: If no exercise has that id (the message lists the valid ids).
    """
    registry = exercises()
    if not isinstance(exercise_id, str) or exercise_id not in registry:
        raise UnknownExerciseError(str(exercise_id), tuple(registry))
    return registry[exercise_id]


def observe_exercise(exercise: Exercise, namespace: Mapping[str, Any]) -> dict[str, Any]:
    """Run the observe half; always returns plain data, never raises for learner faults.

    The result is ``{"id", "state", ...}`` where ``state`` is ``"observed"`` (with
    ``data``), ``"missing"`` or ``"reexport"`` (with ``name``), or ``"observer_error"``.
    """
    probe = Probe(namespace)
    with _as_main(namespace), used_references() as used:
        try:
            data = exercise.observe(probe)
        except MissingName as exc:
            return {"id": exercise.id, "state": "missing", "name": exc.name}
        except ReexportedName as exc:
            return {"id": exercise.id, "state": "reexport", "name": exc.name, "origin": exc.origin}
        except Exception as exc:  # noqa: BLE001 - reported as "could not check"
            return {"id": exercise.id, "state": "observer_error", "error": f"{type(exc).__name__}: {exc}"}
    forbidden_used = sorted(used & set(exercise.forbidden))
    try:
        data = json.loads(json.dumps(data))  # plain data only, nothing live
    except (TypeError, ValueError) as exc:
        return {"id": exercise.id, "state": "observer_error", "error": f"unserialisable: {exc}"}
    return {"id": exercise.id, "state": "observed", "data": data, "forbidden_used": forbidden_used}


@contextmanager
def _as_main(namespace: Mapping[str, Any]) -> Iterator[None]:
    """Let pickle find the learner's classes: they live in ``__main__`` as in a notebook.

    In a kernel ``sys.modules["__main__"]`` already holds the notebook's globals; when
    a test or the grader runs code in a plain dict, a stand-in module is installed for
    the duration of the check and the real one restored after.
    """
    real = sys.modules.get("__main__")
    if namespace.get("__name__") != "__main__" or getattr(real, "__dict__", None) is namespace:
        yield
        return
    stand_in = types.ModuleType("__main__")
    stand_in.__dict__.update(namespace)
    sys.modules["__main__"] = stand_in
    try:
        yield
    finally:
        if real is not None:
            sys.modules["__main__"] = real


def _not_implemented(data: Any) -> dict[str, Any] | None:
    """Find an observed NotImplementedError anywhere in the data (the stub's mark)."""
    if isinstance(data, dict):
        exc = data.get("raised")
        if isinstance(exc, dict) and exc.get("type") == "NotImplementedError":
            return exc
        values: list[Any] = list(data.values())
    elif isinstance(data, list):
        values = data
    else:
        return None
    for value in values:
        found = _not_implemented(value)
        if found is not None:
            return found
    return None


def judge_exercise(exercise: Exercise, observation: Mapping[str, Any]) -> Verdict:
    """Run the judge half on plain data; every outcome is a :class:`Verdict`."""
    ex, pts = exercise, exercise.points

    def verdict(status: str, message: str, **kw: Any) -> Verdict:
        return Verdict(ex.id, status, message, pts if status == "passed" else 0, pts, **kw)

    state = observation.get("state")
    if state == "missing":
        return verdict(
            "error",
            f"`{observation.get('name')}` is not defined. Run the cell that defines it "
            "(or the whole notebook from the top), and keep the name the exercise asks for.",
        )
    if state == "reexport":
        return verdict(
            "incorrect",
            f"`{observation.get('name')}` is faultlab's own {observation.get('origin')}; "
            "the exercise asks for your own implementation.",
        )
    if state != "observed" or not isinstance(observation.get("data"), dict):
        return verdict("error", f"could not check: {observation.get('error', 'malformed observation')}")
    if observation.get("forbidden_used"):
        used = ", ".join(observation["forbidden_used"])
        return verdict("incorrect", f"your answer calls {used}, the reference; write your own instead.")
    stub = _not_implemented(observation["data"])
    if stub is not None:
        return verdict(
            "not_attempted",
            f"the code still raises NotImplementedError ({stub.get('str')}). "
            "Replace the stub with your code and run its cell again.",
        )
    try:
        exercise.judge(observation["data"])
    except Fail as fail:
        return verdict("incorrect", fail.expectation, expected=fail.expected, got=fail.got)
    except LearnerRaised as err:
        return verdict("error", f"your code raised {exc_line(err.exc)}\n    in the call {err.call}")
    except Exception as exc:  # noqa: BLE001 - odd data must be "could not check", never a traceback
        return verdict("error", f"could not check: malformed observation ({type(exc).__name__}: {exc})")
    return verdict("passed", exercise.success or exercise.title)


def run_check(exercise_id: str, namespace: Mapping[str, Any]) -> Verdict:
    """Observe and judge one exercise against ``namespace``.

    Raises:
        UnknownExerciseError: If ``exercise_id`` is not registered.
    """
    exercise = get_exercise(exercise_id)
    return judge_exercise(exercise, observe_exercise(exercise, namespace))


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

    __module__ = "faultlab"

    verdicts: tuple[Verdict, ...]

    @property
    def score(self) -> tuple[int, int]:
        """``(points earned, points available)``."""
        return sum(v.points for v in self.verdicts), sum(v.max_points for v in self.verdicts)

    def __repr__(self) -> str:
        registry = exercises()
        rows = [
            f"{_ICONS.get(v.status, '!')} {v.exercise_id:>5}  {v.points}/{v.max_points}  "
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


def hint(exercise_id: str, number: int = 1) -> Hint | _Message:
    """Return hint ``number`` (1 = gentlest) of an exercise.

    Unknown ids and out-of-range numbers return a message saying what is valid.
    """
    try:
        exercise = get_exercise(exercise_id)
    except UnknownExerciseError as exc:
        return _Message(f"! {exc}")
    total = len(exercise.hints)
    if isinstance(number, bool) or not isinstance(number, int) or not 1 <= number <= total:
        return _Message(f"! exercise {exercise_id} has hints 1 to {total}; got {number!r}.")
    return Hint(exercise_id, number, total, exercise.hints[number - 1])
