"""Lesson 03: error context chains (anyhow's "Caused by:" in Python, and exception groups).

Every scenario is built afresh inside *observe*, with real ``raise`` statements where
Python itself sets the links; the judge compares exact strings and link positions.
Chains that loop are built from :class:`_Looping` exceptions, which count how often
their links are read and stop a walk that never ends with :class:`ChainLoop`, so an
answer without a cycle guard fails instead of hanging the notebook.
"""

from __future__ import annotations

import asyncio
import errno
import inspect
import threading
from collections.abc import Callable, Coroutine
from typing import Any

from faultlab.exercises._exercise import Exercise
from faultlab.exercises._judge import expect, is_a, raised, returned, show
from faultlab.exercises._observe import run_coroutine as _run_in_thread
from faultlab.exercises._observe import Probe
from faultlab.world import Cluster, VirtualClock, driver_install_failure

LESSON = "03_context_chains"

#: The reference renderers an answer must not call.
_REFERENCES = (
    "faultlab.chain_of",
    "faultlab.chain_record",
    "faultlab.format_chain",
    "faultlab.format_chain_oneline",
)

_MAX_READS = 200
# The C-level link descriptors, to read and write the real links under the counting properties.
_CONTEXT: Any = vars(BaseException)["__context__"]
_CAUSE: Any = vars(BaseException)["__cause__"]


class ChainLoop(Exception):
    """A walk read the links of one exception too often: it has no cycle guard."""

    __module__ = "faultlab.exercises.lessons"


class _Looping(Exception):
    """An exception whose ``__cause__``/``__context__`` reads are counted."""

    def _count(self) -> None:
        reads = self.__dict__.get("_reads", 0) + 1
        self.__dict__["_reads"] = reads
        if reads > _MAX_READS:
            msg = f"read the links of {self!s} more than {_MAX_READS} times: the chain has a cycle"
            raise ChainLoop(msg)

    @property
    def __context__(self) -> BaseException | None:
        self._count()
        link: BaseException | None = _CONTEXT.__get__(self)
        return link

    @__context__.setter
    def __context__(self, value: BaseException | None) -> None:
        _CONTEXT.__set__(self, value)

    @property
    def __cause__(self) -> BaseException | None:
        self._count()
        link: BaseException | None = _CAUSE.__get__(self)
        return link

    @__cause__.setter
    def __cause__(self, value: BaseException | None) -> None:
        _CAUSE.__set__(self, value)


def _catch(func: Callable[[], object]) -> BaseException:
    try:
        func()
    except BaseException as exc:  # noqa: BLE001 - building scenarios
        return exc
    msg = "scenario did not raise"
    raise AssertionError(msg)


# -- the scenarios ---------------------------------------------------------------------
# Each returns (exception, known): ``known`` lists every exception of the scenario, the
# positions the judge speaks of.
Scenario = tuple[BaseException, list[BaseException]]


def _alone() -> Scenario:
    exc = ValueError("port 80800 is out of range")
    return exc, [exc]


def _one_cause() -> Scenario:
    root = ConnectionRefusedError(errno.ECONNREFUSED, "Connection refused")
    outer = RuntimeError("connecting to cluster prod")
    outer.__cause__ = root
    return outer, [outer, root]


def _article() -> Scenario:
    """The article's chain, from the simulated cluster itself."""
    driver = driver_install_failure()
    via = driver.__cause__
    root = via.__context__ if via is not None else None

    def reconcile() -> None:
        try:
            raise driver
        except RuntimeError as exc:
            raise RuntimeError("provisioning GPU on node gpu-worker-03") from exc

    outer = _catch(reconcile)
    return outer, [e for e in (outer, driver, via, root) if e is not None]


def _implicit() -> Scenario:
    def body() -> None:
        try:
            raise TimeoutError("read timed out")
        except TimeoutError:
            raise RuntimeError("listing cluster nodes")  # noqa: B904 - the implicit context is the point

    outer = _catch(body)
    assert outer.__context__ is not None  # noqa: S101 - Python sets it
    return outer, [outer, outer.__context__]


