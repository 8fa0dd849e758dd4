"""A real HTTP service on the loopback interface that fails on demand.

Simulated services raise the exceptions we choose; this one makes a real HTTP client
(httpx, requests, urllib) meet the exceptions *it* raises when a connection is reset,
a server stalls past the client's timeout, or an answer is 503 with ``Retry-After``.

It is built on the standard library only (``http.server``), listens on an ephemeral
port of 127.0.0.1 (or ``::1``), refuses any other address, and runs inside a ``with``
block: leaving the block stops the server, unblocks stalled handlers, and joins every
thread it started, so no thread or socket outlives it. ::

    with FaultServer() as server:
        server.fail_next(2, "503", retry_after=1)
        httpx.get(server.url_for("/models/resnet"), timeout=0.2)   # 503, Retry-After: 1

=================  ===========================================================
kind               what the next request gets
=================  ===========================================================
``"reset"``        the connection is reset (TCP RST) before anything is done
``"reset_after"``  the request is carried out, *then* the connection is reset
                   (a POST is committed but the client cannot know)
``"stall"``        no answer for ``stall_seconds``: longer than a client timeout
``"404"`` …        that status (404, 429, 500, 502, 503, 504), with
                   ``Retry-After`` when ``retry_after`` is given
=================  ===========================================================

Requests that no rule claims succeed: ``GET`` answers ``200`` with a small JSON body,
``POST /deployments`` creates a deployment (``201``). A POST that carries an
``Idempotency-Key`` it has seen before gets the first answer again and creates nothing.
"""

from __future__ import annotations

import ipaddress
import json
import socket
import socketserver
import struct
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

from faultlab._errors import FaultlabError

__all__ = ["FAULT_SERVER_KINDS", "FaultServer", "ServedRequest"]

#: The fault kinds :meth:`FaultServer.fail_next` accepts.
FAULT_SERVER_KINDS = ("reset", "reset_after", "stall", "404", "429", "500", "502", "503", "504")

