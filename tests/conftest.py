"""Shared fixtures: paths, and running a notebook's code cells in-process."""

from __future__ import annotations

import contextlib
import ctypes
import json
from pathlib import Path
from typing import Any

import pytest

from faultlab import World

ROOT = Path(__file__).resolve().parent.parent


def _few_malloc_arenas() -> None:
    """Cap glibc's malloc arenas at 2, as the grader's workers do.

    Every thread of the in-process Jupyter clients (the parity harness runs three kernels at
    once) would otherwise reserve a 64 MiB arena: the test process then maps over 900 MB, and
    ``faultlab grade``, which the tests run in this same process, refuses to start because its
    own address space is too close to ``--memory`` (1024 MB by default).
    """
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").mallopt(-8, 2)  # M_ARENA_MAX


_few_malloc_arenas()
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
    for source in code_cells(path):
        if source.lstrip().startswith(("%", "!")):
            continue
        exec(compile(source, str(path), "exec"), ns)  # noqa: S102 - our own notebooks
    return ns


@pytest.fixture
def world() -> World:
    """A fresh demo world."""
    return World.demo(seed=0)
