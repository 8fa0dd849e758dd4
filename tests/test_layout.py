"""The layout's rules, read from the imports: each folder of faultlab is one part of the architecture."""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path

import pytest

import faultlab

SRC = Path(faultlab.__file__).parent

# Which parts of faultlab a part may import. A part is a subpackage (``world``), a
# top-level module (``_errors``, ``cli``), or ``__init__`` (``import faultlab`` itself).
# ``None`` means anything but ``widgets`` (which only notebooks import).
ALLOWED: dict[str, set[str] | None] = {
    "_errors": set(),
    "_report": {"_errors"},
    "world": {"_errors"},
    "labs": {"_errors", "_report", "world"},
    "exercises": {"_errors", "_report", "world"},
    "grader": {"_errors", "_report", "world", "exercises", "__init__"},
    "authoring": {"_errors", "_report", "exercises"},
    "widgets": {"_errors", "_report", "world", "labs", "widgets"},
    "__init__": {"_errors", "_report", "_progress", "world", "exercises"},
    "_progress": {"_errors", "exercises", "grader"},
    "cli": None,
}


def _part(module: str) -> str:
    """The part of faultlab a dotted module name belongs to."""
    rest = module.split(".")[1:]
    return rest[0] if rest else "__init__"


def _module_name(root: Path, file: Path) -> str:
    parts = list(file.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(root: Path, file: Path) -> list[tuple[int, str]]:
    """Every faultlab module ``file`` imports (at any depth, relative imports resolved)."""
    name = _module_name(root, file)
    package = name if file.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"), str(file))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            found.append((node.lineno, target))
            # ``from faultlab import widgets`` imports a part by name.
            found += [(node.lineno, f"{target}.{alias.name}") for alias in node.names if target == root.name]
    return [(line, target) for line, target in found if target == root.name or target.startswith(root.name + ".")]


def violations(root: Path) -> list[str]:
    """Each import that breaks a rule, as ``path:line: imports X (part may import only ...)``."""
    problems = []
    for file in sorted(root.rglob("*.py")):
        part = _part(_module_name(root, file))
        allowed = ALLOWED.get(part, set())
        for line, target in _imports(root, file):
            other = _part(target)
            if other == part:
                continue
            if target.endswith(".widgets") or other == "widgets":
                ok = part == "widgets"
            elif target == root.name and part != "__init__":
                ok = allowed is None or "__init__" in allowed
            else:
                ok = allowed is None or other in allowed
            if not ok:
                rule = (
                    "anything but widgets" if allowed is None else ", ".join(sorted(allowed)) or "nothing of faultlab"
                )
                where = file.relative_to(root.parent).as_posix()
                problems.append(f"{where}:{line}: imports {target} ({part} may import only {rule})")
    return problems


def test_faultlab_keeps_its_layout_rules() -> None:
    """No module of src/faultlab imports across a boundary its part's rule forbids."""
    assert violations(SRC) == []


def test_every_part_has_a_rule() -> None:
    """Every subpackage and top-level module of faultlab appears in the rules table."""
    parts = {_part(f"faultlab.{info.name}") for info in pkgutil.iter_modules(faultlab.__path__)}
    assert parts - {"py"} <= set(ALLOWED)


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "faultlab"
    for name, text in {"__init__.py": "", **files}.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (
            {"world/__init__.py": "", "world/_svc.py": "from faultlab.grader import grade\n"},
            "faultlab/world/_svc.py:1: imports faultlab.grader (world may import only _errors)",
        ),
        (
            {"world/__init__.py": "", "world/_svc.py": "def f():\n    from ..labs import x\n"},
            "faultlab/world/_svc.py:2: imports faultlab.labs (world may import only _errors)",
        ),
        (
            {"exercises/__init__.py": "", "exercises/_x.py": "import faultlab.authoring._build\n"},
            "faultlab/exercises/_x.py:1: imports faultlab.authoring._build "
            "(exercises may import only _errors, _report, world)",
        ),
        (
            {"grader/__init__.py": "", "grader/_x.py": "from faultlab import widgets\n"},
            "faultlab/grader/_x.py:1: imports faultlab.widgets "
            "(grader may import only __init__, _errors, _report, exercises, world)",
        ),
        (
            {"cli.py": "from faultlab.widgets import FaultPanel\n"},
            "faultlab/cli.py:1: imports faultlab.widgets (cli may import only anything but widgets)",
        ),
        (
            {"labs/__init__.py": "", "labs/_x.py": "import faultlab\n"},
            "faultlab/labs/_x.py:1: imports faultlab (labs may import only _errors, _report, world)",
        ),
    ],
)
def test_a_broken_rule_names_the_file_and_the_import(tmp_path: Path, files: dict[str, str], expected: str) -> None:
    """A synthetic tree that breaks one rule yields exactly that violation, with file, line and import."""
    assert violations(_tree(tmp_path, files)) == [expected]


def test_allowed_imports_are_not_violations(tmp_path: Path) -> None:
    """Imports each rule allows (world → _errors, widgets → labs, grader → exercises) pass."""
    root = _tree(
        tmp_path,
        {
            "world/__init__.py": "from faultlab._errors import FaultlabError\n",
            "widgets/__init__.py": "from faultlab.labs import FaultLab\nfrom faultlab.world import World\n",
            "grader/__init__.py": "from faultlab.exercises import Exercise\nimport faultlab\n",
        },
    )
    assert violations(root) == []


def test_import_faultlab_is_the_small_learner_api() -> None:
    """``import faultlab`` exports the learner's API only: at most 25 names, sorted, all defined."""
    names = faultlab.__all__
    assert names == sorted(names)
    assert len(names) <= 25
    assert all(hasattr(faultlab, n) for n in names)
    assert {"World", "FaultPlan", "VirtualClock", "check", "hint", "progress", "show", "format_chain"} <= set(names)
    assert not {"FaultServer", "JitterLab", "RetryTimeline", "simulate_contention", "exercises"} & set(names)


@pytest.mark.parametrize(
    "package", ["faultlab", "faultlab.world", "faultlab.labs", "faultlab.exercises", "faultlab.grader"]
)
def test_public_classes_print_as_a_public_path(package: str) -> None:
    """Every exported class names, as its module, a package that exports it (so reprs read well)."""
    module = importlib.import_module(package)
    for name in module.__all__:
        obj = getattr(module, name)
        if isinstance(obj, type):
            home = importlib.import_module(obj.__module__)
            assert obj.__module__.split(".")[-1].startswith("_") is False, f"{package}.{name}: {obj.__module__}"
            assert getattr(home, name, None) is obj, f"{package}.{name} prints as {obj.__module__}.{name}"
