"""Lesson 06: structured error reporting (records, fingerprints, structlog, OpenTelemetry).

The observers capture what a real pipeline would ship: rendered JSON log lines, structlog
event dicts (``structlog.testing.capture_logs``) and finished spans (OpenTelemetry's
``InMemorySpanExporter``, with ids from a seeded generator). A secret passed in is searched
for in the *serialized* output, every record and every span, not in one chosen field.
"""

from __future__ import annotations

import errno
import importlib
import json
import random
from collections.abc import Callable
from typing import Any

import structlog
from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.sdk.trace.id_generator import IdGenerator
from structlog.testing import capture_logs

from faultlab.exercises._exercise import Exercise
from faultlab.exercises._judge import expect, raised, returned, show
from faultlab.exercises._observe import Probe, jsonable
from faultlab.world import World

LESSON = "06_structured_reporting"

# A learner's TracerProvider() imports this on first use (Resource.create runs detectors on a
# thread pool); a grading sandbox whose user cannot read the Python installation can only use
# modules imported before it was forked, so import it now.
importlib.import_module("concurrent.futures.thread")

#: Fake secrets: each must be absent from everything the learner's code emits.
API_KEY = "sk-live-Q7f3XbK29mWc"  # matches the pattern and sits under a secret key
KEY_ONLY = "k3y-only-7d41-unpatterned"  # found only by its key (api_key), not by the pattern
IN_MESSAGE = "sk-live-Zr81LmQa0pTe"  # found only by the pattern, inside an exception message
DSN = "postgres://inference:tr0ub4dor-91@db-7/models"  # a local variable: only locals-off hides it
PROMPT = "summarise the quarterly incident report"  # an argument that is not allowed on spans
SECRETS = (API_KEY, KEY_ONLY, IN_MESSAGE, DSN)
_EMPTY: dict[str, str] = {}


class _Ids(IdGenerator):
    """Seeded span and trace ids, so an observation is the same every run."""

    def __init__(self, seed: int) -> None:
        self._rng = random.Random(seed)

    def generate_span_id(self) -> int:
        return self._rng.getrandbits(64) or 1

    def generate_trace_id(self) -> int:
        return self._rng.getrandbits(128) or 1


def _tracing(seed: int) -> tuple[TracerProvider, InMemorySpanExporter]:
    exporter = InMemorySpanExporter()
    # An explicit Resource: TracerProvider's default, Resource.create(), runs its detectors on a
    # thread pool, and every thread leaves a malloc arena mapped in the grader's address space.
    resource = Resource({"service.name": "faultlab-check"})
    provider = TracerProvider(resource=resource, id_generator=_Ids(seed), shutdown_on_exit=False)
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    return provider, exporter


def _leaked(text: str, secrets: tuple[str, ...] = SECRETS) -> list[str]:
    return [s for s in secrets if s in text]


def _type_ok(got: Any, name: str) -> bool:
    return isinstance(got, str) and (got == name or got.endswith("." + name))


# -- 6.1 error_record ---------------------------------------------------------------------
class GpuFault(Exception):
    """A check's own error with fields, as a library would define it."""

    def __init__(self, device: str, required_mb: int) -> None:
        super().__init__(device, required_mb)
        self.device = device
        self.required_mb = required_mb
        self.info = World  # not JSON: must come out as its repr()

    def __str__(self) -> str:
        return f"{self.device} cannot fit {self.required_mb} MB"


def _chained() -> BaseException:
    try:
        try:
            _EMPTY["whisper-small"]  # noqa: B018 - the lookup that fails is the point
        except KeyError:
            raise OSError(errno.EIO, "Input/output error", "weights/whisper-small.bin")  # noqa: B904
    except OSError as exc:
        try:
            raise RuntimeError("serving request 7 failed") from exc
        except RuntimeError as outer:
            outer.add_note("while warming the cache")
            return outer
    return RuntimeError("unreachable")


def _suppressed() -> BaseException:
    try:
        try:
            _EMPTY["bert"]  # noqa: B018
        except KeyError:
            raise LookupError("no model bert") from None
    except LookupError as exc:
        return exc
    return LookupError("unreachable")


