"""The learner time each lesson's `**Time:**` line states, computed from the notebooks themselves.

No learner was timed: the estimate is a stated model over what the notebooks hold, so it changes
when they do. Lesson prose and exercise prompts are read at 200 words a minute, lesson code at
10 lines a minute (read and run), and each non-blank solution line takes a minute to write, run
and fix. Totals are rounded up to 5 minutes. Run: `.venv/bin/python bench/time_estimates.py`.

Next to the model, the measured part: every cell of the lesson and of its solutions notebook is
run in a fresh kernel (nbclient, as the tests run them) and the seconds the cells take are
reported (kernel start-up excluded; ``static-tool`` cells, lesson 05's mypy/ruff/basedpyright,
included). They are seconds where the model counts minutes: waiting for a cell is not what a
learner's time goes to, so the model adds nothing for it and the totals don't change.
"""

from __future__ import annotations

import json
import math
import re
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
WORDS_PER_MIN, CODE_LINES_PER_MIN, MIN_PER_SOLUTION_LINE = 200, 10, 1.0
_SOLUTION = re.compile(r"### BEGIN SOLUTION[^\n]*\n(.*?)### END SOLUTION", re.S)


def _cells(path: Path) -> list[tuple[str, str]]:
    nb = json.loads(path.read_text(encoding="utf-8"))
    return [(c["cell_type"], "".join(c["source"])) for c in nb["cells"]]


def estimate(stem: str) -> dict[str, float]:
    """Minutes for reading, lesson code and exercises, and their rounded total."""
    lesson, solutions = _cells(ROOT / "notebooks" / f"{stem}.ipynb"), _cells(ROOT / "solutions" / f"{stem}.ipynb")
    words = sum(len(re.findall(r"\w+", s)) for kind, s in lesson + solutions if kind == "markdown")
    code = sum(len(s.splitlines()) for kind, s in lesson if kind == "code")
    written = sum(
        len([line for line in block.splitlines() if line.strip()])
        for kind, s in solutions
        if kind == "code"
        for block in _SOLUTION.findall(s)
    )
    reading, running, writing = words / WORDS_PER_MIN, code / CODE_LINES_PER_MIN, written * MIN_PER_SOLUTION_LINE
    return {
        "reading": reading,
        "lesson code": running,
        "exercises": writing,
        "total": 5 * math.ceil((reading + running + writing) / 5),
    }


def run_seconds(path: Path) -> float:
    """Seconds the notebook's cells take, run top to bottom in a fresh kernel (start-up excluded)."""
    started: dict[int, float] = {}
    spent = [0.0]

    def on_execute(cell_index: int, **_: object) -> None:
        started[cell_index] = time.perf_counter()

    def on_executed(cell_index: int, **_: object) -> None:
        spent[0] += time.perf_counter() - started.pop(cell_index, time.perf_counter())

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}})
    client.on_cell_execute = on_execute
    client.on_cell_executed = on_executed
    client.execute()
    return spent[0]


def main() -> int:
    print(
        f"model: prose {WORDS_PER_MIN} words/min, lesson code {CODE_LINES_PER_MIN} lines/min, "
        f"{MIN_PER_SOLUTION_LINE:g} min per solution line; measured: cells run in a fresh kernel\n"
    )
    print(
        f"{'lesson':<24} {'reading':>8} {'code':>6} {'exercises':>10} {'total':>6}  stated"
        f"  {'lesson run s':>12} {'solutions run s':>15}"
    )
    wrong = []
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        est = estimate(path.stem)
        intro = _cells(path)[0][1]
        stated = re.search(r"\*\*Time:\*\* (\d+) minutes", intro)
        lesson_s, solutions_s = run_seconds(path), run_seconds(ROOT / "solutions" / path.name)
        print(
            f"{path.stem:<24} {est['reading']:8.0f} {est['lesson code']:6.0f} {est['exercises']:10.0f} "
            f"{est['total']:6.0f}  {stated.group(1) if stated else '?':>6}  {lesson_s:12.1f} {solutions_s:15.1f}"
        )
        if stated is None or int(stated.group(1)) != est["total"]:
            wrong.append(path.stem)
    print("\nreading, code, exercises, total: minutes (the model); run s: seconds (measured)")
    if wrong:
        print(f"\nthe **Time:** line differs from the estimate: {', '.join(wrong)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
