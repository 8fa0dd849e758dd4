"""Lesson 02's right answers pass in-process, and its services and helpers behave as the lesson says."""

from __future__ import annotations

import textwrap
from functools import cache
from typing import Any

import pytest

from faultlab.exercises import exercises, run_check
from tests.answers import RIGHT
from tests.conftest import ROOT, notebook_namespace

LESSON = "02_application_context"


@cache
def _solution() -> dict[str, Any]:
    return notebook_namespace(ROOT / "solutions" / f"{LESSON}.ipynb")


OURS = sorted(ex.id for ex in exercises().values() if ex.lesson == LESSON)
CASES = [(eid, why, src) for eid in OURS for why, src in RIGHT.get(eid, [])]


@pytest.mark.parametrize("eid", OURS)
def test_every_exercise_has_two_right_answers(eid: str) -> None:
    """tests/right keeps at least two right answers for each lesson 02 exercise."""
    assert len(RIGHT.get(eid, [])) >= 2, f"add right answers for {eid} to tests/right/"


@pytest.mark.parametrize(("eid", "why", "source"), CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES])
def test_right_answer_passes(eid: str, why: str, source: str) -> None:
    """A right answer written differently from the solution gets full points."""
    ns = dict(_solution())
    exec(compile(textwrap.dedent(source), f"<right {eid}: {why}>", "exec"), ns)  # noqa: S102
    verdict = run_check(eid, ns)
    assert verdict.status == "passed", f"{why}: {verdict.text()}"
    assert verdict.points == exercises()[eid].points
