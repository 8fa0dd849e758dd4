"""Every lesson notebook, run in JupyterLab in Chromium as a learner runs it."""

from __future__ import annotations

import json

import pytest

from tests.browser.jlab import Notebooks, NotebookView
from tests.browser.widgets import DRIVERS
from tests.conftest import ROOT

pytestmark = pytest.mark.browser

STDERR = ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"
LESSONS = sorted(p.name for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def raises_exception(name: str) -> list[bool]:
    """For each code cell of ``notebooks/name``: is it tagged ``raises-exception``?"""
    nb = json.loads((ROOT / "notebooks" / name).read_text(encoding="utf-8"))
    return ["raises-exception" in c["metadata"].get("tags", []) for c in nb["cells"] if c["cell_type"] == "code"]


@pytest.fixture(params=[f"notebooks/{n}" for n in LESSONS], ids=LESSONS)
def lesson(request: pytest.FixtureRequest, notebooks: Notebooks) -> NotebookView:
    """A lesson opened in a fresh browser context, its kernel restarted and every cell run (once)."""
    return notebooks.get(request.param)


def test_every_cell_runs_without_error(lesson: NotebookView) -> None:
    """After Restart Kernel and Run All, every code cell has run and none shows an error."""
    allowed = raises_exception(lesson.relpath.split("/")[-1])
    assert lesson.code_cells.count() == len(allowed)
    errors = lesson.code_cells.evaluate_all(
        f"cells => cells.map(c => [...c.querySelectorAll({STDERR!r})].map(e => e.textContent))"
    )
    assert len(errors) == len(allowed)
    for index, (shown, may_raise) in enumerate(zip(errors, allowed, strict=True)):
        if not may_raise:
            assert not shown, f"code cell {index} shows an error: {shown}"


def test_every_widget_responds_to_its_controls(lesson: NotebookView) -> None:
    """Each widget of the lesson does what its controls say, as the learner sees it."""
    widgets = lesson.widgets()
    for title, widget in widgets:
        assert title in DRIVERS, (
            f"no browser driver for the widget titled {title!r}: add one to tests/browser/widgets.py"
        )
        widget.scroll_into_view_if_needed()
        DRIVERS[title](widget)
        lesson.step_done()
