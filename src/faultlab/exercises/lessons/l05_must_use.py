"""Lesson 05: must_use — results that can't be ignored, and the tools that catch ignored ones.

No check here runs a static tool: each one observes behaviour (warnings recorded, values
returned, calls made, tasks left running), so the grader's sandbox needs neither a
subprocess nor the network. The lesson runs the tools; the exercises test what they point at.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import gc
import inspect
import logging
import os
import re
import sys
import threading
import traceback
import types
import typing
import warnings
from collections.abc import Callable, Coroutine, Iterator
from typing import Any

from faultlab.exercises._exercise import Exercise
from faultlab.exercises._judge import expect, raised, returned, show
from faultlab.exercises._observe import run_coroutine as _run_in_thread
from faultlab.exercises._observe import Probe, describe, jsonable

LESSON = "05_must_use"

# -- 5.1 the runtime guard ----------------------------------------------------------------
# The observer builds every guarded value from code compiled under this file name, so the
# place of creation is known exactly: "<deploy.py>:2" for make_a, "<deploy.py>:6" for make_b.
_SITE = "<deploy.py>"
_MAKERS = """\
def make_a(value):
    return MustUse(value)


def make_b(value):
    return MustUse(value)
"""


def _warned(record: list[warnings.WarningMessage], category: type) -> list[dict[str, Any]]:
    out = []
    for w in record:
        cat = w.category
        out.append(
            {
                "category": cat.__name__,
                "mine": isinstance(cat, type) and issubclass(cat, category),
                "message": str(w.message)[:500],
            }
        )
    return out


# Grading refuses frame access (docs/grading.md): in `faultlab grade` the sandbox's audit hook
# raises at sys._getframe() unless the caller is one of the standard library's functions that
# return plain data. In a notebook nothing refuses it, so the check profiles the guard's calls
# and reports the same refusal, for one verdict in both places.
_FRAME_CALLS = (sys._getframe, sys._current_frames)
_REFUSAL = "used sys._getframe() (frame access), which grading does not allow"


def _frame_readers() -> dict[types.CodeType, frozenset[types.CodeType] | None]:
    """The grader's allowed frame readers that a guard may use: code -> allowed callers (None: any)."""
    funcs: tuple[object, ...] = (
        traceback.extract_stack,
        traceback.format_stack,
        traceback.print_stack,
        collections.namedtuple,
        getattr(typing, "_caller", None),
    )
    codes = (getattr(f, "__code__", None) for f in funcs)
    readers: dict[types.CodeType, frozenset[types.CodeType] | None] = {
        code: None for code in codes if isinstance(code, types.CodeType)
    }
    # logging finds the caller's line with currentframe(), which returns a frame: only for findCaller.
    readers[logging.currentframe.__code__] = frozenset({logging.Logger.findCaller.__code__})
    return readers


@contextlib.contextmanager
def _refusing_frames(used: list[str]) -> Iterator[None]:
    """Record frame access where nothing refuses it (a notebook, a test), as the grader refuses it."""
    if os.environ.get("FAULTLAB_SANDBOX") == "1" or sys.getprofile() is not None:
        yield  # the audit hook refuses it there; never replace someone's profiler
        return
    readers = _frame_readers()

    def profile(frame: types.FrameType, event: str, arg: object) -> None:
        if event != "c_call" or arg not in _FRAME_CALLS:
            return
        code = frame.f_code
        if code in readers:
            callers = readers[code]
            back = frame.f_back
            if callers is None or (back is not None and back.f_code in callers):
                return
        used.append(_REFUSAL)

    sys.setprofile(profile)
    try:
        yield
    finally:
        sys.setprofile(None)


def _scenario(run: Callable[[], Any], category: type) -> dict[str, Any]:
    """Run one use of the guard with every warning recorded, collecting garbage at the end."""
    frames: list[str] = []
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        try:
            with _refusing_frames(frames):
                value = run()
                gc.collect()
            if frames:
                raise PermissionError(frames[0])
        except BaseException as exc:  # noqa: BLE001 - the learner's error is an observation
            gc.collect()
            return {"raised": describe(exc), "warnings": _warned(record, category)}
    return {"returned": jsonable(value), "warnings": _warned(record, category)}


