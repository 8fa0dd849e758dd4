"""`faultlab grade` and `faultlab release` on the command line: exit codes, messages, progress."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from faultlab.cli import main
from tests.conftest import ROOT
from tests.grader.helpers import GOOD_PARSE_PORT, load_results, write_notebook


def _class(tmp_path: Path, learners: int = 2) -> Path:
    for i in range(learners):
        write_notebook(tmp_path / "class" / f"learner{i}" / "00_welcome.ipynb", [GOOD_PARSE_PORT])
    return tmp_path / "class"


def test_grade_exits_0_and_summarises(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A completed run exits 0, prints one summary line, and no progress bar when not on a terminal."""
    status = main(["grade", str(_class(tmp_path)), "--out", str(tmp_path / "out"), "--jobs", "1"])
    captured = capsys.readouterr()
    assert status == 0
    assert captured.out.startswith("graded 2 notebook(s) of 2 learner(s): 2/2 exercises passed")
    assert "\r" not in captured.err
    assert "grading:" not in captured.err
    assert len(load_results(tmp_path / "out")) == 2


def test_grade_exits_0_whatever_the_learners_scored(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Zero points everywhere is still a completed run."""
    write_notebook(tmp_path / "c" / "zoe" / "00_welcome.ipynb", ["def parse_port(text):\n    return None\n"])
    assert main(["grade", str(tmp_path / "c"), "--out", str(tmp_path / "out")]) == 0
    assert "0/1 exercises passed" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["grade", "{tmp}/nowhere", "--out", "{tmp}/out"], "faultlab grade: {tmp}/nowhere: no such file or folder"),
        (["grade", "{class}", "--out", "{tmp}/file/out"], "faultlab grade: --out {tmp}/file/out: cannot write there"),
        (["grade", "{class}", "--out", "{tmp}/file"], "faultlab grade: --out {tmp}/file: exists and is not a folder"),
        (["grade", "{class}"], "faultlab grade: the following arguments are required: --out"),
        (["grade", "{class}", "--out", "{tmp}/o", "--jobs", "0"], "faultlab grade: argument --jobs: expected a number"),
        (["grade", "{class}", "--out", "{tmp}/o", "--timeout", "soon"], "argument --timeout: expected a number"),
        (
            ["grade", "{class}", "--out", "{tmp}/o", "--extra-checks", "{tmp}/x.py"],
            "--extra-checks {tmp}/x.py: no such",
        ),
        (["release", "{class}"], "faultlab release: {class}: exists and is not an empty folder"),
    ],
)
def test_usage_errors_exit_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], words: str
) -> None:
    """Bad paths, an unwritable --out, bad options: exit 2, one line on stderr, no traceback."""
    folder = _class(tmp_path, 1)
    (tmp_path / "file").write_text("x", encoding="utf-8")
    fill = {"tmp": str(tmp_path), "class": str(folder)}
    try:
        status = main([a.format(**fill) for a in args])
    except SystemExit as exc:
        status = int(exc.code or 0)
    err = capsys.readouterr().err
    assert status == 2
    assert err.count("\n") == 1, err
    assert words.format(**fill) in err


def test_progress_bar_on_a_terminal(tmp_path: Path) -> None:
    """With stderr on a terminal, a batch shows a progress bar that ends at N/N."""
    folder = _class(tmp_path, 3)
    leader, follower = pty.openpty()
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.run(
        [sys.executable, "-m", "faultlab.cli", "grade", str(folder), "--out", str(tmp_path / "out"), "--jobs", "1"],
        stderr=follower,
        stdout=subprocess.PIPE,
        env=env,
        timeout=120,
        check=False,
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            data = os.read(leader, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    os.close(leader)
    err = b"".join(chunks).decode()
    assert proc.returncode == 0
    assert "grading:" in err
    assert "3/3" in err


def test_release_writes_a_bundle(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`faultlab release DIR` exits 0 and says where the bundle is."""
    assert main(["release", str(tmp_path / "bundle"), "--root", str(ROOT)]) == 0
    assert "wrote the student bundle" in capsys.readouterr().out
    assert (tmp_path / "bundle" / "README.md").is_file()
