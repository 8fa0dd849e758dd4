"""Lesson 07: refactor anti-patterns until the behaviour is right *and* ruff finds nothing.

Every check has two halves of evidence. Behaviour: the learner's function is called against
faults (a missing key, a permission error, a Ctrl-C, ``python -O``). Lint: ruff, with the
lesson's rule set and ``# noqa`` ignored, runs on the source of the cells that define the
learner's names. *Observe* reads that source from the cells (``linecache``, where Jupyter and
the grader keep cell text); *judge* runs ruff on it, so the rule ids are shown in the verdict.
"""

from __future__ import annotations

import linecache
import sys
import types
from collections.abc import Callable, Iterator
from typing import Any

from faultlab.exercises._exercise import Exercise
from faultlab.exercises._judge import Fail, expect, is_a, raised, returned, show
from faultlab.exercises._observe import Probe, describe
from faultlab.labs import LESSON_07_RULES, lint
from faultlab.world import World

LESSON = "07_anti_patterns"


def _expect(condition: bool, expectation: str, expected: Any = None, got: Any = None) -> None:
    expect(condition, expectation, expected=expected, got=got)


# -- generic observers --------------------------------------------------------------------


def _codes(obj: Any) -> Iterator[types.CodeType]:
    """The code objects that say where ``obj`` was defined (a function, or a class's methods)."""
    func = getattr(obj, "__func__", obj)
    code = getattr(func, "__code__", None)
    if isinstance(code, types.CodeType):
        yield code
    elif isinstance(obj, type):
        for value in vars(obj).values():
            inner = getattr(getattr(value, "__func__", value), "__code__", None)
            if isinstance(inner, types.CodeType):
                yield inner


def cell_sources(probe: Probe, names: tuple[str, ...]) -> list[str] | None:
    """The full text of every cell that defines one of ``names``, in order.

    None when the first name (the function the exercise asks for) has no readable cell: its
    source is what the lint must see. Code without a cell of its own (what a dataclass generates,
    or a library's module) is skipped.
    """
    modules = {getattr(m, "__file__", None) for m in list(sys.modules.values())}
    files: list[str] = []
    for index, name in enumerate(names):
        readable = [
            c.co_filename
            for c in _codes(probe.get(name))
            if c.co_filename not in modules and linecache.getlines(c.co_filename)
        ]
        if index == 0 and not readable:
            return None
        files += [f for f in readable if f not in files]
    return ["".join(linecache.getlines(f)) for f in files]


def optimized(probe: Probe, sources: list[str], name: str) -> Any:
    """``name`` as ``python -O`` would define it: the cells recompiled with asserts removed."""
    namespace = dict(probe.namespace)
    for index, text in enumerate(sources):
        exec(compile(text, f"<cell {index} under -O>", "exec", optimize=1), namespace)  # noqa: S102 - the learner's own cell
    return namespace[name]


def _sources_and_lint_input(probe: Probe, names: tuple[str, ...]) -> dict[str, Any]:
    return {"sources": cell_sources(probe, names)}


def judge_lint(data: dict[str, Any], names: tuple[str, ...]) -> None:
    """Fail unless ruff, with the lesson's rules and noqa ignored, finds nothing in the cells."""
    sources = data.get("sources")
    if not isinstance(sources, list) or not all(isinstance(s, str) for s in sources):
        raise Fail(f"could not read the source of {', '.join(names)}: define them in a notebook cell and run it")
    findings = [f"cell {i + 1}, line {f.line}: {f.rule} {f.message}" for i, text in enumerate(sources) for f in lint(text, LESSON_07_RULES)]
    _expect(
        not findings,
        "ruff (the lesson's rules, noqa comments ignored) should report nothing on your cell",
        expected="no findings",
        got="; ".join(findings[:5]),
    )


# -- 7.1 a library lookup that does not leak KeyError ----------------------------------------------

_REGISTRY = {"resnet": "resnet-v2", "empty": "", "none": None, "zero": 0}


