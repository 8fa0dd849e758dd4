"""The capstone's lab: a whole deployment pipeline run end to end under a seeded fault schedule.

A learner's pipeline is a function ``pipeline(env, raw_config)``: it downloads a model
artifact, builds a container image, pushes it and rolls it out to every GPU node of the
cluster, through the services of a fresh :class:`~faultlab.World` that
:meth:`PipelineLab.run` builds for each run. ``env`` (a :class:`PipelineEnv`) hands it the
services, the virtual clock, a seeded ``random.Random``, a structlog logger and ``env.span``
for OpenTelemetry spans; every service call, sleep, log record and span is recorded, with
virtual timestamps and fixed ids, so a run is the same every time.

A :class:`Schedule` says which faults the world has: :data:`STAGE_FAULTS` per stage,
:data:`~faultlab.world.NODE_FAULTS` per node, and config overrides. :data:`SCHEDULES` holds
the lesson's six. :class:`PipelineRun` is the plain result: the outcome (a report or an
exception, with its chain or group tree), the retry timeline, the records and spans, a
per-stage summary, and a one-line summary for each of them. The dashboard widget
(:class:`faultlab.widgets.PipelineDashboard`) and lesson 08's checks both read it.
"""

from __future__ import annotations

import contextlib
import errno
import json
import random
import sys
from collections.abc import Callable, Iterator, Mapping, MutableMapping
from dataclasses import dataclass, field
from typing import Any

import structlog
from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import Status, StatusCode

from faultlab._errors import FaultlabError
from faultlab._report import chain_record, format_chain, format_chain_oneline
from faultlab.labs._log_stream import SequentialIds, span_line, virtual_ns
from faultlab.world import NODE_FAULTS, VirtualClock, World

__all__ = [
    "DEFAULT_CONFIG",
    "SCHEDULES",
    "STAGES",
    "STAGE_FAULTS",
    "CallRow",
    "PipelineEnv",
    "PipelineLab",
    "PipelineRun",
    "Schedule",
    "SleepRow",
    "StageSummary",
]

#: The pipeline's stages, in order, and the service operations each one makes.
STAGES: dict[str, tuple[str, ...]] = {
    "download": ("download",),
    "build": ("build",),
    "push": ("push",),
    "rollout": ("connect", "list_nodes", "provision_gpu"),
}
_STAGE_OF = {op: stage for stage, ops in STAGES.items() for op in ops}
_SERVICES = {"download": "artifacts", "build": "builder", "push": "registry", "rollout": "cluster"}
#: The timeout a call has when the caller passes none (the services' own defaults).
_DEFAULT_TIMEOUT: dict[str, float | None] = {"provision_gpu": 30.0}
#: More service calls or sleeps than this in one run: the pipeline retries without end.
MAX_EVENTS = 300

#: The raw config every schedule starts from; the lab adds the registry ``token``.
DEFAULT_CONFIG: dict[str, Any] = {
    "artifact": "s3://models/resnet.onnx",
    "tag": "resnet:1.0",
    "namespace": "ml",
    "deadline": 120.0,
    "attempts": 4,
    "attempt_timeout": 30.0,
    "retry_budget": 5,
    "base_delay": 0.5,
    "max_delay": 4.0,
}


def _refused() -> BaseException:
    return ConnectionRefusedError(errno.ECONNREFUSED, "Connection refused")


