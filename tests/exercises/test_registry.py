"""The exercise registry: one declaration per exercise, matching the solution regions."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from faultlab.authoring._build import regions_of
from faultlab.exercises import exercises
from tests.answers import solution_of
from tests.conftest import ROOT, STEMS


def test_ids_are_well_formed_and_match_their_lesson() -> None:
    """Ids are N.M, and N is the lesson number of the exercise's notebook."""
    for ex in exercises().values():
        assert re.fullmatch(r"\d+\.\d+", ex.id)
        assert int(ex.id.split(".")[0]) == int(ex.lesson[:2]), ex.id
        assert ex.lesson in STEMS, f"{ex.id}: no solutions/{ex.lesson}.ipynb"


def test_every_exercise_is_complete() -> None:
    """Each exercise has a title, positive points, at least one hint and the names it checks."""
    for ex in exercises().values():
        assert ex.title and ex.points > 0 and ex.names
        assert ex.hints and all(h.strip() for h in ex.hints)


@pytest.mark.parametrize("stem", STEMS)
def test_one_region_per_exercise_and_no_strays(stem: str) -> None:
    """A solution notebook has exactly one region per exercise of its lesson (or of the exercises sharing one), no others."""
    found = Counter(r.exercise_id for r in regions_of(ROOT / "solutions" / f"{stem}.ipynb"))
    declared = {solution_of(ex.id) for ex in exercises().values() if ex.lesson == stem}
    assert set(found) == declared
    assert all(n == 1 for n in found.values()), found


@pytest.mark.parametrize("stem", STEMS)
def test_every_exercise_has_a_check_and_hint_cell(stem: str) -> None:
    """Each exercise's notebook calls check("N.M") and shows a commented hint("N.M")."""
    text = (ROOT / "solutions" / f"{stem}.ipynb").read_text(encoding="utf-8")
    for ex in exercises().values():
        if ex.lesson == stem:
            assert f'check(\\"{ex.id}\\")' in text, ex.id
            assert f'# hint(\\"{ex.id}\\")' in text, ex.id


def test_lessons_exist_in_all_three_folders() -> None:
    """Every solution stem has a lesson notebook and a generated exercise notebook."""
    for stem in STEMS:
        assert (ROOT / "notebooks" / f"{stem}.ipynb").exists(), stem
        assert (ROOT / "exercises" / f"{stem}.ipynb").exists(), stem
