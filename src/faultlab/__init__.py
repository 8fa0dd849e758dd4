"""faultlab: the support package of the course *Production error handling, in Python*.

``import faultlab`` is the learner's API, and only that: a seeded simulated world that
fails on demand (:class:`World`, :class:`FaultPlan`), a virtual clock
(:class:`VirtualClock`), renderers for exception chains (:func:`format_chain`,
:func:`format_chain_oneline`, :func:`chain_record`, :func:`chain_html`, :func:`chain_of`,
:func:`show`), the exercise functions :func:`check`, :func:`hint` and :func:`progress`,
and faultlab's own errors.

The rest lives in packages whose folders are the architecture, each with its rule in its
docstring::

    faultlab.world       simulated infrastructure and the loopback FaultServer
    faultlab.labs        lesson logic a notebook drives (simulations, timelines), no widgets
    faultlab.exercises   Exercise, observe and judge, check/hint/progress; lessons/ holds the checks
    faultlab.grader      batch grading in sandboxes, result formats (the instructor's API)
    faultlab.authoring   build exercises from solutions, execute notebooks, release a bundle
    faultlab.widgets     thin ipywidgets views over faultlab.labs (imported only by notebooks)
    faultlab.cli         the ``faultlab`` command

``import faultlab`` never imports ipywidgets, httpx or matplotlib.
"""

from __future__ import annotations

from faultlab._errors import (
    ClockError,
    FaultlabError,
    FaultPlanError,
    UnknownExerciseError,
)
from faultlab._progress import progress
from faultlab._report import chain_html, chain_of, chain_record, show
from faultlab._report import format_chain as _format_chain
from faultlab._report import format_chain_oneline as _format_chain_oneline
from faultlab.exercises import check, guarded, hint
from faultlab.world import FaultPlan, VirtualClock, World

# The chain renderers are the reference answers of lesson 03's exercises: guarded, so a
# check can tell an answer that merely calls them.
format_chain = guarded(_format_chain)
format_chain_oneline = guarded(_format_chain_oneline)

__all__ = [
    "ClockError",
    "FaultPlan",
    "FaultPlanError",
    "FaultlabError",
    "UnknownExerciseError",
    "VirtualClock",
    "World",
    "chain_html",
    "chain_of",
    "chain_record",
    "check",
    "format_chain",
    "format_chain_oneline",
    "hint",
    "progress",
    "show",
]

__version__ = "0.1.0"
