"""The integrity fingerprint: it notices patched checks and stays quiet otherwise."""

from __future__ import annotations

import builtins
import importlib
import json
import pickle
import sys

import pytest

import faultlab
import faultlab.exercises._judge
import faultlab.exercises._observe
from faultlab import World
from faultlab.exercises import exercises
from faultlab.grader._grade import _warm_up
from faultlab.grader._integrity import Fingerprint


@pytest.fixture(scope="module")
def fingerprint() -> Fingerprint:
    """A fingerprint of every faultlab module, as the grader takes it."""
    return Fingerprint(_warm_up())


def test_an_untouched_process_has_no_changes(fingerprint: Fingerprint) -> None:
    """Right after it is taken, nothing differs; it watches thousands of identities."""
    assert fingerprint.changes() == []
    assert fingerprint.size > 1000


def test_ordinary_work_is_not_tampering(fingerprint: Fingerprint) -> None:
    """Running checks, pickling faultlab objects and importing submodules change nothing it watches."""
    world = World.demo(seed=3)
    pickle.loads(pickle.dumps(faultlab.FaultlabError("x")))
    importlib.import_module("json.tool")
    world.store.create_bucket("tmp")
    assert fingerprint.changes() == []


def test_a_replaced_function_is_named(fingerprint: Fingerprint, monkeypatch: pytest.MonkeyPatch) -> None:
    """Replacing a faultlab global is reported with its dotted name."""
    monkeypatch.setattr(faultlab.exercises._judge, "expect", lambda *a, **k: None)
    assert fingerprint.changes() == ["faultlab.exercises._judge.expect was replaced"]


def test_replaced_code_is_noticed(fingerprint: Fingerprint, monkeypatch: pytest.MonkeyPatch) -> None:
    """Swapping a function's __code__ keeps its identity but is still noticed."""
    monkeypatch.setattr(faultlab.exercises._observe.jsonable, "__code__", (lambda value, depth=0: 1).__code__)
    assert fingerprint.changes() == ["faultlab.exercises._observe.jsonable.__code__ was replaced"]


def test_a_patched_class_attribute_is_noticed(fingerprint: Fingerprint, monkeypatch: pytest.MonkeyPatch) -> None:
    """Replacing a method of a faultlab class is reported."""
    monkeypatch.setattr(faultlab.exercises._observe.Probe, "call", lambda *a, **k: {})
    assert fingerprint.changes() == ["faultlab.exercises.Probe.call was replaced"]


def test_a_patched_exercise_is_noticed(fingerprint: Fingerprint, monkeypatch: pytest.MonkeyPatch) -> None:
    """A frozen Exercise whose observer was swapped with object.__setattr__ is reported."""
    exercise = exercises()["0.1"]
    monkeypatch.setitem(vars(exercise), "observe", lambda probe: {})
    changes = fingerprint.changes()
    assert len(changes) == 1
    assert changes[0].endswith(".observe was replaced")


def test_patched_builtins_are_reported_and_restored(fingerprint: Fingerprint, monkeypatch: pytest.MonkeyPatch) -> None:
    """A replaced builtin is reported, and the original is put back before anything else runs."""
    original = builtins.isinstance
    monkeypatch.setattr(builtins, "isinstance", lambda *a: True)
    vars(builtins)["sneaky"] = 1
    try:
        assert fingerprint.changes() == ["builtins.isinstance was replaced", "builtins gained a name"]
    finally:
        vars(builtins).pop("sneaky", None)
    assert builtins.isinstance is original
    assert "sneaky" not in vars(builtins)


def test_a_replaced_stdlib_module_is_noticed(fingerprint: Fingerprint, monkeypatch: pytest.MonkeyPatch) -> None:
    """Swapping json in sys.modules, or one of its functions, is reported."""
    monkeypatch.setitem(sys.modules, "json", type(sys)("json"))
    monkeypatch.setattr(json, "dumps", lambda *a, **k: "{}")
    assert fingerprint.changes() == ["sys.modules['json'] was replaced", "json.dumps was replaced"]