def _from_none() -> Scenario:
    def body() -> None:
        try:
            raise KeyError("gpu-worker-09")
        except KeyError:
            raise LookupError("node gpu-worker-09 is not in cluster prod") from None

    outer = _catch(body)
    assert outer.__context__ is not None  # noqa: S101 - still stored
    return outer, [outer, outer.__context__]


def _cause_wins() -> Scenario:
    root = ConnectionResetError(errno.ECONNRESET, "Connection reset by peer")

    def body() -> None:
        try:
            raise ValueError("bad checksum")
        except ValueError:
            raise OSError("download interrupted") from root

    outer = _catch(body)
    assert outer.__context__ is not None  # noqa: S101
    return outer, [outer, outer.__context__, root]


def _cycle() -> Scenario:
    a = _Looping("retrying node gpu-worker-02")
    b = _Looping("node gpu-worker-02 did not answer")
    a.__context__ = b
    b.__context__ = a
    return a, [a, b]


def _self_cause() -> Scenario:
    a = _Looping("reconciling cluster prod")
    a.__cause__ = a
    return a, [a]


def _deep() -> Scenario:
    """A root and eleven layers of context: numbers 0 to 10, two digits wide at the end."""
    known: list[BaseException] = [ValueError("root")]
    for i in range(11):
        layer = RuntimeError(f"layer {i}")
        layer.__cause__ = known[0]
        known.insert(0, layer)
    return known[0], known


def _multiline_numbered() -> Scenario:
    root = OSError(errno.ENOSPC, "No space left on device")
    mid = RuntimeError("dkms build failed:\nexit status 1\n\nsee make.log for details")
    mid.__cause__ = root
    outer = RuntimeError("provisioning GPU on node gpu-worker-04\n(attempt 2 of 3)")
    outer.__cause__ = mid
    return outer, [outer, mid, root]


def _multiline_single() -> Scenario:
    root = RuntimeError("nvidia-smi failed:\nNVIDIA-SMI has failed")
    outer = RuntimeError("checking GPU on node gpu-worker-01")
    outer.__cause__ = root
    return outer, [outer, root]


def _buried_timeout() -> Scenario:
    """A TimeoutError under three layers of implicit context."""

    def body() -> None:
        try:
            try:
                try:
                    raise TimeoutError("node gpu-worker-05 did not answer within 30s")
                except TimeoutError:
                    raise RuntimeError("provisioning GPU on node gpu-worker-05")  # noqa: B904
            except RuntimeError:
                raise RuntimeError("reconciling cluster prod")  # noqa: B904
        except RuntimeError:
            raise RuntimeError("nightly rollout failed")  # noqa: B904

    outer = _catch(body)
    known = [outer]
    while known[-1].__context__ is not None:
        known.append(known[-1].__context__)
    return outer, known


def _hidden_timeout() -> Scenario:
    def body() -> None:
        try:
            raise TimeoutError("cache lookup timed out")
        except TimeoutError:
            raise RuntimeError("node gpu-worker-02 has no GPU") from None

    outer = _catch(body)
    assert outer.__context__ is not None  # noqa: S101
    return outer, [outer, outer.__context__]


def _two_runtime() -> Scenario:
    """The outermost link and a deeper one are both RuntimeErrors."""
    outer, known = _article()
    return outer, known


def _looping_no_match() -> Scenario:
    return _cycle()


# -- 3.1 links ---------------------------------------------------------------------------
_LINK_SCENARIOS: dict[str, tuple[Callable[[], Scenario], str]] = {
    "alone": (_alone, "a lone ValueError"),
    "one_cause": (_one_cause, "RuntimeError raised from a ConnectionRefusedError"),
    "article": (_article, "the article's chain: explicit causes and an implicit context"),
    "implicit": (_implicit, "RuntimeError raised inside `except TimeoutError`"),
    "from_none": (_from_none, "LookupError raised `from None` inside `except KeyError`"),
    "cause_wins": (_cause_wins, "OSError raised `from` a reset, inside `except ValueError`"),
    "cycle": (_cycle, "a.__context__ is b and b.__context__ is a"),
    "self_cause": (_self_cause, "a.__cause__ is a"),
}

