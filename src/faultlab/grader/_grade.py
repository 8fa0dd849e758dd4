"""Batch grading: find submissions, run them in sandboxes, judge, write reports.

The grader never runs a learner's code in its own process and never reads a
submission's content: a worker copies each notebook into a fresh sandbox, which parses
it, runs its definitions and *observes* the checks (see :mod:`faultlab.grader._submission` and
:mod:`faultlab.grader._sandbox`). What comes back is a stream of JSON lines that this module
parses and type-checks, then *judges* here, with the judge functions of the registry.
A sandbox can therefore lie only about what it observed, never about the verdict.
"""

from __future__ import annotations

import base64
import difflib
import math
import os
import secrets
import shutil
import stat
import tempfile
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from faultlab._errors import GradingError
from faultlab.exercises import Verdict, exercises, judge_exercise
from faultlab.grader._discover import Ref, discover
from faultlab.grader._extra import ExtraCheck, Step, build_plans, load_extra_checks
from faultlab.grader._formats import (
    ExerciseResult,
    GradedSubmission,
    gradebook_csv,
    learner_id,
    printable,
    results_json,
)
from faultlab.grader._progressbar import ProgressBar
from faultlab.grader._reports import Writer, write
from faultlab.grader._sandbox import (
    IsolationError,
    Limits,
    SandboxContext,
    Unreadable,
    WorkerPool,
    count_user_tasks,
    read_submission,
    remove_tree,
    sandbox_ids,
)
from faultlab.grader._warm import address_space_mb, prepare, warm_up
from faultlab.grader._wire import MAX_TEXT, ending, parse_line, strings, valid_observation

__all__ = ["GradeSummary", "grade"]

_ISOLATION = ("auto", "require", "off")
_ISOLATION_ENV = "FAULTLAB_ISOLATION"


@dataclass
class _Run:
    """One submission in progress."""

    ref: Ref
    steps: list[Step]
    verdicts: list[Verdict | None]
    names: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    output: str = ""
    output_bytes: int = 0
    invalid: str | None = None
    step_output: dict[int, str] = field(default_factory=dict)


@dataclass(frozen=True)
class GradeSummary:
    """What a grading run did."""

    __module__ = "faultlab.grader"

    submissions: tuple[GradedSubmission, ...]
    out: Path
    warnings: tuple[str, ...] = ()
    isolation: str = "bubblewrap"
    skipped: tuple[tuple[str, str], ...] = ()

    @property
    def learners(self) -> int:
        """How many learners were graded.

        Raises:
            Nothing.
        """
        return len({s.learner for s in self.submissions})


# -- preparing the grader ------------------------------------------------------------------


# Kept under their old names for the tests and benchmarks that warm a process up.
_warm_up = warm_up
_address_space_mb = address_space_mb


def _prepare_out(out: Path) -> None:
    if out.exists() and not out.is_dir():
        msg = f"--out {out}: exists and is not a folder"
        raise GradingError(msg)
    if out.is_dir() and any(out.iterdir()) and not (out / "results.json").is_file():
        msg = f"--out {out}: is not empty and holds no earlier results.json; choose a new or empty folder"
        raise GradingError(msg)
    try:
        out.mkdir(parents=True, exist_ok=True)
        for sub in ("feedback", "formats"):
            shutil.rmtree(out / sub, ignore_errors=True)
        probe = out / ".faultlab-write-test"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        msg = f"--out {out}: cannot write there ({exc.strerror or exc})"
        raise GradingError(msg) from None


def _check_options(jobs: int, timeout: float, memory_mb: int) -> None:
    if not 1 <= jobs <= 256:
        msg = f"--jobs {jobs}: use a number from 1 to 256"
        raise GradingError(msg)
    if not (math.isfinite(timeout) and 0 < timeout <= 3600):
        msg = f"--timeout {timeout}: use a number of seconds above 0 and at most 3600"
        raise GradingError(msg)
    if not 64 <= memory_mb <= 1024 * 1024:
        msg = f"--memory {memory_mb}: use a number of MB from 64 to 1048576"
        raise GradingError(msg)