def _group() -> BaseException:
    oom = MemoryError("out of memory")
    oom.required_mb = 2048  # type: ignore[attr-defined]
    oom.available_mb = 512  # type: ignore[attr-defined]
    return ExceptionGroup("2 of 3 loads failed", [TimeoutError("load timed out"), oom])


def _observe_record(probe: Probe) -> dict[str, Any]:
    error_record = probe.get("error_record")
    out: dict[str, Any] = {}
    for label, exc in (
        ("chained", _chained()),
        ("suppressed", _suppressed()),
        ("group", _group()),
        ("fields", GpuFault("gpu-3", 13000)),
    ):
        call, value = probe.catch(f"error_record({type(exc).__name__}(...))  # {label}", error_record, exc)
        try:
            json.dumps(value)
            call["json"] = "ok"
        except (TypeError, ValueError, RecursionError) as err:
            call["json"] = f"{type(err).__name__}: {err}"
        out[label] = call
    return out


def _judge_link(rec: Any, where: str, type_name: str, message: str) -> dict[str, Any]:
    expect(isinstance(rec, dict), f"{where} should be a dict", got=show(rec))
    expect(
        _type_ok(rec.get("type"), type_name),
        f"{where}['type'] should name the class",
        expected=type_name,
        got=show(rec.get("type")),
    )
    expect(
        rec.get("message") == message,
        f"{where}['message'] should be str(exc)",
        expected=repr(message),
        got=show(rec.get("message")),
    )
    expect(isinstance(rec.get("fields"), dict), f"{where}['fields'] should be a dict", got=show(rec.get("fields")))
    expect(
        isinstance(rec.get("notes"), list),
        f"{where}['notes'] should be a list (empty when there are none)",
        got=show(rec.get("notes")),
    )
    return dict(rec)


def _judge_record(data: dict[str, Any]) -> None:
    for label in ("chained", "suppressed", "group", "fields"):
        out = data[label]
        returned(out)
        expect(out["json"] == "ok", f"{out['call']} should return plain JSON data (json.dumps works)", got=out["json"])
    rec = _judge_link(returned(data["chained"]), "the record", "RuntimeError", "serving request 7 failed")
    expect(
        rec["notes"] == ["while warming the cache"],
        "the record should keep the notes",
        expected="['while warming the cache']",
        got=show(rec["notes"]),
    )
    chain = rec.get("chain")
    expect(
        isinstance(chain, list) and len(chain) == 2,
        "'chain' should list both exceptions behind it, outermost first: the cause (OSError) and its context (KeyError)",
        expected="2 links",
        got=show(chain),
    )
    assert isinstance(chain, list)
    first = _judge_link(chain[0], "chain[0]", "OSError", "[Errno 5] Input/output error: 'weights/whisper-small.bin'")
    expect(
        first.get("relation") == "cause",
        "chain[0]['relation'] should be 'cause' (raise ... from)",
        got=show(first.get("relation")),
    )
    want = {"errno": 5, "strerror": "Input/output error", "filename": "weights/whisper-small.bin"}
    got = {k: first["fields"].get(k) for k in want}
    expect(
        got == want,
        "an OSError's fields should include errno, strerror and filename",
        expected=show(want),
        got=show(got),
    )
    second = _judge_link(chain[1], "chain[1]", "KeyError", "'whisper-small'")
    expect(
        second.get("relation") == "context",
        "chain[1]['relation'] should be 'context' (raised while handling it)",
        got=show(second.get("relation")),
    )
    rec = _judge_link(
        returned(data["suppressed"]), "the record of a `raise ... from None`", "LookupError", "no model bert"
    )
    expect(
        rec.get("chain") == [],
        "after `raise ... from None` the context is suppressed: 'chain' should be empty",
        expected="[]",
        got=show(rec.get("chain")),
    )
    rec = _judge_link(
        returned(data["group"]), "the group's record", "ExceptionGroup", "2 of 3 loads failed (2 sub-exceptions)"
    )
    subs = rec.get("exceptions")
    expect(
        isinstance(subs, list) and len(subs) == 2,
        "an exception group's record should list its members under 'exceptions'",
        expected="2 records",
        got=show(subs),
    )
    assert isinstance(subs, list)
    _judge_link(subs[0], "exceptions[0]", "TimeoutError", "load timed out")
    oom = _judge_link(subs[1], "exceptions[1]", "MemoryError", "out of memory")
    got = {k: oom["fields"].get(k) for k in ("required_mb", "available_mb")}
    expect(
        got == {"required_mb": 2048, "available_mb": 512},
        "a member's record should carry its fields",
        expected="required_mb=2048, available_mb=512",
        got=show(got),
    )
    rec = _judge_link(
        returned(data["fields"]), "the record of GpuFault('gpu-3', 13000)", "GpuFault", "gpu-3 cannot fit 13000 MB"
    )
    fields = rec["fields"]
    expect(
        fields.get("device") == "gpu-3" and fields.get("required_mb") == 13000,
        "'fields' should hold the error's public attributes",
        expected="device='gpu-3', required_mb=13000",
        got=show(fields),
    )
    expect(
        isinstance(fields.get("info"), str),
        "a field whose value is not JSON (a class) should come out as its repr()",
        got=show(fields.get("info")),
    )


