"""Course-wide progress: every exercise of every lesson, graded from the notebooks as saved.

``faultlab progress [DIR]`` and ``progress(course=True)`` in a notebook grade the exercise
notebooks of ``DIR`` the way ``faultlab check`` does (in the sandbox; nothing is modified)
and show a rustlings-style table: one row per exercise of the registry, a bar, and the first
exercise not yet passed.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from faultlab._errors import GradingError
from faultlab.exercises import exercises
from faultlab.grader._formats import printable
from faultlab.grader._grade import grade

__all__ = ["CourseProgress", "ProgressRow", "course_progress"]

_ICONS = {"passed": "✔", "incorrect": "✘", "not_attempted": "…"}


@dataclass(frozen=True)
class ProgressRow:
    """One exercise: its lesson, status and points, as graded."""

    __module__ = "faultlab.grader"

    exercise_id: str
    title: str
    lesson: str
    status: str
    points: int
    max_points: int


@dataclass(frozen=True)
class CourseProgress:
    """Every exercise of the course, with a bar and what to do next."""

    __module__ = "faultlab.grader"

    folder: str
    rows: tuple[ProgressRow, ...]
    missing: tuple[str, ...] = ()

    @property
    def score(self) -> tuple[int, int]:
        """``(points earned, points available)``."""
        return sum(r.points for r in self.rows), sum(r.max_points for r in self.rows)

    @property
    def next(self) -> ProgressRow | None:
        """The first exercise, in course order, that has not passed."""
        return next((r for r in self.rows if r.status != "passed"), None)

    def __repr__(self) -> str:
        lines = []
        lesson = None
        for row in self.rows:
            if row.lesson != lesson:
                lesson = row.lesson
                note = "  (no notebook: not attempted)" if lesson in self.missing else ""
                lines.append(f"{lesson}{note}")
            status = row.status.replace("_", " ")
            icon = _ICONS.get(row.status, "!")
            lines.append(f"  {icon} {row.exercise_id:>5}  {row.points}/{row.max_points}  {status:<13}  {row.title}")
        got, total = self.score
        done = sum(1 for r in self.rows if r.status == "passed")
        bar = tqdm.format_meter(done, len(self.rows), 0, ncols=40, bar_format="[{bar}]", ascii=" #")
        lines.append(f"{bar} {done}/{len(self.rows)} exercises passed, {got}/{total} points")
        following = self.next
        lines.append(f"next: {following.exercise_id} — {following.title}" if following else "all passed: well done!")
        return "\n".join(lines)


def course_progress(folder: str | Path = "exercises", *, timeout: float = 10.0) -> CourseProgress:
    """Grade the exercise notebooks in ``folder`` (as saved) and tabulate every exercise.

    Raises:
        GradingError: ``folder`` is not a folder, or holds no exercise notebook of the course.
    """
    root = Path(folder)
    if not root.is_dir():
        msg = f"{folder}: not a folder (give the folder that holds your exercise notebooks)"
        raise GradingError(msg)
    registry = exercises()
    lessons = list(dict.fromkeys(ex.lesson for ex in registry.values()))
    present = [root / f"{lesson}.ipynb" for lesson in lessons if (root / f"{lesson}.ipynb").is_file()]
    if not present:
        msg = f"{folder}: holds none of the course's exercise notebooks ({lessons[0]}.ipynb, …)"
        raise GradingError(msg)
    with tempfile.TemporaryDirectory(prefix="faultlab-progress-") as tmp:
        summary = grade([str(p) for p in present], Path(tmp) / "out", jobs=1, timeout=timeout)
    graded = {r.id: r for sub in summary.submissions for r in sub.exercises}
    rows = []
    for eid, ex in registry.items():
        result = graded.get(eid)
        status = result.status if result is not None else "not_attempted"
        points = result.points if result is not None else 0
        rows.append(ProgressRow(eid, printable(ex.title, one_line=True), ex.lesson, status, points, ex.points))
    missing = tuple(lesson for lesson in lessons if not (root / f"{lesson}.ipynb").is_file())
    return CourseProgress(str(folder), tuple(rows), missing)
