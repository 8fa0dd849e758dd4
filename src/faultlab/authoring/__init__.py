"""Authoring the course: build exercises from solutions, execute notebooks, release a bundle.

Rule: ``faultlab.authoring`` is for course authors and the command line. It may use
:mod:`faultlab.exercises` (the build reads the registry to title each stub) but never
:mod:`faultlab.grader` or :mod:`faultlab.widgets`, and neither the grader's sandbox nor
``import faultlab`` imports it (it pulls in nbformat and nbclient).

* :func:`build_tree`, :func:`build_notebook` — ``solutions/`` → ``exercises/``, solution
  regions replaced by stubs (``faultlab build``).
* :func:`execute_notebook` — run a notebook in a fresh kernel and store its outputs,
  normalised (``faultlab execute``).
* :func:`release` — the student bundle, without solutions (``faultlab release``).
* :func:`read_notebook`, :func:`dumps_notebook` — notebook I/O with clear errors.
* ``python -m faultlab.authoring._envfile`` — ``environment.yml`` from the lock file (``make lock``).
"""

from __future__ import annotations

from faultlab._errors import MarkerError, NotebookError
from faultlab.authoring._build import BuildReport, Region, build_notebook, build_tree, find_regions, regions_of
from faultlab.authoring._execute import execute_notebook, normalise
from faultlab.authoring._notebook import dumps_notebook, read_notebook
from faultlab.authoring._release import ReleaseError, release, student_readme

__all__ = [
    "BuildReport",
    "MarkerError",
    "NotebookError",
    "Region",
    "ReleaseError",
    "build_notebook",
    "build_tree",
    "dumps_notebook",
    "execute_notebook",
    "find_regions",
    "normalise",
    "read_notebook",
    "regions_of",
    "release",
    "student_readme",
]
