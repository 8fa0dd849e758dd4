"""Execute course notebooks in place and normalise them, for authors (``faultlab execute``).

Outputs are what strict nbval compares, so they must come from a clean top-to-bottom
run. Metadata that changes from machine to machine (Python patch version, timings) is
dropped so that re-executing an unchanged notebook changes no bytes.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from faultlab._notebook import dumps_notebook, read_notebook

__all__ = ["execute_notebook", "normalise"]

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def normalise(nb: Any) -> Any:
    """Keep only stable metadata: the kernelspec, the language name, and cell tags."""
    nb.metadata = {"kernelspec": dict(KERNELSPEC), "language_info": {"name": "python"}}
    for cell in nb.cells:
        tags = cell.metadata.get("tags")
        cell.metadata = {"tags": tags} if tags else {}
        cell.pop("id", None)
    nb.nbformat, nb.nbformat_minor = 4, 4
    return nb


def execute_notebook(path: str | Path, *, timeout: int = 120) -> float:
    """Run ``path`` top to bottom in a fresh kernel, write it back; return seconds taken.

    The file is replaced atomically only after a successful run, so a failing
    notebook is never left half-written.

    Raises:
        NotebookError: The file is missing or not a notebook.
        nbclient.exceptions.CellExecutionError: A cell raised without a ``raises-exception`` tag.
    """
    from nbclient import NotebookClient

    p = Path(path)
    nb = read_notebook(p)
    start = time.perf_counter()
    NotebookClient(
        nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(p.parent)}}
    ).execute()
    took = time.perf_counter() - start
    text = dumps_notebook(normalise(nb))
    tmp = p.with_suffix(".ipynb.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(p)
    return took
