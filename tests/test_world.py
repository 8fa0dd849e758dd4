"""The simulated object store raises the built-ins a real SDK would."""

from __future__ import annotations

import errno

import pytest

from faultlab import FaultlabError, World


def test_reads_and_writes(world: World) -> None:
    """Objects round-trip; listing is sorted; every call is logged with its outcome."""
    store = world.store
    store.put_object("models", "a.bin", b"abc", principal="alice")
    assert store.get_object("models", "a.bin", principal="bob") == b"abc"
    assert store.list_objects("models") == ["a.bin", "bert.onnx", "resnet.onnx"]
    store.delete_object("models", "a.bin")
    assert [c.outcome for c in store.calls] == ["ok", "ok", "ok", "ok"]
    assert store.calls[1].detail == "3 bytes"


def test_unknown_bucket_is_key_error(world: World) -> None:
    """An unknown bucket is a KeyError naming the bucket, like a dict lookup."""
    with pytest.raises(KeyError) as info:
        world.store.get_object("archive", "x")
    assert info.value.args == ("archive",)
    assert world.store.calls[-1].outcome == "KeyError"


def test_unknown_key_is_file_not_found(world: World) -> None:
    """An unknown key is FileNotFoundError with ENOENT and the bucket/key as filename."""
    with pytest.raises(FileNotFoundError) as info:
        world.store.get_object("models", "nope")
    assert info.value.errno == errno.ENOENT
    assert info.value.filename == "models/nope"
    assert info.value.__suppress_context__


def test_permissions(world: World) -> None:
    """Principals need rights: bob reads but may not write; strangers may not read."""
    with pytest.raises(PermissionError) as info:
        world.store.put_object("models", "x", b"", principal="bob")
    assert info.value.errno == errno.EACCES
    with pytest.raises(PermissionError):
        world.store.get_object("models", "resnet.onnx", principal="mallory")
    with pytest.raises(PermissionError):
        world.store.list_objects("logs", principal="alice")


def test_quota_is_enospc(world: World) -> None:
    """Writing past a bucket's quota raises OSError(EDQUOT), not a full device's ENOSPC, and stores nothing."""
    with pytest.raises(OSError, match="quota exceeded") as info:
        world.store.put_object("models", "big", b"x" * 100)
    assert info.value.errno == errno.EDQUOT
    assert world.store.usage("models") == (26, 64)


def test_admin_misuse_is_faultlab_error(world: World) -> None:
    """Misusing the world (duplicate bucket, bad rights) raises FaultlabError, not a built-in."""
    with pytest.raises(FaultlabError, match="already exists"):
        world.store.create_bucket("models")
    with pytest.raises(FaultlabError, match="letters from 'rwd'"):
        world.store.grant("eve", "models", "rx")


def test_reprs_have_no_addresses(world: World) -> None:
    """World, store, clock and plan reprs are stable text (they can appear in outputs)."""
    assert repr(world) == "World(seed=0, t=0)"
    assert repr(world.store) == "ObjectStore(2 bucket(s))"
    assert repr(world.clock) == "VirtualClock(now=0)"
    assert repr(world.store.faults) == "FaultPlan(0 rule(s))"
