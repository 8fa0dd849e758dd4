"""What runs inside the sandbox: read the notebook, run it as the notebook runs, observe, report.

Every code cell runs, statement by statement in notebook order, as a kernel runs it,
except what only makes sense in the notebook: calls to ``check``, ``hint``, ``progress``
and ``display`` (the grader runs the checks itself) and widgets (``faultlab.widgets``), and
IPython magics. So one notebook gets one verdict, whether ``check()`` judges it in the
kernel or the grader does (docs/grading.md says why). A statement that raises stops the
rest of its cell, as in a kernel; one that fails with ``NameError`` is retried with the
rest of its cell after the others (cells moved around still grade), and the feedback says so.

Safety does not come from what runs: the sandbox's audit hook (:mod:`faultlab.grader._audit`)
refuses what learner code may not do, bubblewrap hides the machine, and the integrity
fingerprint notices patched checks (a submission that patched faultlab or the builtins
reports ``tampered`` and nothing else).

Results leave through a private pipe (never stdout) as one JSON line per message, each
carrying the run's token, written by a channel built from references taken before the
notebook runs; the grader parses, type-checks and judges them in its own process.
"""

from __future__ import annotations
import __future__

import ast
import json
import linecache
import os
import sys
import types
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from faultlab.exercises import Exercise
from faultlab.grader._integrity import Fingerprint

__all__ = [
    "CHANNEL_FD",
    "MAX_NOTEBOOK_BYTES",
    "Definition",
    "SubmissionInvalid",
    "code_cells",
    "execute_definitions",
    "run_submission",
    "select_definitions",
]

#: The file descriptor of the result channel inside the sandbox.
CHANNEL_FD = 3
#: A course notebook is a few hundred kilobytes; anything far larger is refused unread.
MAX_NOTEBOOK_BYTES = 32 * 1024 * 1024
_MAX_NOTE = 300
_MAX_NOTES = 20
_MAX_NAMES = 300


class SubmissionInvalid(Exception):
    """The file cannot be graded as a notebook; the message says why, for the learner."""


@dataclass(frozen=True)
class Definition:
    """One top-level statement kept for grading, compiled."""

    cell: int
    line: int
    label: str
    names: tuple[str, ...]
    code: types.CodeType


def _short(text: str, limit: int = _MAX_NOTE) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _exc_text(exc: BaseException) -> str:
    try:
        message = str(exc)
    except Exception:  # noqa: BLE001 - a learner's __str__ may raise anything
        message = "<str() failed>"
    return _short(f"{type(exc).__name__}: {message}" if message else type(exc).__name__)


def code_cells(raw: bytes) -> list[tuple[int, str]]:
    """Return ``(cell number, source)`` for every code cell of a notebook's bytes.

    Cell numbers count every cell from 1, as JupyterLab shows them. The check is
    deliberately lenient beyond what grading needs (a list of cells with text sources), so
    a notebook that a newer editor saved with unusual metadata still grades.

    Raises:
        SubmissionInvalid: Not UTF-8 JSON, not a notebook, not nbformat 4, or a malformed cell.
    """
    if len(raw) > MAX_NOTEBOOK_BYTES:
        msg = f"is {len(raw) // (1024 * 1024)} MB, too large to be a course notebook"
        raise SubmissionInvalid(msg)
    try:
        data = json.loads(raw.decode("utf-8-sig"), parse_constant=_reject_constant)
    except UnicodeDecodeError:
        msg = "is not a notebook: it is not UTF-8 text"
        raise SubmissionInvalid(msg) from None
    except (ValueError, RecursionError) as exc:
        msg = f"is not a notebook: not valid JSON ({_short(str(exc), 120)})"
        raise SubmissionInvalid(msg) from None
    if not isinstance(data, dict):
        msg = "is not a notebook: the JSON is not an object with a list of cells"
        raise SubmissionInvalid(msg)
    version = data.get("nbformat")
    if "worksheets" in data or (isinstance(version, int) and version < 4):
        msg = f"has nbformat {version!r}; only nbformat 4 can be graded (open it in JupyterLab and save it again)"
        raise SubmissionInvalid(msg)
    cells = data.get("cells")
    if not isinstance(cells, list):
        msg = "is not a notebook: it has no list of cells"
        raise SubmissionInvalid(msg)
    if version != 4:
        msg = f"has nbformat {_short(repr(version), 40)}; only nbformat 4 can be graded"
        raise SubmissionInvalid(msg)
    out: list[tuple[int, str]] = []
    for number, cell in enumerate(cells, start=1):
        if not isinstance(cell, dict) or not isinstance(cell.get("cell_type"), str):
            msg = f"is not a valid notebook: cell {number} has no cell_type"
            raise SubmissionInvalid(msg)
        if cell["cell_type"] != "code":
            continue
        source = cell.get("source", "")
        if isinstance(source, list) and all(isinstance(s, str) for s in source):
            source = "".join(source)
        if not isinstance(source, str):
            msg = f"is not a valid notebook: the source of cell {number} is not text"
            raise SubmissionInvalid(msg)
        out.append((number, source))
    return out


