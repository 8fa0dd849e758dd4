"""Reading what a sandbox sent: JSON lines parsed and type-checked here, and how a sandbox ended.

A sandbox can lie about what it observed, so nothing it sends is trusted: each line is
parsed without NaN or Infinity, each observation checked field by field against the
shape :func:`faultlab.exercises.observe_exercise` returns, and text is truncated.
"""

from __future__ import annotations

import json
import signal
from collections.abc import Mapping
from typing import Any

from faultlab.grader._sandbox import Limits

__all__ = ["MAX_TEXT", "ending", "parse_line", "strings", "valid_observation"]

_STATES = {"observed", "missing", "reexport", "observer_error", "refused"}
MAX_TEXT = 4000


def parse_line(line: str) -> Any:
    try:
        return json.loads(line, parse_constant=_no_constants)
    except (ValueError, RecursionError):
        return None


def _no_constants(name: str) -> None:
    raise ValueError(name)


def strings(value: Any, limit: int) -> list[str] | None:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return None
    return [v[:MAX_TEXT] for v in value[:limit]]


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


def valid_observation(obs: Any, exercise_id: str) -> bool:
    """Schema of :func:`faultlab.exercises._run.observe_exercise`'s result, checked field by field."""
    if not isinstance(obs, dict) or obs.get("id") != exercise_id or obs.get("state") not in _STATES:
        return False
    state = obs["state"]
    if state == "observed":
        used = obs.get("forbidden_used")
        kept = obs.get("kept_stub_init", [])
        return (
            isinstance(obs.get("data"), dict)
            and strings(used, 100) is not None
            and strings(kept, 100) is not None
            and _depth_ok(obs["data"])
        )
    if state == "missing":
        return isinstance(obs.get("name"), str)
    if state == "refused":
        refused = strings(obs.get("refused"), 5)
        return bool(refused)
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


def ending(end: Mapping[str, Any], limits: Limits, during: str) -> tuple[str, str]:
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
