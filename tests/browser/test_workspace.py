"""The learner's workspace: no news toast, and the widgets work from the keyboard alone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.jlab import Lab, Notebooks, NotebookView
from tests.browser.widgets import MS, log_lines

pytestmark = pytest.mark.browser

NOTIFICATION = "@jupyterlab/apputils-extension:notification"
MAX_TABS = 40  # more than any widget's controls: a bound, so a lost focus fails instead of looping


@pytest.fixture
def welcome(notebooks: Notebooks) -> NotebookView:
    """The welcome lesson in its own browser context, every cell run (shared with its lesson tests)."""
    return notebooks.get("notebooks/00_welcome.ipynb")


def active(page: Page) -> str:
    """Describe the focused element: its tag, type and visible text."""
    return page.evaluate(
        "() => { const e = document.activeElement;"
        " return [e.tagName, e.type || '', (e.innerText || '').trim()].join(' ') }"
    )


def tab_to(page: Page, target: Locator) -> None:
    """Press Tab until ``target`` has the focus."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if target.evaluate("e => e === document.activeElement"):
            return
    pytest.fail(f"{MAX_TABS} Tabs never reached the control; focus is on {active(page)}")


def test_course_settings_silence_the_news_toast(welcome: NotebookView, lab: Lab) -> None:
    """The course's settings say never fetch news, the learner's own stay empty, no toast asks."""
    settings = lab.api(f"/lab/api/settings/{NOTIFICATION}")
    assert settings["schema"]["properties"]["fetchNews"]["default"] == "false"
    assert settings["schema"]["properties"]["checkForUpdates"]["default"] is False
    assert settings["raw"] == "{}", "the course must not write the learner's own settings"
    expect(welcome.page.locator(".Toastify__toast", has_text=re.compile("news", re.I))).to_have_count(0)


def test_fault_panel_works_from_the_keyboard(welcome: NotebookView) -> None:
    """Tab to a fault's checkbox and press Space, Tab to Run and press Enter: the calls are logged."""
    ((title, widget),) = welcome.widgets()
    assert title == "Fault injection"
    widget.scroll_into_view_if_needed()
    widget.locator(".widget-html-content b").first.click()  # where reading stops; no control is hit
    timeout = widget.get_by_role("checkbox", name="timeout")
    tab_to(welcome.page, timeout)
    welcome.page.keyboard.press("Space")
    expect(timeout).to_be_checked()
    status = widget.locator(".widget-html").nth(2)
    shown = re.match(r"\d+", status.inner_text())
    before = int(shown.group()) if shown else 0
    run = widget.get_by_role("button", name="Run 10 calls")
    tab_to(welcome.page, run)
    welcome.page.keyboard.press("Enter")
    expect(status).to_have_text(re.compile(rf"^{before + 10} calls so far — "), timeout=MS)
    lines = log_lines(widget.locator(".widget-output"), 10, r"#\d+ +t= *[\d.]+s  (?:ok |ERR  TimeoutError)")
    assert [line.split()[0] for line in lines] == [f"#{n}" for n in range(before + 1, before + 11)]
