"""Lesson 08's hidden schedules: the instructors' extra-checks file grades, and stays out of the bundle."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from faultlab.authoring import release
from faultlab.cli import main
from faultlab.grader import load_extra_checks
from tests.conftest import ROOT
from tests.grader.helpers import load_results, solution_cells, write_notebook
from tests.wrong.l08_capstone import solution

HIDDEN = ROOT / "docs" / "extra_checks" / "capstone_hidden.py"
LESSON = "08_capstone"

# Passes every visible schedule (all give 30 s per attempt) but ignores config.attempt_timeout.
FIXED_TIMEOUT = solution("8.3").replace(
    "return call(min(config.attempt_timeout, run.deadline - clock.now()))",
    "return call(min(30.0, run.deadline - clock.now()))",
)


@pytest.fixture
def graded(tmp_path: Path) -> dict[str, dict[str, Any]]:
    """`faultlab grade --extra-checks` over the solution and a fixed-timeout pipeline: 8.4 and 8.5 by learner."""
    private = tmp_path / "private" / HIDDEN.name
    private.parent.mkdir()
    shutil.copy(HIDDEN, private)
    private.chmod(0o600)
    cells = solution_cells(LESSON)
    write_notebook(tmp_path / "class" / "ada" / f"{LESSON}.ipynb", cells)
    write_notebook(tmp_path / "class" / "bob" / f"{LESSON}.ipynb", [*cells, FIXED_TIMEOUT])
    out = tmp_path / "out"
    assert main(["grade", str(tmp_path / "class"), "--out", str(out), "--extra-checks", str(private)]) in (0, 1)
    results = load_results(out)
    return {
        learner: {e["id"]: e for e in results[(learner, f"{LESSON}.ipynb")]["exercises"]} for learner in ("ada", "bob")
    }


def test_the_file_declares_hidden_schedules_for_the_pipeline() -> None:
    """The file loads and adds checks to the pipeline exercises only."""
    checks = load_extra_checks(str(HIDDEN))
    assert {c.exercise for c in checks} <= {"8.3", "8.4", "8.5", "8.6", "8.7", "8.8"}
    assert all(c.feedback for c in checks)


def test_the_solution_passes_the_hidden_schedules(graded: dict[str, dict[str, Any]]) -> None:
    """The solution earns 8.4's and 8.5's points plus the hidden checks'."""
    ada = graded["ada"]
    assert (ada["8.5"]["status"], ada["8.5"]["points"], ada["8.5"]["max_points"]) == ("passed", 4, 4)
    assert (ada["8.4"]["status"], ada["8.4"]["points"], ada["8.4"]["max_points"]) == ("passed", 3, 3)


def test_a_pipeline_that_passes_the_visible_schedules_fails_a_hidden_one(graded: dict[str, dict[str, Any]]) -> None:
    """A fixed 30 s per attempt passes 8.5's visible schedule, not the hidden slow node; only feedback shows."""
    bob = graded["bob"]
    assert (bob["8.5"]["status"], bob["8.5"]["points"], bob["8.5"]["max_points"]) == ("incorrect", 2, 4)
    assert "a node that never answers" in bob["8.5"]["message"]
    assert "timeout <= 27s" not in bob["8.5"]["message"]  # the details stay private
    assert bob["8.4"]["status"] == "passed"


def test_the_hidden_schedules_are_not_in_the_student_bundle(tmp_path: Path) -> None:
    """`faultlab release` copies no file of docs/, so the hidden schedules never reach a learner."""
    files = release(tmp_path / "bundle", root=ROOT)
    assert not [f for f in files if f.startswith("docs/") or "capstone_hidden" in f]
    assert not list((tmp_path / "bundle").rglob("capstone_hidden*"))
    assert "exercises/08_capstone.ipynb" in files