#: The faults a stage can be given: stage → fault → (description, arm(world, token, count)).
STAGE_FAULTS: dict[str, dict[str, tuple[str, Callable[[World, str, int], object]]]] = {
    "download": {
        "timeout": (
            "the store times out (TimeoutError)",
            lambda w, _t, n: w.artifacts.faults.fail_next("download", n, TimeoutError("read timed out")),
        ),
        "partial read": (
            "the download stops early (EOFError)",
            lambda w, _t, n: w.artifacts.truncate_next(n, keep_bytes=6),
        ),
        "checksum mismatch": (
            "a byte arrives flipped (ValueError)",
            lambda w, _t, n: w.artifacts.corrupt_next(n),
        ),
    },
    "build": {
        "failing step": (
            "a build step exits 1 (CalledProcessError)",
            lambda w, _t, _n: w.builder.fail_step(2),
        ),
        "disk full": (
            "no space left on the builder (OSError ENOSPC)",
            lambda w, _t, _n: w.builder.fill_disk(100),
        ),
    },
    "push": {
        "connection reset": (
            "the connection is reset part way (ConnectionResetError)",
            lambda w, _t, n: w.registry.reset_next(n, after_layers=1),
        ),
        "503": (
            "the registry answers 503 (HTTPError)",
            lambda w, _t, n: w.registry.fail_next_status(n, 503),
        ),
        "revoked token": (
            "the token is revoked (PermissionError 401)",
            lambda w, t, _n: w.registry.revoke(t),
        ),
        "stall": (
            "every push hangs for 600 s (TimeoutError after the call's timeout)",
            lambda w, _t, _n: w.registry.faults.add_latency("push", 600.0),
        ),
    },
    "rollout": {
        "connection refused": (
            "the cluster API refuses the connection (ConnectionRefusedError)",
            lambda w, _t, n: w.cluster.faults.fail_next("connect", n, _refused),
        ),
    },
}


@dataclass(frozen=True)
class Schedule:
    """A named, seeded set of faults, and the config the pipeline is given.

    Attributes:
        name: Its name, e.g. ``"transient only"``.
        description: One line: what goes wrong.
        expected: One line: what a correct pipeline does under it.
        stage_faults: ``(stage, fault, count)`` triples from :data:`STAGE_FAULTS`.
        node_faults: ``(node, fault)`` pairs from :data:`~faultlab.world.NODE_FAULTS`.
        config: ``(key, value)`` overrides of :data:`DEFAULT_CONFIG`.
        seed: Seeds the world, ``env.rng`` and the span ids.
    """

    __module__ = "faultlab.labs"

    name: str
    description: str
    expected: str = ""
    stage_faults: tuple[tuple[str, str, int], ...] = ()
    node_faults: tuple[tuple[str, str], ...] = ()
    config: tuple[tuple[str, Any], ...] = ()
    seed: int = 8

    def __post_init__(self) -> None:
        for stage, fault, count in self.stage_faults:
            if fault not in STAGE_FAULTS.get(stage, {}):
                known = ", ".join(f"{s}: {f}" for s, fs in STAGE_FAULTS.items() for f in fs)
                msg = f"schedule {self.name!r}: unknown stage fault {stage!r}/{fault!r}; choose from {known}"
                raise FaultlabError(msg)
            if isinstance(count, bool) or not isinstance(count, int) or count < 1:
                msg = f"schedule {self.name!r}: a fault count is at least 1, got {count!r}"
                raise FaultlabError(msg)
        for node, fault in self.node_faults:
            if fault not in NODE_FAULTS:
                known = ", ".join(NODE_FAULTS)
                msg = f"schedule {self.name!r}: unknown node fault {fault!r} for {node}; choose from {known}"
                raise FaultlabError(msg)
        for key, _ in self.config:
            if key not in DEFAULT_CONFIG:
                msg = f"schedule {self.name!r}: unknown config key {key!r}; the config has {', '.join(DEFAULT_CONFIG)}"
                raise FaultlabError(msg)

    def raw_config(self, token: str) -> dict[str, Any]:
        """The raw config a pipeline is handed under this schedule (a fresh dict)."""
        return {**DEFAULT_CONFIG, **dict(self.config), "token": token}


