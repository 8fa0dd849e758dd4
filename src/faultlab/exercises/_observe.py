"""The *observe* half of a check: run the learner's code, record plain data.

Everything recorded is JSON-ready (``None``, bools, numbers, strings, lists, dicts):
the judge never sees a live object the learner made, so an object that claims to
equal everything, or a patched ``isinstance``, cannot change a verdict.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import pickle
import threading
from collections.abc import Callable, Coroutine, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, ParamSpec, TypeVar

__all__ = [
    "MissingName",
    "Probe",
    "ReexportedName",
    "describe",
    "guarded",
    "jsonable",
    "pickle_roundtrip",
    "used_references",
]

P = ParamSpec("P")
R = TypeVar("R")

_MAX_TEXT = 2000
_USED: contextvars.ContextVar[set[str] | None] = contextvars.ContextVar("faultlab_used", default=None)


class MissingName(Exception):
    """The learner's namespace lacks a name the check needs."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


class ReexportedName(Exception):
    """The learner's name is faultlab's own object, not the learner's work."""

    def __init__(self, name: str, origin: str) -> None:
        super().__init__(name, origin)
        self.name = name
        self.origin = origin


def guarded(func: Callable[P, R]) -> Callable[P, R]:
    """Mark a faultlab function as a reference that a check may forbid.

    While :func:`used_references` is active, every call is recorded by name, so a
    check can tell an answer that merely delegates to faultlab from the learner's own.
    """
    name = f"faultlab.{func.__name__}"

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        used = _USED.get()
        if used is not None:
            used.add(name)
        return func(*args, **kwargs)

    return wrapper


@contextmanager
def used_references() -> Iterator[set[str]]:
    """Collect the names of guarded faultlab functions called inside the block."""
    used: set[str] = set()
    token = _USED.set(used)
    try:
        yield used
    finally:
        _USED.reset(token)


def _text(value: object) -> str:
    try:
        text = str.__str__(value) if isinstance(value, str) else repr(value)
    except Exception as err:  # noqa: BLE001 - learner reprs may raise anything
        text = f"<repr() raised {type(err).__name__}>"
    return text if len(text) <= _MAX_TEXT else text[:_MAX_TEXT] + "…"


def jsonable(value: object, depth: int = 0) -> Any:
    """Convert ``value`` to plain JSON data; anything else becomes its (capped) repr."""
    if isinstance(value, str):
        return _text(value)  # plain str, capped; a subclass's own __eq__ is gone
    if value is None or type(value) in (bool, int):
        return value
    if type(value) is float:
        return value if value == value and abs(value) != float("inf") else repr(value)
    if isinstance(value, bytes):
        return {"bytes": _text(bytes(value))}
    if depth < 5 and isinstance(value, list | tuple) and type(value) in (list, tuple):
        return [jsonable(v, depth + 1) for v in value]
    if depth < 5 and isinstance(value, dict) and type(value) is dict:
        return {k if type(k) is str else _text(k): jsonable(v, depth + 1) for k, v in value.items()}
    return {"repr": _text(value), "type": _text(type(value).__name__)}


def _qualname(cls: type) -> str:
    try:
        module, name = cls.__module__, cls.__qualname__
    except AttributeError:
        return _text(cls)
    name = _text(name)
    return name if module in ("builtins", "__main__") else f"{_text(module)}.{name}"


def _field_names(exc: BaseException, extra: tuple[str, ...]) -> list[str]:
    """The public attributes a caller could read: instance dict, slots, properties, attrs/dataclass fields."""
    names: set[str] = set(extra)
    try:
        names.update(vars(exc))
    except TypeError:
        pass
    for klass in type(exc).__mro__:
        if klass.__module__ == "builtins":
            continue
        try:
            own = dict(vars(klass))
        except TypeError:
            continue
        slots = own.get("__slots__", ())
        names.update([slots] if isinstance(slots, str) else [s for s in slots if isinstance(s, str)])
        for source in ("__dataclass_fields__", "__attrs_attrs__"):
            declared = own.get(source)
            if isinstance(declared, dict):
                names.update(k for k in declared if isinstance(k, str))
            elif isinstance(declared, tuple):
                names.update(getattr(a, "name", None) or "" for a in declared)
        names.update(k for k, v in own.items() if isinstance(v, property))
    return sorted(n for n in names if n and not n.startswith("_") and n not in _BASE_ATTRS)


#: Attributes every exception (or every OSError) has: recorded apart, not as the learner's fields.
_BASE_ATTRS = frozenset({"args", "errno", "strerror", "filename", "filename2", "winerror", "characters_written"})
_MISSING = object()


def _fields(exc: BaseException, extra: tuple[str, ...]) -> dict[str, Any]:
    """Read each field the way a caller does, with ``getattr`` (so slots and properties count)."""
    found: dict[str, Any] = {}
    for name in _field_names(exc, extra):
        try:
            value = getattr(exc, name, _MISSING)
        except Exception as err:  # noqa: BLE001 - a property that raises is an observation
            found[name] = {"repr": f"<reading .{name} raised {type(err).__name__}>", "type": "error"}
            continue
        if value is not _MISSING and not callable(value):
            found[name] = jsonable(value)
    return found


