"""Frame access gets one verdict in a notebook and in the grader.

The grader's audit hook refuses frame access except from a few library functions that hand
back plain data. Lesson 05's check, which cannot rely on a hook in a notebook, profiles for
the same refusal: what it lets through must be what the hook lets through.
"""

from __future__ import annotations

from faultlab.exercises.lessons.l05_must_use import _frame_readers
from faultlab.grader._audit import _allowed_frame_readers


def test_lesson_05_lets_through_only_what_the_audit_hook_allows() -> None:
    """Each frame reader lesson 05's check allows is allowed by the hook, for no more callers."""
    table, _ = _allowed_frame_readers()
    for code, callers in _frame_readers().items():
        assert id(code) in table, code.co_qualname
        allowed = table[id(code)]
        if allowed is not None:
            assert callers is not None, code.co_qualname
            assert {id(c) for c in callers} <= allowed, code.co_qualname


def test_the_hook_allows_structlog_dict_tracebacks_only_through_walk_tb() -> None:
    """structlog.tracebacks.extract may resume traceback.walk_tb; it is no frame reader itself."""
    import traceback

    import structlog.tracebacks

    table, _ = _allowed_frame_readers()
    callers = table[id(traceback.walk_tb.__code__)]
    assert callers is not None
    assert id(structlog.tracebacks.extract.__code__) in callers
    assert id(structlog.tracebacks.extract.__code__) not in table
