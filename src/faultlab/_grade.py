"""Batch grading: find submissions, run them in sandboxes, judge, write reports.

The grader never runs a learner's code in its own process and never reads a
submission's content: a worker copies each notebook into a fresh sandbox, which parses
it, runs its definitions and *observes* the checks (see :mod:`faultlab._submission` and
:mod:`faultlab._sandbox`). What comes back is a stream of JSON lines that this module
parses and type-checks, then *judges* here, with the judge functions of the registry.
A sandbox can therefore lie only about what it observed, never about the verdict.
"""

from __future__ import annotations

import codecs
import contextlib
import difflib
import importlib
import importlib.util
import json
import math
import os
import pkgutil
import secrets
import shutil
import signal
import stat
import sys
import tempfile
import traceback
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import faultlab
from faultlab._errors import FaultlabError
from faultlab._exercise import Exercise, Verdict, exercises, judge_exercise
from faultlab._formats import (
    ExerciseResult,
    GradedSubmission,
    exercism_results,
    feedback_html,
    feedback_markdown,
    gradebook_csv,
    gradescope_results,
    printable,
    results_json,
)
from faultlab._integrity import Fingerprint
from faultlab._observe import Probe
from faultlab._sandbox import Limits, SandboxContext, WorkerPool, count_user_tasks, remove_tree, sandbox_ids

__all__ = ["ExtraCheck", "GradeSummary", "GradingError", "discover", "grade", "load_extra_checks"]

EXTRA_MODULE = "faultlab_extra_checks"

# Modules a notebook may import, imported before the workers fork: a sandbox then finds
# them ready (no import cost per submission), even when its unprivileged user cannot read
# the Python installation.
_WARM = (
    "abc", "asyncio", "base64", "collections", "collections.abc", "concurrent.futures", "contextlib",
    "copy", "dataclasses", "datetime", "decimal", "enum", "errno", "fractions", "functools", "hashlib",
    "heapq", "http", "http.client", "http.server", "inspect", "io", "ipaddress", "itertools", "json",
    "logging", "logging.handlers", "math", "numbers", "operator", "pathlib", "pickle", "queue", "random",
    "re", "secrets", "selectors", "signal", "socket", "socketserver", "statistics", "string", "struct",
    "textwrap", "threading", "time", "traceback", "types", "typing", "urllib.parse", "uuid", "warnings",
    "weakref", "zlib", "httpx", "tenacity", "stamina", "structlog",
)  # fmt: skip


# faultlab modules for authors and the command line, never needed in a sandbox (and slow:
# they import nbformat).
_AUTHORING = {
    "faultlab._build",
    "faultlab._cli",
    "faultlab._envfile",
    "faultlab._execute",
    "faultlab._notebook",
    "faultlab._release",
}
_ENCODINGS = ("utf-8", "utf-8-sig", "ascii", "latin-1", "utf-16", "utf-32", "cp1252", "idna", "unicode-escape")


class GradingError(FaultlabError, ValueError):
    """A usage error of ``faultlab grade``: a bad path, option or extra-checks file."""

    __module__ = "faultlab.grading"


@dataclass(frozen=True)
class ExtraCheck:
    """An instructor's private check for an exercise, counted in the grade.

    Declare them in a Python file as ``EXTRA_CHECKS = [ExtraCheck(...), ...]`` and pass it
    with ``faultlab grade --extra-checks FILE``. Learners never see the file.

    Attributes:
        exercise: The id of the exercise it adds to, e.g. ``"1.3"``.
        name: What it checks, for the instructor (shown to learners only if no ``feedback``).
        points: What passing it adds to the exercise.
        observe: Runs in the sandbox: calls the learner's code through the probe, returns plain data.
        judge: Runs in the grader: raises :class:`faultlab.grading.Fail` at the first unmet expectation.
        feedback: Shown to the learner when it fails, *instead of* the details, so the check
            itself is not given away. ``None`` shows the details.
    """

    exercise: str
    name: str
    points: int
    observe: Callable[[Probe], dict[str, Any]] = field(repr=False)
    judge: Callable[[dict[str, Any]], None] = field(repr=False)
    feedback: str | None = None


ExtraCheck.__module__ = "faultlab.grading"


@dataclass(frozen=True)
class _Step:
    exercise: Exercise
    check: Exercise
    extra: ExtraCheck | None = None


