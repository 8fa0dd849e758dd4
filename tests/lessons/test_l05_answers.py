"""Lesson 05 keeps enough right and known-wrong answers (test_parity runs them down both paths)."""

from __future__ import annotations

from faultlab.exercises import exercises
from tests.right.l05_must_use import RIGHT
from tests.wrong.l05_must_use import WRONG

IDS = sorted(eid for eid, ex in exercises().items() if ex.lesson == "05_must_use")


def test_lesson_05_has_four_exercises() -> None:
    """The issue asks for at least four graded exercises."""
    assert IDS == ["5.1", "5.2", "5.3", "5.4"]


def test_every_exercise_has_two_right_and_three_wrong_answers() -> None:
    """Each exercise keeps two right answers and three incorrect ones; only frame access (5.1) is an error."""
    for eid in IDS:
        assert len(RIGHT[eid]) >= 2, eid
        statuses = [status for _, _, status in WRONG[eid]]
        assert statuses.count("incorrect") >= 3, eid
        assert set(statuses) <= ({"incorrect", "error"} if eid == "5.1" else {"incorrect"}), eid
    refused = [why for why, _, status in WRONG["5.1"] if status == "error"]
    assert refused, "5.1 keeps a known-wrong answer that reads frames"
    assert all("frame" in why for why in refused)
