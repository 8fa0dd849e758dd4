"""One source, generated exercises: ``solutions/NN_*.ipynb`` → ``exercises/NN_*.ipynb``.

A solution region sits inside a ``def`` or ``class`` body between two marker lines::

    def fetch(store, bucket, key):
        ### BEGIN SOLUTION 1.3
        ...
        ### END SOLUTION 1.3

In a function body the region becomes ``raise NotImplementedError("exercise 1.3: …")``;
in a class body it becomes an ``__init__`` that raises it; at the top level of a cell
each class and function the region defines keeps its name, bases, signature and
docstring, with a body that raises. Either way every name the exercise needs still
exists, so ``check()`` can say "not attempted". Outputs and
execution counts are cleared; every other cell is copied untouched.

Learners write their answers in ``exercises/``, so a build never overwrites a notebook
that was edited after it was generated: each generated notebook records a fingerprint of
its cells in ``metadata.faultlab``, and a notebook whose cells no longer match it is kept
(``--force`` moves it aside to ``NN_name.ipynb.bak`` first). Outputs don't count as edits.
"""

from __future__ import annotations

import ast
import copy
import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from faultlab._errors import MarkerError, NotebookError
from faultlab.authoring._notebook import dumps_notebook, read_notebook
from faultlab.exercises import exercises

__all__ = ["BuildReport", "Region", "build_notebook", "build_tree", "find_regions", "regions_of"]

_BEGIN = re.compile(r"^(?P<indent>[ \t]*)###\s*BEGIN SOLUTION\b(?P<label>.*)$")
_END = re.compile(r"^(?P<indent>[ \t]*)###\s*END SOLUTION\b(?P<label>.*)$")
_ID = re.compile(r"^\d+\.\d+$")


@dataclass(frozen=True)
class Region:
    """One solution region: its exercise id, cell index (0-based) and line span."""

    __module__ = "faultlab.authoring"

    exercise_id: str
    cell: int
    begin: int
    end: int
    indent: str
    container: str  # "function", "class" or "module"


def _enclosing(tree: ast.AST, line: int, indent: int) -> str | None:
    best: tuple[int, str] | None = None
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            end = node.end_lineno or node.lineno
            if node.lineno < line <= end and indent > node.col_offset and (best is None or node.lineno > best[0]):
                best = (node.lineno, "class" if isinstance(node, ast.ClassDef) else "function")
    return None if best is None else best[1]


def find_regions(source: str, path: str, cell: int) -> list[Region]:
    """Return the solution regions of one code cell.

    Raises:
        MarkerError: Unbalanced, unlabelled, mislabelled or misplaced markers.
    """
    regions: list[Region] = []
    lines = source.splitlines()
    open_at: tuple[int, str, str] | None = None
    where = cell + 1
    for i, line in enumerate(lines):
        begin, end = _BEGIN.match(line), _END.match(line)
        if begin:
            label = begin["label"].strip()
            if open_at is not None:
                raise MarkerError(path, where, f"line {i + 1}: BEGIN SOLUTION inside the open region {open_at[1]}")
            if not _ID.match(label):
                raise MarkerError(
                    path, where, f"line {i + 1}: BEGIN SOLUTION needs an exercise id like 1.2, got {label!r}"
                )
            open_at = (i, label, begin["indent"])
        elif end:
            label = end["label"].strip()
            if open_at is None:
                raise MarkerError(path, where, f"line {i + 1}: END SOLUTION without a BEGIN SOLUTION")
            if label and label != open_at[1]:
                raise MarkerError(path, where, f"line {i + 1}: END SOLUTION {label} closes region {open_at[1]}")
            if end["indent"] != open_at[2]:
                raise MarkerError(path, where, f"line {i + 1}: END SOLUTION is not indented like its BEGIN")
            regions.append(Region(open_at[1], cell, open_at[0], i, open_at[2], ""))
            open_at = None
    if open_at is not None:
        raise MarkerError(path, where, f"line {open_at[0] + 1}: BEGIN SOLUTION {open_at[1]} is never closed")
    if not regions:
        return regions
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        raise MarkerError(path, where, f"the cell does not parse as Python (line {exc.lineno}: {exc.msg})") from None
    placed = []
    for r in regions:
        container = _enclosing(tree, r.begin + 1, len(r.indent.expandtabs())) or "module"
        if container == "module" and not _definitions("\n".join(lines[r.begin + 1 : r.end])):
            raise MarkerError(
                path, where, f"region {r.exercise_id} is at the top level but defines no class or function to stub"
            )
        placed.append(Region(r.exercise_id, r.cell, r.begin, r.end, r.indent, container))
    return placed


