"""What the grader writes: results.json, gradebook.csv, feedback, and LMS formats.

Every string a learner controls (their folder name, messages quoting their values,
what their code printed) is escaped for the format it lands in: Markdown puts it in
fenced blocks longer than any backtick run inside, or backslash-escapes it inline; HTML
escapes it; CSV quotes it and defuses spreadsheet formulas.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = [
    "ExerciseResult",
    "GradedSubmission",
    "exercism_results",
    "feedback_html",
    "feedback_markdown",
    "gradebook_csv",
    "gradescope_results",
    "learner_id",
    "printable",
    "results_json",
]

_FEEDBACK_OUTPUT = 4000
# Control characters (terminal escapes), bidirectional overrides ("trojan source") and lone
# surrogates (undecodable file names): replaced in everything a learner controls.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_UNSAFE_ID = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def printable(text: str, *, one_line: bool = False) -> str:
    """``text`` with control and bidi characters and lone surrogates replaced by U+FFFD.

    Newlines and tabs are kept unless ``one_line``.

    Raises:
        Nothing.
    """
    return (_UNSAFE_ID if one_line else _UNSAFE).sub("\ufffd", text)


def _escape_char(match: re.Match[str]) -> str:
    char = match.group()
    if char == "\\":
        return "\\\\"
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # an undecodable byte of a file name (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


_ID_ESCAPED = re.compile("[\\\\\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def learner_id(name: str) -> str:
    """A printable learner id that stays distinct for distinct folder names.

    Control and bidi characters become ``\\xNN``/``\\uNNNN``, an undecodable byte of the
    file name ``\\xNN``, and a backslash ``\\\\``: two folders never share a row or a feedback
    folder (``bob\\x01`` and ``bob\\x02`` stay two learners).

    Raises:
        Nothing.
    """
    return _ID_ESCAPED.sub(_escape_char, name)


@dataclass(frozen=True)
class ExerciseResult:
    """The verdict on one exercise of one submission."""

    id: str
    title: str
    status: str
    points: int
    max_points: int
    message: str
    output: str = ""

    def as_dict(self) -> dict[str, Any]:
        """The record in results.json.

        Raises:
            Nothing.
        """
        return {
            "id": self.id,
            "status": self.status,
            "points": self.points,
            "max_points": self.max_points,
            "message": self.message,
        }


@dataclass(frozen=True)
class GradedSubmission:
    """One graded notebook of one learner."""

    learner: str
    notebook: str
    stem: str
    exercises: tuple[ExerciseResult, ...]
    notes: tuple[str, ...] = ()
    output: str = ""
    output_bytes: int = 0

    @property
    def score(self) -> int:
        """Points earned.

        Raises:
            Nothing.
        """
        return sum(e.points for e in self.exercises)

    @property
    def max_score(self) -> int:
        """Points available.

        Raises:
            Nothing.
        """
        return sum(e.max_points for e in self.exercises)

    def as_dict(self) -> dict[str, Any]:
        """The submission's record in results.json.

        Raises:
            Nothing.
        """
        return {
            "learner": self.learner,
            "notebook": self.notebook,
            "score": self.score,
            "max_score": self.max_score,
            "exercises": [e.as_dict() for e in self.exercises],
        }


def results_json(
    submissions: Iterable[GradedSubmission],
    isolation: dict[str, Any] | None = None,
    skipped: Iterable[tuple[str, str]] = (),
) -> str:
    """The whole run as results.json text: submissions, how they were isolated, what was skipped.

    Raises:
        Nothing.
    """
    data: dict[str, Any] = {"submissions": [s.as_dict() for s in submissions]}
    if isolation is not None:
        data["isolation"] = isolation
    data["skipped"] = [{"path": printable(path, one_line=True), "reason": reason} for path, reason in skipped]
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _cell(text: str) -> str:
    """Defuse spreadsheet formulas in a learner-controlled cell."""
    return "'" + text if text.startswith(_FORMULA) else text


def gradebook_csv(
    submissions: Sequence[GradedSubmission], exercise_ids: Sequence[str], empty_learners: Sequence[str] = ()
) -> str:
    """One row per learner: points per exercise id (blank: not handed in), and the total.

    ``empty_learners`` handed in nothing; they get a row of blanks and a total of 0, so an
    LMS import still sees them.

    Raises:
        Nothing.
    """
    learners = sorted({s.learner for s in submissions} | set(empty_learners))
    points: dict[tuple[str, str], int] = {}
    for sub in submissions:
        for ex in sub.exercises:
            if ex.id in exercise_ids:
                points[(sub.learner, ex.id)] = ex.points
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["learner", *exercise_ids, "total"])
    for learner in learners:
        row = [points.get((learner, eid)) for eid in exercise_ids]
        total = sum(p for p in row if p is not None)
        writer.writerow([_cell(learner), *("" if p is None else p for p in row), total])
    return buffer.getvalue()


# -- Markdown -------------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~&\"'=])")


def _md_inline(text: str) -> str:
    """Learner text on one Markdown line: every punctuation mark escaped, no line breaks."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def _md_block(text: str) -> str:
    """Learner text as a fenced block that nothing inside can close."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}text\n{text}\n{fence}"


_STATUS_WORDS = {
    "passed": "passed",
    "incorrect": "incorrect",
    "not_attempted": "not attempted",
    "error": "error",
    "timeout": "timed out",
    "crashed": "crashed",
    "invalid": "invalid",
}


def _output_excerpt(sub: GradedSubmission) -> str:
    text = sub.output[:_FEEDBACK_OUTPUT]
    if sub.output_bytes > len(text.encode("utf-8", "replace")):
        text += f"\n[… {sub.output_bytes} bytes in all; the rest is not shown]"
    return text


def feedback_markdown(sub: GradedSubmission) -> str:
    """The learner's feedback for one notebook, as Markdown.

    Raises:
        Nothing.
    """
    lines = [
        f"# {_md_inline(sub.stem)}: feedback for {_md_inline(sub.learner)}",
        "",
        f"Score: **{sub.score} / {sub.max_score}**",
        "",
        "| exercise | status | points |",
        "|---|---|---|",
    ]
    for ex in sub.exercises:
        title = _md_inline(f"{ex.id} {ex.title}".strip())
        lines.append(f"| {title} | {_STATUS_WORDS.get(ex.status, ex.status)} | {ex.points} / {ex.max_points} |")
    for ex in sub.exercises:
        lines += ["", f"## {_md_inline(f'{ex.id} {ex.title}'.strip())}", "", _md_block(ex.message)]
    if sub.notes:
        lines += ["", "## Notes from grading", ""]
        lines += [f"- {_md_inline(note)}" for note in sub.notes]
    if sub.output_bytes:
        lines += ["", "## What your code printed while it was checked", "", _md_block(_output_excerpt(sub))]
    return "\n".join(lines) + "\n"


def feedback_html(sub: GradedSubmission) -> str:
    """The learner's feedback for one notebook, as a standalone HTML page.

    Raises:
        Nothing.
    """
    esc = html.escape
    rows = "\n".join(
        f"<tr class='{esc(ex.status)}'><td>{esc(ex.id)}</td><td>{esc(ex.title)}</td>"
        f"<td>{esc(_STATUS_WORDS.get(ex.status, ex.status))}</td><td>{ex.points} / {ex.max_points}</td></tr>"
        for ex in sub.exercises
    )
    sections = "\n".join(
        f"<h2>{esc(f'{ex.id} {ex.title}'.strip())}</h2>\n<pre>{esc(ex.message)}</pre>" for ex in sub.exercises
    )
    notes = ""
    if sub.notes:
        items = "".join(f"<li>{esc(note)}</li>" for note in sub.notes)
        notes = f"<h2>Notes from grading</h2>\n<ul>{items}</ul>"
    output = ""
    if sub.output_bytes:
        output = f"<h2>What your code printed while it was checked</h2>\n<pre>{esc(_output_excerpt(sub))}</pre>"
    title = esc(f"{sub.stem}: feedback for {sub.learner}")
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title}</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; }}
table {{ border-collapse: collapse; }} td, th {{ border: 1px solid #ccc; padding: .25rem .5rem; }}
pre {{ background: #f6f8fa; padding: .5rem; white-space: pre-wrap; overflow-wrap: anywhere; }}
tr.passed td {{ color: #1a7f37; }} tr.incorrect td, tr.crashed td, tr.invalid td {{ color: #cf222e; }}
</style>
</head>
<body>
<h1>{title}</h1>
<p>Score: <strong>{sub.score} / {sub.max_score}</strong></p>
<table>
<tr><th>exercise</th><th>title</th><th>status</th><th>points</th></tr>
{rows}
</table>
{sections}
{notes}
{output}
</body>
</html>
"""


