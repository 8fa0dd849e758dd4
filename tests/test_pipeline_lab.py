"""The capstone's PipelineLab and its dashboard, headless: schedules, recording, leaks, summaries."""

from __future__ import annotations

from functools import cache
from typing import Any

import pytest

from faultlab import FaultlabError
from faultlab.labs import SCHEDULES, STAGE_FAULTS, PipelineLab, Schedule
from faultlab.widgets import PipelineDashboard
from tests.conftest import ROOT, notebook_namespace

NODES = [f"gpu-worker-{i:02d}" for i in range(1, 6)]


@cache
def _solution() -> dict[str, Any]:
    return notebook_namespace(ROOT / "solutions" / "08_capstone.ipynb")


def _deploy(env: Any, raw: dict[str, Any]) -> Any:
    return _solution()["deploy"](env, raw)


def naive(env: Any, raw: dict[str, Any]) -> dict[str, str]:
    """No retries, no timeouts: every call once, the first error out as it is."""
    artifact = env.artifacts.download(raw["artifact"])
    image = env.builder.build(artifact.data, tag=raw["tag"])
    env.registry.push(image, namespace=raw["namespace"], token=raw["token"])
    env.cluster.connect()
    return {node: env.cluster.provision_gpu(node) for node in env.cluster.list_nodes()}


def test_the_lesson_has_the_six_schedules_the_issue_names() -> None:
    """SCHEDULES: transient only, permanent, partial rollout, stalled, storm, secret; each described."""
    assert list(SCHEDULES) == [
        "transient only",
        "permanent error",
        "partial rollout",
        "stalled dependency",
        "retry storm",
        "secret in the config",
    ]
    assert all(s.description and s.expected for s in SCHEDULES.values())


def test_runs_are_deterministic() -> None:
    """The same pipeline under the same schedule gives the same text, ids and timeline twice."""
    first = PipelineLab().run(_deploy, "transient only").text()
    again = PipelineLab().run(_deploy, "transient only").text()
    assert first == again
    assert "trace=" in first


def test_the_solution_meets_each_schedule() -> None:
    """The solution's deploy: transient only returns, the others raise what their schedule expects."""
    lab = PipelineLab()
    ok = lab.run(_deploy, "transient only")
    assert ok.ok
    assert sorted(ok.value) == NODES
    assert ok.provisioned == NODES
    assert ok.retries() == 5
    permanent = lab.run(_deploy, "permanent error")
    assert type(permanent.error).__name__ == "DeployError"
    assert isinstance(permanent.error.__cause__, PermissionError)
    assert not permanent.sleeps
    partial = lab.run(_deploy, "partial rollout")
    assert isinstance(partial.error, ExceptionGroup)
    assert [e.node for e in partial.error.exceptions] == ["gpu-worker-02", "gpu-worker-04"]  # type: ignore[attr-defined]
    assert partial.provisioned == ["gpu-worker-01", "gpu-worker-03", "gpu-worker-05"]
    stalled = lab.run(_deploy, "stalled dependency")
    assert stalled.end <= stalled.deadline
    assert all(c.timeout is not None for c in stalled.calls)
    storm = lab.run(_deploy, "retry storm")
    assert "budget" in str(storm.error)
    assert storm.retries() == 5
    secret = lab.run(_deploy, "secret in the config")
    assert secret.ok
    assert secret.leaks() == []
    assert {"download", "build", "push", "rollout"} <= {s.name for s in secret.spans}
    assert len(lab.runs) == 6