def _definitions(source: str) -> list[ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef]:
    try:
        body = ast.parse(source).body
    except SyntaxError:
        return []
    return [n for n in body if isinstance(n, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)]


def _skeleton(
    node: ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef, message: str, source: list[str] | None = None
) -> list[str]:
    doc = ast.get_docstring(node, clean=False)
    doc_lines: list[str] = []
    if doc:
        quoted = f'"""{doc}"""' if '"""' not in doc and not doc.endswith('"') else ast.unparse(ast.Constant(doc))
        doc_lines = [f"    {quoted}", ""] if isinstance(node, ast.ClassDef) else [f"    {quoted}"]
    if isinstance(node, ast.ClassDef):
        bases = ", ".join(ast.unparse(b) for b in [*node.bases, *node.keywords])
        return [
            f"class {node.name}({bases}):" if bases else f"class {node.name}:",
            *doc_lines,
            "    def __init__(self, *args: object, **kwargs: object) -> None:",
            f"        raise NotImplementedError({message})",
        ]
    return [*_signature(node, source), *doc_lines, f"    raise NotImplementedError({message})"]


def _signature(node: ast.FunctionDef | ast.AsyncFunctionDef, source: list[str] | None) -> list[str]:
    """The ``def`` line(s) as the solution wrote them (its layout, its spacing); unparsed if they share a line."""
    first = node.body[0].lineno - 1
    if source is not None and first > node.lineno - 1 and source[first - 1].rstrip().endswith(":"):
        return source[node.lineno - 1 : first]
    stub = copy.deepcopy(node)
    stub.decorator_list = []
    stub.body = [ast.Pass()]
    return [ast.unparse(stub).splitlines()[0]]


def _stub(region: Region, title: str, solution: list[str]) -> list[str]:
    message = repr(f"exercise {region.exercise_id}: {title}")
    ind = region.indent
    if region.container == "module":
        out: list[str] = []
        for node in _definitions("\n".join(solution)):
            out += (["", ""] if out else []) + _skeleton(node, message, solution)
        return out
    if region.container == "class":
        return [
            f"{ind}def __init__(self, *args: object, **kwargs: object) -> None:",
            f"{ind}    raise NotImplementedError({message})",
        ]
    return [f"{ind}raise NotImplementedError({message})"]


def build_notebook(path: str | Path) -> tuple[str, list[Region]]:
    """Return the exercise notebook generated from one solution notebook, and its regions.

    Raises:
        NotebookError: The file is missing or not a notebook.
        MarkerError: Malformed markers, or a region for an unregistered exercise.
    """
    nb = read_notebook(path)
    registry = exercises()
    out = copy.deepcopy(nb)
    found: list[Region] = []
    for index, cell in enumerate(out.cells):
        if cell.cell_type != "code":
            continue
        regions = find_regions(cell.source, str(path), index)
        lines = cell.source.splitlines()
        for region in reversed(regions):
            if region.exercise_id not in registry:
                raise MarkerError(str(path), index + 1, f"region {region.exercise_id} names no registered exercise")
            body = lines[region.begin + 1 : region.end]
            lines[region.begin : region.end + 1] = _stub(region, registry[region.exercise_id].title, body)
        found += regions
        cell.source = "\n".join(lines)
        cell.outputs = []
        cell.execution_count = None
        cell.metadata.pop("execution", None)
    out.metadata["faultlab"] = {"generated_from": f"solutions/{Path(path).name}", "fingerprint": _fingerprint(out)}
    return dumps_notebook(out), found


