"""check() and hint() in a notebook: every verdict, and every misuse, without a traceback."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

import faultlab
from faultlab import check, hint
from faultlab.exercises import Verdict, get_exercise, judge_exercise


def _good_parse_port(text: str) -> int:
    port = int(text)
    if not 1 <= port <= 65535:
        raise ValueError(f"not a TCP port: {text!r}")
    return port


def test_check_reads_the_callers_globals() -> None:
    """Without a namespace, check() reads the caller's globals, as a notebook cell's."""
    ns: dict[str, Any] = {"check": check, "parse_port": _good_parse_port}
    exec("verdict = check('0.1')", ns)  # noqa: S102 - simulates a notebook cell
    assert ns["verdict"].status == "passed"


def test_verdict_text_shows_expected_and_got() -> None:
    """An incorrect verdict names the failing expectation, expected and got, and the hint."""
    verdict = check("0.1", {"parse_port": int})
    assert isinstance(verdict, Verdict)
    assert verdict.status == "incorrect"
    assert verdict.expected == "an exception"
    assert "returned 0" in (verdict.got or "")
    assert 'hint("0.1")' in repr(verdict)


def test_verdict_html_escapes_learner_values() -> None:
    """Learner-controlled text in a verdict is escaped in its HTML view."""
    verdict = check("0.1", {"parse_port": lambda text: "<script>"})
    assert isinstance(verdict, Verdict)
    page = verdict._repr_html_()
    assert "<script>" not in page
    assert "&lt;script&gt;" in page


def test_unknown_id_lists_valid_ids() -> None:
    """An unknown id gives a message listing the valid ids, not a traceback."""
    text = repr(check("9.9", {}))
    assert "unknown exercise '9.9'" in text
    assert "0.1" in text
    assert "1.4" in text
    assert "unknown exercise" in repr(hint("nope"))
    assert "unknown exercise" in repr(check(42, {}))  # type: ignore[arg-type]
    assert "takes a dict of your definitions, got int" in repr(check("0.1", 5))  # type: ignore[arg-type]


def test_check_before_definition_is_clear() -> None:
    """Checking before the function exists says which name is missing and what to do."""
    verdict = check("0.1", {})
    assert isinstance(verdict, Verdict)
    assert verdict.status == "error"
    assert "`parse_port` is not defined" in verdict.message


def test_hints_are_progressive_and_bounded() -> None:
    """hint(id) is the first hint, hint(id, 2) the second; out of range says what is valid."""
    first, second = repr(hint("1.1")), repr(hint("1.1", 2))
    assert first.startswith("Hint 1/3 for 1.1:")
    assert 'hint("1.1", 2)' in first
    assert second.startswith("Hint 2/3 for 1.1:")
    assert "hints 1 to 3" in repr(hint("1.1", 4))
    assert "hints 1 to 3" in repr(hint("1.1", 0))


def test_reexporting_faultlab_is_incorrect() -> None:
    """An answer that is faultlab's own object is refused, naming where it came from."""
    verdict = check("0.1", {"parse_port": faultlab.format_chain})
    assert isinstance(verdict, Verdict)
    assert verdict.status == "incorrect"
    assert "faultlab's own" in verdict.message


def test_forbidden_reference_use_is_incorrect() -> None:
    """Calling a guarded reference that the exercise forbids makes the answer incorrect."""
    ex = get_exercise("0.1")
    obs = {"id": "0.1", "state": "observed", "data": {}, "forbidden_used": ["faultlab.format_chain"]}
    verdict = judge_exercise(ex, obs)
    assert verdict.status == "incorrect"
    assert "faultlab.format_chain" in verdict.message


def test_malformed_observations_are_could_not_check() -> None:
    """A judge fed malformed data reports 'could not check' instead of crashing."""
    ex = get_exercise("0.1")
    good = [{"call": "x", "returned": port} for port in (8080, 443, 1, 65535)]
    odd = {"good": good, "bad": [{"call": "x", "raised": 7}]}  # an int where an exception record belongs
    for obs in (
        {},
        {"state": "observed", "data": []},
        {"state": "observed", "data": {"good": 5}},
        {"state": "observed", "data": odd},
    ):
        verdict = judge_exercise(ex, obs)
        assert verdict.status == "error"
        assert "could not check" in verdict.message
        assert verdict.points == 0