_LINKS_EXPECTED = {
    "alone": [0],
    "one_cause": [0, 1],
    "article": [0, 1, 2, 3],
    "implicit": [0, 1],
    "from_none": [0],
    "cause_wins": [0, 2],
    "cycle": [0, 1],
    "self_cause": [0],
}


def _positions(value: object, known: list[BaseException]) -> Any:
    """Where each returned item sits among the scenario's exceptions (by identity)."""
    if type(value) not in (list, tuple):
        return {"not_a_list": type(value).__name__}
    out: list[Any] = []
    for item in value:  # type: ignore[attr-defined]
        index = next((i for i, k in enumerate(known) if k is item), None)
        out.append(index if index is not None else f"something else: {type(item).__name__}")
    return out


def _labels(known: list[BaseException]) -> list[str]:
    return [f"{type(k).__name__}({str(k)!r})" for k in known]


def _observe_links(probe: Probe) -> dict[str, Any]:
    links = probe.get("links")
    out: dict[str, Any] = {}
    for name, (build, what) in _LINK_SCENARIOS.items():
        exc, known = build()
        rec = probe.call(f"links(e)  # e is {what}", lambda e=exc, k=known: _positions(links(e), k))
        rec["labels"] = _labels(known)
        out[name] = rec
    return out


def _loop_message(outcome: dict[str, Any], name: str) -> None:
    exc = outcome.get("raised")
    if isinstance(exc, dict) and str(exc.get("type", "")).endswith("ChainLoop"):
        expect(
            False,
            f"{name} never stopped on a chain that loops: keep the exceptions you have seen "
            "(by identity, or their id()) and stop at one you meet again",
            expected="a walk that ends",
            got=f"{outcome['call']} {show(exc.get('str'))}",
        )


def _judge_links(data: dict[str, Any]) -> None:
    for name, want in _LINKS_EXPECTED.items():
        outcome = data[name]
        _loop_message(outcome, "links()")
        got = returned(outcome)
        labels = outcome["labels"]
        expect(
            got == want,
            f"{outcome['call']}: the chain, outermost first, follows __cause__ when set, else "
            "__context__ unless __suppress_context__, and stops at a link it has seen",
            expected="[" + ", ".join(labels[i] for i in want) + "]",
            got=show(got)
            if not isinstance(got, list)
            else "[" + ", ".join(labels[i] if isinstance(i, int) else str(i) for i in got) + "]",
        )


# -- 3.2 format_anyhow / format_oneline --------------------------------------------------
_RENDER_SCENARIOS: dict[str, tuple[Callable[[], Scenario], str]] = {
    "alone": (_alone, "a lone ValueError"),
    "one_cause": (_one_cause, "one cause"),
    "article": (_article, "the article's chain of three causes"),
    "implicit": (_implicit, "an implicit context"),
    "from_none": (_from_none, "a `raise ... from None`"),
    "cycle": (_cycle, "a chain that loops"),
    "deep": (_deep, "eleven causes"),
    "multiline_numbered": (_multiline_numbered, "multi-line messages, numbered causes"),
    "multiline_single": (_multiline_single, "a multi-line message, one cause"),
}

