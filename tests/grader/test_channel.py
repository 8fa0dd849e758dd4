"""The observation path cannot be rewritten: everything it runs is watched, and each patch is caught.

1. Profiling every lesson's observers (and the channel) on solutions, stubs, right and wrong
   answers finds every module whose code they run; each must be watched by the fingerprint.
2. In a sandbox-like child (audit hook installed, fingerprint taken), every attribute of
   every such module and of every class defined there is patched, one at a time: each
   patch is refused, or the fingerprint reports it (the run would be `invalid`).
"""

from __future__ import annotations

import json
import os
import re
import sys
import tempfile
import threading
import types
from typing import Any

import pytest

from faultlab.exercises import exercises
from faultlab.grader._integrity import OBSERVER_MODULES, SETTINGS
from faultlab.grader._submission import _make_channel, _make_observe, execute_definitions, select_definitions
from faultlab.grader._warm import prepare, warm_up
from tests.answers import RIGHT, WRONG
from tests.conftest import ROOT, code_cells

LESSONS = sorted({ex.lesson for ex in exercises().values()})


def _namespaces() -> list[tuple[str, list[tuple[int, str]]]]:
    """(lesson, numbered cells) for each solution, stub, and right and wrong answer."""
    out = []
    for lesson in LESSONS:
        solved = code_cells(ROOT / "solutions" / f"{lesson}.ipynb")
        out.append((lesson, list(enumerate(solved, 1))))
        out.append((lesson, list(enumerate(code_cells(ROOT / "exercises" / f"{lesson}.ipynb"), 1))))
        for eid, ex in exercises().items():
            if ex.lesson != lesson:
                continue
            answers = [src for _, src in RIGHT.get(eid, [])] + [src for _, src, _ in WRONG.get(eid, [])]
            out += [(lesson, list(enumerate([*solved, answer], 1))) for answer in answers]
    return out


def _observed_modules() -> set[str]:
    """Modules whose code runs during observation and sending, with no learner frame on the stack."""
    warm_up()
    seen: set[str] = set()
    base = sys._getframe()

    def profile(frame: types.FrameType, event: str, arg: Any) -> None:
        if event != "call":
            return
        back: types.FrameType | None = frame
        while back is not None and back is not base:
            where = back.f_globals
            if where.get("__name__") == "__main__" or (where.get("__spec__") is None and "__name__" in where):
                return  # learner code, or a helper module it made (or what they called): its own business
            back = back.f_back
        seen.add(str(frame.f_globals.get("__name__")))

    read, write = os.pipe()
    send, _ = _make_channel(write, "token")
    try:
        for lesson, cells in _namespaces():
            main = types.ModuleType("__main__")
            real = sys.modules["__main__"]
            sys.modules["__main__"] = main
            try:
                execute_definitions(select_definitions(cells)[0], main.__dict__)
                steps = [ex for ex in exercises().values() if ex.lesson == lesson]
                observe = _make_observe(steps)
                threading.setprofile(profile)
                sys.setprofile(profile)
                for index in range(len(steps)):
                    message = {"kind": "observation", "step": index, "observation": observe(index, main.__dict__)}
                    send(message)
                    os.read(read, 1 << 24)
            finally:
                sys.setprofile(None)
                threading.setprofile(None)  # type: ignore[arg-type]
                sys.modules["__main__"] = real
    finally:
        os.close(read)
        os.close(write)
    return {m for m in seen if not m.startswith(("namedtuple_", "<"))}


@pytest.fixture(scope="module")
def observed() -> set[str]:
    """The modules the observers run code of."""
    return _observed_modules()


def test_every_module_the_observers_run_is_watched(observed: set[str]) -> None:
    """Each module whose code observation runs is faultlab's or on OBSERVER_MODULES."""
    unwatched = sorted(m for m in observed if not m.startswith("faultlab.") and m not in OBSERVER_MODULES)
    assert unwatched == []
    assert "faultlab.exercises._observe" in observed


def _lazy(module: types.ModuleType, key: str, value: object) -> bool:
    """Globals a library sets on first use or exists to set, which the fingerprint leaves out (docs/grading.md)."""
    if module.__name__.startswith("faultlab"):
        return False
    return value is None or isinstance(value, re.Pattern) or key in SETTINGS.get(module.__name__, ())


def _patch_everything(modules: list[str]) -> dict[str, Any]:
    """In this (forked) process: hook, fingerprint, then patch each attribute once; what went unnoticed."""
    from faultlab.grader._audit import Refused, install

    warm = prepare(())
    folder = tempfile.mkdtemp()
    install(folder, warm.roots, warm.guarded, warm.pinned)
    warm.fingerprint.hooked = True
    warm.fingerprint.settle()
    changes = warm.fingerprint.changes
    sentinel = object()
    unnoticed: list[str] = []
    tried = refused = 0

    def attempt(owner: Any, name: str, label: str) -> None:
        nonlocal tried, refused
        original = owner.__dict__[name]
        tried += 1
        try:
            setattr(owner, name, sentinel)
        except (Refused, TypeError, AttributeError):
            refused += 1
            return
        restore = type.__setattr__ if isinstance(owner, type) else setattr  # an enum's own __setattr__ needs its map
        try:
            if not changes():
                unnoticed.append(label)
        finally:
            restore(owner, name, original)

    for name in modules:
        module = sys.modules.get(name)
        if module is None:
            continue
        for key, value in list(vars(module).items()):
            if key in {"__warningregistry__", "_", "__slotnames__"} or _lazy(module, key, value):
                continue
            attempt(module, key, f"{name}.{key}")
        for value in list(vars(module).values()):
            if isinstance(value, type) and value.__module__ == name:
                for key in list(value.__dict__):
                    if key not in {"__dict__", "__weakref__", "__slotnames__"}:
                        attempt(value, key, f"{name}.{value.__qualname__}.{key}")
        if changes():
            unnoticed.append(f"{name}: still reported after every patch was undone")
    return {"tried": tried, "refused": refused, "unnoticed": unnoticed}


def test_each_patch_of_what_the_observers_use_is_refused_or_noticed(observed: set[str]) -> None:
    """Every attribute of every module the observers run, and of its classes, patched one at a time."""
    modules = sorted(observed)
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child reports through the pipe
        code = 1
        try:
            os.close(read)
            report = json.dumps(_patch_everything(modules)).encode()
            while report:
                report = report[os.write(write, report) :]
            code = 0
        finally:
            os._exit(code)
    os.close(write)
    chunks = []
    while chunk := os.read(read, 1 << 20):
        chunks.append(chunk)
    os.close(read)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    report = json.loads(b"".join(chunks))
    assert report["tried"] > 1000
    assert report["unnoticed"] == []
