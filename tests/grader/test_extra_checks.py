"""An instructor's private checks: they count, and can keep their details to themselves."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path
from typing import Any

import pytest

from faultlab.grader import GradingError, grade, load_extra_checks
from tests.grader.helpers import load_results, solution_cells, write_notebook

EXTRA = """
from faultlab import World
from faultlab.grader import ExtraCheck, Probe, expect, is_a, raised


def observe_nested_key(probe: Probe) -> dict:
    fetch = probe.get("fetch")
    world = World.demo(seed=5)
    world.store.create_bucket("weights")
    call = "fetch(store, 'weights', 'a/b/c.bin')"
    return {"missing": probe.call(call, fetch, world.store, "weights", "a/b/c.bin")}


def judge_nested_key(data: dict) -> None:
    exc = raised(data["missing"], "fetch should raise NotFound for a missing nested key")
    expect(is_a(exc, "NotFound"), "fetch should raise NotFound", expected="NotFound", got=exc["type"])
    expect(exc["fields"].get("key") == "a/b/c.bin", "NotFound.key should be the whole key",
           expected="'a/b/c.bin'", got=repr(exc["fields"].get("key")))


EXTRA_CHECKS = [
    ExtraCheck("1.3", "nested keys", 2, observe_nested_key, judge_nested_key,
               feedback="fetch mishandles some keys."),
    ExtraCheck("1.3", "nested keys, detailed", 1, observe_nested_key, judge_nested_key),
]
"""

# Passes 1.3's own check (no key there has a slash) but keeps only the last part of a key.
SHORT_KEYS = """
def fetch(store, bucket, key, *, principal="admin", timeout=30.0):
    try:
        return store.get_object(bucket, key, principal=principal, timeout=timeout)
    except (KeyError, FileNotFoundError) as exc:
        raise NotFound(bucket, key.rsplit("/", 1)[-1]) from exc
    except PermissionError as exc:
        raise PermissionDenied(principal, f"{bucket}/{key}") from exc
    except TimeoutError as exc:
        raise StorageTimeout(timeout) from exc
"""


def _exercise(out: Path, learner: str, eid: str) -> dict[str, Any]:
    record = load_results(out)[(learner, "01_typed_errors.ipynb")]
    return next(e for e in record["exercises"] if e["id"] == eid)


@pytest.fixture
def extra(tmp_path: Path) -> Path:
    """The extra-checks file, private to its owner."""
    path = tmp_path / "private" / "extra_checks.py"
    path.parent.mkdir()
    path.write_text(textwrap.dedent(EXTRA), encoding="utf-8")
    path.chmod(0o600)
    return path


def test_extra_checks_add_their_points(tmp_path: Path, extra: Path) -> None:
    """A solution that passes the extra checks earns the exercise's points plus theirs."""
    write_notebook(tmp_path / "class" / "ada" / "01_typed_errors.ipynb", solution_cells("01_typed_errors"))
    grade([str(tmp_path / "class")], tmp_path / "out", jobs=1, extra_checks=str(extra))
    fetch = next(
        e for e in load_results(tmp_path / "out")[("ada", "01_typed_errors.ipynb")]["exercises"] if e["id"] == "1.3"
    )
    assert (fetch["status"], fetch["points"], fetch["max_points"]) == ("passed", 4 + 2 + 1, 4 + 2 + 1)


def test_a_failed_extra_check_gives_partial_credit_and_only_its_feedback(tmp_path: Path, extra: Path) -> None:
    """Passing the exercise but not an extra check: the exercise's points, `incorrect`, generic feedback."""
    write_notebook(
        tmp_path / "class" / "bob" / "01_typed_errors.ipynb", [*solution_cells("01_typed_errors"), SHORT_KEYS]
    )
    grade([str(tmp_path / "class")], tmp_path / "out", jobs=1, extra_checks=str(extra))
    fetch = next(
        e for e in load_results(tmp_path / "out")[("bob", "01_typed_errors.ipynb")]["exercises"] if e["id"] == "1.3"
    )
    assert (fetch["status"], fetch["points"], fetch["max_points"]) == ("incorrect", 4, 7)
    assert "fetch mishandles some keys." in fetch["message"]
    generic, detailed = fetch["message"].split("a further check did not pass:")[1:]
    assert "a/b/c.bin" not in generic  # the check with feedback keeps its details private
    assert "a/b/c.bin" in detailed  # the one without feedback shows them


def test_a_world_readable_extra_checks_file_draws_a_warning(tmp_path: Path, extra: Path) -> None:
    """A world-readable extra-checks file draws a warning when grading as root."""
    write_notebook(tmp_path / "class" / "ada" / "01_typed_errors.ipynb", solution_cells("01_typed_errors"))
    extra.chmod(0o644)
    warnings: list[str] = []
    grade([str(tmp_path / "class")], tmp_path / "out", jobs=1, extra_checks=str(extra), warn=warnings.append)
    readable = [w for w in warnings if "readable by every user" in w]
    assert readable if os.geteuid() == 0 else not readable


@pytest.mark.parametrize(
    ("source", "words"),
    [
        ("EXTRA_CHECKS = [", r"\(line 1\): SyntaxError"),
        ("x = 1\nraise RuntimeError('no database')\n", r"\(line 2\): RuntimeError: no database"),
        ("CHECKS = []\n", "define EXTRA_CHECKS"),
        ("EXTRA_CHECKS = [42]\n", r"EXTRA_CHECKS\[0\] is a int"),
        (
            "from faultlab.grader import ExtraCheck\nEXTRA_CHECKS = [ExtraCheck('9.9', 'x', 1, print, print)]\n",
            "names exercise '9.9'; valid ids are: 0.1",
        ),
        (
            "from faultlab.grader import ExtraCheck\nEXTRA_CHECKS = [ExtraCheck('1.1', 'x', -1, print, print)]\n",
            "points=-1",
        ),
    ],
)
def test_a_broken_extra_checks_file_is_a_usage_error(tmp_path: Path, source: str, words: str) -> None:
    """Syntax errors, import failures, a missing list, bad entries: one GradingError with the cause."""
    path = tmp_path / "extra.py"
    path.write_text(source, encoding="utf-8")
    with pytest.raises(GradingError, match=words):
        load_extra_checks(str(path))


def test_a_missing_extra_checks_file_is_a_usage_error(tmp_path: Path) -> None:
    """A path that does not exist is named in the error."""
    with pytest.raises(GradingError, match="no such file"):
        load_extra_checks(str(tmp_path / "missing.py"))
