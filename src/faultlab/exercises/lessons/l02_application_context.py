"""Lesson 02: application errors with context (the anyhow pattern in Python).

Each observer runs the learner's helper or pipeline against a fresh demo world with
faults armed, and records plain data: what was raised (``describe``), and a few facts
only a live object can tell, computed here, next to the learner's code: whether the
cause *is* the original exception, whether its traceback still holds the frame that
raised it, whether an interrupt came out as the very same object, how many times a
message factory was called.
"""

from __future__ import annotations

import asyncio
import errno
import traceback
from collections.abc import Callable
from typing import Any

from faultlab.exercises._exercise import Exercise
from faultlab.exercises._judge import Fail, exc_line, expect, raised, returned, show
from faultlab.exercises._observe import Probe
from faultlab.world import World

LESSON = "02_application_context"

_URI = "s3://models/resnet.onnx"


def _short(name: Any) -> str:
    return str(name).rsplit(".", 1)[-1]


def _isa(exc: dict[str, Any], name: str) -> bool:
    """Whether an observed exception is a ``name``, wherever the learner defined the class."""
    return any(_short(m) == name for m in exc.get("mro", []))


def _frames(exc: BaseException | None) -> list[str]:
    if exc is None or exc.__traceback__ is None:
        return []
    # lookup_lines=False: the names are enough, no source file is read (the sandbox may have none)
    summary = traceback.StackSummary.extract(traceback.walk_tb(exc.__traceback__), lookup_lines=False)
    return [frame.name for frame in summary]


class _Boom:
    """Failures raised from a named function, so a check can find its frame in a traceback."""

    def __init__(self, error: Callable[[], BaseException]) -> None:
        self.error = error
        self.raised: BaseException | None = None
        self.runs = 0

    def write_layer(self) -> str:
        self.runs += 1
        exc = self.error()
        self.raised = exc
        raise exc


def _disk_full() -> BaseException:
    return OSError(errno.ENOSPC, "No space left on device", "layers/resnet:1.0/2")


def _reset() -> BaseException:
    return ConnectionResetError(errno.ECONNRESET, "Connection reset by peer")


def _record(outcome: dict[str, Any], live: Any, boom: _Boom) -> dict[str, Any]:
    """Add what only the live objects know to an observed outcome."""
    rec: dict[str, Any] = {"outcome": outcome, "runs": boom.runs}
    if isinstance(live, BaseException):
        rec["same_object"] = live is boom.raised
        rec["cause_is_original"] = boom.raised is not None and live.__cause__ is boom.raised
        rec["cause_frames"] = _frames(live.__cause__)
    return rec


# -- 2.1 and 2.2: the helpers -------------------------------------------------------------
def _observe_helper(
    probe: Probe, name: str, make_arg: Callable[[str], Any], mark: Callable[[str], None]
) -> dict[str, Any]:
    """Use the learner's helper both ways, failing and not; ``mark`` runs after each step."""
    helper = probe.get(name)
    probe.get("DeployError")
    arg = f"{name}({'make' if name == 'lazy_context' else repr('building image resnet:1.0')})"
    out: dict[str, Any] = {}
    calls: list[str] = []

    def with_ok() -> None:
        with helper(make_arg("building image resnet:1.0")):
            calls.append("ran")

    out["with_ok"] = {"outcome": probe.call(f"with {arg}: <a step that succeeds>", with_ok), "body_runs": len(calls)}
    mark("with_ok")
    for key, error, label in (
        ("with_fail", _disk_full, "raise OSError(ENOSPC)"),
        ("with_reset", _reset, "raise ConnectionResetError"),
        ("with_interrupt", KeyboardInterrupt, "raise KeyboardInterrupt"),
        ("with_cancel", asyncio.CancelledError, "raise asyncio.CancelledError"),
    ):
        boom = _Boom(error)

        def run(boom: _Boom = boom) -> None:
            with helper(make_arg("building image resnet:1.0")):
                boom.write_layer()

        outcome, live = probe.catch(f"with {arg}: {label}", run)
        out[key] = _record(outcome, live, boom)
        mark(key)

    # nested: the outer context wraps the inner one, as anyhow layers .context() calls
    boom = _Boom(_disk_full)

    def nested() -> None:
        with helper(make_arg("deploying resnet")), helper(make_arg("building image resnet:1.0")):
            boom.write_layer()

    outcome, live = probe.catch(f"with {name}(<'deploying resnet'>), {arg}: raise OSError", nested)
    out["nested"] = _record(outcome, live, boom)
    mark("nested")

    # as a decorator: three calls in a row, the middle one failing; then an interrupt
    for key, error in (("calls", _reset), ("interrupt_calls", KeyboardInterrupt)):
        boom = _Boom(error)
        made, decorator = probe.catch(f"{name}(<'pushing resnet:1.0'>)", helper, make_arg("pushing resnet:1.0"))
        out.setdefault("decorate", made)
        if "raised" in made:
            return out
        decorated_made, decorated = probe.catch(
            f"@{name}(...) on def push(layers, fail=False)", decorator, _pushed(boom)
        )
        out.setdefault("decorated", decorated_made)
        mark(f"decorate_{key}")
        if "raised" in decorated_made or not callable(decorated):
            return out
        out["name"] = probe.call("push.__name__", getattr, decorated, "__name__", None)
        runs = ((3, False), (4, True), (5, False)) if key == "calls" else ((4, True),)
        out[key] = []
        for layers, fail in runs:
            outcome, live = probe.catch(f"push({layers}, fail={fail})", decorated, layers, fail=fail)
            out[key].append(_record(outcome, live, boom))
            mark(f"{key}{layers}")
    return out


