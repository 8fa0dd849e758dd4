"""What of a notebook runs at grading time, tested in-process (no sandbox)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from faultlab.grader._submission import SubmissionInvalid, code_cells, execute_definitions, select_definitions


def _nb(*sources: Any, **extra: Any) -> bytes:
    cells = [{"cell_type": "code", "metadata": {}, "outputs": [], "source": s} for s in sources]
    return json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": cells, **extra}).encode()


def _run(*sources: str) -> tuple[dict[str, Any], list[str], list[str]]:
    definitions, notes = select_definitions(list(enumerate(sources, start=1)))
    namespace: dict[str, Any] = {"__name__": "__main__"}
    names, more = execute_definitions(definitions, namespace)
    return namespace, names, notes + more


def test_code_cells_are_numbered_like_jupyterlab() -> None:
    """Cell numbers count markdown cells too; list sources are joined."""
    raw = json.dumps(
        {
            "nbformat": 4,
            "nbformat_minor": 5,
            "metadata": {},
            "cells": [
                {"cell_type": "markdown", "metadata": {}, "source": "# hi"},
                {"cell_type": "code", "metadata": {}, "outputs": [], "source": ["x = 1\n", "y = 2\n"]},
            ],
        }
    ).encode()
    assert code_cells(raw) == [(2, "x = 1\ny = 2\n")]


def test_a_byte_order_mark_is_accepted() -> None:
    """A notebook saved with a UTF-8 BOM still reads."""
    assert code_cells(b"\xef\xbb\xbf" + _nb("x = 1")) == [(1, "x = 1")]


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        (b"", "not valid JSON"),
        (b"[1, 2]", "not an object"),
        (b'{"nbformat": 4}', "no list of cells"),
        (b'{"nbformat": 3, "worksheets": []}', "nbformat 3"),
        (b'{"nbformat": 5, "cells": []}', "nbformat 5"),
        (b'{"nbformat": 4, "cells": [42]}', "cell 1 has no cell_type"),
        (b'{"nbformat": 4, "cells": [{"cell_type": "code", "source": 7}]}', "source of cell 1 is not text"),
        (b'{"nbformat": 4, "cells": [], "x": NaN}', "not valid JSON"),
        (b"[" * 100_000, "not valid JSON"),
    ],
)
def test_malformed_notebooks_are_refused_with_a_reason(raw: bytes, words: str) -> None:
    """Each kind of malformed file raises SubmissionInvalid with a message for the learner."""
    with pytest.raises(SubmissionInvalid, match=words):
        code_cells(raw)


def test_everything_the_notebook_runs_runs_except_checks() -> None:
    """Every statement runs, as in a kernel, except check/hint/progress/display calls."""
    namespace, names, _ = _run(
        "import math\nfrom functools import reduce as fold\nLIMIT = 3\na, (b, *c) = 1, (2, 3)\nx: int = 4\n",
        "def f():\n    return LIMIT\n\nclass K:\n    pass\n",
        "SEEN = []\nfor i in range(3):\n    SEEN.append(i)\nK.tag = 'set'\n",
        "check('0.1')\nhint('0.1')\nprint(check('0.1'))\nprogress('00')\nSEEN.append('after')\n",
    )
    assert {"K", "LIMIT", "SEEN", "a", "b", "c", "f", "fold", "math", "x"} <= set(names)
    assert namespace["SEEN"] == [0, 1, 2, "after"]
    assert namespace["K"].tag == "set"
    assert namespace["f"]() == 3


def test_star_imports_and_augmented_assignments_run() -> None:
    """`from x import *` and `X += 1` run, as in the notebook."""
    namespace, _, _ = _run("from math import *\nN = 1\nN += 1\n")
    assert namespace["N"] == 2
    assert "pi" in namespace


def test_widgets_are_not_imported_or_shown() -> None:
    """Widget imports and the calls that build a widget are left out: grading is headless."""
    namespace, _, notes = _run("from faultlab.widgets import ChainViewer\nv = ChainViewer()\nChainViewer()\nZ = 1\n")
    assert "ChainViewer" not in namespace
    assert "v" not in namespace
    assert namespace["Z"] == 1
    assert notes == []


def test_a_statement_that_raises_stops_its_cell_as_in_a_kernel() -> None:
    """After a statement raises, the rest of its cell does not run (noted); other cells do."""
    namespace, _, notes = _run("A = 1\nraise ValueError('demo')\nB = 2\n", "C = 3\n")
    assert namespace["A"] == 1
    assert "B" not in namespace
    assert namespace["C"] == 3
    assert notes == [
        "cell 1, line 2 (raise) raised ValueError: demo; the 1 statement(s) after it in the cell did not run"
    ]


def test_magics_are_skipped_and_cell_magics_noted() -> None:
    """Line magics and shell escapes are blanked; a %% cell is not run and is noted."""
    namespace, _, notes = _run("%matplotlib inline\n!ls\nA = 1\n", "%%bash\necho hi\n")
    assert namespace["A"] == 1
    assert notes == ["cell 2 is a %% cell magic; it is not run when grading"]


def test_a_cell_that_does_not_parse_is_noted_and_the_rest_runs() -> None:
    """A syntax error skips its cell only, and the note gives the line."""
    namespace, _, notes = _run("def broken(:\n    pass\n", "B = 2\n")
    assert namespace["B"] == 2
    assert notes[0].startswith("cell 1 does not parse (line 1:")


def test_a_definition_that_raises_is_noted_and_the_rest_runs() -> None:
    """An exception at definition time, even SystemExit, becomes a note."""
    _namespace, names, notes = _run("class Boom:\n    raise SystemExit(2)\n", "C = 3\n")
    assert names == ["C"]
    assert notes == ["cell 1, line 1 (class Boom) raised SystemExit: 2"]


def test_out_of_order_definitions_run_after_a_retry_with_a_note() -> None:
    """A class defined before its base runs once the base exists, and the note says so."""
    namespace, _names, notes = _run("class Child(Base):\n    pass\n", "class Base:\n    pass\n")
    assert issubclass(namespace["Child"], namespace["Base"])
    assert "cell 1 (class Child) could only run after definitions further down" in notes[-1]


def test_a_name_that_never_appears_is_noted() -> None:
    """A NameError that no retry can fix is reported once."""
    _, names, notes = _run("class Child(Missing):\n    pass\n")
    assert names == []
    assert notes == ["cell 1, line 1 (class Child) raised NameError: name 'Missing' is not defined"]


def test_future_imports_carry_over_to_later_cells() -> None:
    """`from __future__ import annotations` applies to later cells, as in IPython."""
    namespace, _, _ = _run("from __future__ import annotations\n", "def f(x: Undefined) -> None:\n    pass\n")
    assert namespace["f"].__annotations__ == {"x": "Undefined", "return": "None"}


def test_top_level_await_is_noted_not_run() -> None:
    """An assignment with a top-level await cannot be compiled outside IPython: a note, no crash."""
    namespace, _, notes = _run("import asyncio\nX = await asyncio.sleep(0)\n")
    assert "X" not in namespace
    assert "does not compile" in notes[0]
