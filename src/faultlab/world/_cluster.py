"""A cluster of GPU nodes: connect, list the nodes, provision a GPU on each.

The service the article's ``reconcile_cluster`` talks to. Like every simulated service it
raises the built-in exceptions a real client raises, and it fails on demand, per
operation (its :class:`~faultlab.FaultPlan`) and per node (:meth:`Cluster.break_node`):

=============================  ===========================================================
situation                      exception raised
=============================  ===========================================================
not connected                  ``ConnectionError("not connected to cluster NAME ...")``
unknown node                   ``KeyError(node)``
a node's driver install fails  ``RuntimeError("NVIDIA driver installation failed")``
                               whose ``__cause__`` is ``OSError("download interrupted")``,
                               raised while handling ``ConnectionResetError(ECONNRESET,
                               "Connection reset by peer")`` (its ``__context__``)
a node slower than ``timeout``  ``TimeoutError("node NODE did not answer within Ts")`` after
                               ``timeout`` seconds of virtual time
injected faults                whatever the fault plan says, e.g. ``ConnectionRefusedError``
=============================  ===========================================================

:meth:`Cluster.aprovision_gpu` is the async twin for ``asyncio.TaskGroup``: it yields to
the event loop once per virtual second of work, so a slow node is still running when a
fast one has failed, as on a real cluster.
"""

from __future__ import annotations

import asyncio
import errno

from faultlab._errors import FaultlabError
from faultlab.world._clock import VirtualClock
from faultlab.world._service import Service

__all__ = ["NODE_FAULTS", "Cluster", "driver_install_failure"]

#: The per-node faults :meth:`Cluster.break_node` accepts, and what each does.
NODE_FAULTS = {
    "driver": "the NVIDIA driver install fails (a chain of three causes)",
    "timeout": "the node never answers: TimeoutError after the call's timeout",
}

#: Virtual seconds a healthy node takes to install its driver.
INSTALL_SECONDS = 2.0
#: Virtual seconds a broken driver install runs before it fails.
DRIVER_FAIL_SECONDS = 1.0
#: Virtual seconds a node that "never answers" would take.
STUCK_SECONDS = 3600.0
#: The driver version a healthy node reports.
DRIVER_VERSION = "550.54.15"


def driver_install_failure() -> RuntimeError:
    """Return the exception a failed driver install raises, with its chain of causes.

    It is raised for real, so the links are the ones Python itself sets: the
    ``RuntimeError``'s ``__cause__`` is an ``OSError`` (``raise ... from``), whose
    ``__context__`` is the ``ConnectionResetError`` it was raised while handling.
    """
    try:
        try:
            raise ConnectionResetError(errno.ECONNRESET, "Connection reset by peer")
        except ConnectionResetError:
            msg = "download interrupted"
            raise OSError(msg)  # noqa: B904 - the implicit context is the point
    except OSError as exc:
        try:
            msg = "NVIDIA driver installation failed"
            raise RuntimeError(msg) from exc
        except RuntimeError as failure:
            return failure
    msg = "unreachable"  # pragma: no cover
    raise AssertionError(msg)  # pragma: no cover


