"""The student bundle: ``faultlab release DIR``.

A learner gets the lessons (``notebooks/``), the exercise notebooks (``exercises/``), the
``faultlab`` package with its packaging files, and a README written for them. Never
copied: ``solutions/``, ``tests/`` (which hold the known-wrong answers), ``bench/``,
``docs/`` (the instructor and grading guides), CI files, and anything hidden. Before
writing, the bundle is checked: ``exercises/`` must be exactly what ``faultlab build``
makes from ``solutions/``, and no bundled notebook may contain a solution marker.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from pathlib import Path

from faultlab._errors import FaultlabError

__all__ = ["ReleaseError", "release"]

_MARKER = re.compile(r"###\s*(BEGIN|END) SOLUTION")
_PACKAGING = ("pyproject.toml", "requirements/lock.txt", "environment.yml", "LICENSE", "LICENSE.md", "LICENSE.txt")
_SKIP_PARTS = {"__pycache__", ".ipynb_checkpoints"}


class ReleaseError(FaultlabError, ValueError):
    """The bundle cannot be made: a bad folder, stale exercises, or private material in it."""

    __module__ = "faultlab.authoring"


def _files(folder: Path, pattern: str = "*") -> list[Path]:
    found = []
    for path in sorted(folder.rglob(pattern)):
        rel = path.relative_to(folder)
        if path.is_file() and not any(p in _SKIP_PARTS or p.startswith(".") for p in rel.parts):
            found.append(path)
    return found


def _title(notebook: Path) -> str:
    try:
        cells = json.loads(notebook.read_text(encoding="utf-8")).get("cells", [])
        for cell in cells:
            if cell.get("cell_type") == "markdown":
                source = "".join(cell.get("source", []))
                for line in source.splitlines():
                    if line.startswith("# "):
                        return line[2:].strip()
    except (OSError, ValueError, AttributeError, TypeError):
        pass
    return notebook.stem


def student_readme(lessons: list[Path], exercises: set[str]) -> str:
    """The README of the student bundle, with a table of the lessons it holds.

    Raises:
        Nothing.
    """
    rows = []
    for lesson in lessons:
        exercise = f"[exercises/{lesson.name}](exercises/{lesson.name})" if lesson.name in exercises else "—"
        rows.append(f"| [{_title(lesson)}](notebooks/{lesson.name}) | {exercise} |")
    table = "\n".join(rows)
    return f"""# Production error handling, pattern by pattern, in Python

Welcome! This course teaches how production code deals with failure — typed errors,
context, chains of causes, retries, structured reports — one pattern at a time, each
run live against a small simulated infrastructure that fails on demand.

## Set up (once)

With Python 3.11 or newer:

```
python3 -m venv .venv
.venv/bin/pip install -c requirements/lock.txt -e '.[lab]'
.venv/bin/jupyter lab notebooks/00_welcome.ipynb
```

(With conda instead: `conda env create -f environment.yml`, activate it, then `jupyter lab`.)

## Lessons

| lesson | exercises |
|---|---|
{table}

## How the exercises work

Each exercise notebook has a cell per exercise with a stub that raises
`NotImplementedError`. Replace the stub with your code, run the cell, then run the
`check("N.M")` cell below it: it says whether you passed and, if not, the first thing
that is not right yet. `hint("N.M")` gives a hint; `hint("N.M", 2)` the next one.

## Handing in

Hand in your `exercises/NN_name.ipynb` files under their original names: the grader
recognises a notebook by its file name. It runs the imports, functions, classes and
simple assignments (`NAME = ...`) of your notebook — not your `check()` calls, prints or
experiments — so keep your answers in those, and check that *Restart Kernel and Run All
Cells* works before you hand in.
"""


def release(target: str | Path, *, root: str | Path = ".") -> list[str]:
    """Write the student bundle of the course at ``root`` into ``target``; return its files.

    Raises:
        ReleaseError: ``target`` exists and is not empty, the course is incomplete,
            ``exercises/`` is stale, or a bundled notebook holds a solution marker.
        NotebookError: A solution notebook cannot be read (from the staleness check).
        MarkerError: A solution notebook has malformed markers.
    """
    from faultlab.authoring._build import build_tree

    root, target = Path(root).resolve(), Path(target).resolve()
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        msg = f"{target}: exists and is not an empty folder"
        raise ReleaseError(msg)
    for folder in (root / "notebooks", root / "exercises", root / "src", root):
        if target == folder or (folder != root and folder in target.parents):
            msg = f"{target}: is inside what the bundle copies; write the bundle somewhere else"
            raise ReleaseError(msg)
    for needed in ("notebooks", "exercises", "src/faultlab", "pyproject.toml"):
        if not (root / needed).exists():
            msg = f"{root}: no {needed}; run this from the course folder or pass --root"
            raise ReleaseError(msg)
    report = build_tree(root, check_only=True)
    if not report.clean:
        stale = [*report.written, *report.kept, *report.strays]
        msg = f"exercises/ is out of date with solutions/ ({', '.join(stale)}); run `faultlab build` first"
        raise ReleaseError(msg)
    plan: list[tuple[Path, str]] = []
    for name in ("notebooks", "exercises"):
        plan += [(p, p.relative_to(root).as_posix()) for p in _files(root / name)]
    plan += [(p, p.relative_to(root).as_posix()) for p in _files(root / "src" / "faultlab")]
    plan += [(root / name, name) for name in _PACKAGING if (root / name).is_file()]
    for source, rel in plan:
        parts = rel.split("/")
        if {"solutions", "tests", "bench", "docs"} & set(parts):
            msg = f"{rel}: private material must not be in the student bundle"
            raise ReleaseError(msg)
        if source.suffix == ".ipynb" and _MARKER.search(source.read_text(encoding="utf-8", errors="replace")):
            msg = f"{rel}: holds a solution marker; it must not be in the student bundle"
            raise ReleaseError(msg)
    lessons = [p for p, _ in plan if p.parent == root / "notebooks" and p.suffix == ".ipynb"]
    exercise_names = {p.name for p, _ in plan if p.parent == root / "exercises" and p.suffix == ".ipynb"}
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".faultlab-release-", dir=target.parent))
    except OSError as exc:
        msg = f"{target}: cannot write there ({exc.strerror or exc})"
        raise ReleaseError(msg) from None
    try:
        for source, rel in plan:
            dest = staging / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest)
        (staging / "README.md").write_text(student_readme(lessons, exercise_names), encoding="utf-8")
        os.chmod(staging, 0o755)  # noqa: S103 - a bundle for students is readable by all
        if target.exists():
            target.rmdir()
        staging.replace(target)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        msg = f"{target}: cannot write the bundle ({exc.strerror or exc})"
        raise ReleaseError(msg) from None
    return sorted([rel for _, rel in plan] + ["README.md"])