#: The lesson's six schedules, each graded as its own exercise (8.3 … 8.8).
SCHEDULES: dict[str, Schedule] = {
    s.name: s
    for s in (
        Schedule(
            "transient only",
            "a download timeout and a partial read, a 503 and a reset on push, one refused connect",
            "succeeds within the deadline: 3 downloads, 1 build, 3 pushes, 2 connects, 5 nodes; 5 retries in all",
            stage_faults=(
                ("download", "timeout", 1),
                ("download", "partial read", 1),
                ("push", "503", 1),
                ("push", "connection reset", 1),
                ("rollout", "connection refused", 1),
            ),
        ),
        Schedule(
            "permanent error",
            "the registry token is revoked: every push is refused (PermissionError)",
            "fails fast: one push, no sleep, DeployError(stage='push') raised from the PermissionError",
            stage_faults=(("push", "revoked token", 1),),
        ),
        Schedule(
            "partial rollout",
            "the driver install fails on gpu-worker-02 and gpu-worker-04",
            "tries every node once, leaves the 3 healthy ones deployed, raises an ExceptionGroup naming both",
            node_faults=(("gpu-worker-02", "driver"), ("gpu-worker-04", "driver")),
        ),
        Schedule(
            "stalled dependency",
            "every push hangs for 600 s",
            "each push's timeout is at most the time left; gives up by the 120 s deadline with a DeployError",
            stage_faults=(("push", "stall", 1),),
            config=(("attempts", 8), ("retry_budget", 10)),
        ),
        Schedule(
            "retry storm",
            "3 download timeouts, then the registry answers 503 to every push",
            "stops when the shared budget of 5 retries is spent: a DeployError that says the budget is exhausted",
            stage_faults=(("download", "timeout", 3), ("push", "503", 20)),
        ),
        Schedule(
            "secret in the config",
            "one connection reset on push; the config carries the registry token",
            "deploys, with a span per stage, and the token in no log record, span, report or error",
            stage_faults=(("push", "connection reset", 1),),
        ),
    )
}


@dataclass(frozen=True)
class CallRow:
    """One service call the pipeline made: when, what, with which timeout, and how it ended."""

    __module__ = "faultlab.labs"

    stage: str
    operation: str
    target: str
    start: float
    end: float
    timeout: float | None
    outcome: str  # "ok" or the exception's type name
    detail: str


@dataclass(frozen=True)
class SleepRow:
    """One sleep the pipeline asked for, in virtual seconds."""

    __module__ = "faultlab.labs"

    start: float
    seconds: float


class _Runaway(BaseException):
    """Stops a pipeline that makes more than :data:`MAX_EVENTS` calls or sleeps."""


class _Recorder:
    """Everything one run records; shared by the service proxies, the clock and the logger."""

    def __init__(self, clock: VirtualClock, seed: int) -> None:
        self.clock = clock
        self.calls: list[CallRow] = []
        self.sleeps: list[SleepRow] = []
        self.records: list[dict[str, Any]] = []
        self.exporter = InMemorySpanExporter()
        resource = Resource({"service.name": "deploy"})
        self.provider = TracerProvider(resource=resource, id_generator=SequentialIds(seed), shutdown_on_exit=False)
        self.provider.add_span_processor(SimpleSpanProcessor(self.exporter))
        self.tracer = self.provider.get_tracer("faultlab.labs.pipeline")

    def count(self) -> None:
        if len(self.calls) + len(self.sleeps) > MAX_EVENTS:
            msg = f"stopped by the lab: more than {MAX_EVENTS} calls and sleeps (does your retry loop ever end?)"
            raise _Runaway(msg)

    @contextlib.contextmanager
    def span(self, name: str, attributes: Mapping[str, Any]) -> Iterator[Any]:
        attrs = {str(k): _attribute(v) for k, v in attributes.items()}
        span = self.tracer.start_span(str(name), attributes=attrs, start_time=virtual_ns(self.clock))
        with trace.use_span(span, end_on_exit=False, record_exception=False, set_status_on_exception=False):
            try:
                yield span
            except BaseException as exc:
                span.set_status(Status(StatusCode.ERROR, _safe_str(exc)))
                span.set_attribute("error.type", type(exc).__qualname__)
                raise
            finally:
                span.end(end_time=virtual_ns(self.clock))


def _attribute(value: Any) -> Any:
    """An OpenTelemetry attribute value: primitives as they are, anything else as its repr."""
    if isinstance(value, str | bool | int | float):
        return value
    return _safe_repr(value)


def _safe_str(value: BaseException) -> str:
    try:
        return str(value)
    except Exception as exc:  # noqa: BLE001 - a learner's __str__ may raise anything
        return f"<str() raised {type(exc).__name__}>"


def _safe_repr(value: object) -> str:
    try:
        return repr(value)
    except Exception as exc:  # noqa: BLE001 - a learner's __repr__ may raise anything
        return f"<repr() raised {type(exc).__name__}>"


