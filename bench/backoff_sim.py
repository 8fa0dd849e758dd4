"""Time the contending-clients simulation of lesson 04 against a baseline from the same run.

The baseline is the textbook way to write the same model: one heap event per message
(a read event, then a write event), closures as event handlers and ``random.gauss`` for
every network delay. faultlab's version folds each attempt into one event and draws the
two delays of a failed attempt as one Box-Muller pair. Both are timed here, on this
machine, in this run; the table reports their ratio and checks the lesson's budget: the
full figure (5 strategies x 20 client counts x 3 runs) must compute in under 1 s.

Run with ``.venv/bin/python bench/backoff_sim.py`` (not part of ``make test``).
"""

from __future__ import annotations

import heapq
import random
import statistics
import sys
import time
from collections.abc import Callable

from faultlab.labs import simulate_contention, sweep_contention
from faultlab.labs._contention import STRATEGIES

BUDGET_S = 1.0
REPEATS = 5


def baseline_run(clients: int, strategy: str, seed: int, base: float = 5.0, cap: float = 2000.0) -> tuple[int, float]:
    """The same model written plainly: two events per attempt, closures, random.gauss."""
    rng = random.Random(seed)
    state = {"version": 0, "calls": 0, "last": 0.0}
    queue: list[tuple[float, int, Callable[[float], None]]] = []
    order = iter(range(10**9))

    def delay() -> float:
        return max(0.0, rng.gauss(10.0, 2.0))

    def schedule(at: float, handler: Callable[[float], None]) -> None:
        heapq.heappush(queue, (at, next(order), handler))

    def client() -> Callable[[float], None]:
        attempt, previous, seen = 0, base, 0

        def read(now: float) -> None:
            nonlocal seen
            seen = state["version"]
            schedule(now + delay(), write)

        def write(now: float) -> None:
            nonlocal attempt, previous
            state["calls"] += 1
            if state["version"] == seen:
                state["version"] += 1
                state["last"] = now
                return
            attempt += 1
            ceiling = min(cap, base * 2**attempt)
            wait = {
                "none": lambda: 0.0,
                "exponential": lambda: ceiling,
                "full": lambda: rng.uniform(0, ceiling),
                "equal": lambda: ceiling / 2 + rng.uniform(0, ceiling / 2),
                "decorrelated": lambda: min(cap, rng.uniform(base, previous * 3)),
            }[strategy]()
            previous = wait
            schedule(now + delay() + wait, read)

        return read

    for _ in range(clients):
        schedule(0.0, client())
    while queue:
        at, _, handler = heapq.heappop(queue)
        handler(at)
    return state["calls"], state["last"]


def timed(work: Callable[[], object]) -> float:
    """Median wall time of ``work`` over REPEATS runs."""
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    print(f"median of {REPEATS} runs; 100 clients x 20 runs per strategy\n")
    head = ("strategy", "baseline s", "faultlab s", "speed-up", "calls: baseline", "faultlab")
    print(f"{head[0]:<14}{head[1]:>12}{head[2]:>12}{head[3]:>10}{head[4]:>17}{head[5]:>10}")
    for strategy in STRATEGIES:
        base_s = timed(lambda s=strategy: [baseline_run(100, s, seed) for seed in range(20)])
        ours_s = timed(lambda s=strategy: simulate_contention(100, s, runs=20))
        calls = simulate_contention(100, strategy, runs=20).calls
        base_calls = statistics.mean(baseline_run(100, strategy, seed)[0] for seed in range(20))
        print(f"{strategy:<14}{base_s:12.4f}{ours_s:12.4f}{base_s / ours_s:9.1f}x{base_calls:17.0f}{calls:10.0f}")
    figure_s = timed(lambda: sweep_contention(range(10, 201, 10), runs=3))
    print(f"\nfull figure (5 strategies x 20 client counts x 3 runs): {figure_s:.3f} s (budget {BUDGET_S:.1f} s)")
    if figure_s > BUDGET_S:
        print("over budget")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
