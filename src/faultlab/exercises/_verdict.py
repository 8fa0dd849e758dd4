"""What a check says: a :class:`Verdict`, and a :class:`Hint`."""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

__all__ = ["ICONS", "Hint", "Verdict"]

ICONS = {"passed": "✔", "incorrect": "✘", "not_attempted": "…", "error": "!"}


@dataclass(frozen=True)
class Verdict:
    """The outcome of checking one exercise."""

    __module__ = "faultlab.exercises"

    exercise_id: str
    status: str
    message: str
    points: int
    max_points: int
    expected: str | None = None
    got: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """Plain data, in the shape of the grader's per-exercise record."""
        return {
            "id": self.exercise_id,
            "status": self.status,
            "points": self.points,
            "max_points": self.max_points,
            "message": self.text(),
        }

    def text(self) -> str:
        """The verdict as plain text, one fact per line."""
        head = f"{self.status.replace('_', ' ')}: {self.message}"
        lines = [head]
        if self.expected is not None:
            lines.append(f"    expected: {self.expected}")
        if self.got is not None:
            lines.append(f"    got:      {self.got}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        icon = ICONS.get(self.status, "!")
        score = f"[{self.points}/{self.max_points}]"
        body = self.text()
        tail = "" if self.status == "passed" else f'\n  Stuck? Run hint("{self.exercise_id}").'
        return f"{icon} {self.exercise_id} {score} {body}{tail}"

    def _repr_html_(self) -> str:
        colour = {"passed": "#1a7f37", "incorrect": "#cf222e", "not_attempted": "#6e7781"}.get(self.status, "#9a6700")
        return f'<pre style="border-left:4px solid {colour};padding-left:8px">{html.escape(repr(self))}</pre>'


@dataclass(frozen=True)
class Hint:
    """A hint, shown as text."""

    __module__ = "faultlab.exercises"

    exercise_id: str
    number: int
    total: int
    text: str

    def __repr__(self) -> str:
        more = f' More: hint("{self.exercise_id}", {self.number + 1}).' if self.number < self.total else ""
        return f"Hint {self.number}/{self.total} for {self.exercise_id}: {self.text}{more}"
