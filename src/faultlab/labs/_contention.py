"""Many clients contending for one row: what backoff and jitter do to work and time.

This is our own small model of the experiment in Marc Brooker's AWS Architecture Blog
post "Exponential Backoff And Jitter" (2015). ``clients`` clients each want to make one
optimistic-concurrency write to the same row, all starting at time 0:

* a client reads the row's version (free: think of a cached version number) and sends
  a conditional write, which reaches the server one network delay later;
* the write wins if nobody else's write landed since the client read; otherwise the
  rejection travels back (one more network delay), the client waits its backoff and
  tries again, with a fresh read;
* network delays are normal with mean 10 ms and standard deviation 2 ms (clamped at 0);
  backoff uses base 5 ms and cap 2 s, the post's simulator's settings, and its attempt
  counter starts at 1 (so the first exponential wait is 10 ms).

The model counts *calls* (write attempts: the work the server does) and the *completion
time* (when the last client's write lands). The server has unlimited capacity, so the
model shows contention only, never overload: that is why "no backoff" finishes first
while doing the most work.

Everything is virtual time and a seeded ``random.Random`` per run: the same arguments
always give the same numbers. A whole figure (five strategies, twenty client counts,
three runs each) takes a few tenths of a second.
"""

from __future__ import annotations

import heapq
import io
import math
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from faultlab._errors import FaultlabError

__all__ = [
    "STRATEGIES",
    "STRATEGY_LABELS",
    "ContentionResult",
    "FigureView",
    "JitterLab",
    "contention_figure",
    "contention_table",
    "simulate_contention",
    "sweep_contention",
]

#: The strategies, in the order plots and tables list them.
STRATEGIES = ("none", "exponential", "full", "equal", "decorrelated")

#: Human names of the strategies.
STRATEGY_LABELS = {
    "none": "no backoff",
    "exponential": "exponential, no jitter",
    "full": "full jitter",
    "equal": "equal jitter",
    "decorrelated": "decorrelated jitter",
}

_MAX_CLIENTS = 1000
_MAX_RUNS = 200


@dataclass(frozen=True)
class ContentionResult:
    """Mean outcome of ``runs`` simulated runs of one strategy at one number of clients.

    Attributes:
        strategy: One of :data:`STRATEGIES`.
        clients: How many clients contended.
        runs: How many seeded runs the means are over.
        calls: Mean number of write attempts per run (the server's work).
        completion_ms: Mean time until the last client's write landed, in milliseconds.
    """

    __module__ = "faultlab.labs"

    strategy: str
    clients: int
    runs: int
    calls: float
    completion_ms: float

    def as_dict(self) -> dict[str, Any]:
        """Plain data: the fields as a dict."""
        return {
            "strategy": self.strategy,
            "clients": self.clients,
            "runs": self.runs,
            "calls": self.calls,
            "completion_ms": self.completion_ms,
        }


def _check(strategy: str, clients: int, runs: int, base_ms: float, cap_ms: float) -> None:
    if strategy not in STRATEGIES:
        msg = f"unknown strategy {strategy!r}; choose from: {', '.join(STRATEGIES)}"
        raise FaultlabError(msg)
    for name, value, top in (("clients", clients, _MAX_CLIENTS), ("runs", runs, _MAX_RUNS)):
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= top:
            msg = f"{name} must be an int between 1 and {top}, got {value!r}"
            raise FaultlabError(msg)
    for name, number in (("base_ms", base_ms), ("cap_ms", cap_ms)):
        if isinstance(number, bool) or not isinstance(number, int | float) or not 0 < number < float("inf"):
            msg = f"{name} must be a positive number of milliseconds, got {number!r}"
            raise FaultlabError(msg)
    if cap_ms < base_ms:
        msg = f"cap_ms ({cap_ms!r}) must be at least base_ms ({base_ms!r})"
        raise FaultlabError(msg)


