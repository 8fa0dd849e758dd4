"""Hostile submissions: each gets a clear verdict, and nothing else is affected.

One class of hostile learners is graded once (two jobs, a 1 s timeout); each test reads
its learner's verdicts from that run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from faultlab.grader._grade import _warm_up, grade
from tests.grader.helpers import (
    GOOD_PARSE_PORT,
    load_results,
    sandbox_processes,
    snapshot,
    solution_cells,
    statuses,
    write_notebook,
)

WELCOME = "00_welcome.ipynb"
TYPED = "01_typed_errors.ipynb"
SECRET = "faultlab-test-secret-7f3a9c"  # noqa: S105 - a marker to look for, not a credential
ROOT_ONLY = pytest.mark.skipif(os.geteuid() != 0, reason="the privilege drop happens only when grading as root")


def _welcome(body: str, *before: str) -> tuple[str, list[str]]:
    return WELCOME, [*before, body]


CASES: dict[str, tuple[str, list[str]]] = {
    "good": _welcome(GOOD_PARSE_PORT),
    "hang": _welcome("import time\ndef parse_port(text):\n    time.sleep(1000)\n"),
    "endless_loop": _welcome("def parse_port(text):\n    while True:\n        pass\n"),
    "ignores_sigterm": _welcome(
        "import signal, time\n"
        "def parse_port(text):\n"
        "    signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
        "    while True:\n"
        "        time.sleep(0.01)\n"
    ),
    "segfault": _welcome("import ctypes\ndef parse_port(text):\n    return ctypes.string_at(0)\n"),
    "abort": _welcome("import os\ndef parse_port(text):\n    os.abort()\n"),
    "os_exit": _welcome("import os\ndef parse_port(text):\n    os._exit(0)\n"),
    "sys_exit": _welcome("import sys\ndef parse_port(text):\n    sys.exit(3)\n"),
    "exit_in_class_body": _welcome(GOOD_PARSE_PORT, "import sys\nclass Boom:\n    sys.exit(1)\n"),
    "keyboard_interrupt": _welcome("def parse_port(text):\n    raise KeyboardInterrupt\n"),
    "sigint_to_self": _welcome("import os, signal\ndef parse_port(text):\n    os.kill(os.getpid(), signal.SIGINT)\n"),
    "memory_bomb": _welcome(
        "HOG = []\n"
        "def parse_port(text):\n"
        "    while not HOG or HOG[0] != 'done':\n"
        "        try:\n"
        "            HOG.append(bytearray(64 * 1024 * 1024))\n"
        "        except MemoryError:\n"
        "            HOG.clear()\n"
        "            HOG.append('done')\n"
        "            raise\n"
        "    return int(text)\n"
    ),
    "fork_bomb": _welcome("import os\ndef parse_port(text):\n    while True:\n        os.fork()\n"),
    "recursion_bomb": _welcome("def parse_port(text):\n    return parse_port(text)\n"),
    "c_stack_bomb": _welcome(
        "import sys\n"
        "def parse_port(text):\n"
        "    sys.setrecursionlimit(1_000_000)\n"
        "    def dive():\n"
        "        return list(map(lambda _: dive(), [0]))\n"
        "    return dive()\n"
    ),
    "output_flood": _welcome(
        "import sys\ndef parse_port(text):\n    while True:\n        sys.stdout.write('x' * 65536)\n"
    ),
    "patch_from_cell": _welcome(
        "def parse_port(text):\n    return None\n",
        "import builtins, faultlab.exercises._judge, faultlab.exercises._run\n"
        "faultlab.exercises._judge.expect = lambda *a, **k: None\n"
        "faultlab.exercises._run.judge_exercise = lambda *a, **k: None\n"
        "builtins.isinstance = lambda *a: True\n",
    ),
    "patch_while_called": _welcome(
        "def parse_port(text):\n"
        "    import faultlab.exercises._observe as observe\n"
        "    observe.jsonable = lambda value, depth=0: 8080\n"
        "    return 8080\n"
    ),
    "patch_by_decorator": _welcome(
        "import faultlab.exercises._run as exercise\n"
        "def sneaky(func):\n"
        "    exercise.judge_exercise.__code__ = (lambda ex, obs: None).__code__\n"
        "    return func\n"
        "@sneaky\n"
        "def parse_port(text):\n"
        "    return 1\n"
    ),
    "patch_builtins_by_assignment": _welcome(
        GOOD_PARSE_PORT, "import builtins\n_ = setattr(builtins, 'isinstance', lambda *a: True)\n"
    ),
    "always_equal_int": _welcome(
        "class Port(int):\n"
        "    def __eq__(self, other):\n"
        "        return True\n"
        "    __hash__ = int.__hash__\n"
        "def parse_port(text):\n"
        "    return Port(0)\n"
    ),
    "always_equal_object": _welcome(
        "class Anything:\n"
        "    def __eq__(self, other):\n"
        "        return True\n"
        "    def __repr__(self):\n"
        "        return '8080'\n"
        "def parse_port(text):\n"
        "    return Anything()\n"
    ),
    "printed_fake_results": _welcome(
        "import json\n"
        "def parse_port(text):\n"
        "    fake = {'kind': 'observation', 'step': 0, 'observation': {'id': '0.1', 'state': 'observed', "
        "'data': {}, 'forbidden_used': []}}\n"
        "    print(json.dumps(fake))\n"
        "    print(json.dumps({'submissions': [{'score': 100}]}))\n"
        "    return 0\n"
    ),
    "forged_channel": _welcome(
        GOOD_PARSE_PORT,
        "import os, json\n"
        "class Forge:\n"
        "    line = json.dumps({'kind': 'defined', 'names': [], 'notes': [], 'token': 'guess'}) + '\\n'\n"
        "    os.write(3, line.encode())\n",
    ),
    "reads_environment": _welcome("import os\ndef parse_port(text):\n    print(dict(os.environ))\n    return 8080\n"),
    "shadows_a_module": _welcome(
        "def parse_port(text):\n"
        "    with open('faultlab_shadow_mod.py', 'w') as handle:\n"
        "        handle.write('SHADOWED = True')\n"
        "    try:\n"
        "        import faultlab_shadow_mod\n"
        "    except ImportError as exc:\n"
        "        return type(exc).__name__\n"
        "    return 'shadowed'\n"
    ),
    "kills_its_worker": _welcome(
        "import os, signal\ndef parse_port(text):\n    os.kill(os.getppid(), signal.SIGKILL)\n"
    ),
    "renamed_function": _welcome(GOOD_PARSE_PORT.replace("def parse_port", "def parse_prot")),
    "magics_and_syntax_errors": _welcome(
        GOOD_PARSE_PORT, "%load_ext autoreload\n!pip install nothing\nimport os\n", "def broken(:\n    pass\n"
    ),
    "cells_deleted": (TYPED, [c for c in solution_cells("01_typed_errors") if "def fetch" not in c]),
    "cells_reordered": (TYPED, list(reversed(solution_cells("01_typed_errors")))),
    "crash_then_resume": (
        TYPED,
        [*solution_cells("01_typed_errors"), "import os\ndef fetch(store, bucket, key, **kw):\n    os.abort()\n"],
    ),
    "unknown_stem": ("Untitled.ipynb", [GOOD_PARSE_PORT]),
}


@dataclass
class Batch:
    """The graded class and what the tests need to check it."""

    root: Path
    out: Path
    results: dict[tuple[str, str], dict[str, Any]]
    before: dict[str, tuple[bytes, int]]
    after: dict[str, tuple[bytes, int]]

    def of(self, learner: str, notebook: str = WELCOME) -> dict[str, Any]:
        """The submission record of one learner's notebook."""
        return self.results[(learner, notebook)]

    def exercise(self, learner: str, notebook: str = WELCOME, eid: str = "0.1") -> dict[str, Any]:
        """One exercise record."""
        return next(e for e in self.of(learner, notebook)["exercises"] if e["id"] == eid)


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> Batch:
    """Write every hostile learner's notebook, grade the class once, and keep the results."""
    base = tmp_path_factory.mktemp("hostile")
    root = base / "class"
    for learner, (notebook, cells) in CASES.items():
        write_notebook(root / learner / notebook, cells)
    (root / "not_json").mkdir()
    (root / "not_json" / WELCOME).write_text("{this is not json", encoding="utf-8")
    (root / "not_a_notebook").mkdir()
    (root / "not_a_notebook" / WELCOME).write_text(json.dumps({"hello": "world"}), encoding="utf-8")
    (root / "binary").mkdir()
    (root / "binary" / WELCOME).write_bytes(b"\xff\xfe\x00garbage")
    write_notebook(root / "nbformat3" / WELCOME, [GOOD_PARSE_PORT], nbformat=3)
    (root / "fifo").mkdir()
    os.mkfifo(root / "fifo" / WELCOME)
    (root / "symlink").mkdir()
    (root / "symlink" / WELCOME).symlink_to(root / "good" / WELCOME)
    original = root / "writes_original" / WELCOME
    out = base / "out"
    targets = (str(original), str(out / "results.json"), str(root / "planted.txt"))
    if os.geteuid() == 0:  # without the privilege drop these writes would succeed, by design
        write_notebook(
            original,
            [
                "def parse_port(text):\n"
                "    results = []\n"
                f"    for target in {targets!r}:\n"
                "        try:\n"
                "            with open(target, 'w') as handle:\n"
                "                handle.write('overwritten')\n"
                "            results.append('wrote')\n"
                "        except OSError as exc:\n"
                "            results.append(type(exc).__name__)\n"
                "    return ' '.join(results)\n"
            ],
        )
    before = snapshot(root)
    _warm_up()
    os.environ["FAULTLAB_TEST_SECRET"] = SECRET
    try:
        # Room for 96 MiB above what a warm worker maps, so the memory bomb hits the limit fast.
        grade([str(root)], out, jobs=2, timeout=1.0, memory_mb=_worker_mb() + 96)
    finally:
        del os.environ["FAULTLAB_TEST_SECRET"]
    return Batch(root, out, load_results(out), before, snapshot(root))


