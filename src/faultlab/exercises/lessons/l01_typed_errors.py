"""Lesson 01: typed library errors (the thiserror pattern in Python)."""

from __future__ import annotations

from typing import Any

from faultlab.exercises._exercise import Exercise
from faultlab.exercises._judge import expect, is_a, raised, returned, show
from faultlab.exercises._observe import Probe, describe, pickle_roundtrip
from faultlab.world import World

LESSON = "01_typed_errors"


def _probe_instance(probe: Probe, cls_name: str, fields: dict[str, Any]) -> dict[str, Any]:
    """Build one learner exception and record everything a caller relies on.

    It is built with keyword arguments: ``BaseException.__new__`` only fills ``.args``
    from positional ones, so this is what exposes a dataclass that never calls
    ``super().__init__`` (it then cannot be unpickled).
    """
    cls = probe.get(cls_name)
    label = f"{cls_name}({', '.join(f'{k}={v!r}' for k, v in fields.items())})"
    made, exc = probe.catch(label, cls, **fields)
    record: dict[str, Any] = {"make": made}
    if not isinstance(exc, BaseException) or "raised" in made:
        return record
    record["exc"] = describe(exc)
    record["pickle"] = pickle_roundtrip(exc)
    record["hash"] = probe.call(f"hash({label})", hash, exc)

    def raise_it() -> None:
        raise exc

    record["raise"] = probe.call(f"raise {label}", raise_it)

    def note() -> list[str]:
        exc.add_note("while loading the model")
        return list(getattr(exc, "__notes__", []))

    record["note"] = probe.call(f"{label}.add_note(...)", note)
    return record


def _judge_instance(
    rec: dict[str, Any], cls: str, bases: tuple[str, ...], fields: dict[str, Any], message: str
) -> None:
    make = rec["make"]
    returned(make)  # the constructor itself must not raise
    exc = rec["exc"]
    label = make["call"].split("(")[0] + "(...)"
    for base in bases:
        expect(
            is_a(exc, base),
            f"{cls} should be a subclass of {base}",
            expected=f"{base} in the MRO",
            got=" → ".join(exc["mro"]),
        )
    for name, value in fields.items():
        expect(
            exc["fields"].get(name) == value,
            f"{label}.{name} should hold the value passed in",
            expected=show(value),
            got=show(exc["fields"].get(name, "<no such attribute>")),
        )
    expect(
        exc["str"] == message,
        f"str({label}) should be the human-readable message",
        expected=repr(message),
        got=show(exc["str"]),
    )
    expect(rec["raise"].get("raised", {}).get("type") == exc["type"], f"raise {label} should work")
    expect(
        "raised" not in rec["hash"],
        f"{label} should be hashable (a dataclass needs eq=False)",
        got=f"hash() raised {rec['hash'].get('raised', {}).get('str')}",
    )
    pick = rec["pickle"]
    expect(
        pick["ok"],
        f"{label} should survive pickle (pass the fields to super().__init__)",
        expected="a round trip",
        got=pick.get("error"),
    )
    back = pick["back"]
    expect(
        back["fields"] == exc["fields"] and back["str"] == exc["str"],
        f"{label} should come back from pickle with the same fields and message",
        expected=show(exc["fields"]),
        got=show(back["fields"]),
    )
    note = rec["note"]
    expect(
        "raised" not in note,
        f"{label}.add_note() should work (a frozen dataclass breaks it)",
        got=f"add_note raised {note.get('raised', {}).get('str')}",
    )


# -- 1.1 NotFound -------------------------------------------------------------------------
def _observe_not_found(probe: Probe) -> dict[str, Any]:
    probe.get("StorageError")
    return {"nf": _probe_instance(probe, "NotFound", {"bucket": "weights", "key": "llama/7b.bin"})}


def _judge_not_found(data: dict[str, Any]) -> None:
    _judge_instance(
        data["nf"],
        "NotFound",
        ("StorageError", "LookupError", "Exception"),
        {"bucket": "weights", "key": "llama/7b.bin"},
        "object not found: weights/llama/7b.bin",
    )
    mro = data["nf"]["exc"]["mro"]
    expect(
        mro.index("StorageError") < mro.index("LookupError"),
        "StorageError should come before LookupError in NotFound's bases (domain first)",
        got=" → ".join(mro),
    )


# -- 1.2 the rest of the family -----------------------------------------------------------
def _observe_family(probe: Probe) -> dict[str, Any]:
    return {
        "pd": _probe_instance(probe, "PermissionDenied", {"principal": "carol", "resource": "weights/llama/7b.bin"}),
        "qe": _probe_instance(probe, "QuotaExceeded", {"used_bytes": 130, "limit_bytes": 100}),
        "to": _probe_instance(probe, "StorageTimeout", {"seconds": 2.5}),
    }


