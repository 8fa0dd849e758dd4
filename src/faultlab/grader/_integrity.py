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
import contextlib
import operator
import re
import sys
import types
from collections.abc import Iterable, Mapping
from itertools import chain
from typing import Any

__all__ = ["OBSERVER_MODULES", "SETTINGS", "WATCHED_STDLIB", "Fingerprint", "observer_modules"]

#: Modules besides faultlab's whose code the observers and the channel run (found by
#: profiling every lesson's observers on solutions, stubs, right and wrong answers;
#: tests/grader/test_channel.py fails when one is missing): watched deeply, like faultlab's.
OBSERVER_MODULES = (
    "_weakrefset", "abc", "ast", "asyncio.base_events", "asyncio.base_futures", "asyncio.coroutines",
    "asyncio.events", "asyncio.futures", "asyncio.locks", "asyncio.queues", "asyncio.runners",
    "asyncio.selector_events", "asyncio.taskgroups", "asyncio.tasks", "asyncio.unix_events", "attr._make",
    "attr.exceptions", "collections", "collections.abc", "concurrent.futures._base", "contextlib", "copy",
    "copyreg", "dataclasses", "dis", "email.message", "enum", "functools", "http.cookiejar", "httpx._client",
    "httpx._config",
    "httpx._content", "httpx._exceptions", "httpx._models", "httpx._multipart", "httpx._status_codes",
    "httpx._transports.base",
    "httpx._transports.mock", "httpx._urlparse", "httpx._urls", "inspect", "json", "json.decoder",
    "json.encoder", "json.scanner", "linecache", "logging", "opentelemetry.attributes",
    "opentelemetry.context", "opentelemetry.context.contextvars_context", "opentelemetry.metrics._internal",
    "opentelemetry.sdk._shared_internal._processor_metrics",
    "opentelemetry.sdk.environment_variables._internal", "opentelemetry.sdk.resources",
    "opentelemetry.sdk.trace", "opentelemetry.sdk.trace._tracer_metrics", "opentelemetry.sdk.trace.export",
    "opentelemetry.sdk.trace.export.in_memory_span_exporter", "opentelemetry.sdk.trace.id_generator",
    "opentelemetry.sdk.trace.sampling", "opentelemetry.sdk.util", "opentelemetry.sdk.util._configurator",
    "opentelemetry.sdk.util.instrumentation", "opentelemetry.trace", "opentelemetry.trace.propagation",
    "opentelemetry.trace.span", "opentelemetry.trace.status", "opentelemetry.util._decorator", "operator",
    "os", "pickle", "posixpath", "random", "re", "returns.primitives.container", "returns.result",
    "selectors", "socket", "structlog._base", "structlog._config", "structlog._frames",
    "structlog._log_levels", "structlog._native", "structlog.dev", "structlog.processors",
    "structlog.testing", "structlog.tracebacks", "subprocess", "tempfile", "tenacity", "tenacity.after",
    "tenacity.before", "tenacity.retry", "tenacity.stop", "tenacity.wait", "textwrap", "threading",
    "traceback", "types", "typing", "typing_extensions", "urllib.error", "urllib.parse", "urllib.response", "warnings",
    "weakref",
)  # fmt: skip


#: Globals of those modules that their library's own API exists to change, so honest code
#: changes them and leaves them changed (``logging.captureWarnings(True)`` sets
#: ``warnings.showwarning``; ``warnings.catch_warnings`` swaps all three while it is open):
#: not watched. Harmless to the checks: the observers record warnings inside their own
#: ``catch_warnings(record=True)``, which sets each of them for its duration.
SETTINGS: Mapping[str, frozenset[str]] = {
    "warnings": frozenset({"_showwarnmsg_impl", "filters", "showwarning"}),
}