def test_every_call_and_sleep_is_recorded_with_its_timeout() -> None:
    """Calls carry stage, operation, target, virtual times, timeout and outcome; sleeps their start."""
    run = PipelineLab().run(_deploy, "transient only")
    first = run.calls[0]
    assert (first.stage, first.operation, first.target, first.outcome) == (
        "download",
        "download",
        "s3://models/resnet.onnx",
        "TimeoutError",
    )
    assert first.timeout == 30.0
    assert [c.operation for c in run.calls].count("provision_gpu") == 5
    assert len(run.sleeps) == 5
    assert all(s.seconds >= 0 for s in run.sleeps)
    rows = run.timeline_rows()
    assert len(rows) == len(run.calls) + len(run.sleeps)
    assert "sleep" in rows[1]
    assert "download" in rows[2]


def test_a_naive_pipeline_fails_the_first_transient_fault() -> None:
    """Without retries the first timeout ends the run, and the summaries say so."""
    run = PipelineLab().run(naive, "transient only")
    assert isinstance(run.error, TimeoutError)
    summaries = run.summaries()
    assert set(summaries) == {"timeline", "chain", "logs", "stages"}
    assert summaries["chain"] == "raised TimeoutError"
    assert (
        summaries["stages"] == "download failed: TimeoutError; build not reached; push not reached; rollout not reached"
    )
    assert "no timeout" in run.timeline_rows()[0]


def test_leaks_are_found_in_records_spans_and_errors() -> None:
    """The token logged, put on a span or in an error message is reported where it appears."""

    def leaky(env: Any, raw: dict[str, Any]) -> None:
        env.log.info("config", raw=raw)
        with env.span("push", token=raw["token"]):
            msg = f"failed with {raw['token']}"
            raise RuntimeError(msg)

    run = PipelineLab().run(leaky, "permanent error")
    assert run.leaks() == ["log records", "spans", "error"]
    assert "the token leaked into: log records, spans, error!" in run.summaries()["logs"]
    assert "***" in str(run.config)
    assert run.token not in str(run.config)


def test_records_carry_virtual_time_and_span_ids() -> None:
    """A record logged inside env.span has the virtual timestamp and that span's trace and span ids."""

    def logs(env: Any, raw: dict[str, Any]) -> None:
        env.clock.sleep(1.5)
        with env.span("download"):
            env.log.warning("retrying", attempt=1)
            try:
                env.artifacts.download("s3://models/missing.onnx")
            except LookupError:
                env.log.exception("lost")

    run = PipelineLab().run(logs, Schedule("quiet", "no faults"))
    first, second = run.records
    assert first["timestamp"] == 1.5
    assert first["level"] == "warning"
    assert first["attempt"] == 1
    span = next(s for s in run.spans if s.name == "download")
    assert first["span_id"] == f"{span.context.span_id:016x}"
    assert second["exception"].startswith("LookupError: no artifact published")


def test_the_pipeline_sees_only_the_operations() -> None:
    """Administration methods (clear_faults, revoke, heal) are not reachable through env."""

    def cheat(env: Any, raw: dict[str, Any]) -> None:
        env.registry.clear_faults()

    run = PipelineLab().run(cheat, "permanent error")
    assert isinstance(run.error, AttributeError)
    assert "may call push on registry, not 'clear_faults'" in str(run.error)


def test_a_runaway_loop_is_stopped() -> None:
    """A pipeline that retries forever is stopped after MAX_EVENTS calls, as a RuntimeError."""

    def forever(env: Any, raw: dict[str, Any]) -> None:
        while True:
            try:
                env.cluster.list_nodes()  # never connected
            except ConnectionError:
                env.clock.sleep(0)

    run = PipelineLab().run(forever, "transient only")
    assert isinstance(run.error, RuntimeError)
    assert "does your retry loop ever end" in str(run.error)


def test_keyboard_interrupt_goes_through() -> None:
    """A BaseException that is not an Exception is never the run's outcome: it propagates."""

    def interrupted(env: Any, raw: dict[str, Any]) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        PipelineLab().run(interrupted, "transient only")


