"""The log-stream panel: a view over :class:`faultlab.labs.LogStreamLab`."""

from __future__ import annotations

from typing import Any

import ipywidgets as w

from faultlab.labs import LOG_STREAM_FAULTS, LogStreamLab

__all__ = ["LogStreamPanel"]


class LogStreamPanel(w.VBox):  # type: ignore[misc]
    """Break the model server and watch the error records and spans each request leaves.

    Args:
        lab: The lab that serves the requests (``LogStreamLab(World.demo())``).
        count: How many requests the *Serve* button makes.
    """

    def __init__(self, lab: LogStreamLab, *, count: int = 5) -> None:
        self.lab = lab
        self.count = count
        self.toggles = {
            kind: w.Checkbox(value=kind in lab.kinds, description=kind, indent=False, layout=w.Layout(width="auto"))
            for kind in LOG_STREAM_FAULTS
        }
        self.probability = w.FloatSlider(value=lab.probability, min=0.0, max=1.0, step=0.05, description="p(fail)")
        self.seed = w.IntText(value=lab.seed, description="seed", layout=w.Layout(width="160px"))
        self.run_button = w.Button(description=f"Serve {count} requests", button_style="primary")
        self.reset_button = w.Button(description="Reset")
        self.status = w.HTML()
        self.records = w.Output(layout=w.Layout(max_height="220px", overflow="auto", border="1px solid #ddd"))
        self.spans = w.Output(layout=w.Layout(max_height="220px", overflow="auto", border="1px solid #ddd"))
        self.run_button.on_click(self._on_run)
        self.reset_button.on_click(self._on_reset)
        super().__init__(
            [
                w.HTML("<b>Log stream</b>: <code>models.load_model</code> / <code>models.infer</code>"),
                w.HBox(list(self.toggles.values())),
                w.HBox([self.probability, self.seed]),
                w.HBox([self.run_button, self.reset_button]),
                self.status,
                w.HTML("<b>records</b>"),
                self.records,
                w.HTML("<b>spans</b>"),
                self.spans,
            ]
        )

    def _sync(self) -> None:
        for kind, box in self.toggles.items():
            self.lab.toggle(kind, bool(box.value))
        self.lab.probability = float(self.probability.value)
        self.lab.seed = int(self.seed.value)

    def _on_run(self, _: Any = None) -> None:
        self._sync()
        for line in self.lab.run(self.count):
            (self.spans if line.startswith("span ") else self.records).append_stdout(line + "\n")
        counts = ", ".join(f"{k}: {v}" for k, v in self.lab.summary().items())
        leak = "the fake api key leaked!" if self.lab.leaks() else "the fake api key appears nowhere"
        self.status.value = f"{len(self.lab.records)} requests — {counts} — {leak}"

    def _on_reset(self, _: Any = None) -> None:
        self.lab.reset()
        self.records.outputs = ()
        self.spans.outputs = ()
        self.status.value = ""
