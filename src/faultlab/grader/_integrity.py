"""Integrity of the checks: a fingerprint of what *observe* relies on, verified in the sandbox.

The grader takes a :class:`Fingerprint` once, before any submission runs: the identity of
every global of every ``faultlab`` module (and of an instructor's extra checks), of every
attribute of the classes they define, of the code, defaults and closure cells of their
functions, of the builtins, and of the few standard modules the observers and the result
channel use. Inside the sandbox, after the notebook's definitions ran and after each
observation, :meth:`Fingerprint.changes` lists what differs. Anything at all means the
submission patched the checks (``faultlab.exercises._observe.jsonable = ...``, ``builtins.isinstance
= ...``, ``func.__code__ = ...``), and the grader scores it nothing.

This is a tripwire for Python-level tampering, not a wall: code that writes process memory
through ``ctypes``, or walks interpreter frames, is outside what a check inside the same
process can see (docs/grading.md says what isolates against that).
"""

from __future__ import annotations

import builtins
import sys
import types
from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["WATCHED_STDLIB", "Fingerprint"]

#: Standard modules whose globals the observers and the result channel use (the builtins
#: are watched, and restored, separately).
WATCHED_STDLIB = (
    "contextvars",
    "copyreg",
    "functools",
    "json",
    "json.decoder",
    "json.encoder",
    "json.scanner",
    "os",
    "pickle",
    "types",
)

# Keys that Python itself adds to dicts while running: warning registries, the interactive
# ``_``, and the slot-name cache copyreg stores on a class the first time it pickles one.
_IGNORED = frozenset({"__warningregistry__", "_", "__slotnames__"})
_MISSING = object()
_MAX_REPORTED = 8


def _owned(obj: object, prefixes: tuple[str, ...]) -> bool:
    module = getattr(obj, "__module__", None)
    return isinstance(module, str) and module.split(".")[0] in prefixes


