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


# -- the platforms' specs: required fields and allowed values ---------------------------------

_GS_FORMATS = {"text", "html", "simple_format", "md", "ansi"}


def gradescope_problems(data: dict) -> list[str]:
    """What violates Gradescope's autograder results.json specification (empty: valid)."""
    problems = []
    tests = data.get("tests")
    if "score" not in data and not (isinstance(tests, list) and all("score" in t for t in tests)):
        problems.append("score: required unless every test has one")
    if "score" in data and not isinstance(data["score"], int | float):
        problems.append("score: a number")
    for key in ("output_format", "test_output_format", "test_name_format"):
        if key in data and data[key] not in _GS_FORMATS:
            problems.append(f"{key}: one of {sorted(_GS_FORMATS)}")
    if "output" in data and data.get("output_format", "simple_format") != "text":
        problems.append("output: learner-controlled text must be output_format 'text' (the default renders HTML)")
    if data.get("visibility", "visible") not in {"hidden", "after_due_date", "after_published", "visible"}:
        problems.append("visibility: not an allowed value")
    for i, test in enumerate(tests or []):
        if not ({"score", "status"} & set(test)):
            problems.append(f"tests[{i}]: a score or a status")
        if "status" in test and test["status"] not in {"passed", "failed"}:
            problems.append(f"tests[{i}].status: passed or failed")
        for key in ("score", "max_score"):
            if key in test and not isinstance(test[key], int | float):
                problems.append(f"tests[{i}].{key}: a number")
        for key in ("output_format", "name_format"):
            if key in test and test[key] not in _GS_FORMATS:
                problems.append(f"tests[{i}].{key}: one of {sorted(_GS_FORMATS)}")
        if "output" in test and test.get("output_format", data.get("test_output_format")) != "text":
            problems.append(f"tests[{i}].output: must be declared text")
    return problems


def exercism_problems(data: dict) -> list[str]:
    """What violates the exercism test-runner interface, version 3 (empty: valid)."""
    problems = []
    if data.get("version") != 3:
        problems.append("version: 3")
    status = data.get("status")
    if status not in {"pass", "fail", "error"}:
        problems.append("status: pass, fail or error")
    if status == "error" and not (isinstance(data.get("message"), str) and data["message"]):
        problems.append("message: required when status is error")
    if status != "error" and data.get("message") is not None:
        problems.append("message: null or absent unless status is error")
    if isinstance(data.get("message"), str) and len(data["message"]) > 65535:
        problems.append("message: at most 65535 characters")
    if status in {"pass", "fail"} and not isinstance(data.get("tests"), list):
        problems.append("tests: required when status is pass or fail")
    for i, test in enumerate(data.get("tests") or []):
        if not isinstance(test.get("name"), str):
            problems.append(f"tests[{i}].name: required string")
        if test.get("status") not in {"pass", "fail", "error"}:
            problems.append(f"tests[{i}].status: pass, fail or error")
        if not isinstance(test.get("test_code"), str):
            problems.append(f"tests[{i}].test_code: required for concept exercises")
        if "output" in test and not (isinstance(test["output"], str) and len(test["output"]) <= 500):
            problems.append(f"tests[{i}].output: a string of at most 500 characters")
        if "task_id" in test and not isinstance(test["task_id"], int):
            problems.append(f"tests[{i}].task_id: a number")
    if status == "pass" and any(t.get("status") != "pass" for t in data.get("tests") or []):
        problems.append("status: pass only when every test passed")
    return problems


def _with_output(output: str) -> GradedSubmission:
    base = _sub()
    exercises = (
        ExerciseResult("1.1", "NotFound", "passed", 3, 3, "passed: fine", output),
        *base.exercises[1:],
    )
    return GradedSubmission(base.learner, base.notebook, base.stem, exercises)


def test_both_formats_meet_their_specs() -> None:
    """A mixed submission, an invalid one and one with long output all validate against both specs."""
    invalid = GradedSubmission("ada", "x.ipynb", "x", (ExerciseResult("-", "", "invalid", 0, 0, "invalid: not JSON"),))
    for sub in (_sub(), invalid, _with_output("y" * 2000)):
        assert gradescope_problems(gradescope_results(sub)) == []
        assert exercism_problems(exercism_results(sub)) == []


def test_gradescope_never_renders_a_notebook_name_as_html() -> None:
    """A notebook named <img src=x onerror=alert(1)>.ipynb lands in output declared as text."""
    evil = "<img src=x onerror=alert(1)>"
    sub = GradedSubmission("ada", f"{evil}.ipynb", evil, _sub().exercises)
    data = gradescope_results(sub)
    assert evil in data["output"]
    assert (data["output_format"], data["test_output_format"], data["test_name_format"]) == ("text",) * 3
    assert {t["output_format"] for t in data["tests"]} == {"text"}


def test_exercism_output_is_truncated_with_the_specs_notice() -> None:
    """Printed output over 500 characters is cut to 500, ending with the spec's sentence."""
    test = exercism_results(_with_output("y" * 2000))["tests"][0]
    assert len(test["output"]) == 500
    assert test["output"].endswith("Output was truncated. Please limit to 500 chars")
    assert "output" not in exercism_results(_sub())["tests"][0]


def test_gradescope_tests_carry_what_the_code_printed() -> None:
    """Each Gradescope test's output is the verdict, then the learner's output during that check."""
    data = gradescope_results(_with_output("debug: 42"))
    assert data["tests"][0]["output"].startswith("passed: fine")
    assert "debug: 42" in data["tests"][0]["output"]


def test_exercism_is_error_when_the_notebook_crashed_before_any_check() -> None:
    """Every exercise crashed for the same reason (the notebook's own code): status error, with it."""
    why = "crashed: the process died during running the notebook's definitions: an abort"
    sub = GradedSubmission(
        "ada",
        "01_typed_errors.ipynb",
        "01_typed_errors",
        tuple(ExerciseResult(i, "", "crashed", 0, 3, why) for i in ("1.1", "1.2")),
    )
    data = exercism_results(sub)
    assert (data["status"], data["message"]) == ("error", why)
    assert exercism_problems(data) == []


def test_exercism_is_error_when_a_cell_does_not_parse() -> None:
    """A syntax error that leaves every check without its names is an exercism `error` naming the cell."""
    missing = "error: `NotFound` is not defined in the notebook."
    sub = GradedSubmission(
        "ada",
        "01_typed_errors.ipynb",
        "01_typed_errors",
        tuple(ExerciseResult(i, "", "error", 0, 3, missing) for i in ("1.1", "1.2")),
        notes=("cell 3 does not parse (line 1: invalid syntax); none of it ran",),
    )
    data = exercism_results(sub)
    assert data["status"] == "error"
    assert data["message"].startswith("cell 3 does not parse")
