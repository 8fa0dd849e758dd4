"""Artifact download, container build and registry push raise the built-ins real systems raise."""

from __future__ import annotations

import errno
import subprocess
import urllib.error

import pytest

from faultlab import FaultlabError, FaultPlanError, World
from faultlab.world import Artifact, ArtifactStore, ContainerBuilder, Image, Registry

RESNET = "s3://models/resnet.onnx"
CI = "tok-ci-1"  # the demo world's registry user "ci", allowed to push to "ml"


@pytest.fixture
def image(world: World) -> Image:
    """An image built from the demo world's resnet artifact."""
    return world.builder.build(world.artifacts.download(RESNET).data, tag="resnet:1.0")


# -- artifacts --------------------------------------------------------------------------
def test_download_verifies_and_returns_the_artifact(world: World) -> None:
    """A download returns the stored bytes with their checksum, and is logged as ok."""
    art = world.artifacts.download(RESNET)
    assert isinstance(art, Artifact)
    assert art.data == b"RESNET-WEIGHTS"
    assert art.sha256 == world.artifacts.checksum(RESNET)
    assert world.artifacts.calls[-1].outcome == "ok"


def test_publish_then_download(world: World) -> None:
    """A published artifact can be downloaded by a principal who may read its bucket."""
    world.store.create_bucket("weights")
    world.store.grant("carol", "weights", "r")
    digest = world.artifacts.publish("s3://weights/llama.bin", b"LLAMA")
    assert world.artifacts.download("s3://weights/llama.bin", principal="carol").sha256 == digest


def test_partial_read_is_eof_error(world: World) -> None:
    """A truncated download raises EOFError with the byte counts; the next download is whole again."""
    world.artifacts.truncate_next(1, keep_bytes=6)
    with pytest.raises(EOFError, match="got 6 of 14 bytes"):
        world.artifacts.download(RESNET)
    assert world.artifacts.download(RESNET).data == b"RESNET-WEIGHTS"


def test_checksum_mismatch_is_value_error(world: World) -> None:
    """A corrupted download raises ValueError naming both digests, once per armed corruption."""
    world.artifacts.corrupt_next(2)
    for _ in range(2):
        with pytest.raises(ValueError, match=r"checksum mismatch for s3://models/resnet\.onnx: expected sha256:"):
            world.artifacts.download(RESNET)
    assert world.artifacts.download(RESNET).data == b"RESNET-WEIGHTS"


def test_store_errors_pass_through(world: World) -> None:
    """What the store raises (missing key, no right, injected reset) reaches the caller unchanged."""
    world.artifacts.publish("s3://logs/run.txt", b"log")
    with pytest.raises(PermissionError) as info:
        world.artifacts.download("s3://logs/run.txt", principal="alice")
    assert info.value.errno == errno.EACCES
    world.store.delete_object("models", "bert.onnx")
    with pytest.raises(FileNotFoundError):
        world.artifacts.download("s3://models/bert.onnx")
    world.store.faults.fail_next("get_object", 1, ConnectionResetError(104, "Connection reset by peer"))
    with pytest.raises(ConnectionResetError):
        world.artifacts.download(RESNET)


def test_download_faults_and_timeouts(world: World) -> None:
    """The artifacts' own fault plan and latency apply to 'download'."""
    world.artifacts.faults.fail_next("download", 1, TimeoutError("read timed out"))
    with pytest.raises(TimeoutError):
        world.artifacts.download(RESNET)
    world.artifacts.faults.add_latency("download", 5.0)
    with pytest.raises(TimeoutError, match="timed out after 2s"):
        world.artifacts.download(RESNET, timeout=2.0)
    world.artifacts.clear_faults()
    assert world.artifacts.download(RESNET, timeout=2.0).data == b"RESNET-WEIGHTS"


def test_bad_uri_and_unpublished(world: World) -> None:
    """A malformed URI is a ValueError; an unpublished one a LookupError; neither calls the store."""
    with pytest.raises(ValueError, match="s3://bucket/key"):
        world.artifacts.download("models/resnet.onnx")
    with pytest.raises(LookupError, match=r"no artifact published at s3://models/gpt\.onnx"):
        world.artifacts.download("s3://models/gpt.onnx")
    assert world.store.calls == []


def test_artifact_fault_misuse(world: World) -> None:
    """Arming a fault with a bad count is faultlab's own error."""
    with pytest.raises(FaultlabError):
        world.artifacts.truncate_next(0, keep_bytes=1)
    with pytest.raises(FaultlabError):
        world.artifacts.corrupt_next(-1)
    with pytest.raises(FaultPlanError):
        world.artifacts.faults.fail_next("upload", 1, TimeoutError)


# -- builder ----------------------------------------------------------------------------
def test_build_runs_every_step(world: World, image: Image) -> None:
    """A build runs four steps, takes their virtual time and uses disk for their layers."""
    assert image.tag == "resnet:1.0"
    assert image.digest.startswith("sha256:")
    assert len(image.layers) == 4
    assert [line.split(": ", 1)[0] for line in world.builder.log] == [f"resnet:1.0 step {i}/4" for i in range(1, 5)]
    assert world.builder.free_bytes == 10_000 - image.size_bytes
    assert world.clock.now() == 26.0


