"""The loopback HTTP fault server: real httpx exceptions, clean start and stop, loopback only."""

from __future__ import annotations

import contextlib
import os
import socket
import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from faultlab import FaultlabError
from faultlab.world import FaultServer

TIMEOUT = 2.0  # real seconds, generous: answers on loopback take milliseconds, even on a busy CI machine
STALLED = 0.02  # the client timeout where a test wants the stall to win


def _open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


@pytest.fixture
def server() -> Iterator[FaultServer]:
    """A running server, stopped after the test."""
    with FaultServer(stall_seconds=5.0) as running:
        yield running


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    """An httpx client with a tiny timeout."""
    with httpx.Client(timeout=TIMEOUT) as c:
        yield c


def test_plain_get_answers_200_with_a_stable_body(server: FaultServer, client: httpx.Client) -> None:
    """A request no rule claims gets 200 and JSON naming the path, with no Date or Server header."""
    response = client.get(server.url_for("/models/resnet"))
    assert response.status_code == 200
    assert response.json() == {"path": "/models/resnet"}
    assert "date" not in response.headers
    assert "server" not in response.headers
    assert server.log() == ["GET /models/resnet -> 200"]


def test_reset_raises_httpx_read_error(server: FaultServer, client: httpx.Client) -> None:
    """A "reset" closes the connection with RST: httpx raises ReadError (ECONNRESET)."""
    server.fail_next(1, "reset")
    with pytest.raises(httpx.ReadError, match="Connection reset by peer"):
        client.get(server.url_for("/x"))
    assert client.get(server.url_for("/x")).status_code == 200
    assert server.log() == ["GET /x -> reset", "GET /x -> 200"]


def test_stall_outlasts_the_client_timeout(server: FaultServer, client: httpx.Client) -> None:
    """A "stall" holds the answer longer than the client waits: httpx raises ReadTimeout."""
    server.fail_next(1, "stall")
    with pytest.raises(httpx.ReadTimeout):
        client.get(server.url_for("/slow"), timeout=STALLED)
    assert server.log() == ["GET /slow -> stall"]


def test_status_kinds_send_retry_after(server: FaultServer, client: httpx.Client) -> None:
    """Status kinds answer that status; Retry-After is sent only when given."""
    server.fail_next(2, "503", retry_after=2)
    server.fail_next(1, "429", retry_after="Wed, 21 Oct 2015 07:28:00 GMT")
    server.fail_next(1, "404")
    answers = [client.get(server.url_for("/m")) for _ in range(5)]
    assert [r.status_code for r in answers] == [503, 503, 429, 404, 200]
    assert [r.headers.get("Retry-After") for r in answers] == ["2", "2", "Wed, 21 Oct 2015 07:28:00 GMT", None, None]


def test_reset_after_commits_then_drops_the_connection(server: FaultServer, client: httpx.Client) -> None:
    """A "reset_after" POST creates the deployment although the client sees ReadError."""
    server.fail_next(1, "reset_after")
    with pytest.raises(httpx.ReadError):
        client.post(server.url_for("/deployments"), json={"model": "m"})
    assert server.deployments == ["dep-1"]
    assert client.post(server.url_for("/deployments"), json={"model": "m"}).json()["id"] == "dep-2"


def test_idempotency_key_replays_the_first_answer(server: FaultServer, client: httpx.Client) -> None:
    """A repeated Idempotency-Key gets the first answer back and creates nothing new."""
    server.fail_next(1, "reset_after")
    headers = {"Idempotency-Key": "k-1"}
    with pytest.raises(httpx.ReadError):
        client.post(server.url_for("/deployments"), content=b"abc", headers=headers)
    again = client.post(server.url_for("/deployments"), content=b"abc", headers=headers)
    assert (again.status_code, again.json()) == (201, {"id": "dep-1", "size": 3})
    assert server.deployments == ["dep-1"]
    assert server.log()[-1] == "POST /deployments (Idempotency-Key k-1) -> 201"


