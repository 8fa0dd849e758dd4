"""One driver per course widget: operate its controls as a learner would, assert what they see.

A widget is recognised by the bold title it shows first (``FaultPanel`` shows "Fault
injection", and so on). A lesson that displays a widget with no driver here fails its
test, naming the title: add a driver when a new widget lands.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import Locator, expect

MS = 30_000


def checkbox(widget: Locator, label: str) -> Locator:
    """The checkbox input labelled ``label``."""
    return widget.locator(".widget-checkbox", has=widget.page.locator(f"span[title='{label}']")).locator("input")


def number_field(widget: Locator, label: str) -> Locator:
    """The number input labelled ``label``."""
    return widget.locator(".widget-text", has=widget.page.get_by_text(label, exact=True)).locator("input")


def set_number(widget: Locator, label: str, value: int) -> None:
    """Type ``value`` into a number field and press Enter (which sends it to the kernel)."""
    field = number_field(widget, label)
    field.fill(str(value))
    field.press("Enter")


def slider_to(widget: Locator, label: str, key: str) -> Locator:
    """Press ``key`` (Home, End, arrows) on the slider labelled ``label``; return its handle."""
    slider = widget.locator(".widget-slider", has=widget.page.get_by_text(label, exact=True))
    handle = slider.locator("[role='slider']")
    handle.focus()
    handle.press(key)
    return handle


def button(widget: Locator, name: str) -> Locator:
    """The button showing ``name``."""
    return widget.get_by_role("button", name=name, exact=True)


def log_lines(log: Locator, count: int, pattern: str) -> list[str]:
    """Wait until the last ``count`` lines of the output ``log`` match ``pattern``; return them.

    Only the last lines: a panel's log keeps growing until its Reset.
    """
    line = rf"{pattern}[^\n]*"
    expect(log).to_have_text(re.compile(rf"(?:^|\n)(?:{line}\n){{{count - 1}}}{line}\n?$"), timeout=MS)
    return log.inner_text().rstrip("\n").splitlines()[-count:]


def _verdict(line: str) -> str:
    found = re.search(r"s  (ok|ERR) ", line)
    assert found, line
    return found.group(1)


def reset_fault_panel(widget: Locator) -> None:
    """Click Reset and wait until the learner sees an empty log and no status.

    Waiting matters: the panel clears its log with ``Output.clear_output()``, which reaches
    the browser (and comes back to the kernel) asynchronously; a Run clicked before it lands
    can lose lines to it, or keep old ones.
    """
    button(widget, "Reset").click()
    expect(widget.locator(".widget-html").nth(2)).to_have_text("", timeout=MS)
    expect(widget.locator(".widget-output")).to_have_text("", timeout=MS)


def fault_panel(widget: Locator) -> None:
    """Tick a fault at p=1: every call fails; the same seed replays; no fault: every call succeeds."""
    log, status = widget.locator(".widget-output"), widget.locator(".widget-html").nth(2)
    checkbox(widget, "timeout").check()
    expect(slider_to(widget, "p(fail)", "End")).to_have_attribute("aria-valuenow", "1.0", timeout=MS)
    set_number(widget, "seed", 3)
    button(widget, "Run 10 calls").click()
    # a lesson's panel may describe each failure its own way (lesson 03 shows the outer error)
    failed = log_lines(log, 10, r"#\d+ +t= *[\d.]+s  ERR  \w+: ")
    kind = re.search(r"ERR  (\w+): ", failed[0]).group(1)  # type: ignore[union-attr]
    expect(status).to_have_text(f"10 calls so far — {kind}: 10", timeout=MS)

    slider_to(widget, "p(fail)", "Home")
    for _ in range(10):  # ten steps of 0.05
        slider_to(widget, "p(fail)", "ArrowRight")
    reset_fault_panel(widget)
    button(widget, "Run 10 calls").click()
    first = [_verdict(line) for line in log_lines(log, 10, r"#\d+ ")]
    reset_fault_panel(widget)
    button(widget, "Run 10 calls").click()
    again = [_verdict(line) for line in log_lines(log, 10, r"#\d+ ")]
    assert again == first, "the same seed must replay the same failures"
    # (whether p=0.5 mixes outcomes depends on how many faulty calls one run makes: a lesson 03
    # reconcile provisions five nodes, so nearly every run fails; the replay is what must hold)

    checkbox(widget, "timeout").uncheck()
    reset_fault_panel(widget)
    button(widget, "Run 10 calls").click()
    assert log_lines(log, 10, r"#\d+ +t= *[\d.]+s  ok ") == log.inner_text().rstrip("\n").splitlines()
    expect(status).to_have_text("10 calls so far — ok: 10", timeout=MS)


def retry_timeline(widget: Locator) -> None:
    """Run retried requests under timeouts: a row per request on the chart, each attempt in the log."""
    log, status = widget.locator(".widget-output"), widget.locator(".widget-html").nth(2)
    expect(checkbox(widget, "timeout")).to_be_checked()
    set_number(widget, "seed", 1)
    set_number(widget, "requests", 3)
    button(widget, "Run").click()
    expect(status).to_have_text(re.compile(r"^3 requests so far — "), timeout=MS)
    chart = widget.locator("svg")
    rows = chart.locator("text").filter(has_text=re.compile(r"^request \d+$"))
    expect(rows).to_have_text(["request 1", "request 2", "request 3"])
    text = log.inner_text()
    assert re.findall(r"^request (\d): ", text, re.M) == ["1", "2", "3"], text
    assert "ERR TimeoutError: read timed out" in text, text
    assert "sleep " in text, text

    checkbox(widget, "timeout").uncheck()
    button(widget, "Reset").click()
    expect(chart).to_have_count(0)
    button(widget, "Run").click()
    expect(status).to_have_text("3 requests so far — ok: 3", timeout=MS)
    expect(log).to_have_text(re.compile(r"^request 1: ok after 1 attempt\(s\)"), timeout=MS)


def jitter_lab(widget: Locator) -> None:
    """Simulate: a table and a plot; with no strategy ticked, a message instead of a traceback."""
    outputs = widget.locator(".widget-output")
    button(widget, "Simulate").click()
    expect(outputs.first).to_contain_text("full", timeout=MS * 3)
    expect(outputs.nth(1).locator("img")).to_be_visible(timeout=MS)
    for box in widget.locator(".widget-checkbox input").all():
        box.uncheck()
    button(widget, "Simulate").click()
    expect(widget.locator(".widget-html").nth(1)).to_have_text("select at least one strategy", timeout=MS)


def chain_viewer(widget: Locator) -> None:
    """The chain is a tree, outermost first; opening a link shows its fields and notes."""
    headers = widget.locator(".jupyter-widget-Collapse-header")
    assert headers.count() >= 2, "a chain viewer shows at least the error and its cause"
    titles = headers.all_inner_texts()
    # after the error come its causes and context; an exception group's members are "[i] …"
    assert all(re.match(r"^(caused by |while handling |\[\d+\] )\w", t) for t in titles[1:]), titles
    headers.nth(0).click()
    body = widget.locator(".jupyter-widget-Collapse-contents").nth(0)
    expect(body).to_be_visible(timeout=MS)
    expect(body).to_have_text(re.compile(r"\w+ = |note: |no fields"))


def log_stream(widget: Locator) -> None:
    """Time out every inference: one ERROR record and one ERROR span per request, trace ids shared."""
    records, spans = widget.locator(".widget-output").nth(0), widget.locator(".widget-output").nth(1)
    for box in widget.locator(".widget-checkbox input").all():
        box.uncheck()
    checkbox(widget, "inference timeout").check()
    expect(slider_to(widget, "p(fail)", "End")).to_have_attribute("aria-valuenow", "1.0", timeout=MS)
    button(widget, "Serve 5 requests").click()
    lines = log_lines(records, 5, r'\{"error\.message": "inference timed out", "error\.type": "TimeoutError"')
    traces = [re.search(r'"trace_id": "(\w+)"', line).group(1) for line in lines]  # type: ignore[union-attr]
    span_lines = log_lines(spans, 5, r"span serve trace=\w+ span=\w+ t=[\d.]+\.\.[\d.]+s status=ERROR")
    assert [re.search(r"trace=(\w+)", line).group(1) for line in span_lines] == traces  # type: ignore[union-attr]
    status = widget.locator(".widget-html").filter(has_text="requests —")
    expect(status).to_have_text(
        re.compile(r"5 requests — .*TimeoutError: 5 — the fake api key appears nowhere"), timeout=MS
    )
    button(widget, "Reset").click()
    expect(records).to_have_text("", timeout=MS)


def dropdown(widget: Locator, label: str) -> Locator:
    """The select element of the dropdown labelled ``label``."""
    return widget.locator(".widget-dropdown", has=widget.page.get_by_text(label, exact=True)).locator("select")


def pipeline_dashboard(widget: Locator) -> None:
    """Choose a schedule and faults by keyboard and mouse, run: the four views and their summaries agree."""
    timeline, chain, _logs, stages = (widget.locator(".widget-output").nth(i) for i in range(4))
    status = widget.locator(".widget-html").filter(has_text=re.compile(r"^run \d+ — "))
    dropdown(widget, "schedule").select_option(label="partial rollout")
    dropdown(widget, "gpu-worker-05").select_option(label="driver")
    run = button(widget, "Run pipeline")
    run.focus()
    run.press("Enter")
    expect(status).to_have_text(re.compile(r"^run \d+ — partial rollout: raised \w+$"), timeout=MS)
    expect(timeline).to_contain_text("provision_gpu gpu-worker-02", timeout=MS)
    expect(chain).to_contain_text("gpu-worker-02", timeout=MS)
    expect(stages).to_contain_text(re.compile(r"rollout +failed on \d+ of \d+ nodes"), timeout=MS)
    summary = widget.locator(".widget-html").filter(has_text=re.compile(r"^\d+ calls, \d+ retries"))
    expect(summary).to_have_count(1, timeout=MS)

    dropdown(widget, "gpu-worker-05").select_option(label="healthy")
    dropdown(widget, "schedule").select_option(label="transient only")
    checkbox(widget, "push: revoked token").check()
    run.click()
    expect(status).to_have_text(re.compile(r"^run \d+ — transient only: raised DeployError$"), timeout=MS)
    expect(chain).to_contain_text("PermissionError", timeout=MS)
    expect(stages).to_contain_text(re.compile(r"push +failed: PermissionError"), timeout=MS)
    checkbox(widget, "push: revoked token").uncheck()


DRIVERS: dict[str, Callable[[Locator], None]] = {
    "Fault injection": fault_panel,
    "Retry timeline": retry_timeline,
    "Jitter lab": jitter_lab,
    "Exception chain": chain_viewer,
    "Log stream": log_stream,
    "Deployment pipeline": pipeline_dashboard,
}