def _observe_guard(probe: Probe) -> dict[str, Any]:
    must_use = probe.get("MustUse")
    category = probe.get("UnusedResultWarning")
    out: dict[str, Any] = {
        "category_mro": [c.__name__ for c in category.__mro__] if isinstance(category, type) else None
    }
    if not isinstance(category, type):
        return out
    space: dict[str, Any] = {"MustUse": must_use, "__name__": "faultlab.exercises.lessons.deploy"}
    exec(compile(_MAKERS, _SITE, "exec"), space)  # noqa: S102 - our own code, fixed text
    make_a, make_b = space["make_a"], space["make_b"]

    def dropped() -> None:
        make_a("weights/llama.bin")

    def unwrapped() -> Any:
        guarded = make_a(0)
        return guarded.unwrap()

    def ignored() -> None:
        make_a("scratch").ignore()

    def in_thread() -> Any:
        guarded = make_a(7)
        box: list[Any] = []
        worker = threading.Thread(target=lambda: box.append(guarded.unwrap()), name="faultlab-check-reader")
        worker.start()
        worker.join(10)
        del guarded
        return box

    def one_of_two() -> Any:
        first, second = make_a(1), make_b(2)
        got = first.unwrap()
        del first, second
        return got

    def both_dropped() -> None:
        make_a(3)
        make_b(4)

    for name, run in (
        ("dropped", dropped),
        ("unwrapped", unwrapped),
        ("ignored", ignored),
        ("thread", in_thread),
        ("one_of_two", one_of_two),
        ("both_dropped", both_dropped),
    ):
        out[name] = _scenario(run, category)
    return out


_SITE_A = re.compile(r"<deploy\.py>(:|\"?, line )2\b")
_SITE_B = re.compile(r"<deploy\.py>(:|\"?, line )6\b")


def _judge_warnings(rec: dict[str, Any], what: str, sites: list[re.Pattern[str]]) -> None:
    if "raised" in rec:
        returned(rec | {"call": what})
    got = rec["warnings"]
    expect(
        len(got) == len(sites),
        f"{what} should give exactly {len(sites)} warning{'s' if len(sites) != 1 else ''}",
        expected=len(sites),
        got=f"{len(got)}: " + "; ".join(f"{w['category']}: {w['message']}" for w in got) if got else "0",
    )
    for warning in got:
        expect(
            warning["mine"],
            f"{what}: the warning should be an UnusedResultWarning",
            expected="UnusedResultWarning",
            got=warning["category"],
        )
    messages = [w["message"] for w in got]
    for site in sites:
        expect(
            any(site.search(m) for m in messages),
            f"{what}: the warning should say where the value was created (file:line of the MustUse(...) call)",
            expected="… <deploy.py>:" + ("2" if site is _SITE_A else "6") + " …",
            got=show(messages),
        )


def _judge_guard(data: dict[str, Any]) -> None:
    mro = data.get("category_mro")
    expect(
        isinstance(mro, list) and "ResourceWarning" in mro,
        "UnusedResultWarning should be a class that subclasses ResourceWarning",
        expected="UnusedResultWarning → ResourceWarning → Warning",
        got=" → ".join(mro) if isinstance(mro, list) else "not a class",
    )
    _judge_warnings(data["dropped"], "a MustUse dropped without unwrap() or ignore()", [_SITE_A])
    _judge_warnings(data["unwrapped"], "a MustUse whose unwrap() was called", [])
    value = data["unwrapped"]["returned"]
    expect(value == 0, "unwrap() should return the wrapped value (here 0)", expected=0, got=show(value))
    _judge_warnings(data["ignored"], "a MustUse dropped on purpose with ignore()", [])
    _judge_warnings(data["thread"], "a MustUse unwrapped in another thread", [])
    box = data["thread"]["returned"]
    expect(box == [7], "unwrap() in another thread should return the value", expected=[7], got=show(box))
    _judge_warnings(data["one_of_two"], "two values, only the first unwrapped", [_SITE_B])
    _judge_warnings(data["both_dropped"], "two values dropped one after the other", [_SITE_A, _SITE_B])