def test_extra_faults_add_to_a_schedule() -> None:
    """Stage and node faults passed to run() come on top of the schedule's."""
    run = PipelineLab().run(
        _deploy,
        "transient only",
        stage_faults=(("build", "failing step", 1),),
        node_faults=(("gpu-worker-03", "driver"),),
    )
    assert type(run.error).__name__ == "DeployError"
    assert run.error.stage == "build"
    assert ("gpu-worker-03", "driver") in run.schedule.node_faults


def test_every_stage_fault_can_be_armed() -> None:
    """Each entry of STAGE_FAULTS arms a fault the naive pipeline meets in its stage."""
    for stage, faults in STAGE_FAULTS.items():
        for fault in faults:
            run = PipelineLab().run(naive, Schedule("one", "one fault", stage_faults=((stage, fault, 1),)))
            if fault == "stall":  # no timeout: the push hangs for its 600 s, then goes through
                assert run.ok
                assert run.calls[2].end - run.calls[2].start == 602.0
                continue
            assert run.error is not None, f"{stage}: {fault}"
            assert run.calls[-1].stage == stage, f"{stage}: {fault}"


def test_bad_schedules_and_names_are_refused() -> None:
    """Unknown schedules, faults, config keys and counts are FaultlabErrors naming the choices."""
    lab = PipelineLab()
    with pytest.raises(FaultlabError, match="choose from: transient only"):
        lab.run(naive, "gremlins")
    with pytest.raises(FaultlabError, match="unknown stage fault"):
        Schedule("x", "x", stage_faults=(("push", "gremlins", 1),))
    with pytest.raises(FaultlabError, match="unknown node fault"):
        Schedule("x", "x", node_faults=(("gpu-worker-01", "gremlins"),))
    with pytest.raises(FaultlabError, match="unknown config key"):
        Schedule("x", "x", config=(("retries", 3),))
    with pytest.raises(FaultlabError, match="at least 1"):
        Schedule("x", "x", stage_faults=(("push", "503", 0),))
    with pytest.raises(FaultlabError, match="needs the pipeline function"):
        lab.run("deploy", "transient only")  # type: ignore[arg-type]


def test_the_dashboard_runs_the_chosen_schedule_with_its_toggles() -> None:
    """The button runs the lab with the dropdown's schedule and the ticked faults; four views fill."""
    dash = PipelineDashboard(PipelineLab(), _deploy)
    assert dash.children[0].value.startswith("<b>Deployment pipeline</b>")
    dash.schedule.value = "partial rollout"
    dash.node_faults["gpu-worker-05"].value = "driver"
    dash.run_button.click()
    run = dash.lab.runs[-1]
    assert isinstance(run.error, ExceptionGroup)
    assert len(run.error.exceptions) == 3
    assert dash.summaries["chain"].value == "<i>ExceptionGroup of 3: NodeError, NodeError, NodeError</i>"
    texts = {name: "".join(o["text"] for o in view.outputs) for name, view in dash.views.items()}
    assert "provision_gpu gpu-worker-05" in texts["timeline"]
    assert "NodeError: provisioning gpu-worker-05 failed" in texts["chain"]
    assert texts["stages"].splitlines()[-1].startswith("rollout  failed on 3 of 5 nodes")
    assert "span rollout" in texts["logs"]
    assert dash.status.value == "run 1 — partial rollout: raised ExceptionGroup"
    dash.node_faults["gpu-worker-05"].value = "healthy"
    dash.schedule.value = "transient only"
    dash.stage_toggles[("push", "revoked token")].value = True
    dash.run_button.click()
    assert dash.status.value == "run 2 — transient only: raised DeployError"
    assert "gpu-worker-05" not in "".join(o["text"] for o in dash.views["chain"].outputs)


def test_dashboard_controls_are_labelled() -> None:
    """Every control carries a visible description (its label), so a keyboard user knows what it sets."""
    dash = PipelineDashboard(PipelineLab(), naive)
    controls = [dash.schedule, *dash.stage_toggles.values(), *dash.node_faults.values(), dash.run_button]
    assert all(c.description for c in controls)
