"""Known-wrong answers for lesson 06: what leaks, what groups badly, what loses the chain."""

_RECORD_ONE = """
def _one(e):
    fields = {k: (v if v is None or isinstance(v, (str, int, float, bool)) else repr(v))
              for k, v in vars(e).items() if not k.startswith("_")}
    if isinstance(e, OSError):
        fields.update(errno=e.errno, strerror=e.strerror, filename=e.filename)
    rec = {"type": type(e).__qualname__, "message": str(e), "fields": fields,
           "notes": list(getattr(e, "__notes__", []))}
    if isinstance(e, BaseExceptionGroup):
        rec["exceptions"] = [error_record(s) for s in e.exceptions]
    return rec
"""

_SCRUB = """
import re as _re
_PAT = _re.compile(r"sk-[A-Za-z0-9-]{8,}")

def _scrub(v):
    if isinstance(v, str):
        return _PAT.sub("[REDACTED]", v)
    if isinstance(v, dict):
        return {k: _scrub(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_scrub(x) for x in v]
    return v

def _scrubber(logger, name, ev):
    for k in ("api_key", "password", "token"):
        if k in ev:
            ev[k] = "[REDACTED]"
    return _scrub(ev)
"""

_DECO = """
def instrument(tracer, *, record=()):
    def deco(func):
        sig = inspect.signature(func)

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            bound = sig.bind(*args, **kwargs)
            bound.apply_defaults()
            attrs = {ATTRS}
            with tracer.start_as_current_span(func.__name__, attributes=attrs{OPTS}) as span:
                try:
                    return func(*args, **kwargs)
                except Exception as exc:
                    span.set_status(Status(StatusCode.ERROR, str(exc)))
                    span.set_attribute("error.type", type(exc).__qualname__)
                    raise
        return wrapper
    return deco
"""


def _deco(attrs: str, opts: str = ", record_exception=False") -> str:
    return _DECO.replace("{ATTRS}", attrs).replace("{OPTS}", opts)


_HANDLE = """
def handle(models, model_id, *, api_key):
    log = structlog.get_logger()
    ctx = trace.get_current_span().get_span_context()
    ids = {IDS}
    try:
        labels = run_inference(models, model_id, api_key=api_key)
    except InferenceError as exc:
        fields = {k: v for k, v in vars(exc).items() if not k.startswith("_")}
        context = {**fields, "model_id": model_id, "error_type": type(exc).__name__, **ids{EXTRA}}
        log.{METHOD}("inference_failed", **context)
        raise
    log.info("inference_served", model_id=model_id, **ids)
    return labels
"""

_IDS = '{"trace_id": format(ctx.trace_id, "032x"), "span_id": format(ctx.span_id, "016x")}'


def _handle(ids: str = _IDS, method: str = "exception", extra: str = "") -> str:
    return _HANDLE.replace("{IDS}", ids).replace("{METHOD}", method).replace("{EXTRA}", extra)


