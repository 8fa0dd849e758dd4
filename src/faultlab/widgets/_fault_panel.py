"""The fault-injection panel: a view over :class:`faultlab.labs._fault_lab.FaultLab`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as w

from faultlab.labs import FAULT_KINDS, FaultLab
from faultlab.world import Service

__all__ = ["FaultPanel"]


class FaultPanel(w.VBox):  # type: ignore[misc]
    """Fault injection for one operation of one service, with a log of every call.

    Args:
        service: The simulated service (e.g. ``world.store``).
        operation: One of ``service.operations``.
        call: Makes one call; often the learner's own function.
        count: How many calls the *Run* button makes.
        describe: Turns a failure into its log line (``str`` when unset), e.g.
            :func:`faultlab.format_chain_oneline` to show each failure's whole chain.

    Raises:
        FaultPlanError: If ``operation`` is not an operation of ``service``.
    """

    def __init__(
        self,
        service: Service,
        operation: str,
        call: Callable[[], Any],
        *,
        count: int = 10,
        describe: Callable[[BaseException], str] | None = None,
    ) -> None:
        self.lab = FaultLab(service, operation, call, describe=describe)
        self.count = count
        self.toggles = {
            kind: w.Checkbox(value=False, description=kind, indent=False, layout=w.Layout(width="auto"))
            for kind in FAULT_KINDS
        }
        self.probability = w.FloatSlider(value=self.lab.probability, min=0.0, max=1.0, step=0.05, description="p(fail)")
        self.seed = w.IntText(value=self.lab.seed, description="seed", layout=w.Layout(width="160px"))
        self.latency = w.FloatText(value=0.0, description="latency s", layout=w.Layout(width="180px"))
        self.run_button = w.Button(description=f"Run {count} calls", button_style="primary")
        self.reset_button = w.Button(description="Reset")
        self.plan = w.HTML()
        self.status = w.HTML()
        self.calls_log = w.Output(layout=w.Layout(max_height="240px", overflow="auto", border="1px solid #ddd"))
        self.run_button.on_click(self._on_run)
        self.reset_button.on_click(self._on_reset)
        title = w.HTML(f"<b>Fault injection</b>: <code>{service.name}.{operation}</code>")
        super().__init__(
            [
                title,
                w.HBox(list(self.toggles.values())),
                w.HBox([self.probability, self.seed, self.latency]),
                w.HBox([self.run_button, self.reset_button]),
                self.plan,
                self.status,
                self.calls_log,
            ]
        )

    def _sync(self) -> None:
        for kind, box in self.toggles.items():
            self.lab.toggle(kind, bool(box.value))
        self.lab.probability = float(self.probability.value)
        self.lab.seed = int(self.seed.value)
        self.lab.latency = max(0.0, float(self.latency.value))

    def _on_run(self, _: Any = None) -> None:
        self._sync()
        rules = self.lab.apply()
        self.plan.value = "<br>".join(rules) if rules else "<i>no faults injected</i>"
        for outcome in self.lab.run(self.count):
            self.calls_log.append_stdout(outcome.line() + "\n")
        counts = ", ".join(f"{k}: {v}" for k, v in self.lab.summary().items())
        self.status.value = f"{len(self.lab.outcomes)} calls so far — {counts}"

    def _on_reset(self, _: Any = None) -> None:
        self.lab.reset()
        self.calls_log.outputs = ()  # at once: clear_output() reaches the browser late, after the next run
        self.status.value = ""
        self.plan.value = ""