# -- 6.2 fingerprint ----------------------------------------------------------------------
def _catch(fn: Callable[[], object]) -> BaseException:
    try:
        fn()
    except Exception as exc:  # noqa: BLE001 - the exception is what the check needs
        return exc
    return RuntimeError("nothing raised")


def _load(world: World, model_id: str) -> None:
    world.models.load_model(model_id)


def _read(world: World, bucket: str, key: str) -> None:
    world.store.get_object(bucket, key)


def _reserve(required: int, available: int) -> None:
    raise MemoryError(f"out of memory loading mixtral-8x7b: need {required} MB, {available} MB free")


def _weights(problem: str, model_id: str) -> None:
    if problem == "corrupt":
        raise ValueError(f"weights are corrupt: '{model_id}'")
    raise ValueError(f"weights are missing: '{model_id}'")


def _world(seed: int, memory_mb: int, extra: tuple[str, int] | None = None) -> World:
    world = World.demo(seed=seed)
    world.models.memory_mb = memory_mb
    if extra is not None:
        world.models.add_model(*extra)
    world.store.create_bucket("weights")
    return world


def _observe_fingerprint(probe: Probe) -> dict[str, Any]:
    fingerprint = probe.get("fingerprint")
    w1, w2, w1_again = _world(1, 1024), _world(2, 2048, ("falcon-40b", 80_000)), _world(1, 1024)
    cases = {
        "oom_llama": _catch(lambda: _load(w1, "llama-7b")),
        "oom_falcon": _catch(lambda: _load(w2, "falcon-40b")),
        "oom_llama_again": _catch(lambda: _load(w1_again, "llama-7b")),
        "eio": _catch(lambda: _load(w1, "whisper-small")),
        "oom_elsewhere": _catch(lambda: _reserve(13000, 1024)),
        "key_models": _catch(lambda: _read(w1, "models", "gpt-2.onnx")),
        "key_weights": _catch(lambda: _read(w1, "weights", "llama-7b.bin")),
        "bucket_archive": _catch(lambda: _read(w1, "archive", "a.bin")),
        "bucket_backups": _catch(lambda: _read(w1, "backups", "b.bin")),
        "corrupt_a": _catch(lambda: _weights("corrupt", "bert-base")),
        "corrupt_b": _catch(lambda: _weights("corrupt", "resnet-50")),
        "missing": _catch(lambda: _weights("missing", "bert-base")),
    }
    out: dict[str, Any] = {"messages": {k: str(v) for k, v in cases.items()}}
    for label, exc in cases.items():
        out[label] = probe.call(f"fingerprint({type(exc).__name__}: {exc})", fingerprint, exc)
    out["twice"] = probe.call("fingerprint(the same exception) a second time", fingerprint, cases["oom_llama"])
    return out