class _Grader:
    """Runs the batch: tasks to the pool, results back to verdicts."""

    def __init__(self, plans: dict[str, list[Step]], limits: Limits) -> None:
        self.plans = plans
        self.limits = limits
        self.runs: list[_Run] = []
        self.tokens: dict[int, tuple[int, int, str]] = {}
        self.counter = 0

    def task(self, run_index: int, start: int) -> dict[str, Any]:
        """A new task for sandboxing ``steps[start:]`` of run ``run_index``, with a fresh token.

        Raises:
            Nothing.
        """
        self.counter += 1
        token = secrets.token_hex(16)
        self.tokens[self.counter] = (run_index, start, token)
        run = self.runs[run_index]
        return {"task": self.counter, "path": str(run.ref.path), "stem": run.ref.stem, "start": start, "token": token}

    def lost(self, task: Mapping[str, Any], message: str) -> None:
        """The submission of ``task`` could not be read: every exercise ``invalid``.

        Raises:
            Nothing.
        """
        run_index, _, _ = self.tokens.pop(int(task["task"]))
        run = self.runs[run_index]
        self._invalid(run, f"{run.ref.path.name} {message}")

    def absorb(self, result: Mapping[str, Any]) -> dict[str, Any] | None:
        """Turn one sandbox run into verdicts; return the follow-up task, if steps remain.

        Raises:
            Nothing.
        """
        run_index, start, token = self.tokens.pop(int(result["task"]))
        run = self.runs[run_index]
        output = result.get("output", "")
        if isinstance(output, str) and len(run.output) < self.limits.output_kept:
            run.output += output[: self.limits.output_kept - len(run.output)]
        run.output_bytes += int(result.get("output_bytes") or 0)
        end = result.get("end") or {}
        if end.get("reason") == "unreadable":
            self._invalid(run, f"{run.ref.path.name} {end.get('message')}")
            return None
        head = False
        step = start
        marks = result.get("marks") or []
        previous = 0
        for number, line in enumerate(result.get("lines") or []):
            mark = marks[number] if number < len(marks) and isinstance(marks[number], int) else previous
            printed, previous = output[previous:mark] if isinstance(output, str) else "", mark
            msg = parse_line(line)
            if not isinstance(msg, dict) or msg.get("token") != token:
                self._tampered(run, ["the result channel carried a message the grader did not send"])
                return None
            kind = msg.get("kind")
            if kind == "tampered":
                self._tampered(run, strings(msg.get("changes"), 8) or ["(unspecified)"])
                return None
            if not head:
                if kind == "invalid" and isinstance(msg.get("message"), str):
                    self._invalid(run, f"{run.ref.path.name} {msg['message'][:MAX_TEXT]}")
                    return None
                names, notes = strings(msg.get("names"), 300), strings(msg.get("notes"), 20)
                if kind != "defined" or names is None or notes is None:
                    self._tampered(run, ["the result channel carried a malformed first message"])
                    return None
                if start == 0:
                    run.names, run.notes = names, notes
                head = True
                continue
            if kind == "observation" and msg.get("step") == step and step < len(run.steps):
                run.verdicts[step] = self._judge(run, run.steps[step], msg)
                if printed:
                    run.step_output[step] = printed
                step += 1
                continue
            if kind == "done" and step == len(run.steps):
                return None
            self._tampered(run, ["the result channel carried an out-of-order message"])
            return None
        if not head:
            status, message = ending(end, self.limits, "running the notebook's definitions")
            for index in range(start, len(run.steps)):
                run.verdicts[index] = _verdict(run.steps[index], status, message)
            return None
        if step >= len(run.steps):
            return None
        status, message = ending(end, self.limits, f"the check of exercise {run.steps[step].exercise.id}")
        run.verdicts[step] = _verdict(run.steps[step], status, message)
        return self.task(run_index, step + 1) if step + 1 < len(run.steps) else None

    def _judge(self, run: _Run, step: Step, msg: Mapping[str, Any]) -> Verdict:
        obs = msg.get("observation")
        if obs is None and "unsendable" in msg:
            return _verdict(step, "error", "could not check: the observation could not be turned into JSON")
        if not isinstance(obs, dict) or not valid_observation(obs, step.check.id):
            return _verdict(step, "error", "could not check: the sandbox sent a malformed observation")
        if obs["state"] == "missing":
            return _verdict(step, "error", self._missing(run, step, str(obs["name"])))
        if obs["state"] == "refused":
            return _verdict(step, "error", "; ".join(obs["refused"]))
        try:
            return judge_exercise(step.check, obs)
        except Exception as exc:  # noqa: BLE001 - a judge meeting odd data must not stop the batch
            return _verdict(step, "error", f"could not check: malformed observation ({type(exc).__name__})")

    @staticmethod
    def _missing(run: _Run, step: Step, name: str) -> str:
        close = difflib.get_close_matches(name, [n for n in run.names if n not in step.exercise.names], n=1)
        hint = f" (the notebook defines `{close[0]}`: was it renamed?)" if close else ""
        needs = ", ".join(f"`{n}`" for n in step.exercise.names)
        message = f"`{name}` is not defined in the notebook{hint}. This exercise needs {needs}; keep those names."
        if run.notes:
            message += "\n    " + "\n    ".join(run.notes[:5])
        return message

    def _invalid(self, run: _Run, message: str) -> None:
        for index, step in enumerate(run.steps):
            run.verdicts[index] = _verdict(step, "invalid", message)
        run.invalid = message

    def _tampered(self, run: _Run, changes: Sequence[str]) -> None:
        self._invalid(
            run,
            "tampered: the submission changed the grader's checks while it was being graded ("
            + "; ".join(changes)
            + "), so nothing it reported can be trusted and it scores nothing.",
        )


