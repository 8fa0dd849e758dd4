"""Lesson 08, the capstone: a validated config, a classifier, and a whole pipeline under six schedules.

8.1 and 8.2 are unit checks. 8.3 … 8.8 each run the learner's ``deploy(env, raw)`` end to
end through :class:`faultlab.labs.PipelineLab` under one seeded schedule, so each schedule
scores on its own. *Observe* turns the run into plain data (the outcome described, every
call with its timeout, every sleep, what was provisioned, where the token appears); *judge*
compares that with what the prompt says a correct pipeline does. 8.3 also runs ruff with
lesson 07's rules over the cell that defines ``deploy``.
"""

from __future__ import annotations

import errno
import subprocess
import urllib.error
from email.message import Message
from typing import Any

from faultlab.exercises._exercise import Exercise
from faultlab.exercises._judge import Fail, expect, is_a, raised, returned, show
from faultlab.exercises._observe import Probe, describe, jsonable
from faultlab.exercises.lessons.l07_anti_patterns import cell_sources, judge_lint
from faultlab.labs import DEFAULT_CONFIG, PipelineLab, PipelineRun, Schedule
from faultlab.world import driver_install_failure

LESSON = "08_capstone"
NODES = [f"gpu-worker-{i:02d}" for i in range(1, 6)]
_EPS = 1e-6
_TOKEN = "tok-s3cr3t-8"


def _expect(condition: bool, expectation: str, expected: Any = None, got: Any = None) -> None:
    expect(condition, expectation, expected=expected, got=got)


# -- 8.1 a validated config whose token never shows ------------------------------------------------

_VALID: dict[str, Any] = {**DEFAULT_CONFIG, "token": _TOKEN}
_FIELDS = tuple(k for k in DEFAULT_CONFIG)
_EDGES: tuple[tuple[str, dict[str, Any]], ...] = (
    ("a retry budget of 0 and one attempt", {"retry_budget": 0, "attempts": 1}),
    ("an int deadline and zero delays", {"deadline": 5, "base_delay": 0, "max_delay": 0}),
)
_INVALID: tuple[tuple[str, str, dict[str, Any]], ...] = (
    ("a negative deadline", "deadline", {"deadline": -1.0}),
    ("a zero deadline", "deadline", {"deadline": 0}),
    ("a deadline of True", "deadline", {"deadline": True}),
    ("a deadline given as text", "deadline", {"deadline": "120"}),
    ("zero attempts", "attempts", {"attempts": 0}),
    ("2.5 attempts", "attempts", {"attempts": 2.5}),
    ("a negative retry budget", "retry_budget", {"retry_budget": -1}),
    ("a negative attempt timeout", "attempt_timeout", {"attempt_timeout": -5.0}),
    ("an http:// artifact", "artifact", {"artifact": "https://models.example/resnet.onnx"}),
    ("a tag without a version", "tag", {"tag": "resnet"}),
    ("a namespace that is not text", "namespace", {"namespace": 5}),
    ("an empty token", "token", {"token": ""}),
    ("no token at all", "token", {"token": None}),
    ("no deadline at all", "deadline", {"deadline": None}),
)


def _raw(changes: dict[str, Any]) -> dict[str, Any]:
    raw = {**_VALID, **changes}
    return {k: v for k, v in raw.items() if v is not None}


def _shown(config: Any) -> dict[str, Any]:
    """Every way a config reaches a log line or a terminal, as text."""
    ways: dict[str, Any] = {}
    for label, render in (
        ("repr(config)", repr),
        ("str(config)", str),
        ("f'{config}'", lambda c: f"{c}"),
        ("'%s' % (config,)", lambda c: "%s" % (c,)),  # noqa: UP031 - the old format is a way too
        ("[config] in a list", lambda c: str([c])),
    ):
        try:
            ways[label] = render(config)
        except Exception as exc:  # noqa: BLE001 - a broken __repr__ is an observation
            ways[label] = f"<raised {type(exc).__name__}>"
    return {k: jsonable(v) for k, v in ways.items()}