WRONG = {
    "6.1": [
        (
            "follows __cause__ only: an implicit context is lost",
            _RECORD_ONE
            + """
def error_record(exc):
    rec, cur = _one(exc), exc
    rec["chain"] = []
    while cur.__cause__ is not None:
        cur = cur.__cause__
        rec["chain"].append({**_one(cur), "relation": "cause"})
    return rec
""",
            "incorrect",
        ),
        (
            "ignores __suppress_context__: raise ... from None still shows the KeyError",
            _RECORD_ONE
            + """
def error_record(exc):
    rec, cur = _one(exc), exc
    rec["chain"] = []
    while True:
        nxt = cur.__cause__ or cur.__context__
        if nxt is None:
            break
        rec["chain"].append({**_one(nxt), "relation": "cause" if cur.__cause__ is nxt else "context"})
        cur = nxt
    return rec
""",
            "incorrect",
        ),
        (
            "vars() only: an OSError's errno, strerror and filename are missing",
            """
def _one(e):
    rec = {"type": type(e).__qualname__, "message": str(e),
           "fields": {k: v if isinstance(v, (str, int)) else repr(v) for k, v in vars(e).items()},
           "notes": list(getattr(e, "__notes__", []))}
    if isinstance(e, BaseExceptionGroup):
        rec["exceptions"] = [error_record(s) for s in e.exceptions]
    return rec

def error_record(exc):
    rec, cur, chain = _one(exc), exc, []
    while True:
        if cur.__cause__ is not None:
            cur, rel = cur.__cause__, "cause"
        elif cur.__context__ is not None and not cur.__suppress_context__:
            cur, rel = cur.__context__, "context"
        else:
            break
        chain.append({**_one(cur), "relation": rel})
    rec["chain"] = chain
    return rec
""",
            "incorrect",
        ),
        (
            "forgets the members of an exception group",
            """
_solution_record = error_record

def error_record(exc):
    rec = _solution_record(exc)
    rec.pop("exceptions", None)
    return rec
""",
            "incorrect",
        ),
        (
            "keeps the raw field values: a class is not JSON",
            """
_solution_record = error_record

def error_record(exc):
    rec = _solution_record(exc)
    rec["fields"] = {k: v for k, v in vars(exc).items() if not k.startswith("_")}
    return rec
""",
            "incorrect",
        ),
    ],
    "6.2": [
        (
            "hashes str(exc) as it is: the bucket name and the model id split the group",
            """
def fingerprint(exc):
    frames = [f.name for f in traceback.extract_tb(exc.__traceback__)]
    return hashlib.sha256("|".join([type(exc).__qualname__, str(exc), *frames]).encode()).hexdigest()
""",
            "incorrect",
        ),
        (
            "normalises numbers only: quoted bucket names still differ",
            """
def fingerprint(exc):
    message = re.sub(r"\\d+", "<n>", str(exc))
    frames = [f.name for f in traceback.extract_tb(exc.__traceback__)]
    return hashlib.sha256("|".join([type(exc).__qualname__, message, *frames]).encode()).hexdigest()
""",
            "incorrect",
        ),
        (
            "type and message, no frames: the same error from another function groups with it",
            """
def fingerprint(exc):
    message = re.sub(r"\\S*\\d\\S*", "<n>", re.sub(r"'[^']*'|\\"[^\\"]*\\"", "<str>", str(exc)))
    return hashlib.sha256(f"{type(exc).__qualname__}|{message}".encode()).hexdigest()
""",
            "incorrect",
        ),
        (
            "type and frames, no message: two different failures of one function collapse",
            """
def fingerprint(exc):
    frames = [f.name for f in traceback.extract_tb(exc.__traceback__)]
    return hashlib.md5("|".join([type(exc).__qualname__, *frames]).encode()).hexdigest()
""",
            "incorrect",
        ),
        (
            "the exception's id: a new fingerprint every time",
            """
def fingerprint(exc):
    return f"{type(exc).__name__}-{id(exc):x}"
""",
            "incorrect",
        ),
    ],
    "6.3": [
        (
            "dict_tracebacks: local variables (a DSN with a password) go into the line",
            _SCRUB
            + """
def json_processors():
    return [structlog.processors.add_log_level, structlog.processors.dict_tracebacks, _scrubber,
            structlog.processors.JSONRenderer()]
""",
            "incorrect",
        ),
        (
            "locals on, said out loud: ExceptionDictTransformer(show_locals=True)",
            _SCRUB
            + """
def json_processors():
    transformer = structlog.tracebacks.ExceptionDictTransformer(show_locals=True)
    return [structlog.processors.add_log_level, structlog.processors.ExceptionRenderer(transformer), _scrubber,
            structlog.processors.JSONRenderer()]
""",
            "incorrect",
        ),
        (
            "scrubs before the exception is rendered: the token in its message gets out",
            _SCRUB
            + """
def json_processors():
    return [structlog.processors.add_log_level, _scrubber, structlog.processors.format_exc_info,
            structlog.processors.JSONRenderer()]
""",
            "incorrect",
        ),
        (
            "scrubs by key only: a token inside a message gets out",
            """
def _by_key(logger, name, ev):
    for k in ("api_key", "password", "token"):
        if k in ev:
            ev[k] = "[REDACTED]"
    return ev

def json_processors():
    return [structlog.processors.add_log_level, structlog.processors.format_exc_info, _by_key,
            structlog.processors.JSONRenderer()]
""",
            "incorrect",
        ),
        (
            "no exception processor: the line says exc_info: true and nothing of the chain",
            _SCRUB
            + """
def json_processors():
    return [structlog.processors.add_log_level, _scrubber, structlog.processors.JSONRenderer()]
""",
            "incorrect",
        ),
        (
            "the console renderer: readable, but not JSON",
            _SCRUB
            + """
def json_processors():
    return [structlog.processors.add_log_level, structlog.processors.format_exc_info, _scrubber,
            structlog.dev.ConsoleRenderer(colors=False)]
""",
            "incorrect",
        ),
    ],
    "6.4": [
        (
            "records every argument, as #[instrument] does by default",
            _deco("{k: str(v) for k, v in bound.arguments.items()}"),
            "incorrect",
        ),
        (
            "keyword arguments only: a positional model_id and a default batch are missed",
            _deco("{k: kwargs[k] for k in record if k in kwargs}"),
            "incorrect",
        ),
        (
            "the default start_as_current_span: an exception span event, deprecated",
            _deco("{k: bound.arguments[k] for k in record}", opts=""),
            "incorrect",
        ),
        (
            "swallows the exception to keep the span tidy",
            """
def instrument(tracer, *, record=()):
    def deco(func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            bound = inspect.signature(func).bind(*args, **kwargs)
            bound.apply_defaults()
            with tracer.start_as_current_span(func.__name__, record_exception=False,
                    attributes={k: bound.arguments[k] for k in record}) as span:
                try:
                    return func(*args, **kwargs)
                except Exception as exc:
                    span.set_status(Status(StatusCode.ERROR))
                    span.set_attribute("error.type", type(exc).__qualname__)
                    return None
        return wrapper
    return deco
""",
            "incorrect",
        ),
        (
            "no error.type: the status alone says nothing about what failed",
            """
def instrument(tracer, *, record=()):
    def deco(func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            bound = inspect.signature(func).bind(*args, **kwargs)
            bound.apply_defaults()
            with tracer.start_as_current_span(func.__name__, record_exception=False,
                    attributes={k: bound.arguments[k] for k in record}):
                return func(*args, **kwargs)
        return wrapper
    return deco
""",
            "incorrect",
        ),
    ],
    "6.5": [
        (
            "logs the api key with the context",
            _handle(extra=', "api_key": api_key'),
            "incorrect",
        ),
        (
            "log.error without exc_info: the chain never reaches the renderer",
            _handle(method="error"),
            "incorrect",
        ),
        (
            "the trace id as a decimal integer",
            _handle(ids='{"trace_id": str(ctx.trace_id), "span_id": format(ctx.span_id, "016x")}'),
            "incorrect",
        ),
        (
            "logs and swallows: the caller never learns it failed",
            """
def handle(models, model_id, *, api_key):
    log = structlog.get_logger()
    ctx = trace.get_current_span().get_span_context()
    ids = {"trace_id": format(ctx.trace_id, "032x"), "span_id": format(ctx.span_id, "016x")}
    try:
        labels = run_inference(models, model_id, api_key=api_key)
    except InferenceError as exc:
        fields = {k: v for k, v in vars(exc).items() if not k.startswith("_")}
        log.exception("inference_failed", **{**fields, "model_id": model_id, "error_type": type(exc).__name__, **ids})
        return []
    log.info("inference_served", model_id=model_id, **ids)
    return labels
""",
            "incorrect",
        ),
        (
            "the error's fields only in the message: required_mb is not a field",
            """
def handle(models, model_id, *, api_key):
    log = structlog.get_logger()
    ctx = trace.get_current_span().get_span_context()
    ids = {"trace_id": format(ctx.trace_id, "032x"), "span_id": format(ctx.span_id, "016x")}
    try:
        labels = run_inference(models, model_id, api_key=api_key)
    except InferenceError as exc:
        log.exception("inference_failed", detail=str(exc), model_id=model_id, error_type=type(exc).__name__, **ids)
        raise
    log.info("inference_served", model_id=model_id, **ids)
    return labels
""",
            "incorrect",
        ),
        (
            "logs twice: once where it fails, once more on the way out",
            """
def handle(models, model_id, *, api_key):
    log = structlog.get_logger()
    ctx = trace.get_current_span().get_span_context()
    ids = {"trace_id": format(ctx.trace_id, "032x"), "span_id": format(ctx.span_id, "016x")}
    try:
        labels = run_inference(models, model_id, api_key=api_key)
    except InferenceError as exc:
        fields = {k: v for k, v in vars(exc).items() if not k.startswith("_")}
        log.warning("inference_error", error=str(exc), **ids)
        log.exception("inference_failed", **{**fields, "model_id": model_id, "error_type": type(exc).__name__, **ids})
        raise
    log.info("inference_served", model_id=model_id, **ids)
    return labels
""",
            "incorrect",
        ),
    ],
}
