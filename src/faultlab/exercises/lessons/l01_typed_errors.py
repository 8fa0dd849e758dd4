"""Lesson 01: typed library errors (the thiserror pattern in Python)."""

from __future__ import annotations

from typing import Any

from faultlab.exercises._exercise import Exercise
import errno

from faultlab.exercises._judge import expect, is_a, mro_index, raised, returned, show
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
    names = tuple(fields)
    label = f"{cls_name}({', '.join(f'{k}={v!r}' for k, v in fields.items())})"
    made, exc = probe.catch(label, cls, **fields)
    record: dict[str, Any] = {"make": made}
    if not isinstance(exc, BaseException) or "raised" in made:
        return record
    record["exc"] = describe(exc, fields=names)
    record["pickle"] = pickle_roundtrip(exc, names)
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
    expect(
        is_a(exc, "BaseException"),
        f"{make['call']} should build an exception, an instance of your class {cls}",
        expected=cls,
        got=exc["type"],
    )
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
    os_fields = exc.get("os")
    if isinstance(os_fields, dict):
        real = {"PermissionError": errno.EACCES, "TimeoutError": errno.ETIMEDOUT}
        allowed = [None, *(v for k, v in real.items() if is_a(exc, k))]
        expect(
            os_fields.get("errno") in allowed,
            f"{label}.errno is {show(os_fields.get('errno'))}: on an OSError subclass, super().__init__(a, b) "
            "reads a and b as errno and strerror, and a handler testing `e.errno == errno.EACCES` is fooled. "
            "Call Exception.__init__(self, *fields) instead (or pass a real errno)",
            expected=" or ".join(show(a) for a in allowed),
            got=show(os_fields.get("errno")),
        )
    expect(rec["raise"].get("raised", {}).get("type") == exc["type"], f"raise {label} should work")
    expect(
        "raised" not in rec["hash"],
        f"{label} should be hashable (a dataclass needs eq=False)",
        got=f"hash() raised {rec['hash'].get('raised', {}).get('str')}",
    )
    pick = rec["pickle"]
    error = str(pick.get("error"))
    if "FrozenInstanceError" in error:
        advice = (
            "a frozen dataclass cannot be unpickled: pickle restores the attributes with setattr, "
            "and frozen=True forbids it. Drop frozen=True"
        )
    elif "TypeError" in error:
        advice = (
            "pickle rebuilds an exception as cls(*exc.args), so .args must hold the fields in order: "
            "call Exception.__init__(self, *fields) (super().__init__ for a plain Exception subclass)"
        )
    else:
        advice = "pickle must rebuild it"
    expect(pick["ok"], f"{label} should survive pickle: {advice}", expected="a round trip", got=pick.get("error"))
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
        f"{label}.add_note() should work (a frozen dataclass forbids setting __notes__)",
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
    exc = data["nf"]["exc"]
    mro = exc["mro"]
    expect(
        mro_index(exc, "StorageError") < mro_index(exc, "LookupError"),
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
    for name, error in (
        ("eio", OSError(errno.EIO, "Input/output error")),
        ("refused", ConnectionRefusedError(errno.ECONNREFUSED, "Connection refused")),
        ("bug", ValueError("malformed object header")),
    ):
        world.store.faults.clear()
        world.store.faults.fail_next("get_object", 1, error)
        outcome = probe.call(
            f"fetch(store, 'weights', 'llama/7b.bin')  # the store raises {type(error).__name__}: {error}",
            fetch,
            world.store,
            "weights",
            "llama/7b.bin",
        )
        out[name] = {"outcome": outcome, "str": str(error)}
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
    for name, kind, why in (
        ("eio", "OSError", "a disk or network read error is not 'not found' and not a timeout"),
        ("refused", "ConnectionRefusedError", "a retry layer above must still see a ConnectionError"),
        ("bug", "ValueError", "a bug in the store is nothing fetch can translate"),
    ):
        rec = data[name]
        call = rec["outcome"]["call"]
        exc = raised(rec["outcome"], f"{call} should let the {kind} through")
        expect(
            exc["type"] == kind and exc["str"] == rec["str"],
            f"{call}: catch only the four errors the table translates; everything else passes through "
            f"untouched ({why}). Catching OSError or Exception wholesale hides it",
            expected=f"{kind}: {rec['str']}",
            got=f"{exc['type']}: {show(exc['str'])}",
        )


# -- 1.4 explain: match on errors ---------------------------------------------------------
_BUILT_IN_CASES = (
    ("ValueError('bad header')", ValueError("bad header"), "bug: ValueError"),
    ("TimeoutError('read timed out')", TimeoutError("read timed out"), "transient: retry"),
    ("ConnectionResetError(104, 'reset')", ConnectionResetError(104, "reset"), "transient: retry"),
    ("ConnectionRefusedError(111, 'refused')", ConnectionRefusedError(111, "refused"), "transient: retry"),
    ("FileNotFoundError(2, 'No such key')", FileNotFoundError(2, "No such key"), "bug: FileNotFoundError"),
    ("PermissionError(13, 'denied')", PermissionError(13, "denied"), "bug: PermissionError"),
    ("OSError(errno.EIO, 'Input/output error')", OSError(errno.EIO, "Input/output error"), "bug: OSError"),
    ("KeyError('weights')", KeyError("weights"), "bug: KeyError"),
)

_LEARNER_CASES = (
    ("NotFound", ("weights", "a.bin"), "missing: weights/a.bin", "1.1"),
    ("NotFound", ("logs", "2026/x.gz"), "missing: logs/2026/x.gz", "1.1"),
    ("PermissionDenied", ("erin", "weights/a.bin"), "ask an admin to grant erin access to weights/a.bin", "1.2"),
    ("QuotaExceeded", (180, 100), "free 80 bytes", "1.2"),
    ("QuotaExceeded", (101, 100), "free 1 bytes", "1.2"),
    ("StorageTimeout", (4.0,), "transient: retry", "1.2"),
)


def _observe_explain(probe: Probe) -> dict[str, Any]:
    explain = probe.get("explain")
    # Built-in errors first: a stub explain() is "not attempted" whatever the classes are.
    cases = [
        {"outcome": probe.call(f"explain({label})", explain, exc), "want": want} for label, exc, want in _BUILT_IN_CASES
    ]
    for name, args, want, needs in _LEARNER_CASES:
        cls = probe.get(name)
        label = f"{name}({', '.join(map(repr, args))})"
        made, exc = probe.catch(label, cls, *args)
        if "raised" in made:
            if made["raised"].get("type") == "NotImplementedError":
                return {"cases": cases, "needs": {"exercise": needs, "call": label}}
            return {"cases": cases, "broken": made}
        cases.append({"outcome": probe.call(f"explain({label})", explain, exc), "want": want})
    return {"cases": cases}


def _judge_explain(data: dict[str, Any]) -> None:
    for case in data["cases"]:
        outcome, want = case["outcome"], case["want"]
        got = returned(outcome)
        why = "say what to do about it"
        if want.startswith("bug:"):
            why = (
                "say it is a bug: a built-in error that is none of your classes is 'anything else' "
                "(`case OSError()` or `case LookupError()` would catch it too)"
            )
        expect(got == want, f"{outcome['call']} should {why}", expected=repr(want), got=show(got))
    needs = data.get("needs")
    if isinstance(needs, dict):
        expect(
            False,
            f"1.4 needs {needs.get('exercise')} first: {needs.get('call')} still raises the stub's "
            f"NotImplementedError. Finish exercise {needs.get('exercise')}, run its cell, then check 1.4 again",
        )
    if "broken" in data:
        returned(data["broken"])


_FIELDS_HINT = (
    "A plain class is enough: __init__(self, bucket, key) calls super().__init__(bucket, key) (pickle "
    "rebuilds an error as cls(*exc.args)), stores both fields, and __str__ returns the message."
)
EXERCISES = (
    Exercise(
        id="1.1",
        lesson=LESSON,
        title="NotFound: a typed error with fields and a message",
        points=3,
        hints=(
            _FIELDS_HINT,
            "A dataclass instead? Delete the stub's __init__ (a dataclass keeps an __init__ you wrote), put "
            "@dataclass(eq=False) above the class, declare bucket: str and key: str, and add a __post_init__ "
            "that calls super().__init__(self.bucket, self.key). attrs' @define needs none of that.",
            "eq=False keeps the error hashable; frozen=True breaks unpickling (pickle sets the attributes back) "
            "and add_note(), so leave it out.",
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
            "Pass every field, in order, to Exception.__init__(self, ...) so pickle works. Not super().__init__ "
            "in PermissionDenied and StorageTimeout: OSError would take the first two fields as errno and strerror.",
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
            "Catch only what you translate: a ConnectionResetError, an OSError(EIO) or a ValueError must pass "
            "through untouched. FileNotFoundError and TimeoutError are OSErrors, so never catch OSError wholesale.",
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
            "A match statement with class patterns. Keyword patterns work with any class: "
            "case NotFound(bucket=bucket, key=key). Positional ones, case NotFound(bucket, key), need "
            "__match_args__: a dataclass writes it, a plain class sets __match_args__ = ('bucket', 'key').",
            "Order matters: StorageTimeout is also a TimeoutError. One case can catch all the transient "
            "ones: case TimeoutError() | ConnectionError(). Match your own classes, not OSError: a built-in "
            "FileNotFoundError is 'anything else'.",
            "The last case, case _:, names the type: f'bug: {type(exc).__name__}'.",
        ),
        names=("explain", "NotFound", "PermissionDenied", "QuotaExceeded", "StorageTimeout"),
        observe=_observe_explain,
        judge=_judge_explain,
        success="explain turns each typed error into advice.",
    ),
)
