"""faultlab build: solutions → exercises, and clear errors for malformed markers."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from faultlab.authoring import MarkerError, NotebookError
from faultlab.authoring._build import build_notebook, build_tree, find_regions
from faultlab.cli import main
from tests.conftest import ROOT


def _write(path: Path, *sources: str) -> Path:
    nb = new_notebook(cells=[new_markdown_cell("# t"), *[new_code_cell(s) for s in sources]])
    path.write_text(nbformat.writes(nb), encoding="utf-8")
    return path


def test_function_region_becomes_raising_stub(tmp_path: Path) -> None:
    """A region in a function body becomes raise NotImplementedError naming the exercise."""
    src = "def f(x):\n    '''Doc.'''\n    ### BEGIN SOLUTION 0.1\n    return x\n    ### END SOLUTION 0.1\n"
    text, regions = build_notebook(_write(tmp_path / "00_t.ipynb", src))
    cell = "".join(json.loads(text)["cells"][1]["source"])
    stub = "raise NotImplementedError('exercise 0.1: parse a TCP port or raise ValueError')"
    assert cell == f"def f(x):\n    '''Doc.'''\n    {stub}"
    assert [r.exercise_id for r in regions] == ["0.1"]


def test_module_region_keeps_names_and_signatures(tmp_path: Path) -> None:
    """A top-level region keeps each class's bases, each signature as written (layout, spacing) and docstring."""
    src = (
        "### BEGIN SOLUTION 1.2\n@dataclass\nclass A(Base, ValueError):\n    '''Doc A.'''\n    x: int\n\n"
        "async def g(a: int, *, b: str = 'x') -> int:\n    '''Doc g.'''\n    return a\n\n"
        "def h(\n    a: int,\n    b: int = 2,\n) -> int:\n    return a + b\n\n"
        "def k(a:int=1): return a\n### END SOLUTION 1.2\n"
    )
    text, _ = build_notebook(_write(tmp_path / "01_t.ipynb", src))
    cell = "".join(json.loads(text)["cells"][1]["source"])
    assert 'class A(Base, ValueError):\n    """Doc A."""\n' in cell
    assert 'async def g(a: int, *, b: str = \'x\') -> int:\n    """Doc g."""\n    raise NotImplementedError(' in cell
    assert "def h(\n    a: int,\n    b: int = 2,\n) -> int:\n    raise NotImplementedError(" in cell
    assert "def k(a: int=1):\n    raise NotImplementedError(" in cell  # body on the def line: unparsed
    assert "@dataclass" not in cell
    assert "return a" not in cell


def test_outputs_cleared_other_cells_untouched(tmp_path: Path) -> None:
    """Outputs and counts are cleared; cells without markers keep their source."""
    path = _write(tmp_path / "00_t.ipynb", "print('hi')")
    nb = nbformat.read(path, as_version=4)
    nb.cells[1].outputs = [nbformat.v4.new_output("stream", text="hi\n")]
    nb.cells[1].execution_count = 3
    nbformat.write(nb, path)
    out = json.loads(build_notebook(path)[0])
    assert out["cells"][1]["outputs"] == []
    assert out["cells"][1]["execution_count"] is None
    assert "".join(out["cells"][1]["source"]) == "print('hi')"


@pytest.mark.parametrize(
    ("source", "problem"),
    [
        ("def f():\n    ### BEGIN SOLUTION\n    pass\n    ### END SOLUTION\n", "needs an exercise id"),
        ("def f():\n    ### BEGIN SOLUTION 0.1\n    pass\n", "never closed"),
        ("def f():\n    pass\n    ### END SOLUTION 0.1\n", "without a BEGIN"),
        (
            "def f():\n    ### BEGIN SOLUTION 0.1\n    ### BEGIN SOLUTION 0.1\n    pass\n    ### END SOLUTION 0.1\n",
            "inside the open region",
        ),
        ("def f():\n    ### BEGIN SOLUTION 0.1\n    pass\n    ### END SOLUTION 1.1\n", "closes region 0.1"),
        ("### BEGIN SOLUTION 0.1\nx = 1\n### END SOLUTION 0.1\n", "defines no class or function"),
        ("def f(:\n    ### BEGIN SOLUTION 0.1\n    pass\n    ### END SOLUTION 0.1\n", "does not parse"),
    ],
)
def test_malformed_markers_name_file_and_cell(tmp_path: Path, source: str, problem: str) -> None:
    """Every marker mistake is a MarkerError naming the notebook, the cell and the problem."""
    path = _write(tmp_path / "00_t.ipynb", "x = 1", source)
    with pytest.raises(MarkerError, match=problem) as info:
        build_notebook(path)
    assert info.value.cell == 3
    assert str(info.value).startswith(f"{path}, cell 3:")


def test_unregistered_id_is_an_error(tmp_path: Path) -> None:
    """A region for an exercise the registry does not know is refused."""
    path = _write(tmp_path / "00_t.ipynb", "def f():\n    ### BEGIN SOLUTION 7.7\n    pass\n    ### END SOLUTION\n")
    with pytest.raises(MarkerError, match=r"7\.7 names no registered exercise"):
        build_notebook(path)


