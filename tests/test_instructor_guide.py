"""The facilitator guide's schedule matches the lessons and the exercise registry."""

from __future__ import annotations

import json
import re

import pytest

from faultlab.exercises import exercises
from tests.conftest import ROOT, STEMS

GUIDE = (ROOT / "docs" / "instructor.md").read_text(encoding="utf-8")


def _schedule() -> dict[str, tuple[int, int, int]]:
    rows = re.findall(r"^\| (\d\d) [^|]+\| (\d+) min \| (\d+) \| (\d+) \|$", GUIDE, re.M)
    return {num: (int(mins), int(count), int(points)) for num, mins, count, points in rows}


def test_every_lesson_is_scheduled_with_true_numbers() -> None:
    """Each lesson's row has the notebook's time estimate and the registry's exercise count and points."""
    schedule = _schedule()
    assert sorted(schedule) == sorted(stem[:2] for stem in STEMS)
    for stem in STEMS:
        nb = json.loads((ROOT / "notebooks" / f"{stem}.ipynb").read_text(encoding="utf-8"))
        intro = "".join(nb["cells"][0]["source"])
        minutes = int(re.search(r"\*\*Time:\*\* (\d+) minutes", intro).group(1))  # type: ignore[union-attr]
        ours = [ex for ex in exercises().values() if ex.lesson == stem]
        assert schedule[stem[:2]] == (minutes, len(ours), sum(ex.points for ex in ours)), stem


def test_commands_in_the_guide_exist() -> None:
    """Every faultlab subcommand the guide names is a real one."""
    from faultlab.cli import main

    commands = set(re.findall(r"faultlab (\w+)", GUIDE))
    assert commands >= {"release", "grade", "check"}
    for command in commands:
        with pytest.raises(SystemExit) as exit_:
            main([command, "--help"])
        assert exit_.value.code == 0, command
