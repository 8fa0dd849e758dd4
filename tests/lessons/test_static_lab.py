"""StaticLab: mypy, ruff and basedpyright run on snippets, offline, parsed to (rule, line) rows."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from faultlab.labs import Finding, StaticLab, StaticToolError

ASYNC = """\
import asyncio


async def fetch(key: str) -> bytes:
    await asyncio.sleep(0)
    return key.encode()


async def main() -> None:
    fetch("a")
    asyncio.create_task(fetch("b"))
    task = asyncio.create_task(fetch("c"))
    await task
    len("abc")
"""

RESULT = """\
from returns.result import Failure, Result, Success


def parse_port(text: str) -> Result[int, str]:
    if not text.isdigit():
        return Failure(f"not a number: {text!r}")
    return Success(int(text))


parse_port("80")
port: int = parse_port("80")
_ = parse_port("81")
"""

DEAD_PROXY = {"HTTP_PROXY": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9", "NO_PROXY": ""}


def _offline_launcher() -> tuple[str, ...]:
    """``unshare -n`` (a network namespace with no interface) where this machine allows it."""
    exe = shutil.which("unshare")
    if exe is None or subprocess.run([exe, "-n", "true"], capture_output=True, check=False).returncode != 0:
        return ()
    return (exe, "-n")


@pytest.fixture(scope="module")
def lab() -> StaticLab:
    """A lab whose tools run with no network (unshare -n where possible, a dead proxy always)."""
    import os

    return StaticLab(env={**os.environ, **DEAD_PROXY}, launcher=_offline_launcher())


def test_mypy_finds_the_unawaited_coroutine_by_default(lab: StaticLab) -> None:
    """mypy --strict reports the bare coroutine call and nothing else without unused-awaitable."""
    assert StaticLab.rows(lab.mypy(ASYNC)) == [("unused-coroutine", 10)]


def test_mypy_unused_awaitable_adds_the_dropped_task(lab: StaticLab) -> None:
    """--enable-error-code unused-awaitable also reports the dropped Task (line 11), not the kept one."""
    assert StaticLab.rows(lab.mypy(ASYNC, error_codes=["unused-awaitable"])) == [
        ("unused-coroutine", 10),
        ("unused-awaitable", 11),
    ]


def test_ruff_ruf006_reports_only_the_dropped_task(lab: StaticLab) -> None:
    """RUF006 flags the create_task whose result is dropped, not the bare coroutine."""
    assert StaticLab.rows(lab.ruff(ASYNC)) == [("RUF006", 11)]


def test_basedpyright_runs_offline_with_its_opt_in_rules(lab: StaticLab) -> None:
    """With no network, basedpyright reports the coroutine, the task and the ignored int."""
    found = lab.basedpyright(ASYNC, rules={"reportUnusedCallResult": "warning", "reportUnusedCoroutine": "error"})
    assert StaticLab.rows(found) == [
        ("reportUnusedCallResult", 10),
        ("reportUnusedCoroutine", 10),
        ("reportUnusedCallResult", 11),
        ("reportUnusedCallResult", 14),
    ]


def test_the_offline_proof_really_has_no_network() -> None:
    """Under the launcher the tests use, opening a socket to the outside fails."""
    launcher = _offline_launcher()
    if not launcher:
        pytest.skip("unshare -n is not allowed here; the dead proxy alone is used")
    code = "import socket; socket.create_connection(('1.1.1.1', 443), timeout=2)"
    done = subprocess.run([*launcher, sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode != 0
    assert "unreachable" in done.stderr or "OSError" in done.stderr


def test_basedpyright_is_quiet_by_default_on_an_ignored_result(lab: StaticLab) -> None:
    """Without the opt-in rule, an ignored Result is not reported; a Result used as int is."""
    assert StaticLab.rows(lab.basedpyright(RESULT)) == [("reportAssignmentType", 11)]


def test_basedpyright_opt_in_reports_the_ignored_result_but_not_underscore(lab: StaticLab) -> None:
    """reportUnusedCallResult flags line 10 and accepts `_ = ...` (the Python `let _ =`)."""
    found = lab.basedpyright(RESULT, rules={"reportUnusedCallResult": "error"})
    assert StaticLab.rows(found) == [("reportUnusedCallResult", 10), ("reportAssignmentType", 11)]


def test_mypy_with_the_returns_plugin_says_nothing_about_the_ignored_result(lab: StaticLab) -> None:
    """The returns plugin types the Result, but a dropped one is still silent under mypy."""
    found = lab.mypy(RESULT, plugins=["returns.contrib.mypy.returns_plugin"])
    assert StaticLab.rows(found) == [("assignment", 11)]


def test_findings_hold_no_path() -> None:
    """A message never carries the private folder's path."""
    finding = Finding(3, "mypy", "misc", "x")
    assert str(finding).startswith("mypy")
    assert "/" not in StaticLab.table([finding])


def test_table_shows_each_reported_line() -> None:
    """The table repeats the reported line's code under its finding."""
    text = StaticLab.table([Finding(2, "ruff", "RUF006", "m")], source="a = 1\nasyncio.create_task(x)\n")
    assert text.splitlines()[1].endswith("| asyncio.create_task(x)")
    assert StaticLab.table([]) == "(nothing reported)"


def test_a_missing_tool_is_a_clear_error(tmp_path: Path) -> None:
    """A launcher that does not exist is a StaticToolError naming the tool, not a traceback."""
    lab = StaticLab(launcher=[str(tmp_path / "no-such-launcher")])
    with pytest.raises(StaticToolError, match="ruff is not installed"):
        lab.ruff("x = 1\n")


def test_a_crashing_tool_is_a_clear_error(lab: StaticLab) -> None:
    """An option the tool refuses is a StaticToolError with the tool's words."""
    with pytest.raises(StaticToolError, match="ruff exited with 2"):
        lab.ruff("x = 1\n", select=["NOT-A-RULE"])


def test_bad_arguments_are_refused() -> None:
    """A non-positive timeout and a non-str source are refused with a message."""
    with pytest.raises(ValueError, match="timeout must be positive"):
        StaticLab(timeout=0)
    with pytest.raises(TypeError, match="source must be str"):
        StaticLab().ruff(b"x = 1\n")  # type: ignore[arg-type]
