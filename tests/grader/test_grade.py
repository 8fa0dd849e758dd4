"""Grading the course's own notebooks, the reports it writes, and how it finds submissions."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from faultlab.exercises import exercises
from faultlab.grader import GradingError, discover, grade
from tests.conftest import ROOT, STEMS
from tests.grader.helpers import GOOD_PARSE_PORT, load_results, snapshot, solution_cells, write_notebook
from tests.grader.test_formats import exercism_problems, gradescope_problems

STATUSES = {"passed", "incorrect", "not_attempted", "error", "timeout", "crashed", "invalid"}


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[tuple[str, str], dict[str, Any]]]:
    """Grade solutions/ and exercises/ in place, once; check they were not touched."""
    out = tmp_path_factory.mktemp("course") / "out"
    before = snapshot(ROOT / "solutions") | snapshot(ROOT / "exercises")
    grade([str(ROOT / "solutions"), str(ROOT / "exercises")], out, jobs=2)
    assert snapshot(ROOT / "solutions") | snapshot(ROOT / "exercises") == before
    return out, load_results(out)


@pytest.mark.parametrize("stem", STEMS)
def test_solutions_score_full_marks(course: tuple[Path, dict[tuple[str, str], dict[str, Any]]], stem: str) -> None:
    """Every exercise of every solution notebook passes with all its points."""
    _, results = course
    record = results[("solutions", f"{stem}.ipynb")]
    failing = [e for e in record["exercises"] if e["status"] != "passed"]
    assert not failing, failing
    assert record["score"] == record["max_score"] == sum(e.points for e in exercises().values() if e.lesson == stem)


def test_exercise_stubs_are_not_attempted(course: tuple[Path, dict[tuple[str, str], dict[str, Any]]]) -> None:
    """Every exercise of every generated exercise notebook is `not_attempted`, with no points."""
    _, results = course
    stubs = [r for (learner, _), r in results.items() if learner == "exercises"]
    assert stubs
    for record in stubs:
        assert {e["status"] for e in record["exercises"]} == {"not_attempted"}, record["notebook"]
        assert record["score"] == 0


def test_results_json_follows_the_documented_schema(course: tuple[Path, dict[tuple[str, str], dict[str, Any]]]) -> None:
    """results.json has exactly the documented keys and types, and scores add up."""
    out, _ = course
    data = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert set(data) == {"submissions", "isolation", "skipped"}
    assert data["isolation"]["mode"] == "bubblewrap"
    for sub in data["submissions"]:
        assert set(sub) == {"learner", "notebook", "score", "max_score", "exercises"}
        assert isinstance(sub["learner"], str)
        assert isinstance(sub["notebook"], str)
        for ex in sub["exercises"]:
            assert set(ex) == {"id", "status", "points", "max_points", "message"}
            assert ex["status"] in STATUSES
            assert isinstance(ex["points"], int)
            assert 0 <= ex["points"] <= ex["max_points"]
            assert isinstance(ex["message"], str)
            assert ex["message"]
        assert sub["score"] == sum(e["points"] for e in sub["exercises"])
        assert sub["max_score"] == sum(e["max_points"] for e in sub["exercises"])


def test_gradebook_has_a_row_per_learner_and_a_column_per_exercise(
    course: tuple[Path, dict[tuple[str, str], dict[str, Any]]],
) -> None:
    """gradebook.csv: learner, each exercise id in course order, total; totals match results.json."""
    out, results = course
    rows = list(csv.DictReader(io.StringIO((out / "gradebook.csv").read_text(encoding="utf-8"))))
    ids = [e.id for e in exercises().values() if e.lesson in STEMS]
    assert list(rows[0]) == ["learner", *ids, "total"]
    assert [r["learner"] for r in rows] == ["exercises", "solutions"]
    for row in rows:
        total = sum(r["score"] for (learner, _), r in results.items() if learner == row["learner"])
        assert int(row["total"]) == total


def test_feedback_and_formats_exist_for_every_submission(
    course: tuple[Path, dict[tuple[str, str], dict[str, Any]]],
) -> None:
    """Each submission has Markdown and HTML feedback, and Gradescope and exercism results."""
    out, results = course
    for learner, notebook in results:
        stem = Path(notebook).stem
        assert (out / "feedback" / learner / f"{stem}.md").is_file()
        assert (out / "feedback" / learner / f"{stem}.html").is_file()
        gradescope = json.loads((out / "formats" / "gradescope" / learner / stem / "results.json").read_text())
        assert gradescope["score"] == results[(learner, notebook)]["score"]
        exercism = json.loads((out / "formats" / "exercism" / learner / stem / "results.json").read_text())
        assert exercism["version"] == 3
        assert exercism["status"] == ("pass" if learner == "solutions" else "fail")
        assert gradescope_problems(gradescope) == []
        assert exercism_problems(exercism) == []


def test_one_notebook_is_graded_for_its_folder(tmp_path: Path) -> None:
    """A single notebook path is graded for the learner named by its folder."""
    write_notebook(tmp_path / "ada" / "00_welcome.ipynb", [GOOD_PARSE_PORT])
    summary = grade([str(tmp_path / "ada" / "00_welcome.ipynb")], tmp_path / "out", jobs=1)
    assert [(s.learner, s.notebook, s.score) for s in summary.submissions] == [("ada", "00_welcome.ipynb", 1)]


def test_a_class_folder_is_one_learner_per_subfolder(tmp_path: Path) -> None:
    """A folder of folders is a class; hidden folders and the output folder are skipped."""
    write_notebook(tmp_path / "class" / "ada" / "00_welcome.ipynb", [GOOD_PARSE_PORT])
    write_notebook(tmp_path / "class" / "bob" / "01_typed_errors.ipynb", solution_cells("01_typed_errors"))
    write_notebook(tmp_path / "class" / ".ipynb_checkpoints" / "00_welcome.ipynb", [GOOD_PARSE_PORT])
    out = tmp_path / "class" / "reports"
    out.mkdir()
    refs = discover([str(tmp_path / "class")], out)
    assert [(r.learner, r.path.name) for r in refs] == [("ada", "00_welcome.ipynb"), ("bob", "01_typed_errors.ipynb")]


def test_a_learner_folder_ignores_checkpoints(tmp_path: Path) -> None:
    """A folder holding notebooks is one learner's; .ipynb_checkpoints and non-notebooks are ignored."""
    write_notebook(tmp_path / "cy" / "00_welcome.ipynb", [GOOD_PARSE_PORT])
    write_notebook(tmp_path / "cy" / ".ipynb_checkpoints" / "00_welcome-checkpoint.ipynb", [GOOD_PARSE_PORT])
    (tmp_path / "cy" / "notes.txt").write_text("hello", encoding="utf-8")
    refs = discover([str(tmp_path / "cy")], tmp_path / "out")
    assert [(r.learner, r.path.name) for r in refs] == [("cy", "00_welcome.ipynb")]


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda p: p / "nowhere", "no such file or folder"),
        (lambda p: (p / "notes.txt").write_text("x") and p / "notes.txt", "not a notebook"),
        (lambda p: (p / "empty").mkdir() or p / "empty", "holds no notebooks and no learner folders"),
    ],
)
def test_bad_paths_are_usage_errors(tmp_path: Path, make: Any, words: str) -> None:
    """A missing path, a non-notebook file, or an empty folder is a GradingError naming it."""
    with pytest.raises(GradingError, match=words):
        grade([str(make(tmp_path))], tmp_path / "out")


