"""Red team: attacks written against the grader's source, each scoring nothing.

Every attacker starts from the unsolved stub of lesson 01 and adds one cell, as a learner
who has read the grader would. One class is graded once (bubblewrap required, two jobs);
each test reads its attacker's verdicts. A last learner uses, in a correct answer, the
standard-library features that read frames for their own use (logging, traceback,
namedtuple, asyncio, structlog's dict tracebacks): they must not be refused.
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

from faultlab.grader._bwrap import bwrap_command, visible_paths
from faultlab.grader._grade import grade
from tests.conftest import ROOT, code_cells
from tests.grader.helpers import load_results, write_notebook

TYPED = "01_typed_errors.ipynb"
STUB = code_cells(ROOT / "exercises" / TYPED)
SOLVED = code_cells(ROOT / "solutions" / TYPED)
SOLUTION_FILE = str(ROOT / "solutions" / TYPED)

# A function the observers call (the stub's fetch is replaced by one that attacks while checked).
_IN_CHECK = "def fetch(store, bucket, key):\n{body}\n    return None\n"


def _in_check(body: str) -> str:
    return _IN_CHECK.format(body="\n".join("    " + line for line in body.splitlines()))


ATTACKS: dict[str, str] = {
    # 1. rewriting the channel or the checks
    "encoder_class": "import json\n_ = setattr(json.JSONEncoder, 'encode', lambda self, o: '{}')\n",
    "encoder_module": "import json\njson.dumps = lambda *a, **k: '{}'\n",
    "c_encoder_global": "import json.encoder\njson.encoder.c_make_encoder = None\n",
    "observer_swap": (
        "from faultlab.exercises import exercises\n"
        "for ex in exercises().values():\n"
        "    object.__setattr__(ex, 'observe', lambda probe: {})\n"
    ),
    "probe_method": "from faultlab.exercises import Probe\nProbe.call = lambda self, label, f, *a, **k: {}\n",
    "code_swap": (
        "import faultlab.exercises._observe as o\n"
        "def j(value, depth=0):\n    return 1\n"
        "o.jsonable.__code__ = j.__code__\n"
    ),
    # 2. frames and the garbage collector
    "getframe": "import sys\nF = sys._getframe()\n",
    "getframe_in_check": _in_check("import sys\nframe = sys._getframe(1)\nprint(frame.f_back.f_locals)"),
    "current_frames": "import sys\nF = sys._current_frames()\n",
    "tb_frame": _in_check(
        "try:\n    1 / 0\nexcept ZeroDivisionError as exc:\n    print(exc.__traceback__.tb_frame.f_back)"
    ),
    "gi_frame": _in_check("gen = (x for x in [1])\nprint(gen.gi_frame.f_back)"),
    "cr_frame": _in_check("async def c():\n    pass\nco = c()\nprint(co.cr_frame)\nco.close()"),
    "gc_objects": "import gc\nOBJECTS = gc.get_objects()\n",
    "gc_referrers": _in_check("import gc\nprint(len(gc.get_referrers(store)))"),
    "gc_referents": _in_check("import gc\nprint(gc.get_referents(store))"),
    "settrace": "import sys\nsys.settrace(lambda *a: None)\n",
    "setprofile": _in_check("import sys\nsys.setprofile(lambda *a: None)"),
    "logging_currentframe": _in_check("import logging\nprint(logging.currentframe().f_back)"),
    "walk_tb": _in_check(
        "import traceback\ntry:\n    1 / 0\nexcept ZeroDivisionError as exc:\n"
        "    print([f for f, _ in traceback.walk_tb(exc.__traceback__)])"
    ),
    "forged_reader": ("import types, traceback\nWALK = types.FunctionType(traceback.walk_tb.__code__, {})\n"),
    # 3. native code and new processes
    "ctypes": "import ctypes\nctypes.memmove(0, 0, 1)\n",
    "subprocess": _in_check("import subprocess\nsubprocess.run(['true'])"),
    "os_system": _in_check("import os\nos.system('true')"),
    "os_exec": _in_check("import os\nos.execv('/bin/true', ['true'])"),
    "posix_spawn": _in_check("import os\nos.posix_spawn('/bin/true', ['true'], {})"),
    "os_fork": _in_check("import os\nos.fork()"),
    # 4. the network
    "socket": _in_check("import socket\nsocket.socket(socket.AF_INET, socket.SOCK_STREAM)"),
    "dns": _in_check("import socket\nsocket.getaddrinfo('example.org', 80)"),
    # 5. the machine's files
    "reads_solution": (
        "import json\n"
        f"with open({SOLUTION_FILE!r}) as handle:\n"
        "    NB = json.load(handle)\n"
        "for cell in NB['cells']:\n"
        "    if cell['cell_type'] == 'code' and 'check(' not in ''.join(cell['source']):\n"
        "        exec(''.join(cell['source']))\n"
    ),
    "proc_mem": "MEM = open('/proc/self/mem', 'rb')\n",
    "writes_tmp": "with open('/tmp/faultlab-planted', 'w') as handle:\n    handle.write('x')\n",
}


@dataclass
class Batch:
    root: Path
    out: Path
    results: dict[tuple[str, str], dict[str, Any]]

    def of(self, learner: str) -> dict[str, Any]:
        return self.results[(learner, TYPED)]


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> Batch:
    """The red-team class, graded once with bubblewrap required."""
    base = tmp_path_factory.mktemp("redteam")
    root = base / "class"
    for learner, cell in ATTACKS.items():
        write_notebook(root / learner / TYPED, [*STUB, cell])
    write_notebook(root / "classmate" / TYPED, SOLVED)
    write_notebook(
        root / "honest_logger" / TYPED,
        [
            *SOLVED,
            "import asyncio, logging, sys, traceback\n"
            "from collections import namedtuple\n"
            "log = logging.getLogger('answers')\n"
            "Pair = namedtuple('Pair', 'a b')\n"
            "try:\n    raise ValueError('demo')\nexcept ValueError:\n"
            "    log.exception('caught')\n    TEXT = traceback.format_exc()\n"
            "    FRAMES = traceback.StackSummary.extract(traceback.walk_tb(sys.exc_info()[2]))\n"
            "    import structlog.tracebacks\n"
            "    TRACE = structlog.tracebacks.extract(*sys.exc_info(), show_locals=True)\n"
            "    WHERE = traceback.extract_stack(limit=1)[0]\n"
            "asyncio.run(asyncio.sleep(0))\n"
            "import xml.dom.minidom, tenacity.asyncio\n",  # not imported by the worker: read from disk
        ],
    )
    out = base / "out"
    grade([str(root)], out, jobs=2, timeout=5.0, isolation="require")
    return Batch(root, out, load_results(out))


@pytest.mark.parametrize("learner", sorted(ATTACKS))
def test_every_attack_scores_nothing(batch: Batch, learner: str) -> None:
    """Each attack, added to the unsolved stub, earns 0 points."""
    record = batch.of(learner)
    assert record["score"] == 0, record


@pytest.mark.parametrize(
    ("learner", "words"),
    [
        ("code_swap", "jsonable.__code__"),
        ("getframe", "sys._getframe()"),
        ("current_frames", "sys._current_frames()"),
        ("gc_objects", "gc.get_objects()"),
        ("settrace", "sys.settrace()"),
        ("forged_reader", "a copy of a standard-library function's code"),
        ("ctypes", "import ctypes"),
        ("reads_solution", "open("),
        ("proc_mem", "open('/proc/self/mem')"),
        ("writes_tmp", "open('/tmp/faultlab-planted')"),
    ],
)
def test_an_action_refused_while_the_notebook_runs_is_named(batch: Batch, learner: str, words: str) -> None:
    """Refused at definition time: the feedback names what grading does not allow."""
    feedback = (batch.out / "feedback" / learner / "01_typed_errors.md").read_text(encoding="utf-8")
    plain = feedback.replace("\\", "")  # the Markdown escapes of inline text
    assert words in plain
    assert "which grading does not allow" in plain


@pytest.mark.parametrize(
    ("learner", "words"),
    [
        ("getframe_in_check", "sys._getframe()"),
        ("tb_frame", "the tb_frame attribute"),
        ("gi_frame", "the gi_frame attribute"),
        ("cr_frame", "the cr_frame attribute"),
        ("gc_referrers", "gc.get_referrers()"),
        ("gc_referents", "gc.get_referents()"),
        ("setprofile", "sys.setprofile()"),
        ("logging_currentframe", "sys._getframe()"),
        ("walk_tb", "the tb_frame attribute"),
        ("subprocess", "subprocess"),
        ("os_system", "os.system()"),
        ("os_exec", "os.exec*()"),
        ("posix_spawn", "os.posix_spawn()"),
        ("os_fork", "os.fork()"),
        ("socket", "socket.__new__"),
        ("dns", "socket.getaddrinfo"),
    ],
)
def test_an_action_refused_during_a_check_is_that_exercises_verdict(batch: Batch, learner: str, words: str) -> None:
    """Refused while exercise 1.3 is checked: 1.3 is `error` with the reason, even if the code caught it."""
    record = next(e for e in batch.of(learner)["exercises"] if e["id"] == "1.3")
    assert record["status"] == "error", record
    assert words in record["message"]
    assert record["message"].endswith("which grading does not allow")


@pytest.mark.parametrize(
    "learner", ["encoder_class", "encoder_module", "c_encoder_global", "observer_swap", "probe_method"]
)
def test_rebinding_what_the_checks_use_is_tampering(batch: Batch, learner: str) -> None:
    """Class attributes, module globals and exercise objects raise no audit event: the fingerprint voids the run."""
    record = batch.of(learner)
    assert {e["status"] for e in record["exercises"]} == {"invalid"}
    assert record["exercises"][0]["message"].startswith("invalid: tampered:")


def test_standard_library_frame_readers_are_allowed(batch: Batch) -> None:
    """logging, traceback, namedtuple, asyncio, structlog in a correct answer: full marks, nothing refused."""
    record = batch.of("honest_logger")
    assert record["score"] == record["max_score"], record
    feedback = (batch.out / "feedback" / "honest_logger" / "01_typed_errors.md").read_text(encoding="utf-8")
    assert "does not allow" not in feedback


def test_nothing_was_planted_on_the_grading_machine(batch: Batch) -> None:
    """The sandbox's /tmp is private: no file written there reaches the machine's /tmp."""
    assert not Path("/tmp/faultlab-planted").exists()  # noqa: S108 - the path the attacker tried


def _in_bubblewrap(code: str) -> dict[str, Any]:
    """Run ``code`` (which prints JSON) in the sandbox a worker gets, without the audit hook."""
    command = bwrap_command(code, 0)[:-1]
    done = subprocess.run(command, capture_output=True, timeout=120, check=True)
    return json.loads(done.stdout)


def test_bubblewrap_hides_the_machine_without_the_audit_hook() -> None:
    """Inside bubblewrap: no repository, solutions, tests, /etc or /home; a private /tmp; no network; new PIDs."""
    seen = _in_bubblewrap(
        "import json, os, socket\n"
        "try:\n"
        "    socket.create_connection(('1.1.1.1', 53), timeout=2)\n"
        "    net = 'connected'\n"
        "except OSError as exc:\n"
        "    net = type(exc).__name__\n"
        f"print(json.dumps({{'repo': os.path.exists({str(ROOT / 'solutions')!r}), "
        f"'tests': os.path.exists({str(ROOT / 'tests')!r}), 'etc': os.path.exists('/etc/passwd'), "
        "'home': os.path.exists('/home'), 'tmp': os.listdir('/tmp'), 'pid': os.getpid(), 'net': net, "
        "'env': sorted(os.environ)}))"
    )
    assert seen["repo"] is False
    assert seen["tests"] is False
    assert seen["etc"] is False
    assert seen["home"] is False
    # /tmp holds nothing but the way to the installation, when that lives under /tmp (a CI clone)
    under_tmp = {p.split("/")[2] for p in visible_paths() if p.startswith("/tmp/")}  # noqa: S108
    assert set(seen["tmp"]) == under_tmp
    assert seen["pid"] == 1
    assert seen["net"] != "connected"
    assert "FAULTLAB_ISOLATION" not in seen["env"]


def test_bubblewrap_exposes_the_course_package_read_only() -> None:
    """The course package is importable inside, and cannot be written."""
    seen = _in_bubblewrap(
        "import json, faultlab, os\n"
        "try:\n"
        "    open(os.path.join(os.path.dirname(faultlab.__file__), 'planted.py'), 'w')\n"
        "    wrote = True\n"
        "except OSError:\n"
        "    wrote = False\n"
        "print(json.dumps({'wrote': wrote}))"
    )
    assert seen["wrote"] is False


@pytest.mark.skipif(sys.platform != "linux", reason="bubblewrap is Linux-only")
def test_require_fails_clearly_when_bubblewrap_is_missing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """--isolation=require with no bwrap on PATH is a usage error that says why; auto warns and grades."""
    from faultlab._errors import GradingError

    write_notebook(tmp_path / "c" / "ada" / TYPED, STUB)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(GradingError, match="bubblewrap is not installed"):
        grade([str(tmp_path / "c")], tmp_path / "out", jobs=1, isolation="require")
    warnings: list[str] = []
    summary = grade([str(tmp_path / "c")], tmp_path / "out2", jobs=1, isolation="auto", warn=warnings.append)
    assert summary.isolation == "fork"
    assert any("WITHOUT filesystem and network isolation" in w for w in warnings)
    data = json.loads((tmp_path / "out2" / "results.json").read_text(encoding="utf-8"))
    assert data["isolation"]["mode"] == "fork"
    assert any("bubblewrap is not installed" in w for w in data["isolation"]["warnings"])
    assert os.environ["PATH"] == str(tmp_path / "empty")