def _reject_constant(name: str) -> None:
    msg = f"{name} is not JSON"
    raise ValueError(msg)


def _without_magics(source: str) -> str | None:
    """Blank out IPython line magics and shell escapes; ``None`` for a cell magic."""
    lines = source.split("\n")
    first = next((line for line in lines if line.strip()), "")
    if first.lstrip().startswith("%%"):
        return None
    return "\n".join("" if line.startswith(("%", "!")) else line for line in lines)


# Calls a notebook makes that grading leaves out: the checks themselves (the grader runs
# them), and what only draws in the notebook.
_LEFT_OUT_CALLS = frozenset({"check", "hint", "progress", "display"})
_WIDGETS = "faultlab.widgets"


def _called_names(stmt: ast.stmt) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(stmt):
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name):
                names.add(func.id)
            elif isinstance(func, ast.Attribute):
                names.add(func.attr)
    return names


def _bound(stmt: ast.stmt) -> tuple[str, ...]:
    """Names a top-level statement binds (for notes and the names list)."""
    if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return (stmt.name,)
    if isinstance(stmt, ast.Import | ast.ImportFrom):
        return tuple((a.asname or a.name).split(".")[0] for a in stmt.names if a.name != "*")
    targets: list[ast.expr] = []
    if isinstance(stmt, ast.Assign):
        targets = list(stmt.targets)
    elif isinstance(stmt, ast.AnnAssign | ast.AugAssign):
        targets = [stmt.target]
    names: list[str] = []
    for target in targets:
        names += [n.id for n in ast.walk(target) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)]
    return tuple(names)


def _label(stmt: ast.stmt) -> str:
    if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):
        return f"def {stmt.name}"
    if isinstance(stmt, ast.ClassDef):
        return f"class {stmt.name}"
    if isinstance(stmt, ast.Import | ast.ImportFrom):
        return "import"
    names = _bound(stmt)
    if names:
        return f"{', '.join(names)} = ..."
    return type(stmt).__name__.lower()


def _is_widget_import(stmt: ast.stmt) -> bool:
    if isinstance(stmt, ast.ImportFrom):
        return (stmt.module or "").startswith(_WIDGETS)
    if isinstance(stmt, ast.Import):
        return any(a.name.startswith(_WIDGETS) for a in stmt.names)
    return False


def _left_out(stmt: ast.stmt, widgets: set[str]) -> bool:
    """Whether grading skips a statement the notebook runs: checks, hints, progress, widgets."""
    if _is_widget_import(stmt):
        widgets.update(_bound(stmt))
        return True
    called = _called_names(stmt)
    return bool(called & _LEFT_OUT_CALLS or called & widgets)


def select_definitions(cells: Sequence[tuple[int, str]]) -> tuple[list[Definition], list[str]]:
    """Parse each code cell and keep what runs at grading time: everything the notebook runs,
    except calls to ``check``/``hint``/``progress``/``display`` and widgets.

    Returns the compiled statements in notebook order, and notes for the learner about
    cells that could not be used (syntax errors, cell magics).

    Raises:
        Nothing: every problem with a cell becomes a note.
    """
    kept: list[Definition] = []
    notes: list[str] = []
    flags = 0
    widgets: set[str] = set()
    for number, raw in cells:
        source = _without_magics(raw)
        if source is None:
            notes.append(f"cell {number} is a %% cell magic; it is not run when grading")
            continue
        filename = f"<cell {number}>"
        # Keep the cell's text where inspect and linecache look for it, as Jupyter does: checks
        # that read a definition's source (lesson 07 lints it) then see what the learner wrote.
        linecache.cache[filename] = (len(source), None, source.splitlines(keepends=True), filename)
        try:
            tree = ast.parse(source, filename, feature_version=(3, 11))
        except SyntaxError as exc:
            notes.append(
                f"cell {number} does not parse (line {exc.lineno}: {_short(str(exc.msg), 120)}); none of it ran"
            )
            continue
        except (ValueError, RecursionError, MemoryError) as exc:
            notes.append(f"cell {number} cannot be parsed ({_exc_text(exc)}); none of it ran")
            continue
        for stmt in tree.body:
            if _left_out(stmt, widgets):
                continue
            label, names = _label(stmt), _bound(stmt)
            if isinstance(stmt, ast.ImportFrom) and stmt.module == "__future__":
                for alias in stmt.names:
                    feature = getattr(__future__, alias.name, None)
                    flags |= getattr(feature, "compiler_flag", 0)
            module = ast.Module(body=[stmt], type_ignores=[])
            try:
                code = compile(module, filename, "exec", flags=flags, dont_inherit=True)
            except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
                notes.append(f"cell {number}, line {stmt.lineno} ({label}) does not compile: {_exc_text(exc)}")
                continue
            kept.append(Definition(number, stmt.lineno, _short(label, 80), names, code))
    return kept, notes


