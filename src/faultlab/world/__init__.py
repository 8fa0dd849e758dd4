"""Simulated infrastructure that fails on demand: the world the lessons run against.

Rule: ``faultlab.world`` imports nothing of faultlab but :mod:`faultlab._errors`. It
knows nothing of exercises, grading or widgets, so any of them can build on it.

* :class:`VirtualClock` — virtual time; ``sleep`` advances it instantly.
* :class:`FaultPlan` — a seeded, deterministic plan of faults for a service's operations.
* :class:`Service` and :class:`Call` — the base of every simulated service and its call log.
* :class:`ObjectStore` — buckets, keys, principals and quotas.
* :class:`ArtifactStore` and :class:`Artifact` — artifact download: partial reads, checksum mismatches.
* :class:`ContainerBuilder` and :class:`Image` — container build: a step that fails, a full disk.
* :class:`Registry` — registry push: auth errors, connection resets, 5xx answers.
* :class:`Cluster` — GPU nodes to connect to, list and provision (:data:`NODE_FAULTS`,
  :func:`driver_install_failure`).
* :class:`ModelServer` — models loaded into limited memory, inference that can time out.
* :class:`World` — one seeded world whose services share one clock.
* :class:`FaultServer` — a real HTTP server on the loopback interface that fails on demand.

Services raise the built-in exceptions real systems raise (``TimeoutError``,
``ConnectionResetError``, ``PermissionError``, ``OSError(EDQUOT)`` for a quota, ``OSError(ENOSPC)``
for a full disk); faultlab's own errors
are for misuse of faultlab. A new service goes in its own ``_name.py`` here, subclasses
:class:`Service`, and is exported below.
"""

from __future__ import annotations

from faultlab.world._artifacts import Artifact, ArtifactStore
from faultlab.world._builder import ContainerBuilder, Image
from faultlab.world._clock import VirtualClock
from faultlab.world._cluster import NODE_FAULTS, Cluster, driver_install_failure
from faultlab.world._faults import FaultPlan
from faultlab.world._http import FAULT_SERVER_KINDS, FaultServer, ServedRequest
from faultlab.world._models import ModelInfo, ModelServer
from faultlab.world._registry import Registry
from faultlab.world._service import Call, Service
from faultlab.world._store import ObjectStore
from faultlab.world._world import World

__all__ = [
    "FAULT_SERVER_KINDS",
    "NODE_FAULTS",
    "Artifact",
    "ArtifactStore",
    "Call",
    "Cluster",
    "ContainerBuilder",
    "FaultPlan",
    "FaultServer",
    "Image",
    "ModelInfo",
    "ModelServer",
    "ObjectStore",
    "Registry",
    "ServedRequest",
    "Service",
    "VirtualClock",
    "World",
    "driver_install_failure",
]
