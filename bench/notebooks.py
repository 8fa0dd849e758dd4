"""Time every lesson and solution notebook, top to bottom, in a fresh kernel.

Reports kernel start-up separately (an empty notebook, measured in the same run) so the
table shows what each notebook's own cells cost. Cells tagged ``static-tool`` (lesson 05 runs
mypy, ruff and basedpyright in them) are timed on their own: the 3 s budget applies to the rest.
Run with `make bench`.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
BUDGET_S = 3.0


def run(nb: nbformat.NotebookNode, cwd: Path) -> float:
    return run_split(nb, cwd)[0]


def run_split(nb: nbformat.NotebookNode, cwd: Path) -> tuple[float, float]:
    """Total seconds, and the seconds spent in cells tagged ``static-tool``."""
    started: dict[int, float] = {}
    tools = [0.0]

    def on_execute(cell: nbformat.NotebookNode, cell_index: int, **_: object) -> None:
        started[cell_index] = time.perf_counter()

    def on_executed(cell: nbformat.NotebookNode, cell_index: int, **_: object) -> None:
        if "static-tool" in cell.get("metadata", {}).get("tags", []):
            tools[0] += time.perf_counter() - started.get(cell_index, time.perf_counter())

    client = NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(cwd)}})
    client.on_cell_execute = on_execute
    client.on_cell_executed = on_executed
    start = time.perf_counter()
    client.execute()
    return time.perf_counter() - start, tools[0]


def main() -> int:
    repeats = 3
    empty = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("pass")])
    baseline = statistics.median(run(empty, ROOT) for _ in range(repeats))
    print(f"kernel start-up + one empty cell (baseline): {baseline:.2f} s (median of {repeats})\n")
    print(f"{'notebook':<32} {'total s':>8} {'cells s':>8} {'tools s':>8} {'× baseline':>10}")
    over = []
    for path in sorted([*ROOT.glob("notebooks/*.ipynb"), *ROOT.glob("solutions/*.ipynb")]):
        runs = [run_split(nbformat.read(path, as_version=4), path.parent) for _ in range(repeats)]
        total = statistics.median(r[0] for r in runs)
        tools = statistics.median(r[1] for r in runs)
        cells = max(total - baseline - tools, 0.0)
        name = path.parent.name + "/" + path.name
        print(f"{name:<32} {total:8.2f} {cells:8.2f} {tools:8.2f} {total / baseline:10.1f}")
        if cells > BUDGET_S:
            over.append(path.name)
    print("\ncells s: the notebook's own cells, without kernel start-up and static-tool cells (tools s)")
    if over:
        print(f"\nover the {BUDGET_S:.0f} s budget: {', '.join(over)}")
        return 1
    print(f"\nevery notebook's cells run in under {BUDGET_S:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
