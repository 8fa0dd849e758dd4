"""The sandbox's audit hook (PEP 578): what learner code may not do while it is graded.

:func:`install` adds a hook with :func:`sys.addaudithook` in the sandbox, after its limits
are set and before a single line of the notebook runs. Python code cannot remove an audit
hook, and this one holds its state in a closure that nothing the learner can reach refers
to (frames and the garbage collector, the two ways to reach a closure, are refused by the
hook itself). Each refused event raises :class:`Refused` at the point of the call *and*
is recorded, so a submission that catches the exception still gets the verdict
"used sys._getframe, which grading does not allow" for the exercise being checked.

Event names are those of the CPython 3.11 audit events table:

========================================  ==================================================
refused                                   why
========================================  ==================================================
``sys._getframe``, ``sys._current_frames``  frames lead to the observer's locals and the channel
``object.__getattr__`` on ``tb_frame``,   the same, through a traceback, generator, coroutine
``gi_frame``, ``cr_frame``, ``ag_frame``
``gc.get_objects``, ``gc.get_referrers``,  the same, through the garbage collector
``gc.get_referents``
``object.__setattr__``/``__delattr__``    rewriting a class or function that existed before
on a class or function of the grader      the notebook ran (``json.JSONEncoder.encode = ...``)
``function.__new__`` with one of the
allow-listed code objects below           forging an allow-listed caller
``ctypes.*``; ``import`` of ``ctypes``,   native code can rewrite any memory
``_ctypes``, ``cffi``, ``_cffi_backend``
``subprocess.Popen``, ``os.system``,      a new program escapes the hook
``os.exec``, ``os.posix_spawn``,
``os.spawn``, ``os.fork``, ``os.forkpty``,
``pty.spawn``
``socket.*`` (except a local            the network (a Unix socket pair is how asyncio
``AF_UNIX`` socket)                       wakes its own loop)
``sys.settrace``, ``sys.setprofile``      tracers see every frame
``open`` outside the sandbox's folder,    the machine's files; the import system's own reads
except reads under the import path        (and a learner reading the standard library) stay
========================================  ==================================================

A few standard-library functions read a frame for their own use and hand back only
plain data (``collections.namedtuple`` and ``typing`` read the caller's module name,
``traceback`` formats a traceback, ``logging`` finds the caller's line, ``asyncio`` shows a
coroutine's state, ``structlog.tracebacks.extract`` builds a dict traceback): the hook
allows the event when the code object making it is one of those, and, for the two that
hand a frame to their caller (``traceback.walk_tb``, ``logging.currentframe``), only when
that caller is the library's own function (``StackSummary.extract``,
``structlog.tracebacks.extract``, ``Logger.findCaller``).
"""

from __future__ import annotations

import os
import sys
import types
from collections.abc import Callable, Iterable, Sequence
from typing import Any

__all__ = ["Refused", "install"]

_FRAME_ATTRS = frozenset({"tb_frame", "gi_frame", "cr_frame", "ag_frame"})
_ALWAYS = {
    "sys._current_frames": "sys._current_frames()",
    "gc.get_objects": "gc.get_objects()",
    "gc.get_referrers": "gc.get_referrers()",
    "gc.get_referents": "gc.get_referents()",
    "sys.settrace": "sys.settrace() (a tracer)",
    "sys.setprofile": "sys.setprofile() (a profiler)",
    "subprocess.Popen": "subprocess (starting a program)",
    "os.system": "os.system() (starting a program)",
    "os.exec": "os.exec*() (starting a program)",
    "os.posix_spawn": "os.posix_spawn() (starting a program)",
    "os.spawn": "os.spawn*() (starting a program)",
    "os.fork": "os.fork() (a new process)",
    "os.forkpty": "os.forkpty() (a new process)",
    "pty.spawn": "pty.spawn() (starting a program)",
}
_NATIVE_MODULES = frozenset({"ctypes", "_ctypes", "cffi", "_cffi_backend"})
_AF_UNIX = 1
# Names the interpreter itself sets on existing classes while running (copyreg caches
# the slot names of a class the first time one of its instances is pickled).
_CACHE_ATTRS = frozenset({"__slotnames__"})


class Refused(PermissionError):
    """An action grading does not allow; the message says which."""

    __module__ = "faultlab.grader"


def _code_of(obj: object) -> types.CodeType | None:
    func = getattr(obj, "__func__", obj)
    code = getattr(func, "__code__", None)
    return code if isinstance(code, types.CodeType) else None


def _allowed_frame_readers() -> tuple[dict[int, frozenset[int] | None], list[object]]:
    """Code objects allowed to read frames: ``{id(code): allowed caller code ids or None}``.

    ``None`` means any caller (the function returns only plain data).
    """
    import asyncio.coroutines
    import collections
    import enum
    import inspect
    import logging
    import traceback
    import typing

    keep: list[object] = []
    table: dict[int, frozenset[int] | None] = {}

    def allow(func: object, callers: Iterable[object] | None = None) -> None:
        code = _code_of(func)
        if code is None:
            return
        keep.append(code)
        if callers is None:
            table[id(code)] = None
            return
        codes = [c for c in (_code_of(f) for f in callers) if c is not None]
        # and the functions nested in them (StackSummary.extract resumes walk_tb from an inner generator)
        codes += [inner for c in codes for inner in c.co_consts if isinstance(inner, types.CodeType)]
        keep.extend(codes)
        table[id(code)] = frozenset(id(c) for c in codes)

    for func in (
        collections.namedtuple,
        getattr(typing, "_caller", None),
        getattr(enum.EnumType, "_create_", None),
        traceback.extract_stack,
        traceback.format_stack,
        traceback.print_stack,
        getattr(asyncio.coroutines, "_format_coroutine", None),
        inspect.getgeneratorstate,
        inspect.getcoroutinestate,
    ):
        allow(func)
    summary = traceback.StackSummary
    walkers: list[object] = [summary.extract, getattr(summary, "_extract_from_extended_frame_gen", None)]
    try:  # structlog's dict tracebacks: a Trace of strings (file, line, name, reprs of locals)
        from structlog.tracebacks import extract as structlog_extract
    except ImportError:
        pass
    else:
        walkers.append(structlog_extract)
    allow(traceback.walk_tb, walkers)
    allow(getattr(traceback, "_walk_tb_with_full_positions", None), walkers)
    allow(logging.currentframe, [logging.Logger.findCaller])
    return table, keep