def test_verdict_as_dict_matches_grader_schema() -> None:
    """Verdict.as_dict() has the grader's per-exercise keys."""
    verdict = check("0.1", {"parse_port": _good_parse_port})
    assert isinstance(verdict, Verdict)
    assert verdict.as_dict() == {
        "id": "0.1",
        "status": "passed",
        "points": 1,
        "max_points": 1,
        "message": verdict.text(),
    }


def test_progress_tabulates_a_lesson() -> None:
    """progress() checks every exercise of a lesson and totals the score."""
    from faultlab import progress
    from faultlab.exercises import Progress

    table = progress("00", {"parse_port": _good_parse_port})
    assert isinstance(table, Progress)
    assert table.score == (1, 1)
    assert repr(table).splitlines()[-1] == "score: 1/1"
    empty = progress("01", {})
    assert isinstance(empty, Progress)
    assert {v.status for v in empty.verdicts} == {"error"}
    assert empty.score == (0, 13)
    assert "no lesson '42'" in repr(progress("42", {}))


def test_progress_infers_lessons_from_definitions() -> None:
    """Without a lesson, progress() covers the lessons whose exercise names are defined."""
    from faultlab import progress
    from faultlab.exercises import Progress

    table = progress(namespace={"parse_port": int})
    assert isinstance(table, Progress)
    assert [v.exercise_id for v in table.verdicts] == ["0.1"]
    assert table.verdicts[0].status == "incorrect"


def test_classroom_mode_gives_only_the_gentlest_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    """With FAULTLAB_CLASSROOM=1, hint 1 shows without a 'More:' pointer and later hints are refused."""
    monkeypatch.setenv("FAULTLAB_CLASSROOM", "1")
    first = repr(hint("1.1"))
    assert first.startswith("Hint 1/1 for 1.1:")
    assert "More:" not in first
    assert repr(hint("1.1", 2)).startswith("! in this classroom only the first hint is shown")
    monkeypatch.setenv("FAULTLAB_CLASSROOM", "0")
    assert "More:" in repr(hint("1.1"))


def test_a_dataclass_that_kept_the_stub_init_is_told_to_delete_it() -> None:
    """@dataclass or @attrs.define on a stub class keeps its __init__: the verdict says so, a plain stub does not."""
    import attrs

    ns: dict[str, Any] = {"attrs": attrs, "dataclass": dataclass}
    stub = (
        "class StorageError(Exception):\n    pass\n\n"
        "{deco}\nclass NotFound(StorageError, LookupError):\n"
        "    bucket: str\n    key: str\n\n"
        "    def __init__(self, *args, **kwargs):\n"
        "        raise NotImplementedError('exercise 1.1: NotFound: a typed error with fields and a message')\n"
    )
    for deco in ("@dataclass(eq=False)", "@attrs.define(eq=False)"):
        exec(stub.format(deco=deco), ns)  # noqa: S102 - a learner's cell
        verdict = check("1.1", ns)
        assert verdict.status == "not_attempted"
        assert "NotFound: a dataclass or attrs class keeps an __init__" in verdict.message
        assert "Delete the stub's `def __init__`" in verdict.message
    exec(stub.format(deco=""), ns)  # noqa: S102 - the untouched stub
    verdict = check("1.1", ns)
    assert verdict.status == "not_attempted"
    assert "keeps an __init__" not in verdict.message


def test_a_stub_of_another_exercise_says_which_to_do_first() -> None:
    """8.4 grades the deploy of 8.3's cell: on the stubs it names 8.3, not its own stub, as the one to do."""
    import json

    from tests.conftest import ROOT

    nb = json.loads((ROOT / "exercises" / "08_capstone.ipynb").read_text(encoding="utf-8"))
    ns: dict[str, Any] = {}
    for cell in nb["cells"]:
        source = "".join(cell["source"])
        if cell["cell_type"] == "code" and ("class " in source or "def " in source or "import " in source):
            exec(source, ns)  # noqa: S102 - the learner's cells, as stubs
    own, other = check("8.3", ns), check("8.4", ns)
    assert own.status == other.status == "not_attempted"
    assert "the code still raises NotImplementedError (exercise 8.3:" in own.message
    assert other.message.startswith("8.4 runs the code of exercise 8.3, which still raises its stub's")
    assert "Do 8.3 first" in other.message
