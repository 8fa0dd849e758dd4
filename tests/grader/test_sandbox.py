"""The sandbox without a privilege drop (how a non-root grader runs), and losing a worker."""

from __future__ import annotations

from pathlib import Path

import pytest

import faultlab.grader._grade
from faultlab.grader._grade import grade
from faultlab.grader._sandbox import Limits, count_user_tasks
from tests.grader.helpers import GOOD_PARSE_PORT, load_results, statuses, write_notebook

KILLS_ITS_WORKER = "import os, signal\ndef parse_port(text):\n    os.kill(os.getppid(), signal.SIGKILL)\n"


def test_grading_without_a_privilege_drop_survives_a_killed_worker(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With no uid to drop to, a submission can kill its worker: it is `crashed`, the pool carries on."""
    monkeypatch.setattr(faultlab.grader._grade, "sandbox_ids", lambda jobs: ((), []))
    write_notebook(tmp_path / "c" / "ada" / "00_welcome.ipynb", [GOOD_PARSE_PORT])
    write_notebook(tmp_path / "c" / "bob" / "00_welcome.ipynb", [KILLS_ITS_WORKER])
    write_notebook(tmp_path / "c" / "cy" / "00_welcome.ipynb", [GOOD_PARSE_PORT])
    grade([str(tmp_path / "c")], tmp_path / "out", jobs=1, timeout=5)
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