def _observe_get_model(probe: Probe) -> dict[str, Any]:
    get_model = probe.get("get_model")
    registry = dict(_REGISTRY)
    found = [probe.call(f"get_model(registry, {name!r})", get_model, registry, name) for name in _REGISTRY]
    missing = [probe.call(f"get_model(registry, {name!r})", get_model, registry, name) for name in ("bert", "Resnet")]
    return {
        "found": found,
        "missing": missing,
        "unchanged": registry == _REGISTRY,
        **_sources_and_lint_input(probe, ("get_model",)),
    }


def _judge_get_model(data: dict[str, Any]) -> None:
    for outcome, want in zip(data["found"], _REGISTRY.values(), strict=True):
        got = returned(outcome)
        _expect(got == want, f"{outcome['call']} should return the stored value, even a falsy one", show(want), show(got))
    for outcome in data["missing"]:
        exc = raised(outcome, f"{outcome['call']} should raise ModelNotFound: there is no such model")
        _expect(is_a(exc, "ModelNotFound"), f"{outcome['call']} should raise ModelNotFound", "ModelNotFound", exc["type"])
        name = outcome["call"].split(", ")[1][:-1].strip("'")
        _expect(exc["fields"].get("name") == name, f"ModelNotFound.name should be {name!r}", repr(name), None)
        cause, hidden, context = exc.get("cause"), exc.get("suppress_context"), exc.get("context")
        _expect(
            (isinstance(cause, dict) and is_a(cause, "KeyError")) or hidden is True or context is None,
            "chain deliberately: `raise ModelNotFound(name) from err` (keep the KeyError) or `from None` (hide it)",
            "a __cause__ or __suppress_context__",
            "an implicit __context__ only",
        )
    _expect(data["unchanged"], "get_model should not change the registry it reads", "the registry unchanged", "changed")
    judge_lint(data, ("get_model",))


# -- 7.2 range checks that survive python -O -------------------------------------------------------

_GOOD_PORTS = (1, 80, 8080, 65535)
_BAD_PORTS = (0, -1, 65536, 70000)


def _observe_validate_port(probe: Probe) -> dict[str, Any]:
    validate_port = probe.get("validate_port")
    sources = cell_sources(probe, ("validate_port",))
    runs: dict[str, Any] = {"normal": validate_port}
    if sources is not None:
        try:
            runs["python -O"] = optimized(probe, sources, "validate_port")
        except Exception as exc:  # noqa: BLE001 - a cell that fails to re-run is an observation
            return {"sources": sources, "rerun_failed": describe(exc)}
    data: dict[str, Any] = {"sources": sources}
    for mode, func in runs.items():
        data[mode] = {
            "good": [probe.call(f"validate_port({p}) [{mode}]", func, p) for p in _GOOD_PORTS],
            "bad": [probe.call(f"validate_port({p}) [{mode}]", func, p) for p in _BAD_PORTS],
        }
    return data


def _judge_validate_port(data: dict[str, Any]) -> None:
    if "rerun_failed" in data:
        raise Fail("your cell could not be run again as python -O would run it", None, data["rerun_failed"]["str"])
    for mode in ("normal", "python -O"):
        if mode not in data:
            continue
        for outcome, want in zip(data[mode]["good"], _GOOD_PORTS, strict=True):
            got = returned(outcome)
            _expect(type(got) is int and got == want, f"{outcome['call']} should return {want}", repr(want), show(got))
        for outcome, port in zip(data[mode]["bad"], _BAD_PORTS, strict=True):
            exc = raised(outcome, f"{outcome['call']} should raise ValueError: {port} is not a TCP port")
            _expect(is_a(exc, "ValueError"), f"{outcome['call']} should raise ValueError", "ValueError", exc["type"])
            text = exc["str"] if isinstance(exc["str"], str) else ""
            _expect(str(port) in text, f"the message of {outcome['call']} should name the port", str(port), repr(text))
    judge_lint(data, ("validate_port",))


# -- 7.3 typed errors instead of error strings -----------------------------------------------------


def _settings_world() -> World:
    world = World.demo(seed=7)
    store = world.store
    store.create_bucket("config")
    store.put_object("config", "app.json", b'{"replicas": 3, "region": "eu-west-1"}')
    store.put_object("config", "broken.json", b'{"replicas": 3,')
    store.put_object("config", "list.json", b"[]")
    store.grant("deployer", "config", "r")
    store.create_bucket("vault")
    store.put_object("vault", "app.json", b"{}")
    store.calls.clear()
    return world


