"""The model server: loading models into a fixed amount of accelerator memory, and inference.

Like every service of the world, it raises the built-in exceptions a real runtime raises,
never the course's own error types: translating them (into the article's ``InferenceError``)
is the learner's job.

=========================  ===============================================================
situation                  exception raised
=========================  ===============================================================
unknown model              ``FileNotFoundError(ENOENT, ..., "weights/<model>.bin")``
weights cannot be read     ``OSError(EIO, "Input/output error", "weights/<model>.bin")``
not enough memory free     ``MemoryError("out of memory loading <model>: need N MB, M MB free")``
                           with the numbers as attributes ``required_mb`` and ``available_mb``
inference on a model that  ``KeyError(model)`` (a lookup in the table of loaded models)
is not loaded
inference slower than its  ``TimeoutError`` after ``timeout`` seconds of virtual time
``timeout``
injected faults            whatever the :class:`~faultlab.FaultPlan` says (seeded, replayable)
=========================  ===============================================================

Loading takes virtual time (``size_mb / load_mb_per_s``); inference takes
``latency_s * batch`` plus any latency the fault plan adds.
"""

from __future__ import annotations

import errno
from dataclasses import dataclass

from faultlab._errors import FaultlabError
from faultlab.world._clock import VirtualClock
from faultlab.world._service import Service

__all__ = ["ModelInfo", "ModelServer"]

#: The lessons' standard models: ``(model_id, size_mb, latency_s, readable)``.
_STOCK = (
    ("resnet-50", 98, 0.02, True),
    ("bert-base", 420, 0.05, True),
    ("whisper-small", 460, 0.4, False),  # its weights file is damaged: EIO
    ("llama-7b", 13_000, 1.5, True),  # larger than the server's memory
)


@dataclass(frozen=True)
class ModelInfo:
    """One model the server knows: its size, its per-item latency, whether its weights read."""

    __module__ = "faultlab.world"

    model_id: str
    size_mb: int
    latency_s: float
    readable: bool = True


