"""What runs inside the sandbox: read the notebook, run its definitions, observe, report.

Only the *definitions* of a notebook run at grading time. Each code cell is parsed, and of
its top-level statements only these are kept:

- ``import`` and ``from ... import``;
- ``def``, ``async def`` and ``class`` (with their decorators);
- assignments whose targets are plain names (``RETRYABLE = (TimeoutError,)``,
  ``log = logging.getLogger(__name__)``), so module-level constants a function uses exist.

Everything else is left out: expressions such as ``check("1.1")``, ``print(...)`` or a
demo call, loops, ``with``/``try``/``if`` blocks, assignments to attributes or items (the
shape of ``faultlab.exercises._judge.expect = ...`` or ``builtins.isinstance = ...``), and IPython
magics. A cell that monkeypatches the checker therefore never runs, a demo that hangs
never starts, and grading does not depend on what the learner happened to leave in a
scratch cell. Definitions run in notebook order; one that fails with ``NameError`` is
retried after the others (cells moved around still grade), and the feedback says so.

Results leave through a private pipe (never stdout) as one JSON line per message, each
carrying the run's token; the grader parses, type-checks and judges them in its own
process. Before each message the integrity fingerprint is verified, so a submission that
patched faultlab or the builtins reports ``tampered`` and nothing else.
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

from faultlab.exercises import Exercise, observe_exercise
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


def _bound_names(node: ast.expr) -> list[str] | None:
    """Names bound by an assignment target, or ``None`` if it is not only plain names."""
    if isinstance(node, ast.Name):
        return [node.id]
    if isinstance(node, ast.Starred):
        return _bound_names(node.value)
    if isinstance(node, ast.Tuple | ast.List):
        names: list[str] = []
        for element in node.elts:
            inner = _bound_names(element)
            if inner is None:
                return None
            names += inner
        return names
    return None


def _kept(stmt: ast.stmt) -> tuple[str, tuple[str, ...]] | None:
    """``(label, names bound)`` for a statement that runs at grading time, else ``None``."""
    if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):
        return f"def {stmt.name}", (stmt.name,)
    if isinstance(stmt, ast.ClassDef):
        return f"class {stmt.name}", (stmt.name,)
    if isinstance(stmt, ast.Import | ast.ImportFrom):
        names = tuple((a.asname or a.name).split(".")[0] for a in stmt.names if a.name != "*")
        if any(a.name == "*" for a in stmt.names):
            return None  # `import *` would make the namespace depend on the module's state
        return "import", names
    if isinstance(stmt, ast.Assign):
        bound: list[str] = []
        for target in stmt.targets:
            inner = _bound_names(target)
            if inner is None:
                return None
            bound += inner
        return f"{', '.join(bound)} = ...", tuple(bound)
    if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
        return f"{stmt.target.id}: ...", (stmt.target.id,)
    return None


def select_definitions(cells: Sequence[tuple[int, str]]) -> tuple[list[Definition], list[str]]:
    """Parse each code cell and keep the statements that run at grading time.

    Returns the compiled definitions in notebook order, and notes for the learner about
    cells that could not be used (syntax errors, cell magics).

    Raises:
        Nothing: every problem with a cell becomes a note.
    """
    kept: list[Definition] = []
    notes: list[str] = []
    flags = 0
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
            found = _kept(stmt)
            if found is None:
                continue
            label, names = found
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
    """Run the definitions into ``namespace``: notebook order, then retry those that hit NameError.

    Returns the names defined and notes for the learner (what raised, what ran out of order).

    Raises:
        Nothing: every exception a definition raises, even ``SystemExit``, becomes a note.
    """
    notes: list[str] = []
    defined: list[str] = []
    pending = list(definitions)
    late: list[Definition] = []
    first_pass = True
    while pending:
        retry: list[tuple[Definition, BaseException]] = []
        for definition in pending:
            try:
                exec(definition.code, namespace)  # noqa: S102 - the sandbox exists to run this
            except NameError as exc:
                retry.append((definition, exc))
            except BaseException as exc:  # noqa: BLE001 - a definition may raise anything, even SystemExit
                notes.append(
                    f"cell {definition.cell}, line {definition.line} ({definition.label}) raised {_exc_text(exc)}"
                )
            else:
                defined += definition.names
                if not first_pass:
                    late.append(definition)
        first_pass = False
        if len(retry) == len(pending):
            for definition, error in retry:
                notes.append(
                    f"cell {definition.cell}, line {definition.line} ({definition.label}) raised {_exc_text(error)}"
                )
            break
        pending = [definition for definition, _ in retry]
    if late:
        which = ", ".join(f"cell {d.cell} ({d.label})" for d in late[:5])
        notes.append(
            f"{which} could only run after definitions further down: the notebook does not run top to bottom. "
            "Restart the kernel and run all cells to check the order."
        )
    names = sorted({n for n in defined if isinstance(n, str)})[:_MAX_NAMES]
    return names, [_short(n) for n in notes[:_MAX_NOTES]]


class _Channel:
    """One JSON line per message on the private pipe, from this process only."""

    def __init__(self, fd: int, token: str) -> None:
        self._fd = fd
        self._token = token
        self._pid = os.getpid()
        self._write = os.write
        self._getpid = os.getpid
        self._exit = os._exit
        self._dumps = json.dumps

    def send(self, message: dict[str, Any]) -> None:
        """Send one message as a JSON line (with the token).

        Raises:
            OSError: The channel is gone.
        """
        message["token"] = self._token
        try:
            line = self._dumps(message, ensure_ascii=True, allow_nan=False, separators=(",", ":"))
        except (TypeError, ValueError, RecursionError) as exc:
            line = self._dumps(
                {
                    "kind": message.get("kind"),
                    "step": message.get("step"),
                    "token": self._token,
                    "unsendable": f"{type(exc).__name__}",
                }
            )
        self._put(line)

    def tampered(self, changes: Sequence[str]) -> None:
        """Report tampering without the json module, which may be what was tampered with.

        Raises:
            OSError: The channel is gone.
        """
        safe = [
            '"' + "".join(c if c.isalnum() or c in " ._[]'()-" else "?" for c in text[:200]) + '"' for text in changes
        ]
        self._put(f'{{"kind":"tampered","token":"{self._token}","changes":[{",".join(safe)}]}}')

    def _put(self, line: str) -> None:
        if self._getpid() != self._pid:
            self._exit(0)  # a copy forked by learner code must not speak for the submission
        data = (line + "\n").encode("ascii", "replace")
        while data:
            written = self._write(self._fd, data)
            data = data[written:]


def run_submission(
    notebook: str,
    steps: Sequence[Exercise],
    start: int,
    token: str,
    fingerprint: Fingerprint,
    *,
    channel_fd: int = CHANNEL_FD,
    read: Callable[[str], bytes] | None = None,
) -> None:
    """Grade one notebook inside the sandbox: definitions, then observe ``steps[start:]``.

    Messages, in order: ``invalid`` (the file is not a gradable notebook) or ``tampered``
    or ``defined``; then one ``observation`` per step; then ``done``.

    Raises:
        OSError: The channel is gone (the grader stopped listening); the caller exits.
    """
    channel = _Channel(channel_fd, token)
    try:
        raw = (read or _read_bounded)(notebook)
        cells = code_cells(raw)
    except SubmissionInvalid as exc:
        channel.send({"kind": "invalid", "message": str(exc)})
        return
    except OSError as exc:
        channel.send({"kind": "invalid", "message": f"cannot be read ({exc.strerror})"})
        return
    main = types.ModuleType("__main__")
    sys.modules["__main__"] = main
    namespace = main.__dict__
    definitions, notes = select_definitions(cells)
    names, more = execute_definitions(definitions, namespace)
    changed = fingerprint.changes()
    if changed:
        channel.tampered(changed)
        return
    channel.send({"kind": "defined", "names": names, "notes": notes + more})
    for index in range(start, len(steps)):
        try:
            observation = observe_exercise(steps[index], namespace)
        except BaseException as exc:  # noqa: BLE001 - SystemExit or KeyboardInterrupt escaping an observer
            observation = {"id": steps[index].id, "state": "observer_error", "error": _exc_text(exc)}
        changed = fingerprint.changes()
        if changed:
            channel.tampered(changed)
            return
        channel.send({"kind": "observation", "step": index, "observation": observation})
    channel.send({"kind": "done"})


def _read_bounded(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read(MAX_NOTEBOOK_BYTES + 1)