def _observe_read_settings(probe: Probe) -> dict[str, Any]:
    read_settings = probe.get("read_settings")
    store = _settings_world().store
    calls = {
        "ok": ("config", "app.json"),
        "missing": ("config", "nope.json"),
        "broken": ("config", "broken.json"),
        "denied": ("vault", "app.json"),
    }
    data: dict[str, Any] = {
        label: probe.call(f"read_settings(store, {b!r}, {k!r}, principal='deployer')", read_settings, store, b, k,
                          principal="deployer")  # fmt: skip
        for label, (b, k) in calls.items()
    }
    store.faults.fail_next("get_object", 1, TimeoutError("read timed out"))
    data["timeout"] = probe.call("read_settings(...) while the store times out", read_settings, store, "config",
                                 "app.json", principal="deployer")  # fmt: skip
    data.update(_sources_and_lint_input(probe, ("read_settings", "SettingsMissing", "SettingsInvalid")))
    return data


def _judge_read_settings(data: dict[str, Any]) -> None:
    got = returned(data["ok"])
    _expect(got == {"replicas": 3, "region": "eu-west-1"}, "read_settings should return the parsed settings", None, show(got))
    exc = raised(data["missing"], f"{data['missing']['call']} should raise SettingsMissing, not return a value")
    _expect(is_a(exc, "SettingsMissing"), "a missing key should raise SettingsMissing", "SettingsMissing", exc["type"])
    _expect(is_a(exc, "LookupError"), "SettingsMissing should be a LookupError", "a LookupError", " → ".join(exc["mro"]))
    _expect(exc["fields"].get("key") == "nope.json", "SettingsMissing.key should be the key", "'nope.json'", None)
    cause = exc.get("cause")
    _expect(isinstance(cause, dict) and is_a(cause, "FileNotFoundError"), "chain the store's error: `from err`",
           "__cause__ FileNotFoundError", show(cause and cause.get("type")))  # fmt: skip
    exc = raised(data["broken"], f"{data['broken']['call']} should raise SettingsInvalid: the JSON is cut short")
    _expect(is_a(exc, "SettingsInvalid"), "unparsable settings should raise SettingsInvalid", "SettingsInvalid", exc["type"])
    _expect(is_a(exc, "ValueError"), "SettingsInvalid should be a ValueError", "a ValueError", " → ".join(exc["mro"]))
    _expect(exc["fields"].get("key") == "broken.json", "SettingsInvalid.key should be the key", "'broken.json'", None)
    cause = exc.get("cause")
    _expect(isinstance(cause, dict) and is_a(cause, "ValueError"), "chain json's error: `from err`",
           "__cause__ JSONDecodeError", show(cause and cause.get("type")))  # fmt: skip
    for label, want in (("denied", "PermissionError"), ("timeout", "TimeoutError")):
        exc = raised(data[label], f"{data[label]['call']} should let the store's {want} through")
        _expect(
            exc["type"] == want,
            f"{data[label]['call']}: only a missing key is 'missing'; let {want} through unchanged for the caller",
            want,
            exc["type"],
        )
    judge_lint(data, ("read_settings", "SettingsMissing", "SettingsInvalid"))


# -- 7.4 skip what is already gone, swallow nothing else ---------------------------------------------


def _remover(fail: dict[str, BaseException]) -> tuple[list[str], Callable[[str], None]]:
    calls: list[str] = []

    def remove(path: str) -> None:
        calls.append(path)
        if path in fail:
            raise fail[path]

    return calls, remove


_SCENARIOS: dict[str, dict[str, BaseException]] = {
    "all present": {},
    "b already gone": {"b": FileNotFoundError(2, "No such file or directory", "b")},
    "a and b already gone": {
        "a": FileNotFoundError(2, "No such file or directory", "a"),
        "b": FileNotFoundError(2, "No such file or directory", "b"),
    },
    "b not allowed": {"b": PermissionError(13, "Permission denied", "b")},
    "Ctrl-C during a": {"a": KeyboardInterrupt()},
    "disk error on c": {"c": OSError(5, "Input/output error", "c")},
}