@dataclass(frozen=True)
class _Ref:
    learner: str
    path: Path
    stem: str


@dataclass
class _Run:
    """One submission in progress."""

    ref: _Ref
    steps: list[_Step]
    verdicts: list[Verdict | None]
    names: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    output: str = ""
    output_bytes: int = 0
    invalid: str | None = None


@dataclass(frozen=True)
class GradeSummary:
    """What a grading run did."""

    submissions: tuple[GradedSubmission, ...]
    out: Path
    warnings: tuple[str, ...] = ()

    @property
    def learners(self) -> int:
        """How many learners were graded.

        Raises:
            Nothing.
        """
        return len({s.learner for s in self.submissions})


# -- finding submissions ------------------------------------------------------------------


def _notebooks_in(folder: Path) -> list[Path]:
    found = []
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith(".") or entry.suffix != ".ipynb" or (entry.is_symlink() and entry.is_dir()):
            continue
        if not entry.is_dir():
            found.append(entry)
    return found


def _learner_dirs(folder: Path, skip: Path) -> list[Path]:
    return [
        entry
        for entry in sorted(folder.iterdir())
        if entry.is_dir() and not entry.is_symlink() and not entry.name.startswith(".") and entry.resolve() != skip
    ]


def discover(
    paths: Sequence[str],
    out: Path,
    warn: Callable[[str], None] = lambda _: None,
    empty: list[str] | None = None,
) -> list[_Ref]:
    """Find the submissions named by ``paths``: notebooks, a learner's folder, or a class folder.

    A notebook is graded for the learner named by its folder. A folder holding notebooks
    is one learner's (its name is the learner id); a folder holding only folders is a
    class, one subfolder per learner. Hidden entries are skipped, and so is ``out``.
    Learners of a class whose folder holds no notebook are appended to ``empty``, so the
    gradebook can still give them a row.

    Raises:
        GradingError: A path that does not exist, is not a notebook or folder, or holds nothing
            to grade; or the same learner's notebook given twice from different places.
    """
    refs: list[_Ref] = []
    skip = out.resolve()
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            msg = f"{raw}: no such file or folder"
            raise GradingError(msg)
        if path.is_file():
            if path.suffix != ".ipynb":
                msg = f"{raw}: not a notebook (expected a .ipynb file or a folder of them)"
                raise GradingError(msg)
            resolved = path.resolve()
            refs.append(_Ref(resolved.parent.name or "learner", resolved, resolved.stem))
            continue
        if not path.is_dir():
            msg = f"{raw}: not a notebook or a folder"
            raise GradingError(msg)
        folder = path.resolve()
        notebooks = _notebooks_in(folder)
        if notebooks:
            extra = _learner_dirs(folder, skip)
            if extra:
                warn(f"{raw} holds notebooks, so it is graded as one learner's folder; its subfolders are ignored")
            refs += [_Ref(folder.name or "learner", nb, nb.stem) for nb in notebooks]
            continue
        learners = _learner_dirs(folder, skip)
        if not learners:
            msg = f"{raw}: holds no notebooks and no learner folders"
            raise GradingError(msg)
        for learner in learners:
            notebooks = _notebooks_in(learner)
            if not notebooks:
                warn(f"learner {learner.name!r} has no notebooks (they must sit directly in {learner.name}/)")
                if empty is not None:
                    empty.append(learner.name)
            refs += [_Ref(learner.name, nb, nb.stem) for nb in notebooks]
    unique: dict[tuple[str, str], _Ref] = {}
    for ref in refs:
        key = (ref.learner, ref.path.name)
        if key in unique and unique[key].path != ref.path:
            msg = (
                f"learner {ref.learner!r} has {ref.path.name} twice: {unique[key].path} and {ref.path}; "
                "grade them in separate runs"
            )
            raise GradingError(msg)
        unique[key] = ref
    return sorted(unique.values(), key=lambda r: (r.learner, r.path.name))


# -- the instructor's extra checks ----------------------------------------------------------


