"""Fixtures of the classroom tests: the student bundle as a git repository, as a class gets it.

Every test module here is marked ``hub`` (``make hub`` runs them).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

BIN = Path(sys.executable).parent


def git(cwd: Path, *args: str) -> str:
    """Run git in ``cwd`` as a fixed author, and return what it prints."""
    identity = ["-c", "user.name=Course Staff", "-c", "user.email=staff@example.org", "-c", "init.defaultBranch=main"]
    done = subprocess.run(["git", *identity, *args], cwd=cwd, check=True, capture_output=True, text=True)
    return done.stdout


@pytest.fixture(scope="module")
def course_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The output of ``faultlab release``, committed to a local git repository on branch main."""
    repo = tmp_path_factory.mktemp("upstream") / "course"
    subprocess.run([str(BIN / "faultlab"), "release", str(repo), "--root", str(ROOT)], check=True, capture_output=True)
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "edition 1")
    return repo
