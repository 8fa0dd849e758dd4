"""Known-wrong answers, per exercise: (why it is wrong, source, expected status).

Each source is run over the solution notebook's namespace, replacing the learner's
definitions, and the check must not pass. These stay out of the student bundle.
"""

from __future__ import annotations

from tests.wrong import l00_welcome, l01_typed_errors, l04_retries

WRONG: dict[str, list[tuple[str, str, str]]] = {}
for _module in (l00_welcome, l01_typed_errors, l04_retries):
    for _id, _cases in _module.WRONG.items():
        WRONG.setdefault(_id, []).extend(_cases)
