"""The capstone's fault-injection dashboard: a view over :class:`faultlab.labs.PipelineLab`."""

from __future__ import annotations

from typing import Any

import ipywidgets as w

from faultlab.labs import STAGE_FAULTS, PipelineLab, PipelineRun
from faultlab.world import NODE_FAULTS

__all__ = ["PipelineDashboard"]

_NODES = tuple(f"gpu-worker-{i:02d}" for i in range(1, 6))
_BOX = {"border": "1px solid #ddd", "max_height": "260px", "overflow": "auto"}


class PipelineDashboard(w.VBox):  # type: ignore[misc]
    """Pick a fault schedule, add faults per stage and per node, run a pipeline, watch four views.

    Side by side: the retry timeline, the error chain or group tree, the log stream (records and
    spans) and a per-stage summary, each under a one-line text summary.

    Args:
        lab: The lab whose schedules it offers and that runs the pipeline.
        pipeline: The pipeline, called as ``pipeline(env, raw_config)``.
    """

    def __init__(self, lab: PipelineLab, pipeline: Any) -> None:
        self.lab = lab
        self.pipeline = pipeline
        self.schedule = w.Dropdown(options=list(lab.schedules), description="schedule")
        self.stage_toggles = {
            (stage, fault): w.Checkbox(
                value=False, description=f"{stage}: {fault}", indent=False, layout=w.Layout(width="auto")
            )
            for stage, faults in STAGE_FAULTS.items()
            for fault in faults
        }
        self.node_faults = {
            node: w.Dropdown(options=["healthy", *NODE_FAULTS], value="healthy", description=node) for node in _NODES
        }
        self.run_button = w.Button(description="Run pipeline", button_style="primary")
        self.status = w.HTML()
        self.summaries = {name: w.HTML() for name in ("timeline", "chain", "logs", "stages")}
        self.views = {name: w.Output(layout=w.Layout(**_BOX)) for name in self.summaries}
        self.run_button.on_click(self._on_run)
        titles = {"timeline": "retry timeline", "chain": "error chain / group tree", "logs": "log stream",
                  "stages": "per-stage summary"}  # fmt: skip

        def panel(name: str) -> w.VBox:
            return w.VBox(
                [w.HTML(f"<b>{titles[name]}</b>"), self.summaries[name], self.views[name]],
                layout=w.Layout(width="49%"),
            )

        super().__init__(
            [
                w.HTML("<b>Deployment pipeline</b>: download → build → push → roll out to five GPU nodes"),
                self.schedule,
                w.HTML("extra faults per stage (each once; on top of the schedule's):"),
                w.HBox(list(self.stage_toggles.values()), layout=w.Layout(flex_flow="row wrap")),
                w.HTML("faults per node:"),
                w.HBox(list(self.node_faults.values()), layout=w.Layout(flex_flow="row wrap")),
                self.run_button,
                self.status,
                w.HBox([panel("timeline"), panel("chain")]),
                w.HBox([panel("logs"), panel("stages")]),
            ]
        )

    def run(self) -> PipelineRun:
        """Copy the controls into one lab run and show it (what the button does)."""
        stage_faults = tuple((stage, fault, 1) for (stage, fault), box in self.stage_toggles.items() if box.value)
        node_faults = tuple((node, str(d.value)) for node, d in self.node_faults.items() if d.value != "healthy")
        result = self.lab.run(
            self.pipeline, str(self.schedule.value), stage_faults=stage_faults, node_faults=node_faults
        )
        self.show(result)
        return result

    def show(self, result: PipelineRun) -> None:
        """Write one run into the four views and their one-line summaries."""
        for view in self.views.values():
            view.outputs = ()
        for name, line in result.summaries().items():
            self.summaries[name].value = f"<i>{_escape(line)}</i>"
        self.views["timeline"].append_stdout("\n".join(result.timeline_rows()) + "\n")
        self.views["chain"].append_stdout(result.chain() + "\n")
        logs = result.record_lines() + result.span_lines()
        self.views["logs"].append_stdout("\n".join(logs) + "\n" if logs else "(no records or spans)\n")
        self.views["stages"].append_stdout("\n".join(s.line() for s in result.stages()) + "\n")
        verdict = "returned" if result.ok else f"raised {type(result.error).__name__}"
        self.status.value = f"run {len(self.lab.runs)} — {_escape(result.schedule.name)}: {verdict}"

    def _on_run(self, _: Any = None) -> None:
        self.run()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