def _observe_remove_all(probe: Probe) -> dict[str, Any]:
    remove_all = probe.get("remove_all")
    data: dict[str, Any] = {}
    for label, fail in _SCENARIOS.items():
        calls, remove = _remover(fail)
        outcome = probe.call(f"remove_all(['a', 'b', 'c'], remove) with {label}", remove_all, ["a", "b", "c"], remove)
        data[label] = {"outcome": outcome, "calls": calls}
    data.update(_sources_and_lint_input(probe, ("remove_all",)))
    return data


def _judge_remove_all(data: dict[str, Any]) -> None:
    for label, count in (("all present", 3), ("b already gone", 2), ("a and b already gone", 1)):
        run = data[label]
        got = returned(run["outcome"])
        _expect(got == count, f"{run['outcome']['call']} should return {count}, the paths it removed", count, show(got))
        _expect(run["calls"] == ["a", "b", "c"], f"{run['outcome']['call']} should try every path", "a, b, c",
               ", ".join(run["calls"]))  # fmt: skip
    for label, want, calls in (
        ("b not allowed", "PermissionError", ["a", "b"]),
        ("Ctrl-C during a", "KeyboardInterrupt", ["a"]),
        ("disk error on c", "OSError", ["a", "b", "c"]),
    ):
        run = data[label]
        exc = raised(run["outcome"], f"{run['outcome']['call']} should let {want} out: only a missing file is fine")
        _expect(exc["type"] == want, f"{run['outcome']['call']} should raise {want} unchanged", want, exc["type"])
        _expect(run["calls"] == calls, f"{run['outcome']['call']} should stop at the error", ", ".join(calls),
               ", ".join(run["calls"]))  # fmt: skip
    judge_lint(data, ("remove_all",))


# -- 7.5 cleanup that does not swallow the error ---------------------------------------------------


def _lease_run(probe: Probe, label: str, with_lease: Any, work_error: BaseException | None,
               release_error: BaseException | None = None) -> dict[str, Any]:  # fmt: skip
    log: list[str] = []

    def acquire() -> str:
        log.append("acquire")
        return "lease-1"

    def release(lease: str) -> None:
        log.append(f"release {lease}")
        if release_error is not None:
            raise release_error

    def work(lease: str) -> str:
        log.append(f"work {lease}")
        if work_error is not None:
            raise work_error
        return "deployed"

    outcome = probe.call(label, with_lease, acquire, release, work)
    return {"outcome": outcome, "log": log}


def _observe_with_lease(probe: Probe) -> dict[str, Any]:
    with_lease = probe.get("with_lease")
    return {
        "ok": _lease_run(probe, "with_lease(acquire, release, work)", with_lease, None),
        "fails": _lease_run(probe, "with_lease(...) when work raises TimeoutError", with_lease,
                            TimeoutError("push timed out")),  # fmt: skip
        "interrupted": _lease_run(probe, "with_lease(...) when Ctrl-C hits during work", with_lease,
                                  KeyboardInterrupt()),  # fmt: skip
        "release_fails": _lease_run(probe, "with_lease(...) when release raises ConnectionResetError",
                                    with_lease, None, ConnectionResetError(104, "Connection reset by peer")),  # fmt: skip
        **_sources_and_lint_input(probe, ("with_lease",)),
    }


def _judge_with_lease(data: dict[str, Any]) -> None:
    run = data["ok"]
    got = returned(run["outcome"])
    _expect(got == "deployed", f"{run['outcome']['call']} should return what work returned", "'deployed'", show(got))
    full = ["acquire", "work lease-1", "release lease-1"]
    _expect(run["log"] == full, "acquire, work, then release once", ", ".join(full), ", ".join(run["log"]))
    for label, want in (("fails", "TimeoutError"), ("interrupted", "KeyboardInterrupt")):
        run = data[label]
        exc = raised(run["outcome"], f"{run['outcome']['call']} should raise {want}: nothing may swallow it")
        _expect(exc["type"] == want, f"{run['outcome']['call']} should raise {want} unchanged", want, exc["type"])
        _expect(run["log"] == full, f"{run['outcome']['call']}: release exactly once, after work", ", ".join(full),
               ", ".join(run["log"]))  # fmt: skip
    run = data["release_fails"]
    exc = raised(run["outcome"], f"{run['outcome']['call']} should raise: a failed release is an error too")
    _expect(exc["type"] == "ConnectionResetError", f"{run['outcome']['call']} should raise it unchanged",
           "ConnectionResetError", exc["type"])  # fmt: skip
    judge_lint(data, ("with_lease",))


