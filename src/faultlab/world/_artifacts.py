"""Artifact download: model files read from the object store, length- and checksum-checked.

An artifact is named by a URI ``s3://bucket/key``. :meth:`ArtifactStore.publish` (or
:meth:`ArtifactStore.register` for an object already stored) records its length and
SHA-256; :meth:`ArtifactStore.download` reads it back through the
:class:`~faultlab.world.ObjectStore`, so every store error and store fault reaches the
caller unchanged, then checks what arrived.

=====================  =========================================================
situation              exception raised
=====================  =========================================================
URI not ``s3://b/k``   ``ValueError`` (a caller's mistake, raised before any I/O)
never published        ``LookupError`` naming the URI (no checksum to verify)
the store fails        what the store raises: ``KeyError``, ``FileNotFoundError``,
                       ``PermissionError``, ``TimeoutError``, injected faults
partial read           ``EOFError`` "... got 6 of 14 bytes" (asyncio's
                       ``IncompleteReadError`` is an ``EOFError`` too)
checksum mismatch      ``ValueError`` "checksum mismatch for ...: expected
                       sha256:..., got sha256:..."
injected faults        whatever ``artifacts.faults`` says for ``"download"``
=====================  =========================================================

Data faults are armed with :meth:`ArtifactStore.truncate_next` (the next downloads stop
early) and :meth:`ArtifactStore.corrupt_next` (the next downloads arrive with one byte
flipped); both are counted, so a run is deterministic.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from faultlab._errors import FaultlabError
from faultlab.world._clock import VirtualClock
from faultlab.world._service import Service
from faultlab.world._store import ObjectStore

__all__ = ["Artifact", "ArtifactStore", "parse_uri"]


@dataclass(frozen=True)
class Artifact:
    """A downloaded, verified artifact."""

    __module__ = "faultlab.world"

    uri: str
    data: bytes
    sha256: str

    def __repr__(self) -> str:
        return f"Artifact({self.uri!r}, {len(self.data)} bytes, sha256:{self.sha256[:12]})"


def parse_uri(uri: str) -> tuple[str, str]:
    """Split ``s3://bucket/key`` into ``(bucket, key)``.

    Raises:
        ValueError: ``uri`` is not of that form.
    """
    if not isinstance(uri, str) or not uri.startswith("s3://"):
        msg = f"artifact URI must look like s3://bucket/key, got {uri!r}"
        raise ValueError(msg)
    bucket, _, key = uri[len("s3://") :].partition("/")
    if not bucket or not key:
        msg = f"artifact URI must look like s3://bucket/key, got {uri!r}"
        raise ValueError(msg)
    return bucket, key


def _count(count: int, what: str) -> int:
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        msg = f"{what}() needs a count of at least 1, got {count!r}"
        raise FaultlabError(msg)
    return count


class ArtifactStore(Service):
    """Download model artifacts from an object store, checking length and checksum.

    Args:
        store: The object store the artifacts live in.
        clock: The virtual clock (the store's own, normally).
        name: The service's name, used in messages.
    """

    __module__ = "faultlab.world"
    operations = ("download",)

    def __init__(self, store: ObjectStore, clock: VirtualClock, name: str = "artifacts") -> None:
        super().__init__(name, clock)
        self.store = store
        self._manifest: dict[str, tuple[int, str]] = {}
        self._truncate: list[int] = []  # bytes to keep, one entry per armed download
        self._corrupt = 0

    def __repr__(self) -> str:
        return f"ArtifactStore({len(self._manifest)} artifact(s))"

    # -- administration (never faulty) ------------------------------------------------
    def publish(self, uri: str, data: bytes) -> str:
        """Store ``data`` at ``uri`` and record its checksum; return the SHA-256 hex digest.

        Raises:
            ValueError: ``uri`` is not ``s3://bucket/key``.
            KeyError: The bucket does not exist.
            OSError: ``errno.EDQUOT`` when the bucket's quota is too small.
        """
        bucket, key = parse_uri(uri)
        self.store.put_object(bucket, key, data)
        return self._record(uri, bytes(data))

    def register(self, uri: str) -> str:
        """Record the checksum of an object already in the store; return the digest.

        Raises:
            ValueError: ``uri`` is not ``s3://bucket/key``.
            KeyError: The bucket does not exist.
            FileNotFoundError: The key does not exist.
        """
        bucket, key = parse_uri(uri)
        return self._record(uri, self.store.get_object(bucket, key))

    def _record(self, uri: str, data: bytes) -> str:
        digest = hashlib.sha256(data).hexdigest()
        self._manifest[uri] = (len(data), digest)
        return digest

    def checksum(self, uri: str) -> str:
        """Return the recorded SHA-256 of ``uri``.

        Raises:
            LookupError: ``uri`` was never published or registered.
        """
        return self._entry(uri)[1]

    def truncate_next(self, count: int, *, keep_bytes: int) -> None:
        """Make the next ``count`` downloads stop after ``keep_bytes`` bytes (a partial read).

        Raises:
            FaultlabError: A count below 1 or a negative ``keep_bytes``.
        """
        if isinstance(keep_bytes, bool) or not isinstance(keep_bytes, int) or keep_bytes < 0:
            msg = f"keep_bytes must be a non-negative int, got {keep_bytes!r}"
            raise FaultlabError(msg)
        self._truncate += [keep_bytes] * _count(count, "truncate_next")

    def corrupt_next(self, count: int) -> None:
        """Make the next ``count`` downloads arrive whole but with one byte flipped.

        Raises:
            FaultlabError: A count below 1.
        """
        self._corrupt += _count(count, "corrupt_next")

    def clear_faults(self) -> None:
        """Forget every fault: the plan's rules and the armed partial reads and corruptions."""
        self.faults.clear()
        self._truncate.clear()
        self._corrupt = 0

    def _entry(self, uri: str) -> tuple[int, str]:
        try:
            return self._manifest[uri]
        except KeyError:
            msg = f"no artifact published at {uri}"
            raise LookupError(msg) from None

    # -- the operation (faulty on demand) -----------------------------------------------
    def download(self, uri: str, *, principal: str = "admin", timeout: float | None = None) -> Artifact:
        """Read ``uri`` from the store and verify its length and SHA-256.

        Raises:
            ValueError: ``uri`` is malformed, or the checksum does not match.
            LookupError: ``uri`` was never published.
            EOFError: Fewer bytes arrived than were published (a partial read).
            KeyError: Unknown bucket (from the store).
            FileNotFoundError: Unknown key (from the store).
            PermissionError: ``principal`` may not read it (from the store).
            TimeoutError: The store or the download took longer than ``timeout``.
        """
        bucket, key = parse_uri(uri)

        def body() -> Artifact:
            size, digest = self._entry(uri)
            data = self.store.get_object(bucket, key, principal=principal, timeout=timeout)
            if self._truncate:
                data = data[: self._truncate.pop(0)]
            if len(data) < size:
                msg = f"download of {uri} ended early: got {len(data)} of {size} bytes"
                raise EOFError(msg)
            if self._corrupt and data:
                self._corrupt -= 1
                data = bytes([data[0] ^ 0x01]) + data[1:]
            got = hashlib.sha256(data).hexdigest()
            if got != digest:
                msg = f"checksum mismatch for {uri}: expected sha256:{digest[:12]}, got sha256:{got[:12]}"
                raise ValueError(msg)
            return Artifact(uri, data, got)

        return self._run("download", uri, timeout, body)
