"""Right answers for lesson 05, written differently from the solution: weakref.finalize instead
of __del__, attrs and __slots__ instead of a dataclass, .bind instead of match, gather and wait
instead of a TaskGroup, a plain def returning an awaitable.
"""

RIGHT = {
    "5.1": [
        (
            "weakref.finalize with shared state, __slots__, traceback.extract_stack",
            """
import traceback
import warnings
import weakref


class UnusedResultWarning(ResourceWarning):
    pass


def _warn_if_unused(state):
    if not state["used"]:
        warnings.warn(f"a result was dropped unread; created at {state['site']}", UnusedResultWarning, stacklevel=2)


class MustUse:
    __slots__ = ("__weakref__", "_state", "_value")

    def __init__(self, value):
        caller = traceback.extract_stack(limit=2)[0]
        self._value = value
        self._state = {"used": False, "site": f"{caller.filename}:{caller.lineno}"}
        weakref.finalize(self, _warn_if_unused, self._state)

    def unwrap(self):
        self._state["used"] = True
        return self._value

    def ignore(self):
        self._state["used"] = True
""",
        ),
        (
            "a dataclass, traceback.format_stack, the traceback's 'file, line N' form",
            '''
import traceback
import warnings
from dataclasses import dataclass, field


class UnusedResultWarning(ResourceWarning):
    """Dropped without a look."""


@dataclass(eq=False)
class MustUse:
    value: object
    used: bool = field(default=False, init=False)
    site: str = field(default="", init=False)

    def __post_init__(self):
        # [-1] __post_init__, [-2] the generated __init__, [-3] the caller: 'File "...", line N, in ...'
        self.site = traceback.format_stack(limit=3)[0].strip().splitlines()[0]

    def unwrap(self):
        self.used = True
        return self.value

    def ignore(self):
        self.used = True

    def __del__(self):
        if not self.used:
            warnings.warn(f"unused result {self.value!r}, created at {self.site}", UnusedResultWarning, stacklevel=1)
''',
        ),
        (
            "warnings.warn_explicit, pointing the warning itself at the creation line",
            """
import traceback
import warnings


class UnusedResultWarning(ResourceWarning):
    pass


class MustUse:
    def __init__(self, value):
        self.value, self.used = value, False
        self.file, self.line = traceback.extract_stack(limit=2)[0][:2]

    def unwrap(self):
        self.used = True
        return self.value

    def ignore(self):
        self.used = True

    def __del__(self):
        if not self.used:
            warnings.warn_explicit(
                f"MustUse never used (created at {self.file}:{self.line})",
                UnusedResultWarning,
                self.file,
                self.line,
            )
""",
        ),
    ],
    "5.2": [
        (
            "attrs @frozen with validators",
            """
import attrs


class ConfigError(ValueError):
    def __init__(self, field, problem):
        super().__init__(f"{field}: {problem}")
        self.field = field


def _image(instance, attribute, value):
    if not isinstance(value, str):
        raise ConfigError("image", "must be a string")
    name, sep, tag = value.rpartition(":")
    if not sep or not name or not tag or any(c.isspace() for c in value):
        raise ConfigError("image", f"{value!r} is not name:tag")


def _between(low, high):
    def check(instance, attribute, value):
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ConfigError(attribute.name, f"{value!r} is not an int in [{low}, {high}]")
    return check


@attrs.frozen
class ValidatedConfig:
    image: str = attrs.field(validator=_image)
    port: int = attrs.field(validator=_between(1, 65535))
    replicas: int = attrs.field(validator=_between(1, 64))


FIELDS = ("image", "port", "replicas")


def parse_config(raw):
    for key in raw:
        if key not in FIELDS:
            raise ConfigError(key, "is not a known setting")
    missing = [f for f in FIELDS if f not in raw]
    if missing:
        raise ConfigError(missing[0], "is required")
    return ValidatedConfig(**{f: raw[f] for f in FIELDS})
""",
        ),
        (
            "__slots__ and a refusing __setattr__, ConfigError as a dataclass, match on the value",
            """
from dataclasses import dataclass


@dataclass
class ConfigError(ValueError):
    field: str
    problem: str

    def __post_init__(self):
        super().__init__(self.field, self.problem)

    def __str__(self):
        return f"bad {self.field}: {self.problem}"


def _whole(field, value, top):
    match value:
        case bool():
            raise ConfigError(field, "a bool is not a number")
        case int() if 1 <= value <= top:
            return value
        case int():
            raise ConfigError(field, f"{value} out of range 1..{top}")
        case _:
            raise ConfigError(field, f"{type(value).__name__} is not an int")


class ValidatedConfig:
    __slots__ = ("image", "port", "replicas")

    def __init__(self, *, image, port, replicas):
        if not isinstance(image, str) or image.count(":") < 1 or " " in image or "\\t" in image:
            raise ConfigError("image", f"{image!r} is not name:tag")
        name, _, tag = image.rpartition(":")
        if not name or not tag:
            raise ConfigError("image", f"{image!r} is not name:tag")
        object.__setattr__(self, "image", image)
        object.__setattr__(self, "port", _whole("port", port, 65535))
        object.__setattr__(self, "replicas", _whole("replicas", replicas, 64))

    def __setattr__(self, name, value):
        raise AttributeError(f"ValidatedConfig is read-only ({name})")


def parse_config(raw):
    extra = set(raw) - {"image", "port", "replicas"}
    if extra:
        raise ConfigError(min(extra), "unknown setting")
    try:
        return ValidatedConfig(image=raw["image"], port=raw["port"], replicas=raw["replicas"])
    except KeyError as exc:
        raise ConfigError(exc.args[0], "missing") from None
""",
        ),
    ],
    "5.3": [
        (
            "isinstance and unwrap after the check",
            """
def rollout(nodes, drain):
    done = []
    for node in nodes:
        result = drain(node)
        if isinstance(result, Failure):
            return result
        done.append(result.unwrap())
    return Success(done)
""",
        ),
        (
            "functools.reduce over .bind: a Failure short-circuits every later drain",
            """
from functools import reduce


def rollout(nodes, drain):
    return reduce(
        lambda acc, node: acc.bind(lambda done: drain(node).map(lambda message: [*done, message])),
        nodes,
        Success([]),
    )
""",
        ),
        (
            "is_successful, and a new Failure holding the same error",
            """
from returns.pipeline import is_successful


def rollout(nodes, drain):
    messages = []
    for node in nodes:
        outcome = drain(node)
        if not is_successful(outcome):
            return Failure(outcome.failure())
        messages.append(outcome.unwrap())
    return Success(messages)
""",
        ),
    ],
    "5.4": [
        (
            "asyncio.gather, cancelling and awaiting the rest on error",
            """
async def upload_all(keys, upload):
    tasks = [asyncio.ensure_future(upload(key)) for key in keys]
    try:
        return list(await asyncio.gather(*tasks))
    except BaseException:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        raise
""",
        ),
        (
            "a plain def returning a coroutine, a TaskGroup keyed by key",
            """
def upload_all(keys, upload):
    async def run():
        async with asyncio.TaskGroup() as group:
            by_key = {key: group.create_task(upload(key)) for key in keys}
        return [by_key[key].result() for key in keys]

    return run()
""",
        ),
        (
            "asyncio.wait(FIRST_EXCEPTION), cancel the pending, re-raise the first error",
            """
async def upload_all(keys, upload):
    tasks = [asyncio.create_task(upload(key)) for key in keys]
    if not tasks:
        return []
    done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
    for task in pending:
        task.cancel()
    if pending:
        await asyncio.wait(pending)
    for task in tasks:
        if task in done and task.exception() is not None:
            raise task.exception()
    return [task.result() for task in tasks]
""",
        ),
    ],
}