_ANYHOW_EXPECTED = {
    "alone": "port 80800 is out of range",
    "one_cause": "connecting to cluster prod\n\nCaused by:\n    [Errno 111] Connection refused",
    "article": (
        "provisioning GPU on node gpu-worker-03\n\nCaused by:\n"
        "    0: NVIDIA driver installation failed\n"
        "    1: download interrupted\n"
        "    2: [Errno 104] Connection reset by peer"
    ),
    "implicit": "listing cluster nodes\n\nCaused by:\n    read timed out",
    "from_none": "node gpu-worker-09 is not in cluster prod",
    "cycle": "retrying node gpu-worker-02\n\nCaused by:\n    node gpu-worker-02 did not answer",
    "deep": "layer 10\n\nCaused by:\n" + "".join(f"{i:>5}: layer {9 - i}\n" for i in range(10)) + "   10: root",
    "multiline_numbered": (
        "provisioning GPU on node gpu-worker-04\n(attempt 2 of 3)\n\nCaused by:\n"
        "    0: dkms build failed:\n"
        "       exit status 1\n"
        "       \n"
        "       see make.log for details\n"
        "    1: [Errno 28] No space left on device"
    ),
    "multiline_single": (
        "checking GPU on node gpu-worker-01\n\nCaused by:\n    nvidia-smi failed:\n    NVIDIA-SMI has failed"
    ),
}

_ONELINE_EXPECTED = {
    "alone": "port 80800 is out of range",
    "one_cause": "connecting to cluster prod: [Errno 111] Connection refused",
    "article": (
        "provisioning GPU on node gpu-worker-03: NVIDIA driver installation failed: "
        "download interrupted: [Errno 104] Connection reset by peer"
    ),
    "from_none": "node gpu-worker-09 is not in cluster prod",
    "cycle": "retrying node gpu-worker-02: node gpu-worker-02 did not answer",
    "multiline_single": "checking GPU on node gpu-worker-01: nvidia-smi failed:\nNVIDIA-SMI has failed",
}


def _text(value: object) -> Any:
    return str.__str__(value) if isinstance(value, str) else {"not_a_str": type(value).__name__}


def _observe_render(probe: Probe) -> dict[str, Any]:
    anyhow = probe.get("format_anyhow")
    oneline = probe.get("format_oneline")
    out: dict[str, Any] = {"anyhow": {}, "oneline": {}}
    for name, (build, what) in _RENDER_SCENARIOS.items():
        exc, _ = build()
        out["anyhow"][name] = probe.call(f"format_anyhow(e)  # e has {what}", lambda e=exc: _text(anyhow(e)))
        if name in _ONELINE_EXPECTED:
            exc, _ = build()
            out["oneline"][name] = probe.call(f"format_oneline(e)  # e has {what}", lambda e=exc: _text(oneline(e)))
    return out


def _first_difference(want: str, got: object) -> str:
    """Where two renderings part, line by line, with whitespace made visible by repr()."""
    if not isinstance(got, str):
        return ""
    want_lines, got_lines = want.split("\n"), got.split("\n")
    for number, (w, g) in enumerate(zip(want_lines, got_lines, strict=False), start=1):
        if w != g:
            return f"; line {number} should be {w!r}, not {g!r}"
    if len(want_lines) != len(got_lines):
        return f"; it should have {len(want_lines)} lines, not {len(got_lines)}"
    return ""


def _judge_render(data: dict[str, Any]) -> None:
    for kind, table, what in (
        ("anyhow", _ANYHOW_EXPECTED, "anyhow's {:?}: outermost first, 'Caused by:' numbered only for 2+ causes"),
        ("oneline", _ONELINE_EXPECTED, "anyhow's {:#}: every link on one line, joined by ': '"),
    ):
        for name, want in table.items():
            outcome = data[kind][name]
            _loop_message(outcome, "format_anyhow()" if kind == "anyhow" else "format_oneline()")
            got = returned(outcome)
            expect(
                got == want,
                f"{outcome['call']} should render {what}{_first_difference(want, got)}",
                expected=want,
                got=got if isinstance(got, str) else show(got),
            )


