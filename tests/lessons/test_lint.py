"""faultlab.labs.lint: ruff on a snippet, as rows of rule, line and message."""

from __future__ import annotations

import pytest

from faultlab import FaultlabError
from faultlab.labs import LESSON_07_RULES, Finding, lint, lint_table

SWALLOW = """
def f(op):
    try:
        op()
    except:  # noqa: E722
        pass
"""


def test_findings_are_rule_line_and_message_in_line_order() -> None:
    """A bare except with pass yields E722 and S110 at its line, sorted by line then rule."""
    found = lint(SWALLOW)
    assert [(f.rule, f.line) for f in found] == [("E722", 5), ("S110", 5)]
    assert all(isinstance(f, Finding) and f.message for f in found)


def test_noqa_is_ignored_unless_asked() -> None:
    """A noqa comment does not hide a finding from a check, but can be honoured on request."""
    assert [f.rule for f in lint(SWALLOW, honour_noqa=True)] == ["S110"]


def test_only_the_selected_rules_run() -> None:
    """Rules outside the selection are not reported; clean code has no findings."""
    assert lint(SWALLOW, ["B904"]) == ()
    assert lint("def f(d, k):\n    return d[k]\n") == ()
    assert lint_table(()) == "ruff: no findings"


def test_indented_source_is_dedented_and_syntax_errors_are_findings() -> None:
    """A method's indented source lints like top-level code; broken code is a finding, not a crash."""
    assert [f.rule for f in lint("    def g():\n        assert True\n")] == ["S101"]
    assert lint("def f(:\n")[0].line == 1


def test_every_lesson_rule_is_a_real_ruff_rule() -> None:
    """Each of the lesson's rules is one ruff knows (an unknown rule would make ruff fail)."""
    for rule in LESSON_07_RULES:
        lint("x = 1\n", [rule])


@pytest.mark.parametrize(("source", "rules", "message"), [(b"x", LESSON_07_RULES, "as a str"), ("x", [], "one rule")])
def test_bad_input_is_a_clear_error(source: object, rules: list[str], message: str) -> None:
    """Bytes instead of text, or no rules, is a FaultlabError saying what is wrong."""
    with pytest.raises(FaultlabError, match=message):
        lint(source, rules)  # type: ignore[arg-type]


def test_an_unknown_rule_is_a_clear_error() -> None:
    """ruff's own failure (an unknown rule code) becomes a FaultlabError with its message."""
    with pytest.raises(FaultlabError, match="ruff failed"):
        lint("x = 1\n", ["NOPE999"])
