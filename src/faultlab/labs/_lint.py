"""Run ruff on a snippet of code and return what it found, as plain rows.

Lesson 07 shows, for each anti-pattern, the lint rule that flags it, by running ruff on the
cell's code; its exercises run the same function on the learner's own source. The output is
deterministic: rule id, line and message (a :class:`Finding`, as lesson 05's ``StaticLab``
gives), never a path or a time. ruff is a standalone binary (the ``ruff`` package ships it),
so this needs no network and no configuration file: the rule set is passed on the command line
and the project's own settings are ignored (``--isolated``).
"""

from __future__ import annotations

import json
import subprocess
import textwrap
from collections.abc import Iterable

from faultlab._errors import FaultlabError
from faultlab.labs._static import Finding

__all__ = ["LESSON_07_RULES", "lint", "lint_table"]

#: The rules lesson 07 teaches: one or more per anti-pattern.
LESSON_07_RULES: tuple[str, ...] = (
    "B012",  # return/break/continue inside finally swallows the exception
    "B904",  # raise inside except without `from`
    "BLE001",  # except Exception / BaseException that neither re-raises nor logs the traceback
    "E722",  # bare except:
    "RUF006",  # asyncio task created and dropped
    "S101",  # assert (removed by python -O)
    "S110",  # try / except / pass
    "S112",  # try / except / continue
    "TRY002",  # raise Exception(...) instead of a class of your own
    "TRY004",  # a type check that raises something other than TypeError
    "TRY201",  # `raise exc` instead of a bare `raise`
    "TRY203",  # try / except that only re-raises
    "TRY400",  # logging.error inside except, where logging.exception keeps the traceback
)


def _ruff() -> str:
    try:
        from ruff.__main__ import find_ruff_bin
    except ImportError as exc:
        msg = "ruff is not installed; run `make setup` (it comes with the course's pinned dependencies)"
        raise FaultlabError(msg) from exc
    return str(find_ruff_bin())


def lint(source: str, rules: Iterable[str] = LESSON_07_RULES, *, honour_noqa: bool = False) -> tuple[Finding, ...]:
    """Lint ``source`` with ruff and the given rules; return the findings in line order.

    ``# noqa`` comments are ignored unless ``honour_noqa``: a check must not pass because
    an answer silenced the rule that would have flagged it.

    Raises:
        FaultlabError: ``source`` is not text, ``rules`` is empty, ruff is missing, or ruff
            fails on its own (a syntax error in ``source`` is a finding, not a failure).
    """
    if not isinstance(source, str):
        msg = f"lint() takes the source code as a str, got {type(source).__name__}"
        raise FaultlabError(msg)
    chosen = sorted(set(rules))
    if not chosen:
        msg = "lint() needs at least one rule to check"
        raise FaultlabError(msg)
    command = [_ruff(), "check", "--isolated", "--no-cache", "--select", ",".join(chosen), "--output-format", "json"]
    if not honour_noqa:
        command.append("--ignore-noqa")
    command += ["--stdin-filename", "snippet.py", "-"]
    done = subprocess.run(  # noqa: S603 - our own argument list; the snippet goes in on stdin
        command, input=textwrap.dedent(source), capture_output=True, text=True, check=False, timeout=30
    )
    if done.returncode not in (0, 1):
        msg = f"ruff failed (exit status {done.returncode}): {done.stderr.strip()[:500]}"
        raise FaultlabError(msg)
    rows = json.loads(done.stdout or "[]")
    found = [Finding(row["location"]["row"], "ruff", row["code"] or "syntax-error", row["message"]) for row in rows]
    return tuple(sorted(found, key=lambda f: (f.line, f.rule)))


def lint_table(findings: Iterable[Finding]) -> str:
    """The findings as lines ``line N: RULE message``, or a line saying there are none."""
    rows = [f"line {f.line}: {f.rule} {f.message}" for f in findings]
    return "\n".join(rows) if rows else "ruff: no findings"
