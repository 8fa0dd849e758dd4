"""Every lesson's exercises, collected into one registry in course order.

To add a lesson's exercises: write ``lNN_slug.py`` with an ``EXERCISES`` tuple and add
the module to ``_MODULES`` below. Tests enforce unique ids, hints and solution regions.
"""

from __future__ import annotations

from faultlab._exercise import Exercise
from faultlab._lessons import l00_welcome, l01_typed_errors, l04_retries

_MODULES = (l00_welcome, l01_typed_errors, l04_retries)

REGISTRY: dict[str, Exercise] = {ex.id: ex for module in _MODULES for ex in module.EXERCISES}
