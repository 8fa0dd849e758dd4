"""Rendering exception chains."""

from __future__ import annotations

import json

from faultlab import chain_html, chain_of, chain_record, format_chain, format_chain_oneline, show


def _nested() -> BaseException:
    try:
        try:
            try:
                raise ConnectionResetError(104, "connection reset by peer")
            except OSError as exc:
                raise OSError("download interrupted") from exc
        except OSError as exc:
            raise RuntimeError("NVIDIA driver installation failed") from exc
    except RuntimeError as exc:
        outer = RuntimeError("provisioning GPU on node gpu-worker-03")
        outer.__cause__ = exc
        return outer


def test_numbered_when_two_or_more_causes() -> None:
    """With several causes each gets an index, as anyhow prints them."""
    text = format_chain(_nested(), types=False)
    assert text == (
        "Error: provisioning GPU on node gpu-worker-03\n\nCaused by:\n"
        "    0: NVIDIA driver installation failed\n"
        "    1: download interrupted\n"
        "    2: [Errno 104] connection reset by peer"
    )


def test_single_cause_is_unnumbered_and_typed() -> None:
    """One cause prints without an index; types are shown by default."""
    exc = ValueError("bad")
    exc.__cause__ = KeyError("k")
    assert format_chain(exc) == "Error: ValueError: bad\n\nCaused by:\n    KeyError: 'k'"


def test_no_cause_and_notes() -> None:
    """An error alone prints one line; notes follow their link."""
    exc = TimeoutError("slow")
    exc.add_note("attempt 3/3")
    assert format_chain(exc) == "Error: TimeoutError: slow\n    note: attempt 3/3"


def _raise_inside_handler(suppress: bool) -> BaseException:
    try:
        try:
            {}["k"]
        except KeyError:
            if suppress:
                raise ValueError("hidden") from None
            raise ValueError("implicit")  # the implicit context is the subject
    except ValueError as exc:
        return exc
    raise AssertionError


def test_context_followed_unless_suppressed() -> None:
    """Implicit context is a link; `from None` hides it, as Python's traceback does."""
    implicit = _raise_inside_handler(suppress=False)
    assert [type(e).__name__ for e in chain_of(implicit)] == ["ValueError", "KeyError"]
    assert chain_record(implicit)["chain"][0]["relation"] == "context"
    hidden = _raise_inside_handler(suppress=True)
    assert chain_of(hidden) == [hidden]


def test_cycles_are_cut() -> None:
    """A cyclic chain ends instead of looping."""
    a, b = ValueError("a"), ValueError("b")
    a.__cause__, b.__cause__ = b, a
    assert format_chain_oneline(a) == "a: b"


def test_record_is_json_with_fields() -> None:
    """chain_record is JSON-ready and keeps public attributes as fields."""
    exc = OSError(28, "No space left on device")
    exc.bucket = "models"  # type: ignore[attr-defined]
    record = json.loads(json.dumps(chain_record(exc)))
    assert record["type"] == "OSError"
    assert record["fields"]["bucket"] == "models"
    assert record["chain"] == []


def test_groups_are_rendered() -> None:
    """Exception groups list their members in text, records and HTML."""
    group = ExceptionGroup("2 nodes failed", [TimeoutError("n1"), ValueError("n2")])
    text = format_chain(group)
    assert "├─ TimeoutError: n1" in text
    assert "└─ ValueError: n2" in text
    assert [e["type"] for e in chain_record(group)["exceptions"]] == ["TimeoutError", "ValueError"]
    assert "<code>ValueError</code>: n2" in chain_html(group)


def _caused(message: str, cause: BaseException) -> BaseException:
    exc = RuntimeError(message)
    exc.__cause__ = cause
    return exc


