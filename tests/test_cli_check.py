"""faultlab check: a learner grades their own notebooks from the terminal."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from faultlab.cli import main
from tests.conftest import ROOT


def test_check_prints_each_verdict_and_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Solutions print passed lines with the score; stubs print not attempted; the folder is untouched."""
    shutil.copy(ROOT / "solutions" / "01_typed_errors.ipynb", tmp_path / "01_typed_errors.ipynb")
    (tmp_path / "stub").mkdir()
    shutil.copy(ROOT / "exercises" / "00_welcome.ipynb", tmp_path / "stub" / "00_welcome.ipynb")
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    assert main(["check", str(tmp_path / "01_typed_errors.ipynb"), str(tmp_path / "stub")]) == 0
    out = capsys.readouterr().out
    assert "01_typed_errors.ipynb: 13/13 points" in out
    assert out.count("✔") == 4
    assert "00_welcome.ipynb: 0/1 points" in out
    assert "…   0.1 0/1  not attempted" in out
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before


def test_check_missing_path_is_one_line_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    """A path that does not exist is a one-line usage error."""
    assert main(["check", "no/such/notebook.ipynb"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1] == "faultlab check: no/such/notebook.ipynb: no such file or folder"