def load_extra_checks(path: str) -> tuple[ExtraCheck, ...]:
    """Import an extra-checks file and return its ``EXTRA_CHECKS``, validated.

    Raises:
        GradingError: The file is missing, raises on import, or declares checks that are
            not :class:`ExtraCheck` objects for registered exercises.
    """
    file = Path(path)
    if not file.is_file():
        msg = f"--extra-checks {path}: no such file"
        raise GradingError(msg)
    spec = importlib.util.spec_from_file_location(EXTRA_MODULE, file)
    if spec is None or spec.loader is None:
        msg = f"--extra-checks {path}: not a Python file"
        raise GradingError(msg)
    module = importlib.util.module_from_spec(spec)
    sys.modules[EXTRA_MODULE] = module
    try:
        spec.loader.exec_module(module)
    except Exception as exc:
        line = exc.lineno if isinstance(exc, SyntaxError) else _line_in(exc, file)
        where = f" (line {line})" if line else ""
        msg = f"--extra-checks {path}{where}: {type(exc).__name__}: {exc}"
        raise GradingError(msg) from exc
    checks = getattr(module, "EXTRA_CHECKS", None)
    if not isinstance(checks, list | tuple):
        msg = f"--extra-checks {path}: define EXTRA_CHECKS = [ExtraCheck(...), ...]"
        raise GradingError(msg)
    registry = exercises()
    for index, check in enumerate(checks):
        where = f"--extra-checks {path}: EXTRA_CHECKS[{index}]"
        if not isinstance(check, ExtraCheck):
            msg = f"{where} is a {type(check).__name__}, not a faultlab.grading.ExtraCheck"
            raise GradingError(msg)
        if check.exercise not in registry:
            msg = f"{where} names exercise {check.exercise!r}; valid ids are: {', '.join(registry)}"
            raise GradingError(msg)
        if isinstance(check.points, bool) or not isinstance(check.points, int) or check.points < 0:
            msg = f"{where} has points={check.points!r}; use a whole number >= 0"
            raise GradingError(msg)
        if not callable(check.observe) or not callable(check.judge):
            msg = f"{where} needs callable observe and judge"
            raise GradingError(msg)
        if check.feedback is not None and not isinstance(check.feedback, str):
            msg = f"{where} has a feedback that is not text"
            raise GradingError(msg)
    return tuple(checks)


def _line_in(exc: BaseException, file: Path) -> int | None:
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if Path(f.filename) == file]
    return frames[-1].lineno if frames else None


def _plans(extras: Sequence[ExtraCheck]) -> dict[str, list[_Step]]:
    plans: dict[str, list[_Step]] = {}
    for ex in exercises().values():
        steps = plans.setdefault(ex.lesson, [])
        steps.append(_Step(ex, ex))
        for extra in extras:
            if extra.exercise == ex.id:
                check = Exercise(
                    id=ex.id,
                    lesson=ex.lesson,
                    title=extra.name,
                    points=extra.points,
                    hints=ex.hints,
                    names=ex.names,
                    observe=extra.observe,
                    judge=extra.judge,
                    forbidden=ex.forbidden,
                    success=extra.name,
                )
                steps.append(_Step(ex, check, extra))
    return plans


# -- preparing the grader ------------------------------------------------------------------


def _warm_up() -> list[str]:
    """Import every faultlab module and the usual notebook imports; return faultlab's names."""
    for info in pkgutil.walk_packages(faultlab.__path__, "faultlab."):
        if info.name not in _AUTHORING and ".widgets" not in info.name:
            importlib.import_module(info.name)
    for name in _WARM:
        with contextlib.suppress(ImportError):
            importlib.import_module(name)
    for encoding in _ENCODINGS:
        with contextlib.suppress(LookupError):
            codecs.lookup(encoding)
    return sorted(n for n in sys.modules if n == "faultlab" or n.startswith("faultlab."))


