"""Running a check: *observe* the learner's code into plain data, then *judge* that data."""

from __future__ import annotations

import json
import re
import sys
import types
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from faultlab.exercises._exercise import Exercise
from faultlab.exercises._judge import Fail, LearnerRaised, exc_line
from faultlab.exercises._observe import MissingName, Probe, ReexportedName, used_references
from faultlab.exercises._registry import get_exercise
from faultlab.exercises._verdict import Verdict

__all__ = ["judge_exercise", "kept_stub_init", "observe_exercise", "run_check"]

_CLASS_DICT = type.__dict__["__dict__"].__get__
#: The message of every stub ``faultlab build`` writes: its exercise id, then its title.
_STUB_OF = re.compile(r"exercise (\d+\.\d+): (.*)", re.S)


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
        data = json.loads(json.dumps(data, allow_nan=False))  # plain, strict JSON only: as the grader sends it
    except (TypeError, ValueError) as exc:
        return {"id": exercise.id, "state": "observer_error", "error": f"unserialisable: {exc}"}
    return {
        "id": exercise.id,
        "state": "observed",
        "data": data,
        "forbidden_used": forbidden_used,
        "kept_stub_init": kept_stub_init(exercise.names, namespace),
    }


def kept_stub_init(names: tuple[str, ...], namespace: Mapping[str, Any]) -> list[str]:
    """The exercise's classes made a dataclass or attrs class that still have the stub's ``__init__``.

    Both decorators keep an ``__init__`` the class defines, so a learner who adds ``@dataclass``
    above the stub and fills in fields still gets the stub's NotImplementedError. Only the class
    dicts are read (through ``type``'s own ``__dict__`` descriptor, so no metaclass code runs).
    The answer only ever words a "not attempted" verdict, never raises a score.
    """
    kept = []
    for name in names:
        value = namespace.get(name)
        if not isinstance(value, type):
            continue
        own = _CLASS_DICT(value)
        if "__dataclass_fields__" not in own and "__attrs_attrs__" not in own:
            continue
        init = own.get("__init__")
        consts = init.__code__.co_consts if isinstance(init, types.FunctionType) else ()
        if any(isinstance(c, str) and _STUB_OF.match(c) for c in consts):
            kept.append(name)
    return kept


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
    if stub is not None and observation.get("kept_stub_init"):
        names = ", ".join(observation["kept_stub_init"])
        return verdict(
            "not_attempted",
            f"{names}: a dataclass or attrs class keeps an __init__ the class defines, so the stub's "
            "__init__ still raises NotImplementedError. Delete the stub's `def __init__` (and its "
            "raise line) and run the cell again.",
        )
    if stub is not None:
        other = _STUB_OF.match(str(stub.get("str", "")))
        if other is not None and other.group(1) != ex.id:
            return verdict(
                "not_attempted",
                f"{ex.id} runs the code of exercise {other.group(1)}, which still raises its stub's "
                f"NotImplementedError ({other.group(2)}). Do {other.group(1)} first, then run this check again.",
            )
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
