"""A JupyterLab of our own for the browser tests, and a learner's view of one notebook in it."""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

import httpx
from playwright.sync_api import Browser, Locator, Page, expect
from playwright.sync_api import Error as PlaywrightError

from tests.conftest import ROOT

# The course's own Jupyter settings (no news toast); `make lab` passes the same flag.
SETTINGS_FLAG = "--LabApp.app_settings_dir=jupyter/lab/settings"
# What the server, a kernel and a notebook may take at most (generous: 2 shared cores).
STARTUP_S = 60
RUN_ALL_MS = 90_000
CELL_MS = 30_000
KERNEL = "Python 3 (ipykernel)"
WIDGET_ROOTS = ".jp-Cell-outputArea .jp-OutputArea-output > .jupyter-widgets"
# What NotebookView.wait_ready waits for, looked at once: the tab current, the kernel named and idle.
_READY_JS = """([stem, kernel]) => {
  const tab = [...document.querySelectorAll('.lm-TabBar-tab.jp-mod-current')].some(t => t.textContent.includes(stem));
  const panel = [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden)')]
    .find(p => p.querySelector('.jp-Notebook'));
  const name = panel && panel.querySelector('.jp-Toolbar .jp-KernelName');
  const status = panel && panel.querySelector('.jp-Notebook-ExecutionIndicator');
  return !!(tab && name && status && name.textContent.trim() === kernel
    && status.getAttribute('data-status') === 'idle');
}"""


