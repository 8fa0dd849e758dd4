"""Right answers for lesson 06, written differently from the solution."""

RIGHT = {
    "6.1": [
        (
            "recursive, with a module-qualified type and a dict-based OSError lookup",
            """
            import json as _json

            def _plain(v):
                try:
                    _json.dumps(v)
                except TypeError:
                    return repr(v)
                return v if not isinstance(v, (list, dict, tuple)) else repr(v)

            def _one(e):
                fields = {k: _plain(v) for k, v in vars(e).items() if not k.startswith("_")}
                if isinstance(e, OSError):
                    for name in ("errno", "strerror", "filename"):
                        fields[name] = _plain(getattr(e, name))
                rec = {"type": f"{type(e).__module__}.{type(e).__qualname__}", "message": str(e),
                       "fields": fields, "notes": [str(n) for n in getattr(e, "__notes__", ())]}
                if isinstance(e, BaseExceptionGroup):
                    rec["exceptions"] = [error_record(s) for s in e.exceptions]
                return rec

            def _links(e, seen):
                nxt = e.__cause__ if e.__cause__ is not None else (None if e.__suppress_context__ else e.__context__)
                if nxt is None or id(nxt) in seen:
                    return []
                rel = "cause" if e.__cause__ is not None else "context"
                return [{**_one(nxt), "relation": rel}] + _links(nxt, seen | {id(nxt)})

            def error_record(exc):
                return {**_one(exc), "chain": _links(exc, {id(exc)})}
            """,
        ),
        (
            "a class built on traceback.TracebackException for the walk",
            """
            import traceback as _tb

            class _Recorder:
                def fields(self, e):
                    out = {}
                    for k, v in vars(e).items():
                        if k.startswith("_"):
                            continue
                        out[k] = v if v is None or type(v) in (str, int, float, bool) else repr(v)
                    if isinstance(e, OSError):
                        out.update({"errno": e.errno, "strerror": e.strerror, "filename": e.filename})
                    return out

                def one(self, e):
                    rec = dict(type=type(e).__qualname__, message=str(e), fields=self.fields(e),
                               notes=list(getattr(e, "__notes__", None) or []))
                    if isinstance(e, BaseExceptionGroup):
                        rec["exceptions"] = [self(s) for s in e.exceptions]
                    return rec

                def __call__(self, exc):
                    rec = self.one(exc)
                    rec["chain"] = []
                    cur = exc
                    while True:
                        te = _tb.TracebackException.from_exception(cur, limit=0)
                        if te.__cause__ is not None and cur.__cause__ is not None:
                            cur, rel = cur.__cause__, "cause"
                        elif te.__context__ is not None and not te.__suppress_context__ and cur.__context__ is not None:
                            cur, rel = cur.__context__, "context"
                        else:
                            break
                        rec["chain"].append({**self.one(cur), "relation": rel})
                    return rec

            error_record = _Recorder()
            """,
        ),
    ],
    "6.2": [
        (
            "blake2b over type, message and frames including the causes",
            """
            import hashlib as _h
            import re as _re
            import traceback as _tb

            _VALUES = _re.compile(r"'[^']*'|\\"[^\\"]*\\"|[\\w./:-]*\\d[\\w./:-]*")

            def _parts(e):
                frames = [f.name for f in _tb.extract_tb(e.__traceback__)]
                return [type(e).__name__, _VALUES.sub("?", str(e)), ">".join(frames)]

            def fingerprint(exc):
                parts, cur = [], exc
                while cur is not None:
                    parts += _parts(cur)
                    cur = cur.__cause__
                return _h.blake2b("|".join(parts).encode(), digest_size=10).hexdigest()
            """,
        ),
        (
            "a readable key, no hash: module, type, template and StackSummary.extract(walk_tb(...))",
            """
            import re as _re
            import traceback as _tb

            def fingerprint(exc):
                text = _re.sub(r"(\\"[^\\"]*\\")|('[^']*')", "<s>", str(exc))
                text = " ".join("<v>" if any(c.isdigit() for c in word) else word for word in text.split())
                # StackSummary.extract reads the frames walk_tb yields and hands back plain data
                walk = "/".join(frame.name for frame in _tb.StackSummary.extract(_tb.walk_tb(exc.__traceback__)))
                return f"{type(exc).__module__}.{type(exc).__qualname__} :: {text} :: {walk}"
            """,
        ),
    ],
    "6.3": [
        (
            "format_exc_info (a text traceback has no locals) and a scrubber class",
            """
            import re as _re

            class Scrub:
                keys = ("api_key", "password", "token")
                pattern = _re.compile(r"sk-[A-Za-z0-9-]{8,}")

                def clean(self, v):
                    if isinstance(v, str):
                        return self.pattern.sub("[REDACTED]", v)
                    if isinstance(v, dict):
                        return {k: self.clean(x) for k, x in v.items()}
                    if isinstance(v, (list, tuple)):
                        return [self.clean(x) for x in v]
                    return v

                def __call__(self, logger, name, event_dict):
                    event_dict = {k: ("[REDACTED]" if k in self.keys else v) for k, v in event_dict.items()}
                    return self.clean(event_dict)

            def json_processors():
                return [
                    structlog.stdlib.add_log_level,
                    structlog.processors.format_exc_info,
                    Scrub(),
                    structlog.processors.JSONRenderer(sort_keys=True),
                ]
            """,
        ),
        (
            "the standard library for the exception and the JSON, plain functions",
            """
            import json as _json
            import re as _re
            import traceback as _tb

            def _level(logger, method, ev):
                ev["level"] = "warning" if method == "warn" else ("error" if method == "exception" else method)
                return ev

            def _exception(logger, method, ev):
                info = ev.pop("exc_info", None)
                if info:
                    exc = info if isinstance(info, BaseException) else __import__("sys").exc_info()[1]
                    ev["exception"] = "".join(_tb.format_exception(exc))
                return ev

            def _redact(logger, method, ev):
                for key in ("api_key", "password", "token"):
                    if key in ev:
                        ev[key] = "[REDACTED]"
                text = _json.dumps(ev, default=repr)
                return _json.loads(_re.sub(r"sk-[A-Za-z0-9-]{8,}", "[REDACTED]", text))

            def _render(logger, method, ev):
                return _json.dumps(ev)

            def json_processors():
                return [_level, _exception, _redact, _render]
            """,
        ),
    ],
    "6.4": [
        (
            "a class-based decorator with start_span and use_span",
            """
            class instrument:
                def __init__(self, tracer, *, record=()):
                    self.tracer, self.record = tracer, tuple(record)

                def __call__(self, func):
                    sig = inspect.signature(func)

                    @functools.wraps(func)
                    def wrapper(*args, **kwargs):
                        bound = sig.bind(*args, **kwargs)
                        bound.apply_defaults()
                        span = self.tracer.start_span(func.__qualname__)
                        for name in self.record:
                            if name in bound.arguments:
                                span.set_attribute(name, bound.arguments[name])
                        opts = dict(end_on_exit=True, record_exception=False, set_status_on_exception=False)
                        with trace.use_span(span, **opts):
                            try:
                                return func(*args, **kwargs)
                            except BaseException as exc:
                                span.set_attributes({"error.type": type(exc).__name__})
                                span.set_status(StatusCode.ERROR)
                                raise
                    return wrapper
            """,
        ),
        (
            "start_as_current_span with its own status on exception, and OK on success",
            """
            def instrument(tracer, *, record=()):
                allowed = set(record)

                def deco(func):
                    params = inspect.signature(func).parameters

                    @functools.wraps(func)
                    def wrapper(*args, **kwargs):
                        values = {name: p.default for name, p in params.items() if p.default is not p.empty}
                        values.update(zip(params, args))
                        values.update(kwargs)
                        attrs = {k: v for k, v in values.items() if k in allowed}
                        start = tracer.start_as_current_span
                        with start(func.__name__, attributes=attrs, record_exception=False) as span:
                            try:
                                result = func(*args, **kwargs)
                            except Exception as exc:
                                span.set_attribute("error.type", type(exc).__qualname__)
                                raise
                            span.set_status(Status(StatusCode.OK))
                            return result
                    return wrapper
                return deco
            """,
        ),
    ],
    "6.5": [
        (
            "a module-level bound logger and trace.format_trace_id",
            """
            _log = structlog.get_logger("server")

            def handle(models, model_id, *, api_key):
                ctx = trace.get_current_span().get_span_context()
                log = _log.bind(model_id=model_id, trace_id=trace.format_trace_id(ctx.trace_id),
                                span_id=trace.format_span_id(ctx.span_id))
                try:
                    labels = run_inference(models, model_id, api_key=api_key)
                except InferenceError as exc:
                    extra = dict(vars(exc))
                    extra.pop("model_id", None)
                    log.error("inference_failed", error_type=type(exc).__name__, exc_info=exc, **extra)
                    raise
                log.info("inference_served")
                return labels
            """,
        ),
        (
            "decorated with the solution's instrument: the record carries the child span's ids",
            """
            @instrument(tracer, record=("model_id",))
            def handle(models, model_id, *, api_key):
                span = trace.get_current_span().get_span_context()
                try:
                    labels = run_inference(models, model_id, api_key=api_key)
                except (ModelLoad, OutOfMemory) as exc:
                    fields = {k: v for k, v in vars(exc).items()}
                    fields["model_id"] = model_id
                    structlog.get_logger().exception(
                        "inference_failed", error_type=exc.__class__.__name__,
                        trace_id=f"{span.trace_id:032x}", span_id=f"{span.span_id:016x}", **fields)
                    raise
                structlog.get_logger().info("inference_served", model_id=model_id,
                                            trace_id=f"{span.trace_id:032x}", span_id=f"{span.span_id:016x}")
                return labels
            """,
        ),
    ],
}