def describe(exc: BaseException, depth: int = 0, fields: tuple[str, ...] = ()) -> dict[str, Any]:
    """Describe an exception as plain data: type, MRO, ``str``, args, fields, notes, chain.

    ``fields`` names attributes to read even when nothing declares them (a ``__getattr__``).
    An ``OSError``'s ``errno`` and ``strerror`` are recorded under ``"os"``.
    """
    cls = type(exc)
    message: str | dict[str, str]
    try:
        text: object = str(exc)
    except Exception as err:  # noqa: BLE001 - a broken __str__ is an observation too
        message = {"str_raised": f"{type(err).__name__}: {_text(str(err))}"}
    else:
        message = _text(text) if isinstance(text, str) else {"not_a_str": _text(text)}
    notes = getattr(exc, "__notes__", None)
    record: dict[str, Any] = {
        "type": _qualname(cls),
        "mro": [_qualname(c) for c in cls.__mro__],
        "str": message,
        "args": jsonable(exc.args),
        "fields": _fields(exc, fields),
        "notes": jsonable(notes) if notes is not None else None,
        "suppress_context": bool(exc.__suppress_context__),
        "cause": None,
        "context": None,
    }
    if isinstance(exc, OSError):
        record["os"] = {"errno": jsonable(exc.errno), "strerror": jsonable(exc.strerror)}
    if depth < 6:
        if exc.__cause__ is not None:
            record["cause"] = describe(exc.__cause__, depth + 1, fields)
        if exc.__context__ is not None and exc.__context__ is not exc.__cause__:
            record["context"] = describe(exc.__context__, depth + 1)
        elif exc.__context__ is not None:
            record["context"] = "same as cause"
    if isinstance(exc, BaseExceptionGroup):
        record["exceptions"] = [describe(e, depth + 1) for e in exc.exceptions[:20]]
    return record


def pickle_roundtrip(exc: BaseException, fields: tuple[str, ...] = ()) -> dict[str, Any]:
    """Pickle and unpickle ``exc``: what came back, or why it failed."""
    try:
        back = pickle.loads(pickle.dumps(exc))  # noqa: S301 - our own bytes, just made
    except Exception as err:  # noqa: BLE001 - the failure is what we observe
        return {"ok": False, "error": f"{type(err).__name__}: {_text(str(err))}"}
    if not isinstance(back, BaseException):
        return {"ok": False, "error": f"unpickled a {type(back).__name__}"}
    return {"ok": True, "back": describe(back, fields=fields)}


class Probe:
    """What an observer uses to reach the learner's code and record what happened.

    Args:
        namespace: The learner's definitions (a notebook's globals).
    """

    __module__ = "faultlab.exercises"

    def __init__(self, namespace: Mapping[str, Any]) -> None:
        self.namespace = namespace

    def get(self, name: str) -> Any:
        """Return the learner's ``name``.

        Raises:
            MissingName: The namespace has no such name.
            ReexportedName: The object is faultlab's own, not the learner's.
        """
        if name not in self.namespace:
            raise MissingName(name)
        obj = self.namespace[name]
        module = getattr(obj, "__module__", None)
        if isinstance(module, str) and module.split(".")[0] == "faultlab":
            raise ReexportedName(name, f"{module}.{getattr(obj, '__qualname__', name)}")
        return obj

    def call(self, label: str, func: Callable[..., Any], *args: Any, **kwargs: Any) -> dict[str, Any]:
        """Call ``func`` and record ``{"call": label, "returned": ...}`` or ``{"raised": ...}``."""
        try:
            value = func(*args, **kwargs)
        except BaseException as exc:  # noqa: BLE001 - every way out is an observation
            return {"call": label, "raised": describe(exc)}
        return {"call": label, "returned": jsonable(value)}

    def catch(self, label: str, func: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[dict[str, Any], Any]:
        """Like :meth:`call`, but also hand back the live value or exception for more probing."""
        try:
            value = func(*args, **kwargs)
        except BaseException as exc:  # noqa: BLE001 - every way out is an observation
            return {"call": label, "raised": describe(exc)}, exc
        return {"call": label, "returned": jsonable(value)}, value


def run_coroutine(factory: Callable[[], Coroutine[Any, Any, Any]], timeout: float = 10.0, what: str = "the coroutine") -> Any:
    """Run a coroutine on a fresh event loop in its own thread (a notebook's loop is busy).

    Raises:
        TimeoutError: It did not finish within ``timeout`` seconds of real time.
        BaseException: Whatever the coroutine raised, in the caller's thread.
    """
    box: dict[str, Any] = {}

    def main() -> None:
        try:
            box["value"] = asyncio.run(factory())
        except BaseException as exc:  # noqa: BLE001 - handed back to the caller's thread
            box["error"] = exc

    worker = threading.Thread(target=main, name="faultlab-check-async", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        msg = f"{what} did not finish within {timeout:g}s of real time"
        raise TimeoutError(msg)
    if "error" in box:
        raise box["error"]
    return box.get("value")