# -- 3.3 find_cause ----------------------------------------------------------------------
_FIND_SCENARIOS: dict[str, tuple[Callable[[], Scenario], str, Callable[[], Any], str, int | None]] = {
    "buried": (
        _buried_timeout,
        "a TimeoutError under three layers of context",
        lambda: TimeoutError,
        "TimeoutError",
        3,
    ),
    "subclass": (_article, "the article's chain", lambda: ConnectionError, "ConnectionError", 3),
    "outermost": (_two_runtime, "the article's chain", lambda: RuntimeError, "RuntimeError", 0),
    "middle": (_article, "the article's chain", lambda: OSError, "OSError", 2),
    "tuple": (
        _article,
        "the article's chain",
        lambda: (TimeoutError, ConnectionError),
        "(TimeoutError, ConnectionError)",
        3,
    ),
    "absent": (_implicit, "an implicit context", lambda: PermissionError, "PermissionError", None),
    "hidden": (_hidden_timeout, "a TimeoutError hidden by `from None`", lambda: TimeoutError, "TimeoutError", None),
    "cycle": (_looping_no_match, "a chain that loops", lambda: TimeoutError, "TimeoutError", None),
}


def _found(value: object, known: list[BaseException]) -> Any:
    if value is None:
        return None
    index = next((i for i, k in enumerate(known) if k is value), None)
    return index if index is not None else {"something_else": type(value).__name__, "repr": repr(value)[:80]}


def _observe_find(probe: Probe) -> dict[str, Any]:
    find_cause = probe.get("find_cause")
    out: dict[str, Any] = {}
    for name, (build, what, kind, kind_name, _) in _FIND_SCENARIOS.items():
        exc, known = build()
        rec = probe.call(
            f"find_cause(e, {kind_name})  # e is {what}",
            lambda e=exc, k=known, t=kind(): _found(find_cause(e, t), k),
        )
        rec["labels"] = _labels(known)
        out[name] = rec
    return out


def _judge_find(data: dict[str, Any]) -> None:
    for name, (*_, want) in _FIND_SCENARIOS.items():
        outcome = data[name]
        _loop_message(outcome, "find_cause()")
        got = returned(outcome)
        labels = outcome["labels"]
        expect(
            got == want,
            f"{outcome['call']}: the first link of the chain (outermost first, the same chain as "
            "links()) that is an instance of the type, or None",
            expected="None" if want is None else labels[want],
            got="None" if got is None else (labels[got] if isinstance(got, int) else show(got)),
        )


# -- 3.4 failure_report ------------------------------------------------------------------
def _node_failure(node: str, cause: Exception) -> Exception:
    def body() -> None:
        try:
            raise cause
        except BaseException as exc:
            raise RuntimeError(f"provisioning GPU on node {node}") from exc

    failure = _catch(body)
    assert isinstance(failure, Exception)  # noqa: S101 - built just above
    return failure


def _timeout(node: str) -> TimeoutError:
    return TimeoutError(f"node {node} did not answer within 30s")


def _group_cluster() -> ExceptionGroup[Exception]:
    return ExceptionGroup(
        "2 of 5 nodes failed",
        [
            _node_failure("gpu-worker-03", driver_install_failure()),
            _node_failure("gpu-worker-05", _timeout("gpu-worker-05")),
        ],
    )


def _group_nested() -> ExceptionGroup[Exception]:
    rack_a = ExceptionGroup(
        "rack a: 2 of 3 nodes failed",
        [
            _node_failure("gpu-worker-01", _timeout("gpu-worker-01")),
            _node_failure("gpu-worker-02", PermissionError(errno.EACCES, "Permission denied", "/dev/nvidia0")),
        ],
    )
    rack_b = ExceptionGroup("rack b: 1 of 2 nodes failed", [_node_failure("gpu-worker-07", driver_install_failure())])
    return ExceptionGroup("2 racks failed", [rack_a, rack_b, _timeout("gpu-worker-09")])


def _group_single() -> ExceptionGroup[Exception]:
    return ExceptionGroup(
        "1 of 5 nodes failed", [_node_failure("gpu-worker-04", OSError(errno.ENOSPC, "No space left on device"))]
    )


_GROUPS: dict[str, tuple[Callable[[], ExceptionGroup[Exception]], str]] = {
    "cluster": (_group_cluster, "2 of 5 nodes failed: a driver install and a timeout"),
    "nested": (_group_nested, "two racks of failures (nested groups) and a bare timeout"),
    "single": (_group_single, "1 of 5 nodes failed"),
}

