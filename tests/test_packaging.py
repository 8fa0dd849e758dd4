"""Packaging: pins, the conda file, the public API."""

from __future__ import annotations

import re
import tomllib

import yaml

import faultlab
from faultlab.authoring._envfile import environment_yml, lock_pins
from tests.conftest import ROOT

LOCK = ROOT / "requirements" / "lock.txt"


def test_lock_pins_exactly() -> None:
    """Every lock line is an exact name==version pin."""
    pins = lock_pins(LOCK)
    assert pins
    assert all(re.fullmatch(r"[A-Za-z0-9_.\-]+==[A-Za-z0-9_.+!\-]+", p) for p in pins), pins


def test_lock_covers_every_declared_dependency() -> None:
    """Every dependency named in pyproject (all extras) has a pin in the lock."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        declared += [d for d in extra if not d.startswith("faultlab")]
    pinned = {p.split("==")[0].lower().replace("_", "-") for p in lock_pins(LOCK)}
    for dep in declared:
        name = re.split(r"[<>=!\[; ]", dep, maxsplit=1)[0].lower().replace("_", "-")
        assert name in pinned, f"{name} is declared in pyproject.toml but not pinned in the lock"


def test_environment_yml_pins_what_the_lock_pins() -> None:
    """environment.yml is generated from the lock: same pins, Python 3.11, the package itself."""
    text = (ROOT / "environment.yml").read_text(encoding="utf-8")
    assert text == environment_yml(LOCK), "environment.yml is stale: run `make lock`"
    env = yaml.safe_load(text)
    pip = next(d for d in env["dependencies"] if isinstance(d, dict))["pip"]
    assert pip[:-1] == lock_pins(LOCK)
    assert pip[-1] == "-e ."
    assert "python=3.11" in env["dependencies"]


def test_public_api_is_sorted_and_public() -> None:
    """__all__ is sorted, every name exists, and classes print as faultlab.X."""
    assert faultlab.__all__ == sorted(faultlab.__all__)
    for name in faultlab.__all__:
        obj = getattr(faultlab, name)
        if isinstance(obj, type):
            assert obj.__module__ == "faultlab", name


def test_typed_marker_ships() -> None:
    """The package ships py.typed."""
    assert (ROOT / "src" / "faultlab" / "py.typed").exists()
