"""The logic behind the log-stream panel: break the model server, watch records and spans appear.

Everything here is deterministic at the source, so a notebook can store what it prints:
span and trace ids come from :class:`SequentialIds` (an OpenTelemetry ``IdGenerator``
seeded like the world), span and log timestamps from the world's :class:`~faultlab.VirtualClock`,
and faults from seeded :class:`~faultlab.FaultPlan` rules. No sanitizer is involved.

:class:`LogStreamLab` serves requests against ``world.models``; each request is one span
(``serve``, with the model id as its only recorded argument) and, when it fails, one
structured error record correlated with that span by ``trace_id`` and ``span_id``. The
ipywidgets view in :mod:`faultlab.widgets` only copies widget values into the lab and
prints what :meth:`LogStreamLab.run` returns.
"""

from __future__ import annotations

import errno
import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.sdk.trace.id_generator import IdGenerator
from opentelemetry.trace import Status, StatusCode

from faultlab._errors import FaultPlanError
from faultlab.world import VirtualClock, World

__all__ = ["LOG_STREAM_FAULTS", "LogStreamLab", "SequentialIds", "span_line", "virtual_ns"]


class SequentialIds(IdGenerator):
    """Trace and span ids drawn from ``random.Random(seed)``: the same seed, the same ids.

    OpenTelemetry's default generator reads the operating system's randomness, so every
    run prints different ids; pass this one as ``TracerProvider(id_generator=...)``.

    Args:
        seed: Seeds the sequence.
    """

    __module__ = "faultlab.labs"

    def __init__(self, seed: int = 0) -> None:
        self._rng = random.Random(seed)

    def generate_span_id(self) -> int:
        """Return the next 64-bit span id (never 0, which OpenTelemetry treats as invalid)."""
        return self._rng.getrandbits(64) or 1

    def generate_trace_id(self) -> int:
        """Return the next 128-bit trace id (never 0)."""
        return self._rng.getrandbits(128) or 1


def virtual_ns(clock: VirtualClock) -> int:
    """The clock's time in integer nanoseconds, the unit OpenTelemetry timestamps use."""
    return round(clock.now() * 1e9)


def span_line(span: ReadableSpan) -> str:
    """One deterministic line for a finished span: name, ids, virtual times, status, attributes.

    Raises:
        Nothing: a span without a context prints ``-`` for its ids.
    """
    ctx = span.context
    ids = f"trace={ctx.trace_id:032x} span={ctx.span_id:016x}" if ctx is not None else "trace=- span=-"
    start = (span.start_time or 0) / 1e9
    end = (span.end_time or 0) / 1e9
    attrs = ", ".join(f"{k}={v!r}" for k, v in sorted((span.attributes or {}).items()))
    status = span.status.status_code.name
    events = f" events={[e.name for e in span.events]}" if span.events else ""
    return f"span {span.name} {ids} t={start:.2f}..{end:.2f}s status={status} {{{attrs}}}{events}"


def _oom() -> BaseException:
    err = MemoryError("out of memory: need 2048 MB, 512 MB free")
    err.required_mb = 2048  # type: ignore[attr-defined]
    err.available_mb = 512  # type: ignore[attr-defined]
    return err


#: The panel's fault kinds: name → (operation, a factory of the built-in it raises).
LOG_STREAM_FAULTS: dict[str, tuple[str, Callable[[], BaseException]]] = {
    "load error": ("load_model", lambda: OSError(errno.EIO, "Input/output error", "weights/model.bin")),
    "out of memory": ("load_model", _oom),
    "inference timeout": ("infer", lambda: TimeoutError("inference timed out")),
}


