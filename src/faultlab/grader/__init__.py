"""Instructor-side grading API: :func:`grade` from Python, and extra checks for ``--extra-checks FILE``.

An extra-checks file is plain Python that the grader imports (learners never see it)::

    from faultlab import World
    from faultlab.grader import ExtraCheck, Probe, expect, is_a, raised

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

Rule: ``faultlab.grader`` builds on :mod:`faultlab.exercises` and :mod:`faultlab.world` and
never imports :mod:`faultlab.widgets` or :mod:`faultlab.authoring` (the sandbox stays
headless and small). One concern per module: ``_discover`` (finding submissions),
``_extra`` (extra checks and grading plans), ``_sandbox`` and ``_submission`` (the
sandboxed workers and what runs in them), ``_integrity`` (the tamper fingerprint),
``_wire`` (type-checking what a sandbox sent), ``_grade`` (the run), ``_progressbar``,
``_reports`` and ``_formats`` (what is written, in which format).
"""

from __future__ import annotations

from faultlab._errors import GradingError
from faultlab.exercises import Fail, Probe, describe, expect, is_a, jsonable, raised, returned
from faultlab.exercises._judge import show
from faultlab.grader._course import CourseProgress, course_progress
from faultlab.grader._discover import discover
from faultlab.grader._extra import ExtraCheck, load_extra_checks
from faultlab.grader._grade import GradeSummary, grade

__all__ = [
    "CourseProgress",
    "ExtraCheck",
    "Fail",
    "GradeSummary",
    "GradingError",
    "Probe",
    "course_progress",
    "describe",
    "discover",
    "expect",
    "grade",
    "is_a",
    "jsonable",
    "load_extra_checks",
    "raised",
    "returned",
    "show",
]