def _judge_family(data: dict[str, Any]) -> None:
    _judge_instance(
        data["pd"],
        "PermissionDenied",
        ("StorageError", "PermissionError"),
        {"principal": "carol", "resource": "weights/llama/7b.bin"},
        "permission denied for carol on weights/llama/7b.bin",
    )
    _judge_instance(
        data["qe"],
        "QuotaExceeded",
        ("StorageError",),
        {"used_bytes": 130, "limit_bytes": 100},
        "storage quota exceeded: 130/100 bytes",
    )
    _judge_instance(
        data["to"], "StorageTimeout", ("StorageError", "TimeoutError"), {"seconds": 2.5}, "network timeout after 2.5s"
    )


# -- 1.3 fetch: translate at the boundary -------------------------------------------------
def _world() -> World:
    world = World.demo(seed=11)
    world.store.create_bucket("weights", quota_bytes=100)
    world.store.put_object("weights", "llama/7b.bin", b"LLAMA")
    world.store.grant("dave", "weights", "r")
    return world


def _observe_fetch(probe: Probe) -> dict[str, Any]:
    fetch = probe.get("fetch")
    out: dict[str, Any] = {}
    world = _world()
    out["ok"] = probe.call(
        "fetch(store, 'weights', 'llama/7b.bin', principal='dave')",
        fetch,
        world.store,
        "weights",
        "llama/7b.bin",
        principal="dave",
    )
    out["no_key"] = probe.call("fetch(store, 'weights', 'mistral.bin')", fetch, world.store, "weights", "mistral.bin")
    out["no_bucket"] = probe.call("fetch(store, 'archive', 'old.bin')", fetch, world.store, "archive", "old.bin")
    out["denied"] = probe.call(
        "fetch(store, 'weights', 'llama/7b.bin', principal='mallory')",
        fetch,
        world.store,
        "weights",
        "llama/7b.bin",
        principal="mallory",
    )
    world.store.faults.add_latency("get_object", 9.0)
    out["slow"] = probe.call(
        "fetch(store, 'weights', 'llama/7b.bin', timeout=3.0)  # the store takes 9s",
        fetch,
        world.store,
        "weights",
        "llama/7b.bin",
        timeout=3.0,
    )
    world.store.faults.clear()
    world.store.faults.fail_next("get_object", 1, ConnectionResetError(104, "Connection reset by peer"))
    out["reset"] = probe.call(
        "fetch(store, 'weights', 'llama/7b.bin')  # the connection resets",
        fetch,
        world.store,
        "weights",
        "llama/7b.bin",
    )
    return out


def _judge_caused(outcome: dict[str, Any], cls: str, fields: dict[str, Any], cause: str) -> None:
    call = outcome["call"]
    exc = raised(outcome, f"{call} should raise {cls}")
    expect(is_a(exc, cls), f"{call} should raise your {cls}", expected=cls, got=f"{exc['type']}: {show(exc['str'])}")
    for name, value in fields.items():
        expect(
            exc["fields"].get(name) == value,
            f"the {cls} from {call} should have {name}={value!r}",
            expected=show(value),
            got=show(exc["fields"].get(name, "<missing>")),
        )
    got_cause = exc["cause"]
    expect(
        isinstance(got_cause, dict) and is_a(got_cause, cause),
        f"the {cls} from {call} should keep the store's {cause} as its __cause__ (raise ... from exc)",
        expected=cause,
        got="no __cause__" if not isinstance(got_cause, dict) else got_cause["type"],
    )


def _judge_fetch(data: dict[str, Any]) -> None:
    got = returned(data["ok"])
    expect(
        got == {"bytes": "b'LLAMA'"},
        "fetch should return the object's bytes when all is well",
        expected="b'LLAMA'",
        got=show(got),
    )
    _judge_caused(data["no_key"], "NotFound", {"bucket": "weights", "key": "mistral.bin"}, "FileNotFoundError")
    _judge_caused(data["no_bucket"], "NotFound", {"bucket": "archive", "key": "old.bin"}, "KeyError")
    _judge_caused(
        data["denied"],
        "PermissionDenied",
        {"principal": "mallory", "resource": "weights/llama/7b.bin"},
        "PermissionError",
    )
    _judge_caused(data["slow"], "StorageTimeout", {"seconds": 3.0}, "TimeoutError")
    exc = raised(data["reset"], f"{data['reset']['call']} should let the ConnectionResetError through")
    expect(
        exc["type"] == "ConnectionResetError",
        "an error fetch has nothing to add to (a reset connection) should pass through unchanged, "
        "so a retry layer above can still catch ConnectionError",
        expected="ConnectionResetError",
        got=exc["type"],
    )


