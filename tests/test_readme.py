"""The README's commands and paths stay true."""

from __future__ import annotations

import re

from tests.conftest import ROOT, STEMS

README = (ROOT / "README.md").read_text(encoding="utf-8")
MAKEFILE = (ROOT / "Makefile").read_text(encoding="utf-8")


def test_two_commands_exist_as_make_targets() -> None:
    """`make lab` and `make test` are in the README and are Makefile targets."""
    for target in ("lab", "test"):
        assert f"make {target}" in README
        assert re.search(rf"^{target}:", MAKEFILE, re.M), target


def test_every_make_command_in_docs_is_a_target() -> None:
    """Every `make X` named in README/CONTRIBUTING is a Makefile target."""
    docs = README + (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    for target in set(re.findall(r"`make (\w+)`|^make (\w+)", docs, re.M)):
        name = target[0] or target[1]
        assert re.search(rf"^{name}:", MAKEFILE, re.M), name


def test_linked_paths_exist() -> None:
    """Every relative link in the README points at a file in the repository."""
    for link in re.findall(r"\]\(([^)#:]+)\)", README):
        assert (ROOT / link).exists(), link


def test_every_lesson_is_in_the_table() -> None:
    """The lesson table links every lesson and exercise notebook that exists."""
    for stem in STEMS:
        assert f"(notebooks/{stem}.ipynb)" in README, stem
        assert f"(exercises/{stem}.ipynb)" in README, stem


def test_ci_runs_the_readme_test_command() -> None:
    """.ci/run calls `make test`."""
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_lab_opens_the_welcome_lesson_and_handles_root() -> None:
    """make lab opens the welcome notebook and passes --allow-root when run as root."""
    assert "notebooks/00_welcome.ipynb" in MAKEFILE
    assert "--allow-root" in MAKEFILE