def test_the_same_notebook_from_two_places_is_a_usage_error(tmp_path: Path) -> None:
    """Two different files for one learner and notebook cannot both be graded."""
    write_notebook(tmp_path / "a" / "ada" / "00_welcome.ipynb", [GOOD_PARSE_PORT])
    write_notebook(tmp_path / "b" / "ada" / "00_welcome.ipynb", [GOOD_PARSE_PORT])
    with pytest.raises(GradingError, match="twice"):
        grade([str(tmp_path / "a"), str(tmp_path / "b")], tmp_path / "out")


@pytest.mark.parametrize(
    ("options", "words"),
    [
        ({"jobs": 0}, "--jobs"),
        ({"timeout": 0.0}, "--timeout"),
        ({"timeout": float("nan")}, "--timeout"),
        ({"memory_mb": 10}, "--memory"),
        ({"memory_mb": 100}, "too small"),
    ],
)
def test_bad_options_are_usage_errors(tmp_path: Path, options: dict[str, Any], words: str) -> None:
    """Out-of-range jobs, timeout or memory are GradingErrors naming the option."""
    write_notebook(tmp_path / "ada" / "00_welcome.ipynb", [GOOD_PARSE_PORT])
    with pytest.raises(GradingError, match=words):
        grade([str(tmp_path / "ada")], tmp_path / "out", **options)


def test_an_unrelated_output_folder_is_refused(tmp_path: Path) -> None:
    """--out must be new, empty, or an earlier run's: grading never clutters or wipes another folder."""
    write_notebook(tmp_path / "ada" / "00_welcome.ipynb", [GOOD_PARSE_PORT])
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "thesis.tex").write_text("precious", encoding="utf-8")
    with pytest.raises(GradingError, match="not empty"):
        grade([str(tmp_path / "ada")], tmp_path / "busy")
    assert (tmp_path / "busy" / "thesis.tex").read_text(encoding="utf-8") == "precious"


