"""Fair and consistent: every right answer passes, every wrong one fails, and both check paths agree.

Each answer of tests/right and tests/wrong becomes a notebook: the lesson's solution notebook
with the answer typed in a new cell right after the exercise's solution cell (as a learner
would), and only that exercise's ``check`` cell kept. That notebook is checked twice:

* the notebook path: executed top to bottom in a real Jupyter kernel (nbclient; one kernel
  per lesson, its namespace reset between answers), and the verdict read from what the
  ``check("N.M")`` cell displays;
* the grader path: every answer notebook graded in one ``faultlab grade`` run, one learner
  folder per answer.

The solution notebook (all passed) and the generated exercise notebook (all not attempted)
go through both paths too. A case fails when either path gives another status than expected,
and the message shows both verdicts.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import nbformat
import pytest

from faultlab.exercises import exercises
from faultlab.grader import grade
from tests.answers import RIGHT, WRONG, solution_of
from tests.conftest import ROOT

_VERDICT = re.compile(r"^\S+ (\d+\.\d+) \[(\d+)/(\d+)\] (passed|incorrect|not attempted|error)\b")


@dataclass(frozen=True)
class Case:
    """One answer to one exercise, and the status both paths must give it."""

    name: str
    exercise: str
    lesson: str
    expected: str
    source: str | None  # None: the notebook as it is (solution or stub)
    folder: str = "solutions"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:50]


def _cases() -> list[Case]:
    registry = exercises()
    cases = []
    for eid, ex in registry.items():
        cases.append(Case(f"{eid}-solution", eid, ex.lesson, "passed", None))
        cases.append(Case(f"{eid}-stub", eid, ex.lesson, "not_attempted", None, "exercises"))
        for i, (why, source) in enumerate(RIGHT.get(eid, [])):
            cases.append(Case(f"{eid}-right{i}-{_slug(why)}", eid, ex.lesson, "passed", source))
        for i, (why, source, status) in enumerate(WRONG.get(eid, [])):
            cases.append(Case(f"{eid}-wrong{i}-{_slug(why)}", eid, ex.lesson, status, source))
    return cases


CASES = _cases()


def _is_check_cell(cell: Any) -> bool:
    code = cell.source.strip()
    return cell.cell_type == "code" and code.startswith(("check(", "progress(", "# hint(", "hint("))


def answer_notebook(case: Case) -> Any:
    """The notebook a learner who typed ``case.source`` would hand in, with only its check kept."""
    nb = nbformat.read(ROOT / case.folder / f"{case.lesson}.ipynb", as_version=4)
    cells = []
    marker = f"### END SOLUTION {solution_of(case.exercise)}"
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
        if _is_check_cell(cell) and cell.source.strip() != f'check("{case.exercise}")':
            continue
        cells.append(cell)
        if case.source is not None and marker in cell.source:
            cells.append(nbformat.v4.new_code_cell(textwrap.dedent(case.source).strip("\n")))
    if case.source is not None:
        assert len(cells) > len([c for c in nb.cells if not _is_check_cell(c)]), f"no solution cell for {case.exercise}"
    nb.cells = cells
    return nb


def _kernel_status(nb: Any, exercise: str) -> tuple[str, str]:
    """The status and text that the notebook's ``check(exercise)`` cell displayed."""
    for cell in nb.cells:
        if cell.cell_type == "code" and cell.source.strip() == f'check("{exercise}")':
            texts = [
                out.get("data", {}).get("text/plain", "")
                if out.output_type == "execute_result"
                else out.get("text", "")
                for out in cell.outputs
            ]
            if any(out.output_type == "error" for out in cell.outputs):
                return "check-crashed", json.dumps([o.get("evalue") for o in cell.outputs])
            text = "".join(texts)
            match = _VERDICT.match(text)
            if match is None or match.group(1) != exercise:
                return "unreadable", text
            return match.group(4).replace(" ", "_"), text
    return "no-check-cell", ""