def _observe_config(probe: Probe) -> dict[str, Any]:
    parse_config = probe.get("parse_config")
    made, config = probe.catch("parse_config(raw)", parse_config, dict(_VALID))
    data: dict[str, Any] = {"valid": made}
    if "returned" in made:
        data["fields"] = {name: probe.call(f"config.{name}", getattr, config, name) for name in _FIELDS}
        data["shown"] = _shown(config)
    data["edges"] = [probe.call(f"parse_config(raw with {label})", parse_config, _raw(c)) for label, c in _EDGES]
    data["invalid"] = [
        {"field": key, **probe.call(f"parse_config(raw with {label})", parse_config, _raw(c))}
        for label, key, c in _INVALID
    ]
    return data


def _judge_config(data: dict[str, Any]) -> None:
    returned(data["valid"])
    for name, outcome in data["fields"].items():
        got = returned(outcome)
        want = _VALID[name]
        same = got == want and type(got) is not bool if not isinstance(want, str) else got == want
        _expect(same, f"{outcome['call']} should be the validated value of {name!r}", show(want), show(got))
    for way, text in data["shown"].items():
        _expect(isinstance(text, str) and _TOKEN not in text, f"{way} shows the token: keep it out of repr and str",
                "no token", show(text))  # fmt: skip
    for outcome in data["edges"]:
        returned(outcome)
    for case in data["invalid"]:
        exc = raised(case, f"{case['call']} should raise ConfigError")
        _expect(is_a(exc, "ConfigError"), f"{case['call']} should raise ConfigError", "ConfigError", exc["type"])
        _expect(is_a(exc, "ValueError"), "ConfigError should be a ValueError", "a ValueError", " → ".join(exc["mro"]))
        _expect(exc["fields"].get("field") == case["field"], f"{case['call']}: ConfigError.field should name the field",
                repr(case["field"]), show(exc["fields"].get("field")))  # fmt: skip
        text = exc["str"] if isinstance(exc["str"], str) else show(exc["str"])
        _expect(_TOKEN not in text and _TOKEN not in show(exc["args"]),
                f"{case['call']}: the error's message shows the token; name the field, not the whole config",
                "no token", text)  # fmt: skip


# -- 8.2 is_transient at the service boundaries ------------------------------------------------------


def _http(code: int) -> urllib.error.HTTPError:
    return urllib.error.HTTPError("https://registry.test/v2/", code, "status", Message(), None)


def _wrapped(outer: Exception, cause: BaseException) -> Exception:
    outer.__cause__ = cause
    return outer


def _in_handler(outer: Exception, context: BaseException) -> Exception:
    outer.__context__ = context
    return outer


def _transient_cases() -> list[tuple[str, BaseException, bool]]:
    return [
        ("TimeoutError('read timed out')", TimeoutError("read timed out"), True),
        ("ConnectionResetError(ECONNRESET)", ConnectionResetError(errno.ECONNRESET, "Connection reset by peer"), True),
        (
            "ConnectionRefusedError(ECONNREFUSED)",
            ConnectionRefusedError(errno.ECONNREFUSED, "Connection refused"),
            True,
        ),
        ("EOFError (a partial read)", EOFError("got 6 of 14 bytes"), True),
        ("HTTPError 503", _http(503), True),
        ("HTTPError 502", _http(502), True),
        ("HTTPError 504", _http(504), True),
        ("HTTPError 429", _http(429), True),
        ("HTTPError 500", _http(500), False),
        ("HTTPError 404", _http(404), False),
        ("HTTPError 401", _http(401), False),
        ("PermissionError (401 from the registry)", PermissionError(errno.EACCES, "unauthorized"), False),
        ("FileNotFoundError", FileNotFoundError(errno.ENOENT, "No such file or directory"), False),
        ("OSError(ENOSPC)", OSError(errno.ENOSPC, "No space left on device"), False),
        ("CalledProcessError (a build step)", subprocess.CalledProcessError(1, "RUN pip install"), False),
        ("ValueError (checksum mismatch)", ValueError("checksum mismatch"), False),
        ("LookupError (never published)", LookupError("no artifact"), False),
        ("the driver install failure (its context is a reset)", driver_install_failure(), False),
        ("RuntimeError raised from a TimeoutError", _wrapped(RuntimeError("step failed"), TimeoutError()), True),
        ("RuntimeError raised from an HTTPError 503", _wrapped(RuntimeError("push failed"), _http(503)), True),
        ("RuntimeError raised from a PermissionError", _wrapped(RuntimeError("push failed"), PermissionError()), False),
        ("ValueError raised while handling a TimeoutError", _in_handler(ValueError("bad"), TimeoutError()), False),
        ("KeyboardInterrupt", KeyboardInterrupt(), False),
    ]


