"""Known-wrong answers for lesson 05, each aimed at one boundary of its exercise."""

# 5.1: a correct guard, with one place to get wrong in each answer.
_GUARD = """
import sys
import threading
import traceback
import warnings
import weakref


class UnusedResultWarning({BASE}):
    pass


class MustUse:
    def __init__(self, value):
        {CALLER}
        self._value = value
        {FLAG_INIT}
        self._site = {SITE}
        {EXTRA_INIT}

    def unwrap(self):
        {MARK}
        return self._value

    def ignore(self):
        {IGNORE}

    def _unused(self):
        return {UNUSED}

    def __del__(self):
        if self._unused():
            warnings.warn({MESSAGE}, UnusedResultWarning, stacklevel=1)
"""

_OK = {
    "BASE": "ResourceWarning",
    "CALLER": "caller = traceback.extract_stack(limit=2)[0]",
    "SITE": 'f"{caller.filename}:{caller.lineno}"',
    "FLAG_INIT": "self._used = False",
    "EXTRA_INIT": "pass",
    "MARK": "self._used = True",
    "IGNORE": "self._used = True",
    "UNUSED": "not self._used",
    "MESSAGE": 'f"never used; created at {self._site}"',
}


def _guard(**changes: str) -> str:
    return _GUARD.format(**(_OK | changes))


_BOUND_FINALIZER = """
import traceback
import warnings
import weakref


class UnusedResultWarning(ResourceWarning):
    pass


class MustUse:
    def __init__(self, value):
        caller = traceback.extract_stack(limit=2)[0]
        self._value, self._used = value, False
        self._site = f"{caller.filename}:{caller.lineno}"
        weakref.finalize(self, self._check)  # the bound method keeps self alive for ever

    # Defaults bind the names now: the finalizer only runs at interpreter exit, after a reset.
    def _check(self, warn=warnings.warn, category=UnusedResultWarning):
        if not self._used:
            warn(f"never used; created at {self._site}", category, stacklevel=1)

    def unwrap(self):
        self._used = True
        return self._value

    def ignore(self):
        self._used = True
"""

_CONFIG = """
from dataclasses import dataclass


class ConfigError(ValueError):
    def __init__(self, field, problem):
        super().__init__(field, problem)
        self.field = field

    def __str__(self):
        return f"{{self.field}}: {{self.args[1]}}"


def _number(field, value, top):
    if {INT_TEST}:
        raise ConfigError(field, "not an int")
    if not ({RANGE}):
        raise ConfigError(field, "out of range")


@dataclass({FROZEN})
class ValidatedConfig:
    image: str
    port: int
    replicas: int

    def __post_init__(self):
        {POST_INIT}


def _validate(image, port, replicas):
    if not isinstance(image, str) or {IMAGE_BAD} or any(c.isspace() for c in image):
        raise ConfigError("image", "not name:tag")
    _number("port", port, 65535)
    _number("replicas", replicas, 64)


def parse_config(raw):
    {UNKNOWN}
    {MISSING}
    {PARSE_CHECK}
    return ValidatedConfig(image=raw["image"], port=raw["port"], replicas=raw["replicas"])
"""

_CONFIG_OK = {
    "INT_TEST": "type(value) is not int",
    "RANGE": "1 <= value <= top",
    "FROZEN": "frozen=True",
    "POST_INIT": "_validate(self.image, self.port, self.replicas)",
    "IMAGE_BAD": 'not all(image.rpartition(":")[::2]) or ":" not in image',
    "UNKNOWN": 'for key in set(raw) - {"image", "port", "replicas"}: raise ConfigError(key, "unknown")',
    "MISSING": (
        'for key in ("image", "port", "replicas"):\n        if key not in raw: raise ConfigError(key, "missing")'
    ),
    "PARSE_CHECK": "pass",
}


def _config(**changes: str) -> str:
    return _CONFIG.format(**(_CONFIG_OK | changes))