def _worker_mb() -> int:
    """What a warm grading worker maps (a fresh interpreter, warmed up as a worker warms up)."""
    code = "from faultlab.grader._warm import address_space_mb, prepare; prepare(()); print(address_space_mb())"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return int(done.stdout.split()[-1])


@pytest.mark.parametrize("learner", ["hang", "endless_loop", "ignores_sigterm"])
def test_what_never_returns_times_out(batch: Batch, learner: str) -> None:
    """A hang, an endless loop, and a loop that ignores SIGTERM all end as `timeout`."""
    record = batch.exercise(learner)
    assert record["status"] == "timeout", record
    assert "did not finish within 1 s" in record["message"]


@pytest.mark.parametrize(
    ("learner", "words"),
    [("abort", "abort"), ("c_stack_bomb", "segmentation fault")],
)
def test_a_dying_process_is_crashed(batch: Batch, learner: str, words: str) -> None:
    """A segfault, an abort, or a C-stack overflow is `crashed`, with the cause named."""
    record = batch.exercise(learner)
    assert record["status"] == "crashed", record
    assert words in record["message"]


def test_os_exit_is_crashed(batch: Batch) -> None:
    """os._exit() mid-check is a crash that says the process ended."""
    record = batch.exercise("os_exit")
    assert record["status"] == "crashed"
    assert "os._exit()" in record["message"]


