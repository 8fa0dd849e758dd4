"""Instructor-side grading API: :func:`grade` from Python, and extra checks for ``--extra-checks FILE``.

An extra-checks file is plain Python that the grader imports (learners never see it)::

    from faultlab import World
    from faultlab.grading import ExtraCheck, Probe, expect, is_a, raised

    def observe_nested_key(probe: Probe) -> dict:
        fetch = probe.get("fetch")
        world = World.demo(seed=5)
        world.store.create_bucket("weights")
        call = "fetch(store, 'weights', 'a/b/c.bin')"
        return {"missing": probe.call(call, fetch, world.store, "weights", "a/b/c.bin")}

    def judge_nested_key(data: dict) -> None:
        exc = raised(data["missing"], "fetch should raise NotFound for a missing nested key")
        expect(is_a(exc, "NotFound"), "fetch should raise NotFound", expected="NotFound", got=exc["type"])
        expect(exc["fields"].get("key") == "a/b/c.bin", "NotFound.key should be the whole key")

    EXTRA_CHECKS = [
        ExtraCheck("1.3", "fetch with a nested key", 2, observe_nested_key, judge_nested_key,
                   feedback="fetch mishandles some keys; test it with keys that contain slashes."),
    ]

``observe`` runs in the submission's sandbox and must return plain JSON data; ``judge``
runs in the grader on that data and raises :class:`Fail` (through :func:`expect`) at the
first unmet expectation. See docs/grading.md.
"""

from __future__ import annotations

from faultlab._grade import ExtraCheck, GradeSummary, GradingError, grade
from faultlab._judge import Fail, expect, is_a, raised, returned, show
from faultlab._observe import Probe, describe, jsonable

__all__ = [
    "ExtraCheck",
    "Fail",
    "GradeSummary",
    "GradingError",
    "Probe",
    "describe",
    "expect",
    "grade",
    "is_a",
    "jsonable",
    "raised",
    "returned",
    "show",
]
