"""ipywidgets views for notebooks: thin layers over plain, tested classes.

Rule: nothing in faultlab imports ``faultlab.widgets``; only notebooks do, so ``import
faultlab``, the grader and scripts stay headless. Each widget is a thin view over a class
of :mod:`faultlab.labs` (or a renderer of :mod:`faultlab._report`); the logic and its
tests live there, and a new widget goes in its own ``_name.py`` here.

* :class:`FaultPanel` — toggle fault kinds, probability, seed and latency for one
  service operation, run calls, watch each call's outcome (logic: ``FaultLab``).
* :class:`ChainViewer` — an exception chain as an expandable tree (logic:
  :func:`faultlab.chain_record`).
* :class:`RetryTimelinePanel` — inject faults, retry with your own helper, see each
  attempt, its outcome and each sleep on the virtual time axis (logic: ``RetryTimeline``).
* :class:`LogStreamPanel` — break the model server, watch error records and spans appear
  (logic: ``LogStreamLab``).
* :class:`PipelineDashboard` — the capstone's fault-injection dashboard: a schedule, faults per
  stage and node, and a pipeline's timeline, chain, logs and stages side by side (logic:
  ``PipelineLab``).
* :class:`JitterLabPanel` — strategies, clients, base and cap in; the contention
  simulation's work and completion time out (logic: ``JitterLab``).
"""

from __future__ import annotations

from faultlab.widgets._chain import ChainViewer
from faultlab.widgets._fault_panel import FaultPanel
from faultlab.widgets._log_stream import LogStreamPanel
from faultlab.widgets._pipeline import PipelineDashboard
from faultlab.widgets._retry import JitterLabPanel, RetryTimelinePanel

__all__ = ["ChainViewer", "FaultPanel", "JitterLabPanel", "LogStreamPanel", "PipelineDashboard", "RetryTimelinePanel"]