def _address_space_mb() -> int:
    try:
        with open("/proc/self/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) // 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


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


# -- reading what a sandbox sent -------------------------------------------------------------

_STATES = {"observed", "missing", "reexport", "observer_error"}
_MAX_TEXT = 4000


def _parse_line(line: str) -> Any:
    try:
        return json.loads(line, parse_constant=_no_constants)
    except (ValueError, RecursionError):
        return None


def _no_constants(name: str) -> None:
    raise ValueError(name)


def _strings(value: Any, limit: int) -> list[str] | None:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return None
    return [v[:_MAX_TEXT] for v in value[:limit]]


def _depth_ok(value: Any, limit: int = 200) -> bool:
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return False
        if isinstance(item, dict):
            stack += [(v, depth + 1) for v in item.values()]
        elif isinstance(item, list):
            stack += [(v, depth + 1) for v in item]
    return True


def _valid_observation(obs: Any, exercise_id: str) -> bool:
    """Schema of :func:`faultlab._exercise.observe_exercise`'s result, checked field by field."""
    if not isinstance(obs, dict) or obs.get("id") != exercise_id or obs.get("state") not in _STATES:
        return False
    state = obs["state"]
    if state == "observed":
        used = obs.get("forbidden_used")
        return isinstance(obs.get("data"), dict) and _strings(used, 100) is not None and _depth_ok(obs["data"])
    if state == "missing":
        return isinstance(obs.get("name"), str)
    if state == "reexport":
        return isinstance(obs.get("name"), str) and isinstance(obs.get("origin"), str)
    return isinstance(obs.get("error"), str)


def _signal_name(number: Any) -> str:
    try:
        return signal.Signals(number).name
    except (ValueError, TypeError):
        return f"signal {number}"


_CRASHES = {
    "SIGSEGV": "a segmentation fault (native code via ctypes, or recursion deep enough to overflow the C stack)",
    "SIGABRT": "an abort (os.abort(), or a fatal error in the interpreter)",
    "SIGKILL": "it was killed, most likely for using more memory than allowed",
    "SIGBUS": "a bus error in native code",
    "SIGFPE": "a floating-point exception in native code",
}


def _ending(end: Mapping[str, Any], limits: Limits, during: str) -> tuple[str, str]:
    """The status and message for a sandbox that stopped ``during`` something."""
    reason = end.get("reason")
    if reason == "timeout":
        return (
            "timeout",
            f"{during} did not finish within {limits.timeout:g} s (an endless loop, or a call that waits?)",
        )
    if reason == "signal":
        name = _signal_name(end.get("signal"))
        if name == "SIGXCPU":
            return "timeout", f"{during} used up its CPU time and was stopped"
        return "crashed", f"the process died during {during}: {_CRASHES.get(name, name)}"
    if reason == "output":
        return "crashed", (
            f"{during} printed more than {limits.output_limit // (1024 * 1024)} MiB of output, so it was stopped"
        )
    if reason == "channel":
        return "crashed", f"{during} produced more than {limits.channel_limit // (1024 * 1024)} MiB of results"
    if reason == "worker":
        return "crashed", f"the grading worker stopped responding during {during}; the submission was stopped"
    code = end.get("code")
    if code == 71:
        return "crashed", "the grader could not set up the sandbox for this submission (see its output)"
    if code == 70:
        return "crashed", f"the sandbox stopped with an internal error during {during} (see what it printed)"
    return "crashed", f"the process ended during {during} (exit status {code}): a call to os._exit() or sys.exit()?"


class _Grader:
    """Runs the batch: tasks to the pool, results back to verdicts."""

    def __init__(self, plans: dict[str, list[_Step]], limits: Limits) -> None:
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
        for line in result.get("lines") or []:
            msg = _parse_line(line)
            if not isinstance(msg, dict) or msg.get("token") != token:
                self._tampered(run, ["the result channel carried a message the grader did not send"])
                return None
            kind = msg.get("kind")
            if kind == "tampered":
                self._tampered(run, _strings(msg.get("changes"), 8) or ["(unspecified)"])
                return None
            if not head:
                if kind == "invalid" and isinstance(msg.get("message"), str):
                    self._invalid(run, f"{run.ref.path.name} {msg['message'][:_MAX_TEXT]}")
                    return None
                names, notes = _strings(msg.get("names"), 300), _strings(msg.get("notes"), 20)
                if kind != "defined" or names is None or notes is None:
                    self._tampered(run, ["the result channel carried a malformed first message"])
                    return None
                if start == 0:
                    run.names, run.notes = names, notes
                head = True
                continue
            if kind == "observation" and msg.get("step") == step and step < len(run.steps):
                run.verdicts[step] = self._judge(run, run.steps[step], msg)
                step += 1
                continue
            if kind == "done" and step == len(run.steps):
                return None
            self._tampered(run, ["the result channel carried an out-of-order message"])
            return None
        if not head:
            status, message = _ending(end, self.limits, "running the notebook's definitions")
            for index in range(start, len(run.steps)):
                run.verdicts[index] = _verdict(run.steps[index], status, message)
            return None
        if step >= len(run.steps):
            return None
        status, message = _ending(end, self.limits, f"the check of exercise {run.steps[step].exercise.id}")
        run.verdicts[step] = _verdict(run.steps[step], status, message)
        return self.task(run_index, step + 1) if step + 1 < len(run.steps) else None

    def _judge(self, run: _Run, step: _Step, msg: Mapping[str, Any]) -> Verdict:
        obs = msg.get("observation")
        if obs is None and "unsendable" in msg:
            return _verdict(step, "error", "could not check: the observation could not be turned into JSON")
        if not isinstance(obs, dict) or not _valid_observation(obs, step.check.id):
            return _verdict(step, "error", "could not check: the sandbox sent a malformed observation")
        if obs["state"] == "missing":
            return _verdict(step, "error", self._missing(run, step, str(obs["name"])))
        try:
            return judge_exercise(step.check, obs)
        except Exception as exc:  # noqa: BLE001 - a judge meeting odd data must not stop the batch
            return _verdict(step, "error", f"could not check: malformed observation ({type(exc).__name__})")

    @staticmethod
    def _missing(run: _Run, step: _Step, name: str) -> str:
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


def _verdict(step: _Step, status: str, message: str) -> Verdict:
    return Verdict(step.check.id, status, message, 0, step.check.points)


def _combine(run: _Run) -> tuple[ExerciseResult, ...]:
    """Merge each exercise's own verdict with its extra checks' verdicts."""
    results: list[ExerciseResult] = []
    index = 0
    while index < len(run.steps):
        step = run.steps[index]
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
        results.append(ExerciseResult(step.exercise.id, step.exercise.title, status, points, max_points, message))
    return tuple(results)


def _unknown(ref: _Ref, stems: Iterable[str]) -> GradedSubmission:
    known = sorted(stems)
    close = difflib.get_close_matches(ref.stem, known, n=1, cutoff=0.5)
    hint = f" Did you mean {close[0]}.ipynb?" if close else ""
    message = (
        f"invalid: {ref.path.name} is not one of the course's exercise notebooks ({', '.join(known)}); "
        f"the grader identifies a notebook by its file name, so hand it in under its original name.{hint}"
    )
    return _submission(ref, (ExerciseResult("-", "", "invalid", 0, 0, message),))


def _submission(
    ref: _Ref, results: Sequence[ExerciseResult], notes: Sequence[str] = (), output: str = "", size: int = 0
) -> GradedSubmission:
    """The graded submission, with everything the learner controls made printable."""
    return GradedSubmission(
        printable(ref.learner, one_line=True),
        printable(ref.path.name, one_line=True),
        printable(ref.stem, one_line=True),
        tuple(ExerciseResult(r.id, r.title, r.status, r.points, r.max_points, printable(r.message)) for r in results),
        tuple(printable(note, one_line=True) for note in notes),
        printable(output),
        size,
    )


# -- the run ----------------------------------------------------------------------------------


class _Progress:
    def __init__(self, total: int, stream: TextIO | None) -> None:
        self.total = total
        self.done = 0
        self.stream = stream if stream is not None and _isatty(stream) and total > 1 else None

    def step(self, label: str) -> None:
        """Count one finished notebook and redraw the bar (on a terminal only).

        Raises:
            Nothing.
        """
        self.done += 1
        if self.stream is None:
            return
        width = 30
        filled = width * self.done // self.total
        bar = "#" * filled + "-" * (width - filled)
        self.stream.write(f"\rgrading [{bar}] {self.done}/{self.total} {label[:40]:<40}")
        if self.done == self.total:
            self.stream.write("\n")
        self.stream.flush()


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError, OSError):
        return False