def _verdict(step: Step, status: str, message: str) -> Verdict:
    return Verdict(step.check.id, status, message, 0, step.check.points)


def _combine(run: _Run) -> tuple[ExerciseResult, ...]:
    """Merge each exercise's own verdict with its extra checks' verdicts."""
    results: list[ExerciseResult] = []
    index = 0
    while index < len(run.steps):
        step = run.steps[index]
        first = index
        core = run.verdicts[index] or _verdict(step, "error", "could not check: no result")
        extras: list[tuple[ExtraCheck, Verdict]] = []
        index += 1
        while index < len(run.steps) and run.steps[index].extra is not None:
            extra = run.steps[index].extra
            verdict = run.verdicts[index] or _verdict(run.steps[index], "error", "could not check: no result")
            if extra is not None:
                extras.append((extra, verdict))
            index += 1
        points = core.points + sum(v.points for _, v in extras)
        max_points = core.max_points + sum(e.points for e, _ in extras)
        status = core.status
        message = core.text()
        failed = [(e, v) for e, v in extras if v.status != "passed"]
        if failed and run.invalid is None:
            if status == "passed":
                status = failed[0][1].status
            for extra, verdict in failed:
                detail = extra.feedback if extra.feedback is not None else verdict.text()
                message += f"\n    a further check did not pass: {detail}"
        printed = "".join(run.step_output.get(i, "") for i in range(first, index))
        results.append(
            ExerciseResult(step.exercise.id, step.exercise.title, status, points, max_points, message, printed)
        )
    return tuple(results)


def _unknown(ref: Ref, stems: Iterable[str]) -> GradedSubmission:
    known = sorted(stems)
    close = difflib.get_close_matches(ref.stem, known, n=1, cutoff=0.5)
    hint = f" Did you mean {close[0]}.ipynb?" if close else ""
    message = (
        f"invalid: {ref.path.name} is not one of the course's exercise notebooks ({', '.join(known)}); "
        f"the grader identifies a notebook by its file name, so hand it in under its original name.{hint}"
    )
    return _submission(ref, (ExerciseResult("-", "", "invalid", 0, 0, message),))