def _observe_transient(probe: Probe) -> dict[str, Any]:
    is_transient = probe.get("is_transient")
    return {
        "cases": [
            {"want": want, **probe.call(f"is_transient({label})", is_transient, exc)}
            for label, exc, want in _transient_cases()
        ]
    }


def _judge_transient(data: dict[str, Any]) -> None:
    for case in data["cases"]:
        got = returned(case)
        want = case["want"]
        why = "a retry may heal it" if want else "no retry heals it"
        _expect(got is want, f"{case['call']} should be {want}: {why}", show(want), show(got))


# -- 8.3 … 8.8 the pipeline under each schedule ----------------------------------------------------------


def observe_run(probe: Probe, schedule: str | Schedule, lab: PipelineLab | None = None) -> dict[str, Any]:
    """Run the learner's ``deploy`` under ``schedule``; return the run as plain data."""
    deploy = probe.get("deploy")
    run = (lab or PipelineLab()).run(deploy, schedule)
    return run_data(run)


def run_data(run: PipelineRun) -> dict[str, Any]:
    """A finished run as plain data: outcome, calls, sleeps, state, leaks, spans and records."""
    call = f"deploy(env, raw) under the {run.schedule.name!r} schedule"
    outcome = (
        {"call": call, "returned": jsonable(run.value)}
        if run.error is None
        else {"call": call, "raised": describe(run.error)}
    )
    return {
        "outcome": outcome,
        "start": run.start,
        "deadline": run.deadline,
        "end": run.end,
        "config": jsonable(run.config),
        "calls": [[c.operation, c.target, c.start, c.end, c.timeout, c.outcome] for c in run.calls],
        "sleeps": [[s.start, s.seconds] for s in run.sleeps],
        "provisioned": list(run.provisioned),
        "images": sorted(run.images),
        "leaks": run.leaks(),
        "spans": [s.name for s in run.spans],
        "levels": [str(r.get("level")) for r in run.records],
    }


def _calls(run: dict[str, Any], operation: str, target: str | None = None) -> list[list[Any]]:
    return [c for c in run["calls"] if c[0] == operation and (target is None or c[1] == target)]


