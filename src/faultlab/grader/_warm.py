"""Making a worker warm: everything a sandbox needs, imported and fingerprinted before any submission.

A worker imports faultlab, every lesson's checks, the instructor's extra checks and the
modules notebooks usually import, builds each lesson's plan of checks, takes the
integrity fingerprint, and records the classes and functions that exist (the audit hook
refuses changes to them). A sandbox forked from it then finds all of that ready and pays
only for its own notebook.
"""

from __future__ import annotations

import codecs
import contextlib
import gc
import importlib
import pkgutil
import sys
import sysconfig
import types
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import faultlab
from faultlab.exercises import Exercise
from faultlab.grader._extra import EXTRA_MODULE, ExtraCheck, build_plans
from faultlab.grader._integrity import Fingerprint

__all__ = ["Warm", "address_space_mb", "import_roots", "prepare", "warm_up"]

# Modules a notebook may import, imported before the workers fork: a sandbox then finds
# them ready (no import cost per submission), even when its unprivileged user cannot read
# the Python installation.
_WARM = (
    "abc", "asyncio", "base64", "collections", "collections.abc", "concurrent.futures", "contextlib",
    "copy", "dataclasses", "datetime", "dis", "decimal", "enum", "errno", "fractions", "functools", "hashlib",
    "heapq", "http", "http.client", "http.server", "inspect", "io", "ipaddress", "itertools", "json",
    "logging", "logging.handlers", "math", "numbers", "operator", "pathlib", "pickle", "queue", "random",
    "re", "secrets", "selectors", "signal", "socket", "socketserver", "statistics", "string", "struct",
    "textwrap", "threading", "time", "traceback", "types", "typing", "urllib.parse", "uuid", "warnings",
    "weakref", "zlib", "httpx", "returns.result", "tenacity", "stamina", "structlog",
)  # fmt: skip

# faultlab packages for authors, the command line and notebooks, never needed in a
# sandbox (and slow: they import nbformat, ipywidgets).
_NOT_IN_SANDBOX = ("faultlab.authoring", "faultlab.cli", "faultlab.widgets")
_ENCODINGS = ("utf-8", "utf-8-sig", "ascii", "latin-1", "utf-16", "utf-32", "cp1252", "idna", "unicode-escape")


def _faultlab_modules(path: Sequence[str], prefix: str) -> Iterator[str]:
    """faultlab's module names, without importing (or descending into) the excluded packages."""
    for info in pkgutil.iter_modules(path, prefix):
        if info.name.startswith(_NOT_IN_SANDBOX):
            continue
        yield info.name
        if info.ispkg:
            module = importlib.import_module(info.name)
            yield from _faultlab_modules(module.__path__, info.name + ".")


class _Finalizable:
    """Something a weak reference can point at."""


def warm_up() -> list[str]:
    """Import every faultlab module and the usual notebook imports; return faultlab's names.

    Raises:
        ImportError: A faultlab module does not import.
    """
    for name in _faultlab_modules(faultlab.__path__, "faultlab."):
        importlib.import_module(name)
    for name in _WARM:
        with contextlib.suppress(ImportError):
            importlib.import_module(name)
    for encoding in _ENCODINGS:
        with contextlib.suppress(LookupError):
            codecs.lookup(encoding)
    # Globals the standard library sets on first use, set now so that first use in a
    # sandbox does not look like a change to the fingerprint.
    import asyncio
    import tempfile
    import weakref

    asyncio.get_event_loop_policy()
    # weakref.finalize sets two class attributes on first use (_registered_with_atexit, _dirty).
    weakref.finalize(_Finalizable(), int)
    # tempfile makes its name generator (_name_sequence) on first use; a check may make a temporary file.
    tempfile._get_candidate_names()  # type: ignore[attr-defined]
    return sorted(n for n in sys.modules if n == "faultlab" or n.startswith("faultlab."))


def import_roots() -> list[str]:
    """Folders the import system reads: the standard library, site-packages, the course package.

    Raises:
        Nothing.
    """
    roots = {sysconfig.get_paths().get(key) for key in ("stdlib", "platstdlib", "purelib", "platlib")}
    roots.add(str(Path(faultlab.__file__).resolve().parent))
    return sorted(r for r in roots if r)


@dataclass(frozen=True)
class Warm:
    """What a warm worker holds, fixed before any submission.

    Attributes:
        plans: For each notebook stem, the checks to observe, in order.
        fingerprint: The integrity fingerprint.
        guarded: Identities of the classes and functions that exist now.
        pinned: Those objects, kept alive so that no identity is reused.
        roots: :func:`import_roots`.
    """

    plans: Mapping[str, Sequence[Exercise]]
    fingerprint: Fingerprint
    guarded: frozenset[int]
    pinned: tuple[object, ...]
    roots: tuple[str, ...]


def prepare(extras: Sequence[ExtraCheck], modules: Sequence[str] | None = None) -> Warm:
    """Warm this process up and take what a worker needs (call before any submission is read).

    Raises:
        ImportError: A faultlab module does not import.
    """
    names = list(modules) if modules is not None else warm_up()
    plans = build_plans(extras)
    if extras:
        names.append(EXTRA_MODULE)
    watched = [(f"plan[{stem}][{i}]", s.check) for stem, steps in plans.items() for i, s in enumerate(steps)]
    fingerprint = Fingerprint(names, objects=watched)
    pinned = tuple(o for o in gc.get_objects() if isinstance(o, type | types.FunctionType))
    return Warm(
        plans={stem: tuple(s.check for s in steps) for stem, steps in plans.items()},
        fingerprint=fingerprint,
        guarded=frozenset(id(o) for o in pinned),
        pinned=pinned,
        roots=tuple(import_roots()),
    )


def address_space_mb() -> int:
    """This process's mapped address space in MiB (0 if unknown).

    Raises:
        Nothing.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) // 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0