# -- 1.4 explain: match on errors ---------------------------------------------------------
def _observe_explain(probe: Probe) -> dict[str, Any]:
    explain = probe.get("explain")
    cases: list[tuple[str, Any]] = []
    for name, args in (
        ("NotFound", ("weights", "a.bin")),
        ("PermissionDenied", ("erin", "weights/a.bin")),
        ("QuotaExceeded", (180, 100)),
        ("StorageTimeout", (4.0,)),
    ):
        cls = probe.get(name)
        try:
            cases.append((f"{name}({', '.join(map(repr, args))})", cls(*args)))
        except Exception as exc:  # noqa: BLE001 - an unusable class is an observation
            return {"broken": {"call": f"{name}{args!r}", "raised": describe(exc)}}
    cases += [
        ("TimeoutError('read timed out')", TimeoutError("read timed out")),
        ("ConnectionResetError(104, 'reset')", ConnectionResetError(104, "reset")),
        ("ValueError('bad header')", ValueError("bad header")),
    ]
    return {"cases": [probe.call(f"explain({label})", explain, exc) for label, exc in cases]}


_EXPLAINED = (
    "missing: weights/a.bin",
    "ask an admin to grant erin access to weights/a.bin",
    "free 80 bytes",
    "transient: retry",
    "transient: retry",
    "transient: retry",
    "bug: ValueError",
)


def _judge_explain(data: dict[str, Any]) -> None:
    if "broken" in data:
        returned(data["broken"])
    for outcome, want in zip(data["cases"], _EXPLAINED, strict=True):
        got = returned(outcome)
        expect(got == want, f"{outcome['call']} should say what to do about it", expected=repr(want), got=show(got))


_FIELDS_HINT = (
    "A dataclass is the shortest way: @dataclass(eq=False) class NotFound(StorageError, LookupError) "
    "with fields bucket: str and key: str, and a __str__ that returns the message."
)

EXERCISES = (
    Exercise(
        id="1.1",
        lesson=LESSON,
        title="NotFound: a typed error with fields and a message",
        points=3,
        hints=(
            _FIELDS_HINT,
            "A dataclass never calls Exception.__init__, so .args stays empty and pickle cannot "
            "rebuild the error. Add __post_init__ that calls super().__init__(self.bucket, self.key).",
            "eq=False keeps the error hashable; frozen=True would break add_note() and "
            "contextmanager, so leave it out.",
        ),
        names=("StorageError", "NotFound"),
        observe=_observe_not_found,
        judge=_judge_not_found,
        success="NotFound is a StorageError and a LookupError, with fields, a message, pickling and notes.",
    ),
    Exercise(
        id="1.2",
        lesson=LESSON,
        title="PermissionDenied, QuotaExceeded and StorageTimeout",
        points=3,
        hints=(
            "Follow the shape of NotFound: one class per failure, each with its own fields, and a "
            "built-in second base where one matches (PermissionError, TimeoutError).",
            "Messages: 'permission denied for {principal} on {resource}', "
            "'storage quota exceeded: {used_bytes}/{limit_bytes} bytes', 'network timeout after {seconds}s'.",
            "Each __post_init__ passes every field to super().__init__ in order, so pickle works.",
        ),
        names=("StorageError", "PermissionDenied", "QuotaExceeded", "StorageTimeout"),
        observe=_observe_family,
        judge=_judge_family,
        success="the whole StorageError family carries fields, messages, and pickles.",
    ),
    Exercise(
        id="1.3",
        lesson=LESSON,
        title="fetch: translate the store's errors at the boundary",
        points=4,
        hints=(
            "Wrap store.get_object(...) in try/except and catch the built-ins the store raises: "
            "KeyError (bucket), FileNotFoundError (key), PermissionError, TimeoutError.",
            "Raise your own error `from exc`, so the store's exception stays on __cause__: "
            "raise NotFound(bucket, key) from exc.",
            "Catch only what you translate: a ConnectionResetError must pass through untouched. "
            "Note that FileNotFoundError and TimeoutError are OSErrors, so do not catch OSError.",
        ),
        names=("fetch", "NotFound", "PermissionDenied", "StorageTimeout"),
        observe=_observe_fetch,
        judge=_judge_fetch,
        success="fetch speaks the domain's language and keeps every cause.",
    ),
    Exercise(
        id="1.4",
        lesson=LESSON,
        title="explain: match on the error type and its fields",
        points=3,
        hints=(
            "A match statement with class patterns: case NotFound(bucket, key): ... Positional "
            "patterns need __match_args__, which a dataclass writes for you.",
            "Order matters: StorageTimeout is also a TimeoutError. One case can catch all the transient "
            "ones: case TimeoutError() | ConnectionError():",
            "The last case, case _:, names the type: f'bug: {type(exc).__name__}'.",
        ),
        names=("explain", "NotFound", "PermissionDenied", "QuotaExceeded", "StorageTimeout"),
        observe=_observe_explain,
        judge=_judge_explain,
        success="explain turns each typed error into advice.",
    ),
)