def _submission(
    ref: Ref, results: Sequence[ExerciseResult], notes: Sequence[str] = (), output: str = "", size: int = 0
) -> GradedSubmission:
    """The graded submission, with everything the learner controls made printable."""
    return GradedSubmission(
        learner_id(ref.learner),
        printable(ref.path.name, one_line=True),
        printable(ref.stem, one_line=True),
        tuple(
            ExerciseResult(r.id, r.title, r.status, r.points, r.max_points, printable(r.message), printable(r.output))
            for r in results
        ),
        tuple(printable(note, one_line=True) for note in notes),
        printable(output),
        size,
    )


# -- the run ----------------------------------------------------------------------------------


def _run_pool(
    ctx: SandboxContext,
    jobs: int,
    queue: deque[dict[str, Any]],
    grader: _Grader,
    budget: float,
    writer: Writer,
    finished: list[GradedSubmission],
    bar: ProgressBar,
) -> None:
    """Feed the queue to the workers until every submission is finished."""

    def finish(run: _Run) -> None:
        sub = _submission(run.ref, _combine(run), run.notes, run.output, run.output_bytes)
        finished.append(sub)
        writer.submission(sub)
        bar.step(f"{sub.learner}/{sub.notebook}")

    with WorkerPool(ctx, jobs) as pool:
        if ctx.bwrap and ctx.limits.memory_mb < pool.vmsize + 64:
            msg = (
                f"--memory {ctx.limits.memory_mb}: too small; a grading worker maps {pool.vmsize} MB, "
                f"use at least {pool.vmsize + 64}"
            )
            raise GradingError(msg)
        while queue or pool.busy:
            for slot in pool.idle:
                if not queue:
                    break
                task = queue.popleft()
                run = grader.runs[grader.tokens[int(task["task"])][0]]
                try:
                    raw = read_submission(task.pop("path"))
                except Unreadable as exc:
                    grader.lost(task, str(exc))
                    finish(run)
                    continue
                task["notebook"] = base64.b64encode(raw).decode("ascii")
                pool.submit(slot, task)
            for result in pool.wait(budget):
                if int(result.get("task", -1)) not in grader.tokens:
                    continue
                run = grader.runs[grader.tokens[int(result["task"])][0]]
                follow = grader.absorb(result)
                if follow is not None:
                    queue.appendleft(follow)
                    continue
                finish(run)


def _isolation(isolation: str | None, note: Callable[[str], None]) -> bool:
    """Whether the workers run inside bubblewrap; a warning (or an error) when they cannot."""
    from faultlab.grader._bwrap import unavailable

    mode = isolation if isolation is not None else os.environ.get(_ISOLATION_ENV, "auto")
    if mode not in _ISOLATION:
        msg = f"--isolation {mode}: use one of {', '.join(_ISOLATION)}"
        raise GradingError(msg)
    if mode == "off":
        note("--isolation=off: submissions are not isolated from this machine's files and network")
        return False
    reason = unavailable()
    if reason is None:
        return True
    if mode == "require":
        msg = f"--isolation=require: {reason}"
        raise GradingError(msg)
    note(
        f"{reason}: grading WITHOUT filesystem and network isolation (submissions can read what the "
        "sandbox user can read, and reach the network); --isolation=require makes this an error"
    )
    return False


