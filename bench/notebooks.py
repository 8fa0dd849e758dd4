"""Time every lesson and solution notebook, top to bottom, in a fresh kernel.

Reports kernel start-up separately (an empty notebook, measured in the same run) so the
table shows what each notebook's own cells cost. Run with `make bench`.
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
    start = time.perf_counter()
    NotebookClient(nb, timeout=60, kernel_name="python3", resources={"metadata": {"path": str(cwd)}}).execute()
    return time.perf_counter() - start


def main() -> int:
    repeats = 3
    empty = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("pass")])
    baseline = statistics.median(run(empty, ROOT) for _ in range(repeats))
    print(f"kernel start-up + one empty cell (baseline): {baseline:.2f} s (median of {repeats})\n")
    print(f"{'notebook':<32} {'total s':>8} {'cells s':>8} {'× baseline':>10}")
    over = []
    for path in sorted([*ROOT.glob("notebooks/*.ipynb"), *ROOT.glob("solutions/*.ipynb")]):
        total = statistics.median(run(nbformat.read(path, as_version=4), path.parent) for _ in range(repeats))
        cells = max(total - baseline, 0.0)
        print(f"{path.parent.name + '/' + path.name:<32} {total:8.2f} {cells:8.2f} {total / baseline:10.1f}")
        if cells > BUDGET_S:
            over.append(path.name)
    if over:
        print(f"\nover the {BUDGET_S:.0f} s budget: {', '.join(over)}")
        return 1
    print(f"\nevery notebook's cells run in under {BUDGET_S:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