def _pushed(boom: _Boom) -> Callable[..., Any]:
    def push(layers: int, fail: bool = False) -> str:
        """Push ``layers`` layers."""
        if fail:
            boom.write_layer()
        return f"pushed {layers} layers"

    return push


def _judge_wrapped(rec: dict[str, Any], message: str, cause: str) -> None:
    call = rec["outcome"]["call"]
    exc = raised(rec["outcome"], f"{call} should raise DeployError, not carry on as if nothing failed")
    expect(
        _isa(exc, "DeployError"),
        f"{call} should raise DeployError",
        expected="DeployError",
        got=exc_line(exc),
    )
    expect(
        exc["str"] == message,
        f"{call}: the DeployError's message should be the context",
        expected=repr(message),
        got=show(exc["str"]),
    )
    got_cause = exc.get("cause")
    expect(
        isinstance(got_cause, dict) and rec.get("cause_is_original") is True,
        f"{call}: the original {cause} should be the DeployError's __cause__ (raise ... from exc)",
        expected=f"__cause__ is the {cause} raised inside",
        got="no __cause__"
        if not isinstance(got_cause, dict)
        else f"__cause__ is another object: {exc_line(got_cause)}",
    )
    expect(
        "write_layer" in rec.get("cause_frames", []),
        f"{call}: the cause should keep its traceback, down to the function that raised it",
        expected="a traceback ending in write_layer()",
        got=f"frames: {rec.get('cause_frames')}",
    )


def _judge_through(rec: dict[str, Any], type_name: str) -> None:
    call = rec["outcome"]["call"]
    exc = raised(rec["outcome"], f"{call} should let {type_name} out: an interrupt must never be swallowed")
    expect(
        _short(exc["type"]) == type_name and rec.get("same_object") is True,
        f"{call} should let the very same {type_name} through, unwrapped: it is not an error to add context to",
        expected=type_name,
        got=exc_line(exc),
    )


