"""Shared fixtures: paths, and running a notebook's code cells in-process."""

from __future__ import annotations

import contextlib
import ctypes
import json
import linecache
import sys
from pathlib import Path
from typing import Any

import pytest

from faultlab import World


def _cap_malloc_arenas() -> None:
    """Keep the test process's address space small enough to grade in-process.

    glibc gives each new thread a malloc arena of 64 MB of address space and never unmaps
    it; after the parity harness's kernel clients (and the async checks' threads) the test
    process maps close to 1 GB, more than the sandbox's 1024 MB address-space limit that
    in-process ``grade()`` calls must fit in. Two arenas are plenty for the tests.
    """
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None).mallopt(-8, 2)  # M_ARENA_MAX


_cap_malloc_arenas()

ROOT = Path(__file__).resolve().parent.parent

# Every thread the suite starts (kernel clients, HTTP servers, thread pools) may give this
# process a 64 MiB malloc arena, up to 16 of them; the grader refuses to run when its own
# address space nears the sandbox's limit. Two arenas, as in the sandbox (set before any thread).
with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to tune
    ctypes.CDLL(None).mallopt(-8, 2)  # M_ARENA_MAX
STEMS = sorted(p.stem for p in (ROOT / "solutions").glob("[0-9][0-9]_*.ipynb"))


def code_cells(path: Path) -> list[str]:
    """Return the source of every code cell of a notebook, in order."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]


def notebook_namespace(path: Path) -> dict[str, Any]:
    """Run a notebook's code cells in a fresh ``__main__`` namespace, as a kernel would.

    Cells that raise (stubs raise only when called, so none should) fail the test.
    """
    ns: dict[str, Any] = {"__name__": "__main__"}
    for number, source in enumerate(code_cells(path), start=1):
        if source.lstrip().startswith(("%", "!")):
            continue
        run_cell(source, f"<{path.parent.name}/{path.name} cell {number}>", ns)
    return ns


def run_cell(source: str, filename: str, ns: dict[str, Any]) -> None:
    """Run one cell's code in ``ns``, its text kept in linecache as Jupyter keeps it (for inspect)."""
    linecache.cache[filename] = (len(source), None, source.splitlines(keepends=True), filename)
    exec(compile(source, filename, "exec"), ns)  # noqa: S102 - our own notebooks and test answers


@pytest.fixture
def world() -> World:
    """A fresh demo world."""
    return World.demo(seed=0)
