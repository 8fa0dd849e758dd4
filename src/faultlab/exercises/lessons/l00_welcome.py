"""Lesson 00: the warm-up exercise that shows every verdict once."""

from __future__ import annotations

import dis
import types
from typing import Any

from faultlab.exercises._exercise import Exercise
from faultlab.exercises._judge import expect, is_a, raised, returned
from faultlab.exercises._observe import Probe

LESSON = "00_welcome"

_GOOD = (("8080", 8080), (" 443 ", 443), ("1", 1), ("65535", 65535), ("\t22\n", 22))
#: Just outside the range on both sides, not a number, not a whole number, empty, huge.
_BAD = ("0", "65536", "-1", "http", "", "80.9", "8e1", "1 2", "99999999999999999999")


def _code_objects(obj: Any, seen: set[int]) -> list[types.CodeType]:
    """The code of ``obj`` (a function, or a callable object's methods) and every function it calls by name."""
    found: list[types.CodeType] = []
    funcs: list[Any] = []
    if isinstance(obj, types.FunctionType | types.MethodType):
        funcs.append(obj)
    else:
        funcs += [v for v in vars(type(obj)).values() if isinstance(v, types.FunctionType)]
    for func in funcs:
        func = getattr(func, "__func__", func)
        code = getattr(func, "__code__", None)
        if not isinstance(code, types.CodeType) or id(code) in seen:
            continue
        stack = [code]
        while stack:
            current = stack.pop()
            if id(current) in seen:
                continue
            seen.add(id(current))
            found.append(current)
            stack += [c for c in current.co_consts if isinstance(c, types.CodeType)]
            for name in current.co_names:  # a helper the learner wrote, one module away at most
                helper = getattr(func, "__globals__", {}).get(name)
                if isinstance(helper, types.FunctionType) and helper.__module__ == func.__module__:
                    found += _code_objects(helper, seen)
    return found


def _uses_assert(obj: Any) -> bool:
    """Whether any ``assert`` statement is compiled into ``obj`` (``python -O`` removes them)."""
    return any(
        ins.opname == "LOAD_ASSERTION_ERROR" for code in _code_objects(obj, set()) for ins in dis.get_instructions(code)
    )


def _observe_parse_port(probe: Probe) -> dict[str, Any]:
    parse_port = probe.get("parse_port")
    good = [probe.call(f"parse_port({t!r})", parse_port, t) for t, _ in _GOOD]
    bad = [probe.call(f"parse_port({t!r})", parse_port, t) for t in _BAD]
    return {"good": good, "bad": bad, "uses_assert": _uses_assert(parse_port)}


def _judge_parse_port(data: dict[str, Any]) -> None:
    for outcome, (_, want) in zip(data["good"], _GOOD, strict=True):
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
    expect(
        not data.get("uses_assert"),
        "parse_port checks the range with `assert`: `python -O` deletes assert statements, and then "
        "parse_port('0') returns 0. Use `if not 1 <= port <= 65535: raise ValueError(...)`",
        expected="an if statement that raises ValueError",
        got="an assert statement",
    )


EXERCISES = (
    Exercise(
        id="0.1",
        lesson=LESSON,
        title="parse a TCP port or raise ValueError",
        points=1,
        hints=(
            "int(text) does most of the work: it ignores surrounding spaces and raises ValueError for 'http' "
            "and '80.9'. What is left is the range check: 1 to 65535.",
            "Catch int()'s ValueError and raise your own, with the input in the message: "
            "raise ValueError(f'not a TCP port: {text!r}') from None (int's own message adds nothing). "
            "Raise the same ValueError for numbers outside 1..65535.",
        ),
        names=("parse_port",),
        observe=_observe_parse_port,
        judge=_judge_parse_port,
        success="parse_port returns valid ports and rejects bad ones with a clear ValueError.",
    ),
)
