"""Execute course notebooks in place and normalise them, for authors (``faultlab execute``).

Outputs are what strict nbval compares, so they must come from a clean top-to-bottom
run. Metadata that changes from machine to machine (Python patch version, timings) is
dropped so that re-executing an unchanged notebook changes no bytes.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from faultlab._errors import NotebookError
from faultlab.authoring._notebook import dumps_notebook, read_notebook

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


def _failed_cell(nb: Any) -> int:
    for index, cell in enumerate(nb.cells, start=1):
        if any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
            return index
    return 0


def execute_notebook(path: str | Path, *, timeout: int = 120) -> float:
    """Run ``path`` top to bottom in a fresh kernel, write it back; return seconds taken.

    The file is replaced atomically only after a successful run, so a failing
    notebook is never left half-written.

    Raises:
        NotebookError: The file is missing or not a notebook, or a cell raised (the
            message names the cell and the error; the file is left as it was).
    """
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError

    p = Path(path)
    nb = read_notebook(p)
    start = time.perf_counter()
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(p.parent)}})
    try:
        client.execute()
    except CellTimeoutError:
        raise NotebookError(str(path), f"a cell ran longer than {timeout}s; the file was not changed") from None
    except CellExecutionError as exc:
        where = f"cell {_failed_cell(nb)}"
        raise NotebookError(str(path), f"{where} raised {exc.ename}: {exc.evalue}; the file was not changed") from None
    took = time.perf_counter() - start
    text = dumps_notebook(normalise(nb))
    tmp = p.with_suffix(".ipynb.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(p)
    return took