@cache
def _results(tmp: str) -> dict[str, dict[str, tuple[str, str]]]:
    """Run every case down both paths once."""
    return run_cases(CASES, Path(tmp))


def run_cases(cases: list[Case], base: Path) -> dict[str, dict[str, tuple[str, str]]]:
    """Run ``cases`` down both paths: ``{case name: {"kernel"|"grader": (status, text)}}``."""
    klass, out, work = base / "class", base / "out", base / "work"
    work.mkdir(parents=True)
    notebooks = {case.name: answer_notebook(case) for case in cases}
    for case in cases:
        folder = klass / case.name
        folder.mkdir(parents=True)
        nbformat.write(notebooks[case.name], folder / f"{case.lesson}.ipynb")
    summary = grade([str(klass)], out, timeout=30)
    graded = {(s.learner, r.id): (r.status, r.message) for s in summary.submissions for r in s.exercises}
    # The kernels run from a child process: their clients and threads would otherwise grow
    # this one (the grader tests that follow measure its address space).
    lessons: dict[str, list[str]] = {}
    for case in cases:
        path = work / f"{case.name}.ipynb"
        nbformat.write(notebooks[case.name], path)
        lessons.setdefault(case.lesson, []).append(str(path))
    manifest = work / "manifest.json"
    manifest.write_text(json.dumps(list(lessons.values())), encoding="utf-8")
    done = subprocess.run(  # noqa: S603 - our own test helper
        [sys.executable, "-m", "tests.exercises._kernels", str(manifest)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=1800,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    notebooks = {case.name: nbformat.read(work / f"{case.name}.ipynb", as_version=4) for case in cases}
    results = {}
    for case in cases:
        results[case.name] = {
            "kernel": _kernel_status(notebooks[case.name], case.exercise),
            "grader": graded.get((case.name, case.exercise), ("not-graded", "")),
        }
    return results


@pytest.fixture(scope="session")
def parity(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, tuple[str, str]]]:
    """Both paths' verdicts for every case (computed once per session)."""
    return _results(str(tmp_path_factory.mktemp("parity")))


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_both_paths_give_the_expected_verdict(case: Case, parity: dict[str, dict[str, tuple[str, str]]]) -> None:
    """The notebook's check() and faultlab grade both give this answer its expected status."""
    got = parity[case.name]
    report = "\n".join(f"{path}: {status}\n{textwrap.indent(text, '    ')}" for path, (status, text) in got.items())
    assert (got["kernel"][0], got["grader"][0]) == (case.expected, case.expected), report


def test_an_answer_is_typed_right_after_its_solution_cell() -> None:
    """The answer notebook holds the answer right after the solution cell, and only that exercise's check."""
    case = Case("t", "0.1", "00_welcome", "passed", "def parse_port(text):\n    return 1\n")
    nb = answer_notebook(case)
    sources = [c.source for c in nb.cells if c.cell_type == "code"]
    at = next(i for i, s in enumerate(sources) if "### END SOLUTION 0.1" in s)
    assert sources[at + 1] == case.source.strip()
    assert [s for s in sources if s.startswith(("check(", "progress("))] == ['check("0.1")']


def test_the_harness_sees_a_wrong_answer_and_a_disagreement(tmp_path: Path) -> None:
    """A wrong answer filed as right is caught on both paths; a statement only the kernel runs is seen."""
    wrong = Case("w", "0.1", "00_welcome", "passed", "def parse_port(text):\n    return int(text)\n")
    noisy = Case("n", "0.1", "00_welcome", "passed", "parse_port.__code__ = (lambda text: 0).__code__\n")
    got = run_cases([wrong, noisy], tmp_path)
    assert got["w"]["kernel"][0] == got["w"]["grader"][0] == "incorrect"
    assert got["n"]["kernel"][0] == "incorrect"  # the kernel runs every statement of the cell
