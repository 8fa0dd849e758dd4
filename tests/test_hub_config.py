"""jupyter/jupyterhub_config.py and the guide that explains it say the same things."""

from __future__ import annotations

import re

from tests.conftest import ROOT

CONFIG = (ROOT / "jupyter" / "jupyterhub_config.py").read_text(encoding="utf-8")
GUIDE = (ROOT / "docs" / "instructor.md").read_text(encoding="utf-8")
SECTION = GUIDE[GUIDE.index("## On JupyterHub") : GUIDE.index("## During the workshop")]


def test_guide_names_every_variable_the_config_reads() -> None:
    """The FAULTLAB_* variables of the config are the ones the guide documents."""
    read = set(re.findall(r'os\.environ\.get\("(FAULTLAB_\w+)"', CONFIG))
    assert read == set(re.findall(r"\b(FAULTLAB_\w+)\b", SECTION))


def test_zero_to_jupyterhub_table_maps_real_settings() -> None:
    """Every setting of the config appears in the Zero to JupyterHub table, and only real ones do."""
    table = [line for line in SECTION.splitlines() if line.startswith("| `c.")]
    mapped = {m for line in table for m in re.findall(r"`(c\.\w+\.\w+)", line.split("|")[1])}
    assert mapped == set(re.findall(r"^(c\.\w+\.\w+) =", CONFIG, re.M))


def test_welcome_link_in_the_guide_matches_the_config() -> None:
    """The link the guide tells instructors to post opens the lesson the config opens."""
    assert 'lesson: str = "notebooks/00_welcome.ipynb"' in CONFIG
    assert "urlpath=lab/tree/faultlab-course/notebooks/00_welcome.ipynb" in SECTION
    assert 'os.environ.get("FAULTLAB_COURSE_DIR", "faultlab-course")' in CONFIG
