"""faultlab: the support package of the course *Production error handling, in Python*.

It provides a simulated infrastructure that fails on demand (:class:`World`,
:class:`FaultPlan`), a virtual clock (:class:`VirtualClock`), renderers for exception
chains (:func:`format_chain`, :func:`chain_record`, :func:`show`), and the exercise
functions :func:`check` and :func:`hint`.

``import faultlab`` never imports ipywidgets: the widgets live in ``faultlab.widgets``.
"""

from __future__ import annotations

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
from faultlab._observe import guarded
from faultlab._report import chain_html, chain_of, chain_record, show
from faultlab._report import format_chain as _format_chain
from faultlab._report import format_chain_oneline as _format_chain_oneline
from faultlab._world import Call, ObjectStore, Service, World

# The chain renderers are the reference answers of lesson 03's exercises: guarded, so a
# check can tell an answer that merely calls them.
format_chain = guarded(_format_chain)
format_chain_oneline = guarded(_format_chain_oneline)

__all__ = [
    "Call",
    "ClockError",
    "FaultPlan",
    "FaultPlanError",
    "FaultlabError",
    "MarkerError",
    "NotebookError",
    "ObjectStore",
    "Progress",
    "Service",
    "UnknownExerciseError",
    "Verdict",
    "VirtualClock",
    "World",
    "chain_html",
    "chain_of",
    "chain_record",
    "check",
    "exercises",
    "format_chain",
    "format_chain_oneline",
    "hint",
    "progress",
    "show",
]

__version__ = "0.1.0"
