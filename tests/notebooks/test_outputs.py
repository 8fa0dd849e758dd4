"""Stored outputs are reproducible: no addresses, absolute paths or dates; metadata normalised."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.conftest import ROOT

EXECUTED = sorted([*(ROOT / "notebooks").glob("*.ipynb"), *(ROOT / "solutions").glob("*.ipynb")])
EXERCISES = sorted((ROOT / "exercises").glob("*.ipynb"))

FORBIDDEN = {
    "a memory address": re.compile(r"0x[0-9a-fA-F]{6,}"),
    "an absolute path": re.compile(r"(?<![\w.])(/(home|root|tmp|work|usr|var|Users|opt)/|[A-Za-z]:\\\\)"),
    "a date": re.compile(r"\b(19|20)\d\d-[01]\d-[0-3]\d\b"),
    "a wall-clock time": re.compile(r"\b[0-2]\d:[0-5]\d:[0-5]\d\b"),
}


def _texts(output: dict) -> list[str]:
    out = []
    if "text" in output:
        out.append("".join(output["text"]))
    for mime, value in output.get("data", {}).items():
        if mime.startswith("text/"):
            out.append("".join(value) if isinstance(value, list) else str(value))
    if output.get("output_type") == "error":
        out.append(f"{output.get('ename')}: {output.get('evalue')}")
    return out


def scan(path: Path) -> list[str]:
    """Return one message per forbidden pattern found in a notebook's stored outputs."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    problems = []
    for index, cell in enumerate(nb["cells"], start=1):
        for output in cell.get("outputs", []):
            for text in _texts(output):
                for what, pattern in FORBIDDEN.items():
                    match = pattern.search(text)
                    if match:
                        problems.append(f"{path.name}, cell {index}: {what} in an output: {match.group(0)!r}")
    return problems


def test_scanner_catches_each_kind(tmp_path: Path) -> None:
    """The scanner names the cell of an address, a path, a date and a time."""
    nb = {
        "cells": [
            {"cell_type": "markdown", "source": "x"},
            {"cell_type": "code", "outputs": [{"output_type": "stream", "text": "<obj at 0x7f3a2b1c9d00>"}]},
            {"cell_type": "code", "outputs": [{"output_type": "execute_result", "data": {"text/plain": "'/home/x'"}}]},
            {"cell_type": "code", "outputs": [{"output_type": "stream", "text": ["on 2026-11-25", " at 10:11:12"]}]},
        ]
    }
    path = tmp_path / "n.ipynb"
    path.write_text(json.dumps(nb), encoding="utf-8")
    problems = scan(path)
    cells = [p.split(":")[0] for p in problems]
    assert cells == ["n.ipynb, cell 2", "n.ipynb, cell 3", "n.ipynb, cell 4", "n.ipynb, cell 4"]


@pytest.mark.parametrize("path", EXECUTED, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_stored_outputs_are_reproducible(path: Path) -> None:
    """Executed notebooks hold no addresses, absolute paths, dates or clock times."""
    assert scan(path) == []


@pytest.mark.parametrize("path", EXECUTED, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_executed_notebooks_have_outputs_and_no_errors(path: Path) -> None:
    """Lesson and solution notebooks are committed executed, in order, with no error outputs."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code" and "".join(c["source"]).strip()]
    assert [c["execution_count"] for c in code] == list(range(1, len(code) + 1)), "re-run with `faultlab execute`"
    errors = [o for c in code for o in c["outputs"] if o["output_type"] == "error"]
    assert errors == [], "errors meant to be shown must be rendered with faultlab.show()"


@pytest.mark.parametrize("path", [*EXECUTED, *EXERCISES], ids=lambda p: f"{p.parent.name}/{p.name}")
def test_metadata_is_normalised(path: Path) -> None:
    """Notebook metadata holds only the kernelspec and language name (and the build's fingerprint)."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    if path.parent.name == "exercises":
        assert set(nb["metadata"].pop("faultlab")) == {"generated_from", "fingerprint"}
    assert nb["metadata"] == {
        "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    }


@pytest.mark.parametrize("path", EXERCISES, ids=lambda p: p.name)
def test_exercises_have_no_outputs(path: Path) -> None:
    """Generated exercise notebooks are stored without outputs."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    assert all(not c.get("outputs") for c in nb["cells"] if c["cell_type"] == "code")
