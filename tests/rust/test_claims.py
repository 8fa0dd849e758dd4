"""What the lessons claim about Rust, shown by the real compiler, clippy and programs, kept as goldens."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.rust import harness

GOLDEN = harness.HERE / "golden"
CRATES = harness.HERE / "crates"


def _line_of(path: Path, needle: str) -> int:
    """The 1-based line of ``path`` that holds ``needle``."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, start=1) if needle in line)


def _run(exe: Path, *args: str) -> str:
    """Run a built program; its exit code, stdout and stderr as one text, thread ids masked."""
    proc = subprocess.run([str(exe), *args], capture_output=True, text=True, env=harness.cargo_env(), check=False)
    stderr = re.sub(r"^thread '([^']*)' \(\d+\)", r"thread '\1' (N)", proc.stderr, flags=re.MULTILINE)
    return f"$ {exe.name} {' '.join(args)}\nexit code {proc.returncode}\n--- stdout\n{proc.stdout}--- stderr\n{stderr}"


@pytest.fixture(scope="module")
def clippy(claims: harness.Workspace) -> list[dict]:
    """clippy's messages about the must-use crate (lesson 05)."""
    version = subprocess.run(["cargo", "clippy", "--version"], capture_output=True, text=True, check=False)
    if version.returncode != 0 or shutil.which("cargo-clippy") is None:
        harness.skip_or_fail(
            "clippy is missing: `rustup component add clippy` (Debian's rust-clippy package goes with "
            "Debian's own rustc, not with a rustup toolchain)"
        )
    proc, messages = claims.diagnostics("clippy", "-p", "must-use")
    assert proc.returncode == 0, proc.stderr
    return [m for m in messages if harness.crate_of(m) == "must-use"]


def test_clippy_flags_bare_must_use_on_result(clippy: list[dict]) -> None:
    """clippy's double_must_use fires on a bare #[must_use] over a fn returning Result, and only there."""
    lib = CRATES / "must-use" / "src" / "lib.rs"
    found = {(m["message"]["code"]["code"], span["line_start"]) for m in clippy for span in m["message"]["spans"]}
    assert found == {("clippy::double_must_use", _line_of(lib, "pub fn load_config("))}
    harness.compare_golden(GOLDEN / "clippy-must-use.txt", "\n\n".join(harness.summary(m) for m in clippy) + "\n")


def test_clippy_is_silent_on_must_use_with_reason(clippy: list[dict]) -> None:
    """`#[must_use = "…"]` over the same kind of fn draws no lint: the reason is not redundant."""
    lib = CRATES / "must-use" / "src" / "lib.rs"
    line = _line_of(lib, "pub fn load_config_explained(")
    assert not [m for m in clippy for span in m["message"]["spans"] if abs(span["line_start"] - line) <= 1]


@pytest.fixture(scope="module")
def asserts(claims: harness.Workspace) -> dict[str, Path]:
    """The asserts program of lesson 07, built in debug and in release."""
    built = {}
    for profile in ("debug", "release"):
        exe, messages, stderr = harness.build(claims, "asserts", release=profile == "release")
        assert exe is not None, stderr
        assert not messages, [m["message"]["rendered"] for m in messages]
        built[profile] = exe
    return built


def test_assert_panics_in_release(asserts: dict[str, Path]) -> None:
    """In a release build `assert!` still checks: an out-of-range port panics (exit code 101)."""
    out = _run(asserts["release"], "70000")
    assert "exit code 101\n" in out
    assert "port 70000 is out of range" in out
    harness.compare_golden(GOLDEN / "assert-release-70000.txt", out)


def test_debug_assert_is_compiled_out_of_release(asserts: dict[str, Path]) -> None:
    """`debug_assert!` stops port 0 in a debug build and lets it through in a release build."""
    debug, release = _run(asserts["debug"], "0"), _run(asserts["release"], "0")
    assert "exit code 101\n" in debug
    assert "port 0 is not a port" in debug
    assert "exit code 0\n--- stdout\naccepted port 0\n" in release
    harness.compare_golden(GOLDEN / "debug-assert-debug-0.txt", debug)
    harness.compare_golden(GOLDEN / "debug-assert-release-0.txt", release)


def test_non_exhaustive_forces_a_wildcard_in_another_crate(claims: harness.Workspace) -> None:
    """Lesson 01's #[non_exhaustive] RegistryError: another crate's match without `_` is E0004."""
    _, messages, stderr = harness.build(claims, "caller-exhaustive")
    errors = [m for m in messages if m["message"]["level"] == "error" and m["message"].get("code")]
    assert [m["message"]["code"]["code"] for m in errors] == ["E0004"], stderr
    notes = " ".join(c["message"] for c in errors[0]["message"]["children"])
    assert "non-exhaustive" in notes
    harness.compare_golden(GOLDEN / "non-exhaustive-caller.txt", "\n\n".join(harness.summary(m) for m in errors) + "\n")


def test_non_exhaustive_wildcard_arm_compiles(claims: harness.Workspace) -> None:
    """The same match with a `_ =>` arm compiles cleanly in the other crate."""
    _, messages, stderr = harness.build(claims, "caller-wildcard")
    assert not messages, stderr + "\n".join(m["message"]["rendered"] for m in messages)
    assert "error" not in stderr.lower()
