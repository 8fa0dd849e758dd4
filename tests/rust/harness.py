"""Compile the course's Rust with cargo, offline, against the crates Debian packages.

Everything cargo writes lives in ``.cache/rust/`` of the checkout (ignored by git): the
generated workspaces (``snippets``, ``claims``, ``synthetic``), each with a ``.cargo/config.toml``
whose source replacement points at ``/usr/share/cargo/registry``, and one shared target folder,
so a rerun costs seconds.

Snippets are the ```rust blocks of the lessons' markdown cells. Each one is declared by an
HTML comment on the line above its fence (invisible in JupyterLab)::

    <!-- rust-check: NAME -->              compiled as a library crate of its own
    <!-- rust-check: NAME needs=CRATE -->  needs a crate Debian does not package: not compiled
    <!-- rust-check: NAME warns=LINT -->   the lesson shows this warning: it must appear, and
                                           no other may

The snippet is compiled alone, or inside ``tests/rust/snippets/STEM/NAME.rs`` when that file
exists: the prelude holds what the snippet assumes (types, imports, an enclosing fn) and one
line ``// @snippet`` where the snippet goes.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT

HERE = Path(__file__).resolve().parent
CACHE = ROOT / ".cache" / "rust"
TARGET = CACHE / "target"
REGISTRY = Path(os.environ.get("FAULTLAB_CARGO_REGISTRY", "/usr/share/cargo/registry"))
# The crates every snippet may use, with the Debian package that ships each one.
CRATES = {
    "anyhow": "librust-anyhow-dev",
    "thiserror": "librust-thiserror-dev",
    "tokio": "librust-tokio-dev",
    "tracing": "librust-tracing-dev",
}
DEPENDENCIES = """\
anyhow = "1"
thiserror = "1"
tokio = { version = "1", features = ["macros", "rt", "sync", "time"] }
tracing = "0.1"
"""
# The notebooks whose snippets test_snippet_compiles checks; a test points it at synthetic ones.
NOTEBOOKS_VAR = "FAULTLAB_RUST_NOTEBOOKS"
REQUIRE_FLAG = "FAULTLAB_REQUIRE_RUST"
UPDATE_FLAG = "FAULTLAB_UPDATE_GOLDEN"
MARKER = "// @snippet"

_DECLARATION = re.compile(r"^<!--\s*rust-check:\s*(?P<body>.*?)\s*-->\s*$")
_FENCE = re.compile(r"^```rust\s*$")
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")


class SnippetError(Exception):
    """A snippet that is declared wrongly or does not compile; the message says where and why."""


@dataclass(frozen=True)
class Snippet:
    """One ```rust block of a notebook's markdown cell, with the declaration above it."""

    notebook: Path
    cell: int  # 1-based, as the outputs test counts cells
    line: int  # 1-based line of the cell where the code starts (after the fence)
    code: str
    name: str
    needs: tuple[str, ...] = ()
    warns: tuple[str, ...] = ()

    @property
    def stem(self) -> str:
        """The notebook's file stem, e.g. ``04_retries``."""
        return self.notebook.stem

    @property
    def where(self) -> str:
        """Where the snippet is, for messages: notebook, cell and line."""
        try:
            shown = self.notebook.relative_to(ROOT)
        except ValueError:
            shown = Path(self.notebook.name)
        return f"{shown}, cell {self.cell}, line {self.line} ({self.name})"

    @property
    def crate(self) -> str:
        """The name of the generated crate."""
        return "snippet-" + re.sub(r"[^a-z0-9]+", "-", f"{self.stem}-{self.name}".lower()).strip("-")

    @property
    def prelude_path(self) -> Path:
        """Where this snippet's prelude lives, if it has one."""
        return HERE / "snippets" / self.stem / f"{self.name}.rs"


def extract(notebook: Path) -> list[Snippet]:
    """Return every ```rust block of the notebook's markdown cells, in order.

    Raises:
        SnippetError: A block without a ``<!-- rust-check: NAME -->`` line above it, a bad
            name or option, an unterminated block, or two blocks with one name.
    """
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    found: list[Snippet] = []
    for index, cell in enumerate(nb["cells"], start=1):
        if cell.get("cell_type") != "markdown":
            continue
        source = cell["source"]
        lines = ("".join(source) if isinstance(source, list) else source).split("\n")
        i = 0
        while i < len(lines):
            if not _FENCE.match(lines[i]):
                i += 1
                continue
            end = next((j for j in range(i + 1, len(lines)) if lines[j].strip() == "```"), None)
            where = f"{notebook.name}, cell {index}, line {i + 2}"
            if end is None:
                raise SnippetError(f"{where}: the ```rust block is never closed")
            name, needs, warns = _declaration(lines[i - 1] if i else "", where)
            code = "\n".join(lines[i + 1 : end]) + "\n"
            found.append(Snippet(notebook, index, i + 2, code, name, needs, warns))
            i = end + 1
    names = [s.name for s in found]
    for name in names:
        if names.count(name) > 1:
            raise SnippetError(f"{notebook.name}: two ```rust blocks are named {name!r}; names are unique per notebook")
    return found


def _declaration(line: str, where: str) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    match = _DECLARATION.match(line.strip())
    if not match:
        raise SnippetError(
            f"{where}: a ```rust block needs a declaration on the line above its fence, "
            "`<!-- rust-check: NAME -->` (see CONTRIBUTING.md, 'Adding a Rust snippet')"
        )
    name, *options = match["body"].split()
    if not _NAME.match(name):
        raise SnippetError(f"{where}: snippet name {name!r} must be lowercase letters, digits and dashes")
    found: dict[str, list[str]] = {"needs": [], "warns": []}
    for option in options:
        key, _, value = option.partition("=")
        if key not in found or not value:
            raise SnippetError(f"{where}: unknown option {option!r}; options are needs=CRATE[,…] and warns=LINT[,…]")
        found[key] += value.split(",")
    return name, tuple(found["needs"]), tuple(found["warns"])


def notebooks_dir() -> Path:
    """The lesson notebooks' folder (or the one ``FAULTLAB_RUST_NOTEBOOKS`` names)."""
    return Path(os.environ.get(NOTEBOOKS_VAR, ROOT / "notebooks"))


