"""Registry push: container images pushed to a registry that checks tokens and fails on demand.

Users are added with :meth:`Registry.add_user`, which returns their token and the
namespaces they may push to; :meth:`Registry.revoke` expires a token. A push sends the
image's layers and then its manifest, so a connection can reset part way.

=====================  =========================================================
situation              exception raised
=====================  =========================================================
no, unknown or         ``PermissionError(EACCES, "unauthorized: authentication
revoked token (401)    required", "<host>/<namespace>")``
token may not push     ``PermissionError(EACCES, "denied: <user> may not push to
there (403)            <namespace>", "<host>/<namespace>")``
connection reset       ``ConnectionResetError(104, "Connection reset by peer")``
                       after the given number of layers (:meth:`Registry.reset_next`)
server error (5xx)     ``urllib.error.HTTPError`` with ``.code`` 500, 502, 503 ...
                       (:meth:`Registry.fail_next_status`), what ``urllib.request``
                       raises; an ``OSError``, with ``Retry-After`` in ``.headers``
injected faults        whatever ``registry.faults`` says for ``"push"``
=====================  =========================================================
"""

from __future__ import annotations

import email.message
import errno
import urllib.error
from collections.abc import Callable
from dataclasses import dataclass

from faultlab._errors import FaultlabError
from faultlab.world._builder import Image
from faultlab.world._clock import VirtualClock
from faultlab.world._service import Service

__all__ = ["Registry"]

_REASONS = {500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout"}


@dataclass
class _User:
    name: str
    namespaces: frozenset[str]
    revoked: bool = False


class Registry(Service):
    """A container registry: tokens, namespaces, and pushes that fail like real ones.

    Args:
        clock: The virtual clock each layer upload advances.
        host: The registry's host name, used in references and messages.
        name: The service's name, used in messages.
    """

    __module__ = "faultlab.world"
    operations = ("push",)

    def __init__(self, clock: VirtualClock, *, host: str = "registry.test", name: str = "registry") -> None:
        super().__init__(name, clock)
        self.host = host
        self.images: dict[str, str] = {}  # "namespace/name:version" -> digest
        self._users: dict[str, _User] = {}
        self._resets: list[int] = []  # layers sent before the reset, one per armed push

    def __repr__(self) -> str:
        return f"Registry({self.host}, {len(self.images)} image(s))"

    # -- administration (never faulty) ------------------------------------------------
    def add_user(self, user: str, *namespaces: str) -> str:
        """Let ``user`` push to ``namespaces``; return their token.

        Raises:
            FaultlabError: No namespace given.
        """
        if not namespaces:
            msg = "add_user() needs at least one namespace the user may push to"
            raise FaultlabError(msg)
        token = f"tok-{user}-{len(self._users) + 1}"
        self._users[token] = _User(user, frozenset(namespaces))
        return token

    def revoke(self, token: str) -> None:
        """Expire ``token``: pushes with it are unauthorized from now on.

        Raises:
            FaultlabError: Unknown token.
        """
        if token not in self._users:
            msg = f"unknown token {token!r}"
            raise FaultlabError(msg)
        self._users[token].revoked = True

    def reset_next(self, count: int, *, after_layers: int = 1) -> None:
        """Reset the connection of the next ``count`` pushes after ``after_layers`` layers.

        Raises:
            FaultlabError: A count below 1 or a negative number of layers.
        """
        if isinstance(count, bool) or not isinstance(count, int) or count < 1 or after_layers < 0:
            msg = f"reset_next() needs a count >= 1 and after_layers >= 0, got {count!r}, {after_layers!r}"
            raise FaultlabError(msg)
        self._resets += [after_layers] * count

    def fail_next_status(self, count: int, status: int = 503, *, retry_after: int | None = None) -> None:
        """Answer the next ``count`` pushes with HTTP ``status`` (a 5xx), raised as ``HTTPError``.

        Raises:
            FaultlabError: ``status`` is not a 5xx code, or a bad count (from the fault plan).
        """
        if not 500 <= status <= 599:
            msg = f"fail_next_status() is for server errors (5xx), got {status!r}"
            raise FaultlabError(msg)
        self.faults.fail_next("push", count, self._http_error(status, retry_after))

    def clear_faults(self) -> None:
        """Forget the plan's rules and any armed connection resets."""
        self.faults.clear()
        self._resets.clear()

    def _http_error(self, status: int, retry_after: int | None) -> Callable[[], BaseException]:
        def make() -> BaseException:
            headers = email.message.Message()
            if retry_after is not None:
                headers["Retry-After"] = str(retry_after)
            url = f"https://{self.host}/v2/"
            return urllib.error.HTTPError(url, status, _REASONS.get(status, "Server Error"), headers, None)

        make.__name__ = f"HTTPError{status}"
        return make

    # -- the operation (faulty on demand) -----------------------------------------------
    def push(self, image: Image, *, namespace: str, token: str | None, timeout: float | None = None) -> str:
        """Push ``image`` to ``namespace``; return its reference ``host/namespace/tag@digest``.

        Raises:
            PermissionError: The token is missing, unknown or revoked (401), or may not
                push to ``namespace`` (403).
            ConnectionResetError: The connection was reset part way.
            urllib.error.HTTPError: The registry answered with a 5xx status.
            TimeoutError: The push took longer than ``timeout`` (virtual seconds).
        """
        where = f"{self.host}/{namespace}"

        def body() -> str:
            user = self._users.get(token) if token is not None else None
            if user is None or user.revoked:
                raise PermissionError(errno.EACCES, "unauthorized: authentication required", where)
            if namespace not in user.namespaces:
                raise PermissionError(errno.EACCES, f"denied: {user.name} may not push to {namespace}", where)
            reset_after = self._resets.pop(0) if self._resets else None
            for sent, _layer in enumerate(image.layers):
                if sent == reset_after:
                    raise ConnectionResetError(errno.ECONNRESET, "Connection reset by peer")
                self.clock.advance(0.5)
            if reset_after is not None and reset_after >= len(image.layers):
                raise ConnectionResetError(errno.ECONNRESET, "Connection reset by peer")
            self.images[f"{namespace}/{image.tag}"] = image.digest
            return f"{where}/{image.tag}@{image.digest}"

        return self._run("push", f"{where}/{image.tag}", timeout, body)