class Lab:
    """One JupyterLab on 127.0.0.1, an ephemeral port and a random token, in a copy of the course."""

    def __init__(self, workdir: Path) -> None:
        self.root = workdir / "course"
        for folder in ("notebooks", "exercises", "jupyter"):
            shutil.copytree(ROOT / folder, self.root / folder, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
        self.token = secrets.token_hex(16)
        self.home = workdir / "home"
        dirs = {
            name: self.home / name.lower() for name in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR")
        }
        for path in dirs.values():
            path.mkdir(parents=True)
        self.runtime = dirs["JUPYTER_RUNTIME_DIR"]
        env = {**os.environ, **{k: str(v) for k, v in dirs.items()}, "IPYTHONDIR": str(self.home / "ipython")}
        env.pop("JUPYTER_PATH", None)
        env.pop("JUPYTER_CONFIG_PATH", None)
        cmd = [
            str(Path(sys.executable).parent / "jupyter"),
            "lab",
            "--no-browser",
            "--ServerApp.ip=127.0.0.1",
            "--ServerApp.port=0",
            "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={self.token}",
            f"--ServerApp.root_dir={self.root}",
            SETTINGS_FLAG,
        ]
        if os.geteuid() == 0:
            cmd.append("--allow-root")
        self.log = (workdir / "jupyterlab.log").open("wb")
        self.process = subprocess.Popen(cmd, cwd=self.root, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        self.url = self._wait_for_url()

    def _wait_for_url(self) -> str:
        deadline = time.monotonic() + STARTUP_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"JupyterLab exited with {self.process.returncode}; see {self.log.name}")
            for info in self.runtime.glob("jpserver-*.json"):
                try:
                    data = json.loads(info.read_text(encoding="utf-8"))
                except ValueError:
                    continue  # being written
                return f"http://127.0.0.1:{data['port']}"
            time.sleep(0.2)
        raise RuntimeError(f"JupyterLab did not start in {STARTUP_S}s; see {self.log.name}")

    def tree_url(self, relpath: str) -> str:
        """The address that opens ``relpath`` (relative to the course) in JupyterLab.

        ``reset`` starts from an empty workspace: JupyterLab keeps workspaces on the server, so
        a fresh browser context alone would still restore the notebooks an earlier test opened.
        """
        return f"{self.url}/lab/tree/{relpath}?reset&token={self.token}"

    def api(self, path: str) -> Any:
        """GET a JSON resource of the server's REST API."""
        response = httpx.get(f"{self.url}{path}", headers={"Authorization": f"token {self.token}"}, timeout=30)
        response.raise_for_status()
        return response.json()

    def shut_down(self, relpath: str) -> None:
        """Shut down the session (and so the kernel) of the notebook at ``relpath``, as its File menu would."""
        for session in self.api("/api/sessions"):
            if session["path"] == relpath:
                response = httpx.delete(
                    f"{self.url}/api/sessions/{session['id']}",
                    headers={"Authorization": f"token {self.token}"},
                    timeout=30,
                )
                response.raise_for_status()

    def stop(self) -> None:
        """Stop the server (and so its kernels)."""
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


def _stem(relpath: str) -> str:
    return Path(relpath).name


class NotebookView:
    """A notebook open in JupyterLab, driven as a learner would: menus, clicks, keys."""

    #: The views the running test has used: what a failing test screenshots.
    touched: ClassVar[list[NotebookView]] = []
    #: Called after each step of a test: lets the next notebook's page move on meanwhile.
    meanwhile: ClassVar[Callable[[], None] | None] = None

    def __init__(self, page: Page, url: str | None, relpath: str, *, wait: bool = True) -> None:
        """Open ``url`` (or, with None, take the page where it is) and wait for ``relpath``'s kernel.

        With ``wait=False`` only the navigation starts: the browser loads JupyterLab and the
        server starts the kernel while Python drives another page; :meth:`wait_ready` waits.
        """
        self.page, self.relpath = page, relpath
        self.panel = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)").filter(has=page.locator(".jp-Notebook"))
        if url is not None:
            page.goto(url, wait_until="commit")
        if wait:
            NotebookView.touched.append(self)
            self.wait_ready()

    def _ready_parts(self) -> tuple[Locator, Locator]:
        tab = self.page.locator(".lm-TabBar-tab.jp-mod-current", has_text=_stem(self.relpath))
        return tab, self.panel.locator(".jp-Toolbar .jp-KernelName")

    def wait_ready(self) -> None:
        """Wait until the notebook's tab is current and its kernel is connected and idle."""
        tab, kernel = self._ready_parts()
        expect(tab).to_be_visible(timeout=STARTUP_S * 1000)
        expect(kernel).to_have_text(KERNEL, timeout=STARTUP_S * 1000)
        self.idle()

    def is_ready(self) -> bool:
        """Whether :meth:`wait_ready` would return at once: one look at the page, never a wait."""
        try:
            return bool(self.page.evaluate(_READY_JS, [_stem(self.relpath), KERNEL]))
        except PlaywrightError:  # still navigating: no document to look at yet
            return False

    @classmethod
    def open_in(cls, page: Page, relpath: str) -> NotebookView:
        """In the JupyterLab already on ``page``: File ▸ Open from Path…, ``relpath``, Open (don't wait for it)."""
        view = cls(page, None, relpath, wait=False)
        view.menu("File", "filebrowser:open-path")
        dialog = page.locator(".jp-Dialog", has_text="Open Path")
        dialog.locator("input").fill(relpath)
        dialog.locator(".jp-mod-accept").click()
        expect(dialog).to_have_count(0)
        return view

    def close_and_shut_down(self) -> None:
        """File ▸ Close and Shut Down Notebook and confirm (JupyterLab then stops the kernel and closes the tab)."""
        self.menu("File", "filemenu:close-and-cleanup")
        dialog = self.page.locator(".jp-Dialog", has_text="Shut down the notebook?")
        dialog.locator(".jp-mod-accept").click()
        expect(dialog).to_have_count(0)

    def close(self) -> None:
        """Close the browser context of this view."""
        self.page.context.close()

    @property
    def code_cells(self) -> Locator:
        """Every code cell, in order."""
        return self.panel.locator(".jp-CodeCell")

    def idle(self) -> None:
        """Wait until the kernel is connected and idle."""
        indicator = self.panel.locator(".jp-Notebook-ExecutionIndicator")
        expect(indicator).to_have_attribute("data-status", "idle", timeout=RUN_ALL_MS)

    def menu(self, menu: str, command: str) -> None:
        """Click a menu of the menu bar, then the item that runs ``command``."""
        self.page.locator(".lm-MenuBar-item", has_text=re.compile(rf"^{menu}$")).click()
        self.page.locator(f".lm-Menu-item[data-command='{command}']").click()

    def restart_and_run_all(self) -> None:
        """Kernel ▸ Restart Kernel and Run All Cells…, confirm, and wait until every cell has run."""
        self.start_restart_and_run_all()
        self.wait_all_ran()

    def start_restart_and_run_all(self) -> None:
        """Clear every output, then Kernel ▸ Restart Kernel and Run All Cells… and confirm; don't wait for the run.

        Clearing first (Edit ▸ Clear Outputs of All Cells) means an execution count can only
        come from this run, not from the outputs stored in the file.
        """
        self.menu("Edit", "editmenu:clear-all")
        prompts = self.code_cells.locator(".jp-InputArea-prompt")
        expect(prompts).to_have_text([re.compile(r"^\[ \]:$")] * prompts.count())
        self.menu("Kernel", "runmenu:restart-and-run-all")
        dialog = self.page.locator(".jp-Dialog", has_text="Restart Kernel?")
        dialog.locator(".jp-mod-accept").click()
        expect(dialog).to_have_count(0)

    def wait_all_ran(self) -> None:
        """Wait until every code cell shows an execution count and the kernel is idle."""
        prompts = self.code_cells.locator(".jp-InputArea-prompt")
        ran = re.compile(r"^\[\d+\]:$")
        expect(prompts).to_have_text([ran] * self.code_cells.count(), timeout=RUN_ALL_MS)
        self.idle()

    def output_area(self, index: int) -> Locator:
        """Code cell ``index``'s outputs, scrolled into view (off-screen cells are not rendered)."""
        cell = self.code_cells.nth(index)
        cell.scroll_into_view_if_needed()
        return cell.locator(".jp-Cell-outputArea")

    def set_source(self, index: int, source: str) -> None:
        """Replace code cell ``index``'s source, as a paste would (no auto-indent)."""
        editor = self.code_cells.nth(index).locator(".cm-content")
        editor.click()
        self.page.keyboard.press("ControlOrMeta+a")
        self.page.keyboard.insert_text(source)
        expect(editor).to_contain_text(source.strip().splitlines()[-1].strip())

    def run_cell(self, index: int) -> None:
        """Select code cell ``index``, run it with Ctrl+Enter and wait for its new count."""
        cell = self.code_cells.nth(index)
        prompt = cell.locator(".jp-InputArea-prompt")
        before = re.escape(prompt.inner_text())
        prompt.click()
        self.page.keyboard.press("Control+Enter")
        # a count, and not the one it had: one wait for both
        expect(prompt).to_have_text(re.compile(rf"^(?!{before}$)\[\d+\]:$"), timeout=CELL_MS)
        self.idle()
        self.step_done()

    def step_done(self) -> None:
        """A step of a test is over (a cell ran, a widget was driven): other pages may move on."""
        if NotebookView.meanwhile is not None:
            NotebookView.meanwhile()

    def widgets(self) -> list[tuple[str, Locator]]:
        """Every widget a code cell displays, with the bold title it shows first."""
        found = []
        # one look at every cell first: only the cells that hold a widget are scrolled to
        holding = self.code_cells.evaluate_all(f"cells => cells.map(c => c.querySelectorAll({WIDGET_ROOTS!r}).length)")
        for index, count in enumerate(holding):
            if not count:
                continue
            cell = self.code_cells.nth(index)
            cell.scroll_into_view_if_needed()
            roots = cell.locator(WIDGET_ROOTS)
            for i in range(roots.count()):
                root = roots.nth(i)
                title = root.locator(".widget-html-content b").first
                expect(title).to_be_visible(timeout=CELL_MS)
                # what the learner sees: wait until it is laid out (an off-screen cell's text is not, at first)
                expect(title).to_have_text(re.compile(r"\S"), use_inner_text=True, timeout=CELL_MS)
                found.append((title.inner_text(), root))
        return found


