"""The fault panel and chain viewer: logic tested directly, views driven with .click()."""

from __future__ import annotations

import errno
import subprocess
import sys

import pytest

from faultlab import FaultPlanError, World
from faultlab.labs._fault_lab import FaultLab
from faultlab.widgets import ChainViewer, FaultPanel
from faultlab.widgets._chain import chain_tree


def _lab(world: World) -> FaultLab:
    return FaultLab(world.store, "get_object", lambda: world.store.get_object("models", "resnet.onnx"))


def test_lab_runs_are_reproducible() -> None:
    """Same settings and seed give the same outcomes; no kinds means no failures."""
    runs = []
    for _ in range(2):
        lab = _lab(World.demo())
        lab.toggle("timeout", True)
        lab.toggle("connection reset", True)
        lab.probability = 0.4
        lab.seed = 5
        runs.append([o.result for o in lab.run(20)])
    assert runs[0] == runs[1]
    assert {"TimeoutError", "ConnectionResetError", "ok"} <= set(runs[0])
    quiet = _lab(World.demo())
    assert {o.result for o in quiet.run(5)} == {"ok"}


def test_lab_tells_a_quota_from_a_full_disk() -> None:
    """ "quota exceeded" raises OSError(EDQUOT) and "disk full" OSError(ENOSPC): two errors, as on Linux."""
    seen = {}
    for kind in ("quota exceeded", "disk full"):
        lab = _lab(World.demo())
        lab.describe = lambda exc: errno.errorcode[exc.errno] if isinstance(exc, OSError) and exc.errno else str(exc)
        lab.toggle(kind, True)
        lab.probability = 1.0
        seen[kind] = {(o.result, o.detail) for o in lab.run(3)}
    assert seen == {"quota exceeded": {("OSError", "EDQUOT")}, "disk full": {("OSError", "ENOSPC")}}


def test_lab_apply_replaces_only_its_operation() -> None:
    """apply() rewrites the panel's operation's rules and leaves other operations alone."""
    world = World.demo()
    world.store.faults.fail_next("put_object", 1, TimeoutError)
    lab = _lab(world)
    lab.toggle("disk full", True)
    lab.latency = 0.5
    assert lab.apply() == [
        "get_object: fail with p=0.3 (seed 1102744549) with OSError",
        "get_object: add 0.5s latency",
    ]
    lab.toggle("disk full", False)
    assert lab.apply() == ["get_object: add 0.5s latency"]
    assert [r.operation for r in world.store.faults.rules] == ["put_object", "get_object"]


def test_lab_refuses_bad_input() -> None:
    """Unknown operations, kinds and counts are FaultPlanErrors naming the valid choices."""
    world = World.demo()
    with pytest.raises(FaultPlanError, match="has no operation 'fetch'"):
        FaultLab(world.store, "fetch", lambda: None)
    lab = _lab(world)
    with pytest.raises(FaultPlanError, match="choose from: timeout"):
        lab.toggle("gremlins", True)
    with pytest.raises(FaultPlanError, match="between 1 and 1000"):
        lab.run(0)


def test_panel_click_runs_calls_into_output() -> None:
    """Clicking Run makes the calls, logs one line per call, and summarises; Reset clears."""
    world = World.demo()
    panel = FaultPanel(world.store, "get_object", lambda: world.store.get_object("models", "resnet.onnx"), count=6)
    panel.toggles["timeout"].value = True
    panel.probability.value = 1.0
    panel.run_button.click()
    lines = [o["text"] for o in panel.calls_log.outputs]
    assert len(lines) == 6
    assert all("ERR  TimeoutError: read timed out" in line for line in lines)
    assert panel.status.value == "6 calls so far — TimeoutError: 6"
    assert "fail with p=1" in panel.plan.value
    panel.reset_button.click()
    assert panel.lab.outcomes == []
    assert panel.status.value == ""


def test_chain_viewer_builds_a_tree() -> None:
    """The viewer has one node per link, titled with relation, type and message."""
    try:
        try:
            raise KeyError("k")
        except KeyError as exc:
            err = ValueError("bad")
            err.add_note("n")
            raise err from exc
    except ValueError as exc:
        viewer = ChainViewer(exc)
    assert [n["title"] for n in viewer.nodes] == ["ValueError: bad", "caused by KeyError: 'k'"]
    assert viewer.nodes[0]["body"] == ["note: n"]
    assert viewer.tree.get_title(1) == "caused by KeyError: 'k'"


def test_chain_tree_nests_groups() -> None:
    """Exception groups become children of their node, one per member, titled with its index."""
    from faultlab import chain_record

    nodes = chain_tree(chain_record(ExceptionGroup("many", [TimeoutError("a")])))
    assert nodes[0]["children"][0]["title"] == "[0] TimeoutError: a"


def test_chain_tree_keeps_each_members_chain_under_it() -> None:
    """A member's causes and nested members hang under that member, not beside it."""
    from faultlab import chain_record

    failure = RuntimeError("provisioning GPU on node gpu-worker-03")
    failure.__cause__ = OSError("download interrupted")
    group = ExceptionGroup("2 racks", [ExceptionGroup("rack a", [failure]), KeyError("n2")])
    (outer,) = chain_tree(chain_record(group))
    rack, bare = outer["children"]
    assert [rack["title"], bare["title"]] == ["[0] ExceptionGroup: rack a (1 sub-exception)", "[1] KeyError: 'n2'"]
    (member,) = rack["children"]
    assert member["title"] == "[0] RuntimeError: provisioning GPU on node gpu-worker-03"
    assert [c["title"] for c in member["children"]] == ["caused by OSError: download interrupted"]
    viewer = ChainViewer(group)
    assert viewer.tree.get_title(0) == "ExceptionGroup: 2 racks (2 sub-exceptions)"


def test_lab_describe_shows_the_chain() -> None:
    """A lab with describe= logs each failure through it, for instance as its one-line chain."""
    from faultlab import format_chain_oneline

    world = World.demo()

    def reconcile() -> str:
        try:
            return world.cluster.provision_gpu("gpu-worker-01")
        except OSError as err:
            raise RuntimeError("provisioning GPU on node gpu-worker-01") from err

    world.cluster.connect()
    lab = FaultLab(world.cluster, "provision_gpu", reconcile, describe=format_chain_oneline)
    lab.toggle("timeout", True)
    lab.probability = 1.0
    (outcome,) = lab.run(1)
    assert outcome.result == "RuntimeError"
    assert outcome.detail == "provisioning GPU on node gpu-worker-01: read timed out"


def test_import_faultlab_is_headless() -> None:
    """import faultlab never imports ipywidgets (the grader is headless)."""
    code = "import sys, faultlab; faultlab.check; print('ipywidgets' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