def _fingerprint(nb: Any) -> str:
    """A digest of a notebook's cell types and sources (not outputs, ids or metadata)."""
    cells = []
    for cell in nb.get("cells", []):
        source = cell.get("source", "")
        cells.append([cell.get("cell_type"), "".join(source) if isinstance(source, list) else source])
    return hashlib.sha256(json.dumps(cells, ensure_ascii=False).encode("utf-8")).hexdigest()[:16]


def _edited(target: Path) -> bool:
    """Whether a generated notebook's cells changed since it was generated (unknown: yes)."""
    try:
        data = json.loads(target.read_text(encoding="utf-8"))
        recorded = data["metadata"]["faultlab"]["fingerprint"]
    except (OSError, ValueError, KeyError, TypeError):
        return True
    return bool(recorded != _fingerprint(data))


def _backup(target: Path) -> Path:
    backup = target.with_name(target.name + ".bak")
    n = 1
    while backup.exists():
        backup = target.with_name(f"{target.name}.bak{n}")
        n += 1
    target.rename(backup)
    return backup


@dataclass
class BuildReport:
    """What a build did, or (with ``check_only``) would do."""

    __module__ = "faultlab.authoring"

    written: list[str] = field(default_factory=list)  # generated anew
    kept: list[str] = field(default_factory=list)  # stale, but edited by hand: not overwritten
    backups: list[str] = field(default_factory=list)  # edited notebooks moved aside by --force
    strays: list[str] = field(default_factory=list)  # exercise notebooks without a solution

    @property
    def clean(self) -> bool:
        """True when exercises/ is exactly what the build writes."""
        return not (self.written or self.kept or self.strays)


def build_tree(root: str | Path, *, check_only: bool = False, force: bool = False) -> BuildReport:
    """Build ``exercises/`` from ``solutions/`` under ``root``.

    With ``check_only`` nothing is written and the report names what is stale. A stale
    notebook that was edited by hand is kept (reported in ``kept``) unless ``force``,
    which moves it to ``NN_name.ipynb.bak`` before writing: nobody's answers are lost.

    Raises:
        NotebookError: ``solutions/`` is missing or empty, or a notebook is malformed.
        MarkerError: Malformed markers in a solution notebook.
    """
    root = Path(root)
    sources = sorted((root / "solutions").glob("[0-9][0-9]_*.ipynb"))
    if not sources:
        raise NotebookError(str(root / "solutions"), "holds no NN_name.ipynb solution notebooks")
    report = BuildReport()
    target_dir = root / "exercises"
    expected = {src.name for src in sources}
    for src in sources:
        text, _ = build_notebook(src)
        target = target_dir / src.name
        current = target.read_text(encoding="utf-8") if target.exists() else None
        if current == text:
            continue
        name = f"exercises/{src.name}"
        if current is not None and _edited(target):
            if check_only or not force:
                report.kept.append(name)
                continue
            report.backups.append(f"exercises/{_backup(target).name}")
        report.written.append(name)
        if not check_only:
            target_dir.mkdir(exist_ok=True)
            tmp = target.with_suffix(".ipynb.tmp")
            tmp.write_text(text, encoding="utf-8")
            tmp.replace(target)
    for extra in sorted(target_dir.glob("*.ipynb")) if target_dir.exists() else []:
        if extra.name not in expected:
            report.strays.append(f"exercises/{extra.name}")
    return report


def regions_of(path: str | Path) -> list[Region]:
    """Return the solution regions of a notebook (for tests and the grader)."""
    return build_notebook(path)[1]
