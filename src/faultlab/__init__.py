"""faultlab: the support package of the course *Production error handling, in Python*.

It provides a simulated infrastructure that fails on demand (:class:`World`,
:class:`FaultPlan`), a virtual clock (:class:`VirtualClock`), renderers for exception
chains (:func:`format_chain`, :func:`chain_record`, :func:`show`), and the exercise
functions :func:`check` and :func:`hint`. For lesson 04 it adds a real HTTP server on the
loopback interface that fails on demand (:class:`FaultServer`), the contending-clients
backoff simulation (:func:`simulate_contention`, :class:`JitterLab`) and a retry timeline
(:class:`RetryTimeline`).

``import faultlab`` never imports ipywidgets, httpx or matplotlib: the widgets live in
``faultlab.widgets``, and matplotlib is imported only to draw a figure.
"""

from __future__ import annotations

from faultlab._backoff_sim import (
    ContentionResult,
    FigureView,
    JitterLab,
    contention_figure,
    contention_table,
    simulate_contention,
    sweep_contention,
)
from faultlab._clock import VirtualClock
from faultlab._errors import (
    ClockError,
    FaultlabError,
    FaultPlanError,
    MarkerError,
    NotebookError,
    UnknownExerciseError,
)
from faultlab._exercise import Progress, Verdict, check, exercises, hint, progress
from faultlab._faults import FaultPlan
from faultlab._http import FaultServer, ServedRequest
from faultlab._observe import guarded
from faultlab._report import chain_html, chain_of, chain_record, show
from faultlab._report import format_chain as _format_chain
from faultlab._report import format_chain_oneline as _format_chain_oneline
from faultlab._timeline import RetryTimeline
from faultlab._world import Call, ObjectStore, Service, World

# The chain renderers are the reference answers of lesson 03's exercises: guarded, so a
# check can tell an answer that merely calls them.
format_chain = guarded(_format_chain)
format_chain_oneline = guarded(_format_chain_oneline)

__all__ = [
    "Call",
    "ClockError",
    "ContentionResult",
    "FaultPlan",
    "FaultPlanError",
    "FaultServer",
    "FaultlabError",
    "FigureView",
    "JitterLab",
    "MarkerError",
    "NotebookError",
    "ObjectStore",
    "Progress",
    "RetryTimeline",
    "ServedRequest",
    "Service",
    "UnknownExerciseError",
    "Verdict",
    "VirtualClock",
    "World",
    "chain_html",
    "chain_of",
    "chain_record",
    "check",
    "contention_figure",
    "contention_table",
    "exercises",
    "format_chain",
    "format_chain_oneline",
    "hint",
    "progress",
    "show",
    "simulate_contention",
    "sweep_contention",
]

__version__ = "0.1.0"
