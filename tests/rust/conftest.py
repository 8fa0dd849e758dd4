"""Fixtures of the Rust checks: the toolchain (skip or fail when missing) and the snippet build."""

from __future__ import annotations

import pytest

from tests.rust import harness


@pytest.fixture(scope="session")
def toolchain() -> None:
    """Skip when cargo, rustc or Debian's crates are missing; fail instead under FAULTLAB_REQUIRE_RUST=1."""
    harness.require_toolchain()


@pytest.fixture(scope="session")
def snippet_failures(toolchain: None) -> dict[str, str]:
    """Build every compilable snippet of the lessons once; a failure report per crate that failed."""
    compilable = [s for s in harness.all_snippets() if all(harness.registry_has(c) for c in s.needs)]
    synthetic = harness.notebooks_dir() != harness.ROOT / "notebooks"
    return harness.compile_snippets(compilable, name="synthetic" if synthetic else "snippets")


@pytest.fixture(scope="session")
def claims(toolchain: None) -> harness.Workspace:
    """The workspace of the crates behind the goldens (tests/rust/crates, plus lesson 01's snippet)."""
    return harness.claims_workspace()
