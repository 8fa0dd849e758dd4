"""The ``faultlab`` command line: ``build``, ``execute``, ``list``, ``hint``.

Every failure a user can cause prints one line naming the problem and exits 2;
faultlab never shows its own traceback for bad input.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from faultlab._errors import FaultlabError

__all__ = ["main"]


def _build(args: argparse.Namespace) -> int:
    from faultlab._build import build_tree

    changed = build_tree(args.root, check_only=args.check)
    if args.check:
        if changed:
            for name in changed:
                print(f"stale: {name}", file=sys.stderr)
            print("exercises/ is out of date with solutions/. Run `make build` (or `faultlab build`).", file=sys.stderr)
            return 1
        print("exercises/ is up to date.")
        return 0
    for name in changed:
        print(f"wrote {name}")
    print(f"{len(changed)} exercise notebook(s) updated." if changed else "exercises/ already up to date.")
    return 0


def _execute(args: argparse.Namespace) -> int:
    from faultlab._execute import execute_notebook

    for path in args.paths:
        took = execute_notebook(path)
        print(f"executed {path} in {took:.2f}s")
    return 0


def _list(args: argparse.Namespace) -> int:
    from faultlab._exercise import exercises

    for ex in exercises().values():
        print(f"{ex.id:>5}  {ex.points:>2} pt  {ex.lesson:<22} {ex.title}")
    return 0


def _hint(args: argparse.Namespace) -> int:
    from faultlab._exercise import hint

    print(repr(hint(args.id, args.number)))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = argparse.ArgumentParser(prog="faultlab", description="Support tools of the error-handling course.")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("build", help="generate exercises/ from solutions/")
    p.add_argument("--check", action="store_true", help="only report stale exercise notebooks (exit 1)")
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
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except FaultlabError as exc:
        print(f"faultlab {args.command}: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