_SAME = (
    ("oom_llama", "oom_falcon", "the same out-of-memory failure for another model, size and seed"),
    ("oom_llama", "oom_llama_again", "the same failure in a fresh world with the same seed"),
    ("oom_llama", "twice", "the same exception, fingerprinted twice"),
    ("key_models", "key_weights", "the same missing-key failure in another bucket"),
    ("bucket_archive", "bucket_backups", "the same unknown-bucket failure with another bucket name"),
    ("corrupt_a", "corrupt_b", "the same corrupt-weights failure for another model"),
)
_DIFFERENT = (
    ("oom_llama", "eio", "an OSError raised in the same place as the MemoryError (another type)"),
    ("oom_llama", "oom_elsewhere", "the same MemoryError message raised from another function"),
    ("corrupt_a", "missing", "the same type from the same function with another message"),
)


def _judge_fingerprint(data: dict[str, Any]) -> None:
    prints: dict[str, str] = {}
    for label, out in data.items():
        if label == "messages":
            continue
        value = returned(out)
        expect(isinstance(value, str) and value != "", f"{out['call']} should return a non-empty str", got=show(value))
        prints[label] = value
    for a, b, why in _SAME:
        expect(
            prints[a] == prints[b],
            f"fingerprints should group {why}",
            expected=f"equal fingerprints for {data['messages'].get(a, a)!r} and {data['messages'].get(b, b)!r}",
            got=f"{prints[a]!r} vs {prints[b]!r}",
        )
    for a, b, why in _DIFFERENT:
        expect(
            prints[a] != prints[b],
            f"fingerprints should tell apart {why}",
            expected=f"different fingerprints for {data['messages'][a]!r} and {data['messages'][b]!r}",
            got=f"both {prints[a]!r}",
        )
    for label, value in prints.items():
        for word in ("llama-7b", "13000", "gpt-2", "archive", "bert-base"):
            expect(
                word not in value,
                "a fingerprint should never contain values (ids, sizes, bucket names)",
                expected=f"no {word!r}",
                got=f"{label}: {value!r}",
            )


# -- 6.3 json_processors ------------------------------------------------------------------
def _leaky_load(model_id: str) -> None:
    dsn = DSN  # a local variable holding a credential, as real code has
    try:
        raise OSError(errno.EIO, "Input/output error", f"weights/{model_id}.bin")
    except OSError as exc:
        msg = f"model load failed: {model_id} (registry token {IN_MESSAGE}, via {dsn.split('@')[1]})"
        raise RuntimeError(msg) from exc


def _observe_processors(probe: Probe) -> dict[str, Any]:
    json_processors = probe.get("json_processors")
    made, procs = probe.catch("json_processors()", json_processors)
    if "raised" in made:
        return {"made": made}
    if not isinstance(procs, list | tuple) or not all(callable(p) for p in procs):
        return {"made": {"call": "json_processors()", "returned": jsonable(procs)}, "not_a_list": True}
    logger = structlog.wrap_logger(
        structlog.ReturnLogger(), processors=list(procs), wrapper_class=structlog.make_filtering_bound_logger(0)
    )

    def failing() -> Any:
        try:
            _leaky_load("whisper-small")
        except RuntimeError:
            return logger.exception("inference_failed", model_id="whisper-small")
        return None

    lines = {
        "key": probe.call(
            "log.info('auth_checked', model_id='bert-base', api_key=...)",
            logger.info,
            "auth_checked",
            model_id="bert-base",
            api_key=KEY_ONLY,
        ),
        "pattern": probe.call(
            "log.warning('retrying', model_id='bert-base', detail='upstream rejected token sk-live-...')",
            logger.warning,
            "retrying",
            model_id="bert-base",
            detail=f"upstream rejected token {API_KEY}",
        ),
        "exception": probe.call("log.exception('inference_failed', model_id='whisper-small')", failing),
    }
    return {"made": {"call": "json_processors()", "returned": "a list"}, "lines": lines}