class Notebooks:
    """Each notebook opened once, run from the top, and closed when its tests are done.

    Tests of one notebook share its page (opening and running it is most of their time) and
    run one after the other (tests/browser/conftest.py orders them so). There are two pages,
    each one JupyterLab in its own fresh browser context (loaded once, with ``?reset``: no
    tab of an earlier session is restored). While the tests drive the notebook in one, the
    next notebook in ``plan`` opens and runs in the other: at most two in flight. After a
    notebook's last test, File ▸ Close and Shut Down Notebook closes it and stops its kernel,
    and the next notebook opens in the same JupyterLab with File ▸ Open from Path…, which
    costs far less than loading JupyterLab again.
    """

    PAGES = 2

    def __init__(self, browser: Browser, lab: Lab, plan: list[str] | None = None) -> None:
        """``plan``: every notebook the session's tests will ask for, in their order."""
        self.browser, self.lab = browser, lab
        self.plan = list(dict.fromkeys(plan or []))
        self.left = {relpath: (plan or []).count(relpath) for relpath in self.plan}
        self.views: dict[str, NotebookView] = {}
        self.pages: dict[Page, str | None] = {}  # each page and the notebook open in it
        self.running: set[str] = set()  # Restart Kernel and Run All clicked
        self.ran: set[str] = set()  # every cell has run
        self.current: str | None = None  # the notebook the tests drive now
        self.looked = 0.0  # when a page was last looked at for being ready
        NotebookView.meanwhile = self.meanwhile

    def _free_page(self) -> Page | None:
        return next((page for page, relpath in self.pages.items() if relpath is None), None)

    def _open(self, relpath: str, *, must: bool = True) -> NotebookView | None:
        """The view of ``relpath``, opening it in a free page; None if none is free and not ``must``."""
        if relpath in self.views:
            return self.views[relpath]
        page = self._free_page()
        if page is not None:
            view = NotebookView.open_in(page, relpath)
        elif len(self.pages) < self.PAGES or must:
            page = self.browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
            view = NotebookView(page, self.lab.tree_url(relpath), relpath, wait=False)
        else:
            return None
        self.pages[page] = relpath
        self.views[relpath] = view
        return view

    def _start(self, relpath: str) -> NotebookView:
        view = self._open(relpath)
        assert view is not None
        if relpath not in self.running:
            view.wait_ready()
            view.start_restart_and_run_all()
            self.running.add(relpath)
        return view

    def _following(self, relpath: str) -> str | None:
        later = self.plan[self.plan.index(relpath) + 1 :] if relpath in self.plan else []
        return next((p for p in later if p not in self.ran), None)

    def _advance(self, relpath: str) -> None:
        """Open the notebook after ``relpath``; start its run if its page is ready (never waits for it)."""
        following = self._following(relpath)
        if following is None:
            return
        try:
            view = self._open(following, must=False)
            if view is not None and following not in self.running and view.is_ready():
                self._start(following)
        except Exception:  # not this test's failure: the notebook's own test opens it anew, and fails there if it must
            self._discard(following)

    def _discard(self, relpath: str) -> None:
        """Forget ``relpath``'s view: close its browser context and shut its kernel down."""
        view = self.views.pop(relpath, None)
        self.running.discard(relpath)
        self.ran.discard(relpath)
        if view is not None:
            self.pages.pop(view.page, None)
            with contextlib.suppress(Exception):
                view.close()
        with contextlib.suppress(Exception):
            self.lab.shut_down(relpath)

    def meanwhile(self) -> None:
        """Between two steps of a test: start the next notebook's run once its page is ready (a look a second)."""
        if self.current is not None and time.monotonic() - self.looked >= 1:
            self._advance(self.current)
            self.looked = time.monotonic()

    def get(self, relpath: str) -> NotebookView:
        """The notebook at ``relpath`` (e.g. ``notebooks/00_welcome.ipynb``), run from the top once."""
        self.current = relpath
        if relpath not in self.ran:
            self._open(relpath)
            self._advance(relpath)  # the next notebook loads while this one loads and runs
            view = self._start(relpath)
            self._advance(relpath)
            view.wait_all_ran()
            self.ran.add(relpath)
            self._advance(relpath)
        view = self.views[relpath]
        if view not in NotebookView.touched:
            NotebookView.touched.append(view)
        return view

    def done(self, relpath: str) -> None:
        """One test of ``relpath`` is over: after its last, close the notebook and shut its kernel down."""
        self.left[relpath] = self.left.get(relpath, 1) - 1
        if self.left[relpath] <= 0 and relpath in self.views:
            view = self.views[relpath]
            try:
                view.close_and_shut_down()
            except Exception:  # a page a failed test left in disorder: no other notebook opens in it
                self._discard(relpath)
            else:
                del self.views[relpath]
                self.running.discard(relpath)
                self.ran.discard(relpath)  # asked for again (it was not in the plan): opened anew
                self.pages[view.page] = None
        self._advance(relpath)

    def close(self) -> None:
        """Close every browser context opened here."""
        NotebookView.meanwhile = None
        for page in self.pages:
            page.context.close()
        self.pages.clear()
        self.views.clear()
