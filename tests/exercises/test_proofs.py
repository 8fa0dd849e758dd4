"""Every check can fail: stubs are "not attempted", known-wrong answers fail, solutions pass."""

from __future__ import annotations

import textwrap
from functools import cache
from typing import Any

import pytest

from faultlab.exercises import exercises, run_check
from tests.conftest import ROOT, notebook_namespace, run_cell
from tests.answers import RIGHT, WRONG

ALL = list(exercises().values())


@cache
def _namespace(folder: str, lesson: str) -> dict[str, Any]:
    return notebook_namespace(ROOT / folder / f"{lesson}.ipynb")


@pytest.mark.parametrize("ex", ALL, ids=lambda ex: ex.id)
def test_solution_passes(ex: Any) -> None:
    """The solution notebook's definitions pass the exercise's checks."""
    verdict = run_check(ex.id, dict(_namespace("solutions", ex.lesson)))
    assert verdict.status == "passed", verdict.text()
    assert verdict.points == ex.points


@pytest.mark.parametrize("ex", ALL, ids=lambda ex: ex.id)
def test_stub_is_not_attempted(ex: Any) -> None:
    """The generated exercise notebook's stub is reported as not attempted, with no points."""
    verdict = run_check(ex.id, dict(_namespace("exercises", ex.lesson)))
    assert verdict.status == "not_attempted", verdict.text()
    assert verdict.points == 0


@pytest.mark.parametrize("ex", ALL, ids=lambda ex: ex.id)
def test_every_exercise_has_two_right_and_three_wrong_answers(ex: Any) -> None:
    """tests/right keeps at least 2 right answers and tests/wrong at least 3 wrong ones for each exercise."""
    assert len(RIGHT.get(ex.id, [])) >= 2, f"add right answers for {ex.id} to tests/right/"
    assert len(WRONG.get(ex.id, [])) >= 3, f"add known-wrong answers for {ex.id} to tests/wrong/"


CASES = [(eid, why, src, status) for eid, cases in WRONG.items() for why, src, status in cases]


@pytest.mark.parametrize(("eid", "why", "source", "status"), CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES])
def test_known_wrong_answer_fails(eid: str, why: str, source: str, status: str) -> None:
    """A known-wrong answer, defined over the solution, gets the expected failing verdict."""
    ex = exercises()[eid]
    ns = dict(_namespace("solutions", ex.lesson))
    run_cell(textwrap.dedent(source), f"<wrong {eid}: {why}>", ns)
    verdict = run_check(eid, ns)
    assert verdict.status == status, f"{why}: {verdict.text()}"
    assert verdict.points == 0


RIGHT_CASES = [(eid, why, src) for eid, cases in RIGHT.items() for why, src in cases]


@pytest.mark.parametrize(("eid", "why", "source"), RIGHT_CASES, ids=[f"{c[0]}-{c[1]}" for c in RIGHT_CASES])
def test_right_answer_passes(eid: str, why: str, source: str) -> None:
    """A right answer written differently from the solution, defined over the solution, passes."""
    ex = exercises()[eid]
    ns = dict(_namespace("solutions", ex.lesson))
    run_cell(textwrap.dedent(source), f"<right {eid}: {why}>", ns)
    verdict = run_check(eid, ns)
    assert verdict.status == "passed", f"{why}: {verdict.text()}"
    assert verdict.points == ex.points