def _judge_processors(data: dict[str, Any]) -> None:
    returned(data["made"])
    expect(
        not data.get("not_a_list"),
        "json_processors() should return a list of processors",
        got=show(data["made"].get("returned")),
    )
    want = {
        "key": ("auth_checked", "info"),
        "pattern": ("retrying", "warning"),
        "exception": ("inference_failed", "error"),
    }
    parsed: dict[str, dict[str, Any]] = {}
    for label, (event, level) in want.items():
        out = data["lines"][label]
        line = returned(out)
        expect(isinstance(line, str), f"{out['call']} should render one JSON line (a str)", got=show(line))
        try:
            record = json.loads(line)
        except ValueError:
            record = None
        expect(
            isinstance(record, dict),
            f"{out['call']} should render a JSON object (end with a JSON renderer)",
            got=line[:200],
        )
        assert isinstance(record, dict)
        expect(
            record.get("event") == event,
            f"the line of {out['call']} should keep the event name",
            expected=event,
            got=show(record.get("event")),
        )
        expect(
            record.get("level") == level,
            f"the line of {out['call']} should carry its level as 'level'",
            expected=level,
            got=show(record.get("level")),
        )
        expect(
            "model_id" in record and str(record.get("model_id")) in line,
            f"the line of {out['call']} should keep model_id",
            got=line[:200],
        )
        leaks = _leaked(line)
        expect(
            not leaks,
            f"the line of {out['call']} leaks a secret: scrub the keys api_key/password/token, the pattern "
            "sk-… everywhere (nested values too, after the exception is rendered), and keep local variables out",
            expected="no secret in the rendered line",
            got=f"{leaks[0][:12]}… found in {line[:300]}" if leaks else None,
        )
        parsed[label] = record
    line = data["lines"]["exception"]["returned"]
    for name in ("RuntimeError", "OSError", "model load failed: whisper-small"):
        expect(
            name in line,
            "the exception's line should carry the whole chain, rendered (not just exc_info: true)",
            expected=f"{name!r} in the line",
            got=line[:300],
        )


# -- 6.4 instrument -----------------------------------------------------------------------
def _observe_instrument(probe: Probe) -> dict[str, Any]:
    instrument = probe.get("instrument")
    provider, exporter = _tracing(seed=64)
    tracer = provider.get_tracer("faultlab.check.l06")
    world = World.demo(seed=6)
    inside: list[list[int]] = []

    def serve(models: Any, model_id: str, prompt: str, *, api_key: str, batch: int = 1) -> list[str]:
        """Load a model and run ``batch`` items (the check's function under test)."""
        ctx = trace.get_current_span().get_span_context()
        inside.append([ctx.trace_id, ctx.span_id])
        models.load_model(model_id)
        try:
            return list(models.infer(model_id, batch))
        finally:
            models.unload_model(model_id)

    out: dict[str, Any] = {}
    made, deco = probe.catch(
        "instrument(tracer, record=('model_id', 'batch'))", instrument, tracer, record=("model_id", "batch")
    )
    out["make"] = made
    if "raised" in made:
        return out
    made, wrapped = probe.catch("instrument(...)(serve)", deco, serve)
    out["wrap"] = made
    if "raised" in made:
        return out
    made, bare = probe.catch("instrument(tracer)(serve)", lambda: instrument(tracer)(serve))
    out["wrap_bare"] = made
    if "raised" in made:
        return out
    out["name"] = jsonable(getattr(wrapped, "__name__", None))
    models = world.models
    out["calls"] = [
        probe.call(
            "serve(models, 'resnet-50', prompt, api_key=...)", wrapped, models, "resnet-50", PROMPT, api_key=API_KEY
        ),
        probe.call(
            "serve(models, model_id='llama-7b', prompt=prompt, api_key=..., batch=4)",
            wrapped,
            models,
            model_id="llama-7b",
            prompt=PROMPT,
            api_key=API_KEY,
            batch=4,
        ),
        probe.call(
            "serve(models, 'whisper-small', prompt, api_key=...)",
            wrapped,
            models,
            "whisper-small",
            PROMPT,
            api_key=API_KEY,
        ),
        probe.call(
            "instrument(tracer)(serve)(models, 'bert-base', prompt, api_key=...)",
            bare,
            models,
            "bert-base",
            PROMPT,
            api_key=API_KEY,
        ),
    ]
    spans = []
    for span in exporter.get_finished_spans():
        ctx = span.context
        spans.append(
            {
                "name": span.name,
                "ids": [ctx.trace_id, ctx.span_id] if ctx is not None else None,
                "attributes": jsonable(dict(span.attributes or {})),
                "status": span.status.status_code.name,
                "events": [e.name for e in span.events],
                "json": span.to_json(),
            }
        )
    out["spans"] = spans
    out["inside"] = inside
    return out