def all_snippets() -> list[Snippet]:
    """Every snippet of every lesson notebook."""
    return [s for nb in sorted(notebooks_dir().glob("*.ipynb")) for s in extract(nb)]


# --- the toolchain -----------------------------------------------------------------------


def missing_toolchain() -> str | None:
    """Say what is missing to compile the snippets, or None when everything is there."""
    for tool in ("cargo", "rustc"):
        if shutil.which(tool) is None:
            return f"{tool} is not on PATH (install Rust: rustup, or apt-get install cargo)"
    absent = [pkg for crate, pkg in CRATES.items() if not registry_has(crate)]
    if absent:
        return (
            f"the Debian crate sources are not under {REGISTRY}: "
            f"apt-get install --no-install-recommends {' '.join(absent)}"
        )
    return None


def registry_has(crate: str) -> bool:
    """Whether Debian's crate registry holds any version of ``crate``."""
    return REGISTRY.is_dir() and any(REGISTRY.glob(f"{crate}-[0-9]*"))


def skip_or_fail(reason: str) -> None:
    """Skip with ``reason``; fail instead when CI asked for the Rust checks to run.

    Raises:
        pytest.skip.Exception: the toolchain is missing and the flag is not set.
        pytest.fail.Exception: the toolchain is missing and ``FAULTLAB_REQUIRE_RUST=1``.
    """
    if os.environ.get(REQUIRE_FLAG) == "1":
        pytest.fail(f"Rust checks required ({REQUIRE_FLAG}=1) but {reason}", pytrace=False)
    pytest.skip(f"Rust checks skipped: {reason}")


def require_toolchain() -> None:
    """Skip (or fail, under the CI flag) unless cargo, rustc and the crates are there."""
    reason = missing_toolchain()
    if reason:
        skip_or_fail(reason)


def versions() -> str:
    """The toolchain and crate versions, as goldens record them."""
    tools = [_run(["rustc", "--version"], cwd=ROOT).stdout.strip()]
    crates = [p.name for crate in CRATES for p in sorted(REGISTRY.glob(f"{crate}-[0-9]*"))]
    return "\n".join([*tools, *crates]) + "\n"