def _one_run(clients: int, strategy: str, rng: random.Random, base: float, cap: float) -> tuple[int, float]:
    """Simulate one run; return ``(calls, completion time in ms)``.

    Each heap entry is one write in flight: ``(arrival time, time of the read it is
    based on, client)``. A write wins if no write has won since its read. Events are
    handled in arrival order, so the last win seen so far is the last win before it.
    The two network delays of a failed attempt (the rejection coming back, the next
    write going out) are one Box-Muller pair: the same normal law as ``rng.gauss``,
    drawn inline because this loop is the whole cost of a figure.
    """
    mean, sd = 10.0, 2.0
    uniform, draw = rng.uniform, rng.random
    log, sqrt, cos, sin, tau = math.log, math.sqrt, math.cos, math.sin, math.tau
    pop, push = heapq.heappop, heapq.heappush
    kind = STRATEGIES.index(strategy)  # 0 none, 1 exponential, 2 full, 3 equal, 4 decorrelated
    heap: list[tuple[float, float, int]] = []
    for client in range(clients):
        delay = rng.gauss(mean, sd)
        heap.append((delay if delay > 0 else 0.0, 0.0, client))
    heapq.heapify(heap)
    attempts = [0] * clients
    previous = [base] * clients  # decorrelated jitter's memory
    last_win = -1.0
    calls = 0
    while heap:
        arrival, read_at, client = pop(heap)
        calls += 1
        if last_win < read_at:
            last_win = arrival
            continue
        if kind == 0:
            wait = 0.0
        elif kind == 4:
            wait = uniform(base, previous[client] * 3)
            if wait > cap:
                wait = cap
            previous[client] = wait
        else:
            attempts[client] += 1
            ceiling = base * 2.0 ** min(attempts[client], 60)
            if ceiling > cap:
                ceiling = cap
            if kind == 1:
                wait = ceiling
            elif kind == 2:
                wait = uniform(0.0, ceiling)
            else:
                wait = ceiling / 2 + uniform(0.0, ceiling / 2)
        radius = sqrt(-2.0 * log(1.0 - draw())) * sd
        angle = tau * draw()
        back = mean + radius * cos(angle)
        out = mean + radius * sin(angle)
        read_again = arrival + (back if back > 0 else 0.0) + wait
        push(heap, (read_again + (out if out > 0 else 0.0), read_again, client))
    return calls, last_win


def simulate_contention(
    clients: int,
    strategy: str,
    *,
    runs: int = 1,
    seed: int = 0,
    base_ms: float = 5.0,
    cap_ms: float = 2000.0,
) -> ContentionResult:
    """Simulate ``clients`` clients writing one row with a backoff ``strategy``.

    Each run draws from its own ``random.Random`` seeded from ``(seed, strategy,
    clients, run)``, so results do not depend on what else was simulated before.

    Args:
        clients: How many clients contend (1 to 1000).
        strategy: ``"none"``, ``"exponential"`` (no jitter), ``"full"``, ``"equal"`` or
            ``"decorrelated"`` jitter.
        runs: How many runs to average (1 to 200).
        seed: Seeds every run.
        base_ms: The backoff base, in milliseconds.
        cap_ms: The cap on any single wait, in milliseconds.

    Returns:
        The mean calls and completion time over the runs.

    Raises:
        FaultlabError: An unknown strategy, or a count or duration out of range.
    """
    _check(strategy, clients, runs, base_ms, cap_ms)
    total_calls = 0
    total_time = 0.0
    for run in range(runs):
        rng = random.Random(f"{seed}/{strategy}/{clients}/{run}")
        calls, completion = _one_run(clients, strategy, rng, float(base_ms), float(cap_ms))
        total_calls += calls
        total_time += completion
    return ContentionResult(strategy, clients, runs, total_calls / runs, total_time / runs)


def sweep_contention(
    client_counts: Iterable[int] = range(10, 201, 10),
    strategies: Sequence[str] = STRATEGIES,
    *,
    runs: int = 3,
    seed: int = 0,
    base_ms: float = 5.0,
    cap_ms: float = 2000.0,
) -> list[ContentionResult]:
    """Simulate every strategy at every client count: the data of the post's figures.

    Returns:
        One result per (strategy, client count), strategies in the order given.

    Raises:
        FaultlabError: An unknown strategy, or a count or duration out of range.
    """
    counts = list(client_counts)
    return [
        simulate_contention(n, s, runs=runs, seed=seed, base_ms=base_ms, cap_ms=cap_ms)
        for s in strategies
        for n in counts
    ]


