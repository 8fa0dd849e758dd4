"""Bubblewrap around the warm workers: what a sandbox can see of the machine.

Each worker is started as ``bwrap … -- python -I -c <worker>`` with:

- read-only: the system's ``/usr`` (the interpreter's shared libraries) and the ``/lib``
  family, the Python installation (``sys.base_prefix``), the virtual environment
  (``sys.prefix``) and the course package's own folder; nothing else of the machine —
  not the course repository, the solutions, the tests, the submissions, the reports, the
  instructor's extra-checks file (its source is handed over the socket), ``/etc``, ``/home``;
- a private, empty ``/tmp`` (tmpfs), a private ``/dev`` and ``/proc``;
- no network (``--unshare-net``: only a loopback device), its own PID namespace (the
  worker is PID 1 there, so every process a sandbox leaves behind is its child), IPC and
  UTS namespaces, a new session, ``--die-with-parent``, and an empty environment.

Submissions reach the worker as bytes on its socket, never as a path.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import faultlab

__all__ = ["bwrap_command", "unavailable"]

_LINKS = ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
_ENV = {
    "PATH": "/usr/local/bin:/usr/bin:/bin",
    "LANG": "C.UTF-8",
    "HOME": "/tmp",  # noqa: S108 - the sandbox's private tmpfs
    "MALLOC_ARENA_MAX": "2",
}


def _executable() -> str:
    return shutil.which("bwrap") or ""


def visible_paths() -> list[str]:
    """The folders bound read-only into the sandbox, besides ``/usr`` and ``/lib``.

    Raises:
        Nothing.
    """
    package = str(Path(faultlab.__file__).resolve().parent)
    paths: list[str] = []
    for path in (sys.base_prefix, sys.prefix, package):
        real = os.path.realpath(path)
        if real not in paths and not any(real.startswith(p + os.sep) for p in paths):
            paths.append(real)
    return paths


def bwrap_command(code: str, fd: int) -> list[str]:
    """The command line that starts ``python -I -c code fd`` inside bubblewrap.

    Raises:
        Nothing.
    """
    # The private /tmp, /dev and /proc come first: a venv or course under /tmp (a CI clone) is
    # then bound on top of the empty tmpfs, instead of hidden by it.
    args = [_executable(), "--ro-bind", "/usr", "/usr", "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"]  # noqa: S108
    for link in _LINKS:
        if os.path.islink(link):
            args += ["--symlink", os.readlink(link), link]
        elif os.path.isdir(link):
            args += ["--ro-bind", link, link]
    made: set[str] = set()
    for path in visible_paths():
        if path.startswith("/usr/"):
            continue
        # The folders above a bound path are made traversable (bubblewrap's own are 0700 for a
        # path under /root): the sandbox's unprivileged user must reach the files it imports.
        parts = path.strip("/").split("/")
        for depth in range(1, len(parts)):
            parent = "/" + "/".join(parts[:depth])
            if parent not in made:
                made.add(parent)
                args += ["--perms", "0755", "--dir", parent]
        args += ["--ro-bind", path, path]
    args += ["--chdir", "/tmp"]  # noqa: S108 - the private tmpfs
    args += ["--unshare-net", "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--as-pid-1"]
    args += ["--die-with-parent", "--new-session", "--clearenv"]
    for key, value in _ENV.items():
        args += ["--setenv", key, value]
    return [*args, "--", sys.executable, "-I", "-c", code, str(fd)]


def unavailable() -> str | None:
    """Why bubblewrap cannot isolate the workers here, or ``None`` when it can.

    Starts ``python -c pass`` inside the same sandbox a worker gets.

    Raises:
        Nothing.
    """
    if not sys.platform.startswith("linux"):
        return f"bubblewrap needs Linux (this is {sys.platform})"
    if not _executable():
        return "bubblewrap is not installed (Debian/Ubuntu: apt-get install bubblewrap)"
    command = bwrap_command("import faultlab", 0)
    command = command[: command.index("-c") + 2]
    try:
        done = subprocess.run(command, capture_output=True, timeout=60, check=False, stdin=subprocess.DEVNULL)  # noqa: S603 - our own command line
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"bubblewrap could not start ({exc})"
    if done.returncode != 0:
        lines = done.stderr.decode("utf-8", "replace").strip().splitlines() or [f"exit status {done.returncode}"]
        return f"bubblewrap could not start a sandbox ({lines[-1][:200]}; are user namespaces disabled?)"
    return None
