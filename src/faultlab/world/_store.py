"""The object store: buckets, keys, principals and quotas.

Services raise the low-level built-in exceptions that a real SDK or operating system
raises, never the course's own error types: translating them is the learner's job.

=====================  =========================================================
situation              exception raised
=====================  =========================================================
unknown bucket         ``KeyError(bucket)`` (a registry lookup, like ``dict[...]``)
unknown key            ``FileNotFoundError(ENOENT, ..., "bucket/key")``
principal lacks right  ``PermissionError(EACCES, ..., "bucket/key")``
quota would be passed  ``OSError(EDQUOT, ..., "bucket")``
injected faults        whatever the :class:`~faultlab.FaultPlan` says, e.g.
                       ``TimeoutError``, ``ConnectionResetError``
call slower than its   ``TimeoutError`` after ``timeout`` seconds of virtual time
``timeout``
=====================  =========================================================
"""

from __future__ import annotations

import errno
from dataclasses import dataclass, field

from faultlab._errors import FaultlabError
from faultlab.world._clock import VirtualClock
from faultlab.world._service import Service

__all__ = ["ObjectStore"]

#: What each permission letter allows.
_RIGHTS = {"read": "r", "write": "w", "delete": "d"}


@dataclass
class _Bucket:
    objects: dict[str, bytes] = field(default_factory=dict)
    quota_bytes: int | None = None

    @property
    def used_bytes(self) -> int:
        return sum(len(v) for v in self.objects.values())


class ObjectStore(Service):
    """An S3-like object store: buckets of keys, principals with rights, quotas.

    Principals are granted rights per bucket with :meth:`grant` (``"r"``, ``"w"``,
    ``"d"`` or any combination); the principal ``"admin"`` may do anything.
    """

    __module__ = "faultlab.world"
    operations = ("get_object", "put_object", "delete_object", "list_objects")

    def __init__(self, clock: VirtualClock, name: str = "store") -> None:
        super().__init__(name, clock)
        self._buckets: dict[str, _Bucket] = {}
        self._grants: dict[tuple[str, str], str] = {}

    def __repr__(self) -> str:
        return f"ObjectStore({len(self._buckets)} bucket(s))"

    # -- administration (never faulty) ------------------------------------------------
    def create_bucket(self, bucket: str, *, quota_bytes: int | None = None) -> None:
        """Create an empty bucket, optionally with a size quota.

        Raises:
            FaultlabError: If the bucket already exists or the quota is negative.
        """
        if bucket in self._buckets:
            msg = f"bucket {bucket!r} already exists"
            raise FaultlabError(msg)
        if quota_bytes is not None and quota_bytes < 0:
            msg = f"quota_bytes must be >= 0, got {quota_bytes}"
            raise FaultlabError(msg)
        self._buckets[bucket] = _Bucket(quota_bytes=quota_bytes)

    def grant(self, principal: str, bucket: str, rights: str) -> None:
        """Give ``principal`` the ``rights`` (letters from ``"rwd"``) on ``bucket``.

        Raises:
            FaultlabError: If ``rights`` has letters other than r, w, d.
        """
        if not set(rights) <= set("rwd"):
            msg = f"rights are letters from 'rwd', got {rights!r}"
            raise FaultlabError(msg)
        self._grants[(principal, bucket)] = rights

    def usage(self, bucket: str) -> tuple[int, int | None]:
        """Return ``(used_bytes, quota_bytes)`` of a bucket.

        Raises:
            KeyError: If the bucket does not exist.
        """
        b = self._buckets[bucket]
        return b.used_bytes, b.quota_bytes

    # -- the operations (faulty on demand) ----------------------------------------------
    def get_object(self, bucket: str, key: str, *, principal: str = "admin", timeout: float | None = None) -> bytes:
        """Return the bytes stored under ``bucket/key``.

        Raises:
            KeyError: Unknown bucket.
            FileNotFoundError: Unknown key.
            PermissionError: ``principal`` may not read the bucket.
            TimeoutError: The call took longer than ``timeout`` (virtual seconds).
        """

        def body() -> bytes:
            b = self._bucket(bucket)
            self._authorise(principal, bucket, key, "read")
            try:
                return b.objects[key]
            except KeyError:
                raise FileNotFoundError(errno.ENOENT, "No such key", f"{bucket}/{key}") from None

        return self._run("get_object", f"{bucket}/{key}", timeout, body)

    def put_object(
        self, bucket: str, key: str, data: bytes, *, principal: str = "admin", timeout: float | None = None
    ) -> None:
        """Store ``data`` under ``bucket/key``, replacing what was there.

        Raises:
            KeyError: Unknown bucket.
            PermissionError: ``principal`` may not write the bucket.
            OSError: ``errno.EDQUOT`` when the bucket's quota would be exceeded (``ENOSPC``
                is a full device, not a quota).
            TimeoutError: The call took longer than ``timeout`` (virtual seconds).
        """

        def body() -> None:
            b = self._bucket(bucket)
            self._authorise(principal, bucket, key, "write")
            new_used = b.used_bytes - len(b.objects.get(key, b"")) + len(data)
            if b.quota_bytes is not None and new_used > b.quota_bytes:
                raise OSError(errno.EDQUOT, f"quota exceeded: {new_used} of {b.quota_bytes} bytes", bucket)
            b.objects[key] = bytes(data)

        self._run("put_object", f"{bucket}/{key}", timeout, body)

    def delete_object(self, bucket: str, key: str, *, principal: str = "admin", timeout: float | None = None) -> None:
        """Delete ``bucket/key``.

        Raises:
            KeyError: Unknown bucket.
            FileNotFoundError: Unknown key.
            PermissionError: ``principal`` may not delete in the bucket.
            TimeoutError: The call took longer than ``timeout`` (virtual seconds).
        """

        def body() -> None:
            b = self._bucket(bucket)
            self._authorise(principal, bucket, key, "delete")
            if key not in b.objects:
                raise FileNotFoundError(errno.ENOENT, "No such key", f"{bucket}/{key}")
            del b.objects[key]

        self._run("delete_object", f"{bucket}/{key}", timeout, body)

    def list_objects(self, bucket: str, *, principal: str = "admin", timeout: float | None = None) -> list[str]:
        """Return the sorted keys of ``bucket``.

        Raises:
            KeyError: Unknown bucket.
            PermissionError: ``principal`` may not read the bucket.
            TimeoutError: The call took longer than ``timeout`` (virtual seconds).
        """

        def body() -> list[str]:
            b = self._bucket(bucket)
            self._authorise(principal, bucket, "", "read")
            return sorted(b.objects)

        return self._run("list_objects", bucket, timeout, body)

    def _bucket(self, bucket: str) -> _Bucket:
        return self._buckets[bucket]  # KeyError(bucket), as a registry lookup would

    def _authorise(self, principal: str, bucket: str, key: str, action: str) -> None:
        if principal == "admin" or _RIGHTS[action] in self._grants.get((principal, bucket), ""):
            return
        target = f"{bucket}/{key}" if key else bucket
        raise PermissionError(errno.EACCES, f"{principal} may not {action}", target)