_CALLS: tuple[tuple[str, int, str | None], ...] = (
    ("resnet-50", 1, None),
    ("llama-7b", 4, "MemoryError"),
    ("whisper-small", 1, "OSError"),
)


def _judge_instrument(data: dict[str, Any]) -> None:
    for step in ("make", "wrap", "wrap_bare"):
        returned(data[step])
    expect(
        data["name"] == "serve",
        "the decorated function should keep its name (functools.wraps)",
        expected="'serve'",
        got=show(data["name"]),
    )
    calls = data["calls"]
    labels = returned(calls[0])
    expect(
        labels == ["resnet-50:label-0"],
        f"{calls[0]['call']} should return what serve returns",
        expected="['resnet-50:label-0']",
        got=show(labels),
    )
    for call, (_, _, error) in zip(calls[1:3], _CALLS[1:], strict=True):
        exc = raised(call, f"{call['call']} should let serve's {error} through")
        expect(
            exc["type"] == error,
            f"{call['call']} should re-raise serve's exception unchanged",
            expected=error,
            got=exc["type"],
        )
    returned(calls[3])
    spans = data["spans"]
    expect(
        len(spans) == 4,
        "each call should make exactly one span",
        expected="4 spans for 4 calls",
        got=f"{len(spans)} span(s)",
    )
    expect(
        data["inside"] == [s["ids"] for s in spans],
        "the span should be the current span while the function runs (start_as_current_span / use_span)",
        expected="serve sees its own span as current",
        got="serve saw another span (or none) as current",
    )
    for span in spans:
        expect(
            str(span["name"]).split(".")[-1] == "serve",
            "each span should be named after the function",
            expected="'serve'",
            got=show(span["name"]),
        )
        leaks = _leaked(span["json"], (API_KEY, PROMPT))
        expect(
            not leaks,
            "a span should record no argument that was not allowed (the api key, the prompt)",
            expected="no api_key or prompt value anywhere in the serialized span",
            got=f"{leaks[0][:16]}… in span attributes {show(span['attributes'])}" if leaks else None,
        )
        expect(
            "exception" not in span["events"],
            "record no exception span event (record_exception=False): the semantic conventions deprecate them in "
            "favour of a log record correlated with the span",
            got=f"events {span['events']}",
        )
    for span, (model_id, batch, error) in zip(spans[:3], _CALLS, strict=True):
        attrs = span["attributes"]
        expect(
            attrs.get("model_id") == model_id and attrs.get("batch") == batch,
            "the allowed arguments should be attributes under their names, positional, keyword or default",
            expected=f"model_id={model_id!r}, batch={batch}",
            got=show(attrs),
        )
        if error is None:
            expect(span["status"] != "ERROR", "a call that succeeds should not have ERROR status", got=span["status"])
            expect("error.type" not in attrs, "a call that succeeds should have no error.type", got=show(attrs))
        else:
            expect(
                span["status"] == "ERROR",
                f"the span of a call that raised {error} should have ERROR status",
                got=span["status"],
            )
            expect(
                attrs.get("error.type") == error,
                "the span of a failed call should carry error.type: the exception's class name",
                expected=error,
                got=show(attrs.get("error.type")),
            )
    bare = spans[3]["attributes"]
    expect(
        not {"model_id", "batch", "prompt", "api_key", "models"} & set(bare),
        "with no record=..., no argument at all should be on the span (the safe default, like skip_all)",
        got=show(bare),
    )


