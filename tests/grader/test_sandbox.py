"""The sandbox without a privilege drop (how a non-root grader runs), and losing a worker."""

from __future__ import annotations

from pathlib import Path

import pytest

import faultlab.grader._grade
from faultlab.grader._grade import grade
from faultlab.grader._sandbox import Limits, count_user_tasks
from tests.grader.helpers import GOOD_PARSE_PORT, load_results, statuses, write_notebook

KILLS_ITS_WORKER = "import os, signal\ndef parse_port(text):\n    os.kill(os.getppid(), signal.SIGKILL)\n"


def _class_with_a_worker_killer(tmp_path: Path) -> Path:
    write_notebook(tmp_path / "c" / "ada" / "00_welcome.ipynb", [GOOD_PARSE_PORT])
    write_notebook(tmp_path / "c" / "bob" / "00_welcome.ipynb", [KILLS_ITS_WORKER])
    write_notebook(tmp_path / "c" / "cy" / "00_welcome.ipynb", [GOOD_PARSE_PORT])
    return tmp_path / "c"


def test_inside_bubblewrap_a_submission_cannot_kill_its_worker(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Even with no uid to drop to, the worker is PID 1 of the sandbox's namespace: SIGKILL from inside is ignored."""
    monkeypatch.setattr(faultlab.grader._grade, "sandbox_ids", lambda jobs: ((), []))
    grade([str(_class_with_a_worker_killer(tmp_path))], tmp_path / "out", jobs=1, timeout=5, isolation="require")
    results = load_results(tmp_path / "out")
    assert statuses(results[("ada", "00_welcome.ipynb")]) == {"0.1": "passed"}
    assert statuses(results[("bob", "00_welcome.ipynb")]) == {"0.1": "incorrect"}
    assert statuses(results[("cy", "00_welcome.ipynb")]) == {"0.1": "passed"}


def test_grading_without_a_privilege_drop_survives_a_killed_worker(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without bubblewrap or a uid to drop to, a submission can kill its worker: `crashed`, the pool carries on."""
    monkeypatch.setattr(faultlab.grader._grade, "sandbox_ids", lambda jobs: ((), []))
    grade([str(_class_with_a_worker_killer(tmp_path))], tmp_path / "out", jobs=1, timeout=5, isolation="off")
    results = load_results(tmp_path / "out")
    assert statuses(results[("ada", "00_welcome.ipynb")]) == {"0.1": "passed"}
    assert statuses(results[("bob", "00_welcome.ipynb")]) == {"0.1": "crashed"}
    assert "grading worker stopped responding" in results[("bob", "00_welcome.ipynb")]["exercises"][0]["message"]
    assert statuses(results[("cy", "00_welcome.ipynb")]) == {"0.1": "passed"}


def test_process_count_is_measured_per_user() -> None:
    """The running test process is counted among its user's tasks."""
    import os

    assert count_user_tasks(os.getuid()) >= 1


def test_default_limits_are_documented_values() -> None:
    """The defaults the docs state: 10 s per step, 1024 MiB, 32 tasks, 16 MiB files, 4 MiB of output."""
    limits = Limits()
    assert (limits.timeout, limits.memory_mb, limits.processes, limits.file_size_mb) == (10.0, 1024, 32, 16)
    assert limits.output_limit == 4 * 1024 * 1024
