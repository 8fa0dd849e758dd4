"""The grader's progress bar, drawn only on a terminal."""

from __future__ import annotations

from typing import TextIO

__all__ = ["ProgressBar"]


class ProgressBar:
    """One line, redrawn as each notebook finishes; silent unless the stream is a terminal."""

    def __init__(self, total: int, stream: TextIO | None) -> None:
        self.total = total
        self.done = 0
        self.stream = stream if stream is not None and _isatty(stream) and total > 1 else None

    def step(self, label: str) -> None:
        """Count one finished notebook and redraw the bar (on a terminal only).

        Raises:
            Nothing.
        """
        self.done += 1
        if self.stream is None:
            return
        width = 30
        filled = width * self.done // self.total
        bar = "#" * filled + "-" * (width - filled)
        self.stream.write(f"\rgrading [{bar}] {self.done}/{self.total} {label[:40]:<40}")
        if self.done == self.total:
            self.stream.write("\n")
        self.stream.flush()


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError, OSError):
        return False
