"""A real JupyterHub on loopback: two learners log in, get their own servers and the welcome lesson.

The hub runs ``jupyter/jupyterhub_config.py`` (what an instructor runs) with the test's
choices layered on top: a dummy authenticator, the simple local process spawner, ephemeral
ports and a temporary home per user. Each learner's first page is the config's nbgitpuller
link, which clones the student bundle from a local git repository.
"""

from __future__ import annotations

import os
import re
import secrets
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, expect

from tests._system import chp_or_skip
from tests._system import chromium as launch_chromium
from tests.browser.jlab import NotebookView
from tests.conftest import ROOT
from tests.hub.conftest import BIN

pytestmark = pytest.mark.hub

FLAG = "FAULTLAB_REQUIRE_HUB"
USERS = ("ada", "grace")
STARTUP_S = 90
COURSE_DIR = "faultlab-course"
WELCOME = f"{COURSE_DIR}/notebooks/00_welcome.ipynb"
NOTIFICATION = "@jupyterlab/apputils-extension:notification"


def free_port() -> int:
    """A port nothing listens on right now (the OS picks it)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until(what: str, ready: Any, log: Path) -> None:
    """Poll ``ready()`` until it is true, or fail after STARTUP_S naming ``what`` and the hub's log."""
    deadline = time.monotonic() + STARTUP_S
    while time.monotonic() < deadline:
        if ready():
            return
        time.sleep(0.25)
    pytest.fail(f"{what} not within {STARTUP_S}s; the hub's log:\n{log.read_text(errors='replace')[-4000:]}")


class Hub:
    """A JupyterHub process with its proxy, its API token, and the homes of its users."""

    def __init__(self, workdir: Path, chp: str, course_repo: Path) -> None:
        self.workdir, self.homes = workdir, workdir / "home"
        self.url = f"http://127.0.0.1:{free_port()}"
        self.token = secrets.token_hex(16)
        config = workdir / "test_config.py"
        root_args = ', "--allow-root"' if os.geteuid() == 0 else ""
        config.write_text(
            f"""c = get_config()  # noqa: F821
load_subconfig({str(ROOT / "jupyter" / "jupyterhub_config.py")!r})  # noqa: F821
c.JupyterHub.authenticator_class = "dummy"
c.Authenticator.allowed_users = {set(USERS)!r}
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = {str(self.homes / "{username}")!r}
c.Spawner.cmd = [{str(BIN / "jupyterhub-singleuser")!r}]
c.Spawner.args = c.Spawner.args + ["--ServerApp.ip=127.0.0.1"{root_args}]
c.Spawner.port = 0
c.JupyterHub.hub_bind_url = "http://127.0.0.1:{free_port()}"
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{free_port()}"
c.ConfigurableHTTPProxy.command = [{chp!r}]
c.ConfigurableHTTPProxy.pid_file = {str(workdir / "proxy.pid")!r}
c.JupyterHub.db_url = "sqlite:///{workdir / "hub.sqlite"}"
c.JupyterHub.cookie_secret_file = {str(workdir / "cookie_secret")!r}
c.JupyterHub.services = [{{"name": "course-test", "api_token": {self.token!r}}}]
c.JupyterHub.load_roles = [{{"name": "course-test", "services": ["course-test"],
    "scopes": ["admin:users", "admin:servers", "list:users", "read:users"]}}]
""",
            encoding="utf-8",
        )
        env = {
            **os.environ,
            "FAULTLAB_COURSE_REPO": course_repo.as_uri(),
            "FAULTLAB_HUB_URL": self.url,
            "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        }
        self.log = workdir / "hub.log"
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                [str(BIN / "jupyterhub"), "-f", str(config)], cwd=workdir, env=env, stdout=out, stderr=subprocess.STDOUT
            )
        wait_until("the hub answering", self._up, self.log)

    def _up(self) -> bool:
        if self.process.poll() is not None:
            pytest.fail(f"jupyterhub exited with {self.process.returncode}:\n{self.log.read_text(errors='replace')}")
        try:
            return httpx.get(f"{self.url}/hub/api", timeout=5).status_code == 200
        except httpx.TransportError:
            return False

    def api(self, method: str, path: str) -> httpx.Response:
        """Call the hub's REST API with the test service's token."""
        headers = {"Authorization": f"token {self.token}"}
        return httpx.request(method, f"{self.url}/hub/api{path}", headers=headers, timeout=30)

    def stop(self) -> None:
        """Stop the hub; it stops the learners' servers and its proxy (cleanup_servers)."""
        self.process.terminate()
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@pytest.fixture(scope="module")
def hub(course_repo: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    """A running hub for the course (skips without configurable-http-proxy; fails under FAULTLAB_REQUIRE_HUB=1)."""
    chp = chp_or_skip(FLAG)
    running = Hub(tmp_path_factory.mktemp("hub"), chp, course_repo)
    yield running
    running.stop()


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    """Debian's Chromium, for the learners' browsers."""
    with launch_chromium(FLAG) as browser:
        yield browser


def log_in_and_open_welcome(browser: Browser, hub: Hub, user: str) -> None:
    """Log in on the hub's page; follow the spawn and the nbgitpuller link to the welcome lesson."""
    page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    try:
        page.goto(f"{hub.url}/hub/login")
        page.locator("#username_input").fill(user)
        page.locator("#password_input").fill("any password works with the dummy authenticator")
        page.locator("#login_submit").click()  # → spawn → the server's default_url: git-pull → the lesson
        page.wait_for_url(re.compile(rf"/user/{user}/lab/tree/{re.escape(WELCOME)}"), timeout=STARTUP_S * 1000)
        view = NotebookView(page, None, WELCOME)
        expect(view.panel.locator(".jp-MarkdownCell h1").first).to_contain_text("Welcome")
        settings = page.request.get(f"{hub.url}/user/{user}/lab/api/settings/{NOTIFICATION}").json()
        assert settings["schema"]["properties"]["fetchNews"]["default"] == "false", "the course's settings apply"
        view.restart_and_run_all()
        expect(view.output_area(view.code_cells.count() - 1)).to_contain_text("hints 1 to 2")
    finally:
        page.context.close()


def test_two_learners_get_their_own_server_and_course(hub: Hub, chromium: Browser) -> None:
    """Two users log in; each gets a server, their own pulled course, the course's settings, a running lesson."""
    for user in USERS:
        log_in_and_open_welcome(chromium, hub, user)
    users = {u["name"]: u for u in hub.api("GET", "/users").json()}
    for user in USERS:
        assert users[user]["servers"][""]["ready"], f"{user}'s server is running"
        assert (hub.homes / user / WELCOME).is_file(), f"nbgitpuller put the course in {user}'s own home"
        assert (hub.homes / user / COURSE_DIR / ".git").is_dir()


def test_stopping_the_servers_and_the_hub_leaves_nothing_running(hub: Hub) -> None:
    """The API stops each learner's server; stopping the hub stops its proxy too."""
    for user in USERS:
        assert hub.api("DELETE", f"/users/{user}/server").status_code in {202, 204}
    wait_until(
        "the servers stopping",
        lambda: not any(u["servers"] for u in hub.api("GET", "/users").json() if u["name"] in USERS),
        hub.log,
    )
    proxy_pid = int((hub.workdir / "proxy.pid").read_text(encoding="utf-8"))
    hub.stop()
    assert hub.process.returncode is not None
    wait_until("the proxy exiting", lambda: not Path(f"/proc/{proxy_pid}").exists(), hub.log)