# -- 5.2 parse, don't validate ------------------------------------------------------------
_GOOD = {"image": "registry.local/llama-server:1.4", "port": 8080, "replicas": 3}
_ACCEPT: tuple[tuple[str, dict[str, Any]], ...] = (
    ("the example", _GOOD),
    ("port 1", _GOOD | {"port": 1}),
    ("port 65535", _GOOD | {"port": 65535}),
    ("replicas 1", _GOOD | {"replicas": 1}),
    ("replicas 64", _GOOD | {"replicas": 64}),
)
_REJECT: tuple[tuple[str, dict[str, Any], str], ...] = (
    ("port 0", _GOOD | {"port": 0}, "port"),
    ("port 65536", _GOOD | {"port": 65536}, "port"),
    ("port True", _GOOD | {"port": True}, "port"),
    ("port '8080'", _GOOD | {"port": "8080"}, "port"),
    ("port 8080.0", _GOOD | {"port": 8080.0}, "port"),
    ("replicas 0", _GOOD | {"replicas": 0}, "replicas"),
    ("replicas 65", _GOOD | {"replicas": 65}, "replicas"),
    ("replicas False", _GOOD | {"replicas": False}, "replicas"),
    ("image without a tag", _GOOD | {"image": "llama-server"}, "image"),
    ("image with an empty tag", _GOOD | {"image": "llama-server:"}, "image"),
    ("image with no name", _GOOD | {"image": ":1.4"}, "image"),
    ("image with a space", _GOOD | {"image": "llama server:1.4"}, "image"),
    ("image not a str", _GOOD | {"image": 14}, "image"),
    ("no port", {"image": _GOOD["image"], "replicas": 3}, "port"),
    ("no image", {"port": 8080, "replicas": 3}, "image"),
    ("an unknown key 'replica'", _GOOD | {"replica": 5}, "replica"),
)
_FIELDS = ("image", "port", "replicas")


def _config_record(cfg: Any) -> dict[str, Any]:
    return {
        "type": type(cfg).__name__,
        "fields": {name: jsonable(getattr(cfg, name, "<missing>")) for name in _FIELDS},
    }


def _observe_config(probe: Probe) -> dict[str, Any]:
    parse = probe.get("parse_config")
    error = probe.get("ConfigError")
    validated = probe.get("ValidatedConfig")
    out: dict[str, Any] = {
        "error_mro": [c.__name__ for c in error.__mro__] if isinstance(error, type) else None,
        "accept": [],
        "reject": [],
    }
    for label, raw in _ACCEPT:
        made, cfg = probe.catch(f"parse_config({raw!r})  # {label}", parse, dict(raw))
        rec: dict[str, Any] = {"outcome": made}
        if "returned" in made:
            rec["config"] = _config_record(cfg)
            rec["validated"] = isinstance(validated, type) and isinstance(cfg, validated)
        out["accept"].append(rec)
    for label, raw, field in _REJECT:
        made, exc = probe.catch(f"parse_config({raw!r})  # {label}", parse, dict(raw))
        rec = {"outcome": made, "want": field}
        if isinstance(exc, BaseException):
            rec["field"] = jsonable(getattr(exc, "field", "<no .field>"))
            rec["is_config_error"] = isinstance(error, type) and isinstance(exc, error)
        out["reject"].append(rec)
    made, cfg = probe.catch("parse_config(example)", parse, dict(_GOOD))
    if "returned" in made:

        def mutate() -> Any:
            cfg.port = 0
            return getattr(cfg, "port", None)

        out["mutate"] = probe.call("config.port = 0", mutate)
    out["direct"] = probe.call(
        "ValidatedConfig(image='llama-server', port=0, replicas=0)",
        lambda: _config_record(validated(image="llama-server", port=0, replicas=0)),
    )
    return out


