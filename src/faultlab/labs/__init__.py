"""Lesson logic that a notebook drives, free of any widget code.

Rule: ``faultlab.labs`` imports only :mod:`faultlab.world`, :mod:`faultlab._errors` and
:mod:`faultlab._report`; never exercises, grading, authoring or widgets. Everything here
is a plain class or function with plain-text (and SVG) output, tested without a browser;
:mod:`faultlab.widgets` puts thin ipywidgets views over it.

* :class:`FaultLab` — the fault-injection panel's settings applied to one service operation.
* :class:`RetryTimeline` — runs a retry helper against a faulty operation and records each
  attempt and sleep on the virtual time axis.
* :func:`simulate_contention`, :func:`sweep_contention`, :func:`contention_table`,
  :func:`contention_figure`, :class:`JitterLab` — many clients contending for one row:
  what backoff and jitter do to work and completion time.
* :class:`LogStreamLab`, :class:`SequentialIds`, :func:`span_line`, :func:`virtual_ns` — serve
  requests against a breakable model server and watch error records and spans appear, with
  ids and timestamps fixed at the source.
* :func:`lint`, :func:`lint_table` — ruff on a snippet, findings as (rule, line, message) rows.
* :class:`PipelineLab`, :class:`Schedule`, :data:`SCHEDULES`, :data:`STAGE_FAULTS` — the capstone: a
  learner's deployment pipeline run end to end under seeded fault schedules (lesson 08).
* :class:`StaticLab`, :class:`Finding` — run mypy, ruff or basedpyright on a snippet and keep
  its findings as (rule, line) rows (lesson 05).

A new lesson's lab goes in its own ``_name.py`` here and is exported below.
"""

from __future__ import annotations

from faultlab.labs._contention import (
    STRATEGIES,
    STRATEGY_LABELS,
    ContentionResult,
    FigureView,
    JitterLab,
    contention_figure,
    contention_table,
    simulate_contention,
    sweep_contention,
)
from faultlab.labs._fault_lab import FAULT_KINDS, FaultLab, Outcome
from faultlab.labs._lint import LESSON_07_RULES, lint, lint_table
from faultlab.labs._log_stream import LOG_STREAM_FAULTS, LogStreamLab, SequentialIds, span_line, virtual_ns
from faultlab.labs._pipeline import (
    DEFAULT_CONFIG,
    SCHEDULES,
    STAGE_FAULTS,
    STAGES,
    CallRow,
    PipelineEnv,
    PipelineLab,
    PipelineRun,
    Schedule,
    SleepRow,
    StageSummary,
)
from faultlab.labs._static import Finding, StaticLab, StaticToolError
from faultlab.labs._timeline import RequestOutcome, RetryRunner, RetryTimeline, Span

__all__ = [
    "DEFAULT_CONFIG",
    "FAULT_KINDS",
    "LESSON_07_RULES",
    "LOG_STREAM_FAULTS",
    "SCHEDULES",
    "STAGES",
    "STAGE_FAULTS",
    "STRATEGIES",
    "STRATEGY_LABELS",
    "CallRow",
    "ContentionResult",
    "FaultLab",
    "FigureView",
    "Finding",
    "JitterLab",
    "LogStreamLab",
    "Outcome",
    "PipelineEnv",
    "PipelineLab",
    "PipelineRun",
    "RequestOutcome",
    "RetryRunner",
    "RetryTimeline",
    "Schedule",
    "SequentialIds",
    "SleepRow",
    "Span",
    "StageSummary",
    "StaticLab",
    "StaticToolError",
    "contention_figure",
    "contention_table",
    "lint",
    "lint_table",
    "simulate_contention",
    "span_line",
    "sweep_contention",
    "virtual_ns",
]
