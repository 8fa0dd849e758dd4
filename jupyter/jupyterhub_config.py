"""JupyterHub for a class: one server per learner, the course handed out by nbgitpuller.

Run it with ``jupyterhub -f jupyter/jupyterhub_config.py`` on a machine where the course's
environment is installed (``pip install -c requirements/lock.txt -e '.[lab,hub]'``) and
``configurable-http-proxy`` is on the PATH. Each learner who logs in gets their own
JupyterLab; its first page is an nbgitpuller link that clones the student bundle (what
``faultlab release`` writes, pushed to a git repository) into their home and opens the
welcome lesson. Pulling again later brings a new edition and keeps the learner's answers.

Set by environment variables, so the file itself never changes between classes:

* ``FAULTLAB_COURSE_REPO``: the git URL of the student bundle (required).
* ``FAULTLAB_COURSE_BRANCH``: its branch (default ``main``).
* ``FAULTLAB_COURSE_DIR``: the folder it lands in, in each home (default ``faultlab-course``).
* ``FAULTLAB_HUB_URL``: where the hub listens (default ``http://127.0.0.1:8000``; put
  TLS in front of it, or set ``c.JupyterHub.ssl_cert``/``ssl_key``).

Who may log in is the one thing to choose per class: the default is the machine's own
accounts (PAM, one system user per learner); docs/instructor.md shows other authenticators
and how every setting here maps onto Zero to JupyterHub on Kubernetes.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlencode

c = get_config()  # noqa: F821 - JupyterHub defines get_config for its config files

HERE = Path(__file__).resolve().parent
REPO = os.environ.get("FAULTLAB_COURSE_REPO", "")
BRANCH = os.environ.get("FAULTLAB_COURSE_BRANCH", "main")
COURSE_DIR = os.environ.get("FAULTLAB_COURSE_DIR", "faultlab-course")
if not REPO:
    msg = "set FAULTLAB_COURSE_REPO to the git URL of the student bundle (`faultlab release`, pushed to git)"
    raise SystemExit(msg)


def git_pull_link(repo: str, branch: str, target: str, lesson: str = "notebooks/00_welcome.ipynb") -> str:
    """The nbgitpuller path (relative to a user's server) that pulls the course and opens ``lesson``."""
    query = {"repo": repo, "branch": branch, "targetpath": target, "urlpath": f"lab/tree/{target}/{lesson}"}
    return "/git-pull?" + urlencode(query)


# Who may log in: the machine's own accounts (one system user per learner). Replace it per
# class in a config that loads this one (docs/instructor.md); the tests use "dummy".
c.JupyterHub.authenticator_class = "pam"

# Where learners connect (the proxy), and the hub's own API, which only the proxy and the
# learners' servers talk to.
c.JupyterHub.bind_url = os.environ.get("FAULTLAB_HUB_URL", "http://127.0.0.1:8000")
c.JupyterHub.hub_ip = "127.0.0.1"

# One JupyterLab per learner; the first page pulls the course (or updates it) and opens lesson 00.
c.Spawner.default_url = git_pull_link(REPO, BRANCH, COURSE_DIR)
# The course's own JupyterLab settings (no "Jupyter news?" toast), never the learner's.
c.Spawner.args = [f"--LabApp.app_settings_dir={HERE / 'lab' / 'settings'}"]
# A class logs in at once: let spawns queue instead of failing, and give slow starts time.
c.JupyterHub.concurrent_spawn_limit = 50
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 60
# Spawners that enforce limits (systemd, docker, kubernetes) apply these; the local ones ignore them.
c.Spawner.mem_limit = "1G"
c.Spawner.cpu_limit = 1.0
# A learner who logs out frees their server; servers are stopped when the hub stops.
c.JupyterHub.shutdown_on_logout = True
c.JupyterHub.cleanup_servers = True
