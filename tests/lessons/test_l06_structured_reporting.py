"""Lesson 06: the model server, the log-stream lab and panel, and right answers checked in-process."""

from __future__ import annotations

import errno
import json
import textwrap
from functools import cache
from typing import Any

import pytest

from faultlab import FaultlabError, FaultPlanError, World
from faultlab.exercises import run_check
from faultlab.labs import LogStreamLab, SequentialIds
from faultlab.world import ModelServer, VirtualClock
from tests.answers import RIGHT
from tests.conftest import ROOT, notebook_namespace


def test_models_load_and_infer_in_virtual_time() -> None:
    """A model loads (taking size/throughput seconds), infers one label per item, and unloads."""
    world = World.demo(seed=1)
    info = world.models.load_model("resnet-50")
    assert info.size_mb == 98
    assert world.clock.now() == pytest.approx(98 / ModelServer.load_mb_per_s)
    assert world.models.infer("resnet-50", 2) == ["resnet-50:label-0", "resnet-50:label-1"]
    assert world.models.free_mb() == 1024 - 98
    world.models.unload_model("resnet-50")
    assert world.models.loaded() == []


def test_out_of_memory_carries_required_and_available() -> None:
    """A model that does not fit raises a built-in MemoryError with required_mb and available_mb."""
    world = World.demo()
    world.models.load_model("bert-base")
    with pytest.raises(MemoryError, match="need 13000 MB, 604 MB free") as info:
        world.models.load_model("llama-7b")
    assert (info.value.required_mb, info.value.available_mb) == (13000, 604)  # type: ignore[attr-defined]
    assert world.models.calls[-1].outcome == "MemoryError"


def test_load_failures_are_os_errors() -> None:
    """Damaged weights are OSError(EIO); an unknown model is FileNotFoundError; neither is loaded."""
    world = World.demo()
    with pytest.raises(OSError, match="Input/output error") as info:
        world.models.load_model("whisper-small")
    assert info.value.errno == errno.EIO
    assert info.value.filename == "weights/whisper-small.bin"
    with pytest.raises(FileNotFoundError):
        world.models.load_model("gpt-5")
    assert world.models.loaded() == []


def test_inference_times_out_and_needs_a_loaded_model() -> None:
    """Inference longer than its timeout is TimeoutError after exactly timeout seconds; unloaded is KeyError."""
    world = World.demo()
    with pytest.raises(KeyError):
        world.models.infer("bert-base")
    world.models.load_model("bert-base")
    start = world.clock.now()
    with pytest.raises(TimeoutError):
        world.models.infer("bert-base", 100, timeout=1.0)
    assert world.clock.now() - start == pytest.approx(1.0)
    world.models.faults.add_latency("infer", 0.6)
    with pytest.raises(TimeoutError):
        world.models.infer("bert-base", 10, timeout=1.0)


def test_seeded_faults_replay() -> None:
    """The same seeded fault plan fails the same calls every run."""
    runs = []
    for _ in range(2):
        world = World.demo()
        world.models.faults.fail_with_probability("load_model", 0.5, TimeoutError, seed=9)
        outcomes = []
        for _ in range(12):
            try:
                world.models.load_model("resnet-50")
                outcomes.append("ok")
            except TimeoutError:
                outcomes.append("timeout")
        runs.append(outcomes)
    assert runs[0] == runs[1]
    assert {"ok", "timeout"} == set(runs[0])


def test_misuse_is_faultlab_error() -> None:
    """Bad sizes, duplicate ids and bad batches are faultlab's own errors."""
    server = ModelServer(VirtualClock())
    with pytest.raises(FaultlabError):
        ModelServer(VirtualClock(), memory_mb=0)
    with pytest.raises(FaultlabError):
        server.add_model("m", 0)
    server.add_model("m", 10)
    with pytest.raises(FaultlabError):
        server.add_model("m", 10)
    with pytest.raises(FaultlabError):
        server.infer("m", 0)


def test_sequential_ids_repeat_per_seed() -> None:
    """The id generator gives the same non-zero ids for the same seed, other ids for another."""
    a, b, c = SequentialIds(3), SequentialIds(3), SequentialIds(4)
    first = [a.generate_trace_id(), a.generate_span_id()]
    assert first == [b.generate_trace_id(), b.generate_span_id()]
    assert first != [c.generate_trace_id(), c.generate_span_id()]
    assert all(first)


def _lab() -> LogStreamLab:
    lab = LogStreamLab(World.demo(seed=2), seed=2, probability=0.25)
    for kind in ("out of memory", "inference timeout", "load error"):
        lab.toggle(kind, True)
    return lab


def test_lab_records_and_spans_correlate_and_replay() -> None:
    """Every request leaves one record and one span with the same trace id; a rerun prints the same."""
    lab = _lab()
    lines = lab.run(8)
    assert lines == _lab().run(8)
    spans = lab.spans()
    assert len(spans) == len(lab.records) == 8
    for record, span in zip(lab.records, spans, strict=True):
        assert record["trace_id"] == f"{span.context.trace_id:032x}"
        assert (record["level"] == "error") == (span.status.status_code.name == "ERROR")
        if record["level"] == "error":
            assert span.attributes["error.type"] == record["error.type"]
        assert not span.events
    assert {r["event"] for r in lab.records} == {"request_failed", "request_served"}
    assert not lab.leaks()
    assert all(json.loads(line) for line in lines if not line.startswith("span "))


def test_lab_rejects_bad_settings_and_resets() -> None:
    """Unknown kinds and counts are FaultPlanError; reset forgets records, spans and rules."""
    lab = _lab()
    with pytest.raises(FaultPlanError):
        lab.toggle("meteor", True)
    with pytest.raises(FaultPlanError):
        lab.run(0)
    lab.run(2)
    lab.reset()
    assert (lab.records, lab.spans(), lab.world.models.faults.rules) == ([], [], [])
    quiet = LogStreamLab(World.demo())
    quiet.run(3)
    assert quiet.summary() == {"request_served": 3}


def test_panel_serves_and_resets() -> None:
    """The panel's buttons drive the lab: records and spans appear, reset clears them."""
    from faultlab.widgets import LogStreamPanel

    panel = LogStreamPanel(LogStreamLab(World.demo(seed=1)), count=3)
    panel.toggles["out of memory"].value = True
    panel.probability.value = 1.0
    panel.run_button.click()
    assert panel.lab.summary() == {"request_failed:MemoryError": 3}
    assert "appears nowhere" in panel.status.value
    panel.reset_button.click()
    assert panel.lab.records == []


@cache
def _solution() -> dict[str, Any]:
    return notebook_namespace(ROOT / "solutions" / "06_structured_reporting.ipynb")


CASES = [(eid, why, src) for eid, cases in RIGHT.items() if eid.startswith("6.") for why, src in cases]


@pytest.mark.parametrize(("eid", "why", "source"), CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES])
def test_right_answer_passes(eid: str, why: str, source: str) -> None:
    """A right answer written differently from the solution passes, defined over the solution."""
    ns = dict(_solution())
    exec(compile(textwrap.dedent(source), f"<right {eid}: {why}>", "exec"), ns)  # noqa: S102
    verdict = run_check(eid, ns)
    assert verdict.status == "passed", f"{why}: {verdict.text()}"