@pytest.mark.parametrize(
    ("learner", "raised"),
    [
        ("sys_exit", "SystemExit"),
        ("keyboard_interrupt", "KeyboardInterrupt"),
        ("sigint_to_self", "KeyboardInterrupt"),
        ("recursion_bomb", "RecursionError"),
        ("memory_bomb", "MemoryError"),
    ],
)
def test_what_the_code_raises_is_reported(batch: Batch, learner: str, raised: str) -> None:
    """sys.exit, KeyboardInterrupt, recursion, memory and fork bombs are the learner's own error."""
    record = batch.exercise(learner)
    assert record["status"] == "error", record
    assert f"your code raised {raised}" in record["message"]


@pytest.mark.parametrize(
    ("learner", "words"),
    [
        ("segfault", "import ctypes"),
        ("fork_bomb", "os.fork()"),
        ("patch_by_decorator", "judge_exercise.__code__"),
    ],
)
def test_refused_actions_score_nothing_and_say_why(batch: Batch, learner: str, words: str) -> None:
    """ctypes, os.fork and rewriting the grader's functions are refused by the audit hook, with a reason."""
    record = batch.exercise(learner)
    assert record["status"] == "error", record
    assert words in record["message"]
    assert "which grading does not allow" in record["message"]
    assert record["points"] == 0