def test_build_is_deterministic() -> None:
    """Two worlds build the same artifact into the same digest."""
    digests = [World.demo().builder.build(b"X", tag="x:1").digest for _ in range(2)]
    assert digests[0] == digests[1]


def test_failing_step_is_called_process_error(world: World) -> None:
    """An armed step exits non-zero part way: earlier steps ran, later ones did not."""
    world.builder.fail_step(2, returncode=3)
    with pytest.raises(subprocess.CalledProcessError) as info:
        world.builder.build(b"W", tag="m:1")
    assert info.value.returncode == 3
    assert info.value.cmd == "RUN pip install -r requirements.txt"
    assert "No matching distribution" in info.value.output
    assert len([line for line in world.builder.log if " step " in line]) == 3
    assert world.builder.build(b"W", tag="m:1").tag == "m:1"  # armed for one build only


def test_disk_full_is_enospc(world: World) -> None:
    """A layer that does not fit raises OSError(ENOSPC) naming the layer."""
    world.builder.fill_disk(450)
    with pytest.raises(OSError, match="No space left on device") as info:
        world.builder.build(b"W" * 100, tag="m:1")
    assert info.value.errno == errno.ENOSPC
    assert info.value.filename == "layers/m:1/1"
    assert world.builder.free_bytes == 50  # the first layer stayed on disk


def test_build_timeout_and_bad_input(world: World) -> None:
    """A build longer than its timeout is a TimeoutError; empty data or a bad tag a ValueError."""
    with pytest.raises(TimeoutError, match="in step 3"):
        world.builder.build(b"W", tag="m:1", timeout=10.0)
    assert world.clock.now() == 10.0
    with pytest.raises(ValueError, match="empty"):
        world.builder.build(b"", tag="m:1")
    with pytest.raises(ValueError, match="name:version"):
        world.builder.build(b"W", tag="m")
    with pytest.raises(FaultlabError):
        world.builder.fail_step(9)


# -- registry ---------------------------------------------------------------------------
def test_push_returns_a_reference(world: World, image: Image) -> None:
    """A push with the demo token stores the image and returns host/namespace/tag@digest."""
    ref = world.registry.push(image, namespace="ml", token=CI)
    assert ref == f"registry.test/ml/resnet:1.0@{image.digest}"
    assert world.registry.images == {"ml/resnet:1.0": image.digest}


def test_auth_errors_are_permission_errors(world: World, image: Image) -> None:
    """No token, a revoked token (401) and a namespace not granted (403) are PermissionErrors."""
    with pytest.raises(PermissionError, match="unauthorized") as info:
        world.registry.push(image, namespace="ml", token=None)
    assert info.value.errno == errno.EACCES
    with pytest.raises(PermissionError, match="denied: ci may not push to prod"):
        world.registry.push(image, namespace="prod", token=CI)
    world.registry.revoke(CI)
    with pytest.raises(PermissionError, match="unauthorized"):
        world.registry.push(image, namespace="ml", token=CI)
    assert world.registry.images == {}


def test_connection_reset_part_way(world: World, image: Image) -> None:
    """An armed reset raises ConnectionResetError after the given layers; the push after it succeeds."""
    world.registry.reset_next(1, after_layers=2)
    start = world.clock.now()
    with pytest.raises(ConnectionResetError) as info:
        world.registry.push(image, namespace="ml", token=CI)
    assert info.value.errno == errno.ECONNRESET
    assert world.clock.now() - start == 1.0  # two layers sent
    assert world.registry.push(image, namespace="ml", token=CI).startswith("registry.test/ml/")


def test_server_errors_are_http_errors(world: World, image: Image) -> None:
    """A 5xx answer is urllib's HTTPError (an OSError) with its code and Retry-After; fresh each time."""
    world.registry.fail_next_status(2, 503, retry_after=7)
    seen = []
    for _ in range(2):
        with pytest.raises(urllib.error.HTTPError) as info:
            world.registry.push(image, namespace="ml", token=CI)
        assert isinstance(info.value, OSError)
        assert (info.value.code, info.value.headers["Retry-After"]) == (503, "7")
        seen.append(info.value)
    assert seen[0] is not seen[1]
    assert [c.outcome for c in world.registry.calls] == ["HTTPError", "HTTPError"]


def test_registry_misuse(world: World) -> None:
    """A 4xx for fail_next_status, an unknown token or a user without namespaces is faultlab's error."""
    with pytest.raises(FaultlabError, match="5xx"):
        world.registry.fail_next_status(1, 404)
    with pytest.raises(FaultlabError):
        world.registry.revoke("tok-nobody")
    with pytest.raises(FaultlabError):
        world.registry.add_user("eve")


def test_world_has_the_services() -> None:
    """A World carries the three services, sharing its clock; they print their public names."""
    world = World(seed=3)
    assert isinstance(world.artifacts, ArtifactStore)
    assert isinstance(world.builder, ContainerBuilder)
    assert isinstance(world.registry, Registry)
    assert world.artifacts.clock is world.builder.clock is world.registry.clock is world.clock
    assert world.artifacts.store is world.store
    assert ArtifactStore.__module__ == Registry.__module__ == "faultlab.world"
