"""The simulated GPU cluster raises the built-ins a real cluster client would."""

from __future__ import annotations

import asyncio
import errno

import pytest

from faultlab import FaultlabError, VirtualClock, World
from faultlab.world import NODE_FAULTS, Cluster, driver_install_failure


def _cluster(nodes: int = 5) -> Cluster:
    return Cluster(VirtualClock(), "prod", nodes=nodes)


def test_world_has_a_cluster() -> None:
    """Every world has the cluster prod with five nodes on the world's own clock."""
    world = World.demo()
    assert world.cluster.name == "prod"
    assert world.cluster.clock is world.clock
    assert world.cluster.connect().list_nodes() == [f"gpu-worker-0{i}" for i in range(1, 6)]


def test_healthy_provisioning_takes_virtual_time() -> None:
    """A healthy node reports its driver, takes two virtual seconds and is logged."""
    cluster = _cluster()
    client = cluster.connect()
    assert client is cluster
    assert client.provision_gpu("gpu-worker-02") == "gpu-worker-02: driver 550.54.15 ready"
    assert cluster.clock.now() == 2.0
    assert cluster.provisioned == ["gpu-worker-02"]
    assert [(c.operation, c.outcome) for c in cluster.calls] == [("connect", "ok"), ("provision_gpu", "ok")]


def test_calls_before_connect_are_connection_errors() -> None:
    """Listing or provisioning before connect() is a ConnectionError naming the fix."""
    cluster = _cluster()
    with pytest.raises(ConnectionError, match=r"call connect\(\) first"):
        cluster.list_nodes()
    with pytest.raises(ConnectionError):
        cluster.provision_gpu("gpu-worker-01")


def test_unknown_node_is_key_error() -> None:
    """Provisioning a node the cluster lacks is a KeyError naming the node."""
    cluster = _cluster()
    cluster.connect()
    with pytest.raises(KeyError) as info:
        cluster.provision_gpu("gpu-worker-42")
    assert info.value.args == ("gpu-worker-42",)


def test_driver_failure_is_a_chain_of_three_causes() -> None:
    """A broken driver raises RuntimeError from OSError, raised while handling a reset."""
    cluster = _cluster()
    cluster.connect()
    cluster.break_node("gpu-worker-03", "driver")
    with pytest.raises(RuntimeError, match="NVIDIA driver installation failed") as info:
        cluster.provision_gpu("gpu-worker-03")
    via = info.value.__cause__
    assert type(via) is OSError
    assert str(via) == "download interrupted"
    assert info.value.__suppress_context__
    root = via.__context__
    assert isinstance(root, ConnectionResetError)
    assert root.errno == errno.ECONNRESET
    assert not via.__suppress_context__
    assert cluster.provisioned == []


def test_each_driver_failure_is_fresh() -> None:
    """Two failures never share exception objects, so a chain built on one cannot leak into the other."""
    first, second = driver_install_failure(), driver_install_failure()
    assert first is not second
    assert first.__cause__ is not second.__cause__


def test_stuck_node_times_out_after_the_timeout() -> None:
    """A stuck node raises TimeoutError after exactly the call's timeout of virtual time."""
    cluster = _cluster()
    cluster.connect()
    cluster.break_node("gpu-worker-05", "timeout")
    with pytest.raises(TimeoutError, match="node gpu-worker-05 did not answer within 12s"):
        cluster.provision_gpu("gpu-worker-05", timeout=12.0)
    assert cluster.clock.now() == 12.0
    assert cluster.calls[-1].outcome == "TimeoutError"


def test_heal_repairs_nodes() -> None:
    """heal(node) repairs one node, heal() every node, and both forget what was provisioned."""
    cluster = _cluster()
    cluster.connect()
    cluster.break_node("gpu-worker-01", "driver")
    cluster.break_node("gpu-worker-02", "timeout")
    cluster.provision_gpu("gpu-worker-03")
    cluster.heal("gpu-worker-01")
    assert cluster.node_faults == {"gpu-worker-02": "timeout"}
    assert cluster.provisioned == []
    cluster.heal()
    assert cluster.node_faults == {}
    assert cluster.provision_gpu("gpu-worker-02").endswith("ready")


def test_fault_plan_injects_into_operations() -> None:
    """The fault plan fails connect with what it is given, and accepts the driver failure as a factory."""
    cluster = _cluster()
    cluster.faults.fail_next("connect", 1, ConnectionRefusedError(errno.ECONNREFUSED, "Connection refused"))
    with pytest.raises(ConnectionRefusedError):
        cluster.connect()
    cluster.connect()
    cluster.faults.fail_next("provision_gpu", 1, driver_install_failure)
    with pytest.raises(RuntimeError) as info:
        cluster.provision_gpu("gpu-worker-01")
    assert isinstance(info.value.__cause__, OSError)
    assert cluster.provision_gpu("gpu-worker-01").endswith("ready")


def test_bad_input_is_a_clear_faultlab_error() -> None:
    """Unknown nodes and faults, and impossible sizes, are refused with the choices named."""
    cluster = _cluster()
    with pytest.raises(FaultlabError, match="no node 'gpu-worker-77'"):
        cluster.break_node("gpu-worker-77", "driver")
    with pytest.raises(FaultlabError, match="choose from: driver, timeout"):
        cluster.break_node("gpu-worker-01", "fire")
    with pytest.raises(FaultlabError, match="1 to 99 nodes"):
        Cluster(VirtualClock(), nodes=0)
    with pytest.raises(FaultlabError):
        cluster.heal("gpu-worker-77")
    assert set(NODE_FAULTS) == {"driver", "timeout"}


def test_async_failures_arrive_in_order_of_work() -> None:
    """In a TaskGroup a broken driver fails first and cancels siblings still working."""
    cluster = _cluster()
    cluster.connect()
    cluster.break_node("gpu-worker-03", "driver")
    cluster.break_node("gpu-worker-05", "timeout")

    async def run() -> None:
        async with asyncio.TaskGroup() as group:
            for node in cluster.nodes:
                group.create_task(cluster.aprovision_gpu(node))

    with pytest.raises(ExceptionGroup) as info:
        asyncio.run(run())
    assert [type(e) for e in info.value.exceptions] == [RuntimeError]
    assert cluster.provisioned == ["gpu-worker-01", "gpu-worker-02"]


def test_async_gather_sees_every_failure() -> None:
    """With gather(return_exceptions=True) every node runs to its end, the hung one last."""
    cluster = _cluster()
    cluster.connect()
    cluster.break_node("gpu-worker-02", "timeout")

    async def run() -> list[object]:
        return await asyncio.gather(*(cluster.aprovision_gpu(n) for n in cluster.nodes), return_exceptions=True)

    results = asyncio.run(run())
    assert isinstance(results[1], TimeoutError)
    assert [c.target for c in cluster.calls if c.operation == "provision_gpu"][-1] == "gpu-worker-02"


def test_repr_names_broken_nodes() -> None:
    """repr() shows the cluster's size and its broken nodes, deterministically."""
    cluster = _cluster(3)
    assert repr(cluster) == "Cluster('prod', 3 nodes, none broken)"
    cluster.break_node("gpu-worker-02", "timeout")
    assert repr(cluster) == "Cluster('prod', 3 nodes, gpu-worker-02: timeout)"