def _plain(value: Any, depth: int = 0) -> Any:
    """A log value as JSON data: primitives kept, containers walked, anything else its repr."""
    if value is None or isinstance(value, str | bool | int | float):
        return value
    if depth < 4 and isinstance(value, list | tuple):
        return [_plain(v, depth + 1) for v in value]
    if depth < 4 and isinstance(value, dict):
        return {str(k): _plain(v, depth + 1) for k, v in value.items()}
    if isinstance(value, BaseException):
        return format_chain_oneline(value, types=True)
    return _safe_repr(value)


class _Service:
    """A service as the pipeline sees it: its operations only, each call recorded and traced."""

    def __init__(self, service: Any, recorder: _Recorder) -> None:
        self._service = service
        self._recorder = recorder

    def __repr__(self) -> str:
        return f"<{self._service.name}: {', '.join(self._service.operations)}>"

    def __getattr__(self, name: str) -> Any:
        service = self.__dict__["_service"]
        if name not in service.operations:
            msg = f"the pipeline may call {', '.join(service.operations)} on {service.name}, not {name!r}"
            raise AttributeError(msg)
        method = getattr(service, name)
        recorder: _Recorder = self.__dict__["_recorder"]

        def call(*args: Any, **kwargs: Any) -> Any:
            recorder.count()
            timeout = kwargs.get("timeout", _DEFAULT_TIMEOUT.get(name))
            target = str(args[0]) if args and isinstance(args[0], str) else service.name
            if name == "push" and args:
                target = str(getattr(args[0], "tag", target))
            elif name == "build":
                target = str(kwargs.get("tag", target))
            clock = recorder.clock
            start = clock.now()
            with recorder.span(f"{service.name}.{name}", {"target": target}):
                try:
                    value = method(*args, **kwargs)
                except BaseException as exc:
                    outcome, detail = type(exc).__name__, _safe_str(exc)
                    recorder.calls.append(
                        CallRow(_STAGE_OF[name], name, target, start, clock.now(), timeout, outcome, detail)
                    )
                    raise
            row = CallRow(_STAGE_OF[name], name, target, start, clock.now(), timeout, "ok", _short(value))
            recorder.calls.append(row)
            return value

        call.__name__ = name
        return call


class _Clock:
    """The virtual clock as the pipeline sees it: ``now``/``monotonic`` and a recorded ``sleep``."""

    def __init__(self, recorder: _Recorder) -> None:
        self._recorder = recorder

    def __repr__(self) -> str:
        return f"<virtual clock t={self.now():g}s>"

    def now(self) -> float:
        """The virtual time, in seconds."""
        return self._recorder.clock.now()

    monotonic = now
    time = now

    def sleep(self, seconds: float) -> None:
        """Sleep ``seconds`` of virtual time (returns at once; recorded on the timeline).

        Raises:
            ClockError: ``seconds`` is negative or not a finite number.
        """
        self._recorder.count()
        start = self.now()
        self._recorder.clock.sleep(seconds)
        self._recorder.sleeps.append(SleepRow(start, float(seconds)))

    async def asleep(self, seconds: float) -> None:
        """Async twin of :meth:`sleep`.

        Raises:
            ClockError: ``seconds`` is negative or not a finite number.
        """
        self.sleep(seconds)


@dataclass
class PipelineEnv:
    """What a pipeline is handed: the services, the clock, a seeded rng, a logger and spans.

    Attributes:
        artifacts: ``download(uri, timeout=...)``.
        builder: ``build(data, tag=..., timeout=...)``.
        registry: ``push(image, namespace=..., token=..., timeout=...)``.
        cluster: ``connect(timeout=...)``, ``list_nodes(timeout=...)``, ``provision_gpu(node, timeout=...)``.
        clock: ``now()`` (also ``monotonic()``) and ``sleep(seconds)``, virtual.
        rng: A ``random.Random`` seeded by the schedule, for jitter.
        log: A structlog logger; every record is kept (with the virtual time and the span's ids).
    """

    __module__ = "faultlab.labs"

    artifacts: Any
    builder: Any
    registry: Any
    cluster: Any
    clock: Any
    rng: random.Random
    log: Any
    _recorder: _Recorder = field(repr=False)

    def span(self, name: str, **attributes: Any) -> contextlib.AbstractContextManager[Any]:
        """A context manager: one OpenTelemetry span ``name`` with ``attributes``, on virtual time.

        An exception leaving the block marks the span ERROR (with ``error.type``) and goes on.
        """
        return self._recorder.span(name, attributes)


