"""Writing the reports: per-learner feedback and LMS files, and whole files written atomically."""

from __future__ import annotations

import json
from pathlib import Path

from faultlab._errors import GradingError
from faultlab.grader._formats import (
    GradedSubmission,
    exercism_results,
    feedback_html,
    feedback_markdown,
    gradescope_results,
)

__all__ = ["Writer", "write"]


def write(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
    except OSError as exc:
        msg = f"cannot write {path} ({exc.strerror or exc}); the reports are incomplete"
        raise GradingError(msg) from exc


class Writer:
    """Per-submission files, written straight into folders this run created (so no stale files)."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.made: set[Path] = set()

    def _put(self, path: Path, text: str) -> None:
        try:
            if path.parent not in self.made:
                path.parent.mkdir(parents=True, exist_ok=True)
                self.made.add(path.parent)
            path.write_text(text, encoding="utf-8")
        except OSError as exc:
            msg = f"cannot write {path} ({exc.strerror or exc}); the reports are incomplete"
            raise GradingError(msg) from exc

    def submission(self, sub: GradedSubmission) -> None:
        """Write one submission's feedback and LMS files.

        Raises:
            GradingError: A file cannot be written.
        """
        stem = Path(sub.notebook).stem
        self._put(self.out / "feedback" / sub.learner / f"{stem}.md", feedback_markdown(sub))
        self._put(self.out / "feedback" / sub.learner / f"{stem}.html", feedback_html(sub))
        for name, data in (("gradescope", gradescope_results(sub)), ("exercism", exercism_results(sub))):
            self._put(
                self.out / "formats" / name / sub.learner / stem / "results.json", json.dumps(data, indent=2) + "\n"
            )
