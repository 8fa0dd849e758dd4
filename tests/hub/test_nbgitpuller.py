"""nbgitpuller hands out the student bundle from git, and a new edition keeps the learner's work."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.hub.conftest import BIN, git

pytestmark = pytest.mark.hub


def pull(repo: Path, target: Path) -> None:
    """What a learner's nbgitpuller link does: clone ``repo`` into ``target``, or update it."""
    subprocess.run([str(BIN / "gitpuller"), repo.as_uri(), "main", str(target)], check=True, capture_output=True)


def test_pull_brings_every_lesson_and_exercise(course_repo: Path, tmp_path: Path) -> None:
    """A first pull gives the learner every lesson, every exercise as built, and the package."""
    home = tmp_path / "faultlab-course"
    pull(course_repo, home)
    lessons = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))
    assert sorted(p.name for p in (home / "notebooks").glob("*.ipynb")) == lessons
    for exercise in (ROOT / "exercises").glob("*.ipynb"):
        assert (home / "exercises" / exercise.name).read_bytes() == exercise.read_bytes()
    assert (home / "src" / "faultlab" / "__init__.py").is_file()
    assert not (home / "solutions").exists()


def test_new_edition_keeps_the_learners_answers(course_repo: Path, tmp_path: Path) -> None:
    """Pulling a new edition updates the lessons, keeps an edited exercise and restores a deleted file."""
    home = tmp_path / "faultlab-course"
    pull(course_repo, home)
    answer = home / "exercises" / "00_welcome.ipynb"
    nb = json.loads(answer.read_text(encoding="utf-8"))
    nb["cells"].append({"cell_type": "markdown", "id": "learner-note", "metadata": {}, "source": "my notes"})
    answer.write_text(json.dumps(nb, indent=1) + "\n", encoding="utf-8")
    (home / "notebooks" / "01_typed_errors.ipynb").unlink()

    readme = course_repo / "README.md"
    readme.write_text(readme.read_text(encoding="utf-8") + "\nEdition 2: a new lesson landed.\n", encoding="utf-8")
    git(course_repo, "commit", "-qam", "edition 2")
    pull(course_repo, home)

    assert "Edition 2: a new lesson landed." in (home / "README.md").read_text(encoding="utf-8")
    assert "my notes" in answer.read_text(encoding="utf-8")
    assert (home / "notebooks" / "01_typed_errors.ipynb").is_file()