@dataclass(frozen=True)
class StageSummary:
    """How one stage went: its calls, failures by type, and how it ended."""

    __module__ = "faultlab.labs"

    stage: str
    calls: int
    failures: dict[str, int]
    outcome: str  # "ok", "failed: Type", "not reached"
    seconds: float

    def line(self) -> str:
        """One line: ``push     failed: PermissionError after 1 call (0.00 s)``."""
        if self.outcome == "not reached":
            return f"{self.stage:<9}not reached"
        fails = ", ".join(f"{k} ×{v}" for k, v in sorted(self.failures.items()))
        extra = f"; failures: {fails}" if fails else ""
        return f"{self.stage:<9}{self.outcome} after {self.calls} call(s) ({self.seconds:.2f} s){extra}"


@dataclass
class PipelineRun:
    """The plain result of one run: outcome, timeline, records, spans, stages and summaries."""

    __module__ = "faultlab.labs"

    schedule: Schedule
    config: dict[str, Any]  # the raw config, the token replaced by "***"
    token: str
    start: float
    deadline: float
    end: float
    value: Any
    error: Exception | None
    calls: list[CallRow]
    sleeps: list[SleepRow]
    records: list[dict[str, Any]]
    spans: list[ReadableSpan]
    provisioned: list[str]
    images: dict[str, str]

    @property
    def ok(self) -> bool:
        """Whether the pipeline returned."""
        return self.error is None

    def retries(self) -> int:
        """Calls beyond the first of each operation and target (what a retry budget counts)."""
        seen: set[tuple[str, str]] = set()
        again = 0
        for call in self.calls:
            key = (call.operation, call.target)
            again += key in seen
            seen.add(key)
        return again

    def chain(self) -> str:
        """The error's chain or group tree as text (anyhow's layout), or the report."""
        if self.error is None:
            return f"returned: {_short(self.value, 400)}"
        return format_chain(self.error)

    def tree(self) -> dict[str, Any] | None:
        """The error as :func:`faultlab.chain_record` data (what the chain viewer draws)."""
        return None if self.error is None else chain_record(self.error)

    def span_lines(self) -> list[str]:
        """One deterministic line per finished span, oldest first."""
        return [span_line(s) for s in self.spans]

    def record_lines(self) -> list[str]:
        """Every log record as one JSON line, keys sorted."""
        return [json.dumps(r, sort_keys=True) for r in self.records]

    def leaks(self) -> list[str]:
        """Where the registry token appears: "log records", "spans", "report", "error" (empty: nowhere)."""
        places = {
            "log records": "\n".join(self.record_lines()),
            "spans": "".join(s.to_json() for s in self.spans),
            "report": _safe_repr(self.value) if self.error is None else "",
            "error": "" if self.error is None else format_chain(self.error) + "".join(_notes_of(self.error)),
        }
        return [where for where, text in places.items() if self.token in text]

    def stages(self) -> list[StageSummary]:
        """One summary per stage, in pipeline order."""
        out = []
        for stage in STAGES:
            calls = [c for c in self.calls if c.stage == stage]
            failures: dict[str, int] = {}
            for c in calls:
                if c.outcome != "ok":
                    failures[c.outcome] = failures.get(c.outcome, 0) + 1
            if not calls:
                outcome = "not reached"
            elif stage == "rollout":
                nodes = sorted({c.target for c in calls if c.operation == "provision_gpu"})
                failed = [n for n in nodes if n not in self.provisioned]
                last = calls[-1]
                if not nodes:
                    outcome = "ok" if last.outcome == "ok" else f"failed: {last.outcome}"
                elif failed:
                    outcome = f"failed on {len(failed)} of {len(nodes)} nodes"
                else:
                    outcome = f"ok on {len(nodes)} nodes"
            else:
                outcome = "ok" if calls[-1].outcome == "ok" else f"failed: {calls[-1].outcome}"
            seconds = sum(c.end - c.start for c in calls)
            out.append(StageSummary(stage, len(calls), failures, outcome, seconds))
        return out

    # -- text ------------------------------------------------------------------------------
    def timeline_rows(self) -> list[str]:
        """Every call and sleep, in time order: ``t=  12.000s  push  ERR TimeoutError …``."""
        events: list[tuple[float, int, str]] = []
        for i, c in enumerate(self.calls):
            limit = "no timeout" if c.timeout is None else f"timeout {c.timeout:g}s"
            verdict = "ok " if c.outcome == "ok" else f"ERR {c.outcome}:"
            line = f"t={c.start:8.3f}s  {c.operation:<13} {c.target:<22} {limit:<14} {verdict} {c.detail}"
            events.append((c.start, i, line))
        for i, s in enumerate(self.sleeps):
            events.append((s.start, len(self.calls) + i, f"t={s.start:8.3f}s  sleep {s.seconds:.3f}s"))
        return [line.rstrip() for _, _, line in sorted(events)]

    def summaries(self) -> dict[str, str]:
        """A one-line text summary of each plot: timeline, chain, logs, stages."""
        slept = sum(s.seconds for s in self.sleeps)
        used = self.end - self.start
        over = " — past the deadline!" if self.end > self.deadline + 1e-9 else ""
        timeline = (
            f"{len(self.calls)} calls, {self.retries()} retries, {len(self.sleeps)} sleeps ({slept:.2f} s); "
            f"done at t={used:.2f} s of a {self.deadline - self.start:g} s deadline{over}"
        )
        if self.error is None:
            chain = f"returned a report for {_count(self.value)}"
        elif isinstance(self.error, BaseExceptionGroup):
            members = ", ".join(type(e).__name__ for e in self.error.exceptions)
            chain = f"{type(self.error).__name__} of {len(self.error.exceptions)}: {members}"
        else:
            links = " ← ".join(type(e).__name__ for e in _links(self.error))
            chain = f"raised {links}"
        errors = sum(1 for s in self.spans if s.status.status_code is StatusCode.ERROR)
        leaked = self.leaks()
        secret = f"the token leaked into: {', '.join(leaked)}!" if leaked else "the token appears nowhere"
        logs = f"{len(self.records)} records, {len(self.spans)} spans ({errors} ERROR); {secret}"
        stages = "; ".join(f"{s.stage} {s.outcome}" for s in self.stages())
        return {"timeline": timeline, "chain": chain, "logs": logs, "stages": stages}

    def text(self) -> str:
        """The whole run as text: summaries, timeline, chain, stages, records and spans."""
        head = [f"schedule: {self.schedule.name} — {self.schedule.description}"]
        head += [f"{k:<9}{v}" for k, v in self.summaries().items()]
        parts = [
            "\n".join(head),
            "\n".join(self.timeline_rows()) or "(no calls)",
            self.chain(),
            "\n".join(s.line() for s in self.stages()),
            "\n".join(self.record_lines()) or "(no log records)",
            "\n".join(self.span_lines()) or "(no spans)",
        ]
        return "\n\n".join(parts)