# -- 6.5 handle: the log record, correlated with the span ---------------------------------
def _observe_handle(probe: Probe) -> dict[str, Any]:
    handle = probe.get("handle")
    provider, _ = _tracing(seed=65)
    tracer = provider.get_tracer("faultlab.check.l06")
    world = World.demo(seed=5)
    out: dict[str, Any] = {"runs": []}
    for model_id in ("resnet-50", "llama-7b", "whisper-small"):
        with capture_logs() as events, tracer.start_as_current_span("request") as span:
            ctx = span.get_span_context()
            result = probe.call(
                f"handle(models, {model_id!r}, api_key=...)", handle, world.models, model_id, api_key=API_KEY
            )
        out["runs"].append(
            {
                "model_id": model_id,
                "result": result,
                "trace_id": f"{ctx.trace_id:032x}",
                "span_id": f"{ctx.span_id:016x}",
                "events": jsonable([dict(e) for e in events]),
                "serialized": json.dumps([dict(e) for e in events], default=repr),
            }
        )
        world.models.unload_model(model_id)
    return out


def _judge_handle(data: dict[str, Any]) -> None:
    runs = data["runs"]
    ok, oom, eio = runs
    labels = returned(ok["result"])
    expect(labels == ["resnet-50:label-0"], "handle should return the labels when all is well", got=show(labels))
    for run, error in ((oom, "OutOfMemory"), (eio, "ModelLoad")):
        exc = raised(run["result"], f"{run['result']['call']} should re-raise the InferenceError after logging it")
        expect(exc["type"].split(".")[-1] == error, f"{run['result']['call']} should raise {error}", got=exc["type"])
    for run, event, level in (
        (ok, "inference_served", "info"),
        (oom, "inference_failed", "error"),
        (eio, "inference_failed", "error"),
    ):
        call = run["result"]["call"]
        events = run["events"]
        expect(
            isinstance(events, list) and len(events) == 1,
            f"{call} should log exactly one event through structlog",
            expected="1 event",
            got=f"{len(events) if isinstance(events, list) else 0} event(s): {show(events)[:300]}",
        )
        record = events[0]
        expect(
            record.get("event") == event,
            f"the event of {call} should be named {event!r}",
            got=show(record.get("event")),
        )
        expect(
            record.get("log_level") == level,
            f"the event of {call} should be logged at {level} level",
            got=show(record.get("log_level")),
        )
        expect(
            record.get("model_id") == run["model_id"],
            f"the event of {call} should carry model_id",
            got=show(record.get("model_id")),
        )
        span_id = record.get("span_id")
        expect(
            record.get("trace_id") == run["trace_id"]
            and isinstance(span_id, str)
            and len(span_id) == 16
            and all(c in "0123456789abcdef" for c in span_id),
            f"the event of {call} should carry the current span's trace_id (32) and span_id (16) as lowercase hex",
            expected=f"trace_id={run['trace_id']}, span_id=16 hex digits",
            got=f"trace_id={show(record.get('trace_id'))}, span_id={show(span_id)}",
        )
        leaks = _leaked(run["serialized"], (API_KEY,))
        expect(
            not leaks,
            f"the event of {call} must not contain the api key",
            expected="no api_key value",
            got=run["serialized"][:300],
        )
    for run, error, fields in (
        (oom, "OutOfMemory", {"required_mb": 13000, "available_mb": 1024}),
        (eio, "ModelLoad", {"model_id": "whisper-small"}),
    ):
        record = run["events"][0]
        call = run["result"]["call"]
        expect(
            record.get("error_type") == error,
            f"the event of {call} should name the error as error_type",
            expected=error,
            got=show(record.get("error_type")),
        )
        got = {k: record.get(k) for k in fields}
        expect(
            got == fields,
            f"the event of {call} should carry the error's fields at the top level",
            expected=show(fields),
            got=show(got),
        )
        expect(
            bool(record.get("exc_info")),
            f"the event of {call} should carry exc_info, so the renderer renders the chain",
            got=show(record.get("exc_info")),
        )


