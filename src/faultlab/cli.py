"""The ``faultlab`` command line: build, execute, list, hint, check, progress, grade, release.

Every failure a user can cause prints one line naming the problem and exits 2;
faultlab never shows its own traceback for bad input.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from faultlab._errors import FaultlabError

__all__ = ["main"]


def _build(args: argparse.Namespace) -> int:
    from faultlab.authoring._build import build_tree

    report = build_tree(args.root, check_only=args.check, force=args.force)
    for name in report.backups:
        print(f"moved your edited notebook aside: {name}")
    for name in report.written:
        print(f"{'stale' if args.check else 'wrote'}: {name}", file=sys.stderr if args.check else sys.stdout)
    for name in report.strays:
        print(f"stray: {name} has no solution notebook: delete it", file=sys.stderr)
    for name in report.kept:
        print(
            f"kept: {name} was edited after it was generated (your answers?), so it was not "
            + ("checked" if args.check else "overwritten"),
            file=sys.stderr,
        )
    if report.kept:
        print(
            "To regenerate it, save your work elsewhere, then run `faultlab build --force` "
            "(it moves the edited notebook to NN_name.ipynb.bak first).",
            file=sys.stderr,
        )
    if args.check:
        if report.written or report.strays:
            print("exercises/ is out of date with solutions/. Run `make build` (or `faultlab build`).", file=sys.stderr)
        if not report.clean:
            return 1
        print("exercises/ is up to date.")
        return 0
    if not (report.written or report.kept):
        print("exercises/ already up to date.")
    return 1 if report.kept or report.strays else 0


def _execute(args: argparse.Namespace) -> int:
    from faultlab.authoring._execute import execute_notebook

    for path in args.paths:
        took = execute_notebook(path)
        print(f"executed {path} in {took:.2f}s")
    return 0


def _list(args: argparse.Namespace) -> int:
    from faultlab.exercises import exercises

    for ex in exercises().values():
        print(f"{ex.id:>5}  {ex.points:>2} pt  {ex.lesson:<22} {ex.title}")
    return 0


def _hint(args: argparse.Namespace) -> int:
    from faultlab.exercises import Hint, hint

    shown = hint(args.id, args.number)
    if not isinstance(shown, Hint):
        print(f"faultlab hint: {repr(shown).removeprefix('! ')}", file=sys.stderr)
        return 2
    print(repr(shown))
    return 0


def _grade(args: argparse.Namespace) -> int:
    from faultlab.grader._grade import grade

    def warn(message: str) -> None:
        print(f"faultlab grade: warning: {message}", file=sys.stderr)

    try:
        summary = grade(
            args.paths,
            args.out,
            jobs=args.jobs,
            timeout=args.timeout,
            memory_mb=args.memory,
            extra_checks=args.extra_checks,
            progress=sys.stderr,
            warn=warn,
        )
    except KeyboardInterrupt:
        print("\nfaultlab grade: interrupted; the reports in --out are incomplete", file=sys.stderr)
        return 130
    subs = summary.submissions
    passed = sum(1 for s in subs for e in s.exercises if e.status == "passed")
    checked = sum(len(s.exercises) for s in subs)
    print(
        f"graded {len(subs)} notebook(s) of {summary.learners} learner(s): {passed}/{checked} exercises passed; "
        f"wrote {summary.out / 'results.json'}, gradebook.csv, feedback/ and formats/"
    )
    return 0


def _check(args: argparse.Namespace) -> int:
    import tempfile

    from faultlab.grader._formats import printable
    from faultlab.grader._grade import grade

    icons = {"passed": "✔", "incorrect": "✘", "not_attempted": "…"}
    with tempfile.TemporaryDirectory(prefix="faultlab-check-") as tmp:
        summary = grade(args.paths, Path(tmp) / "out", jobs=1, timeout=args.timeout)
    for sub in summary.submissions:
        print(f"{printable(sub.notebook, one_line=True)}: {sub.score}/{sub.max_score} points")
        for ex in sub.exercises:
            lines = printable(ex.message).splitlines() or [""]
            print(f"  {icons.get(ex.status, '!')} {ex.id:>5} {ex.points}/{ex.max_points}  {lines[0]}")
            for line in lines[1:]:
                print(f"                {line}")
    return 0


def _progress(args: argparse.Namespace) -> int:
    from faultlab.grader import course_progress

    print(repr(course_progress(args.dir, timeout=args.timeout)))
    return 0


def _release(args: argparse.Namespace) -> int:
    from faultlab.authoring._release import release

    written = release(args.dir, root=args.root)
    print(f"wrote the student bundle to {args.dir} ({len(written)} files): lessons, exercises, faultlab, README.md")
    return 0


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        msg = f"expected a whole number, got {text!r}"
        raise argparse.ArgumentTypeError(msg) from None
    if value < 1:
        msg = f"expected a number of at least 1, got {value}"
        raise argparse.ArgumentTypeError(msg)
    return value


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        msg = f"expected a number of seconds, got {text!r}"
        raise argparse.ArgumentTypeError(msg) from None
    if not 0 < value <= 3600:
        msg = f"expected seconds above 0 and at most 3600, got {text}"
        raise argparse.ArgumentTypeError(msg)
    return value


class _Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line and exit 2."""

    def error(self, message: str) -> NoReturn:
        """Print a one-line usage error and exit 2.

        Raises:
            SystemExit: Always, with status 2.
        """
        self.exit(2, f"{self.prog}: {message} (see {self.prog} --help)\n")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status.

    Raises:
        SystemExit: For ``--help`` and for usage errors argparse detects (status 2).
    """
    parser = _Parser(prog="faultlab", description="Support tools of the error-handling course.")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("build", help="generate exercises/ from solutions/")
    p.add_argument("--check", action="store_true", help="only report stale exercise notebooks (exit 1)")
    p.add_argument("--force", action="store_true", help="regenerate edited exercise notebooks too (kept as .bak)")
    p.add_argument("--root", default=".", help="the course folder (default: current folder)")
    p.set_defaults(func=_build)
    p = sub.add_parser("execute", help="run notebooks top to bottom and store their outputs (authors)")
    p.add_argument("paths", nargs="+")
    p.set_defaults(func=_execute)
    p = sub.add_parser("list", help="list every exercise")
    p.set_defaults(func=_list)
    p = sub.add_parser("hint", help="show a hint")
    p.add_argument("id")
    p.add_argument("number", nargs="?", type=int, default=1)
    p.set_defaults(func=_hint)
    p = sub.add_parser(
        "grade",
        help="grade submitted exercise notebooks safely, in bulk",
        description="Grade exercise notebooks (files, one learner's folder, or a folder of learner folders) "
        "in sandboxes, and write results.json, gradebook.csv, feedback/ and formats/ into --out.",
    )
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--out", required=True, metavar="DIR", help="where the reports go (new, empty, or an earlier run's)")
    p.add_argument("--jobs", type=_positive_int, default=None, metavar="N", help="submissions at once (default: CPUs)")
    p.add_argument(
        "--timeout", type=_seconds, default=10.0, metavar="SECONDS", help="wall-clock limit per check (default 10)"
    )
    p.add_argument("--memory", type=_positive_int, default=1024, metavar="MB", help="memory per submission (1024)")
    p.add_argument("--extra-checks", default=None, metavar="FILE", help="an instructor's private checks (Python)")
    p.set_defaults(func=_grade)
    p = sub.add_parser(
        "check",
        help="check your own exercise notebooks from the terminal, as the grader would",
        description="Run the checks of exercise notebooks (or a folder of them) the way `faultlab grade` "
        "does, in a sandbox, and print each exercise's verdict. Writes nothing.",
    )
    p.add_argument("paths", nargs="+", metavar="NOTEBOOK")
    p.add_argument(
        "--timeout", type=_seconds, default=10.0, metavar="SECONDS", help="wall-clock limit per check (default 10)"
    )
    p.set_defaults(func=_check)
    p = sub.add_parser(
        "progress",
        help="every exercise of the course: passed, incorrect, not attempted; and what to do next",
        description="Grade the exercise notebooks in DIR as saved (in a sandbox, like `faultlab check`; "
        "nothing is modified) and show every exercise of every lesson with a progress bar.",
    )
    p.add_argument("dir", nargs="?", default="exercises", metavar="DIR", help="default: exercises")
    p.add_argument("--timeout", type=float, default=10.0, help="seconds for each exercise's check (default 10)")
    p.set_defaults(func=_progress)
    p = sub.add_parser("release", help="write the student bundle (no solutions, nothing private)")
    p.add_argument("dir", metavar="DIR", help="a new or empty folder")
    p.add_argument("--root", default=".", help="the course folder (default: current folder)")
    p.set_defaults(func=_release)
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except FaultlabError as exc:
        print(f"faultlab {args.command}: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
