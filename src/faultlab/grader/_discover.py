"""Finding submissions: notebooks, one learner's folder, or a class folder of learners."""

from __future__ import annotations

import os
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

Skipped = list[tuple[str, str]]


def _notebooks_in(folder: Path, skipped: Skipped) -> list[Path]:
    """The notebooks directly in ``folder``; every other entry goes to ``skipped`` with its reason.

    A symbolic link named like a notebook is kept, and graded ``invalid`` (it is never
    followed); a link to a folder is skipped.
    """
    found = []
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith("."):
            skipped.append((str(entry), "hidden"))
        elif entry.is_symlink() and entry.is_dir():
            skipped.append((str(entry), "a symbolic link to a folder; links are never followed"))
        elif entry.suffix != ".ipynb":
            if not entry.is_dir():
                skipped.append((str(entry), "not a notebook (.ipynb)"))
        elif entry.is_dir() and not entry.is_symlink():
            skipped.append((str(entry), "a folder named like a notebook"))
        else:
            found.append(entry)
    return found


def _learner_dirs(folder: Path, skip: Path, skipped: Skipped, *, report: bool) -> list[Path]:
    out = []
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith("."):
            if report:
                skipped.append((str(entry), "hidden"))
        elif entry.is_symlink():
            if report:
                skipped.append((str(entry), "a symbolic link; links are never followed"))
        elif not entry.is_dir():
            continue  # files of a learner's own folder are reported by _notebooks_in
        elif entry.resolve() == skip:
            continue
        else:
            out.append(entry)
    return out


def discover(
    paths: Sequence[str],
    out: Path,
    warn: Callable[[str], None] = lambda _: None,
    empty: list[str] | None = None,
    skipped: Skipped | None = None,
) -> list[Ref]:
    """Find the submissions named by ``paths``: notebooks, a learner's folder, or a class folder.

    A notebook is graded for the learner named by its folder. A folder holding notebooks
    is one learner's (its name is the learner id); a folder holding only folders is a
    class, one subfolder per learner. No symbolic link is followed, at any level (a PATH
    that is a link included): a learner is who the folder says. Every entry left out is
    appended to ``skipped`` with its reason, and so is ``out``. Learners of a class whose
    folder holds no notebook are appended to ``empty``, so the gradebook can still give
    them a row.

    Raises:
        GradingError: A path that does not exist, is not a notebook or folder, or holds nothing
            to grade; or the same learner's notebook given twice from different places.
    """
    refs: list[Ref] = []
    left_out: Skipped = skipped if skipped is not None else []
    before = len(left_out)
    skip = out.resolve()
    for raw in paths:
        path = Path(os.path.abspath(raw))
        if path.is_symlink():
            left_out.append((raw, "a symbolic link; links are never followed (name the folder or file itself)"))
            continue
        if not path.exists():
            msg = f"{raw}: no such file or folder"
            raise GradingError(msg)
        if path.is_file():
            if path.suffix != ".ipynb":
                msg = f"{raw}: not a notebook (expected a .ipynb file or a folder of them)"
                raise GradingError(msg)
            refs.append(Ref(path.parent.name or "learner", path, path.stem))
            continue
        if not path.is_dir():
            msg = f"{raw}: not a notebook or a folder"
            raise GradingError(msg)
        probe: Skipped = []
        notebooks = _notebooks_in(path, probe)
        if notebooks:
            left_out += probe
            extra = _learner_dirs(path, skip, left_out, report=False)
            if extra:
                warn(f"{raw} holds notebooks, so it is graded as one learner's folder; its subfolders are ignored")
                left_out += [(str(e), "a folder inside a learner's folder") for e in extra]
            refs += [Ref(path.name or "learner", nb, nb.stem) for nb in notebooks]
            continue
        learners = _learner_dirs(path, skip, left_out, report=True)
        left_out += [(p, "not a learner folder") for p, r in probe if r == "not a notebook (.ipynb)"]
        if not learners:
            msg = f"{raw}: holds no notebooks and no learner folders"
            raise GradingError(msg)
        for learner in learners:
            notebooks = _notebooks_in(learner, left_out)
            left_out += [
                (str(e), "a folder inside a learner's folder") for e in _learner_dirs(learner, skip, [], report=False)
            ]
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
    if len(left_out) > before:
        links = sum(1 for _, reason in left_out[before:] if "symbolic link" in reason)
        also = f", {links} of them symbolic links" if links else ""
        warn(f"{len(left_out) - before} entries were not graded{also}: results.json lists each under 'skipped'")
    return sorted(unique.values(), key=lambda r: (r.learner, r.path.name))
