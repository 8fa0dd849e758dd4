"""Run answer notebooks in real Jupyter kernels, one kernel per lesson: ``python -m tests.exercises._kernels MANIFEST``.

MANIFEST is a JSON list of lists of notebook paths (one list per lesson). Each notebook is
executed top to bottom and written back in place with its outputs. Between two notebooks of a
lesson, ``%reset -f`` empties the kernel's namespace, as a fresh kernel would have it, but keeps
imported modules, which is what a learner's kernel holds too; a kernel that dies is replaced.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

import nbclient
import nbformat

CONCURRENT_KERNELS = 3


async def _run_lesson(paths: list[str], workdir: str) -> None:
    client = nbclient.NotebookClient(
        nbformat.v4.new_notebook(),
        timeout=60,
        kernel_name="python3",
        allow_errors=True,
        resources={"metadata": {"path": workdir}},  # the kernels' working folder
    )
    reset = nbformat.v4.new_code_cell("%reset -f")
    pending = list(paths)
    while pending:
        async with client.async_setup_kernel():
            while pending:
                path = pending.pop(0)
                client.nb = nbformat.read(path, as_version=4)
                try:
                    await client.async_execute_cell(reset, 0)
                    for index, cell in enumerate(client.nb.cells):
                        if cell.cell_type == "code":
                            await client.async_execute_cell(cell, index)
                except (nbclient.exceptions.DeadKernelError, nbclient.exceptions.CellTimeoutError):
                    break  # the check cell keeps no output: the test reports it as unreadable
                finally:
                    nbformat.write(client.nb, path)


async def _main(lessons: list[list[str]], workdir: str) -> None:
    gate = asyncio.Semaphore(CONCURRENT_KERNELS)

    async def run(paths: list[str]) -> None:
        async with gate:
            await _run_lesson(paths, workdir)

    await asyncio.gather(*(run(paths) for paths in lessons))


if __name__ == "__main__":
    manifest = Path(sys.argv[1])
    asyncio.run(_main(json.loads(manifest.read_text(encoding="utf-8")), str(manifest.parent)))