_REPORT_EXPECTED = {
    "cluster": [
        "fail: provisioning GPU on node gpu-worker-03: NVIDIA driver installation failed: download interrupted: "
        "[Errno 104] Connection reset by peer",
        "retry: provisioning GPU on node gpu-worker-05: node gpu-worker-05 did not answer within 30s",
    ],
    "nested": [
        "retry: provisioning GPU on node gpu-worker-01: node gpu-worker-01 did not answer within 30s",
        "fail: provisioning GPU on node gpu-worker-02: [Errno 13] Permission denied: '/dev/nvidia0'",
        "fail: provisioning GPU on node gpu-worker-07: NVIDIA driver installation failed: download interrupted: "
        "[Errno 104] Connection reset by peer",
        "retry: node gpu-worker-09 did not answer within 30s",
    ],
    "single": ["fail: provisioning GPU on node gpu-worker-04: [Errno 28] No space left on device"],
}


def _strings(value: object) -> Any:
    if type(value) not in (list, tuple):
        return {"not_a_list": type(value).__name__}
    return [_text(v) for v in value]  # type: ignore[attr-defined]


def _observe_report(probe: Probe) -> dict[str, Any]:
    report = probe.get("failure_report")
    out: dict[str, Any] = {}
    for name, (build, what) in _GROUPS.items():
        eg = build()
        out[name] = probe.call(f"failure_report(eg)  # eg: {what}", lambda g=eg: _strings(report(g)))
    return out


def _judge_report(data: dict[str, Any]) -> None:
    for name, want in _REPORT_EXPECTED.items():
        outcome = data[name]
        got = returned(outcome)
        expect(
            isinstance(got, list) and len(got) == len(want),
            f"{outcome['call']} should give one line per failed node: every exception in the group "
            "that is not itself a group, nested groups included, in order",
            expected=f"{len(want)} lines",
            got=f"{len(got)} lines: {show(got)}" if isinstance(got, list) else show(got),
        )
        for i, (g, w) in enumerate(zip(got, want, strict=True)):
            expect(
                g == w,
                f"{outcome['call']}, line {i + 1}: 'retry: ' when a TimeoutError is anywhere in that "
                "failure's chain, else 'fail: ', then its chain on one line",
                expected=w,
                got=g if isinstance(g, str) else show(g),
            )


# -- 3.5 provision_all -------------------------------------------------------------------


_PROVISION_CASES: dict[str, tuple[dict[str, str], bool, str]] = {
    "healthy": ({}, False, "every node healthy"),
    "two_fail": ({"gpu-worker-03": "driver", "gpu-worker-05": "timeout"}, False, "03's driver fails, 05 hangs"),
    "order": ({"gpu-worker-02": "timeout", "gpu-worker-04": "driver"}, False, "02 hangs, 04's driver fails first"),
    "refused": ({}, True, "the cluster refuses the connection"),
}


def _observe_provision(probe: Probe) -> dict[str, Any]:
    provision_all = probe.get("provision_all")
    out: dict[str, Any] = {"is_coroutine_function": inspect.iscoroutinefunction(provision_all)}
    for name, (faults, refuse, what) in _PROVISION_CASES.items():
        cluster = Cluster(VirtualClock(), "prod", nodes=5)
        for node, fault in faults.items():
            cluster.break_node(node, fault)
        if refuse:
            cluster.faults.fail_next("connect", 1, ConnectionRefusedError(errno.ECONNREFUSED, "Connection refused"))

        def run(c: Cluster = cluster) -> Any:
            if not inspect.iscoroutinefunction(provision_all):
                msg = "provision_all is not a coroutine function: define it with `async def`"
                raise TypeError(msg)
            return _run_in_thread(lambda: provision_all(c))

        rec = probe.call(f"await provision_all(cluster)  # {what}", run)
        rec["provisioned"] = list(cluster.provisioned)
        rec["finished"] = [c.target for c in cluster.calls if c.operation == "provision_gpu"]
        out[name] = rec
    return out


