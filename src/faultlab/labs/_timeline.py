"""The logic behind the retry timeline, free of any widget code.

:class:`RetryTimeline` runs a retry helper (the learner's, or a lesson's) against one
operation of a simulated service, whose faults its ``lab`` (a
:class:`~faultlab.labs._fault_lab.FaultLab`) sets, and records every attempt and every sleep on
the virtual time axis. It renders the result as text and as an SVG strip;
:class:`faultlab.widgets.RetryTimelinePanel` is a thin view over it.

The helper is called as ``run_with_retry(op, sleep)``: it must call ``op()`` for each
attempt and ``sleep(seconds)`` to wait, which is exactly the seam a testable retry
helper exposes.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from faultlab._errors import FaultlabError
from faultlab.labs._fault_lab import FaultLab
from faultlab.world import Service

__all__ = ["RequestOutcome", "RetryTimeline", "Span"]

RetryRunner = Callable[[Callable[[], Any], Callable[[float], None]], Any]


@dataclass(frozen=True)
class Span:
    """One attempt or one sleep of one request, in virtual seconds."""

    __module__ = "faultlab.labs"

    request: int
    kind: str  # "attempt" or "sleep"
    start: float
    end: float
    outcome: str = ""  # for an attempt: "ok" or the exception type
    detail: str = ""


@dataclass(frozen=True)
class RequestOutcome:
    """How one retried request ended."""

    __module__ = "faultlab.labs"

    request: int
    outcome: str  # "ok" or the type of the exception the helper raised
    detail: str
    attempts: int
    start: float
    end: float


class RetryTimeline:
    """Record what a retry helper does under faults injected into one service operation.

    Args:
        service: The simulated service (e.g. ``world.store``).
        operation: One of ``service.operations``; its fault settings live in :attr:`lab`.
        call: Makes one attempt of that operation.
        run_with_retry: The retry helper, called as ``run_with_retry(op, sleep)`` once per
            request.

    Raises:
        FaultPlanError: If ``operation`` is not an operation of ``service``.
    """

    __module__ = "faultlab.labs"

    def __init__(self, service: Service, operation: str, call: Callable[[], Any], run_with_retry: RetryRunner) -> None:
        self.lab = FaultLab(service, operation, call)
        self.run_with_retry = run_with_retry
        self.spans: list[Span] = []
        self.outcomes: list[RequestOutcome] = []

    def __repr__(self) -> str:
        return f"RetryTimeline({len(self.outcomes)} request(s), {len(self.spans)} span(s))"

    def run(self, requests: int = 3) -> list[RequestOutcome]:
        """Apply the lab's faults, make ``requests`` retried requests, return how each ended.

        ``KeyboardInterrupt`` and other ``BaseException``s that are not ``Exception``s
        are never caught here: they stop the run, as they should.

        Raises:
            FaultlabError: If ``requests`` is not between 1 and 100.
        """
        if isinstance(requests, bool) or not isinstance(requests, int) or not 1 <= requests <= 100:
            msg = f"requests must be between 1 and 100, got {requests!r}"
            raise FaultlabError(msg)
        self.lab.apply()
        clock = self.lab.service.clock
        new = []
        for _ in range(requests):
            number = len(self.outcomes) + 1
            attempts = 0

            def op(number: int = number) -> Any:
                nonlocal attempts
                attempts += 1
                start = clock.now()
                try:
                    value = self.lab.call()
                except BaseException as exc:
                    self.spans.append(Span(number, "attempt", start, clock.now(), type(exc).__name__, str(exc)))
                    raise
                self.spans.append(Span(number, "attempt", start, clock.now(), "ok", _short(value)))
                return value

            def sleep(seconds: float, number: int = number) -> None:
                start = clock.now()
                clock.sleep(seconds)
                self.spans.append(Span(number, "sleep", start, clock.now()))

            began = clock.now()
            try:
                value = self.run_with_retry(op, sleep)
            except Exception as exc:  # noqa: BLE001 - showing how a request ended is the point
                outcome = RequestOutcome(number, type(exc).__name__, str(exc), attempts, began, clock.now())
            else:
                outcome = RequestOutcome(number, "ok", _short(value), attempts, began, clock.now())
            self.outcomes.append(outcome)
            new.append(outcome)
        return new

    def reset(self) -> None:
        """Forget every span and outcome, and remove the lab's fault rules."""
        self.spans.clear()
        self.outcomes.clear()
        self.lab.reset()

    def text(self) -> str:
        """Every request, attempt and sleep as fixed-width lines (times in virtual seconds)."""
        lines = []
        for out in self.outcomes:
            verdict = "ok" if out.outcome == "ok" else f"gave up with {out.outcome}"
            lines.append(
                f"request {out.request}: {verdict} after {out.attempts} attempt(s), {out.end - out.start:.2f}s"
            )
            for span in (s for s in self.spans if s.request == out.request):
                if span.kind == "sleep":
                    lines.append(f"  t={span.start:8.3f}s  sleep {span.end - span.start:.3f}s")
                elif span.outcome == "ok":
                    lines.append(f"  t={span.start:8.3f}s  ok  {span.detail}")
                else:
                    lines.append(f"  t={span.start:8.3f}s  ERR {span.outcome}: {span.detail}")
        return "\n".join(lines)

    def svg(self, width: int = 640) -> str:
        """The requests as rows on one virtual time axis: attempts as blocks, sleeps as lines."""
        if not self.outcomes:
            return "<svg xmlns='http://www.w3.org/2000/svg' width='0' height='0'></svg>"
        t0 = self.outcomes[0].start
        t1 = max(max(o.end for o in self.outcomes), t0 + 1e-9)
        left, row = 80, 22
        scale = (width - left - 10) / (t1 - t0)
        height = row * len(self.outcomes) + 24
        parts = [f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' font-size='11'>"]
        for i, out in enumerate(self.outcomes):
            y = 6 + i * row
            colour = "#1a7f37" if out.outcome == "ok" else "#cf222e"
            parts.append(f"<text x='2' y='{y + 12}' fill='{colour}'>request {out.request}</text>")
            for span in (s for s in self.spans if s.request == out.request):
                x = left + (span.start - t0) * scale
                w = max((span.end - span.start) * scale, 3.0)
                if span.kind == "sleep":
                    parts.append(
                        f"<line x1='{x:.1f}' y1='{y + 8}' x2='{x + w:.1f}' y2='{y + 8}' stroke='#8c959f' "
                        f"stroke-dasharray='3 2'><title>sleep {span.end - span.start:.3f}s</title></line>"
                    )
                else:
                    fill = "#2da44e" if span.outcome == "ok" else "#cf222e"
                    tip = html.escape(f"{span.outcome}: {span.detail}", quote=True)
                    parts.append(
                        f"<rect x='{x:.1f}' y='{y + 2}' width='{w:.1f}' height='12' fill='{fill}'>"
                        f"<title>{tip}</title></rect>"
                    )
        axis_y = height - 6
        parts.append(f"<text x='{left}' y='{axis_y}'>t={t0:.2f}s</text>")
        parts.append(f"<text x='{width - 10}' y='{axis_y}' text-anchor='end'>t={t1:.2f}s (virtual)</text>")
        parts.append("</svg>")
        return "".join(parts)

    def summary(self) -> dict[str, int]:
        """Count requests by how they ended, sorted by outcome name."""
        counts: dict[str, int] = {}
        for out in self.outcomes:
            counts[out.outcome] = counts.get(out.outcome, 0) + 1
        return dict(sorted(counts.items()))


def _short(value: object) -> str:
    if isinstance(value, bytes):
        return f"{len(value)} bytes"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
