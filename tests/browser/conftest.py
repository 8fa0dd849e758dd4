"""Fixtures of the browser tests: one JupyterLab for the session, a fresh browser context per notebook.

Every test module here is marked ``browser`` (``make browser`` runs them). Without Debian's
Chromium they skip with the reason (fail under ``FAULTLAB_REQUIRE_BROWSER=1``). A failing
test leaves a screenshot of each page it had open in ``artifacts/browser/`` (ignored by git).

A test names the notebook it opens by its parameter (``notebooks/NN_slug.ipynb``), or by
the ``welcome`` fixture. The tests of one notebook run one after the other, so each notebook
is opened once, the next one loads meanwhile, and each is closed after its last test.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from tests._system import chromium as launch_chromium
from tests.browser.jlab import Lab, Notebooks, NotebookView
from tests.conftest import ROOT

ARTIFACTS = ROOT / "artifacts" / "browser"
WELCOME = "notebooks/00_welcome.ipynb"


def notebook_of(item: pytest.Item) -> str | None:
    """The notebook a browser test opens (relative to the course), or None."""
    callspec = getattr(item, "callspec", None)
    for value in callspec.params.values() if callspec else ():
        if isinstance(value, str) and value.endswith(".ipynb"):
            return value
    return WELCOME if "welcome" in getattr(item, "fixturenames", ()) else None


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the tests of one notebook together, in their collected order; lesson by lesson.

    A lesson's exercises come next to it (``exercises/01_…`` then ``notebooks/01_…``): while
    the long solved-cells test drives one, the lesson's heavier run-all runs in the other page.
    """
    slots = [i for i, item in enumerate(items) if notebook_of(item) is not None]
    first: dict[str, int] = {}
    for i in slots:
        first.setdefault(notebook_of(items[i]) or "", i)

    def key(item: pytest.Item) -> tuple[str, int]:
        relpath = notebook_of(item) or ""
        return Path(relpath).name, first[relpath]

    grouped = sorted((items[i] for i in slots), key=key)
    for i, item in zip(slots, grouped, strict=True):
        items[i] = item


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
def _one_notebook_at_a_time(request: pytest.FixtureRequest) -> Iterator[None]:
    """Start each test with no page to screenshot but those it uses; after it, tell its notebook it is done."""
    NotebookView.touched.clear()
    relpath = notebook_of(request.node)
    opened: Notebooks | None = request.getfixturevalue("notebooks") if relpath else None
    yield
    if opened is not None and relpath is not None:
        opened.done(relpath)


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
def notebooks(chromium: Browser, lab: Lab, request: pytest.FixtureRequest) -> Iterator[Notebooks]:
    """Every notebook a test asks for, opened in its own browser context and run once."""
    plan = [relpath for item in request.session.items if (relpath := notebook_of(item))]
    opened = Notebooks(chromium, lab, plan)
    yield opened
    opened.close()
