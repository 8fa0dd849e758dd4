"""Course-wide progress: `faultlab progress [DIR]` and `progress(course=...)`."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from faultlab import progress
from faultlab.cli import main
from faultlab.exercises import exercises
from faultlab.grader import CourseProgress
from tests.conftest import ROOT


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.glob("*.ipynb"))}


def test_on_the_stubs_everything_is_not_attempted_and_next_is_0_1(capsys: pytest.CaptureFixture[str]) -> None:
    """`faultlab progress exercises` lists every exercise as not attempted and names 0.1 next; nothing changes."""
    before = _digest(ROOT / "exercises")
    assert main(["progress", str(ROOT / "exercises")]) == 0
    out = capsys.readouterr().out
    for eid, ex in exercises().items():
        assert f"{eid}  0/{ex.points}  not attempted" in out
    assert out.rstrip().endswith(f"next: 0.1 — {exercises()['0.1'].title}")
    assert f"0/{len(exercises())} exercises passed" in out
    assert _digest(ROOT / "exercises") == before


def test_on_the_solutions_everything_passed(capsys: pytest.CaptureFixture[str]) -> None:
    """`faultlab progress solutions` shows every exercise passed, a full bar and no next step."""
    assert main(["progress", str(ROOT / "solutions")]) == 0
    out = capsys.readouterr().out
    total = sum(ex.points for ex in exercises().values())
    assert f"{len(exercises())}/{len(exercises())} exercises passed, {total}/{total} points" in out
    assert "[" + "#" * 38 + "]" in out
    assert out.rstrip().endswith("all passed: well done!")


def test_a_missing_lesson_notebook_counts_as_not_attempted(tmp_path: Path) -> None:
    """A folder with only the welcome notebook solved: 0.1 passed, the rest not attempted, next is the second."""
    shutil.copy(ROOT / "solutions" / "00_welcome.ipynb", tmp_path)
    shown = progress(course=tmp_path)
    assert isinstance(shown, CourseProgress)
    statuses = {row.exercise_id: row.status for row in shown.rows}
    assert statuses.pop("0.1") == "passed"
    assert set(statuses.values()) == {"not_attempted"}
    assert shown.next is not None
    assert shown.next.exercise_id == list(exercises())[1]
    assert "(no notebook: not attempted)" in repr(shown)


@pytest.mark.parametrize("folder", ["no-such-folder", "empty"])
def test_a_folder_without_exercise_notebooks_is_one_clear_line(
    folder: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A missing folder or one with no course notebook exits 2 with one line; progress() returns a message."""
    (tmp_path / "empty").mkdir()
    assert main(["progress", str(tmp_path / folder)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert err.startswith("faultlab progress:")
    assert repr(progress(course=tmp_path / folder)).startswith("! ")
