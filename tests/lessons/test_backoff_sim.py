"""The contending-clients simulation: the AWS post's ranking, determinism, argument checks."""

from __future__ import annotations

import pytest

from faultlab import FaultlabError
from faultlab.labs import (
    STRATEGIES,
    ContentionResult,
    JitterLab,
    contention_figure,
    contention_table,
    simulate_contention,
    sweep_contention,
)


@pytest.fixture(scope="module")
def at_100() -> dict[str, ContentionResult]:
    """Twenty seeded runs of every strategy at 100 clients."""
    return {s: simulate_contention(100, s, runs=20, seed=0) for s in STRATEGIES}


def test_no_jitter_needs_about_twice_the_calls_of_full_jitter(at_100: dict[str, ContentionResult]) -> None:
    """At 100 clients, exponential backoff without jitter does roughly 2× the work of full jitter."""
    ratio = at_100["exponential"].calls / at_100["full"].calls
    assert 1.7 < ratio < 3.0


def test_no_jitter_takes_far_longer_than_every_jitter(at_100: dict[str, ContentionResult]) -> None:
    """No jitter is the slowest backoff by far: more than 5× the time of any jittered strategy."""
    slowest_jitter = max(at_100[s].completion_ms for s in ("full", "equal", "decorrelated"))
    assert at_100["exponential"].completion_ms > 5 * slowest_jitter


def test_full_and_equal_jitter_cost_about_the_same(at_100: dict[str, ContentionResult]) -> None:
    """Full and equal jitter make about the same calls (within 10 %), and equal jitter is slower."""
    full, equal = at_100["full"], at_100["equal"]
    assert abs(equal.calls - full.calls) / full.calls < 0.10
    assert equal.completion_ms > full.completion_ms


def test_decorrelated_is_faster_than_full_but_costs_more(at_100: dict[str, ContentionResult]) -> None:
    """Decorrelated jitter finishes sooner than full jitter and makes more calls, as in the post."""
    assert at_100["decorrelated"].completion_ms < at_100["full"].completion_ms
    assert at_100["decorrelated"].calls > at_100["full"].calls


def test_no_backoff_is_fast_only_because_capacity_is_unlimited(at_100: dict[str, ContentionResult]) -> None:
    """With no backoff the clients finish first but do the most work of all."""
    assert at_100["none"].completion_ms == min(r.completion_ms for r in at_100.values())
    assert at_100["none"].calls == max(r.calls for r in at_100.values())


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_ranking_holds_for_other_seeds(seed: int) -> None:
    """The headline ranking does not depend on the seed."""
    runs = {s: simulate_contention(100, s, runs=10, seed=seed) for s in ("exponential", "full", "equal")}
    assert runs["exponential"].calls > 1.7 * runs["full"].calls
    assert runs["exponential"].completion_ms > 5 * runs["equal"].completion_ms
    assert runs["equal"].completion_ms > runs["full"].completion_ms


def test_same_arguments_same_numbers() -> None:
    """A run is a pure function of its arguments; another seed gives other numbers."""
    first = simulate_contention(40, "full", runs=3, seed=9)
    assert simulate_contention(40, "full", runs=3, seed=9) == first
    assert simulate_contention(40, "full", runs=3, seed=10) != first


def test_results_do_not_depend_on_what_ran_before() -> None:
    """Each run has its own generator: a sweep's entry equals the same point simulated alone."""
    sweep = sweep_contention([10, 20], ["equal", "full"], runs=2, seed=4)
    assert [(r.strategy, r.clients) for r in sweep] == [("equal", 10), ("equal", 20), ("full", 10), ("full", 20)]
    assert sweep[3] == simulate_contention(20, "full", runs=2, seed=4)


def test_one_client_never_contends() -> None:
    """A single client writes once, at the first try."""
    alone = simulate_contention(1, "exponential", runs=5)
    assert alone.calls == 1
    assert 0 < alone.completion_ms < 30


def test_work_grows_faster_than_the_number_of_clients() -> None:
    """Jitter cuts the work but not the contention: 4× the clients costs more than 5× the calls."""
    small, large = (simulate_contention(n, "full", runs=5) for n in (25, 100))
    assert large.calls > 5 * small.calls


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"clients": 10, "strategy": "linear"}, "unknown strategy 'linear'"),
        ({"clients": 0, "strategy": "full"}, "clients must be an int between 1 and 1000"),
        ({"clients": 10, "strategy": "full", "runs": 0}, "runs must be an int"),
        ({"clients": 10, "strategy": "full", "base_ms": -1}, "base_ms must be a positive"),
        ({"clients": 10, "strategy": "full", "base_ms": 10, "cap_ms": 5}, "cap_ms .* must be at least base_ms"),
    ],
)
def test_bad_arguments_name_the_problem(kwargs: dict[str, object], message: str) -> None:
    """Out-of-range arguments raise FaultlabError saying which and why."""
    with pytest.raises(FaultlabError, match=message):
        simulate_contention(**kwargs)  # type: ignore[arg-type]


def test_table_lists_one_line_per_result() -> None:
    """The table has a header and one aligned line per result, times with thousands separators."""
    table = contention_table(
        [ContentionResult("full", 100, 1, 700.4, 3149.0), ContentionResult("exponential", 100, 1, 1472.0, 46162.0)]
    )
    assert table.splitlines() == [
        "strategy                 clients    calls  completion ms",
        "full jitter                  100      700          3,149",
        "exponential, no jitter       100     1472         46,162",
    ]


def test_figure_view_renders_png_and_names_its_content() -> None:
    """The figure shows as PNG and its text form names the range and the strategies."""
    view = contention_figure(sweep_contention([10, 20], ["full", "exponential"], runs=1), title="t")
    assert repr(view) == "[figure: calls and completion time, 10–20 clients: exponential, no jitter, full jitter]"
    assert view._repr_png_().startswith(b"\x89PNG")
    assert len(view.figure.axes) == 2


def test_jitter_lab_runs_its_settings() -> None:
    """JitterLab simulates its strategies at step, 2·step, … and summarises the largest count."""
    lab = JitterLab(max_clients=30, step=10, runs=1, strategies=("full", "none"))
    assert lab.client_counts() == [10, 20, 30]
    results = lab.run()
    assert [(r.strategy, r.clients) for r in results][:3] == [("full", 10), ("full", 20), ("full", 30)]
    summary = lab.summary(results).splitlines()
    assert [line.split()[0] for line in summary[1:]] == ["full", "no"]


def test_jitter_lab_refuses_empty_or_inverted_settings() -> None:
    """No strategy, or a step larger than the client count, is a FaultlabError."""
    with pytest.raises(FaultlabError, match="at least one strategy"):
        JitterLab(strategies=()).run()
    with pytest.raises(FaultlabError, match="step <= max_clients"):
        JitterLab(max_clients=5, step=10).client_counts()
