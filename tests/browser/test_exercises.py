"""Every exercise notebook in JupyterLab: stubs are "not attempted", the solutions pass."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from tests.browser.jlab import CELL_MS, Notebooks, NotebookView
from tests.conftest import ROOT

pytestmark = pytest.mark.browser

EXERCISES = sorted(p.name for p in (ROOT / "exercises").glob("[0-9][0-9]_*.ipynb"))
CHECK = re.compile(r'^check\("(\d+\.\d+)"\)\s*$')


def code_sources(folder: str, name: str) -> list[str]:
    """The source of every code cell of ``folder/name``."""
    nb = json.loads((ROOT / folder / name).read_text(encoding="utf-8"))
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]


@pytest.fixture(params=[f"exercises/{n}" for n in EXERCISES], ids=EXERCISES)
def exercise(request: pytest.FixtureRequest, notebooks: Notebooks) -> NotebookView:
    """An exercise notebook opened in a fresh browser context, every cell run on the stubs (once)."""
    return notebooks.get(request.param)


def name_of(view: NotebookView) -> str:
    """The notebook's file name."""
    return view.relpath.split("/")[-1]


def test_stubs_are_reported_not_attempted(exercise: NotebookView) -> None:
    """Run on the generated stubs, every check() cell renders a "not attempted" verdict."""
    sources = code_sources("exercises", name_of(exercise))
    checks = [(i, CHECK.match(s)) for i, s in enumerate(sources)]
    checks = [(i, m.group(1)) for i, m in checks if m]
    assert checks, "an exercise notebook has check() cells"
    for index, exercise_id in checks:
        verdict = exercise.output_area(index)
        expect(verdict).to_have_text(re.compile(rf"^\[\d+\]:\s*… {re.escape(exercise_id)} \[0/\d+\] not attempted: "))


def test_solved_cells_pass_their_checks(exercise: NotebookView) -> None:
    """With each stub replaced by the solution's code and run, every check() cell renders "passed"."""
    name = name_of(exercise)
    stubs, solved = code_sources("exercises", name), code_sources("solutions", name)
    assert len(stubs) == len(solved), "exercises/ and solutions/ have the same code cells"
    passed = 0
    for index, (stub, solution) in enumerate(zip(stubs, solved, strict=True)):
        if stub != solution:
            exercise.set_source(index, solution)
            exercise.run_cell(index)
        elif found := CHECK.match(stub):
            exercise.run_cell(index)
            verdict = exercise.output_area(index)
            expect(verdict).to_contain_text(re.compile(rf"✔ {re.escape(found.group(1))} \[(\d+)/\1\] passed: "))
            passed += 1
        elif stub.startswith("progress("):
            exercise.run_cell(index)
            expect(exercise.output_area(index)).to_contain_text(re.compile(r"score: (\d+)/\1$"), timeout=CELL_MS)
    assert passed == sum(1 for s in stubs if CHECK.match(s))