def execute_definitions(definitions: Sequence[Definition], namespace: dict[str, Any]) -> tuple[list[str], list[str]]:
    """Run the statements into ``namespace`` as the notebook would, cell by cell.

    A statement that raises stops the rest of its cell, as in a kernel. One that fails with
    ``NameError`` is retried, with the rest of its cell, after the others (cells moved
    around still grade), and the feedback says so.

    Returns the names bound and notes for the learner (what raised, what ran out of order).

    Raises:
        Nothing: every exception a statement raises, even ``SystemExit``, becomes a note.
    """
    notes: list[str] = []
    defined: list[str] = []
    cells: dict[int, list[Definition]] = {}
    for definition in definitions:
        cells.setdefault(definition.cell, []).append(definition)
    pending = [statements for _, statements in sorted(cells.items())]
    late: list[Definition] = []
    first_pass = True
    while pending:
        retry: list[tuple[list[Definition], BaseException]] = []
        for statements in pending:
            for index, definition in enumerate(statements):
                try:
                    exec(definition.code, namespace)  # noqa: S102 - the sandbox exists to run this
                except NameError as exc:
                    retry.append((statements[index:], exc))
                    break
                except BaseException as exc:  # noqa: BLE001 - a statement may raise anything, even SystemExit
                    rest = len(statements) - index - 1
                    skipped = f"; the {rest} statement(s) after it in the cell did not run" if rest else ""
                    notes.append(
                        f"cell {definition.cell}, line {definition.line} ({definition.label}) raised "
                        f"{_exc_text(exc)}{skipped}"
                    )
                    break
                else:
                    defined += definition.names
                    if not first_pass and index == 0:
                        late.append(definition)
        first_pass = False
        if len(retry) == len(pending) and all(
            len(rest) == len(before) for (rest, _), before in zip(retry, pending, strict=True)
        ):
            for statements, error in retry:
                definition = statements[0]
                notes.append(
                    f"cell {definition.cell}, line {definition.line} ({definition.label}) raised {_exc_text(error)}"
                )
            break
        pending = [statements for statements, _ in retry]
    if late:
        which = ", ".join(f"cell {d.cell} ({d.label})" for d in late[:5])
        notes.append(
            f"{which} could only run after definitions further down: the notebook does not run top to bottom. "
            "Restart the kernel and run all cells to check the order."
        )
    names = sorted({n for n in defined if isinstance(n, str)})[:_MAX_NAMES]
    return names, [_short(n) for n in notes[:_MAX_NOTES]]


_PLAIN_SCALARS = (str, int, float, bool, type(None))
_MAX_DEPTH = 200


def _make_channel(fd: int, token: str) -> tuple[Callable[[dict[str, Any]], None], Callable[[Sequence[str]], None]]:
    """The two ways to speak on the private pipe, built from references taken now.

    Called before the notebook runs. The serializer is the C encoder of :mod:`_json`,
    driven without :mod:`json`'s Python classes, and the plain-data check, the writes
    and the fork guard use only names bound in this closure: nothing a notebook can reach
    by import is on the path from an observation to the pipe.
    """
    from _json import encode_basestring_ascii, make_encoder

    write, getpid, exit_ = os.write, os.getpid, os._exit
    pid = getpid()
    type_, len_, str_, join = type, len, str, "".join
    dict_, list_, tuple_ = dict, list, tuple
    scalars = _PLAIN_SCALARS
    ident = {str, int, float, bool, type(None)}

    def refuse(obj: object) -> None:
        raise TypeError(obj.__class__.__name__)

    encode = make_encoder({}, refuse, encode_basestring_ascii, None, ":", ",", False, False, False)

    def plain(value: object) -> bool:
        stack: list[tuple[Any, int]] = [(value, 0)]
        while stack:
            item, depth = stack.pop()
            kind = type_(item)
            if kind in ident:
                continue
            if depth > _MAX_DEPTH:
                return False
            if kind is dict_:
                for key, inner in dict_.items(item):
                    if type_(key) not in ident:
                        return False
                    stack.append((inner, depth + 1))
            elif kind is list_ or kind is tuple_:
                stack.extend((inner, depth + 1) for inner in item)
            else:
                return False
        return True

    def put(line: str) -> None:
        if getpid() != pid:
            exit_(0)  # a copy forked by learner code must not speak for the submission
        data = (line + "\n").encode("ascii", "replace")
        while data:
            written = write(fd, data)
            data = data[written:]

    def send(message: dict[str, Any]) -> None:
        message["token"] = token
        try:
            if not plain(message):
                raise TypeError(message.get("kind"))
            line = join(encode(message, 0))
        except (TypeError, ValueError, RecursionError) as exc:
            safe = {"kind": message.get("kind"), "step": message.get("step"), "token": token}
            safe = {k: v for k, v in safe.items() if type_(v) in ident}
            safe["unsendable"] = type_(exc).__name__
            line = join(encode(safe, 0))
        put(line)

    def tampered(changes: Sequence[str]) -> None:
        texts = [str_(text)[:200] for text in changes][:8]
        put(join(encode({"kind": "tampered", "token": token, "changes": texts}, 0)))

    del scalars, len_
    return send, tampered


