"""Errors that faultlab raises when faultlab itself is misused.

The simulated world never raises these: its services raise the built-in exceptions a
real SDK or operating system would (``TimeoutError``, ``PermissionError``, ...), because
translating those is what the learner practises. These classes are only for a wrong
call into faultlab, and each message says what was wrong and how to fix it.

Every error also subclasses the built-in that matches it, so generic handlers keep
working::

    FaultlabError                       root of everything below
    ├── ClockError(ValueError)          negative or non-finite sleep, time going back
    ├── FaultPlanError(ValueError)      a fault rule that cannot be applied
    ├── UnknownExerciseError(LookupError)  an exercise id that is not registered
    ├── MarkerError(ValueError)         malformed solution markers in a notebook
    ├── NotebookError(ValueError)       a file that is missing or not a notebook
    ├── GradingError(ValueError)        a bad path, option or extra-checks file (faultlab.grader)
    └── ReleaseError(ValueError)        a course tree that cannot be released (faultlab.authoring)

FaultlabError and the three below it are the learner's: ``import faultlab`` exports them. MarkerError and
NotebookError are exported by :mod:`faultlab.authoring`, GradingError by :mod:`faultlab.grader`.
"""

from __future__ import annotations

__all__ = [
    "ClockError",
    "FaultPlanError",
    "FaultlabError",
    "GradingError",
    "MarkerError",
    "NotebookError",
    "UnknownExerciseError",
]


class FaultlabError(Exception):
    """Root of the errors raised for misuse of faultlab."""

    __module__ = "faultlab"


class ClockError(FaultlabError, ValueError):
    """A virtual clock was asked to do something time cannot do."""

    __module__ = "faultlab"


class FaultPlanError(FaultlabError, ValueError):
    """A fault rule was declared with arguments that make no sense."""

    __module__ = "faultlab"


class UnknownExerciseError(FaultlabError, LookupError):
    """An exercise id that the registry does not know.

    Args:
        exercise_id: The id that was asked for.
        known: Every registered id, so the message can list them.
    """

    __module__ = "faultlab"

    def __init__(self, exercise_id: str, known: tuple[str, ...]) -> None:
        super().__init__(exercise_id, known)
        self.exercise_id = exercise_id
        self.known = known

    def __str__(self) -> str:
        return f"unknown exercise {self.exercise_id!r}; valid ids are: {', '.join(self.known)}"


class MarkerError(FaultlabError, ValueError):
    """Solution markers in a notebook are unbalanced, unlabelled or misplaced.

    Args:
        path: The notebook, as given.
        cell: The 1-based index of the offending cell.
        problem: What is wrong with the markers, in plain words.
    """

    __module__ = "faultlab.authoring"

    def __init__(self, path: str, cell: int, problem: str) -> None:
        super().__init__(path, cell, problem)
        self.path = path
        self.cell = cell
        self.problem = problem

    def __str__(self) -> str:
        return f"{self.path}, cell {self.cell}: {self.problem}"


class NotebookError(FaultlabError, ValueError):
    """A path that is missing, unreadable or not a Jupyter notebook.

    Args:
        path: The path, as given.
        problem: What is wrong with it.
    """

    __module__ = "faultlab.authoring"

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(path, problem)
        self.path = path
        self.problem = problem

    def __str__(self) -> str:
        return f"{self.path}: {self.problem}"


class GradingError(FaultlabError, ValueError):
    """A usage error of ``faultlab grade``: a bad path, option or extra-checks file."""

    __module__ = "faultlab.grader"