def _judge_config(data: dict[str, Any]) -> None:
    mro = data.get("error_mro")
    expect(
        isinstance(mro, list) and "ValueError" in mro,
        "ConfigError should be a class that subclasses ValueError",
        got=" → ".join(mro) if isinstance(mro, list) else "not a class",
    )
    for (_, raw), rec in zip(_ACCEPT, data["accept"], strict=True):
        call = rec["outcome"]["call"]
        exc = rec["outcome"].get("raised")
        expect(
            exc is None,
            f"{call} should accept this valid config",
            expected="a ValidatedConfig",
            got=f"raised {exc['type']}: {show(exc['str'])}" if exc else None,
        )
        got = rec["config"]
        expect(
            rec["validated"],
            f"{call} should return a ValidatedConfig",
            expected="ValidatedConfig",
            got=got["type"],
        )
        want = {k: raw[k] for k in _FIELDS}
        expect(got["fields"] == want, f"{call} should keep every field", expected=show(want), got=show(got["fields"]))
    for rec in data["reject"]:
        outcome, field = rec["outcome"], rec["want"]
        call = outcome["call"]
        exc = raised(outcome, f"{call} should raise ConfigError")
        expect(
            rec.get("is_config_error", False),
            f"{call} should raise your ConfigError (not a KeyError or TypeError from inside)",
            expected="ConfigError",
            got=f"{exc['type']}: {show(exc['str'])}",
        )
        expect(
            rec.get("field") == field,
            f"{call}: the ConfigError's .field should name the bad field",
            expected=repr(field),
            got=show(rec.get("field")),
        )
        text = exc["str"] if isinstance(exc["str"], str) else ""
        expect(
            field in text,
            f"{call}: the message should name the field",
            expected=f"a message mentioning {field!r}",
            got=show(exc["str"]),
        )
    mutate = data.get("mutate", {})
    expect(
        "raised" in mutate and "AttributeError" in mutate["raised"]["mro"],
        "a ValidatedConfig should be immutable: config.port = 0 should raise (a frozen dataclass does)",
        expected="FrozenInstanceError or another AttributeError",
        got=f"it returned {show(mutate.get('returned'))}" if "returned" in mutate else show(mutate),
    )
    expect(
        "raised" in data["direct"],
        "ValidatedConfig(...) built directly with bad values should raise: an invalid config must not exist",
        expected="an exception",
        got=f"a config {show(data['direct'].get('returned'))}",
    )


# -- 5.3 a Result-returning function used correctly ---------------------------------------
_FLEETS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("all drain", ("gpu-1", "gpu-2", "gpu-3")),
    ("gpu-2 is busy", ("gpu-1", "gpu-2", "gpu-3", "gpu-4")),
    ("the first is busy", ("gpu-7", "gpu-1")),
    ("no nodes", ()),
    ("the last is busy", ("gpu-1", "gpu-3", "gpu-9")),
)
_BUSY = frozenset({"gpu-2", "gpu-7", "gpu-9"})


def _result_record(value: Any) -> dict[str, Any]:
    from returns.result import Failure, Success

    if isinstance(value, Success):
        return {"kind": "Success", "inner": jsonable(value.unwrap())}
    if isinstance(value, Failure):
        return {"kind": "Failure", "inner": jsonable(value.failure())}
    return {"kind": type(value).__name__, "inner": jsonable(value)}


def _observe_rollout(probe: Probe) -> dict[str, Any]:
    from returns.result import Failure, Result, Success

    rollout = probe.get("rollout")
    out = []
    for label, nodes in _FLEETS:
        calls: list[str] = []

        def drain(node: str) -> Result[str, str]:
            calls.append(node)  # noqa: B023 - each fleet gets its own list, read right after
            if node in _BUSY:
                return Failure(f"{node}: busy")
            return Success(f"{node} drained")

        made, value = probe.catch(f"rollout({list(nodes)!r}, drain)  # {label}", rollout, list(nodes), drain)
        rec: dict[str, Any] = {"outcome": made, "calls": list(calls)}
        if "returned" in made:
            rec["result"] = _result_record(value)
        out.append(rec)
    return {"fleets": out}


def _expected_rollout(nodes: tuple[str, ...]) -> tuple[dict[str, Any], list[str]]:
    done = []
    for i, node in enumerate(nodes):
        if node in _BUSY:
            return {"kind": "Failure", "inner": f"{node}: busy"}, list(nodes[: i + 1])
        done.append(f"{node} drained")
    return {"kind": "Success", "inner": done}, list(nodes)


def _judge_rollout(data: dict[str, Any]) -> None:
    for (_, nodes), rec in zip(_FLEETS, data["fleets"], strict=True):
        call = rec["outcome"]["call"]
        want, want_calls = _expected_rollout(nodes)
        exc = rec["outcome"].get("raised")
        expect(
            exc is None,
            f"{call} should return a Result, never raise: a Failure is a value",
            expected=f"{want['kind']}({show(want['inner'])})",
            got=f"raised {exc['type']}: {show(exc['str'])}" if exc else None,
        )
        got = rec["result"]
        expect(
            got["kind"] in ("Success", "Failure"),
            f"{call} should return returns' Success or Failure",
            expected=want["kind"],
            got=f"a {got['kind']}: {show(got['inner'])}",
        )
        expect(
            got == want,
            f"{call} should return {want['kind']} with "
            + ("every node's message, in order" if want["kind"] == "Success" else "drain's own error, unchanged"),
            expected=f"{want['kind']}({show(want['inner'])})",
            got=f"{got['kind']}({show(got['inner'])})",
        )
        expect(
            rec["calls"] == want_calls,
            f"{call} should drain in order and stop at the first Failure",
            expected=show(want_calls),
            got=show(rec["calls"]),
        )