def _run(args: list[str], *, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, check=False)


def cargo_env() -> dict[str, str]:
    """The environment cargo and the programs it builds run in: no colours, no backtraces."""
    env = {k: v for k, v in os.environ.items() if k not in ("RUST_BACKTRACE", "RUST_LIB_BACKTRACE", "RUSTFLAGS")}
    env["CARGO_TARGET_DIR"] = str(TARGET)
    env["CARGO_TERM_COLOR"] = "never"
    env["CARGO_NET_OFFLINE"] = "true"
    return env


# --- the generated workspace ---------------------------------------------------------------


def write_if_changed(path: Path, text: str) -> None:
    """Write ``text`` unless the file already holds it (cargo then keeps its build)."""
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def manifest(name: str, *, lib: bool = True, extra: str = "", deps: str = DEPENDENCIES) -> str:
    """A crate's Cargo.toml."""
    kind = '[lib]\npath = "src/lib.rs"\n' if lib else ""
    return (
        f'[package]\nname = "{name}"\nversion = "0.0.0"\nedition = "2021"\npublish = false\n\n'
        f"{kind}\n[dependencies]\n{deps}{extra}"
    )


@dataclass
class Workspace:
    """A cargo workspace under ``.cache/rust/<name>``; members are added as crates."""

    name: str
    members: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def root(self) -> Path:
        """The workspace's folder."""
        return CACHE / self.name

    def add(self, crate: str, files: dict[str, str]) -> None:
        """Add a member crate given as ``{relative path: text}``."""
        self.members[crate] = files

    def write(self) -> None:
        """Write the workspace, its cargo config and its members (unchanged files are kept)."""
        members = ", ".join(f'"{m}"' for m in sorted(self.members))
        write_if_changed(self.root / "Cargo.toml", f'[workspace]\nresolver = "2"\nmembers = [{members}]\n')
        write_if_changed(
            self.root / ".cargo" / "config.toml",
            "# Generated by tests/rust/harness.py: Debian's packaged crates instead of crates.io.\n"
            f'[source.crates-io]\nreplace-with = "debian"\n\n[source.debian]\ndirectory = "{REGISTRY}"\n\n'
            "[net]\noffline = true\n",
        )
        for crate, files in self.members.items():
            for rel, text in files.items():
                write_if_changed(self.root / crate / rel, text)

    def cargo(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Run ``cargo ARGS --offline`` in the workspace."""
        self.write()
        return _run(["cargo", *args, "--offline"], cwd=self.root, env=cargo_env())

    def diagnostics(self, *args: str) -> tuple[subprocess.CompletedProcess[str], list[dict[str, Any]]]:
        """Run a cargo command with JSON messages; return it and the compiler messages of members."""
        proc = self.cargo(*args, "--message-format=json")
        messages = []
        for line in proc.stdout.splitlines():
            if not line.startswith("{"):
                continue
            msg = json.loads(line)
            if msg.get("reason") == "compiler-message":
                messages.append(msg)
        return proc, messages


def crate_of(message: dict[str, Any]) -> str:
    """The member crate a cargo JSON message is about (its target's name, dashes restored)."""
    return str(message["target"]["name"]).replace("_", "-")


def summary(message: dict[str, Any]) -> str:
    """A compiler message in a stable, readable form: what goldens store.

    ``level[code]: message``, then ``  --> file:line:col`` of the primary span, then one
    ``  = level: message`` line per note or help (but clippy's link to its docs, which names the
    release). The fully rendered text is left out: its layout changes between compiler
    versions, the facts above do not.
    """
    diag = message["message"]
    code = f"[{diag['code']['code']}]" if diag.get("code") else ""
    lines = [f"{diag['level']}{code}: {diag['message']}"]
    for span in diag.get("spans", []):
        if span.get("is_primary"):
            lines.append(f"  --> {span['file_name']}:{span['line_start']}:{span['column_start']}")
    lines += [
        f"  = {child['level']}: {child['message']}"
        for child in diag.get("children", [])
        if not child["message"].startswith("for further information visit")  # a per-release URL
    ]
    return "\n".join(lines)


# --- snippets ---------------------------------------------------------------------------------


def snippet_source(snippet: Snippet) -> tuple[str, int]:
    """The crate's ``src/lib.rs`` for a snippet, and the lib.rs line where the snippet starts.

    Raises:
        SnippetError: The prelude has no ``// @snippet`` line, or more than one.
    """
    header = "// Generated from {} by tests/rust/harness.py.\n#![allow(dead_code)]\n"
    header = header.format(snippet.where)
    if not snippet.prelude_path.is_file():
        return header + snippet.code, header.count("\n") + 1
    prelude = snippet.prelude_path.read_text(encoding="utf-8").split("\n")
    at = [i for i, line in enumerate(prelude) if line.strip() == MARKER]
    if len(at) != 1:
        raise SnippetError(f"{snippet.prelude_path.relative_to(ROOT)}: needs exactly one line `{MARKER}`")
    before, after = "\n".join(prelude[: at[0]]), "\n".join(prelude[at[0] + 1 :])
    text = header + before + "\n" + snippet.code + after
    return text, header.count("\n") + at[0] + 1


def snippet_workspace(snippets: list[Snippet], name: str = "snippets") -> tuple[Workspace, dict[str, int]]:
    """A workspace with one library crate per snippet; also each crate's first snippet line."""
    ws = Workspace(name)
    starts = {}
    for snippet in snippets:
        source, start = snippet_source(snippet)
        deps = DEPENDENCIES + "".join(f'{crate} = "*"\n' for crate in snippet.needs)
        ws.add(snippet.crate, {"Cargo.toml": manifest(snippet.crate, deps=deps), "src/lib.rs": source})
        starts[snippet.crate] = start
    return ws, starts


def compile_snippets(snippets: list[Snippet], name: str = "snippets") -> dict[str, str]:
    """Build every snippet; return a failure report per snippet crate that did not compile cleanly.

    A report starts with the snippet's notebook, cell and line, then gives the compiler's own
    messages, each followed by where its line is in the notebook. Warnings count as failures:
    a lesson's snippet should be clean.
    """
    if not snippets:
        return {}
    ws, starts = snippet_workspace(snippets, name)
    args = ["build", "--keep-going"] if _has_keep_going() else ["build"]
    proc, messages = ws.diagnostics(*args, *(a for s in snippets for a in ("-p", s.crate)))
    by_crate = {s.crate: s for s in snippets}
    failures: dict[str, list[str]] = {}
    seen: dict[str, set[str]] = {}
    for message in messages:
        crate = crate_of(message)
        snippet = by_crate.get(crate)
        diag = message["message"]
        if snippet is None or diag["level"] not in ("error", "warning") or not diag.get("spans"):
            continue  # not ours, a note, or a tally such as "aborting due to 1 previous error"
        lint = (diag.get("code") or {}).get("code", "")
        if diag["level"] == "warning" and lint in snippet.warns:
            seen.setdefault(crate, set()).add(lint)
            continue  # the warning the lesson shows
        failures.setdefault(crate, []).append(diag["rendered"].rstrip() + _where(diag, snippet, starts[crate]))
    for crate, snippet in by_crate.items():
        missing = sorted(set(snippet.warns) - seen.get(crate, set()))
        if missing and proc.returncode == 0:
            failures.setdefault(crate, []).append(f"declared warns={','.join(missing)}, but rustc gave no such warning")
    reports = {
        crate: f"{by_crate[crate].where} does not compile cleanly:\n\n" + "\n\n".join(msgs)
        for crate, msgs in failures.items()
    }
    if proc.returncode != 0 and not reports:
        raise SnippetError(f"cargo failed before compiling any snippet:\n{proc.stderr[-4000:]}")
    return reports


def _where(diag: dict[str, Any], snippet: Snippet, start: int) -> str:
    out = []
    for span in diag.get("spans", []):
        if not span.get("is_primary"):
            continue
        offset = span["line_start"] - start
        at = f"{span['file_name']}:{span['line_start']}"
        if 0 <= offset < snippet.code.count("\n"):
            out.append(f"  ({at} is {snippet.notebook.name} cell {snippet.cell} line {snippet.line + offset})")
        else:
            out.append(f"  ({at} is in the prelude {snippet.prelude_path.relative_to(ROOT)})")
    return ("\n" + "\n".join(out)) if out else ""


_KEEP_GOING: list[bool] = []


def _has_keep_going() -> bool:
    if not _KEEP_GOING:
        _KEEP_GOING.append("--keep-going" in _run(["cargo", "build", "--help"], cwd=ROOT).stdout)
    return _KEEP_GOING[0]


# --- goldens ------------------------------------------------------------------------------------


def compare_golden(path: Path, actual: str) -> None:
    """Fail unless ``actual`` is the golden file's text; with ``FAULTLAB_UPDATE_GOLDEN=1``, rewrite it.

    Raises:
        pytest.fail.Exception: The golden file is missing or differs.
    """
    if os.environ.get(UPDATE_FLAG) == "1":
        write_if_changed(path, actual)
        return
    rel = path.relative_to(ROOT)
    if not path.is_file():
        pytest.fail(f"{rel} is missing: run `{UPDATE_FLAG}=1 .venv/bin/pytest tests/rust` to write it", pytrace=False)
    expected = path.read_text(encoding="utf-8")
    if expected != actual:
        pytest.fail(
            f"{rel} no longer matches the real output.\n--- golden\n{expected!r}\n+++ actual\n{actual!r}\n"
            f"Goldens were made with:\n{(HERE / 'golden' / 'VERSIONS').read_text(encoding='utf-8')}"
            f"If the new output is right, run `{UPDATE_FLAG}=1 .venv/bin/pytest tests/rust` and review the diff.",
            pytrace=False,
        )


# --- the crates behind the goldens ------------------------------------------------------------

CLAIM_DEPS = {
    "anyhow-chains": 'anyhow = "1"\n',
    "asserts": "",
    "must-use": "",
    "registry": DEPENDENCIES,  # as the snippet crates: the same features, so cargo reuses their build
    "caller-exhaustive": 'registry = { path = "../registry" }\n',
    "caller-wildcard": 'registry = { path = "../registry" }\n',
}


def claims_workspace() -> Workspace:
    """The crates of tests/rust/crates, and lesson 01's RegistryError snippet as crate ``registry``.

    Raises:
        SnippetError: Lesson 01 no longer has its ``registry-error`` snippet.
    """
    ws = Workspace("claims")
    for crate, deps in CLAIM_DEPS.items():
        src = HERE / "crates" / crate / "src"
        files = {f"src/{p.name}": p.read_text(encoding="utf-8") for p in sorted(src.glob("*"))} if src.is_dir() else {}
        is_lib = "src/main.rs" not in files
        if crate == "registry":
            lesson = extract(ROOT / "notebooks" / "01_typed_errors.ipynb")
            snippet = next((s for s in lesson if s.name == "registry-error"), None)
            if snippet is None:
                raise SnippetError("notebooks/01_typed_errors.ipynb has no snippet `registry-error` any more")
            files["src/lib.rs"] = snippet_source(snippet)[0]
        ws.add(crate, {"Cargo.toml": manifest(crate, lib=is_lib, deps=deps), **files})
    if os.environ.get(UPDATE_FLAG) == "1":
        write_if_changed(HERE / "golden" / "VERSIONS", versions())
    return ws


def build(ws: Workspace, crate: str, *, release: bool = False) -> tuple[Path | None, list[dict[str, Any]], str]:
    """Build one crate; return its executable (None for a library or a failed build), its messages, stderr."""
    args = ["build", "-p", crate, *(["--release"] if release else [])]
    proc = ws.cargo(*args, "--message-format=json")
    exe: Path | None = None
    messages = []
    for line in proc.stdout.splitlines():
        if not line.startswith("{"):
            continue
        msg = json.loads(line)
        if msg.get("reason") == "compiler-artifact" and msg.get("executable") and crate_of(msg) == crate:
            exe = Path(msg["executable"])
        if msg.get("reason") == "compiler-message" and crate_of(msg) == crate:
            messages.append(msg)
    return exe, messages, proc.stderr
