"""Benchmark: `faultlab grade` against kernel-per-submission grading, measured in the same run.

Builds a class of submissions of one lesson (a mix of correct, known-wrong and stub
notebooks), grades all of them with `faultlab grade` (the real command, start-up
included), and executes a sample of them the way nbgrader and otter-grader do: a fresh
Jupyter kernel per notebook (nbclient), running every cell including the checks. Both use
the same number of parallel jobs. The baseline's cost per notebook is extrapolated to the
whole class, and the output says so.

    .venv/bin/python bench/grading.py [--submissions 200] [--baseline-sample 20] [--jobs N]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LESSON = "01_typed_errors"


def wrong_answers() -> list[str]:
    """The known-wrong answers kept in tests/wrong for the lesson's exercises."""
    from faultlab.exercises import exercises
    from tests.answers import WRONG

    ids = [e.id for e in exercises().values() if e.lesson == LESSON]
    return [textwrap.dedent(src) for eid in ids for _, src, _ in WRONG.get(eid, [])]


def build_class(folder: Path, count: int) -> Counter[str]:
    """Write ``count`` learner folders: correct, wrong and stub notebooks in turn."""
    solution = json.loads((ROOT / "solutions" / f"{LESSON}.ipynb").read_text(encoding="utf-8"))
    stub = (ROOT / "exercises" / f"{LESSON}.ipynb").read_text(encoding="utf-8")
    wrong = wrong_answers()
    kinds: Counter[str] = Counter()
    for i in range(count):
        target = folder / f"learner{i:03d}" / f"{LESSON}.ipynb"
        target.parent.mkdir(parents=True)
        kind = ("correct", "wrong", "stub")[i % 3]
        kinds[kind] += 1
        if kind == "stub":
            target.write_text(stub, encoding="utf-8")
            continue
        nb = json.loads(json.dumps(solution))
        if kind == "wrong":
            answer = wrong[i % len(wrong)]
            cell = {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": answer}
            nb["cells"].append(cell)
        target.write_text(json.dumps(nb, indent=1), encoding="utf-8")
    return kinds


def faultlab_command() -> list[str]:
    """The installed `faultlab` script next to this interpreter, or `python -m`."""
    script = Path(sys.executable).parent / "faultlab"
    return [str(script)] if script.exists() else [sys.executable, "-m", "faultlab.cli"]


def run_grader(folder: Path, out: Path, jobs: int, isolation: str = "require") -> tuple[float, Counter[str]]:
    """Time `faultlab grade` over the whole class; return seconds and the status counts."""
    shutil.rmtree(out, ignore_errors=True)
    start = time.perf_counter()
    subprocess.run(
        [
            *faultlab_command(),
            "grade",
            str(folder),
            "--out",
            str(out),
            "--jobs",
            str(jobs),
            "--isolation",
            isolation,
        ],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    took = time.perf_counter() - start
    data = json.loads((out / "results.json").read_text(encoding="utf-8"))
    statuses = Counter(e["status"] for s in data["submissions"] for e in s["exercises"])
    return took, statuses


def execute_in_kernel(path: str) -> float:
    """Run one notebook top to bottom in a fresh kernel, as in-kernel graders do."""
    import nbformat
    from nbclient import NotebookClient

    start = time.perf_counter()
    nb = nbformat.read(path, as_version=4)
    resources = {"metadata": {"path": str(Path(path).parent)}}
    NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=True, resources=resources).execute()
    return time.perf_counter() - start


def run_baseline(folder: Path, sample: int, jobs: int) -> float:
    """Seconds to execute ``sample`` notebooks of the class, ``jobs`` kernels at a time."""
    notebooks = sorted(str(p) for p in folder.glob(f"*/{LESSON}.ipynb"))
    step = max(1, len(notebooks) // sample)
    chosen = notebooks[::step][:sample]
    start = time.perf_counter()
    with ProcessPoolExecutor(jobs) as pool:
        list(pool.map(execute_in_kernel, chosen))
    return time.perf_counter() - start


def main() -> None:
    """Build the class, time both, print the figures and the ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=200)
    parser.add_argument("--baseline-sample", type=int, default=20, help="notebooks the baseline runs (extrapolated)")
    parser.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)))
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="faultlab-bench-"))
    try:
        kinds = build_class(work / "class", args.submissions)
        mix = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()))
        print(f"class: {args.submissions} submissions of {LESSON} ({mix}); {args.jobs} job(s) on both sides")
        build_class(work / "one", 1)
        costs = {}
        for isolation in ("require", "off"):
            label = "bubblewrap" if isolation == "require" else "no bubblewrap"
            took, statuses = run_grader(work / "class", work / "out", args.jobs, isolation)
            start_up, _ = run_grader(work / "one", work / "out", 1, isolation)
            per = (took - start_up) * args.jobs / max(1, args.submissions - 1) * 1000
            costs[isolation] = (took, per)
            print(
                f"faultlab grade ({label}): {args.submissions} notebooks in {took:.2f} s (start-up included; "
                f"{start_up:.2f} s for one notebook); about {per:.1f} ms of a core per submission"
            )
            print(f"  verdicts: {dict(sorted(statuses.items()))}")
        graded = costs["require"][0]
        sample = min(args.baseline_sample, args.submissions)
        baseline = run_baseline(work / "class", sample, args.jobs)
        per = baseline / sample
        total = per * args.submissions
        print(
            f"kernel per submission (nbclient, {args.jobs} kernel(s) at a time): a sample of {sample} notebooks "
            f"in {baseline:.2f} s ({per:.3f} s each); extrapolated to {args.submissions}: {total:.1f} s"
        )
        print(f"speed-up with bubblewrap: {total / graded:.1f}x (goal: 20x)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