# -- LMS formats ------------------------------------------------------------------------------


_EXERCISM_OUTPUT = 500
_EXERCISM_TRUNCATED = "Output was truncated. Please limit to 500 chars"
_EXERCISM_MESSAGE = 65535
_NOTHING_RAN = ("invalid", "crashed", "timeout")


def gradescope_results(sub: GradedSubmission) -> dict[str, Any]:
    """Gradescope's autograder ``results.json`` for one submission.

    Every string is declared ``text``, so nothing a learner controls is rendered as HTML
    (Gradescope's default format for ``output`` interprets it).

    Raises:
        Nothing.
    """
    tests = []
    for ex in sub.exercises:
        output = ex.message
        if ex.output:
            output += "\n\nWhat your code printed:\n" + ex.output[:_FEEDBACK_OUTPUT]
        tests.append(
            {
                "name": f"{ex.id} {ex.title}".strip(),
                "name_format": "text",
                "number": ex.id,
                "score": ex.points,
                "max_score": ex.max_points,
                "status": "passed" if ex.status == "passed" else "failed",
                "output": output,
                "output_format": "text",
                "visibility": "visible",
            }
        )
    return {
        "score": sub.score,
        "output": f"{sub.stem}: {sub.score} / {sub.max_score} points",
        "output_format": "text",
        "test_output_format": "text",
        "test_name_format": "text",
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": tests,
    }


