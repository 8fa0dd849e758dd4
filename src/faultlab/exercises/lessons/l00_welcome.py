"""Lesson 00: the warm-up exercise that shows every verdict once."""

from __future__ import annotations

from typing import Any

from faultlab.exercises._exercise import Exercise
from faultlab.exercises._judge import expect, is_a, raised, returned
from faultlab.exercises._observe import Probe

LESSON = "00_welcome"


def _observe_parse_port(probe: Probe) -> dict[str, Any]:
    parse_port = probe.get("parse_port")
    good = [probe.call(f"parse_port({t!r})", parse_port, t) for t in ("8080", " 443 ", "1", "65535")]
    bad = [probe.call(f"parse_port({t!r})", parse_port, t) for t in ("0", "65536", "http", "-1", "")]
    return {"good": good, "bad": bad}


def _judge_parse_port(data: dict[str, Any]) -> None:
    for outcome, want in zip(data["good"], (8080, 443, 1, 65535), strict=True):
        got = returned(outcome)
        expect(
            type(got) is int and got == want,
            f"{outcome['call']} should return the port as an int",
            expected=repr(want),
            got=repr(got),
        )
    for outcome in data["bad"]:
        exc = raised(outcome, f"{outcome['call']} should raise ValueError: it is not a valid port")
        expect(
            is_a(exc, "ValueError"),
            f"{outcome['call']} should raise ValueError",
            expected="ValueError",
            got=exc["type"],
        )
        text = outcome["call"][len("parse_port(") : -1]
        expect(
            isinstance(exc["str"], str) and text in exc["str"],
            f"the message of {outcome['call']} should quote the bad input, so a user can see it",
            expected=f"a message containing {text}",
            got=repr(exc["str"]),
        )


EXERCISES = (
    Exercise(
        id="0.1",
        lesson=LESSON,
        title="parse a TCP port or raise ValueError",
        points=1,
        hints=(
            "int(text) does most of the work, and already raises ValueError for 'http'. "
            "What is left is the range check: 1 to 65535.",
            "Raise your own ValueError for out-of-range numbers, with the input in the "
            "message: raise ValueError(f'not a TCP port: {text!r}'). Catch int()'s "
            "ValueError and raise yours `from` it so the message is the same for every bad input.",
        ),
        names=("parse_port",),
        observe=_observe_parse_port,
        judge=_judge_parse_port,
        success="parse_port returns valid ports and rejects bad ones with a clear ValueError.",
    ),
)
