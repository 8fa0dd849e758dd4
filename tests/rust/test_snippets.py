"""Every ```rust block of the lessons compiles against Debian's packaged crates."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from tests.conftest import ROOT
from tests.rust import harness

SNIPPETS = harness.all_snippets()


def _notebook(path: Path, *markdown: str) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# A lesson"), *(nbformat.v4.new_markdown_cell(m) for m in markdown)]
    nbformat.write(nb, path)
    return path


BROKEN = """\
A retry classifier that forgot a variant:

<!-- rust-check: classify -->
```rust
pub enum Fault { Timeout, Reset, Denied }

pub fn retryable(fault: &Fault) -> bool {
    match fault {
        Fault::Timeout => true,
        Fault::Reset => true,
    }
}
```
"""


@pytest.mark.parametrize("snippet", SNIPPETS, ids=[f"{s.stem}:{s.name}" for s in SNIPPETS])
def test_snippet_compiles(snippet: harness.Snippet, request: pytest.FixtureRequest) -> None:
    """The snippet compiles without errors or warnings, inside its prelude if it has one."""
    unpackaged = [c for c in snippet.needs if not harness.registry_has(c)]
    if unpackaged:
        pytest.skip(
            f"{snippet.where} needs {', '.join(unpackaged)}, which Debian does not package "
            f"(no librust-{unpackaged[0]}-dev): not compiled; its claims are kept to the crate's own source"
        )
    failures: dict[str, str] = request.getfixturevalue("snippet_failures")
    if snippet.crate in failures:
        pytest.fail(failures[snippet.crate], pytrace=False)


def test_lessons_have_snippets() -> None:
    """The extractor finds the lessons' Rust blocks (so the compile test is not vacuous)."""
    stems = {s.stem for s in SNIPPETS}
    raw = {p.stem for p in (ROOT / "notebooks").glob("*.ipynb") if "```rust" in p.read_text(encoding="utf-8")}
    assert raw
    assert stems == raw


def test_needs_are_true() -> None:
    """A snippet declared `needs=CRATE` really uses the crate, and Debian really lacks it."""
    for snippet in SNIPPETS:
        for crate in snippet.needs:
            assert re.search(rf"\b{crate}::", snippet.code), f"{snippet.where} declares needs={crate} but never uses it"
            if harness.REGISTRY.is_dir():
                assert not harness.registry_has(crate), (
                    f"{crate} is now under {harness.REGISTRY}: drop needs={crate} from {snippet.where} and compile it"
                )


def test_every_prelude_has_its_snippet() -> None:
    """No prelude under tests/rust/snippets is left over from a renamed or removed snippet."""
    used = {s.prelude_path for s in SNIPPETS}
    stray = [p for p in (harness.HERE / "snippets").rglob("*.rs") if p not in used]
    assert not stray, f"preludes with no snippet: {stray}"


def test_undeclared_block_names_the_fix(tmp_path: Path) -> None:
    """A ```rust block without its declaration fails extraction with the cell and the fix."""
    nb = _notebook(tmp_path / "bare.ipynb", "Intro\n\n```rust\nfn f() {}\n```\n")
    with pytest.raises(harness.SnippetError, match=r"bare\.ipynb, cell 2, line 4: .*<!-- rust-check: NAME -->"):
        harness.extract(nb)


def test_broken_snippet_fails_with_compiler_error_and_location(toolchain: None, tmp_path: Path) -> None:
    """A snippet missing a match arm fails with rustc's own E0004 and the notebook cell and line."""
    nb = _notebook(tmp_path / "broken.ipynb", BROKEN)
    [snippet] = harness.extract(nb)
    failures = harness.compile_snippets([snippet], name="synthetic")
    report = failures[snippet.crate]
    cell_lines = BROKEN.split("\n")
    fence = cell_lines.index("```rust") + 1
    match_line = next(i for i, line in enumerate(cell_lines, start=1) if "match fault" in line)
    assert report.startswith(f"broken.ipynb, cell 2, line {fence + 1} (classify) does not compile")
    assert "error[E0004]: non-exhaustive patterns: `&Fault::Denied` not covered" in report
    assert f"is broken.ipynb cell 2 line {match_line})" in report


def test_broken_snippet_fails_the_compile_test(toolchain: None, tmp_path: Path) -> None:
    """test_snippet_compiles itself fails on a broken lesson, showing rustc's error and the cell."""
    _notebook(tmp_path / "broken.ipynb", BROKEN)
    env = {**os.environ, harness.NOTEBOOKS_VAR: str(tmp_path)}
    env.pop("PYTEST_ADDOPTS", None)
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"{__file__}::test_snippet_compiles"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "1 failed" in proc.stdout
    first_line = BROKEN.split("\n").index("```rust") + 2
    assert f"broken.ipynb, cell 2, line {first_line} (classify) does not compile cleanly" in proc.stdout
    assert "error[E0004]: non-exhaustive patterns" in proc.stdout


def test_snippet_warning_fails(toolchain: None, tmp_path: Path) -> None:
    """A snippet that compiles with a warning fails too: lesson snippets are clean."""
    nb = _notebook(
        tmp_path / "noisy.ipynb", "<!-- rust-check: noisy -->\n```rust\nuse std::collections::HashMap;\n```\n"
    )
    [snippet] = harness.extract(nb)
    report = harness.compile_snippets([snippet], name="synthetic")[snippet.crate]
    assert "warning: unused import: `std::collections::HashMap`" in report
    assert "is noisy.ipynb cell 2 line 3)" in report


def test_missing_toolchain_skips_or_fails(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Without the crates the checks skip with the reason; FAULTLAB_REQUIRE_RUST=1 makes that a failure."""
    monkeypatch.setattr(harness, "REGISTRY", tmp_path / "no-registry")
    reason = harness.missing_toolchain()
    assert reason is not None
    assert "librust-anyhow-dev" in reason
    monkeypatch.delenv(harness.REQUIRE_FLAG, raising=False)
    with pytest.raises(pytest.skip.Exception, match=r"Rust checks skipped: .*apt-get install"):
        harness.require_toolchain()
    monkeypatch.setenv(harness.REQUIRE_FLAG, "1")
    with pytest.raises(pytest.fail.Exception, match="FAULTLAB_REQUIRE_RUST=1"):
        harness.require_toolchain()