def _judge_provision(data: dict[str, Any]) -> None:
    expect(
        data["is_coroutine_function"],
        "provision_all should be a coroutine function: `async def`, awaiting cluster.aprovision_gpu",
    )
    nodes = [f"gpu-worker-{i:02d}" for i in range(1, 6)]
    ok = data["healthy"]
    got = returned(ok)
    want = [f"{n}: driver 550.54.15 ready" for n in nodes]
    expect(
        got == want,
        f"{ok['call']} should return every node's status, in node order",
        expected=show(want),
        got=show(got),
    )
    for name, failed, reasons in (
        ("two_fail", ["gpu-worker-03", "gpu-worker-05"], ["RuntimeError", "TimeoutError"]),
        ("order", ["gpu-worker-02", "gpu-worker-04"], ["TimeoutError", "RuntimeError"]),
    ):
        outcome = data[name]
        call = outcome["call"]
        exc = raised(outcome, f"{call} should raise an ExceptionGroup of the failed nodes")
        expect(
            is_a(exc, "ExceptionGroup"),
            f"{call} should raise an ExceptionGroup of the failed nodes",
            expected="ExceptionGroup",
            got=f"{exc['type']}: {show(exc['str'])}",
        )
        members = exc.get("exceptions", [])
        titles = [m.get("str") for m in members]
        want_titles = [f"provisioning GPU on node {n}" for n in failed]
        expect(
            titles == want_titles,
            f"{call}: one RuntimeError per failed node, in node order, each saying which node "
            "(a node that fails must not stop the others: TaskGroup cancels them unless each task "
            "catches its own failure)",
            expected=show(want_titles),
            got=show(titles),
        )
        expect(
            exc["str"] == f"{len(failed)} of 5 nodes failed ({len(failed)} sub-exceptions)",
            f"{call}: the group's message should be '{{failed}} of {{total}} nodes failed'",
            expected=f"{len(failed)} of 5 nodes failed ({len(failed)} sub-exceptions)",
            got=show(exc["str"]),
        )
        for member, reason, node in zip(members, reasons, failed, strict=True):
            cause = member.get("cause")
            expect(
                is_a(member, "RuntimeError") and isinstance(cause, dict) and is_a(cause, reason),
                f"{call}: the failure of {node} should be a RuntimeError whose __cause__ is the node's "
                f"own error ({reason}): raise ... from exc",
                expected=f"RuntimeError caused by {reason}",
                got=f"{member.get('type')} caused by {cause.get('type') if isinstance(cause, dict) else 'nothing'}",
            )
        healthy = [n for n in nodes if n not in failed]
        expect(
            outcome["provisioned"] == healthy,
            f"{call}: every healthy node should still be provisioned",
            expected=show(healthy),
            got=show(outcome["provisioned"]),
        )
    finished = data["order"]["finished"]
    expect(
        bool(finished) and finished[-1] == "gpu-worker-02" and sorted(finished) == nodes,
        f"{data['order']['call']}: the nodes should be provisioned concurrently (one task each), so "
        "the others finish while gpu-worker-02 hangs, not one after another",
        expected="gpu-worker-02 finishing last",
        got="finishing order " + show(finished),
    )
    refused = data["refused"]
    call = refused["call"]
    exc = raised(refused, f"{call} should raise")
    cause = exc.get("cause")
    expect(
        exc["type"] == "RuntimeError"
        and exc["str"] == "connecting to cluster prod"
        and isinstance(cause, dict)
        and is_a(cause, "ConnectionRefusedError"),
        f"{call} should raise RuntimeError('connecting to cluster prod') from the connection error (no group: "
        "nothing ran concurrently yet)",
        expected="RuntimeError: connecting to cluster prod, caused by ConnectionRefusedError",
        got=f"{exc['type']}: {show(exc['str'])}, caused by {cause.get('type') if isinstance(cause, dict) else 'nothing'}",
    )