def test_multiline_causes_are_indented_like_anyhow() -> None:
    """Later lines of a cause sit under its first (7 spaces numbered, 4 alone, blank lines too), the outermost's not."""
    numbered = _caused("outer\nsecond", _caused("install failed:\ndkms\n\nend", OSError(28, "No space left on device")))
    assert format_chain(numbered, types=False, prefix="") == (
        "outer\nsecond\n\nCaused by:\n"
        "    0: install failed:\n       dkms\n       \n       end\n"
        "    1: [Errno 28] No space left on device"
    )
    single = _caused("top", ValueError("root a\nroot b"))
    assert format_chain(single, types=False, prefix="") == "top\n\nCaused by:\n    root a\n    root b"
    assert format_chain_oneline(single) == "top: root a\nroot b"


def test_ten_or_more_causes_are_right_aligned() -> None:
    """Cause numbers are right-aligned in five columns, as anyhow's {: >5} writes them."""
    exc: BaseException = ValueError("root")
    for i in range(11):
        exc = _caused(f"layer {i}", exc)
    lines = format_chain(exc, types=False).splitlines()
    assert lines[3] == "    0: layer 9"
    assert lines[-1] == "   10: root"


def _node_failure(node: str, cause: BaseException) -> BaseException:
    return _caused(f"provisioning GPU on node {node}", cause)


def test_group_tree_gives_each_member_its_chain() -> None:
    """A group is drawn as a tree: one branch per member, each with its own Caused by list."""
    group = ExceptionGroup(
        "2 of 5 nodes failed",
        [_nested(), _node_failure("gpu-worker-05", TimeoutError("no answer"))],
    )
    assert format_chain(group, types=False) == (
        "Error: 2 of 5 nodes failed (2 sub-exceptions)\n"
        "├─ provisioning GPU on node gpu-worker-03\n"
        "│\n"
        "│  Caused by:\n"
        "│      0: NVIDIA driver installation failed\n"
        "│      1: download interrupted\n"
        "│      2: [Errno 104] connection reset by peer\n"
        "└─ provisioning GPU on node gpu-worker-05\n"
        "\n"
        "   Caused by:\n"
        "       no answer"
    )


def test_nested_group_inside_a_cause() -> None:
    """A group that is a cause is drawn under that cause, nested groups inside their branch."""
    racks = ExceptionGroup("2 racks failed", [ExceptionGroup("rack a", [TimeoutError("n1")]), KeyError("n2")])
    outer = _caused("reconciling cluster prod", racks)
    assert format_chain(outer, types=False) == (
        "Error: reconciling cluster prod\n\nCaused by:\n"
        "    2 racks failed (2 sub-exceptions)\n"
        "    ├─ rack a (1 sub-exception)\n"
        "    │  └─ n1\n"
        "    └─ 'n2'"
    )
    record = chain_record(outer)
    assert record["chain"][0]["exceptions"][0]["exceptions"][0]["message"] == "n1"


def test_deeply_nested_groups_stop_at_the_limit() -> None:
    """Groups nested past MAX_GROUP_DEPTH are cut with a marker, in text and records alike."""
    from faultlab._report import MAX_GROUP_DEPTH

    group: BaseExceptionGroup[Exception] = ExceptionGroup("leaf", [ValueError("x")])
    for i in range(MAX_GROUP_DEPTH + 2):
        group = ExceptionGroup(f"level {i}", [group])
    assert f"nested more than {MAX_GROUP_DEPTH} deep" in format_chain(group)
    record = chain_record(group)
    for _ in range(MAX_GROUP_DEPTH):
        record = record["exceptions"][0]
    assert record["exceptions"] == []


def test_html_is_escaped() -> None:
    """Every piece of text in the HTML view is escaped."""
    exc = ValueError("<script>alert(1)</script>")
    exc.add_note("<b>note</b>")
    page = chain_html(exc)
    assert "<script>" not in page
    assert "&lt;script&gt;" in page
    assert "&lt;b&gt;note" in page
    assert repr(show(exc)) == format_chain(exc)


def test_broken_str_does_not_break_the_report() -> None:
    """An exception whose __str__ raises is still rendered."""

    class Broken(Exception):
        def __str__(self) -> str:
            raise RuntimeError

    assert format_chain(Broken()) == "Error: Broken: <str() raised RuntimeError>"
