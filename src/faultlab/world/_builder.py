"""Container build: an image built step by step on a builder with a finite disk.

:meth:`ContainerBuilder.build` runs the steps of a small Dockerfile, one after the other,
each taking virtual time and writing a layer to the builder's disk. Like a real build
driven through ``subprocess.run(..., check=True)``, it fails part way: the steps before
the failing one are done (and their layers stay on disk, as a build cache would keep
them), the log says how far it got.

=====================  =========================================================
situation              exception raised
=====================  =========================================================
a step exits non-zero  ``subprocess.CalledProcessError(returncode, cmd, output)``
                       with the step's command and its last log line as output
disk full              ``OSError(errno.ENOSPC, "No space left on device",
                       "layers/<tag>/<n>")``
empty artifact         ``ValueError`` (nothing to build; raised before any step)
injected faults        whatever ``builder.faults`` says for ``"build"``
=====================  =========================================================

Arm a failing step with :meth:`ContainerBuilder.fail_step`; set the free space with
``free_bytes`` (or :meth:`ContainerBuilder.fill_disk`).
"""

from __future__ import annotations

import errno
import hashlib
import subprocess
from dataclasses import dataclass

from faultlab._errors import FaultlabError
from faultlab.world._clock import VirtualClock
from faultlab.world._service import Service

__all__ = ["BUILD_STEPS", "ContainerBuilder", "Image"]

#: The steps of every build: (command, seconds, fixed layer bytes). The COPY layer also
#: holds the artifact's bytes.
BUILD_STEPS: tuple[tuple[str, float, int], ...] = (
    ("FROM python:3.11-slim", 2.0, 400),
    ("COPY model /srv/model", 1.0, 0),
    ("RUN pip install -r requirements.txt", 20.0, 300),
    ("RUN python -m compileall /srv", 3.0, 50),
)

#: What a failing step prints last, per step index.
_STEP_ERRORS = (
    "manifest unknown: python:3.11-slim",
    "no such file: model",
    "ERROR: No matching distribution found for torch==2.99",
    "SyntaxError: invalid syntax (serve.py, line 3)",
)


@dataclass(frozen=True)
class Image:
    """A built container image."""

    __module__ = "faultlab.world"

    tag: str
    digest: str
    size_bytes: int
    layers: tuple[str, ...]


class ContainerBuilder(Service):
    """Build container images from an artifact's bytes, step by step, on a finite disk.

    Args:
        clock: The virtual clock each step advances.
        free_bytes: The space left on the builder's disk.
        name: The service's name, used in messages.
    """

    __module__ = "faultlab.world"
    operations = ("build",)

    def __init__(self, clock: VirtualClock, *, free_bytes: int = 10_000, name: str = "builder") -> None:
        super().__init__(name, clock)
        self.free_bytes = free_bytes
        self.log: list[str] = []
        self._failing: dict[int, int] = {}  # step index -> exit code, one build each

    def __repr__(self) -> str:
        return f"ContainerBuilder(free={self.free_bytes} bytes)"

    def fail_step(self, step: int, *, returncode: int = 1) -> None:
        """Make step ``step`` (0-based) of the next build exit with ``returncode``.

        Raises:
            FaultlabError: No such step, or a return code of 0.
        """
        if isinstance(step, bool) or not isinstance(step, int) or not 0 <= step < len(BUILD_STEPS):
            msg = f"step must be 0..{len(BUILD_STEPS) - 1}, got {step!r}"
            raise FaultlabError(msg)
        if returncode == 0:
            msg = "a failing step needs a non-zero return code"
            raise FaultlabError(msg)
        self._failing[step] = returncode

    def fill_disk(self, leave_bytes: int = 0) -> None:
        """Leave only ``leave_bytes`` free on the builder's disk.

        Raises:
            FaultlabError: A negative amount.
        """
        if leave_bytes < 0:
            msg = f"leave_bytes must be >= 0, got {leave_bytes!r}"
            raise FaultlabError(msg)
        self.free_bytes = leave_bytes

    def clear_faults(self) -> None:
        """Forget the plan's rules and any armed failing step."""
        self.faults.clear()
        self._failing.clear()

    def build(self, data: bytes, *, tag: str, timeout: float | None = None) -> Image:
        """Build an image tagged ``tag`` holding ``data`` (an artifact's bytes).

        Raises:
            ValueError: ``data`` is empty or ``tag`` has no ``name:version`` form.
            subprocess.CalledProcessError: A build step exited non-zero.
            OSError: ``errno.ENOSPC`` when a layer does not fit on the disk.
            TimeoutError: The build took longer than ``timeout`` (virtual seconds).
        """
        if not data:
            msg = "nothing to build: the artifact is empty"
            raise ValueError(msg)
        if not isinstance(tag, str) or ":" not in tag:
            msg = f"an image tag looks like name:version, got {tag!r}"
            raise ValueError(msg)

        def body() -> Image:
            layers: list[str] = []
            failing, self._failing = self._failing, {}
            elapsed = 0.0
            for index, (command, seconds, size) in enumerate(BUILD_STEPS):
                if timeout is not None and elapsed + seconds > timeout:
                    self.clock.advance(timeout - elapsed)
                    msg = f"build of {tag} timed out after {timeout:g}s, in step {index + 1}: {command}"
                    raise TimeoutError(msg)
                elapsed += seconds
                self.clock.advance(seconds)
                self.log.append(f"{tag} step {index + 1}/{len(BUILD_STEPS)}: {command}")
                if index in failing:
                    self.log.append(f"{tag}   {_STEP_ERRORS[index]}")
                    raise subprocess.CalledProcessError(failing[index], command, output=_STEP_ERRORS[index])
                layer_bytes = size + (len(data) if command.startswith("COPY") else 0)
                if layer_bytes > self.free_bytes:
                    self.log.append(f"{tag}   no space left on device")
                    raise OSError(errno.ENOSPC, "No space left on device", f"layers/{tag}/{index}")
                self.free_bytes -= layer_bytes
                layers.append(hashlib.sha256(f"{tag}|{index}|{command}".encode() + data).hexdigest()[:12])
            digest = hashlib.sha256("".join(layers).encode()).hexdigest()
            size_total = sum(s for _, _, s in BUILD_STEPS) + len(data)
            return Image(tag, f"sha256:{digest[:16]}", size_total, tuple(layers))

        return self._run("build", tag, timeout, body)