# -- 5.4 no dropped tasks -----------------------------------------------------------------
class _Uploads:
    """A fake uploader counting how many uploads run at once and how many are left running."""

    def __init__(self, ticks: dict[str, int], fail: frozenset[str]) -> None:
        self.ticks, self.fail = ticks, fail
        self.active = 0
        self.peak = 0
        self.finished: list[str] = []
        self.started: list[str] = []

    async def upload(self, key: str) -> int:
        self.started.append(key)
        self.active += 1
        self.peak = max(self.peak, self.active)
        try:
            for _ in range(self.ticks[key]):
                await asyncio.sleep(0)
            if key in self.fail:
                raise ConnectionResetError(104, f"upload of {key} reset")
            self.finished.append(key)
            return len(key)
        finally:
            self.active -= 1


_UPLOAD_CASES: tuple[tuple[str, dict[str, int], frozenset[str]], ...] = (
    ("three uploads, the first is slowest", {"a.bin": 6, "bb.bin": 3, "ccc.bin": 1}, frozenset()),
    ("one key", {"model.safetensors": 2}, frozenset()),
    ("no keys", {}, frozenset()),
    ("bb.bin fails fast, the others are slow", {"a.bin": 40, "bb.bin": 1, "ccc.bin": 40}, frozenset({"bb.bin"})),
)


def _observe_uploads(probe: Probe) -> dict[str, Any]:
    upload_all = probe.get("upload_all")
    out = []
    for label, ticks, fail in _UPLOAD_CASES:
        fake = _Uploads(ticks, fail)
        keys = list(ticks)
        after: dict[str, Any] = {}
        loop_errors: list[str] = []

        async def main(
            fake: _Uploads = fake, keys: list[str] = keys, after: dict[str, Any] = after, errors: list[str] = loop_errors
        ) -> Any:
            # What asyncio would log (such as "Task exception was never retrieved") is kept as data.
            asyncio.get_running_loop().set_exception_handler(
                lambda _loop, context: errors.append(str(context.get("message", ""))[:300])
            )
            try:
                made = upload_all(keys, fake.upload)
                return await made if inspect.isawaitable(made) else made
            finally:
                await asyncio.sleep(0)
                await asyncio.sleep(0)
                after["running"] = fake.active

        with warnings.catch_warnings(record=True) as record:
            warnings.simplefilter("always")
            outcome = probe.call(f"await upload_all({keys!r}, upload)  # {label}", _run_in_thread, main, what="upload_all")
        out.append(
            {
                "outcome": outcome,
                "peak": fake.peak,
                "started": sorted(fake.started),
                "running_after": after.get("running"),
                "warnings": [f"{w.category.__name__}: {w.message}"[:300] for w in record] + loop_errors,
            }
        )
    return {"cases": out}


def _group_holds(exc: dict[str, Any], type_name: str) -> bool:
    if type_name in exc["mro"]:
        return True
    return any(_group_holds(e, type_name) for e in exc.get("exceptions", []))