def install(
    sandbox_folder: str,
    import_roots: Sequence[str],
    guarded: frozenset[int],
    pinned: Sequence[object],
) -> Callable[[], list[str]]:
    """Add the audit hook; return a function that lists (and clears) what was refused since last asked.

    Args:
        sandbox_folder: The sandbox's own folder: anything may be opened under it.
        import_roots: Folders the import system reads (the standard library, site-packages,
            the course package): files under them may be opened for reading.
        guarded: Identities of the classes and functions that existed before the notebook
            ran: their attributes cannot be set or deleted.
        pinned: Those objects, kept alive by the caller so that no identity is reused.

    Raises:
        Nothing.
    """
    realpath = os.path.realpath
    join_sep = os.sep
    o_accmode = os.O_ACCMODE
    o_rdonly = os.O_RDONLY
    o_creat = os.O_CREAT | os.O_TRUNC | getattr(os, "O_TMPFILE", 0)
    getframe = sys._getframe
    frame_type = types.FrameType
    folder = realpath(sandbox_folder).rstrip(join_sep) + join_sep
    roots = tuple(realpath(r).rstrip(join_sep) + join_sep for r in import_roots if r)
    readers, keep = _allowed_frame_readers()
    reader_ids = frozenset(readers)
    state: dict[str, Any] = {"busy": False, "found": [], "keep": (keep, pinned)}
    found: list[str] = state["found"]
    refused_type = Refused
    isinstance_ = isinstance
    str_, bytes_, int_ = str, bytes, int
    fsdecode = os.fsdecode
    len_ = len

    def refuse(what: str) -> None:
        text = f"used {what}, which grading does not allow"
        if len_(found) < 20 and text not in found:
            found.append(text)
        raise refused_type(text)

    def frame_reader_ok() -> bool:
        # The frame that made the event is three up: this function, check(), the hook.
        frame = getframe(3)
        code = frame.f_code
        if id(code) not in readers:
            return False
        callers = readers[id(code)]
        if callers is None:
            return True
        back: Any = frame.f_back
        return bool(isinstance_(back, frame_type) and id(back.f_code) in callers)

    # Builtins are captured above (a submission may replace them); mypy cannot narrow through them.
    def open_ok(path: Any, mode: Any, flags: Any) -> bool:
        if isinstance_(path, int_):
            return bool(path <= 2)
        if not isinstance_(path, str_ | bytes_):
            return False
        full = realpath(fsdecode(path))
        if (full + join_sep).startswith(folder):
            return True
        if isinstance_(mode, str_):
            reading = not any(c in mode for c in "wax+")
        else:
            reading = isinstance_(flags, int_) and flags & o_accmode == o_rdonly and not flags & o_creat
        return bool(reading and full.startswith(roots))

    def hook(event: str, args: tuple[Any, ...]) -> None:
        if event == "builtins.id" or state["busy"]:  # id() is by far the commonest event
            return
        state["busy"] = True
        try:
            check(event, args)
        finally:
            state["busy"] = False

    def check(event: str, args: tuple[Any, ...]) -> None:
        if event in _ALWAYS:
            refuse(_ALWAYS[event])
        elif event == "sys._getframe":
            if not frame_reader_ok():
                refuse("sys._getframe() (frame access)")
        elif event == "object.__getattr__":
            if len_(args) > 1 and args[1] in _FRAME_ATTRS and not frame_reader_ok():
                refuse(f"the {args[1]} attribute (frame access)")
        elif event in ("object.__setattr__", "object.__delattr__"):
            if len_(args) > 1 and id(args[0]) in guarded and args[1] not in _CACHE_ATTRS:
                name = getattr(args[0], "__qualname__", "?")
                refuse(f"a change to {name}.{args[1]} (the grader's own code)")
            if event == "object.__setattr__" and len_(args) > 2 and id(args[2]) in reader_ids:
                refuse("a copy of a standard-library function's code")
        elif event == "function.__new__":
            if args and id(args[0]) in reader_ids:
                refuse("a copy of a standard-library function's code")
        elif event.startswith("ctypes."):
            refuse("ctypes (native code)")
        elif event == "import":
            if args and isinstance_(args[0], str_) and args[0].partition(".")[0] in _NATIVE_MODULES:
                refuse(f"import {args[0]} (native code)")
        elif event.startswith("socket."):
            if not (event == "socket.__new__" and len_(args) > 1 and args[1] == _AF_UNIX):
                refuse(f"{event} (the network)")
        elif event == "open" and not open_ok(
            args[0] if args else None, args[1] if len_(args) > 1 else None, args[2] if len_(args) > 2 else 0
        ):
            refuse(f"open({str_(args[0])[:120]!r}) (files outside the sandbox's own folder)")

    sys.addaudithook(hook)

    def take() -> list[str]:
        out = list(found)
        found.clear()
        return out

    return take