def test_exit_in_a_definition_is_a_note_not_the_end(batch: Batch) -> None:
    """SystemExit raised by a class body is noted; the rest of the notebook still grades."""
    record = batch.exercise("exit_in_class_body")
    assert record["status"] == "passed"
    feedback = (batch.out / "feedback" / "exit_in_class_body" / "00_welcome.md").read_text(encoding="utf-8")
    assert "SystemExit" in feedback


@ROOT_ONLY
def test_fork_bomb_leaves_no_process_behind(batch: Batch) -> None:
    """After grading, no process of the sandbox users is left running."""
    assert sandbox_processes() == []


def test_output_flood_is_stopped(batch: Batch) -> None:
    """Gigabytes of output stop the sandbox after a few MiB; the feedback keeps a short excerpt."""
    record = batch.exercise("output_flood")
    assert record["status"] == "crashed"
    assert "MiB of output" in record["message"]
    feedback = batch.out / "feedback" / "output_flood" / "00_welcome.md"
    assert feedback.stat().st_size < 64 * 1024


def test_patching_the_checker_from_a_cell_is_tampering(batch: Batch) -> None:
    """Assignments to faultlab's or builtins' attributes in a cell run, as in the notebook, and void it."""
    record = batch.exercise("patch_from_cell")
    assert record["status"] == "invalid", record
    assert record["message"].startswith("invalid: tampered:")
    assert record["points"] == 0


@pytest.mark.parametrize(
    ("learner", "what"),
    [
        ("patch_while_called", "faultlab.exercises._observe.jsonable was replaced"),
        ("patch_builtins_by_assignment", "builtins.isinstance was replaced"),
    ],
)
def test_tampering_at_run_time_scores_nothing(batch: Batch, learner: str, what: str) -> None:
    """Patching faultlab or the builtins while running is caught: `invalid`, tampered, no points."""
    record = batch.exercise(learner)
    assert record["status"] == "invalid"
    assert record["message"].startswith("invalid: tampered:")
    assert what in record["message"]
    assert batch.of(learner)["score"] == 0


@pytest.mark.parametrize("learner", ["always_equal_int", "always_equal_object"])
def test_always_equal_objects_do_not_pass(batch: Batch, learner: str) -> None:
    """An object equal to everything is judged as the plain data it was recorded as."""
    record = batch.exercise(learner)
    assert record["status"] == "incorrect"
    assert record["points"] == 0


def test_printed_fake_results_are_just_output(batch: Batch) -> None:
    """Results printed to stdout are captured output, never read as results."""
    record = batch.exercise("printed_fake_results")
    assert record["status"] == "incorrect"
    feedback = (batch.out / "feedback" / "printed_fake_results" / "00_welcome.md").read_text(encoding="utf-8")
    assert "submissions" in feedback  # shown to the learner as what their code printed


def test_forged_channel_messages_are_tampering(batch: Batch) -> None:
    """A message written straight to the result pipe (without the run's token) voids the submission."""
    record = batch.exercise("forged_channel")
    assert record["status"] == "invalid"
    assert "tampered" in record["message"]


def test_the_environment_is_not_handed_to_submissions(batch: Batch) -> None:
    """The grader's environment variables (CI secrets) are not visible to the submission."""
    feedback = (batch.out / "feedback" / "reads_environment" / "00_welcome.md").read_text(encoding="utf-8")
    assert "HOME" in feedback
    assert SECRET not in feedback


def test_the_working_folder_is_not_on_the_import_path(batch: Batch) -> None:
    """A module the submission writes into its working folder cannot be imported (no shadowing)."""
    record = batch.exercise("shadows_a_module")
    assert "ModuleNotFoundError" in record["message"]


@ROOT_ONLY
def test_the_sandbox_cannot_write_originals_or_reports(batch: Batch) -> None:
    """As root, the sandbox runs unprivileged: the original, the reports and the class folder refuse writes."""
    record = batch.exercise("writes_original")
    assert record["status"] == "error"
    assert "which grading does not allow" in record["message"]
    assert not (batch.root / "planted.txt").exists()


