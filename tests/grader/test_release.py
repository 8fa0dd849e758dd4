"""The student bundle holds what learners need and nothing an instructor keeps private."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from faultlab.authoring._release import ReleaseError, release
from tests.conftest import ROOT, STEMS


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundle of this repository, written once."""
    target = tmp_path_factory.mktemp("release") / "student"
    release(target, root=ROOT)
    return target


def test_bundle_has_lessons_exercises_package_and_readme(bundle: Path) -> None:
    """Every lesson and exercise notebook, the package, its packaging files and a student README."""
    for stem in STEMS:
        assert (bundle / "notebooks" / f"{stem}.ipynb").is_file() == (ROOT / "notebooks" / f"{stem}.ipynb").is_file()
        assert (bundle / "exercises" / f"{stem}.ipynb").is_file() == (ROOT / "exercises" / f"{stem}.ipynb").is_file()
    assert (bundle / "src" / "faultlab" / "__init__.py").is_file()
    assert (bundle / "src" / "faultlab" / "py.typed").is_file()
    assert (bundle / "pyproject.toml").is_file()
    assert (bundle / "requirements" / "lock.txt").is_file()
    readme = (bundle / "README.md").read_text(encoding="utf-8")
    assert "pip install -c requirements/lock.txt -e '.[lab]'" in readme
    assert "(notebooks/00_welcome.ipynb)" in readme


def test_bundle_exercises_are_the_built_ones(bundle: Path) -> None:
    """The exercise notebooks are byte-for-byte those in exercises/."""
    for path in (ROOT / "exercises").glob("*.ipynb"):
        assert (bundle / "exercises" / path.name).read_bytes() == path.read_bytes()


def test_bundle_holds_nothing_private(bundle: Path) -> None:
    """No solutions, no tests (known-wrong answers), no docs or bench, no solution markers, no caches."""
    names = {p.relative_to(bundle).parts[0] for p in bundle.rglob("*")}
    assert names == {"notebooks", "exercises", "src", "pyproject.toml", "requirements", "environment.yml", "README.md"}
    assert not [p for p in bundle.rglob("*") if p.name in {"__pycache__", ".ipynb_checkpoints"}]
    for notebook in bundle.rglob("*.ipynb"):
        assert "BEGIN SOLUTION" not in notebook.read_text(encoding="utf-8")
    wrong = (ROOT / "tests" / "wrong" / "l01_typed_errors.py").read_text(encoding="utf-8")
    sample = "frozen dataclass breaks add_note"
    assert sample in wrong
    assert not [p for p in bundle.rglob("*") if p.is_file() and sample in p.read_text(errors="replace")]


def test_bundle_package_imports(bundle: Path) -> None:
    """The bundled faultlab imports on its own."""
    code = (
        "import faultlab, faultlab.exercises, sys; print(faultlab.__file__); print(len(faultlab.exercises.exercises()))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        env={"PYTHONPATH": str(bundle / "src")},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert out[0].startswith(str(bundle))
    assert int(out[1]) > 0


def test_release_refuses_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    """An existing, non-empty target is never overwritten."""
    (tmp_path / "keep.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(ReleaseError, match="not an empty folder"):
        release(tmp_path, root=ROOT)
    assert (tmp_path / "keep.txt").read_text(encoding="utf-8") == "mine"


def test_release_refuses_stale_exercises(tmp_path: Path) -> None:
    """When exercises/ is not what the build makes from solutions/, the message names the fix."""
    course = tmp_path / "course"
    for part in ("notebooks", "exercises", "solutions", "src/faultlab"):
        shutil.copytree(ROOT / part, course / part, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", course / "pyproject.toml")
    stale = next((course / "exercises").glob("*.ipynb"))
    stale.write_text(
        stale.read_text(encoding="utf-8").replace("NotImplementedError", "NotImplemented"), encoding="utf-8"
    )
    with pytest.raises(ReleaseError, match="run `faultlab build` first"):
        release(tmp_path / "student", root=course)
    assert not (tmp_path / "student").exists()