_EXERCISM = {"passed": "pass", "incorrect": "fail", "not_attempted": "fail"}


def _exercism_output(text: str) -> str:
    if len(text) <= _EXERCISM_OUTPUT:
        return text
    room = _EXERCISM_OUTPUT - len(_EXERCISM_TRUNCATED) - 1
    return text[:room] + "\n" + _EXERCISM_TRUNCATED


def exercism_results(sub: GradedSubmission) -> dict[str, Any]:
    """An exercism test-runner ``results.json`` (version 3) for one submission.

    ``status`` is ``error``, with a ``message``, when no check could run at all (the file
    is not a gradable notebook, or the notebook's own code crashed, hung, or did not
    parse); each test carries what the learner's code printed during it, at most 500
    characters with the spec's notice.

    Raises:
        Nothing.
    """
    tests = []
    for ex in sub.exercises:
        task = ex.id.rpartition(".")[2]
        test: dict[str, Any] = {
            "name": f"{ex.id} {ex.title}".strip(),
            "status": _EXERCISM.get(ex.status, "error"),
            "message": None if ex.status == "passed" else ex.message,
            "test_code": f'check("{ex.id}")',
        }
        if ex.output:
            test["output"] = _exercism_output(ex.output)
        if task.isdigit():
            test["task_id"] = int(task)
        tests.append(test)
    parse = [n for n in sub.notes if "does not parse" in n]
    statuses = {ex.status for ex in sub.exercises}
    crashed = statuses <= set(_NOTHING_RAN) and _same(sub)
    unparsed = bool(parse) and statuses <= {*_NOTHING_RAN, "error"}
    if not tests or crashed or unparsed:
        message = sub.exercises[0].message if sub.exercises else f"{sub.notebook}: nothing to check"
        if parse:
            message = "\n".join(parse) + "\n" + message
        return {"version": 3, "status": "error", "message": message[:_EXERCISM_MESSAGE], "tests": tests}
    if all(t["status"] == "pass" for t in tests):
        return {"version": 3, "status": "pass", "message": None, "tests": tests}
    return {"version": 3, "status": "fail", "message": None, "tests": tests}


def _same(sub: GradedSubmission) -> bool:
    """Every exercise failed for one reason: the whole notebook could not run (not one check)."""
    return len({ex.message for ex in sub.exercises}) == 1 or all(ex.status == "invalid" for ex in sub.exercises)
