"""The world: a seeded little datacentre whose services share one virtual clock."""

from __future__ import annotations

import random

from faultlab.world._artifacts import ArtifactStore
from faultlab.world._builder import ContainerBuilder
from faultlab.world._clock import VirtualClock
from faultlab.world._cluster import Cluster
from faultlab.world._models import ModelServer
from faultlab.world._registry import Registry
from faultlab.world._store import ObjectStore

__all__ = ["World"]


class World:
    """A seeded little datacentre: one virtual clock shared by every service.

    Args:
        seed: Seeds any randomness a lesson draws from ``world.rng``.
        start: The initial virtual time.
    """

    __module__ = "faultlab"

    def __init__(self, seed: int = 0, start: float = 0.0) -> None:
        self.seed = seed
        self.clock = VirtualClock(start)
        self.rng = random.Random(seed)
        self.store = ObjectStore(self.clock)
        self.artifacts = ArtifactStore(self.store, self.clock)
        self.builder = ContainerBuilder(self.clock)
        self.registry = Registry(self.clock)
        self.cluster = Cluster(self.clock)
        self.models = ModelServer(self.clock)

    def __repr__(self) -> str:
        return f"World(seed={self.seed}, t={self.clock.now():g})"

    @classmethod
    def demo(cls, seed: int = 0) -> World:
        """Return a world with the lessons' standard data loaded.

        Bucket ``models`` (quota 64 bytes) holds ``resnet.onnx`` and ``bert.onnx``;
        principal ``alice`` may read and write it, ``bob`` may only read it; bucket
        ``logs`` exists but only ``admin`` may touch it. Both models are registered
        artifacts (``s3://models/resnet.onnx``, ``s3://models/bert.onnx``); the registry
        user ``ci`` may push to namespace ``ml`` with token ``"tok-ci-1"``. The cluster
        ``prod`` has five healthy GPU nodes, ``gpu-worker-01`` … ``gpu-worker-05``. The
        model server (1024 MB) has the standard models of :meth:`ModelServer.stock`.
        """
        world = cls(seed)
        store = world.store
        store.create_bucket("models", quota_bytes=64)
        store.put_object("models", "resnet.onnx", b"RESNET-WEIGHTS")
        store.put_object("models", "bert.onnx", b"BERT-WEIGHTS")
        store.create_bucket("logs")
        store.grant("alice", "models", "rw")
        store.grant("bob", "models", "r")
        world.artifacts.register("s3://models/resnet.onnx")
        world.artifacts.register("s3://models/bert.onnx")
        world.registry.add_user("ci", "ml")  # token "tok-ci-1"
        store.calls.clear()
        world.models.stock()
        return world