class Fingerprint:
    """Identities of everything *observe* depends on, taken in the grader before any submission.

    Args:
        modules: Names of the modules to watch deeply (their classes and functions too).
        shallow: Names of modules whose globals are watched by identity only.
        objects: More ``(label, object)`` pairs to watch deeply, such as checks built at run time.
    """

    def __init__(
        self,
        modules: Iterable[str],
        shallow: Iterable[str] = WATCHED_STDLIB,
        objects: Iterable[tuple[str, object]] = (),
    ) -> None:
        self._dicts: list[tuple[str, Mapping[str, Any], dict[str, int], bool]] = []
        self._attrs: list[tuple[str, object, str, int]] = []
        self._cells: list[tuple[str, types.FunctionType, tuple[int, ...]]] = []
        self._sysmods: dict[str, int] = {}
        self._seen: set[int] = set()
        self._builtins = vars(builtins)
        self._builtins_saved = dict(self._builtins)
        self._builtins_keys = frozenset(self._builtins_saved)
        names = sorted(set(modules))
        self._prefixes = tuple(sorted({n.split(".")[0] for n in names}))
        for name in sorted(set(shallow)):
            module = sys.modules.get(name)
            if module is not None:
                self._sysmods[name] = id(module)
                self._watch_dict(name, vars(module), is_module=True)
        for name in names:
            module = sys.modules.get(name)
            if module is None:
                continue
            self._sysmods[name] = id(module)
            self._watch_dict(name, vars(module), is_module=True)
            for key, value in sorted(vars(module).items()):
                self._walk(f"{name}.{key}", value)
        for label, obj in objects:
            self._walk(label, obj)

    @property
    def size(self) -> int:
        """How many identities are watched (for tests and the docs).

        Raises:
            Nothing.
        """
        return sum(len(d[2]) for d in self._dicts) + len(self._attrs) + len(self._cells) + len(self._sysmods)

    def _watch_dict(self, label: str, mapping: Mapping[str, Any], *, is_module: bool) -> None:
        if id(mapping) in self._seen:
            return
        self._seen.add(id(mapping))
        ids = {k: id(v) for k, v in mapping.items() if k not in _IGNORED}
        self._dicts.append((label, mapping, ids, is_module))

    def _walk(self, label: str, obj: object, depth: int = 0) -> None:
        if depth > 6 or id(obj) in self._seen:
            return
        if isinstance(obj, tuple | list):
            self._seen.add(id(obj))
            for i, item in enumerate(obj):
                self._walk(f"{label}[{i}]", item, depth + 1)
            return
        if isinstance(obj, classmethod | staticmethod):
            self._walk(label, obj.__func__, depth + 1)
            return
        if isinstance(obj, property):
            for part in (obj.fget, obj.fset, obj.fdel):
                if part is not None:
                    self._walk(label, part, depth + 1)
            return
        if not _owned(obj, self._prefixes):
            return
        if isinstance(obj, type | types.FunctionType):
            label = _home(obj, label)
        if isinstance(obj, type):
            self._seen.add(id(obj))
            self._watch_dict(label, obj.__dict__, is_module=False)
            for key, value in list(obj.__dict__.items()):
                self._walk(f"{label}.{key}", value, depth + 1)
        elif isinstance(obj, types.FunctionType):
            self._seen.add(id(obj))
            for attr in ("__code__", "__defaults__", "__kwdefaults__"):
                self._attrs.append((label, obj, attr, id(getattr(obj, attr))))
            if obj.__closure__:
                contents = tuple(id(_cell(c)) for c in obj.__closure__)
                self._cells.append((label, obj, contents))
                for c in obj.__closure__:
                    self._walk(f"{label}.<closure>", _cell(c), depth + 1)
            self._watch_dict(label + ".__dict__", obj.__dict__, is_module=False)
            wrapped = obj.__dict__.get("__wrapped__")
            if wrapped is not None:
                self._walk(f"{label}.__wrapped__", wrapped, depth + 1)
        elif _frozen_dataclass(obj):
            self._seen.add(id(obj))
            self._watch_dict(label, vars(obj), is_module=False)
            for key, value in vars(obj).items():
                self._walk(f"{label}.{key}", value, depth + 1)

    def restore_builtins(self) -> list[str]:
        """Put the builtins back as they were, and say what had changed.

        Written without calling a single builtin, so that it works however the
        submission replaced them, and run before anything else of the grader's.

        Raises:
            Nothing.
        """
        found: list[str] = []
        current = self._builtins
        for key, value in self._builtins_saved.items():
            if current.get(key, _MISSING) is not value and key not in _IGNORED:
                found.append(f"builtins.{key} was replaced")
        for key in current:
            if key not in self._builtins_keys and key not in _IGNORED:
                found.append("builtins gained a name")
        current.clear()
        current.update(self._builtins_saved)
        return found

    def changes(self) -> list[str]:
        """Everything that differs from the fingerprint, as short sentences (empty: intact).

        The builtins are restored first (see :meth:`restore_builtins`).

        Raises:
            Nothing: a failure to inspect something counts as a change.
        """
        found = self.restore_builtins()
        modules = sys.modules
        for name, expected in self._sysmods.items():
            if id(modules.get(name)) != expected:
                found.append(f"sys.modules[{name!r}] was replaced")
        for label, mapping, ids, is_module in self._dicts:
            if len(found) >= _MAX_REPORTED:
                break
            self._diff(label, mapping, ids, is_module, found)
        for label, obj, attr, expected in self._attrs:
            if id(getattr(obj, attr, _MISSING)) != expected:
                found.append(f"{label}.{attr} was replaced")
        for label, func, contents in self._cells:
            closure = func.__closure__ or ()
            if tuple(id(_cell(c)) for c in closure) != contents:
                found.append(f"a variable captured by {label} was replaced")
        return found[:_MAX_REPORTED]

    @staticmethod
    def _diff(label: str, mapping: Mapping[str, Any], ids: dict[str, int], is_module: bool, found: list[str]) -> None:
        try:
            current = dict(mapping)
        except Exception:  # noqa: BLE001 - an unreadable namespace is itself a change
            found.append(f"{label} can no longer be read")
            return
        for key, expected in ids.items():
            if id(current.get(key, _MISSING)) != expected:
                verb = "was deleted" if key not in current else "was replaced"
                found.append(f"{label}.{key} {verb}")
        for key in current.keys() - ids.keys():
            if key in _IGNORED or (is_module and _is_submodule(label, key, current[key])):
                continue
            found.append(f"{label} gained {str(key)[:60]!r}")


def _home(obj: type | types.FunctionType, fallback: str) -> str:
    """Where a class or function was defined, whatever module re-exports it."""
    module, name = getattr(obj, "__module__", None), getattr(obj, "__qualname__", None)
    return f"{module}.{name}" if isinstance(module, str) and isinstance(name, str) else fallback


def _cell(cell: types.CellType) -> object:
    try:
        contents: object = cell.cell_contents
    except ValueError:  # an empty cell
        return _MISSING
    return contents


def _frozen_dataclass(obj: object) -> bool:
    params = getattr(type(obj), "__dataclass_params__", None)
    return bool(getattr(params, "frozen", False)) and hasattr(obj, "__dict__")


def _is_submodule(package: str, key: str, value: object) -> bool:
    """Importing ``package.key`` later sets that attribute on the package: not tampering."""
    return isinstance(value, types.ModuleType) and value.__name__ == f"{package}.{key}"