def _judge_helper(data: dict[str, Any], name: str) -> None:
    ok = data["with_ok"]
    returned(ok["outcome"])
    expect(
        ok["body_runs"] == 1,
        f"{ok['outcome']['call']} should run the block once",
        expected="1",
        got=show(ok["body_runs"]),
    )
    _judge_wrapped(data["with_fail"], "building image resnet:1.0", "OSError")
    _judge_wrapped(data["with_reset"], "building image resnet:1.0", "ConnectionResetError")
    _judge_through(data["with_interrupt"], "KeyboardInterrupt")
    _judge_through(data["with_cancel"], "CancelledError")
    nested = data["nested"]
    _judge_wrapped_outer = nested["outcome"]
    exc = raised(_judge_wrapped_outer, f"{_judge_wrapped_outer['call']} should raise DeployError")
    inner = exc.get("cause")
    expect(
        exc["str"] == "deploying resnet"
        and isinstance(inner, dict)
        and _isa(inner, "DeployError")
        and inner["str"] == "building image resnet:1.0"
        and isinstance(inner.get("cause"), dict)
        and _short(inner["cause"]["type"]) == "OSError",
        f"{_judge_wrapped_outer['call']}: nested contexts should chain outermost first, like anyhow",
        expected="DeployError('deploying resnet') ← DeployError('building image resnet:1.0') ← OSError",
        got=_chain_text(exc),
    )
    _judge_decorates(data, name)
    name_got = returned(data["name"])
    expect(
        name_got == "push",
        f"@{name}(...) should keep the function's name (functools.wraps)",
        expected="'push'",
        got=show(name_got),
    )
    first, failing, third = data["calls"]
    for rec, want in ((first, "pushed 3 layers"), (third, "pushed 5 layers")):
        got = returned(rec["outcome"])
        expect(
            got == want, f"{rec['outcome']['call']} should return what push returns", expected=repr(want), got=show(got)
        )
    _judge_wrapped(failing, "pushing resnet:1.0", "ConnectionResetError")
    _judge_through(data["interrupt_calls"][0], "KeyboardInterrupt")


def _judge_decorates(data: dict[str, Any], name: str) -> None:
    returned(data["decorate"])
    decorated = data.get("decorated")
    if decorated is None:
        msg = f"{name}(...) should also work as a decorator: @{name}(...) on a function"
        raise Fail(msg)
    if "raised" in decorated:
        msg = f"@{name}(...) should decorate a function"
        raise Fail(msg, expected="a callable", got=exc_line(decorated["raised"]))
    if "interrupt_calls" not in data:
        msg = f"@{name}(...) should return a callable"
        raise Fail(msg, expected="a function", got=show(decorated["returned"]))


def _chain_text(exc: dict[str, Any] | None) -> str:
    parts: list[str] = []
    while isinstance(exc, dict) and len(parts) < 6:
        parts.append(f"{_short(exc['type'])}({exc['str']!r})")
        exc = exc.get("cause")
    return " ← ".join(parts) or "nothing"


def _observe_context(probe: Probe) -> dict[str, Any]:
    return _observe_helper(probe, "context", lambda message: message, lambda _key: None)


def _judge_context(data: dict[str, Any]) -> None:
    _judge_helper(data, "context")


def _observe_lazy(probe: Probe) -> dict[str, Any]:
    built: list[str] = []
    marks: dict[str, int] = {}

    def factory(message: str) -> Callable[[], str]:
        def make() -> str:
            built.append(message)
            return message

        return make

    def mark(key: str) -> None:
        marks[key] = len(built)

    out = _observe_helper(probe, "lazy_context", factory, mark)
    out["built_after"] = marks
    return out


#: How many messages a lazy helper has built after each step: none on success, one per
#: wrapped failure (two for the nested pair), none for interrupts or for decorating.
_BUILT = (
    ("with_ok", 0, "after a block that succeeds"),
    ("with_fail", 1, "after one failing block"),
    ("with_reset", 2, "after two failing blocks"),
    ("with_cancel", 2, "after KeyboardInterrupt and CancelledError went through as well"),
    ("nested", 4, "after a failing block inside another (each context builds its message once)"),
    ("decorate_calls", 4, "after decorating push (nothing has failed yet)"),
    ("calls3", 4, "after push(3) succeeded"),
    ("calls4", 5, "after push(4, fail=True) failed"),
    ("calls5", 5, "after push(5) succeeded"),
    ("interrupt_calls4", 5, "after a decorated push raised KeyboardInterrupt"),
)


def _judge_lazy(data: dict[str, Any]) -> None:
    _judge_helper(data, "lazy_context")
    built = data["built_after"]
    for key, want, when in _BUILT:
        got = built.get(key)
        expect(
            got == want,
            f"lazy_context should call make() only when it wraps a failure, once per failure: {when}, "
            f"make() should have run {want} time(s) in all",
            expected=str(want),
            got=str(got),
        )