@dataclass
class LogStreamLab:
    """Serve requests against ``world.models`` and record every span and error record.

    Args:
        world: The world whose model server and clock are used (``World.demo()`` has the models).
        models: The model ids requests cycle through.
        seed: Seeds the span ids and the fault rules.
        api_key: A fake secret every request carries; it must never appear in a record or span.
    """

    __module__ = "faultlab.labs"

    world: World
    models: tuple[str, ...] = ("resnet-50", "bert-base")
    seed: int = 0
    probability: float = 0.3
    api_key: str = "sk-test-0000SECRET0000"
    kinds: set[str] = field(default_factory=set)
    records: list[dict[str, Any]] = field(default_factory=list)
    requests: int = 0

    def __post_init__(self) -> None:
        self.exporter = InMemorySpanExporter()
        resource = Resource({"service.name": "model-server"})  # explicit: no detector thread pool
        self.provider = TracerProvider(resource=resource, id_generator=SequentialIds(self.seed), shutdown_on_exit=False)
        self.provider.add_span_processor(SimpleSpanProcessor(self.exporter))
        self.tracer = self.provider.get_tracer("faultlab.labs.log_stream")

    def toggle(self, kind: str, on: bool) -> None:
        """Switch one fault kind on or off.

        Raises:
            FaultPlanError: For a kind not in :data:`LOG_STREAM_FAULTS`.
        """
        if kind not in LOG_STREAM_FAULTS:
            msg = f"unknown fault kind {kind!r}; choose from: {', '.join(LOG_STREAM_FAULTS)}"
            raise FaultPlanError(msg)
        (self.kinds.add if on else self.kinds.discard)(kind)

    def apply(self) -> list[str]:
        """Replace the model server's fault rules with the current settings; describe them."""
        plan = self.world.models.faults
        plan.clear()
        for kind in sorted(self.kinds):
            operation, factory = LOG_STREAM_FAULTS[kind]
            seed = random.Random(f"{self.seed}:{kind}").randrange(2**32)
            plan.fail_with_probability(operation, self.probability, factory, seed=seed)
        return [r.describe() for r in plan.rules]

    def serve(self, model_id: str) -> list[str]:
        """One request: load, infer, inside one span; a failure becomes an error record.

        Raises:
            Nothing: the failure is recorded, as a request handler at the top of a server would.
        """
        clock = self.world.clock
        models = self.world.models
        span = self.tracer.start_span("serve", attributes={"model.id": model_id}, start_time=virtual_ns(clock))
        with trace.use_span(span, end_on_exit=False, record_exception=False, set_status_on_exception=False):
            try:
                models.load_model(model_id)
                labels = models.infer(model_id, 1, timeout=1.0)
            except Exception as exc:  # noqa: BLE001 - the top of a server: record, never crash
                span.set_status(Status(StatusCode.ERROR, str(exc)))
                span.set_attribute("error.type", type(exc).__qualname__)
                self._record("error", "request_failed", model_id, exc)
            else:
                self._record("info", "request_served", model_id, None, labels=labels)
            finally:
                models.unload_model(model_id)
        span.end(end_time=virtual_ns(clock))
        return [json.dumps(self.records[-1], sort_keys=True), span_line(self.exporter.get_finished_spans()[-1])]

    def _record(self, level: str, event: str, model_id: str, exc: BaseException | None, **extra: Any) -> None:
        ctx = trace.get_current_span().get_span_context()
        record: dict[str, Any] = {
            "event": event,
            "level": level,
            "timestamp": round(self.world.clock.now(), 3),
            "model_id": model_id,
            "trace_id": f"{ctx.trace_id:032x}",
            "span_id": f"{ctx.span_id:016x}",
            **extra,
        }
        if exc is not None:
            record["error.type"] = type(exc).__qualname__
            record["error.message"] = str(exc)
            for name in ("errno", "required_mb", "available_mb"):
                value = getattr(exc, name, None)
                if isinstance(value, int):
                    record[name] = value
        self.records.append(record)

    def run(self, count: int = 5) -> list[str]:
        """Apply the settings, serve ``count`` requests, return their record and span lines.

        Raises:
            FaultPlanError: If ``count`` is not between 1 and 1000.
        """
        if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= 1000:
            msg = f"count must be between 1 and 1000, got {count!r}"
            raise FaultPlanError(msg)
        self.apply()
        lines: list[str] = []
        for _ in range(count):
            model_id = self.models[self.requests % len(self.models)]
            self.requests += 1
            lines += self.serve(model_id)
        return lines

    def spans(self) -> list[ReadableSpan]:
        """Every span finished so far, oldest first."""
        return list(self.exporter.get_finished_spans())

    def leaks(self) -> bool:
        """Whether the fake ``api_key`` appears anywhere in the records or the serialized spans."""
        text = json.dumps(self.records) + "".join(s.to_json() for s in self.spans())
        return self.api_key in text

    def summary(self) -> dict[str, int]:
        """Count records by event name, sorted."""
        counts: dict[str, int] = {}
        for r in self.records:
            key = r["event"] if r["level"] != "error" else f"{r['event']}:{r['error.type']}"
            counts[key] = counts.get(key, 0) + 1
        return dict(sorted(counts.items()))

    def reset(self) -> None:
        """Forget records and spans, and remove the model server's fault rules."""
        self.records.clear()
        self.exporter.clear()
        self.world.models.faults.clear()
        self.requests = 0
