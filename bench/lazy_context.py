"""What context costs on the success path: eager vs lazy messages, against a bare call.

Lesson 02 claims that a context message should be built only on failure when it is
costly (anyhow's ``with_context``), and that the helper itself has a price. This measures
both, in this run, on this machine: every variant wraps the same successful call, and the
table reports nanoseconds per call and the ratio to the baseline (the bare call, measured
in the same run). A second table does the same for a call that fails, where every variant
must build its message once.

The helpers are the lesson's own: a ``contextlib.contextmanager`` generator and a plain
class, each in an eager (message string) and a lazy (message callable) form. The costly
message is a JSON dump of a 40-key deployment config, the kind of thing people put in
``f"failed to build {config}"``.

Run with ``.venv/bin/python bench/lazy_context.py`` (not part of ``make test``).
"""

from __future__ import annotations

import contextlib
import json
import sys
import timeit
from collections.abc import Callable, Iterator
from types import TracebackType

NUMBER = 5_000
REPEATS = 7
CONFIG = {f"option_{i:02d}": {"value": i * 7, "enabled": i % 3 == 0, "label": f"setting number {i}"} for i in range(40)}


class DeployError(Exception):
    """The application error the helpers raise."""


@contextlib.contextmanager
def context(message: str) -> Iterator[None]:
    """The lesson's helper, as a generator: eager message."""
    try:
        yield
    except Exception as exc:
        raise DeployError(message) from exc


@contextlib.contextmanager
def lazy_context(make: Callable[[], str]) -> Iterator[None]:
    """The lesson's helper, as a generator: message built on failure."""
    try:
        yield
    except Exception as exc:
        raise DeployError(make()) from exc


class Context:
    """The same helper as a class: eager message."""

    __slots__ = ("message",)

    def __init__(self, message: str) -> None:
        self.message = message

    def __enter__(self) -> None:
        return None

    def __exit__(self, et: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if isinstance(exc, Exception):
            raise DeployError(self.message) from exc


class LazyContext:
    """The same helper as a class: message built on failure."""

    __slots__ = ("make",)

    def __init__(self, make: Callable[[], str]) -> None:
        self.make = make

    def __enter__(self) -> None:
        return None

    def __exit__(self, et: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if isinstance(exc, Exception):
            raise DeployError(self.make()) from exc


def describe(config: dict[str, object]) -> str:
    """The costly message: the whole config, as JSON."""
    return json.dumps(config, sort_keys=True)


def variants(op: Callable[[], int]) -> dict[str, Callable[[], object]]:
    """Every way of calling ``op`` with context, keyed by a short label."""

    def bare() -> object:
        return op()

    def inline() -> object:
        try:
            return op()
        except Exception as exc:
            raise DeployError(f"building image for {describe(CONFIG)}") from exc

    def gen_cheap() -> object:
        with context("building image resnet:1.0"):
            return op()

    def gen_eager() -> object:
        with context(f"building image for {describe(CONFIG)}"):
            return op()

    def gen_lazy() -> object:
        with lazy_context(lambda: f"building image for {describe(CONFIG)}"):
            return op()

    def cls_cheap() -> object:
        with Context("building image resnet:1.0"):
            return op()

    def cls_eager() -> object:
        with Context(f"building image for {describe(CONFIG)}"):
            return op()

    def cls_lazy() -> object:
        with LazyContext(lambda: f"building image for {describe(CONFIG)}"):
            return op()

    return {
        "bare call (baseline)": bare,
        "try/except, message in except": inline,
        "@contextmanager, short message": gen_cheap,
        "@contextmanager, costly eager message": gen_eager,
        "@contextmanager, costly lazy message": gen_lazy,
        "class, short message": cls_cheap,
        "class, costly eager message": cls_eager,
        "class, costly lazy message": cls_lazy,
    }


def ok() -> int:
    return 42


def fails() -> int:
    raise OSError(28, "No space left on device")


def swallow(call: Callable[[], object]) -> Callable[[], object]:
    def run() -> object:
        try:
            return call()
        except (DeployError, OSError) as exc:
            return exc

    return run


def table(title: str, calls: dict[str, Callable[[], object]], number: int) -> None:
    """Time every variant, interleaved (one round of all, REPEATS times), best round each."""
    print(f"{title}: best of {REPEATS} rounds x {number} calls, variants interleaved")
    print(f"{'variant':<40}{'ns/call':>10}{'x baseline':>12}")
    best = dict.fromkeys(calls, float("inf"))
    for _ in range(REPEATS):
        for label, call in calls.items():
            best[label] = min(best[label], timeit.timeit(call, number=number) / number * 1e9)
    base = best["bare call (baseline)"]
    for label, ns in best.items():
        print(f"{label:<40}{ns:10.0f}{ns / base:11.1f}x")
    print()


def main() -> int:
    print(
        f"Python {sys.version.split()[0]}; costly message = json.dumps of a {len(CONFIG)}-key config "
        f"({len(describe(CONFIG))} characters)\n"
    )
    table("success path", variants(ok), NUMBER)
    table("failure path (raise, wrap, catch)", {k: swallow(v) for k, v in variants(fails).items()}, NUMBER // 10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
