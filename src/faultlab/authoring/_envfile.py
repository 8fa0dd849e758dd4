"""Write environment.yml from requirements/lock.txt, so conda users get the same pins.

Run as ``python -m faultlab.authoring._envfile > environment.yml`` (``make lock`` does).
"""

from __future__ import annotations

import sys
from pathlib import Path

__all__ = ["environment_yml", "lock_pins"]


def lock_pins(lock: Path) -> list[str]:
    """Return the ``name==version`` lines of a lock file, comments dropped."""
    lines = lock.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


def environment_yml(lock: Path) -> str:
    """Return the text of environment.yml for the pins in ``lock``."""
    body = [
        "# Conda environment for the course: `conda env create -f environment.yml`.",
        "# Generated from requirements/lock.txt by `make lock`; a test keeps them equal.",
        "name: faultlab-course",
        "channels:",
        "  - conda-forge",
        "dependencies:",
        "  - python=3.11",
        "  - pip",
        "  - pip:",
        *[f"      - {pin}" for pin in lock_pins(lock)],
        "      - -e .",
    ]
    return "\n".join(body) + "\n"


if __name__ == "__main__":
    sys.stdout.write(environment_yml(Path("requirements/lock.txt")))
