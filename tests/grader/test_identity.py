"""Identity: a learner is who the folder says; no link is followed; no two learners merge."""

from __future__ import annotations

import json
import os
from pathlib import Path

from faultlab.grader._grade import grade
from tests.grader.helpers import GOOD_PARSE_PORT, load_results, write_notebook

WELCOME = "00_welcome.ipynb"
WRONG = "def parse_port(text):\n    return None\n"


def _skipped(out: Path) -> dict[str, str]:
    data = json.loads((out / "results.json").read_text(encoding="utf-8"))
    return {Path(entry["path"]).name: entry["reason"] for entry in data["skipped"]}


def test_a_symlinked_notebook_is_graded_as_its_folder_never_as_its_target(tmp_path: Path) -> None:
    """mallory/00_welcome.ipynb -> bob's: mallory gets `invalid`, bob is graded once, as bob."""
    klass = tmp_path / "class"
    write_notebook(klass / "bob" / WELCOME, [GOOD_PARSE_PORT])
    (klass / "mallory").mkdir()
    (klass / "mallory" / WELCOME).symlink_to(klass / "bob" / WELCOME)
    grade([str(klass)], tmp_path / "out", jobs=1)
    results = load_results(tmp_path / "out")
    assert set(results) == {("bob", WELCOME), ("mallory", WELCOME)}
    assert results[("bob", WELCOME)]["score"] == 1
    mallory = results[("mallory", WELCOME)]
    assert mallory["score"] == 0
    assert "is a symbolic link" in mallory["exercises"][0]["message"]


def test_a_symlinked_learner_folder_is_skipped_and_listed(tmp_path: Path) -> None:
    """eve -> / does not make every top-level folder a learner; results.json says why eve is missing."""
    klass = tmp_path / "class"
    write_notebook(klass / "ada" / WELCOME, [GOOD_PARSE_PORT])
    (klass / "eve").symlink_to("/")
    warnings: list[str] = []
    grade([str(klass)], tmp_path / "out", jobs=1, warn=warnings.append)
    assert {learner for learner, _ in load_results(tmp_path / "out")} == {"ada"}
    assert "symbolic link" in _skipped(tmp_path / "out")["eve"]
    assert any("results.json lists each under 'skipped'" in w for w in warnings)


def test_a_path_argument_that_is_a_link_is_not_followed(tmp_path: Path) -> None:
    """`faultlab grade class/*` where one learner folder is a link to / grades the others, lists it."""
    klass = tmp_path / "class"
    write_notebook(klass / "ada" / WELCOME, [GOOD_PARSE_PORT])
    (klass / "root").symlink_to("/")
    grade([str(klass / "ada"), str(klass / "root")], tmp_path / "out", jobs=1)
    assert set(load_results(tmp_path / "out")) == {("ada", WELCOME)}
    assert "symbolic link" in _skipped(tmp_path / "out")["root"]


def test_names_with_control_characters_stay_two_learners(tmp_path: Path) -> None:
    """Folders bob\\x01 and bob\\x02: two rows, two scores, two feedback folders; nothing overwritten."""
    klass = tmp_path / "class"
    write_notebook(klass / "bob\x01" / WELCOME, [GOOD_PARSE_PORT])
    write_notebook(klass / "bob\x02" / WELCOME, [WRONG])
    grade([str(klass)], tmp_path / "out", jobs=1)
    results = load_results(tmp_path / "out")
    assert results[("bob\\x01", WELCOME)]["score"] == 1
    assert results[("bob\\x02", WELCOME)]["score"] == 0
    rows = (tmp_path / "out" / "gradebook.csv").read_text(encoding="utf-8").splitlines()
    assert sorted(rows[1:]) == ["bob\\x01,1,1", "bob\\x02,0,0"]
    assert sorted(p.name for p in (tmp_path / "out" / "feedback").iterdir()) == ["bob\\x01", "bob\\x02"]


def test_undecodable_names_stay_distinct(tmp_path: Path) -> None:
    """Two folder names that differ only in bytes that are not UTF-8 are two learners."""
    klass = tmp_path / "class"
    for raw in (b"x\xff", b"x\xfe"):
        folder = os.fsdecode(bytes(klass) + b"/" + raw)
        write_notebook(Path(folder) / WELCOME, [GOOD_PARSE_PORT])
    grade([str(klass)], tmp_path / "out", jobs=1)
    assert {learner for learner, _ in load_results(tmp_path / "out")} == {"x\\xfe", "x\\xff"}


def test_what_is_not_graded_is_listed_with_a_reason(tmp_path: Path) -> None:
    """Hidden entries, files that are not notebooks and folders inside a learner's folder are listed."""
    klass = tmp_path / "class"
    write_notebook(klass / "ada" / WELCOME, [GOOD_PARSE_PORT])
    (klass / "ada" / ".ipynb_checkpoints").mkdir()
    (klass / "ada" / "notes.txt").write_text("x", encoding="utf-8")
    (klass / "ada" / "drafts").mkdir()
    (klass / "README.md").write_text("x", encoding="utf-8")
    grade([str(klass)], tmp_path / "out", jobs=1)
    skipped = _skipped(tmp_path / "out")
    assert skipped[".ipynb_checkpoints"] == "hidden"
    assert skipped["notes.txt"] == "not a notebook (.ipynb)"
    assert skipped["drafts"] == "a folder inside a learner's folder"
    assert skipped["README.md"] == "not a learner folder"
