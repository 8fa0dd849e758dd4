"""Finding submissions: notebooks, one learner's folder, or a class folder of learners."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from faultlab._errors import GradingError

__all__ = ["Ref", "discover"]


@dataclass(frozen=True)
class Ref:
    learner: str
    path: Path
    stem: str


# -- finding submissions ------------------------------------------------------------------


def _notebooks_in(folder: Path) -> list[Path]:
    found = []
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith(".") or entry.suffix != ".ipynb" or (entry.is_symlink() and entry.is_dir()):
            continue
        if not entry.is_dir():
            found.append(entry)
    return found


def _learner_dirs(folder: Path, skip: Path) -> list[Path]:
    return [
        entry
        for entry in sorted(folder.iterdir())
        if entry.is_dir() and not entry.is_symlink() and not entry.name.startswith(".") and entry.resolve() != skip
    ]


def discover(
    paths: Sequence[str],
    out: Path,
    warn: Callable[[str], None] = lambda _: None,
    empty: list[str] | None = None,
) -> list[Ref]:
    """Find the submissions named by ``paths``: notebooks, a learner's folder, or a class folder.

    A notebook is graded for the learner named by its folder. A folder holding notebooks
    is one learner's (its name is the learner id); a folder holding only folders is a
    class, one subfolder per learner. Hidden entries are skipped, and so is ``out``.
    Learners of a class whose folder holds no notebook are appended to ``empty``, so the
    gradebook can still give them a row.

    Raises:
        GradingError: A path that does not exist, is not a notebook or folder, or holds nothing
            to grade; or the same learner's notebook given twice from different places.
    """
    refs: list[Ref] = []
    skip = out.resolve()
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            msg = f"{raw}: no such file or folder"
            raise GradingError(msg)
        if path.is_file():
            if path.suffix != ".ipynb":
                msg = f"{raw}: not a notebook (expected a .ipynb file or a folder of them)"
                raise GradingError(msg)
            resolved = path.resolve()
            refs.append(Ref(resolved.parent.name or "learner", resolved, resolved.stem))
            continue
        if not path.is_dir():
            msg = f"{raw}: not a notebook or a folder"
            raise GradingError(msg)
        folder = path.resolve()
        notebooks = _notebooks_in(folder)
        if notebooks:
            extra = _learner_dirs(folder, skip)
            if extra:
                warn(f"{raw} holds notebooks, so it is graded as one learner's folder; its subfolders are ignored")
            refs += [Ref(folder.name or "learner", nb, nb.stem) for nb in notebooks]
            continue
        learners = _learner_dirs(folder, skip)
        if not learners:
            msg = f"{raw}: holds no notebooks and no learner folders"
            raise GradingError(msg)
        for learner in learners:
            notebooks = _notebooks_in(learner)
            if not notebooks:
                warn(f"learner {learner.name!r} has no notebooks (they must sit directly in {learner.name}/)")
                if empty is not None:
                    empty.append(learner.name)
            refs += [Ref(learner.name, nb, nb.stem) for nb in notebooks]
    unique: dict[tuple[str, str], Ref] = {}
    for ref in refs:
        key = (ref.learner, ref.path.name)
        if key in unique and unique[key].path != ref.path:
            msg = (
                f"learner {ref.learner!r} has {ref.path.name} twice: {unique[key].path} and {ref.path}; "
                "grade them in separate runs"
            )
            raise GradingError(msg)
        unique[key] = ref
    return sorted(unique.values(), key=lambda r: (r.learner, r.path.name))
