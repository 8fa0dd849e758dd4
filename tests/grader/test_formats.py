"""Reports: learner-controlled strings are escaped, and the LMS formats have their shapes."""

from __future__ import annotations

import csv
import io
import json

from faultlab.grader._formats import (
    ExerciseResult,
    GradedSubmission,
    exercism_results,
    feedback_html,
    feedback_markdown,
    gradebook_csv,
    gradescope_results,
    results_json,
)

EVIL = "<script>alert(1)</script> ``` **bold** [link](http://x) & |pipe|"


def _sub(learner: str = "ada", message: str = "incorrect: nope", output: str = "") -> GradedSubmission:
    return GradedSubmission(
        learner=learner,
        notebook="01_typed_errors.ipynb",
        stem="01_typed_errors",
        exercises=(
            ExerciseResult("1.1", "NotFound", "passed", 3, 3, "passed: fine"),
            ExerciseResult("1.2", "The family", "incorrect", 0, 3, message),
            ExerciseResult("1.3", "fetch", "crashed", 0, 4, "crashed: boom"),
        ),
        notes=(EVIL,),
        output=output,
        output_bytes=len(output.encode()),
    )


def test_markdown_fences_learner_text_that_contains_fences() -> None:
    """A message with a ``` run sits in a longer fence, so it cannot close it."""
    text = feedback_markdown(_sub(message=EVIL, output="```\n# heading?"))
    assert "````text\n" + EVIL + "\n````" in text
    assert "\n# heading?" in text  # inside a fence, so not a heading


def test_markdown_escapes_the_learner_id_and_notes() -> None:
    """The learner's folder name and notes are inline text with every markup character escaped."""
    text = feedback_markdown(_sub(learner="<b>eve</b>"))
    assert "<b>" not in text
    assert "\\<b\\>eve\\</b\\>" in text
    assert "<script>" not in text


def test_html_escapes_everything_the_learner_controls() -> None:
    """Messages, notes, output and the learner id are HTML-escaped."""
    text = feedback_html(_sub(learner="<i>eve</i>", message=EVIL, output="<img src=x onerror=alert(1)>"))
    assert "<script>" not in text
    assert "<img" not in text
    assert "<i>eve</i>" not in text
    assert "&lt;script&gt;" in text


def test_gradebook_defuses_spreadsheet_formulas() -> None:
    """A learner id that starts like a formula is prefixed with a quote."""
    text = gradebook_csv([_sub(learner='=HYPERLINK("http://x")')], ["1.1", "1.2", "1.3"])
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1][0].startswith("'=")
    assert rows[1][1:] == ["3", "0", "0", "3"]


def test_gradebook_leaves_blank_what_was_not_handed_in() -> None:
    """An exercise of a notebook the learner did not submit is blank, not zero."""
    rows = list(csv.reader(io.StringIO(gradebook_csv([_sub()], ["0.1", "1.1"]))))
    assert rows == [["learner", "0.1", "1.1", "total"], ["ada", "", "3", "3"]]


def test_results_json_round_trips() -> None:
    """results.json is JSON with the submission's score and max_score."""
    data = json.loads(results_json([_sub()]))
    assert data["submissions"][0]["score"] == 3
    assert data["submissions"][0]["max_score"] == 10


def test_gradescope_results_have_the_documented_fields() -> None:
    """Gradescope: a total score and one test per exercise with score, max_score and status."""
    data = gradescope_results(_sub())
    assert data["score"] == 3
    assert [(t["number"], t["score"], t["max_score"], t["status"]) for t in data["tests"]] == [
        ("1.1", 3, 3, "passed"),
        ("1.2", 0, 3, "failed"),
        ("1.3", 0, 4, "failed"),
    ]


def test_exercism_results_are_version_3_with_task_ids() -> None:
    """exercism v3: pass/fail/error per test, a task_id per exercise, fail overall."""
    data = exercism_results(_sub())
    assert (data["version"], data["status"]) == (3, "fail")
    assert [(t["status"], t["task_id"]) for t in data["tests"]] == [("pass", 1), ("fail", 2), ("error", 3)]
    assert data["tests"][0]["message"] is None


def test_exercism_status_is_error_when_nothing_could_run() -> None:
    """A submission that is invalid everywhere is an exercism `error` with the reason as message."""
    sub = GradedSubmission("ada", "x.ipynb", "x", (ExerciseResult("-", "", "invalid", 0, 0, "invalid: not JSON"),))
    data = exercism_results(sub)
    assert (data["status"], data["message"]) == ("error", "invalid: not JSON")
