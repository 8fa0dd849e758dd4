"""A JupyterLab of our own for the browser tests, and a learner's view of one notebook in it."""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, ClassVar

import httpx
from playwright.sync_api import Browser, Locator, Page, expect

from tests.conftest import ROOT

# The course's own Jupyter settings (no news toast); `make lab` passes the same flag.
SETTINGS_FLAG = "--LabApp.app_settings_dir=jupyter/lab/settings"
# What the server, a kernel and a notebook may take at most (generous: 2 shared cores).
STARTUP_S = 60
RUN_ALL_MS = 90_000
CELL_MS = 30_000


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

    def __init__(self, page: Page, url: str | None, relpath: str) -> None:
        """Open ``url`` (or, with None, take the page where it is) and wait for ``relpath``'s kernel."""
        self.page, self.relpath = page, relpath
        NotebookView.touched.append(self)
        if url is not None:
            page.goto(url)
        self.panel = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)").filter(has=page.locator(".jp-Notebook"))
        tab = page.locator(".lm-TabBar-tab.jp-mod-current", has_text=_stem(relpath))
        expect(tab).to_be_visible(timeout=STARTUP_S * 1000)
        kernel = self.panel.locator(".jp-Toolbar .jp-KernelName")
        expect(kernel).to_have_text("Python 3 (ipykernel)", timeout=STARTUP_S * 1000)
        self.idle()

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
        self.menu("Kernel", "runmenu:restart-and-run-all")
        dialog = self.page.locator(".jp-Dialog", has_text="Restart Kernel?")
        dialog.locator(".jp-mod-accept").click()
        expect(dialog).to_have_count(0)
        self.wait_all_ran()

    def wait_all_ran(self) -> None:
        """Wait until every code cell shows an execution count and the kernel is idle."""
        prompts = self.code_cells.locator(".jp-InputArea-prompt")
        count = prompts.count()
        for i in range(count):
            expect(prompts.nth(i)).to_have_text(re.compile(r"^\[\d+\]:$"), timeout=RUN_ALL_MS)
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
        before = prompt.inner_text()
        cell.locator(".jp-InputArea-prompt").click()
        self.page.keyboard.press("Control+Enter")
        expect(prompt).not_to_have_text(before, timeout=CELL_MS)
        expect(prompt).to_have_text(re.compile(r"^\[\d+\]:$"), timeout=CELL_MS)
        self.idle()

    def widgets(self) -> list[tuple[str, Locator]]:
        """Every widget a code cell displays, with the bold title it shows first."""
        found = []
        for index in range(self.code_cells.count()):
            cell = self.code_cells.nth(index)
            cell.scroll_into_view_if_needed()
            roots = cell.locator(".jp-Cell-outputArea .jp-OutputArea-output > .jupyter-widgets")
            for i in range(roots.count()):
                root = roots.nth(i)
                expect(root.locator(".widget-html-content b").first).to_be_visible(timeout=CELL_MS)
                found.append((root.locator(".widget-html-content b").first.inner_text(), root))
        return found


class Notebooks:
    """Each notebook opened once, in its own fresh browser context, and every cell run.

    Tests of one notebook share its page (opening and running it is most of their time);
    every notebook gets a new context, so JupyterLab restores no tab of another one.
    """

    def __init__(self, browser: Browser, lab: Lab) -> None:
        self.browser, self.lab = browser, lab
        self.views: dict[str, NotebookView] = {}

    def get(self, relpath: str) -> NotebookView:
        """The notebook at ``relpath`` (e.g. ``notebooks/00_welcome.ipynb``), run from the top once."""
        if relpath not in self.views:
            page = self.browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
            view = NotebookView(page, self.lab.tree_url(relpath), relpath)
            view.restart_and_run_all()
            self.views[relpath] = view
        view = self.views[relpath]
        if view not in NotebookView.touched:
            NotebookView.touched.append(view)
        return view

    def close(self) -> None:
        """Close every browser context opened here."""
        for view in self.views.values():
            view.close()
