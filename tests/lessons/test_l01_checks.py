"""Lesson 01's checks: classes from a helper module, MRO by name, 1.4 before 1.1."""

from __future__ import annotations

from functools import cache
from typing import Any

from faultlab.exercises import is_a, mro_index, run_check
from tests.conftest import ROOT, notebook_namespace


@cache
def _exercises() -> dict[str, Any]:
    return notebook_namespace(ROOT / "exercises" / "01_typed_errors.ipynb")


@cache
def _solutions() -> dict[str, Any]:
    return notebook_namespace(ROOT / "solutions" / "01_typed_errors.ipynb")


def test_a_learner_class_matches_by_name_and_a_builtin_only_exactly() -> None:
    """storage_errors.NotFound is a NotFound; mylib.ValueError is no ValueError."""
    exc = {"mro": ["storage_errors.NotFound", "storage_errors.StorageError", "LookupError", "Exception"]}
    assert all(is_a(exc, name) for name in ("NotFound", "StorageError", "LookupError"))
    assert mro_index(exc, "StorageError") < mro_index(exc, "LookupError")
    assert not is_a({"mro": ["mylib.ValueError", "Exception"]}, "ValueError")


def test_explain_before_not_found_says_which_exercise_comes_first() -> None:
    """1.4 answered while 1.1 is still a stub names 1.1, instead of quoting 1.1's stub text."""
    ns = dict(_exercises())
    ns["explain"] = _solutions()["explain"]
    verdict = run_check("1.4", ns)
    assert verdict.status == "incorrect"
    assert "1.4 needs 1.1 first" in verdict.message
    assert "exercise 1.1:" not in verdict.message