def _notes_of(exc: BaseException) -> list[str]:
    notes = getattr(exc, "__notes__", None)
    return [str(n) for n in notes] if isinstance(notes, list) else []


def _links(exc: BaseException) -> list[BaseException]:
    out: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in out and len(out) < 8:
        out.append(current)
        current = current.__cause__ or (None if current.__suppress_context__ else current.__context__)
    return out


def _count(value: Any) -> str:
    if isinstance(value, Mapping):
        return f"{len(value)} node(s)"
    return type(value).__name__


def _short(value: object, limit: int = 60) -> str:
    if isinstance(value, bytes):
        return f"{len(value)} bytes"
    text = _safe_repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


Pipeline = Callable[[PipelineEnv, dict[str, Any]], Any]


class PipelineLab:
    """Run a deployment pipeline end to end against a fresh seeded world, under a schedule.

    Args:
        schedules: The schedules it knows by name (the lesson's :data:`SCHEDULES` by default).
    """

    __module__ = "faultlab.labs"

    def __init__(self, schedules: Mapping[str, Schedule] | None = None) -> None:
        self.schedules: dict[str, Schedule] = dict(SCHEDULES if schedules is None else schedules)
        self.runs: list[PipelineRun] = []

    def __repr__(self) -> str:
        return f"PipelineLab({len(self.schedules)} schedules, {len(self.runs)} run(s))"

    def schedule(self, schedule: str | Schedule) -> Schedule:
        """Look a schedule up by name (a :class:`Schedule` is returned as it is).

        Raises:
            FaultlabError: No schedule has that name.
        """
        if isinstance(schedule, Schedule):
            return schedule
        if schedule not in self.schedules:
            msg = f"no schedule {schedule!r}; choose from: {', '.join(self.schedules)}"
            raise FaultlabError(msg)
        return self.schedules[schedule]

    def run(
        self,
        pipeline: Pipeline,
        schedule: str | Schedule = "transient only",
        *,
        stage_faults: tuple[tuple[str, str, int], ...] = (),
        node_faults: tuple[tuple[str, str], ...] = (),
    ) -> PipelineRun:
        """Build a fresh world, arm the schedule's faults (and any extra ones), run ``pipeline(env, raw)``.

        An ``Exception`` the pipeline raises is the run's outcome; ``KeyboardInterrupt`` and
        other ``BaseException``s go through, as they should.

        Raises:
            FaultlabError: Unknown schedule or fault, or ``pipeline`` is not callable.
            BaseException: What the pipeline raised that is not an ``Exception``.
        """
        if not callable(pipeline):
            msg = f"run() needs the pipeline function, got {type(pipeline).__name__}"
            raise FaultlabError(msg)
        base = self.schedule(schedule)
        sched = Schedule(
            base.name,
            base.description,
            base.expected,
            base.stage_faults + tuple(stage_faults),
            tuple({**dict(base.node_faults), **dict(node_faults)}.items()),
            base.config,
            base.seed,
        )
        world = World.demo(seed=sched.seed)
        token = world.registry.add_user("deployer", "ml")
        for stage, fault, count in sched.stage_faults:
            STAGE_FAULTS[stage][fault][1](world, token, count)
        for node, fault in sched.node_faults:
            world.cluster.break_node(node, fault)
        raw = sched.raw_config(token)
        recorder = _Recorder(world.clock, sched.seed)
        env = PipelineEnv(
            artifacts=_Service(world.artifacts, recorder),
            builder=_Service(world.builder, recorder),
            registry=_Service(world.registry, recorder),
            cluster=_Service(world.cluster, recorder),
            clock=_Clock(recorder),
            rng=random.Random(sched.seed),
            log=_logger(recorder),
            _recorder=recorder,
        )
        start = world.clock.now()
        value: Any = None
        error: Exception | None = None
        try:
            value = pipeline(env, dict(raw))
        except _Runaway as exc:
            error = RuntimeError(str(exc))
        except Exception as exc:  # noqa: BLE001 - how the pipeline ended is the result
            error = exc
        shown = {k: ("***" if k == "token" else v) for k, v in raw.items()}
        result = PipelineRun(
            schedule=sched,
            config=shown,
            token=token,
            start=start,
            deadline=start + float(raw["deadline"]),
            end=world.clock.now(),
            value=value,
            error=error,
            calls=list(recorder.calls),
            sleeps=list(recorder.sleeps),
            records=list(recorder.records),
            spans=list(recorder.exporter.get_finished_spans()),
            provisioned=list(world.cluster.provisioned),
            images=dict(world.registry.images),
        )
        self.runs.append(result)
        return result


def _logger(recorder: _Recorder) -> Any:
    """A structlog logger whose records the run keeps, stamped with virtual time and span ids."""

    def stamp(_logger: Any, method: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
        ctx = trace.get_current_span().get_span_context()
        event["level"] = method
        event["timestamp"] = round(recorder.clock.now(), 3)
        if ctx.is_valid:
            event["trace_id"] = f"{ctx.trace_id:032x}"
            event["span_id"] = f"{ctx.span_id:016x}"
        exc_info = event.pop("exc_info", None)
        if exc_info:
            exc = exc_info if isinstance(exc_info, BaseException) else sys.exc_info()[1]
            if exc is not None:
                event["exception"] = format_chain_oneline(exc, types=True)
        return event

    def keep(_logger: Any, _method: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
        recorder.records.append({str(k): _plain(v) for k, v in event.items()})
        raise structlog.DropEvent

    return structlog.wrap_logger(None, processors=[stamp, keep], context_class=dict)
