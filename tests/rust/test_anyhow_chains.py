"""anyhow's real chain output, kept as goldens, and faultlab's renderer held to it character by character."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from faultlab import format_chain, format_chain_oneline
from tests.rust import harness

CASES_FILE = harness.HERE / "crates" / "anyhow-chains" / "src" / "cases.txt"
GOLDEN = harness.HERE / "golden" / "anyhow"
# anyhow's four renderings: `{}`, `{:#}`, `{:?}`, and the error returned from main.
MODES = ("display", "alternate", "debug", "main")


def _cases() -> dict[str, list[str]]:
    cases = {}
    for line in CASES_FILE.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, *messages = line.split(" | ")
            cases[name] = [m.replace("\\n", "\n") for m in messages]
    return cases


CASES = _cases()
PARAMS = [(case, mode) for case in CASES for mode in MODES]
IDS = [f"{case}:{mode}" for case, mode in PARAMS]


def _python_chain(messages: list[str]) -> BaseException:
    """The same chain in Python: each message an exception raised from the next one."""
    *outer, root = messages
    exc: BaseException = ConnectionResetError(root)
    for message in reversed(outer):
        try:
            raise RuntimeError(message) from exc
        except RuntimeError as wrapped:
            exc = wrapped
    return exc


@pytest.fixture(scope="module")
def anyhow_chains(claims: harness.Workspace) -> Path:
    """The built anyhow-chains program."""
    exe, messages, stderr = harness.build(claims, "anyhow-chains")
    assert exe is not None, stderr + "\n".join(m["message"]["rendered"] for m in messages)
    return exe


def test_cases_cover_the_claims() -> None:
    """The cases hold 0, 1 and 3 causes, and multi-line messages with and without numbers."""
    causes = {len(m) - 1 for m in CASES.values()}
    assert {0, 1, 3} <= causes
    multiline = [m for m in CASES.values() if any("\n" in x for x in m)]
    assert {len(m) - 1 for m in multiline} >= {1, 3}
    assert any("\n\n" in x for m in multiline for x in m[1:]), "a cause with a blank line"


@pytest.mark.parametrize(("case", "mode"), PARAMS, ids=IDS)
def test_anyhow_output_is_golden(anyhow_chains: Path, case: str, mode: str) -> None:
    """What anyhow really prints for the case is what the golden file holds."""
    proc = subprocess.run(
        [str(anyhow_chains), case, mode], capture_output=True, text=True, env=harness.cargo_env(), check=False
    )
    if mode == "main":
        assert (proc.returncode, proc.stdout) == (1, ""), proc.stderr
        actual = proc.stderr
    else:
        assert (proc.returncode, proc.stderr) == (0, "")
        actual = proc.stdout
    harness.compare_golden(GOLDEN / f"{case}.{mode}.txt", actual)


@pytest.mark.parametrize(("case", "mode"), PARAMS, ids=IDS)
def test_renderer_matches_anyhow(case: str, mode: str) -> None:
    """faultlab renders the same chain exactly as anyhow did (`types=False`: Rust shows no types)."""
    golden = (GOLDEN / f"{case}.{mode}.txt").read_text(encoding="utf-8")
    exc = _python_chain(CASES[case])
    rendered = {
        "display": str(exc),
        "alternate": format_chain_oneline(exc),
        "debug": format_chain(exc, types=False, prefix=""),
        "main": format_chain(exc, types=False) + "\n",
    }[mode]
    assert rendered == golden, f"faultlab {rendered!r}\nanyhow   {golden!r}"