EXERCISES = (
    Exercise(
        id="7.1",
        lesson=LESSON,
        title="a lookup that raises the library's error, not KeyError",
        points=2,
        hints=(
            "`registry[name]` raises KeyError for a missing name: catch exactly that (`except KeyError`), around "
            "exactly that line, and raise ModelNotFound(name) instead.",
            "Inside `except KeyError as err:`, `raise ModelNotFound(name) from err` keeps the KeyError as the cause "
            "(ruff's B904 asks you to choose `from err` or `from None`). `.get(name)` is not enough: a model "
            "stored as None or 0 is still a model.",
        ),
        names=("get_model",),
        observe=_observe_get_model,
        judge=_judge_get_model,
        success="get_model raises ModelNotFound with a deliberate chain, returns falsy models, and ruff is quiet.",
    ),
    Exercise(
        id="7.2",
        lesson=LESSON,
        title="a port check that survives python -O",
        points=2,
        hints=(
            "`python -O` deletes every assert statement, so the check must be an `if` that raises.",
            "`if not 1 <= port <= 65535: raise ValueError(f'not a TCP port: {port}')`. Port 0 is not a port you can "
            "connect to: to the OS it means 'pick any free port'.",
        ),
        names=("validate_port",),
        observe=_observe_validate_port,
        judge=_judge_validate_port,
        success="validate_port rejects 0, negatives and values above 65535, with or without -O.",
    ),
    Exercise(
        id="7.3",
        lesson=LESSON,
        title="typed errors instead of error strings",
        points=3,
        hints=(
            "Two classes: SettingsMissing(LookupError) and SettingsInvalid(ValueError), each storing the key. Then "
            "catch FileNotFoundError around get_object and json.JSONDecodeError around json.loads.",
            "`raise SettingsMissing(key) from err`. PermissionError and TimeoutError are OSErrors too: catching "
            "OSError (or Exception) would turn 'not allowed' and 'try again' into 'missing'. Catch only "
            "FileNotFoundError, and let the rest through.",
        ),
        names=("read_settings", "SettingsMissing", "SettingsInvalid"),
        observe=_observe_read_settings,
        judge=_judge_read_settings,
        success="read_settings raises typed, chained errors a caller can handle, and lets other faults through.",
    ),
    Exercise(
        id="7.4",
        lesson=LESSON,
        title="skip what is already gone, swallow nothing else",
        points=2,
        hints=(
            "Only FileNotFoundError means 'already gone'. Catch that one class, inside the loop, and go on.",
            "`try: remove(path)` / `except FileNotFoundError: continue` / then count. PermissionError and "
            "OSError(EIO) are not 'already gone', and Ctrl-C is a KeyboardInterrupt, which `except Exception` "
            "misses but `except:` and `except BaseException` swallow.",
        ),
        names=("remove_all",),
        observe=_observe_remove_all,
        judge=_judge_remove_all,
        success="remove_all skips missing paths and lets PermissionError, OSError and Ctrl-C through.",
    ),
    Exercise(
        id="7.5",
        lesson=LESSON,
        title="cleanup that never swallows the error",
        points=2,
        hints=(
            "A `return` inside `finally` throws away the exception in flight (ruff B012). Release in `finally`, "
            "return from the `try`.",
            "`lease = acquire()` before the try (nothing to release if it fails), then `try: return work(lease)` / "
            "`finally: release(lease)`. A `with` block around a context manager does the same.",
        ),
        names=("with_lease",),
        observe=_observe_with_lease,
        judge=_judge_with_lease,
        success="with_lease releases exactly once and lets every error out, Ctrl-C included.",
    ),
)