def _observer(exercise: Exercise) -> Callable[[Any], Any]:
    return exercise.observe


def _make_observe(steps: Sequence[Exercise]) -> Callable[[int, dict[str, Any]], dict[str, Any]]:
    """:func:`faultlab.exercises.observe_exercise`, with every reference it needs taken now.

    The observe functions, the probe class and the exceptions are bound before the
    notebook runs, so replacing them (on the exercise objects or in their modules)
    changes nothing here; the result is the same plain data the notebook's ``check()``
    judges (the grader's channel serializes it, as ``observe_exercise`` round-trips it
    through JSON).
    """
    from faultlab.exercises._observe import MissingName, Probe, ReexportedName, used_references
    from faultlab.exercises._run import kept_stub_init

    plan = [(ex.id, ex.observe, frozenset(ex.forbidden), ex.names) for ex in steps]
    sorted_, type_, exception = sorted, type, Exception

    def observe(index: int, namespace: dict[str, Any]) -> dict[str, Any]:
        exercise_id, observer, forbidden, names = plan[index]
        probe = Probe(namespace)
        with used_references() as used:
            try:
                data = observer(probe)
            except MissingName as exc:
                return {"id": exercise_id, "state": "missing", "name": exc.name}
            except ReexportedName as exc:
                return {"id": exercise_id, "state": "reexport", "name": exc.name, "origin": exc.origin}
            except exception as exc:
                return {"id": exercise_id, "state": "observer_error", "error": _exc_text(exc)}
        return {
            "id": exercise_id,
            "state": "observed",
            "data": data,
            "forbidden_used": sorted_(used & forbidden),
            "kept_stub_init": kept_stub_init(names, namespace),
        }

    del type_
    return observe


def run_submission(
    raw: bytes,
    steps: Sequence[Exercise],
    start: int,
    token: str,
    fingerprint: Fingerprint,
    *,
    channel_fd: int = CHANNEL_FD,
    refusals: Callable[[], list[str]] | None = None,
) -> None:
    """Grade one notebook inside the sandbox: run it, then observe ``steps[start:]``.

    ``raw`` is the notebook's bytes, handed over by the worker (the sandbox never sees a
    path of the grading machine). ``refusals`` lists what the audit hook refused since it
    was last asked (see :mod:`faultlab.grader._audit`).

    Messages, in order: ``invalid`` (the file is not a gradable notebook) or ``tampered``
    or ``defined``; then one ``observation`` per step; then ``done``.

    Raises:
        OSError: The channel is gone (the grader stopped listening); the caller exits.
    """
    send, tampered = _make_channel(channel_fd, token)
    observe = _make_observe(steps)
    # Not a local any more: a traceback kept by the notebook may pass through this frame, and
    # the allowed tools that render locals (capture_locals, show_locals) would show it.
    del token
    refused = refusals or list
    changes = fingerprint.changes
    try:
        cells = code_cells(raw)
    except SubmissionInvalid as exc:
        send({"kind": "invalid", "message": str(exc)})
        return
    main = types.ModuleType("__main__")
    sys.modules["__main__"] = main
    namespace = main.__dict__
    definitions, notes = select_definitions(cells)
    names, more = execute_definitions(definitions, namespace)
    changed = changes()
    if changed:
        tampered(changed)
        return
    early = [f"grading refused an action of the notebook: {text}" for text in refused()]
    send({"kind": "defined", "names": names, "notes": notes + more + early})
    for index in range(start, len(steps)):
        try:
            observation = observe(index, namespace)
        except BaseException as exc:  # noqa: BLE001 - SystemExit or KeyboardInterrupt escaping an observer
            observation = {"id": steps[index].id, "state": "observer_error", "error": _exc_text(exc)}
        changed = changes()
        if changed:
            tampered(changed)
            return
        found = refused()
        if found:
            observation = {"id": steps[index].id, "state": "refused", "refused": found[:5]}
        send({"kind": "observation", "step": index, "observation": observation})
    send({"kind": "done"})