def _counts(run: dict[str, Any]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for c in run["calls"]:
        counts[c[0]] = counts.get(c[0], 0) + 1
    return counts


def _chain(exc: dict[str, Any]) -> list[dict[str, Any]]:
    """The exception and its causes (``__cause__`` links), outermost first."""
    out = [exc]
    while isinstance(out[-1].get("cause"), dict) and len(out) < 8:
        out.append(out[-1]["cause"])
    return out


def _has_cause(exc: dict[str, Any], type_name: str) -> bool:
    return any(is_a(link, type_name) for link in _chain(exc)[1:])


def _expect_deadline(run: dict[str, Any], name: str) -> None:
    deadline = run["deadline"]
    for start, seconds in run["sleeps"]:
        _expect(start + seconds <= deadline + _EPS, f"under {name!r} a sleep ran past the deadline: check the time "
                "left before you sleep", f"ends by {deadline:g}s", f"sleep({seconds:g}) at t={start:g}s")  # fmt: skip
    for op, target, start, end, timeout, _ in run["calls"]:
        left = deadline - start
        _expect(isinstance(timeout, int | float) and timeout <= left + _EPS,
                f"under {name!r} every call's timeout should be at most the time left before the deadline",
                f"{op}({target}) with timeout <= {left:g}s", f"timeout={show(timeout)} at t={start:g}s")  # fmt: skip
        _expect(end <= deadline + _EPS, f"under {name!r} a call ran past the deadline", f"ends by {deadline:g}s",
                f"{op}({target}) ended at t={end:g}s")  # fmt: skip
    _expect(run["end"] <= deadline + _EPS, f"under {name!r} the pipeline should be done by the deadline",
            f"t <= {deadline:g}s", f"t = {run['end']:g}s")  # fmt: skip


def _expect_jitter(run: dict[str, Any], name: str) -> None:
    """Each sleep follows a failed call; it is at most that retry's full-jitter ceiling, and not all are at it."""
    config = run["config"]
    base, cap = float(config["base_delay"]), float(config["max_delay"])
    ceilings = []
    for start, seconds in run["sleeps"]:
        before = [c for c in run["calls"] if c[3] <= start + _EPS]
        _expect(bool(before) and before[-1][5] != "ok", f"under {name!r} sleep only after a failed call",
                "a failed call, then a sleep", f"sleep({seconds:g}) at t={start:g}s")  # fmt: skip
        last = before[-1]
        retry = sum(1 for c in before if c[0] == last[0] and c[1] == last[1])
        ceiling = min(cap, base * 2 ** (retry - 1))
        ceilings.append((seconds, ceiling))
        _expect(0 <= seconds <= ceiling + _EPS, f"under {name!r} retry {retry} of {last[0]} slept too long: full "
                f"jitter draws from [0, min(max_delay, base_delay * 2 ** (retry - 1))]",
                f"at most {ceiling:g}s", f"{seconds:g}s")  # fmt: skip
    _expect(not ceilings or any(s < c * 0.999 for s, c in ceilings),
            f"under {name!r} every sleep is exactly at its ceiling: add jitter (env.rng.uniform(0, ceiling))",
            "jittered sleeps", ", ".join(f"{s:g}" for s, _ in ceilings))  # fmt: skip


def _expect_counts(run: dict[str, Any], name: str, want: dict[str, int]) -> None:
    got = {op: _counts(run).get(op, 0) for op in want}
    _expect(got == want, f"under {name!r} the pipeline should make exactly these calls (retries of transient "
            "faults only, each stage once it succeeds)", show(want), show(got))  # fmt: skip


def _deploy_error(run: dict[str, Any], name: str, stage: str) -> dict[str, Any]:
    exc = raised(run["outcome"], f"under {name!r} deploy should raise DeployError")
    _expect(is_a(exc, "DeployError"), f"under {name!r} deploy should raise DeployError", "DeployError", exc["type"])
    _expect(exc["fields"].get("stage") == stage, f"under {name!r} DeployError.stage should name the failed stage",
            repr(stage), show(exc["fields"].get("stage")))  # fmt: skip
    return exc


def _expect_report(run: dict[str, Any], name: str) -> None:
    got = returned(run["outcome"])
    _expect(isinstance(got, dict) and sorted(got) == NODES, f"under {name!r} deploy should return {{node: status}} "
            "for all five nodes", ", ".join(NODES), show(got))  # fmt: skip
    _expect(run["provisioned"] == NODES, f"under {name!r} every node should be provisioned", ", ".join(NODES),
            ", ".join(run["provisioned"]))  # fmt: skip
    _expect("ml/resnet:1.0" in run["images"], f"under {name!r} the image should be pushed to ml", "ml/resnet:1.0",
            show(run["images"]))  # fmt: skip


def _observe_transient_only(probe: Probe) -> dict[str, Any]:
    return {"run": observe_run(probe, "transient only"), "sources": cell_sources(probe, ("deploy",))}


def _judge_transient_only(data: dict[str, Any]) -> None:
    run, name = data["run"], "transient only"
    _expect_report(run, name)
    _expect_counts(run, name, {"download": 3, "build": 1, "push": 3, "connect": 2, "list_nodes": 1, "provision_gpu": 5})
    _expect(len(run["sleeps"]) == 5, f"under {name!r} sleep once before each of the 5 retries", "5 sleeps",
            f"{len(run['sleeps'])} sleeps")  # fmt: skip
    _expect_jitter(run, name)
    _expect_deadline(run, name)
    judge_lint(data, ("deploy",))


def _observe_permanent(probe: Probe) -> dict[str, Any]:
    return {"run": observe_run(probe, "permanent error")}


def _judge_permanent(data: dict[str, Any]) -> None:
    run, name = data["run"], "permanent error"
    exc = _deploy_error(run, name, "push")
    _expect_counts(run, name, {"download": 1, "build": 1, "push": 1, "provision_gpu": 0})
    _expect(not run["sleeps"], f"under {name!r} a permanent error fails fast: no sleep", "no sleep",
            f"{len(run['sleeps'])} sleeps")  # fmt: skip
    cause = exc.get("cause")
    _expect(isinstance(cause, dict) and is_a(cause, "PermissionError"),
            f"under {name!r} keep the chain: `raise DeployError(...) from err`, the registry's PermissionError as "
            "the cause (not `from None`, not its text in your message)", "__cause__ PermissionError",
            show(cause.get("type") if isinstance(cause, dict) else cause))  # fmt: skip
    text = exc["str"] if isinstance(exc["str"], str) else ""
    _expect("resnet:1.0" in text, f"under {name!r} the message should say what was being done, naming the image tag",
            "a message naming resnet:1.0", repr(text))  # fmt: skip


def _member_names(member: dict[str, Any]) -> str:
    parts = [member["str"] if isinstance(member["str"], str) else ""]
    parts += [str(v) for v in (member.get("fields") or {}).values()]
    parts += [str(n) for n in (member.get("notes") or [])]
    return " ".join(parts)


def _observe_partial(probe: Probe) -> dict[str, Any]:
    return {"run": observe_run(probe, "partial rollout")}


def _judge_partial(data: dict[str, Any]) -> None:
    run, name = data["run"], "partial rollout"
    judge_group(run, name, {"gpu-worker-02": "RuntimeError", "gpu-worker-04": "RuntimeError"}, attempts=1)


def judge_group(run: dict[str, Any], name: str, failed: dict[str, str], *, attempts: int) -> None:
    """The rollout raised an ExceptionGroup with one member per failed node, each chained to its error."""
    exc = raised(run["outcome"], f"under {name!r} deploy should raise an ExceptionGroup of the failed nodes")
    group = exc if is_a(exc, "ExceptionGroup") else exc.get("cause")
    if not isinstance(group, dict) or not is_a(group, "ExceptionGroup"):
        raise Fail(f"under {name!r} raise an ExceptionGroup (or a DeployError raised from one) with every failed node",
                   "ExceptionGroup", str(exc["type"]))  # fmt: skip
    members = group.get("exceptions") or []
    _expect(len(members) == len(failed), f"under {name!r} the group should hold one member per failed node, no more",
            f"{len(failed)} members ({', '.join(failed)})", f"{len(members)}")  # fmt: skip
    for node, cause in failed.items():
        named = [m for m in members if node in _member_names(m)]
        _expect(len(named) == 1, f"under {name!r} exactly one member should name {node} (in its message, a field "
                "such as .node, or a note)", node, "; ".join(_member_names(m)[:60] for m in members))  # fmt: skip
        _expect(any(is_a(link, cause) for link in _chain(named[0])),
                f"under {name!r} the member for {node} should keep that node's own error: itself, or its __cause__",
                cause, " ← ".join(str(link["type"]) for link in _chain(named[0])))  # fmt: skip
        tries = len(_calls(run, "provision_gpu", node))
        _expect(tries == attempts, f"under {name!r} {node} should be tried {attempts} time(s)", attempts, tries)
    healthy = [n for n in NODES if n not in failed]
    _expect(run["provisioned"] == healthy, f"under {name!r} try every node and leave the healthy ones deployed (no "
            "rollback)", ", ".join(healthy), ", ".join(run["provisioned"]))  # fmt: skip


def _observe_stalled(probe: Probe) -> dict[str, Any]:
    return {"run": observe_run(probe, "stalled dependency")}


def _judge_stalled(data: dict[str, Any]) -> None:
    run, name = data["run"], "stalled dependency"
    _expect_deadline(run, name)
    exc = _deploy_error(run, name, "push")
    _expect(
        _has_cause(exc, "TimeoutError"),
        f"under {name!r} the DeployError should be raised from the last TimeoutError",
        "TimeoutError in the chain",
        " ← ".join(str(x["type"]) for x in _chain(exc)),
    )
    pushes = len(_calls(run, "push"))
    _expect(
        pushes >= 2, f"under {name!r} a timeout is transient: retry the push while there is time", "2 or more", pushes
    )
    provisions = len(_calls(run, "provision_gpu"))
    _expect(not provisions, f"under {name!r} no node should be provisioned", "none", str(provisions))


def _observe_storm(probe: Probe) -> dict[str, Any]:
    return {"run": observe_run(probe, "retry storm")}


def _judge_storm(data: dict[str, Any]) -> None:
    run, name = data["run"], "retry storm"
    exc = _deploy_error(run, name, "push")
    text = exc["str"] if isinstance(exc["str"], str) else ""
    _expect("budget" in text.lower(), f"under {name!r} the DeployError should say the retry budget is exhausted",
            "a message with 'budget'", repr(text))  # fmt: skip
    _expect(_has_cause(exc, "HTTPError"), f"under {name!r} keep the last 503 as the cause", "HTTPError in the chain",
            " ← ".join(str(x["type"]) for x in _chain(exc)))  # fmt: skip
    _expect_counts(run, name, {"download": 4, "push": 3, "provision_gpu": 0})
    _expect(len(run["sleeps"]) == 5, f"under {name!r} the budget of 5 retries is shared by every stage", "5 sleeps",
            f"{len(run['sleeps'])}")  # fmt: skip


def _observe_secret(probe: Probe) -> dict[str, Any]:
    lab = PipelineLab()
    return {
        "run": observe_run(probe, "secret in the config", lab),
        "failing": observe_run(probe, "permanent error", lab),
    }


def _judge_secret(data: dict[str, Any]) -> None:
    run, name = data["run"], "secret in the config"
    _expect_report(run, name)
    for label in ("run", "failing"):
        leaks = data[label]["leaks"]
        _expect(not leaks, f"under {data[label]['outcome']['call'].split(' under ')[1]} the registry token appears "
                f"in {', '.join(leaks)}", "nowhere", ", ".join(leaks))  # fmt: skip
    missing = [stage for stage in ("download", "build", "push", "rollout") if stage not in run["spans"]]
    _expect(not missing, f"under {name!r} run each stage inside env.span(STAGE)", "spans download, build, push, rollout",
            f"no span for {', '.join(missing)}")  # fmt: skip
    warnings = sum(1 for level in run["levels"] if level in ("warning", "error"))
    _expect(warnings >= 1, f"under {name!r} log each retry with env.log.warning(...)", "a warning for the retry",
            f"levels {show(run['levels'])}")  # fmt: skip


_PIPELINE_HINTS = (
    "One helper makes every call: `for attempt in range(1, config.attempts + 1)`, `left = deadline - "
    "env.clock.now()`, `return call(timeout=min(config.attempt_timeout, left))`, and `except Exception as exc` "
    "that re-raises `DeployError(stage, ...) from exc` unless is_transient(exc) and a retry is allowed.",
    "A retry is allowed when there are attempts left, the shared budget is not spent, and now + delay is "
    "before the deadline; then take one from the budget, log a warning, env.clock.sleep(delay). "
    "The rollout tries every node: wrap each node's failure as NodeError(node) from its error, collect them, "
    "and raise ExceptionGroup(...) at the end.",
)


def _pipeline(eid: str, title: str, observe: Any, judge: Any, success: str, hint: str) -> Exercise:
    return Exercise(
        id=eid,
        lesson=LESSON,
        title=title,
        points=2,
        hints=(hint, *_PIPELINE_HINTS),
        names=("deploy",),
        observe=observe,
        judge=judge,
        success=success,
    )


EXERCISES = (
    Exercise(
        id="8.1",
        lesson=LESSON,
        title="parse_config: a validated config that hides its token",
        points=2,
        hints=(
            "A frozen dataclass with `token: str = field(repr=False)` keeps the token out of repr, and a __str__ "
            "that returns repr(self) keeps it out of str. Validate each field before you build it.",
            "`bool` is an `int`: test `isinstance(v, bool)` first. A missing or empty token is a ConfigError too; "
            "and never put the raw mapping into an error message: it holds the token.",
        ),
        names=("parse_config",),
        observe=_observe_config,
        judge=_judge_config,
        success="parse_config validates every field, names the bad one, and never shows the token.",
    ),
    Exercise(
        id="8.2",
        lesson=LESSON,
        title="is_transient at the service boundaries",
        points=2,
        hints=(
            "Transient: TimeoutError, ConnectionError (resets and refusals), EOFError (a partial read), and an "
            "urllib.error.HTTPError whose .code is 429, 502, 503 or 504. Test HTTPError first: it is an OSError.",
            "Walk exc.__cause__ (a wrapper raised from a timeout is transient); ignore __context__: the driver "
            "failure was raised while handling a reset, and no retry fixes a driver.",
        ),
        names=("is_transient",),
        observe=_observe_transient,
        judge=_judge_transient,
        success="is_transient retries what heals and nothing else.",
    ),
    Exercise(
        id="8.3",
        lesson=LESSON,
        title="deploy under transient faults",
        points=3,
        hints=(
            "Every fault of this schedule heals on a retry: 3 downloads, 1 build, 3 pushes, 2 connects and 5 nodes "
            "is 5 retries, exactly the budget. ruff (lesson 07's rules) must find nothing in your cell.",
            *_PIPELINE_HINTS,
        ),
        names=("deploy",),
        observe=_observe_transient_only,
        judge=_judge_transient_only,
        success="deploy rides out transient faults with jittered retries, and ruff is quiet.",
    ),
    _pipeline(
        "8.4",
        "deploy under a permanent error",
        _observe_permanent,
        _judge_permanent,
        "deploy fails fast on a revoked token, with the PermissionError as the cause.",
        "A PermissionError is an OSError but no retry heals it: one push, no sleep, "
        "`raise DeployError('push', f'pushing {tag} to {namespace} failed') from exc`.",
    ),
    _pipeline(
        "8.5",
        "deploy under a partial rollout",
        _observe_partial,
        _judge_partial,
        "deploy reports every failed node in one ExceptionGroup and leaves the healthy ones deployed.",
        "Don't stop at the first broken node, and don't retry a driver failure. One NodeError per failed node, "
        "each raised from that node's error, in one ExceptionGroup.",
    ),
    _pipeline(
        "8.6",
        "deploy under a stalled dependency",
        _observe_stalled,
        _judge_stalled,
        "deploy bounds every call by the time left and gives up by the deadline.",
        "Pass timeout=min(config.attempt_timeout, deadline - env.clock.now()) to every call, and don't sleep "
        "when now + delay would pass the deadline: raise DeployError from the last TimeoutError instead.",
    ),
    _pipeline(
        "8.7",
        "deploy under a retry storm",
        _observe_storm,
        _judge_storm,
        "deploy stops when the shared retry budget is spent, and says so.",
        "One budget for the whole run, not one per stage: the 3 download retries leave 2 for the push. When a "
        "retry is needed and the budget is 0, raise DeployError(stage, '... retry budget exhausted') from exc.",
    ),
    _pipeline(
        "8.8",
        "deploy with a secret in the config",
        _observe_secret,
        _judge_secret,
        "deploy traces every stage and logs its retries, and the token appears nowhere.",
        "Log the parsed config (its repr hides the token) or single fields, never the raw mapping, and never "
        "put the token in a span attribute or an error message.",
    ),
)

__all__ = ["EXERCISES", "judge_group", "observe_run", "run_data"]