class ModelServer(Service):
    """An inference server with ``memory_mb`` of accelerator memory.

    Models are registered with :meth:`add_model` (or :meth:`stock`), loaded into memory with
    :meth:`load_model`, run with :meth:`infer`, and freed with :meth:`unload_model`.

    Args:
        clock: The virtual clock it reads and advances.
        memory_mb: Accelerator memory, in MB.
        name: The service's name, used in messages.

    Raises:
        FaultlabError: If ``memory_mb`` is not a positive integer.
    """

    __module__ = "faultlab.world"
    operations = ("load_model", "infer")
    load_mb_per_s = 2000.0

    def __init__(self, clock: VirtualClock, memory_mb: int = 1024, name: str = "models") -> None:
        if isinstance(memory_mb, bool) or not isinstance(memory_mb, int) or memory_mb <= 0:
            msg = f"memory_mb must be a positive integer, got {memory_mb!r}"
            raise FaultlabError(msg)
        super().__init__(name, clock)
        self.memory_mb = memory_mb
        self._catalogue: dict[str, ModelInfo] = {}
        self._loaded: dict[str, ModelInfo] = {}

    def __repr__(self) -> str:
        return f"ModelServer({self.used_mb()}/{self.memory_mb} MB, loaded: {', '.join(self._loaded) or 'none'})"

    # -- administration (never faulty) ------------------------------------------------
    def add_model(self, model_id: str, size_mb: int, *, latency_s: float = 0.05, readable: bool = True) -> ModelInfo:
        """Register a model the server can load.

        Raises:
            FaultlabError: A duplicate id, a size that is not a positive integer, or a negative latency.
        """
        if model_id in self._catalogue:
            msg = f"model {model_id!r} is already registered"
            raise FaultlabError(msg)
        if isinstance(size_mb, bool) or not isinstance(size_mb, int) or size_mb <= 0:
            msg = f"size_mb must be a positive integer, got {size_mb!r}"
            raise FaultlabError(msg)
        if not isinstance(latency_s, int | float) or latency_s < 0:
            msg = f"latency_s must be a non-negative number, got {latency_s!r}"
            raise FaultlabError(msg)
        info = ModelInfo(model_id, size_mb, float(latency_s), readable)
        self._catalogue[model_id] = info
        return info

    def stock(self) -> ModelServer:
        """Register the lessons' standard models and return the server.

        ``resnet-50`` (98 MB) and ``bert-base`` (420 MB) load; ``whisper-small`` has damaged
        weights (``EIO``); ``llama-7b`` (13,000 MB) never fits.

        Raises:
            FaultlabError: If one of them is already registered.
        """
        for model_id, size, latency, readable in _STOCK:
            self.add_model(model_id, size, latency_s=latency, readable=readable)
        return self

    def catalogue(self) -> list[ModelInfo]:
        """Every registered model, sorted by id."""
        return [self._catalogue[k] for k in sorted(self._catalogue)]

    def loaded(self) -> list[str]:
        """The ids of the models in memory, in load order."""
        return list(self._loaded)

    def used_mb(self) -> int:
        """Memory taken by the loaded models, in MB."""
        return sum(m.size_mb for m in self._loaded.values())

    def free_mb(self) -> int:
        """Memory still free, in MB."""
        return self.memory_mb - self.used_mb()

    def unload_model(self, model_id: str) -> None:
        """Free a model's memory; unloading a model that is not loaded does nothing."""
        self._loaded.pop(model_id, None)

    # -- the operations (faulty on demand) ----------------------------------------------
    def load_model(self, model_id: str, *, timeout: float | None = None) -> ModelInfo:
        """Load ``model_id``'s weights into memory (a loaded model loads again at no cost).

        Raises:
            FileNotFoundError: No such model (``ENOENT``; ``filename`` is its weights file).
            OSError: ``errno.EIO`` when its weights cannot be read.
            MemoryError: Not enough memory free; ``required_mb`` and ``available_mb`` say how much.
            TimeoutError: The call took longer than ``timeout`` (virtual seconds).
        """

        def body() -> ModelInfo:
            weights = f"weights/{model_id}.bin"
            info = self._catalogue.get(model_id)
            if info is None:
                raise FileNotFoundError(errno.ENOENT, "No such file or directory", weights)
            if model_id in self._loaded:
                return info
            available = self.free_mb()
            if info.size_mb > available:
                err = MemoryError(f"out of memory loading {model_id}: need {info.size_mb} MB, {available} MB free")
                err.required_mb = info.size_mb  # type: ignore[attr-defined]
                err.available_mb = available  # type: ignore[attr-defined]
                raise err
            self.clock.advance(info.size_mb / self.load_mb_per_s)
            if not info.readable:
                raise OSError(errno.EIO, "Input/output error", weights)
            self._loaded[model_id] = info
            return info

        return self._run("load_model", model_id, timeout, body)

    def infer(self, model_id: str, batch: int = 1, *, timeout: float | None = None) -> list[str]:
        """Run ``batch`` items through a loaded model; return one label per item.

        Raises:
            KeyError: The model is not loaded.
            TimeoutError: Inference (its own latency plus injected latency) took longer than ``timeout``.
            FaultlabError: ``batch`` is not a positive integer.
        """
        if isinstance(batch, bool) or not isinstance(batch, int) or batch < 1:
            msg = f"batch must be a positive integer, got {batch!r}"
            raise FaultlabError(msg)

        def body() -> list[str]:
            info = self._loaded[model_id]  # KeyError(model_id): not loaded
            compute = info.latency_s * batch
            if timeout is not None and compute + self.faults.latency("infer") > timeout:
                self.clock.advance(max(0.0, timeout - self.faults.latency("infer")))
                msg = f"{self.name}.infer({model_id}) timed out after {timeout:g}s"
                raise TimeoutError(msg)
            self.clock.advance(compute)
            return [f"{model_id}:label-{i}" for i in range(batch)]

        return self._run("infer", model_id, timeout, body)