def _judge_uploads(data: dict[str, Any]) -> None:
    for (_, ticks, fail), rec in zip(_UPLOAD_CASES, data["cases"], strict=True):
        outcome = rec["outcome"]
        call = outcome["call"]
        keys = list(ticks)
        never = [w for w in rec["warnings"] if "never awaited" in w or "never retrieved" in w]
        expect(
            not never,
            f"{call}: every coroutine should be awaited and every task's result or error collected",
            expected="no warning",
            got=show(never),
        )
        expect(
            rec["started"] == sorted(keys),
            f"{call} should start one upload per key",
            expected=show(sorted(keys)),
            got=show(rec["started"]),
        )
        if fail:
            exc = raised(outcome, f"{call} should raise: a failed upload must not be lost")
            expect(
                _group_holds(exc, "ConnectionResetError"),
                f"{call} should raise the upload's ConnectionResetError (or an ExceptionGroup holding it)",
                expected="ConnectionResetError",
                got=f"{exc['type']}: {show(exc['str'])}",
            )
            expect(
                rec["running_after"] == 0,
                f"{call}: when upload_all raises, no other upload should be left running behind it "
                "(a TaskGroup cancels them; with gather, cancel and await them)",
                expected="0 uploads still running",
                got=f"{rec['running_after']} still running",
            )
            continue
        got = returned(outcome)
        want = [len(k) for k in keys]
        expect(got == want, f"{call} should return each upload's size, in key order", expected=want, got=show(got))
        if len(keys) > 1:
            expect(
                rec["peak"] == len(keys),
                f"{call} should run the uploads concurrently (all in flight at once), not one after another",
                expected=f"{len(keys)} at once",
                got=f"at most {rec['peak']} at once",
            )


EXERCISES = (
    Exercise(
        id="5.1",
        lesson=LESSON,
        title="MustUse: a value that warns when it is dropped unread",
        points=4,
        hints=(
            "Keep a per-instance flag, set by unwrap() and ignore(). When the object is collected, "
            "warn if the flag is still unset: __del__ is the simplest place; weakref.finalize works too.",
            "Record where the value was made in __init__: traceback.extract_stack(limit=2)[0] is the "
            "caller's line, with .filename and .lineno; put 'created at {file}:{line}' in the message. "
            "Grading refuses frame access (sys._getframe, inspect.stack, inspect.currentframe).",
            "A weakref.finalize callback must not hold the object itself (no bound method, no self in its "
            "arguments): share a small mutable state object instead, or the object is never collected. "
            "A threading.local flag is invisible to other threads: use a plain attribute.",
        ),
        names=("MustUse", "UnusedResultWarning"),
        observe=_observe_guard,
        judge=_judge_guard,
        success="a dropped MustUse warns once, with where it was created; a used one stays silent, in any thread.",
    ),
    Exercise(
        id="5.2",
        lesson=LESSON,
        title="parse_config: a ValidatedConfig that cannot exist unless valid",
        points=4,
        hints=(
            "A frozen dataclass ValidatedConfig whose __post_init__ checks each field and raises "
            "ConfigError(field, message); parse_config only picks the keys out of the mapping.",
            "bool is a subclass of int: test `type(value) is int` (or isinstance(value, bool) first). "
            "A missing key must be a ConfigError too, not a KeyError; so must a key you don't know.",
            "An image is 'name:tag': rpartition(':') and check both sides are non-empty with no whitespace.",
        ),
        names=("parse_config", "ValidatedConfig", "ConfigError"),
        observe=_observe_config,
        judge=_judge_config,
        success="only a valid config can exist, and every rejection names its field.",
    ),
    Exercise(
        id="5.3",
        lesson=LESSON,
        title="rollout: use every Result, stop at the first Failure",
        points=3,
        hints=(
            "Loop over the nodes; for each, look at what drain(node) returned before going on: "
            "match result: case Success(message): ... case Failure(_): return result.",
            "Return the Failure you got, unchanged: it already holds drain's error. "
            "At the end, return Success(messages).",
            "Never call .unwrap() on a Result you have not checked: on a Failure it raises UnwrapFailedError.",
        ),
        names=("rollout",),
        observe=_observe_rollout,
        judge=_judge_rollout,
        success="every Result is looked at, and the first Failure stops the rollout.",
    ),
    Exercise(
        id="5.4",
        lesson=LESSON,
        title="upload_all: no dropped tasks, no lost errors",
        points=3,
        hints=(
            "Keep every task: async with asyncio.TaskGroup() as tg: tasks = [tg.create_task(upload(k)) "
            "for k in keys]; then return [t.result() for t in tasks].",
            "A TaskGroup cancels the other uploads when one fails and waits for them before raising an "
            "ExceptionGroup. asyncio.gather(*coros) is also fine if, on error, you cancel the rest and wait.",
            "Awaiting each upload in turn is correct but serial: start them all first, then wait.",
        ),
        names=("upload_all",),
        observe=_observe_uploads,
        judge=_judge_uploads,
        success="every upload is awaited, results come back in order, and a failure surfaces with nothing left running.",
    ),
)