def grade(
    paths: Sequence[str],
    out: str | Path,
    *,
    jobs: int | None = None,
    timeout: float = 10.0,
    memory_mb: int = 1024,
    extra_checks: str | None = None,
    isolation: str | None = None,
    progress: TextIO | None = None,
    warn: Callable[[str], None] = lambda _: None,
) -> GradeSummary:
    """Grade the submissions under ``paths`` and write every report into ``out``.

    Args:
        paths: Notebooks, learner folders, or class folders (see :func:`discover`).
        out: The output folder: new, empty, or holding an earlier run's results.
        jobs: Submissions graded at once (default: the usable CPUs).
        timeout: Wall-clock seconds for each step of a submission.
        memory_mb: The address-space limit of each sandbox, in MiB.
        extra_checks: A Python file declaring ``EXTRA_CHECKS``.
        isolation: ``"auto"`` (bubblewrap when it works, else a warning), ``"require"``
            (bubblewrap or an error), ``"off"``; default: ``$FAULTLAB_ISOLATION`` or ``"auto"``.
        progress: Where a progress bar goes, if it is a terminal.
        warn: Called with each warning (one line each).

    Raises:
        GradingError: Any usage error; nothing about a submission raises.
    """
    jobs = jobs if jobs is not None else max(1, len(os.sched_getaffinity(0)))
    _check_options(jobs, timeout, memory_mb)
    out_dir = Path(out)
    warnings: list[str] = []

    def note(message: str) -> None:
        warnings.append(message)
        warn(message)

    empty: list[str] = []
    skipped: list[tuple[str, str]] = []
    refs = discover(paths, out_dir, note, empty, skipped)
    extras = load_extra_checks(extra_checks) if extra_checks is not None else ()
    if extra_checks is not None and os.geteuid() == 0 and os.stat(extra_checks).st_mode & stat.S_IROTH:
        note(f"{extra_checks} is readable by every user, so a submission could read it: chmod 600 it")
    _prepare_out(out_dir)
    bwrap = _isolation(isolation, note)
    plans = build_plans(extras)
    limits = Limits(timeout=timeout, memory_mb=memory_mb)
    ids, id_warnings = sandbox_ids(jobs)
    for message in id_warnings:
        if not (bwrap and "standard library" in message):  # bubblewrap binds it readable
            note(message)
    warm = None
    if not bwrap:
        warm = prepare(extras)
        used = address_space_mb()
        if memory_mb < used + 64:
            msg = f"--memory {memory_mb}: too small; the grader itself maps {used} MB, use at least {used + 64}"
            raise GradingError(msg)
    nproc = limits.processes if ids else count_user_tasks(os.getuid()) + limits.processes * jobs
    blocked = {os.path.abspath(os.getcwd())} | {str(r.path.parent) for r in refs}
    scratch = tempfile.mkdtemp(prefix="faultlab-grade-")
    os.chmod(scratch, 0o711)  # noqa: S103 - sandboxes may enter their own folder, not list the others
    extra_source = None
    if extra_checks is not None:
        extra_source = (str(Path(extra_checks).resolve()), Path(extra_checks).read_text(encoding="utf-8"))
    ctx = SandboxContext(
        limits=limits,
        ids=ids,
        nproc=nproc,
        blocked_paths=frozenset(blocked),
        scratch=scratch,
        warm=warm,
        bwrap=bwrap,
        extra_source=extra_source,
    )
    grader = _Grader(plans, limits)
    writer = Writer(out_dir)
    finished: list[GradedSubmission] = []
    bar = ProgressBar(len(refs), progress)
    queue: deque[dict[str, Any]] = deque()
    for ref in refs:
        if ref.stem not in plans:
            sub = _unknown(ref, plans)
            finished.append(sub)
            writer.submission(sub)
            bar.step(f"{sub.learner}/{sub.notebook}")
            continue
        steps = plans[ref.stem]
        grader.runs.append(_Run(ref, steps, [None] * len(steps)))
        queue.append(grader.task(len(grader.runs) - 1, 0))
    longest = max((len(s) for s in plans.values()), default=1)
    budget = timeout * (longest + 2) + 60
    try:
        if queue:
            _run_pool(ctx, min(jobs, len(queue)), queue, grader, budget, writer, finished, bar)
    except IsolationError as exc:
        msg = f"could not start the isolated workers: {exc}"
        raise GradingError(msg) from None
    finally:
        remove_tree(scratch)
    finished.sort(key=lambda s: (s.learner, s.notebook))
    ids_in_order = [eid for eid, ex in exercises().items() if any(s.stem == ex.lesson for s in finished)]
    mode = "bubblewrap" if bwrap else "fork"
    isolation_record = {"mode": mode, "warnings": [w for w in warnings if "isolation" in w or "bubblewrap" in w]}
    write(out_dir / "gradebook.csv", gradebook_csv(finished, ids_in_order, [learner_id(e) for e in empty]))
    write(out_dir / "results.json", results_json(finished, isolation_record, skipped))
    return GradeSummary(tuple(finished), out_dir, tuple(warnings), mode, tuple(skipped))