def test_an_earlier_run_is_replaced_without_stale_files(tmp_path: Path) -> None:
    """Grading into an earlier run's folder rewrites it; feedback of learners no longer graded is gone."""
    write_notebook(tmp_path / "one" / "ada" / "00_welcome.ipynb", [GOOD_PARSE_PORT])
    write_notebook(tmp_path / "two" / "bob" / "00_welcome.ipynb", [GOOD_PARSE_PORT])
    grade([str(tmp_path / "one")], tmp_path / "out", jobs=1)
    grade([str(tmp_path / "two")], tmp_path / "out", jobs=1)
    assert not (tmp_path / "out" / "feedback" / "ada").exists()
    assert set(load_results(tmp_path / "out")) == {("bob", "00_welcome.ipynb")}


def test_an_unwritable_output_folder_is_a_usage_error(tmp_path: Path) -> None:
    """--out under a regular file cannot be created: a GradingError, not a traceback."""
    write_notebook(tmp_path / "ada" / "00_welcome.ipynb", [GOOD_PARSE_PORT])
    (tmp_path / "file").write_text("x", encoding="utf-8")
    with pytest.raises(GradingError, match="cannot write there"):
        grade([str(tmp_path / "ada")], tmp_path / "file" / "out")


def test_known_wrong_answers_fail_under_the_grader_too(tmp_path: Path) -> None:
    """Each known-wrong answer of tests/wrong, graded in a sandbox, gets the status the in-process proof expects."""
    from tests.answers import WRONG

    expected: dict[str, tuple[str, str]] = {}
    for eid, cases in WRONG.items():
        lesson = exercises()[eid].lesson
        for number, (_, source, status) in enumerate(cases):
            learner = f"w{eid.replace('.', '_')}_{number}"
            write_notebook(tmp_path / "class" / learner / f"{lesson}.ipynb", [*solution_cells(lesson), source])
            expected[learner] = (eid, status)
    grade([str(tmp_path / "class")], tmp_path / "out", jobs=2)
    results = load_results(tmp_path / "out")
    for (learner, _), record in results.items():
        eid, status = expected[learner]
        got = next(e for e in record["exercises"] if e["id"] == eid)
        assert (got["status"], got["points"]) == (status, 0), (learner, got)
    assert len(results) == len(expected)


def test_learner_strings_reach_the_reports_printable(tmp_path: Path) -> None:
    """A folder name with a terminal escape and output with one are written with U+FFFD instead."""
    cells = ["import sys\ndef parse_port(text):\n    print('\\x1b[2J cleared')\n    return int(text)\n"]
    write_notebook(tmp_path / "c" / "eve\x1b[31m" / "00_welcome.ipynb", cells)
    summary = grade([str(tmp_path / "c")], tmp_path / "out", jobs=1)
    assert summary.submissions[0].learner == "eve\\x1b[31m"
    feedback = next((tmp_path / "out" / "feedback").iterdir()) / "00_welcome.md"
    text = feedback.read_text(encoding="utf-8")
    assert "\x1b" not in text
    assert "\ufffd[2J cleared" in text


def test_the_public_grading_module_prints_its_classes_as_public() -> None:
    """faultlab.grader exports a sorted API whose classes print as faultlab.grader.X."""
    import faultlab.grader

    assert faultlab.grader.__all__ == sorted(faultlab.grader.__all__)
    assert faultlab.grader.ExtraCheck.__module__ == "faultlab.grader"
    assert faultlab.grader.GradingError.__module__ == "faultlab.grader"
    assert issubclass(faultlab.grader.GradingError, faultlab.FaultlabError)


def test_a_learner_who_handed_in_nothing_gets_a_gradebook_row(tmp_path: Path) -> None:
    """A learner folder with no notebook is warned about and appears in the gradebook with 0."""
    write_notebook(tmp_path / "class" / "ada" / "00_welcome.ipynb", [GOOD_PARSE_PORT])
    (tmp_path / "class" / "cem").mkdir(parents=True)
    warnings: list[str] = []
    grade([str(tmp_path / "class")], tmp_path / "out", jobs=1, warn=warnings.append)
    assert any("'cem' has no notebooks" in w for w in warnings)
    rows = list(csv.reader(io.StringIO((tmp_path / "out" / "gradebook.csv").read_text(encoding="utf-8"))))
    assert rows == [["learner", "0.1", "total"], ["ada", "1", "1"], ["cem", "", "0"]]
    assert list(load_results(tmp_path / "out")) == [("ada", "00_welcome.ipynb")]
