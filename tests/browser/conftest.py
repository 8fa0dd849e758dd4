"""Fixtures of the browser tests: one JupyterLab for the session, a fresh browser context per notebook.

Every test module here is marked ``browser`` (``make browser`` runs them). Without Debian's
Chromium they skip with the reason (fail under ``FAULTLAB_REQUIRE_BROWSER=1``). A failing
test leaves a screenshot of each page it had open in ``artifacts/browser/`` (ignored by git).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser

from tests._system import chromium as launch_chromium
from tests.browser.jlab import Lab, Notebooks, NotebookView
from tests.conftest import ROOT

ARTIFACTS = ROOT / "artifacts" / "browser"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """On a failure, keep a screenshot of every page the test had open."""
    report = yield
    if report.failed and call.when in {"setup", "call"}:
        pages = list(NotebookView.touched)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", item.nodeid.split("::", 1)[-1])
        for i, view in enumerate(pages):
            try:
                view.page.screenshot(path=str(ARTIFACTS / f"{name}-{i}.png"), full_page=True)
            except Exception as exc:  # a missing screenshot must not hide the failure
                report.sections.append(("screenshot", f"could not take one: {exc}"))
            else:
                report.sections.append(("screenshot", str(ARTIFACTS / f"{name}-{i}.png")))
    return report


@pytest.fixture(autouse=True)
def _forget_touched_views() -> None:
    """Start each test with no page to screenshot but those it uses."""
    NotebookView.touched.clear()


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    """Debian's Chromium under Playwright, for the whole session."""
    with launch_chromium("FAULTLAB_REQUIRE_BROWSER") as browser:
        yield browser


@pytest.fixture(scope="session")
def lab(chromium: Browser, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    """One JupyterLab for every notebook, in a temporary copy of the course (after Chromium: no server if it skips)."""
    server = Lab(tmp_path_factory.mktemp("lab"))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def notebooks(chromium: Browser, lab: Lab) -> Iterator[Notebooks]:
    """Every notebook a test asks for, opened in its own browser context and run once."""
    opened = Notebooks(chromium, lab)
    yield opened
    opened.close()
