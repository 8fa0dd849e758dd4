"""Lesson 04's widgets: the retry timeline and the jitter lab.

Both are thin views: :class:`RetryTimelinePanel` over :class:`faultlab.labs.RetryTimeline`
(with the fault settings of :class:`faultlab.labs._fault_lab.FaultLab`), :class:`JitterLabPanel`
over :class:`faultlab.labs.JitterLab`. Every button handler only copies widget values into the
plain object, calls it, and shows what it returns.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as w

from faultlab._errors import FaultlabError
from faultlab.labs import (
    FAULT_KINDS,
    STRATEGIES,
    STRATEGY_LABELS,
    ContentionResult,
    JitterLab,
    RetryRunner,
    RetryTimeline,
    contention_figure,
)
from faultlab.world import Service

__all__ = ["JitterLabPanel", "RetryTimelinePanel"]


class RetryTimelinePanel(w.VBox):  # type: ignore[misc]
    """Inject faults into one operation, retry it with your helper, see every attempt and sleep.

    Args:
        service: The simulated service (e.g. ``world.store``).
        operation: One of ``service.operations``.
        call: Makes one attempt of that operation.
        run_with_retry: Your retry helper, called as ``run_with_retry(op, sleep)``.
        requests: How many retried requests the *Run* button makes.

    Raises:
        FaultPlanError: If ``operation`` is not an operation of ``service``.
    """

    def __init__(
        self,
        service: Service,
        operation: str,
        call: Callable[[], Any],
        run_with_retry: RetryRunner,
        *,
        requests: int = 4,
    ) -> None:
        self.timeline = RetryTimeline(service, operation, call, run_with_retry)
        self.toggles = {
            kind: w.Checkbox(value=kind == "timeout", description=kind, indent=False, layout=w.Layout(width="auto"))
            for kind in FAULT_KINDS
        }
        self.probability = w.FloatSlider(value=0.5, min=0.0, max=1.0, step=0.05, description="p(fail)")
        self.seed = w.IntText(value=0, description="seed", layout=w.Layout(width="160px"))
        self.latency = w.FloatText(value=0.2, description="latency s", layout=w.Layout(width="180px"))
        self.requests = w.BoundedIntText(value=requests, min=1, max=100, description="requests")
        self.run_button = w.Button(description="Run", button_style="primary")
        self.reset_button = w.Button(description="Reset")
        self.chart = w.HTML()
        self.status = w.HTML()
        self.calls_log = w.Output(layout=w.Layout(max_height="240px", overflow="auto", border="1px solid #ddd"))
        self.run_button.on_click(self._on_run)
        self.reset_button.on_click(self._on_reset)
        title = w.HTML(f"<b>Retry timeline</b>: <code>{service.name}.{operation}</code> (virtual time)")
        super().__init__(
            [
                title,
                w.HBox(list(self.toggles.values())),
                w.HBox([self.probability, self.seed, self.latency]),
                w.HBox([self.requests, self.run_button, self.reset_button]),
                self.chart,
                self.status,
                self.calls_log,
            ]
        )

    def _sync(self) -> None:
        lab = self.timeline.lab
        for kind, box in self.toggles.items():
            lab.toggle(kind, bool(box.value))
        lab.probability = float(self.probability.value)
        lab.seed = int(self.seed.value)
        lab.latency = max(0.0, float(self.latency.value))

    def _on_run(self, _: Any = None) -> None:
        self._sync()
        self.timeline.run(int(self.requests.value))
        self.chart.value = self.timeline.svg()
        self.calls_log.outputs = ()
        self.calls_log.append_stdout(self.timeline.text() + "\n")
        counts = ", ".join(f"{k}: {v}" for k, v in self.timeline.summary().items())
        self.status.value = f"{len(self.timeline.outcomes)} requests so far — {counts}"

    def _on_reset(self, _: Any = None) -> None:
        self.timeline.reset()
        self.chart.value = ""
        self.status.value = ""
        self.calls_log.outputs = ()


class JitterLabPanel(w.VBox):  # type: ignore[misc]
    """Pick strategies, clients, base and cap; plot the contention simulation's work and time.

    Args:
        lab: The settings to start from (a default :class:`faultlab.labs.JitterLab` if omitted).
    """

    def __init__(self, lab: JitterLab | None = None) -> None:
        self.lab = lab or JitterLab()
        self.strategy_boxes = {
            s: w.Checkbox(
                value=s in self.lab.strategies,
                description=STRATEGY_LABELS[s],
                indent=False,
                layout=w.Layout(width="auto"),
            )
            for s in STRATEGIES
        }
        self.max_clients = w.IntSlider(value=self.lab.max_clients, min=10, max=300, step=10, description="clients")
        self.base_ms = w.FloatLogSlider(value=self.lab.base_ms, base=10, min=-1, max=3, description="base ms")
        self.cap_ms = w.FloatLogSlider(value=self.lab.cap_ms, base=10, min=0, max=5, description="cap ms")
        self.runs = w.IntSlider(value=self.lab.runs, min=1, max=10, description="runs")
        self.run_button = w.Button(description="Simulate", button_style="primary")
        self.status = w.HTML()
        self.table = w.Output()
        self.plot = w.Output()
        self.results: list[ContentionResult] = []
        self.run_button.on_click(self._on_run)
        super().__init__(
            [
                w.HTML("<b>Jitter lab</b>: clients contending for one row (virtual time)"),
                w.HBox(list(self.strategy_boxes.values())),
                w.HBox([self.max_clients, self.runs]),
                w.HBox([self.base_ms, self.cap_ms]),
                self.run_button,
                self.status,
                self.table,
                self.plot,
            ]
        )

    def _sync(self) -> None:
        self.lab.strategies = tuple(s for s, box in self.strategy_boxes.items() if box.value)
        self.lab.max_clients = int(self.max_clients.value)
        self.lab.step = max(1, self.lab.max_clients // 10)
        self.lab.base_ms = float(self.base_ms.value)
        self.lab.cap_ms = float(self.cap_ms.value)
        self.lab.runs = int(self.runs.value)

    def _on_run(self, _: Any = None) -> None:
        self._sync()
        try:
            self.results = self.lab.run()
        except FaultlabError as exc:
            self.status.value = f"<span style='color:#cf222e'>{exc}</span>"
            return
        self.status.value = ""
        self.table.outputs = ()
        self.table.append_stdout(self.lab.summary(self.results) + "\n")
        self.plot.outputs = ()
        with self.plot:
            from IPython.display import display

            display(contention_figure(self.results))  # type: ignore[no-untyped-call]