@ROOT_ONLY
def test_the_sandbox_cannot_signal_the_grader(batch: Batch) -> None:
    """As root, the sandbox's uid differs from its worker's: killing the worker is refused."""
    record = batch.exercise("kills_its_worker")
    assert record["status"] == "error"
    assert "PermissionError" in record["message"]


def test_originals_are_byte_for_byte_unchanged(batch: Batch) -> None:
    """Every file of the class folder has the same bytes and mtime after grading."""
    assert batch.after == batch.before


def test_other_submissions_are_unaffected(batch: Batch) -> None:
    """The good learner, graded alongside all of the above, gets full marks."""
    assert batch.of("good")["score"] == batch.of("good")["max_score"] == 1


@pytest.mark.parametrize(
    ("learner", "words"),
    [
        ("not_json", "is not a notebook: not valid JSON"),
        ("not_a_notebook", "is not a notebook: it has no list of cells"),
        ("binary", "is not a notebook: it is not UTF-8 text"),
        ("nbformat3", "has nbformat 3; only nbformat 4 can be graded"),
        ("symlink", "is a symbolic link"),
        ("fifo", "is not a regular file"),
    ],
)
def test_malformed_files_are_invalid_with_a_reason(batch: Batch, learner: str, words: str) -> None:
    """Not JSON, not a notebook, not UTF-8, nbformat 3, a symlink, a FIFO: `invalid`, saying why."""
    record = batch.exercise(learner)
    assert record["status"] == "invalid"
    assert words in record["message"]
    assert "Traceback" not in record["message"]


def test_a_renamed_function_is_named_in_the_message(batch: Batch) -> None:
    """A missing name is an error that points at the likely rename."""
    record = batch.exercise("renamed_function")
    assert record["status"] == "error"
    assert "`parse_port` is not defined" in record["message"]
    assert "`parse_prot`" in record["message"]


def test_magics_and_a_broken_cell_do_not_stop_grading(batch: Batch) -> None:
    """IPython magics are skipped and an unparsable cell is noted; the rest grades."""
    assert batch.exercise("magics_and_syntax_errors")["status"] == "passed"
    feedback = (batch.out / "feedback" / "magics_and_syntax_errors" / "00_welcome.md").read_text(encoding="utf-8")
    assert "does not parse" in feedback


def test_a_deleted_cell_fails_only_its_exercise(batch: Batch) -> None:
    """Without the cell that defines fetch, 1.3 is an error and the others still pass."""
    assert statuses(batch.of("cells_deleted", TYPED)) == {
        "1.1": "passed",
        "1.2": "passed",
        "1.3": "error",
        "1.4": "passed",
    }


def test_reordered_cells_still_grade_with_a_note(batch: Batch) -> None:
    """Cells in reverse order grade fully; the feedback says the notebook does not run top to bottom."""
    record = batch.of("cells_reordered", TYPED)
    assert record["score"] == record["max_score"]
    feedback = (batch.out / "feedback" / "cells_reordered" / "01_typed_errors.md").read_text(encoding="utf-8")
    assert "does not run top to bottom" in feedback


def test_a_crash_costs_only_its_exercise(batch: Batch) -> None:
    """When 1.3 aborts the process, 1.4 is checked in a fresh sandbox and passes."""
    assert statuses(batch.of("crash_then_resume", TYPED)) == {
        "1.1": "passed",
        "1.2": "passed",
        "1.3": "crashed",
        "1.4": "passed",
    }


def test_an_unknown_stem_is_invalid(batch: Batch) -> None:
    """A notebook the course does not know is one `invalid` record that suggests the real names."""
    record = batch.of("unknown_stem", "Untitled.ipynb")
    assert [e["status"] for e in record["exercises"]] == ["invalid"]
    assert "00_welcome" in record["exercises"][0]["message"]


def test_every_submission_is_reported(batch: Batch) -> None:
    """Every hostile learner appears in results.json and in the gradebook."""
    learners = {learner for learner, _ in batch.results}
    assert set(CASES) | {"not_json", "not_a_notebook", "binary", "nbformat3", "symlink", "fifo"} <= learners
    gradebook = (batch.out / "gradebook.csv").read_text(encoding="utf-8")
    assert all(f"\n{learner}," in gradebook for learner in CASES)
