"""The course's own JupyterLab settings, used by `make lab`, the browser tests and the hub."""

from __future__ import annotations

import json
import re

from tests.browser.jlab import SETTINGS_FLAG
from tests.conftest import ROOT

SETTINGS = ROOT / "jupyter" / "lab" / "settings"
MAKEFILE = (ROOT / "Makefile").read_text(encoding="utf-8")


def lab_recipe() -> str:
    """The recipe of the Makefile's ``lab`` target, continuation lines joined."""
    found = re.search(r"^lab:.*\n((?:\t.*\n)+)", MAKEFILE, re.M)
    assert found, "the Makefile has a lab target"
    return found.group(1).replace("\\\n", " ")


def test_overrides_never_fetch_news() -> None:
    """The course's overrides turn off the news question and the update check."""
    overrides = json.loads((SETTINGS / "overrides.json").read_text(encoding="utf-8"))
    assert overrides["@jupyterlab/apputils-extension:notification"] == {"fetchNews": "false", "checkForUpdates": False}


def test_make_lab_uses_the_course_settings() -> None:
    """`make lab` starts JupyterLab with the course's settings dir, as the browser tests do."""
    assert SETTINGS_FLAG == "--LabApp.app_settings_dir=jupyter/lab/settings"
    assert SETTINGS_FLAG in lab_recipe()
    assert "--ServerApp.root_dir=." in lab_recipe(), "the settings path is relative to the course root"