EXERCISES = (
    Exercise(
        id="3.1",
        lesson=LESSON,
        title="links: walk a chain the way Python's traceback does",
        points=3,
        hints=(
            "Start with [exc]; at each step take __cause__ if it is not None, otherwise __context__, "
            "unless __suppress_context__ is true (raise ... from None), which ends the chain.",
            "`raise ... from None` leaves __context__ set: only __suppress_context__ tells you to stop.",
            "Chains can loop (a.__context__ is b, b.__context__ is a). Keep the ids of the exceptions "
            "you have met in a set and stop at one you meet again.",
        ),
        names=("links",),
        observe=_observe_links,
        judge=_judge_links,
        forbidden=_REFERENCES,
        success="links walks causes, contexts, `from None` and cycles exactly as Python's traceback does.",
    ),
    Exercise(
        id="3.2",
        lesson=LESSON,
        title="format_anyhow and format_oneline: anyhow's {:?} and {:#}, to the character",
        points=4,
        hints=(
            "Use links() from 3.1. The first link's str() alone; then, if there are causes, a blank "
            "line, 'Caused by:', and one line per cause.",
            "Number the causes (f'{i:>5}: ') only when there are two or more; a single cause is "
            "indented by four spaces, unnumbered.",
            "Indent the later lines of a multi-line cause under its first: replace each '\\n' of the "
            "message by '\\n' plus 7 spaces (numbered) or 4 (single), blank lines included. The "
            "outermost message is not indented. format_oneline joins every str() with ': '.",
        ),
        names=("format_anyhow", "format_oneline"),
        observe=_observe_render,
        judge=_judge_render,
        forbidden=_REFERENCES,
        success="your renderers print chains exactly as anyhow does.",
    ),
    Exercise(
        id="3.3",
        lesson=LESSON,
        title="find_cause: a typed cause anywhere in the chain (the downcast)",
        points=3,
        hints=(
            "Walk links(exc) and return the first link that is an instance of the type.",
            "isinstance, not type(...) is: a ConnectionResetError is a ConnectionError, and a tuple of "
            "types works as it does for isinstance.",
            "Outermost first: the first match wins. Nothing behind a `from None`, and None when no link matches.",
        ),
        names=("find_cause",),
        observe=_observe_find,
        judge=_judge_find,
        forbidden=_REFERENCES,
        success="find_cause finds a typed cause through any number of layers of context.",
    ),
    Exercise(
        id="3.4",
        lesson=LESSON,
        title="failure_report: every failed node of an exception group, with its chain",
        points=3,
        hints=(
            "An ExceptionGroup is a tree: its .exceptions may hold groups. Recurse into every member "
            "that is a BaseExceptionGroup; every other member is one failed node.",
            "For each failure: 'retry: ' if find_cause(failure, TimeoutError) finds one, else 'fail: ', "
            "then format_oneline(failure).",
        ),
        names=("failure_report",),
        observe=_observe_report,
        judge=_judge_report,
        forbidden=_REFERENCES,
        success="failure_report lists every failed node, nested groups included, each with its own chain.",
    ),
    Exercise(
        id="3.5",
        lesson=LESSON,
        title="provision_all: many nodes at once, every failure reported",
        points=4,
        hints=(
            "connect() and list_nodes() first, translating a failure into "
            "RuntimeError('connecting to cluster NAME') from the error.",
            "A TaskGroup cancels every other task when one fails. So let each node's task catch its "
            "own failure: wrap it as RuntimeError(f'provisioning GPU on node {node}') from exc and "
            "return it, or use asyncio.gather(..., return_exceptions=True).",
            "Afterwards, in node order: the statuses if nothing failed, else raise "
            "ExceptionGroup(f'{len(failures)} of {len(nodes)} nodes failed', failures).",
        ),
        names=("provision_all",),
        observe=_observe_provision,
        judge=_judge_provision,
        forbidden=_REFERENCES,
        success="provision_all tries every node and reports every failure in one ExceptionGroup.",
    ),
)
