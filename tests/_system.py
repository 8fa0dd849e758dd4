"""What the browser and JupyterHub tests need from the machine, and what to do without it.

A developer without Chromium or npm sees the tests skip with the reason. CI sets
``FAULTLAB_REQUIRE_BROWSER=1`` / ``FAULTLAB_REQUIRE_HUB=1`` (``.ci/run`` does), and then
the same reason fails the test instead: CI never passes by skipping them.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn

import pytest
from playwright.sync_api import Browser, sync_playwright

from tests.conftest import ROOT

CHROMIUM = Path("/usr/bin/chromium")
# Flags for a browser that talks to nothing but the test's own servers.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-gpu",
]
# configurable-http-proxy, installed by .ci/run with `npm install --prefix .node`.
LOCAL_CHP = ROOT / ".node" / "node_modules" / ".bin" / "configurable-http-proxy"


def unavailable(reason: str, flag: str) -> NoReturn:
    """Skip with ``reason``, or fail with it when the environment variable ``flag`` is 1."""
    if os.environ.get(flag) == "1":
        pytest.fail(f"{reason} ({flag}=1 makes this a failure)")
    pytest.skip(reason)


def chromium_or_skip(flag: str = "FAULTLAB_REQUIRE_BROWSER") -> Path:
    """Debian's Chromium, or skip (fail under ``flag``) naming the package to install."""
    if not os.access(CHROMIUM, os.X_OK):
        unavailable(f"{CHROMIUM} is missing: install Debian's `chromium` package (.ci/run does)", flag)
    return CHROMIUM


def chp_or_skip(flag: str = "FAULTLAB_REQUIRE_HUB") -> str:
    """configurable-http-proxy (project-local first, then PATH), or skip (fail under ``flag``)."""
    if os.access(LOCAL_CHP, os.X_OK):
        return str(LOCAL_CHP)
    found = shutil.which("configurable-http-proxy")
    if found is None:
        unavailable(
            "configurable-http-proxy is missing: `npm install --prefix .node configurable-http-proxy` (.ci/run does)",
            flag,
        )
    return str(found)


@contextmanager
def chromium(flag: str) -> Iterator[Browser]:
    """Debian's Chromium under Playwright (never a downloaded build), or skip (fail under ``flag``)."""
    executable = chromium_or_skip(flag)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(executable), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
