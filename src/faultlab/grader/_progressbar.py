"""The grader's progress bar (tqdm), drawn only on a terminal."""

from __future__ import annotations

from typing import TextIO

from tqdm import tqdm

__all__ = ["ProgressBar"]


class ProgressBar:
    """One line, redrawn as each notebook finishes; silent unless the stream is a terminal."""

    def __init__(self, total: int, stream: TextIO | None) -> None:
        # Fixed width, height and ASCII: a terminal that reports no size (a pty, some CI
        # runners) would otherwise make tqdm draw nothing, and a non-UTF-8 one disable it.
        self.total = total
        self.done = 0
        shown = stream is not None and _isatty(stream) and total > 1
        self.bar = tqdm(
            total=total,
            file=stream,
            desc="grading",
            unit="notebook",
            disable=not shown,
            ncols=100,
            nrows=50,
            ascii=True,
        )

    def step(self, label: str) -> None:
        """Count one finished notebook and redraw the bar (on a terminal only).

        Raises:
            Nothing.
        """
        self.done += 1
        self.bar.set_postfix_str(label[:40], refresh=False)
        self.bar.update(1)
        if self.done == self.total:
            self.bar.close()


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError, OSError):
        return False