def contention_table(results: Iterable[ContentionResult]) -> str:
    """Render results as a fixed-width text table (calls rounded, time in ms)."""
    lines = [f"{'strategy':<24}{'clients':>8}{'calls':>9}{'completion ms':>15}"]
    for r in results:
        lines.append(f"{STRATEGY_LABELS[r.strategy]:<24}{r.clients:>8}{r.calls:>9.0f}{r.completion_ms:>15,.0f}")
    return "\n".join(lines)


class FigureView:
    """A matplotlib figure that a notebook shows as a PNG, whatever the backend.

    Its text form names what is plotted (no address), so stored outputs stay stable.

    Attributes:
        figure: The ``matplotlib.figure.Figure``.
    """

    __module__ = "faultlab.labs"

    def __init__(self, figure: Any, text: str) -> None:
        self.figure = figure
        self._text = text

    def __repr__(self) -> str:
        return self._text

    def _repr_png_(self) -> bytes:
        buffer = io.BytesIO()
        self.figure.savefig(buffer, format="png", dpi=80, metadata={"Software": None})
        return buffer.getvalue()


def contention_figure(results: Sequence[ContentionResult], *, title: str = "") -> FigureView:
    """Plot calls and completion time against clients, one line per strategy.

    matplotlib is imported here, not when faultlab is imported, and pyplot is not used:
    the figure belongs to no global state. Make the result a cell's last expression to
    see it.

    Returns:
        A :class:`FigureView` of a two-axes figure (``.figure`` is the matplotlib Figure).

    Raises:
        ImportError: matplotlib is not installed (it comes with ``faultlab[lab]``).
    """
    from matplotlib.figure import Figure

    fig = Figure(figsize=(9.5, 3.4), layout="constrained")
    calls_ax, time_ax = fig.subplots(1, 2)
    shown = []
    for strategy in STRATEGIES:
        rows = [r for r in results if r.strategy == strategy]
        if not rows:
            continue
        shown.append(STRATEGY_LABELS[strategy])
        xs = [r.clients for r in rows]
        calls_ax.plot(xs, [r.calls for r in rows], marker=".", label=STRATEGY_LABELS[strategy])
        time_ax.plot(xs, [r.completion_ms / 1000 for r in rows], marker=".", label=STRATEGY_LABELS[strategy])
    calls_ax.set(xlabel="clients", ylabel="calls (work)", title="work")
    time_ax.set(xlabel="clients", ylabel="completion (s, log scale)", title="time to finish", yscale="log")
    calls_ax.legend(fontsize="small")
    if title:
        fig.suptitle(title)
    counts = sorted({r.clients for r in results})
    span = f"{counts[0]}–{counts[-1]} clients" if counts else "no data"
    return FigureView(fig, f"[figure: calls and completion time, {span}: {', '.join(shown)}]")


@dataclass
class JitterLab:
    """Settings of the jitter lab: which strategies, how many clients, base and cap.

    The widget view (:class:`faultlab.widgets.JitterLabPanel`) only reads and writes
    these attributes and calls :meth:`run`.
    """

    __module__ = "faultlab.labs"

    max_clients: int = 100
    step: int = 10
    base_ms: float = 5.0
    cap_ms: float = 2000.0
    runs: int = 2
    seed: int = 0
    strategies: tuple[str, ...] = STRATEGIES

    def client_counts(self) -> list[int]:
        """The client counts a run simulates: ``step, 2·step, …, max_clients``.

        Raises:
            FaultlabError: If ``step`` or ``max_clients`` is out of range.
        """
        if not 1 <= self.step <= self.max_clients <= _MAX_CLIENTS:
            msg = f"need 1 <= step <= max_clients <= {_MAX_CLIENTS}, got step={self.step}, max={self.max_clients}"
            raise FaultlabError(msg)
        return list(range(self.step, self.max_clients + 1, self.step))

    def run(self) -> list[ContentionResult]:
        """Simulate every selected strategy at every client count.

        Raises:
            FaultlabError: No strategy selected, or a setting out of range.
        """
        if not self.strategies:
            msg = "select at least one strategy"
            raise FaultlabError(msg)
        return sweep_contention(
            self.client_counts(),
            self.strategies,
            runs=self.runs,
            seed=self.seed,
            base_ms=self.base_ms,
            cap_ms=self.cap_ms,
        )

    def summary(self, results: Sequence[ContentionResult]) -> str:
        """The table of results at the largest client count."""
        top = max(r.clients for r in results)
        return contention_table(r for r in results if r.clients == top)
