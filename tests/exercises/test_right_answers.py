"""Every right answer in tests/right passes in-process, with full points (the parity test also runs them in a kernel)."""

from __future__ import annotations

import textwrap
from functools import cache
from typing import Any

import pytest

from faultlab.exercises import exercises, run_check
from tests.answers import RIGHT, WRONG
from tests.conftest import ROOT, notebook_namespace

CASES = [(eid, why, src) for eid, cases in RIGHT.items() for why, src in cases]


@cache
def _solutions(lesson: str) -> dict[str, Any]:
    return notebook_namespace(ROOT / "solutions" / f"{lesson}.ipynb")


@pytest.mark.parametrize(("eid", "why", "source"), CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES])
def test_right_answer_passes(eid: str, why: str, source: str) -> None:
    """A right answer, defined over the solution, passes with every point."""
    ex = exercises()[eid]
    ns = dict(_solutions(ex.lesson))
    exec(compile(textwrap.dedent(source), f"<right {eid}: {why}>", "exec"), ns)  # noqa: S102
    verdict = run_check(eid, ns)
    assert verdict.status == "passed", f"{why}: {verdict.text()}"
    assert verdict.points == ex.points


@pytest.mark.parametrize("ex", list(exercises().values()), ids=lambda ex: ex.id)
def test_every_exercise_has_two_right_and_three_wrong_answers(ex: Any) -> None:
    """tests/right keeps at least 2 right answers and tests/wrong at least 3 wrong ones for each exercise."""
    assert len(RIGHT.get(ex.id, [])) >= 2, f"add right answers for {ex.id} to tests/right/"
    assert len(WRONG.get(ex.id, [])) >= 3, f"add known-wrong answers for {ex.id} to tests/wrong/"