class Cluster(Service):
    """A cluster of GPU nodes named ``gpu-worker-01`` … ``gpu-worker-NN``.

    ``connect()`` first (it returns the cluster, the "client"), then ``list_nodes()`` and
    ``provision_gpu(node)`` (or ``await aprovision_gpu(node)``) for each node.

    Args:
        clock: The virtual clock it reads and advances.
        name: The cluster's name, used in messages.
        nodes: How many nodes it has (1 to 99).

    Raises:
        FaultlabError: If ``nodes`` is not between 1 and 99.
    """

    __module__ = "faultlab.world"
    operations = ("connect", "list_nodes", "provision_gpu")

    def __init__(self, clock: VirtualClock, name: str = "prod", *, nodes: int = 5) -> None:
        if isinstance(nodes, bool) or not isinstance(nodes, int) or not 1 <= nodes <= 99:
            msg = f"a cluster has 1 to 99 nodes, got {nodes!r}"
            raise FaultlabError(msg)
        super().__init__(name, clock)
        self.nodes = [f"gpu-worker-{i:02d}" for i in range(1, nodes + 1)]
        self.node_faults: dict[str, str] = {}
        self.connected = False
        self.provisioned: list[str] = []

    def __repr__(self) -> str:
        broken = ", ".join(f"{n}: {k}" for n, k in sorted(self.node_faults.items())) or "none broken"
        return f"Cluster({self.name!r}, {len(self.nodes)} nodes, {broken})"

    # -- administration (never faulty) ------------------------------------------------
    def break_node(self, node: str, fault: str) -> None:
        """Make every later provisioning of ``node`` fail with ``fault`` (see :data:`NODE_FAULTS`).

        Raises:
            FaultlabError: Unknown node or unknown fault.
        """
        self._node(node, FaultlabError)
        if fault not in NODE_FAULTS:
            msg = f"unknown node fault {fault!r}; choose from: {', '.join(NODE_FAULTS)}"
            raise FaultlabError(msg)
        self.node_faults[node] = fault

    def heal(self, node: str | None = None) -> None:
        """Repair ``node`` (or every node), and forget what was provisioned.

        Raises:
            FaultlabError: Unknown node.
        """
        if node is None:
            self.node_faults.clear()
        else:
            self._node(node, FaultlabError)
            self.node_faults.pop(node, None)
        self.provisioned.clear()

    def _node(self, node: str, error: type[Exception]) -> str:
        if node not in self.nodes:
            if error is KeyError:
                raise KeyError(node)
            msg = f"cluster {self.name} has no node {node!r}; it has {self.nodes[0]} … {self.nodes[-1]}"
            raise error(msg)
        return node

    # -- the operations (faulty on demand) ----------------------------------------------
    def connect(self, *, timeout: float | None = None) -> Cluster:
        """Connect to the cluster's API; return the cluster (the client).

        Raises:
            TimeoutError: The call took longer than ``timeout`` (virtual seconds).
            OSError: Whatever the fault plan injects (``ConnectionRefusedError`` …).
        """

        def body() -> Cluster:
            self.connected = True
            return self

        return self._run("connect", self.name, timeout, body)

    def list_nodes(self, *, timeout: float | None = None) -> list[str]:
        """Return the node names, sorted.

        Raises:
            ConnectionError: Not connected.
            TimeoutError: The call took longer than ``timeout`` (virtual seconds).
        """

        def body() -> list[str]:
            self._require_connection()
            return list(self.nodes)

        return self._run("list_nodes", self.name, timeout, body)

    def provision_gpu(self, node: str, *, timeout: float | None = 30.0) -> str:
        """Install the GPU driver on ``node``; return a one-line status.

        Raises:
            ConnectionError: Not connected.
            KeyError: Unknown node.
            RuntimeError: The driver install failed (its causes say why).
            TimeoutError: The node did not answer within ``timeout`` (virtual seconds).
        """

        def body() -> str:
            self._require_connection()
            self._node(node, KeyError)
            fault = self.node_faults.get(node)
            if fault == "driver":
                self.clock.advance(DRIVER_FAIL_SECONDS)
                raise driver_install_failure()
            seconds = STUCK_SECONDS if fault == "timeout" else INSTALL_SECONDS
            if timeout is not None and seconds > timeout:
                self.clock.advance(timeout)
                msg = f"node {node} did not answer within {timeout:g}s"
                raise TimeoutError(msg)
            self.clock.advance(seconds)
            self.provisioned.append(node)
            return f"{node}: driver {DRIVER_VERSION} ready"

        return self._run("provision_gpu", node, timeout, body)

    async def aprovision_gpu(self, node: str, *, timeout: float | None = 30.0) -> str:
        """Async twin of :meth:`provision_gpu`: yields once per virtual second of work.

        A healthy node yields twice, a broken driver once, a stuck node ``timeout``
        times, so when several run in one ``asyncio.TaskGroup`` the failures arrive in
        that order, and a failure can cancel a sibling that is still working.

        Raises:
            ConnectionError: Not connected.
            KeyError: Unknown node.
            RuntimeError: The driver install failed (its causes say why).
            TimeoutError: The node did not answer within ``timeout`` (virtual seconds).
        """
        fault = self.node_faults.get(node)
        if fault == "driver":
            steps = DRIVER_FAIL_SECONDS
        elif fault == "timeout":
            steps = STUCK_SECONDS if timeout is None else timeout
        else:
            steps = INSTALL_SECONDS
        for _ in range(max(1, min(int(steps), 600))):
            await asyncio.sleep(0)
        return self.provision_gpu(node, timeout=timeout)

    def _require_connection(self) -> None:
        if not self.connected:
            msg = f"not connected to cluster {self.name}: call connect() first"
            raise ConnectionError(msg)