_REASONS = {
    200: "OK",
    201: "Created",
    404: "Not Found",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


@dataclass(frozen=True)
class ServedRequest:
    """One request the server received, and what it did (no ports, no times)."""

    __module__ = "faultlab.world"

    method: str
    path: str
    outcome: str  # "200", "201", "503", "reset", "reset_after", "stall", ...
    idempotency_key: str | None = None

    def line(self) -> str:
        """A one-line description, stable from run to run."""
        key = f" (Idempotency-Key {self.idempotency_key})" if self.idempotency_key else ""
        return f"{self.method} {self.path}{key} -> {self.outcome}"


@dataclass
class _Rule:
    kind: str
    remaining: int
    retry_after: str | None


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = True
    owner: FaultServer

    def server_bind(self) -> None:
        """Bind without ``HTTPServer``'s reverse DNS lookup of the address (slow on some hosts)."""
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = str(self.server_address[0]), int(self.server_address[1])

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Keep handler errors out of stderr (and out of notebook outputs); count them."""
        self.owner._errors += 1


class _Server6(_Server):
    address_family = socket.AF_INET6


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    timeout = 5.0  # a client that connects and says nothing cannot hold a thread forever

    def setup(self) -> None:
        super().setup()
        self.server.owner._track(self.connection, add=True)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.owner._track(self.connection, add=False)

    def log_message(self, format: str, *args: Any) -> None:
        """Log nothing: stderr output would land in notebooks, with ports and dates."""

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def do_PUT(self) -> None:
        self._serve()

    def do_DELETE(self) -> None:
        self._serve()

    def _serve(self) -> None:
        owner = self.server.owner
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        key = self.headers.get("Idempotency-Key")
        rule = owner._take_rule()
        kind = rule.kind if rule else None
        try:
            if kind == "reset":
                owner._record(ServedRequest(self.command, self.path, "reset", key))
                self._reset()
            elif kind == "stall":
                owner._record(ServedRequest(self.command, self.path, "stall", key))
                if not owner._stop.wait(owner.stall_seconds):
                    self._send(200, {"path": self.path, "late": True})
            elif kind is not None and kind.isdigit():
                owner._record(ServedRequest(self.command, self.path, kind, key))
                headers = {"Retry-After": rule.retry_after} if rule and rule.retry_after is not None else {}
                self._send(int(kind), {"error": _REASONS[int(kind)]}, headers)
            else:
                status, payload = owner._carry_out(self.command, self.path, body, key)
                owner._record(ServedRequest(self.command, self.path, kind or str(status), key))
                if kind == "reset_after":
                    self._reset()
                else:
                    self._send(status, payload)
        except OSError:
            owner._errors += 1  # the client went away (it timed out): nothing to answer

    def _send(self, status: int, payload: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        data = json.dumps(payload, sort_keys=True).encode()
        # send_response_only: no Date or Server header, nothing that changes between runs
        self.send_response_only(status, _REASONS.get(status))
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Connection", "close")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)
        self.close_connection = True

    def _reset(self) -> None:
        # SO_LINGER on, 0 s: closing sends RST instead of FIN; the fd closes in finish()
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()
        self.close_connection = True


class FaultServer:
    """An HTTP server on the loopback interface whose next answers fail on demand.

    Args:
        host: A loopback address: ``"127.0.0.1"`` (default), ``"::1"`` or ``"localhost"``.
        stall_seconds: How long a ``"stall"`` holds its answer (real seconds). Clients
            should use a shorter timeout; leaving the ``with`` block ends a stall at once.

    Raises:
        FaultlabError: ``host`` is not a loopback address (the server never listens on a
            network other machines can reach), or ``stall_seconds`` is not positive.
    """

    __module__ = "faultlab.world"

    def __init__(self, host: str = "127.0.0.1", *, stall_seconds: float = 2.0) -> None:
        self.host = _loopback(host)
        if isinstance(stall_seconds, bool) or not isinstance(stall_seconds, int | float) or not stall_seconds > 0:
            msg = f"stall_seconds must be a positive number, got {stall_seconds!r}"
            raise FaultlabError(msg)
        self.stall_seconds = float(stall_seconds)
        self.requests: list[ServedRequest] = []
        self.deployments: list[str] = []
        self._rules: list[_Rule] = []
        self._answers: dict[str, tuple[int, dict[str, Any]]] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._open: set[socket.socket] = set()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._errors = 0

    def __repr__(self) -> str:
        state = "running" if self._server is not None else "stopped"
        return f"FaultServer({state}, {len(self.requests)} request(s))"

    # -- life cycle ------------------------------------------------------------------
    def start(self) -> FaultServer:
        """Bind an ephemeral port and serve in a background thread.

        Raises:
            FaultlabError: If the server is already running.
            OSError: If the address cannot be bound.
        """
        if self._server is not None:
            msg = "this FaultServer is already running"
            raise FaultlabError(msg)
        cls = _Server6 if ":" in self.host else _Server
        server = cls((self.host, 0), _Handler)
        server.owner = self
        self._stop.clear()
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="faultlab-http", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, end stalls, close every socket and join every thread (idempotent)."""
        server, thread = self._server, self._thread
        if server is None or thread is None:
            return
        self._stop.set()
        with self._lock:
            still_open = list(self._open)
        for sock in still_open:
            try:
                sock.shutdown(socket.SHUT_RDWR)  # wakes a handler blocked on a read
            except OSError:
                continue
        server.shutdown()
        server.server_close()  # joins the handler threads (block_on_close)
        thread.join()
        self._server = self._thread = None

    def __enter__(self) -> FaultServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    # -- addresses -------------------------------------------------------------------
    @property
    def url(self) -> str:
        """The base URL, ``http://127.0.0.1:PORT``. The port changes every run: don't print it.

        Raises:
            FaultlabError: If the server is not running.
        """
        if self._server is None:
            msg = "the FaultServer is not running: use it inside `with FaultServer() as server:`"
            raise FaultlabError(msg)
        port = self._server.server_address[1]
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{port}"

    def url_for(self, path: str) -> str:
        """The URL of ``path`` (which starts with ``/``) on this server.

        Raises:
            FaultlabError: If the server is not running or ``path`` lacks its leading slash.
        """
        if not path.startswith("/"):
            msg = f"a path starts with '/', got {path!r}"
            raise FaultlabError(msg)
        return self.url + path

    # -- faults ----------------------------------------------------------------------
    def fail_next(self, count: int, kind: str, *, retry_after: float | str | None = None) -> None:
        """Make the next ``count`` requests (after earlier rules are used up) fail as ``kind``.

        Args:
            count: How many requests this rule claims (at least 1).
            kind: One of :data:`FAULT_SERVER_KINDS`.
            retry_after: For a status kind, the ``Retry-After`` header to send:
                seconds (a number) or any text (an HTTP date, or garbage to test parsers).

        Raises:
            FaultlabError: An unknown kind, a count below 1, or ``retry_after`` on a
                kind that sends no answer.
        """
        if kind not in FAULT_SERVER_KINDS:
            msg = f"unknown fault kind {kind!r}; choose from: {', '.join(FAULT_SERVER_KINDS)}"
            raise FaultlabError(msg)
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            msg = f"fail_next() needs a count of at least 1, got {count!r}"
            raise FaultlabError(msg)
        if retry_after is not None and not kind.isdigit():
            msg = f"retry_after only goes with a status kind, not {kind!r}"
            raise FaultlabError(msg)
        header = None
        if retry_after is not None:
            header = retry_after if isinstance(retry_after, str) else f"{retry_after:g}"
        with self._lock:
            self._rules.append(_Rule(kind, count, header))

    def clear(self) -> None:
        """Drop every pending rule, the request log and the deployments."""
        with self._lock:
            self._rules.clear()
            self.requests.clear()
            self.deployments.clear()
            self._answers.clear()

    def log(self) -> list[str]:
        """Every request so far as a stable one-line description."""
        with self._lock:
            return [r.line() for r in self.requests]

    # -- used by the handler threads -------------------------------------------------
    def _take_rule(self) -> _Rule | None:
        with self._lock:
            for rule in self._rules:
                if rule.remaining > 0:
                    rule.remaining -= 1
                    return _Rule(rule.kind, 1, rule.retry_after)
            return None

    def _record(self, request: ServedRequest) -> None:
        with self._lock:
            self.requests.append(request)

    def _track(self, sock: socket.socket, *, add: bool) -> None:
        with self._lock:
            (self._open.add if add else self._open.discard)(sock)

    def _carry_out(self, method: str, path: str, body: bytes, key: str | None) -> tuple[int, dict[str, Any]]:
        if method != "POST":
            return 200, {"path": path}
        with self._lock:
            if key is not None and key in self._answers:
                return self._answers[key]
            name = f"dep-{len(self.deployments) + 1}"
            self.deployments.append(name)
            answer = (201, {"id": name, "size": len(body)})
            if key is not None:
                self._answers[key] = answer
            return answer


def _loopback(host: str) -> str:
    if host == "localhost":
        return "127.0.0.1"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        msg = f"FaultServer listens on a loopback IP address only (127.0.0.1 or ::1), not {host!r}"
        raise FaultlabError(msg) from None
    if not address.is_loopback:
        msg = f"FaultServer refuses {host!r}: only loopback addresses (127.0.0.1, ::1) keep it off the network"
        raise FaultlabError(msg)
    return str(address)
