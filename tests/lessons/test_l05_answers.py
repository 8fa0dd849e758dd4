"""Lesson 05's right answers pass in-process (tests/exercises/test_proofs.py runs the wrong ones)."""

from __future__ import annotations

import textwrap
from functools import cache
from typing import Any

import pytest

from faultlab.exercises import run_check
from tests.conftest import ROOT, notebook_namespace
from tests.right.l05_must_use import RIGHT

CASES = [(eid, why, src) for eid, cases in RIGHT.items() for why, src in cases]


@cache
def _solution() -> dict[str, Any]:
    return notebook_namespace(ROOT / "solutions" / "05_must_use.ipynb")


def test_every_exercise_has_two_right_answers() -> None:
    """Each of 5.1–5.4 keeps at least two right answers written differently from the solution."""
    assert sorted(RIGHT) == ["5.1", "5.2", "5.3", "5.4"]
    assert all(len(cases) >= 2 for cases in RIGHT.values())


@pytest.mark.parametrize(("eid", "why", "source"), CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES])
def test_right_answer_passes(eid: str, why: str, source: str) -> None:
    """A right answer, defined over the solution, passes with full points."""
    ns = dict(_solution())
    exec(compile(textwrap.dedent(source), f"<right {eid}: {why}>", "exec"), ns)  # noqa: S102
    verdict = run_check(eid, ns)
    assert verdict.status == "passed", f"{why}: {verdict.text()}"