def test_rules_are_used_in_order(server: FaultServer, client: httpx.Client) -> None:
    """Rules claim requests first come, first served; clear() forgets them and the log."""
    server.fail_next(1, "500")
    server.fail_next(1, "502")
    server.fail_next(1, "504")
    assert [client.get(server.url_for("/a")).status_code for _ in range(4)] == [500, 502, 504, 200]
    server.fail_next(3, "503")
    server.clear()
    assert client.get(server.url_for("/a")).status_code == 200
    assert server.log() == ["GET /a -> 200"]


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.10", "8.8.8.8", "::", "example.com", ""])  # noqa: S104
def test_refuses_non_loopback_addresses(host: str) -> None:
    """Anything but a loopback address is refused before a socket is opened."""
    with pytest.raises(FaultlabError, match="loopback"):
        FaultServer(host)


def test_localhost_means_ipv4_loopback() -> None:
    """ "localhost" is served on 127.0.0.1, and the URL says so."""
    with FaultServer("localhost") as server:
        assert server.url.startswith("http://127.0.0.1:")


def test_ipv6_loopback_when_available() -> None:
    """::1 works where the host has IPv6, with a bracketed URL."""
    if not socket.has_ipv6:
        pytest.skip("no IPv6 on this host")
    try:
        server = FaultServer("::1").start()
    except OSError:
        pytest.skip("cannot bind ::1 on this host")
    try:
        assert server.url.startswith("http://[::1]:")
        with httpx.Client(timeout=TIMEOUT) as client:
            assert client.get(server.url_for("/v6")).status_code == 200
    finally:
        server.stop()


def test_bad_arguments_are_refused(server: FaultServer) -> None:
    """Unknown kinds, counts below 1, Retry-After on a reset and a bad path are FaultlabErrors."""
    with pytest.raises(FaultlabError, match="unknown fault kind 'teapot'"):
        server.fail_next(1, "teapot")
    with pytest.raises(FaultlabError, match="at least 1"):
        server.fail_next(0, "reset")
    with pytest.raises(FaultlabError, match="retry_after only goes with a status"):
        server.fail_next(1, "reset", retry_after=1)
    with pytest.raises(FaultlabError, match="starts with '/'"):
        server.url_for("models")
    with pytest.raises(FaultlabError, match="already running"):
        server.start()
    with pytest.raises(FaultlabError, match="positive"):
        FaultServer(stall_seconds=0)


def test_url_needs_a_running_server() -> None:
    """Asking a stopped server for its URL says how to start it."""
    server = FaultServer()
    with pytest.raises(FaultlabError, match="with FaultServer"):
        _ = server.url
    assert repr(server) == "FaultServer(stopped, 0 request(s))"


def test_leaves_no_thread_or_socket_behind() -> None:
    """After the with block, thread and file-descriptor counts are back where they were."""
    threads, fds = threading.active_count(), _open_fds()
    with FaultServer() as server, httpx.Client(timeout=STALLED) as client:
        server.fail_next(1, "reset")
        server.fail_next(1, "stall")
        for _ in range(3):
            with contextlib.suppress(httpx.TransportError):
                client.get(server.url_for("/z"))
    assert threading.active_count() == threads
    assert _open_fds() == fds


def test_stop_ends_a_stall_at_once_and_is_idempotent() -> None:
    """Leaving the block while a handler stalls for 30 s returns promptly; stop() twice is fine."""
    server = FaultServer(stall_seconds=30.0).start()
    server.fail_next(1, "stall")
    with httpx.Client(timeout=STALLED) as client, pytest.raises(httpx.ReadTimeout):
        client.get(server.url_for("/hang"))
    began = time.perf_counter()
    server.stop()
    assert time.perf_counter() - began < 2.0
    server.stop()
    assert repr(server) == "FaultServer(stopped, 1 request(s))"


def test_a_silent_client_does_not_block_stop() -> None:
    """A connection that never sends a request is shut down when the server stops."""
    server = FaultServer().start()
    host, port = server.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=1.0):
        accepted = time.perf_counter() + 1.0
        while not server._open and time.perf_counter() < accepted:  # wait until a handler reads it
            threading.Event().wait(0.001)
        assert server._open
        began = time.perf_counter()
        server.stop()
        assert time.perf_counter() - began < 2.0