def test_find_regions_without_markers_is_empty() -> None:
    """A cell without markers (even one that does not parse) has no regions."""
    assert find_regions("%timeit 1", "x", 0) == []


def test_missing_and_malformed_notebooks(tmp_path: Path) -> None:
    """Missing files, non-JSON and nbformat 3 files raise NotebookError saying why."""
    with pytest.raises(NotebookError, match="no such file"):
        build_notebook(tmp_path / "nope.ipynb")
    (tmp_path / "a.ipynb").write_text("{not json", encoding="utf-8")
    with pytest.raises(NotebookError, match="not valid JSON"):
        build_notebook(tmp_path / "a.ipynb")
    (tmp_path / "b.ipynb").write_text(json.dumps({"nbformat": 3, "cells": []}), encoding="utf-8")
    with pytest.raises(NotebookError, match="nbformat 3"):
        build_notebook(tmp_path / "b.ipynb")


def _course_copy(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "solutions", tmp_path / "solutions")
    shutil.copytree(ROOT / "exercises", tmp_path / "exercises")
    return tmp_path


def test_check_names_stale_file_and_fix(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """When a solution changes, build --check exits 1 naming the stale file and the fix; build fixes it."""
    root = _course_copy(tmp_path)
    assert main(["build", "--check", "--root", str(root)]) == 0
    solution = root / "solutions" / "00_welcome.ipynb"
    solution.write_text(solution.read_text(encoding="utf-8").replace("Parse a TCP port", "Parse a port"), "utf-8")
    assert main(["build", "--check", "--root", str(root)]) == 1
    err = capsys.readouterr().err
    assert "stale: exercises/00_welcome.ipynb" in err
    assert "Run `make build`" in err
    assert main(["build", "--root", str(root)]) == 0
    assert build_tree(root, check_only=True).clean
    assert "Parse a port" in (root / "exercises" / "00_welcome.ipynb").read_text(encoding="utf-8")


def test_build_never_overwrites_a_learners_answers(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An exercise notebook edited by hand is kept byte for byte; --force moves it to .bak first."""
    root = _course_copy(tmp_path)
    exercise = root / "exercises" / "00_welcome.ipynb"
    answer = exercise.read_text(encoding="utf-8").replace("raise NotImplementedError(", "return int(text)  # (")
    exercise.write_text(answer, encoding="utf-8")
    solution = root / "solutions" / "00_welcome.ipynb"
    solution.write_text(solution.read_text(encoding="utf-8").replace("Parse a TCP port", "Parse a port"), "utf-8")
    assert main(["build", "--root", str(root)]) == 1
    err = capsys.readouterr().err
    assert "kept: exercises/00_welcome.ipynb was edited after it was generated" in err
    assert "faultlab build --force" in err
    assert exercise.read_text(encoding="utf-8") == answer
    assert main(["build", "--check", "--root", str(root)]) == 1
    assert main(["build", "--force", "--root", str(root)]) == 0
    assert (root / "exercises" / "00_welcome.ipynb.bak").read_text(encoding="utf-8") == answer
    assert build_tree(root, check_only=True).clean


def test_outputs_alone_are_not_edits(tmp_path: Path) -> None:
    """A generated notebook that was only run (outputs, cell ids) is regenerated without a backup."""
    root = _course_copy(tmp_path)
    exercise = root / "exercises" / "00_welcome.ipynb"
    nb = nbformat.read(exercise, as_version=4)
    nb.cells[1].outputs = [nbformat.v4.new_output("stream", text="ran\n")]
    nb.cells[1].execution_count = 1
    nbformat.write(nb, exercise)
    report = build_tree(root)
    assert report.written == ["exercises/00_welcome.ipynb"]
    assert report.backups == []
    assert build_tree(root, check_only=True).clean


def test_cli_usage_errors_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A build with no solutions folder prints one line and exits 2."""
    assert main(["build", "--root", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("faultlab build:")
    assert "holds no NN_name.ipynb" in err
    assert len(err.splitlines()) == 1


def test_repo_exercises_are_current() -> None:
    """exercises/ is exactly what the build writes from solutions/."""
    assert build_tree(ROOT, check_only=True).clean


def test_cli_hint_and_list(capsys: pytest.CaptureFixture[str]) -> None:
    """faultlab hint prints a hint, or one line and exit 2 for a bad id; list shows every exercise."""
    assert main(["hint", "0.1", "2"]) == 0
    assert capsys.readouterr().out.startswith("Hint 2/2 for 0.1:")
    assert main(["hint", "9.9"]) == 2
    assert capsys.readouterr().err.startswith("faultlab hint: unknown exercise '9.9'; valid ids are: 0.1")
    assert main(["list"]) == 0
    assert "  0.1   1 pt  00_welcome" in capsys.readouterr().out