WRONG = {
    "5.1": [
        (
            "the 'used' flag is thread-local, so a value read in another thread still warns",
            _guard(
                FLAG_INIT="self._local = threading.local()",
                MARK="self._local.used = True",
                IGNORE="self._local.used = True",
                UNUSED='not getattr(self._local, "used", False)',
            ),
            "incorrect",
        ),
        ("weakref.finalize holding a bound method: the value is never collected", _BOUND_FINALIZER, "incorrect"),
        ("the message does not say where the value was created", _guard(MESSAGE='"never used"'), "incorrect"),
        ("a UserWarning, not a ResourceWarning", _guard(BASE="UserWarning"), "incorrect"),
        (
            "the flag lives on the class: one unwrap silences every later value",
            _guard(
                FLAG_INIT="pass",
                MARK="type(self)._used = True",
                IGNORE="type(self)._used = True",
                UNUSED='not getattr(type(self), "_used", False)',
            ),
            "incorrect",
        ),
        ("ignore() does not mark the value used", _guard(IGNORE="pass"), "incorrect"),
        (
            "warns twice: from __del__ and from a finalizer",
            _guard(
                EXTRA_INIT='weakref.finalize(self, warnings.warn, f"dropped; created at {self._site}", '
                "UnusedResultWarning)"
            ),
            "incorrect",
        ),
        (
            "records MustUse's own line (extract_stack(limit=1)), not the caller's",
            _guard(CALLER="caller = traceback.extract_stack(limit=1)[0]"),
            "incorrect",
        ),
        (
            "sys._getframe(1): right in plain Python, but grading refuses frame access (the prompt says so)",
            _guard(CALLER="caller = sys._getframe(1)", SITE='f"{caller.f_code.co_filename}:{caller.f_lineno}"'),
            "error",
        ),
        (
            "inspect.stack(): frame access too, refused the same way",
            _guard(CALLER="import inspect; caller = inspect.stack(context=0)[1]"),
            "error",
        ),
    ],
    "5.2": [
        (
            "isinstance(value, int) lets True through as port 1",
            _config(INT_TEST="not isinstance(value, int)"),
            "incorrect",
        ),
        ("an off-by-one range: 65535 and 64 rejected", _config(RANGE="1 <= value < top"), "incorrect"),
        ("a missing field is a KeyError, not a ConfigError", _config(MISSING="pass"), "incorrect"),
        ("unknown keys such as 'replica' are silently ignored", _config(UNKNOWN="pass"), "incorrect"),
        ("not frozen: the config can be changed after validation", _config(FROZEN=""), "incorrect"),
        (
            "validation only in parse_config: ValidatedConfig(...) builds an invalid config",
            _config(POST_INIT="pass", PARSE_CHECK='_validate(raw["image"], raw["port"], raw["replicas"])'),
            "incorrect",
        ),
        (
            "an image check of ':' in image accepts 'llama-server:' and ':1.4'",
            _config(IMAGE_BAD='":" not in image'),
            "incorrect",
        ),
        (
            "the error does not say which field (no .field)",
            """
class ConfigError(ValueError):
    pass


@dataclass(frozen=True)
class ValidatedConfig:
    image: str
    port: int
    replicas: int

    def __post_init__(self):
        name, _, tag = self.image.rpartition(":") if isinstance(self.image, str) else ("", "", "")
        if not name or not tag or " " in self.image:
            raise ConfigError("bad image")
        for value, top in ((self.port, 65535), (self.replicas, 64)):
            if type(value) is not int or not 1 <= value <= top:
                raise ConfigError("bad number")


def parse_config(raw):
    if set(raw) != {"image", "port", "replicas"}:
        raise ConfigError("wrong keys")
    return ValidatedConfig(**raw)
""",
            "incorrect",
        ),
    ],
    "5.3": [
        (
            "unwraps every Result: a Failure raises UnwrapFailedError",
            "def rollout(nodes, drain):\n    return Success([drain(node).unwrap() for node in nodes])\n",
            "incorrect",
        ),
        (
            "drains every node, then returns the first Failure",
            """
def rollout(nodes, drain):
    results = [drain(node) for node in nodes]
    for result in results:
        if isinstance(result, Failure):
            return result
    return Success([r.unwrap() for r in results])
""",
            "incorrect",
        ),
        (
            "ignores drain's Results altogether",
            """
def rollout(nodes, drain):
    for node in nodes:
        drain(node)
    return Success([f"{node} drained" for node in nodes])
""",
            "incorrect",
        ),
        (
            "raises on a Failure instead of returning it",
            """
def rollout(nodes, drain):
    messages = []
    for node in nodes:
        match drain(node):
            case Success(message):
                messages.append(message)
            case Failure(error):
                raise RuntimeError(error)
    return Success(messages)
""",
            "incorrect",
        ),
        (
            "returns a bare list, not a Result",
            """
def rollout(nodes, drain):
    messages = []
    for node in nodes:
        result = drain(node)
        if isinstance(result, Failure):
            return result
        messages.append(result.unwrap())
    return messages
""",
            "incorrect",
        ),
        (
            "rewords drain's error",
            """
def rollout(nodes, drain):
    messages = []
    for node in nodes:
        result = drain(node)
        if isinstance(result, Failure):
            return Failure(f"rollout stopped: {result.failure()}")
        messages.append(result.unwrap())
    return Success(messages)
""",
            "incorrect",
        ),
    ],
    "5.4": [
        (
            "the RUF006 bug itself: tasks created and dropped",
            """
async def upload_all(keys, upload):
    for key in keys:
        asyncio.create_task(upload(key))  # noqa: RUF006 - the bug
    return []
""",
            "incorrect",
        ),
        (
            "awaits each upload in turn: correct results, no concurrency",
            "async def upload_all(keys, upload):\n    return [await upload(key) for key in keys]\n",
            "incorrect",
        ),
        (
            "plain gather: on error the other uploads keep running",
            "async def upload_all(keys, upload):\n    return list(await asyncio.gather(*(upload(k) for k in keys)))\n",
            "incorrect",
        ),
        (
            "as_completed: sizes in completion order, not key order",
            """
async def upload_all(keys, upload):
    return [await done for done in asyncio.as_completed([upload(k) for k in keys])]
""",
            "incorrect",
        ),
        (
            "gather(return_exceptions=True): the error comes back as a value and is lost",
            """
async def upload_all(keys, upload):
    return list(await asyncio.gather(*(upload(k) for k in keys), return_exceptions=True))
""",
            "incorrect",
        ),
    ],
}
