"""Lesson 03's checks accept every right answer in tests/right and reject each known-wrong one."""

from __future__ import annotations

import textwrap
from functools import cache
from typing import Any

import pytest

from faultlab.exercises import exercises, run_check
from tests.answers import RIGHT, WRONG
from tests.conftest import ROOT, notebook_namespace

LESSON = "03_context_chains"
IDS = sorted(eid for eid, ex in exercises().items() if ex.lesson == LESSON)
CASES = [(eid, why, src) for eid in IDS for why, src in RIGHT.get(eid, [])]


@cache
def _solutions() -> dict[str, Any]:
    return notebook_namespace(ROOT / "solutions" / f"{LESSON}.ipynb")


@pytest.mark.parametrize("eid", IDS)
def test_enough_answers(eid: str) -> None:
    """Every lesson 03 exercise keeps at least 2 right and 3 known-wrong answers."""
    assert len(RIGHT.get(eid, [])) >= 2
    assert len(WRONG.get(eid, [])) >= 3


@pytest.mark.parametrize(("eid", "why", "source"), CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES])
def test_right_answer_passes(eid: str, why: str, source: str) -> None:
    """A right answer written differently from the solution passes, with full points."""
    ns = dict(_solutions())
    exec(compile(textwrap.dedent(source), f"<right {eid}: {why}>", "exec"), ns)  # noqa: S102
    verdict = run_check(eid, ns)
    assert verdict.status == "passed", f"{why}: {verdict.text()}"
    assert verdict.points == verdict.max_points
