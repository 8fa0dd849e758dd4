"""The observe half: plain data only, whatever the learner's objects do."""

from __future__ import annotations

import json
from typing import Any

from faultlab.exercises._observe import Probe, describe, jsonable, pickle_roundtrip


class AlwaysEqual(str):
    """A string that claims to equal everything."""

    def __eq__(self, other: object) -> bool:
        return True

    __hash__ = str.__hash__


def test_always_equal_objects_become_plain_data() -> None:
    """A str subclass with a lying __eq__ is stored as a plain str, so it cannot fool a judge."""
    data = jsonable({"v": AlwaysEqual("nope"), "o": object()})
    assert type(data["v"]) is str
    assert data["v"] == "nope"
    assert data["v"] != "expected"
    assert set(data["o"]) == {"repr", "type"}


def test_describe_records_chain_notes_and_mro() -> None:
    """describe() records type, MRO, str, fields, notes and the cause."""
    try:
        raise PermissionError(13, "denied") from KeyError("k")
    except PermissionError as exc:
        exc.add_note("n1")
        d = describe(exc)
    assert d["type"] == "PermissionError"
    assert "OSError" in d["mro"]
    assert d["notes"] == ["n1"]
    assert d["cause"]["type"] == "KeyError"
    assert d["suppress_context"] is True
    json.dumps(d)


def test_describe_survives_hostile_str() -> None:
    """A __str__ that raises or returns a non-str is recorded, not propagated."""

    class Bad(Exception):
        def __str__(self) -> Any:
            return 42

    assert describe(Bad())["str"] == {"str_raised": "TypeError: __str__ returned non-string (type int)"}


class NeedsTwo(Exception):
    """Passes one joined string to the base: pickle cannot rebuild it."""

    def __init__(self, a: str, b: str) -> None:
        super().__init__(f"{a}{b}")


def test_pickle_roundtrip_reports_failure() -> None:
    """An exception that cannot be unpickled is reported with the reason."""
    result = pickle_roundtrip(NeedsTwo("a", "b"))
    assert result["ok"] is False
    assert "TypeError" in result["error"]


def test_probe_call_records_every_way_out() -> None:
    """probe.call records returns, exceptions, and even KeyboardInterrupt."""
    probe = Probe({})

    def interrupt() -> None:
        raise KeyboardInterrupt

    assert probe.call("f()", lambda: 3) == {"call": "f()", "returned": 3}
    assert probe.call("g()", interrupt)["raised"]["type"] == "KeyboardInterrupt"


def test_describe_reads_fields_as_a_caller_does() -> None:
    """Slotted attributes and properties are recorded as fields, read with getattr, not vars()."""

    class Slotted(Exception):
        __slots__ = ("bucket",)

        def __init__(self, bucket: str) -> None:
            super().__init__(bucket)
            self.bucket = bucket

        @property
        def key(self) -> str:
            return "k"

    assert describe(Slotted("b"))["fields"] == {"bucket": "b", "key": "k"}


def test_describe_records_an_oserror_errno_apart() -> None:
    """An OSError's errno and strerror are recorded under "os", not among the learner's fields."""
    d = describe(PermissionError(13, "denied"))
    assert d["os"] == {"errno": 13, "strerror": "denied"}
    assert "errno" not in d["fields"]
