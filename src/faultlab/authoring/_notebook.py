"""Reading and writing notebooks with clear errors and byte-stable output."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import nbformat

from faultlab._errors import NotebookError

__all__ = ["dumps_notebook", "read_notebook"]


def read_notebook(path: str | Path) -> Any:
    """Read a v4 notebook, refusing anything else with a message that says why.

    Raises:
        NotebookError: Missing, unreadable, not JSON, not a notebook, or not nbformat 4.
    """
    p = Path(path)
    try:
        raw = p.read_bytes()
    except FileNotFoundError:
        raise NotebookError(str(path), "no such file") from None
    except IsADirectoryError:
        raise NotebookError(str(path), "is a directory, not a notebook") from None
    except OSError as exc:
        raise NotebookError(str(path), f"cannot be read ({exc.strerror})") from exc
    try:
        text = raw.decode("utf-8")
        data = json.loads(text)
    except (UnicodeDecodeError, ValueError) as exc:
        raise NotebookError(str(path), f"is not a notebook: not valid JSON ({exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        raise NotebookError(str(path), "is not a notebook: no list of cells")
    if data.get("nbformat") != 4:
        raise NotebookError(
            str(path), f"has nbformat {data.get('nbformat')!r}; only nbformat 4 is supported (re-save it in JupyterLab)"
        )
    try:
        nb = nbformat.reads(text, as_version=nbformat.NO_CONVERT)
        nbformat.validate(nb)
    except nbformat.ValidationError as exc:
        raise NotebookError(str(path), f"is not a valid notebook: {exc.message}") from None
    return nb


def dumps_notebook(nb: Any) -> str:
    """Serialise a notebook the way Jupyter does (1-space indent, trailing newline)."""
    text: str = nbformat.writes(nb)
    return text + "\n"