EXERCISES = (
    Exercise(
        id="6.1",
        lesson=LESSON,
        title="error_record: an exception and its whole chain as plain data",
        points=3,
        hints=(
            "Write one helper that describes one exception: type(exc).__qualname__, str(exc), the public "
            "attributes of vars(exc), list(getattr(exc, '__notes__', [])). Then walk the chain.",
            "The next link is exc.__cause__ if it is set; otherwise exc.__context__, unless "
            "exc.__suppress_context__ is true (raise ... from None). The relation is 'cause' or 'context'.",
            "OSError keeps errno, strerror and filename outside vars(): add them. For a BaseExceptionGroup, "
            "'exceptions' is [error_record(e) for e in exc.exceptions]. Values that are not JSON become repr(value).",
        ),
        names=("error_record",),
        observe=_observe_record,
        judge=_judge_record,
        success="error_record turns any exception, its chain and its group into JSON-ready data.",
    ),
    Exercise(
        id="6.2",
        lesson=LESSON,
        title="fingerprint: group the same failure, whatever the values",
        points=3,
        hints=(
            "Three ingredients: the exception's type name, its message with every value replaced by a "
            "placeholder, and the names of the functions its traceback went through.",
            'A value is a quoted string or a word with a digit in it: re.sub(r"\'[^\']*\'|\\"[^\\"]*\\"", '
            "'<str>', text), then re.sub(r'\\S*\\d\\S*', '<n>', text).",
            "traceback.extract_tb(exc.__traceback__) gives the frames; keep frame.name, not line numbers. "
            "Join everything and hash it with hashlib.sha256(...).hexdigest() (never hash(), salted per process).",
        ),
        names=("fingerprint",),
        observe=_observe_fingerprint,
        judge=_judge_fingerprint,
        success="one fingerprint per failure: stable across values, seeds and ids, distinct across causes.",
    ),
    Exercise(
        id="6.3",
        lesson=LESSON,
        title="json_processors: JSON logs with the chain, without secrets or locals",
        points=4,
        hints=(
            "Start from [structlog.processors.add_log_level, <exception renderer>, <scrubber>, "
            "structlog.processors.JSONRenderer()]. Order matters: the scrubber must see the rendered exception.",
            "dict_tracebacks renders local variables (show_locals=True by default): use "
            "structlog.processors.ExceptionRenderer(structlog.tracebacks.ExceptionDictTransformer(show_locals=False)) "
            "or structlog.processors.format_exc_info.",
            "A scrubber is a function (logger, method_name, event_dict) -> event_dict: replace the values of "
            "api_key/password/token, and re.sub(r'sk-[A-Za-z0-9-]{8,}', '[REDACTED]', s) in every string, "
            "walking into lists and dicts.",
        ),
        names=("json_processors",),
        observe=_observe_processors,
        judge=_judge_processors,
        success="your log lines are JSON, carry the chain, and leak neither secrets nor local variables.",
    ),
    Exercise(
        id="6.4",
        lesson=LESSON,
        title="instrument: one span per call, allowed arguments only, ERROR on failure",
        points=4,
        hints=(
            "A decorator factory: def instrument(tracer, *, record=()): def deco(func): @functools.wraps(func) "
            "def wrapper(*args, **kwargs): ... return wrapper; return deco.",
            "inspect.signature(func).bind(*args, **kwargs), then .apply_defaults(): .arguments maps every "
            "parameter name to its value, positional or not. Record only the names in record.",
            "with tracer.start_as_current_span(func.__name__, record_exception=False, set_status_on_exception=False) "
            "as span: ... except Exception as exc: span.set_status(Status(StatusCode.ERROR, str(exc))); "
            "span.set_attribute('error.type', type(exc).__qualname__); raise",
        ),
        names=("instrument",),
        observe=_observe_instrument,
        judge=_judge_instrument,
        success="one span per call, only what you allowed on it, and failures marked the way the conventions ask.",
    ),
    Exercise(
        id="6.5",
        lesson=LESSON,
        title="handle: log the failure once, correlated with the span",
        points=3,
        hints=(
            "log = structlog.get_logger(); ctx = trace.get_current_span().get_span_context(); "
            "ids = {'trace_id': format(ctx.trace_id, '032x'), 'span_id': format(ctx.span_id, '016x')}.",
            "except InferenceError as exc: log.exception('inference_failed', model_id=..., "
            "error_type=type(exc).__name__, **fields, **ids); raise. log.exception adds exc_info for you.",
            "The error's fields are its public attributes (vars(exc)); never pass api_key to the logger.",
        ),
        names=("handle",),
        observe=_observe_handle,
        judge=_judge_handle,
        success="one record per outcome, with the error's fields and the trace it belongs to.",
    ),
)