# -- 2.3 fetch_artifact: context that keeps the type ----------------------------------------
def _noted_reset() -> BaseException:
    exc = _reset()
    exc.add_note("store: attempt 3/3")
    return exc


def _observe_fetch(probe: Probe) -> dict[str, Any]:
    fetch = probe.get("fetch_artifact")
    world = World.demo(seed=23)
    art = world.artifacts
    real = art.download
    seen: list[BaseException] = []

    def download(uri: str, **kwargs: Any) -> Any:
        try:
            return real(uri, **kwargs)
        except BaseException as exc:
            seen.append(exc)
            raise

    art.download = download  # type: ignore[method-assign]  # record the very object raised

    def go(label: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
        before = len(seen)
        outcome, live = probe.catch(label, fetch, art, *args, **kwargs)
        rec: dict[str, Any] = {"outcome": outcome}
        if isinstance(live, BaseException):
            original = seen[before] if len(seen) > before else None
            rec["same_object"] = live is original
            rec["original"] = None if original is None else type(original).__name__
            rec["errno"] = getattr(live, "errno", None)
        return rec

    out: dict[str, Any] = {"ok": go(f"fetch_artifact(artifacts, {_URI!r})", _URI)}
    out["denied"] = go(f"fetch_artifact(artifacts, {_URI!r}, principal='mallory')", _URI, principal="mallory")
    world.store.delete_object("models", "bert.onnx")
    out["missing"] = go(
        "fetch_artifact(artifacts, 's3://models/bert.onnx')  # deleted from the store", "s3://models/bert.onnx"
    )
    art.truncate_next(1, keep_bytes=6)
    out["partial"] = go(f"fetch_artifact(artifacts, {_URI!r})  # the read stops at 6 bytes", _URI)
    art.corrupt_next(1)
    out["corrupt"] = go(
        f"fetch_artifact(artifacts, {_URI!r}, principal='bob')  # a byte flipped", _URI, principal="bob"
    )
    world.store.faults.fail_next("get_object", 1, _noted_reset)
    out["reset"] = go(f"fetch_artifact(artifacts, {_URI!r})  # reset, already noted 'store: attempt 3/3'", _URI)
    art.faults.fail_next("download", 1, KeyboardInterrupt)
    out["interrupt"] = go(f"fetch_artifact(artifacts, {_URI!r})  # Ctrl-C", _URI)
    out["again"] = go(f"fetch_artifact(artifacts, {_URI!r}, principal='bob')", _URI, principal="bob")
    return out


def _judge_fetch(data: dict[str, Any]) -> None:
    for key in ("ok", "again"):
        got = returned(data[key]["outcome"])
        expect(
            got == {"bytes": "b'RESNET-WEIGHTS'"},
            f"{data[key]['outcome']['call']} should return the artifact's bytes",
            expected="b'RESNET-WEIGHTS'",
            got=show(got),
        )
    for key, type_name, principal, uri, notes_before in (
        ("denied", "PermissionError", "mallory", _URI, []),
        ("missing", "FileNotFoundError", "admin", "s3://models/bert.onnx", []),
        ("partial", "EOFError", "admin", _URI, []),
        ("corrupt", "ValueError", "bob", _URI, []),
        ("reset", "ConnectionResetError", "admin", _URI, ["store: attempt 3/3"]),
    ):
        rec = data[key]
        call = rec["outcome"]["call"]
        exc = raised(rec["outcome"], f"{call} should raise")
        expect(
            exc["type"] == type_name,
            f"{call} should raise the download's own {type_name}, so `except {type_name}` above still catches it",
            expected=type_name,
            got=exc_line(exc),
        )
        expect(
            rec.get("same_object") is True,
            f"{call} should re-raise the very exception download raised (a bare `raise`), not a copy",
            expected="the same object, with its traceback and notes",
            got="a new exception object",
        )
        want = [*notes_before, f"fetching {uri} as {principal}"]
        expect(
            exc.get("notes") == want,
            f"{call} should add one note saying what fetch_artifact was doing, after any notes already there",
            expected=show(want),
            got=show(exc.get("notes")),
        )
    rec = data["interrupt"]
    exc = raised(rec["outcome"], f"{rec['outcome']['call']} should let KeyboardInterrupt out")
    expect(
        exc["type"] == "KeyboardInterrupt" and rec.get("same_object") is True,
        f"{rec['outcome']['call']} should let the KeyboardInterrupt through unchanged",
        expected="KeyboardInterrupt",
        got=exc_line(exc),
    )


# -- 2.4 deploy_model: choosing the layer ---------------------------------------------------
_TAG = "resnet:2.0"


def _deploy_world() -> World:
    world = World.demo(seed=24)
    world.registry.add_user("deployer", "ml")  # token "tok-deployer-2"
    return world


_TOKEN = "tok-deployer-2"  # noqa: S105 - the simulated registry's deterministic token


def _observe_deploy(probe: Probe) -> dict[str, Any]:
    deploy = probe.get("deploy_model")
    probe.get("DeployError")
    probe.get("PushDenied")
    world = _deploy_world()
    expected_world = _deploy_world()
    image = expected_world.builder.build(expected_world.artifacts.download(_URI).data, tag=_TAG)
    out: dict[str, Any] = {"expected_ref": expected_world.registry.push(image, namespace="ml", token=_TOKEN)}

    def go(label: str, uri: str = _URI, namespace: str = "ml", token: str | None = _TOKEN) -> dict[str, Any]:
        outcome, live = probe.catch(
            f"deploy_model(world, {uri!r}, {_TAG!r}, namespace={namespace!r}, token={token!r}){label}",
            deploy,
            world,
            uri,
            _TAG,
            namespace=namespace,
            token=token,
        )
        rec: dict[str, Any] = {"outcome": outcome}
        if isinstance(live, BaseException):
            rec["namespace"] = repr(getattr(live, "namespace", "<no attribute>"))
        return rec

    out["ok"] = go("")
    world.artifacts.truncate_next(1, keep_bytes=3)
    out["partial"] = go("  # the download stops early")
    world.artifacts.faults.fail_next(
        "download", 1, lambda: PermissionError(errno.EACCES, "Access Denied", "models/resnet.onnx")
    )
    out["download_denied"] = go("  # the store refuses the read")
    world.builder.fail_step(2)
    out["step"] = go("  # pip install fails in step 3")
    world.builder.fill_disk(100)
    out["disk"] = go("  # the builder's disk is full")
    world.builder.free_bytes = 10_000
    out["unauthorized"] = go("  # no token", token=None)
    out["forbidden"] = go("  # may not push to prod", namespace="prod")
    world.registry.reset_next(1, after_layers=2)
    out["reset"] = go("  # the connection resets after 2 layers")
    world.registry.fail_next_status(1, 503, retry_after=2)
    out["server"] = go("  # the registry answers 503")
    world.builder.faults.fail_next("build", 1, KeyboardInterrupt)
    out["interrupt"] = go("  # Ctrl-C during the build")
    out["again"] = go("  # all is well again")
    return out


def _judge_deploy(data: dict[str, Any]) -> None:
    want_ref = data["expected_ref"]
    for key in ("ok", "again"):
        got = returned(data[key]["outcome"])
        expect(
            got == want_ref,
            f"{data[key]['outcome']['call']} should return the reference push returns",
            expected=repr(want_ref),
            got=show(got),
        )
    download = f"failed to download model artifact {_URI}"
    build = f"failed to build container {_TAG}"
    push = f"failed to push {_TAG} to ml"
    for key, cls, message, cause in (
        ("partial", "DeployError", download, "EOFError"),
        ("download_denied", "DeployError", download, "PermissionError"),
        ("step", "DeployError", build, "CalledProcessError"),
        ("disk", "DeployError", build, "OSError"),
        ("unauthorized", "PushDenied", "push to ml denied", "PermissionError"),
        ("forbidden", "PushDenied", "push to prod denied", "PermissionError"),
        ("reset", "DeployError", push, "ConnectionResetError"),
        ("server", "DeployError", push, "HTTPError"),
    ):
        rec = data[key]
        call = rec["outcome"]["call"]
        exc = raised(rec["outcome"], f"{call} should raise {cls}")
        if cls == "DeployError":
            expect(
                not _isa(exc, "PushDenied"),
                f"{call}: only the registry's refusal is a PushDenied; a failure of any other step is a plain DeployError",
                expected="DeployError (not PushDenied)",
                got=exc_line(exc),
            )
        expect(_isa(exc, cls), f"{call} should raise {cls}", expected=cls, got=exc_line(exc))
        expect(
            exc["str"] == message,
            f"{call}: the message should say what deploy_model was doing (and only that: the cause says why)",
            expected=repr(message),
            got=show(exc["str"]),
        )
        if cls == "PushDenied":
            ns = call.split("namespace=")[1].split(",")[0].strip("'")
            expect(
                rec.get("namespace") == repr(ns),
                f"{call}: PushDenied.namespace should name the namespace the push was refused for",
                expected=repr(ns),
                got=str(rec.get("namespace")),
            )
        got_cause = exc.get("cause")
        expect(
            isinstance(got_cause, dict) and _short(got_cause["type"]) == cause,
            f"{call}: keep the service's {cause} as __cause__ (raise ... from exc)",
            expected=cause,
            got="no __cause__" if not isinstance(got_cause, dict) else exc_line(got_cause),
        )
    rec = data["interrupt"]
    exc = raised(rec["outcome"], f"{rec['outcome']['call']} should let KeyboardInterrupt out")
    expect(
        exc["type"] == "KeyboardInterrupt",
        f"{rec['outcome']['call']} should let KeyboardInterrupt through, unwrapped",
        expected="KeyboardInterrupt",
        got=exc_line(exc),
    )


EXERCISES = (
    Exercise(
        id="2.1",
        lesson=LESSON,
        title="context: add context as a context manager and a decorator",
        points=4,
        hints=(
            "contextlib.contextmanager gives you both forms at once: its objects are also decorators. "
            "Wrap the yield in try/except.",
            "Catch Exception, not BaseException: KeyboardInterrupt and asyncio.CancelledError are "
            "BaseExceptions and must pass through untouched.",
            "raise DeployError(message) from exc keeps the original as __cause__, with its traceback.",
        ),
        names=("context", "DeployError"),
        observe=_observe_context,
        judge=_judge_context,
        success="context adds what the application was doing, keeps the cause, and never eats an interrupt.",
    ),
    Exercise(
        id="2.2",
        lesson=LESSON,
        title="lazy_context: build the message only on failure",
        points=3,
        hints=(
            "Like context, but keep the callable and call it only in the except branch.",
            "Call make() once per failure, and never for an interrupt you let through.",
            "Don't call it when decorating either: a decorator runs once, the failure may come much later.",
        ),
        names=("lazy_context", "DeployError"),
        observe=_observe_lazy,
        judge=_judge_lazy,
        success="lazy_context costs nothing on the success path.",
    ),
    Exercise(
        id="2.3",
        lesson=LESSON,
        title="fetch_artifact: context that keeps the type catchable",
        points=3,
        hints=(
            "Wrapping changes the type; a note does not. exc.add_note(...) then a bare raise.",
            "Catch Exception, not OSError: a checksum mismatch is a ValueError, a partial read an EOFError.",
            "add_note appends; never assign exc.__notes__, there may be notes from below already.",
        ),
        names=("fetch_artifact",),
        observe=_observe_fetch,
        judge=_judge_fetch,
        success="fetch_artifact says what it was doing, and every `except` above still matches.",
    ),
    Exercise(
        id="2.4",
        lesson=LESSON,
        title="deploy_model: typed where the caller matches, contextual elsewhere",
        points=4,
        hints=(
            "One try (or one `with context(...)`) per step, each with its own message.",
            "Only the push's PermissionError is a PushDenied: catch it around the push alone, "
            "before the push's other errors (a PermissionError from the download is no registry refusal).",
            "Every translation keeps the cause: raise PushDenied(namespace) from exc.",
        ),
        names=("deploy_model", "DeployError", "PushDenied"),
        observe=_observe_deploy,
        judge=_judge_deploy,
        success="deploy_model says which step failed, and gives the caller a type to match where it needs one.",
    ),
)