def _write(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
    except OSError as exc:
        msg = f"cannot write {path} ({exc.strerror or exc}); the reports are incomplete"
        raise GradingError(msg) from exc


class _Writer:
    """Per-submission files, written straight into folders this run created (so no stale files)."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.made: set[Path] = set()

    def _put(self, path: Path, text: str) -> None:
        try:
            if path.parent not in self.made:
                path.parent.mkdir(parents=True, exist_ok=True)
                self.made.add(path.parent)
            path.write_text(text, encoding="utf-8")
        except OSError as exc:
            msg = f"cannot write {path} ({exc.strerror or exc}); the reports are incomplete"
            raise GradingError(msg) from exc

    def submission(self, sub: GradedSubmission) -> None:
        """Write one submission's feedback and LMS files.

        Raises:
            GradingError: A file cannot be written.
        """
        stem = Path(sub.notebook).stem
        self._put(self.out / "feedback" / sub.learner / f"{stem}.md", feedback_markdown(sub))
        self._put(self.out / "feedback" / sub.learner / f"{stem}.html", feedback_html(sub))
        for name, data in (("gradescope", gradescope_results(sub)), ("exercism", exercism_results(sub))):
            self._put(
                self.out / "formats" / name / sub.learner / stem / "results.json", json.dumps(data, indent=2) + "\n"
            )


def _run_pool(
    ctx: SandboxContext,
    jobs: int,
    queue: deque[dict[str, Any]],
    grader: _Grader,
    budget: float,
    writer: _Writer,
    finished: list[GradedSubmission],
    bar: _Progress,
) -> None:
    """Feed the queue to the workers until every submission is finished."""
    with WorkerPool(ctx, jobs) as pool:
        while queue or pool.busy:
            for slot in pool.idle:
                if not queue:
                    break
                pool.submit(slot, queue.popleft())
            for result in pool.wait(budget):
                if int(result.get("task", -1)) not in grader.tokens:
                    continue
                run = grader.runs[grader.tokens[int(result["task"])][0]]
                follow = grader.absorb(result)
                if follow is not None:
                    queue.appendleft(follow)
                    continue
                sub = _submission(run.ref, _combine(run), run.notes, run.output, run.output_bytes)
                finished.append(sub)
                writer.submission(sub)
                bar.step(f"{sub.learner}/{sub.notebook}")


def grade(
    paths: Sequence[str],
    out: str | Path,
    *,
    jobs: int | None = None,
    timeout: float = 10.0,
    memory_mb: int = 1024,
    extra_checks: str | None = None,
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
    refs = discover(paths, out_dir, note, empty)
    extras = load_extra_checks(extra_checks) if extra_checks is not None else ()
    if extra_checks is not None and os.geteuid() == 0 and os.stat(extra_checks).st_mode & stat.S_IROTH:
        note(f"{extra_checks} is readable by every user, so a submission could read it: chmod 600 it")
    _prepare_out(out_dir)
    modules = _warm_up()
    used = _address_space_mb()
    if memory_mb < used + 64:
        msg = f"--memory {memory_mb}: too small; the grader itself maps {used} MB, use at least {used + 64}"
        raise GradingError(msg)
    plans = _plans(extras)
    limits = Limits(timeout=timeout, memory_mb=memory_mb)
    ids, id_warnings = sandbox_ids(jobs)
    for message in id_warnings:
        note(message)
    nproc = limits.processes if ids else count_user_tasks(os.getuid()) + limits.processes * jobs
    if extras:
        modules.append(EXTRA_MODULE)
    watched = [(f"plan[{stem}][{i}]", s.check) for stem, steps in plans.items() for i, s in enumerate(steps)]
    fingerprint = Fingerprint(modules, objects=watched)
    blocked = {os.path.abspath(os.getcwd())} | {str(r.path.parent) for r in refs}
    scratch = tempfile.mkdtemp(prefix="faultlab-grade-")
    os.chmod(scratch, 0o711)  # noqa: S103 - sandboxes may enter their own folder, not list the others
    ctx = SandboxContext(
        plans={stem: tuple(s.check for s in steps) for stem, steps in plans.items()},
        fingerprint=fingerprint,
        limits=limits,
        ids=ids,
        nproc=nproc,
        blocked_paths=frozenset(blocked),
        scratch=scratch,
    )
    grader = _Grader(plans, limits)
    writer = _Writer(out_dir)
    finished: list[GradedSubmission] = []
    bar = _Progress(len(refs), progress)
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
    finally:
        remove_tree(scratch)
    finished.sort(key=lambda s: (s.learner, s.notebook))
    ids_in_order = [eid for eid, ex in exercises().items() if any(s.stem == ex.lesson for s in finished)]
    _write(out_dir / "gradebook.csv", gradebook_csv(finished, ids_in_order, empty))
    _write(out_dir / "results.json", results_json(finished))
    return GradeSummary(tuple(finished), out_dir, tuple(warnings))