def observer_modules() -> list[str]:
    """The loaded modules of :data:`OBSERVER_MODULES`.

    Raises:
        Nothing.
    """
    return sorted(m for m in OBSERVER_MODULES if m in sys.modules)


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
_State = tuple[list[int], list[Any], list[Any], list[Any]]
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
        deep: Iterable[str] | None = None,
    ) -> None:
        self._dicts: list[tuple[str, Mapping[str, Any], dict[str, int], bool]] = []
        self._fast: list[tuple[int, list[int]]] = []
        # Modules outside faultlab set some globals on first use (a compiled pattern, an
        # event-loop policy that starts as None): those keys are not watched, nor new keys
        # that hold data rather than code.
        self._loose: dict[int, frozenset[str]] = {}
        self._attrs: list[tuple[str, object, str, int]] = []
        self._cells: list[tuple[str, types.FunctionType, tuple[int, ...]]] = []
        #: Set in a sandbox once its audit hook refuses changes to functions' code and
        #: defaults: those identities need no checking there.
        self.hooked = False
        self._sysmods: dict[str, int] = {}
        self._seen: set[int] = set()
        self._builtins = vars(builtins)
        self._builtins_saved = dict(self._builtins)
        self._builtins_keys = frozenset(self._builtins_saved)
        names = sorted(set(modules) | set(observer_modules() if deep is None else deep))
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
        self._attr_objs = [obj for _, obj, _, _ in self._attrs]
        self._attr_names = [attr for _, _, attr, _ in self._attrs]
        self._refs: tuple[Any, ...] = (
            list,
            map,
            len,
            chain.from_iterable,
            operator.methodcaller("values"),
            getattr,
            operator.attrgetter("__closure__"),
            _cell,
            (all, map, operator.is_),
        )
        self._mappings = [mapping for _, mapping, _, _ in self._dicts]
        self._cell_funcs = [func for _, func, _ in self._cells]
        self._snapshot()

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
        loose = is_module and label.split(".")[0] != "faultlab"
        lazy = frozenset(k for k, v in mapping.items() if loose and (v is None or isinstance(v, re.Pattern)))
        lazy |= SETTINGS.get(label, frozenset()) if is_module else frozenset()
        ids = {k: id(v) for k, v in mapping.items() if k not in _IGNORED and k not in lazy}
        if loose:
            self._loose[len(self._dicts)] = lazy
        self._dicts.append((label, mapping, ids, is_module))
        self._fast.append((len(mapping), list(map(id, mapping.values()))))

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
            if obj.__dict__:  # an empty one (most) holds nothing the observers read
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
        state = self._current()
        if self._unchanged(state):
            return found[:_MAX_REPORTED]
        for index in self._suspects(state):
            label, mapping, ids, is_module = self._dicts[index]
            if len(found) >= _MAX_REPORTED:
                break
            size, values = self._fast[index]
            try:
                same = len(mapping) == size and list(map(id, mapping.values())) == values
            except Exception:  # noqa: BLE001 - an unreadable namespace is a change, found below
                same = False
            if same:
                continue
            before = len(found)
            self._diff(label, mapping, ids, is_module, found, self._loose.get(index))
            if len(found) == before:  # only what Python itself adds (a warning registry): the new normal
                with contextlib.suppress(Exception):
                    self._fast[index] = (len(mapping), list(map(id, mapping.values())))
        for label, obj, attr, expected in [] if self.hooked else self._attrs:
            if id(getattr(obj, attr, _MISSING)) != expected:
                found.append(f"{label}.{attr} was replaced")
        for label, func, contents in self._cells:
            closure = func.__closure__ or ()
            if tuple(id(_cell(c)) for c in closure) != contents:
                found.append(f"a variable captured by {label} was replaced")
        if not found:
            self._snapshot()
        return found[:_MAX_REPORTED]

    def settle(self) -> None:
        """Accept what changed since the fingerprint was taken, in a process no submission has run in yet.

        A sandbox forks from its worker, and the interpreter's after-fork hooks rebind a few
        globals (``threading``'s locks): the sandbox calls this before the notebook runs.

        Raises:
            Nothing.
        """
        for index in self._suspects(self._current()):
            label, mapping, _ids, is_module = self._dicts[index]
            size, values = self._fast[index]
            if len(mapping) == size and list(map(id, mapping.values())) == values:
                continue
            lazy = self._loose.get(index, frozenset())
            ids = {k: id(v) for k, v in mapping.items() if k not in _IGNORED and k not in lazy}
            self._dicts[index] = (label, mapping, ids, is_module)
            self._fast[index] = (len(mapping), list(map(id, mapping.values())))
        self._snapshot()

    def _state(self) -> _State:
        """Every watched object at once, gathered by C-level loops (the common, untouched case).

        Objects, not ``id()``s: ``id`` raises an audit event, and a sandbox's hook would run
        for each of tens of thousands of calls.
        """
        # Only references taken when the fingerprint was made: nothing a submission can rebind.
        list_, map_, len_, flatten, values_of, getattr_, closure_of, contents, _ = self._refs
        mappings = self._mappings
        sizes = list_(map_(len_, mappings))
        values = list_(flatten(map_(values_of, mappings)))
        attrs = [] if self.hooked else list_(map_(getattr_, self._attr_objs, self._attr_names))
        cells = list_(map_(contents, flatten(map_(closure_of, self._cell_funcs))))
        return sizes, values, attrs, cells

    def _same(self, now: list[Any], saved: list[Any]) -> bool:
        """Whether two lists hold the very same objects (``is``, never ``==``: no learner ``__eq__`` runs)."""
        all_, map_, is_ = self._refs[8]
        return len(now) == len(saved) and all_(map_(is_, now, saved))

    def _unchanged(self, state: _State | None) -> bool:
        if state is None:
            return False
        saved = self._saved
        return state[0] == saved[0] and all(self._same(state[i], saved[i]) for i in (1, 2, 3))

    def _snapshot(self) -> None:
        try:
            self._saved = self._state()
        except Exception:  # noqa: BLE001 - then every check takes the detailed path
            self._saved = ([], [], [], [])

    def _current(self) -> _State | None:
        try:
            return self._state()
        except Exception:  # noqa: BLE001 - the detailed path says what
            return None

    def _suspects(self, state: _State | None) -> list[int]:
        """Indexes of the watched dicts that may differ, found by comparing blocks of them.

        When no dict changed size, the flattened values line up with the saved ones, so
        whole blocks of dicts are compared at once and only a differing block is searched.
        """
        everything = list(range(len(self._dicts)))
        if state is None or state[0] != self._saved[0] or len(state[1]) != len(self._saved[1]):
            return everything
        now, saved, sizes = state[1], self._saved[1], state[0]
        offsets = [0]
        for size in sizes:
            offsets.append(offsets[-1] + size)
        suspects: list[int] = []
        block = 128
        for start in range(0, len(sizes), block):
            end = min(start + block, len(sizes))
            if self._same(now[offsets[start] : offsets[end]], saved[offsets[start] : offsets[end]]):
                continue
            suspects += [
                i
                for i in range(start, end)
                if not self._same(now[offsets[i] : offsets[i + 1]], saved[offsets[i] : offsets[i + 1]])
            ]
        return suspects

    @staticmethod
    def _diff(
        label: str,
        mapping: Mapping[str, Any],
        ids: dict[str, int],
        is_module: bool,
        found: list[str],
        lazy: frozenset[str] | None = None,
    ) -> None:
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
            if lazy is not None and (key in lazy or not isinstance(current[key], type | types.FunctionType)):
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
