"""Helpers for the grader tests: notebooks written by the tests themselves."""

from __future__ import annotations

import json
import os
import textwrap
from pathlib import Path
from typing import Any

from tests.conftest import ROOT, code_cells

GOOD_PARSE_PORT = """
def parse_port(text):
    try:
        port = int(text)
    except ValueError as exc:
        raise ValueError(f"not a TCP port: {text!r}") from exc
    if not 1 <= port <= 65535:
        raise ValueError(f"not a TCP port: {text!r}")
    return port
"""


def write_notebook(path: Path, cells: list[str], *, nbformat: int = 4) -> Path:
    """Write a minimal notebook whose code cells are ``cells`` (dedented), after a title cell."""
    path.parent.mkdir(parents=True, exist_ok=True)
    nb: dict[str, Any] = {
        "nbformat": nbformat,
        "nbformat_minor": 5,
        "metadata": {},
        "cells": [{"cell_type": "markdown", "metadata": {}, "source": ["# a learner's notebook"]}]
        + [
            {
                "cell_type": "code",
                "metadata": {},
                "execution_count": None,
                "outputs": [],
                "source": textwrap.dedent(cell).strip("\n") + "\n",
            }
            for cell in cells
        ],
    }
    path.write_text(json.dumps(nb, indent=1), encoding="utf-8")
    return path


def solution_cells(stem: str) -> list[str]:
    """The code cells of a solution notebook."""
    return code_cells(ROOT / "solutions" / f"{stem}.ipynb")


def load_results(out: Path) -> dict[tuple[str, str], dict[str, Any]]:
    """results.json by (learner, notebook)."""
    data = json.loads((out / "results.json").read_text(encoding="utf-8"))
    return {(s["learner"], s["notebook"]): s for s in data["submissions"]}


def statuses(submission: dict[str, Any]) -> dict[str, str]:
    """Exercise id to status."""
    return {e["id"]: e["status"] for e in submission["exercises"]}


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file's bytes and mtime under ``folder`` (symlinks by their target, FIFOs by their mtime)."""
    out: dict[str, tuple[bytes, int]] = {}
    for dirpath, _, files in os.walk(folder):
        for name in files:
            path = Path(dirpath) / name
            if path.is_symlink():
                out[str(path)] = (os.readlink(path).encode(), 0)
            elif not path.is_file():
                out[str(path)] = (b"<not a regular file>", path.stat().st_mtime_ns)
            else:
                out[str(path)] = (path.read_bytes(), path.stat().st_mtime_ns)
    return out


def sandbox_processes() -> list[int]:
    """Processes owned by the private sandbox uids of grading runs of this process (none should be left).

    Only this process's uids count: other grading runs on the machine use their own.
    """
    base = 2_000_000_000 + (os.getpid() % 100_000) * 64
    found = []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                uid = entry.stat().st_uid
            except OSError:
                continue
            if base <= uid < base + 64:
                found.append(int(entry.name))
    return found
