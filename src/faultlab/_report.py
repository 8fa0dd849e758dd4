"""Render an exception and its chain: anyhow-style text, a structured record, HTML.

The chain is walked the way Python's own traceback printer walks it: follow
``__cause__`` when set, otherwise ``__context__`` unless ``__suppress_context__`` is
true (``raise ... from None``). Links are listed outermost first, as anyhow does;
Python's traceback prints them in the opposite order.
"""

from __future__ import annotations

import html
import itertools
from dataclasses import dataclass
from typing import Any

__all__ = [
    "ChainView",
    "chain_html",
    "chain_of",
    "chain_record",
    "format_chain",
    "format_chain_oneline",
    "show",
]


def chain_of(exc: BaseException) -> list[BaseException]:
    """Return ``exc`` and the exceptions behind it, outermost first (cycles cut)."""
    out: list[BaseException] = []
    seen: set[int] = set()
    cur: BaseException | None = exc
    while cur is not None and id(cur) not in seen:
        seen.add(id(cur))
        out.append(cur)
        cur = _next_link(cur)
    return out


def _next_link(exc: BaseException) -> BaseException | None:
    if exc.__cause__ is not None:
        return exc.__cause__
    if exc.__suppress_context__:
        return None
    return exc.__context__


def _safe_str(exc: BaseException) -> str:
    try:
        text = str(exc)
    except Exception as err:  # noqa: BLE001 - a broken __str__ must not break the report
        return f"<str() raised {type(err).__name__}>"
    return text


def _label(exc: BaseException, *, types: bool) -> str:
    message = _safe_str(exc)
    if not types:
        return message or type(exc).__name__
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


def _notes(exc: BaseException) -> list[str]:
    notes = getattr(exc, "__notes__", None)
    if not isinstance(notes, list):
        return []
    return [n if isinstance(n, str) else repr(n) for n in notes]


#: How deep exception groups nest before the renderers stop (``traceback`` stops at 10 too).
MAX_GROUP_DEPTH = 10


def _indent_continuation(text: str, indent: str) -> str:
    """Indent every line after the first, as anyhow's ``Indented`` writer does (blank ones too)."""
    return text.replace("\n", "\n" + indent)


def format_chain(exc: BaseException, *, types: bool = True, prefix: str = "Error: ") -> str:
    """Render ``exc`` like anyhow's ``{:?}`` as printed by ``main``.

    The causes are numbered only when there are two or more, as anyhow does; the later
    lines of a multi-line cause are indented under its first (7 spaces when numbered,
    4 when not), the outermost message is not. With ``types=True`` each link shows its
    exception type, which Rust cannot show but a Python reader wants. Notes
    (``add_note``) follow their link, prefixed ``note:``. An exception group in the
    chain is drawn as a tree under its link: one branch per member, each with its own
    chain, nested groups inside their branch.
    """
    return _format_chain(exc, types=types, prefix=prefix, depth=0)


def _format_chain(exc: BaseException, *, types: bool, prefix: str, depth: int) -> str:
    links = chain_of(exc)
    lines = [prefix + _label(links[0], types=types)]
    lines += [f"    note: {n}" for n in _notes(links[0])]
    lines += _group_tree(links[0], types=types, indent="", depth=depth)
    causes = links[1:]
    if causes:
        lines += ["", "Caused by:"]
        for i, cause in enumerate(causes):
            head = f"{i:>5}: " if len(causes) > 1 else "    "
            indent = " " * len(head)
            lines.append(head + _indent_continuation(_label(cause, types=types), indent))
            lines += [f"{indent}note: {n}" for n in _notes(cause)]
            lines += _group_tree(cause, types=types, indent=indent, depth=depth)
    return "\n".join(lines)


def _group_tree(exc: BaseException, *, types: bool, indent: str, depth: int) -> list[str]:
    """The members of a group as tree branches (``├─``, ``│``, ``└─``), each with its chain."""
    if not isinstance(exc, BaseExceptionGroup):
        return []
    if depth >= MAX_GROUP_DEPTH:
        return [f"{indent}└─ ... (groups nested more than {MAX_GROUP_DEPTH} deep)"]
    out: list[str] = []
    members = exc.exceptions
    for i, sub in enumerate(members):
        last = i == len(members) - 1
        branch, stem = ("└─ ", "   ") if last else ("├─ ", "│  ")
        sub_lines = _format_chain(sub, types=types, prefix="", depth=depth + 1).split("\n")
        out.append(indent + branch + sub_lines[0])
        out += [(indent + stem + line) if line else (indent + stem).rstrip() for line in sub_lines[1:]]
    return out


def format_chain_oneline(exc: BaseException, *, types: bool = False) -> str:
    """Render ``exc`` like anyhow's ``{:#}``: every link on one line, joined by ``": "``."""
    return ": ".join(_label(e, types=types) for e in chain_of(exc))


def _jsonable(value: object, depth: int = 0) -> Any:
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if value == value and abs(value) != float("inf") else repr(value)
    if depth < 4 and isinstance(value, list | tuple):
        return [_jsonable(v, depth + 1) for v in value]
    if depth < 4 and isinstance(value, dict):
        return {str(k): _jsonable(v, depth + 1) for k, v in value.items()}
    return repr(value)


def _fields(exc: BaseException) -> dict[str, Any]:
    try:
        attrs = dict(vars(exc))
    except TypeError:
        return {}
    return {k: _jsonable(v) for k, v in sorted(attrs.items()) if not k.startswith("_")}


def chain_record(exc: BaseException) -> dict[str, Any]:
    """Return ``exc`` as plain data (JSON-ready), for logs and for machines.

    ``{"type", "message", "fields", "notes", "chain": [...], "exceptions": [...]}``:
    ``chain`` lists the causes outermost first, each with its ``relation`` to the one
    before (``"cause"`` for ``raise ... from``, ``"context"`` for an implicit chain);
    ``exceptions`` is present only for exception groups (on any link): each member's
    own record, with its own chain, nested groups inside (at most ``MAX_GROUP_DEPTH``
    deep).
    """
    return _chain_record(exc, 0)


def _chain_record(exc: BaseException, depth: int) -> dict[str, Any]:
    links = chain_of(exc)

    def one(e: BaseException) -> dict[str, Any]:
        rec: dict[str, Any] = {
            "type": _qualname(type(e)),
            "message": _safe_str(e),
            "fields": _fields(e),
            "notes": _notes(e),
        }
        if isinstance(e, BaseExceptionGroup):
            rec["exceptions"] = [_chain_record(s, depth + 1) for s in e.exceptions] if depth < MAX_GROUP_DEPTH else []
        return rec

    record = one(links[0])
    chain = []
    for prev, cur in itertools.pairwise(links):
        item = one(cur)
        item["relation"] = "cause" if prev.__cause__ is cur else "context"
        chain.append(item)
    record["chain"] = chain
    return record


def _qualname(cls: type) -> str:
    module = cls.__module__
    return cls.__qualname__ if module in ("builtins", "__main__") else f"{module}.{cls.__qualname__}"


def chain_html(exc: BaseException) -> str:
    """Return an HTML view of the chain; every piece of text is escaped."""
    return _chain_html(exc, 0)


def _chain_html(exc: BaseException, depth: int) -> str:

    def item(e: BaseException, relation: str) -> str:
        notes = "".join(f"<li><em>note:</em> {html.escape(n)}</li>" for n in _notes(e))
        sub = ""
        if isinstance(e, BaseExceptionGroup) and depth < MAX_GROUP_DEPTH:
            sub = "".join(f"<li>{_chain_html(s, depth + 1)}</li>" for s in e.exceptions)
            sub = f"<ul>{sub}</ul>"
        rel = f"<small>{relation}</small> " if relation else ""
        return (
            f"<li>{rel}<code>{html.escape(type(e).__name__)}</code>: "
            f"{html.escape(_safe_str(e))}<ul>{notes}</ul>{sub}</li>"
        )

    links = chain_of(exc)
    parts = [item(links[0], "")]
    for prev, cur in itertools.pairwise(links):
        parts.append(item(cur, "caused by" if prev.__cause__ is cur else "while handling"))
    return f'<ul class="faultlab-chain">{"".join(parts)}</ul>'


@dataclass(frozen=True)
class ChainView:
    """Shows an exception chain in a notebook: HTML in JupyterLab, text elsewhere."""

    exc: BaseException

    def __repr__(self) -> str:
        return format_chain(self.exc)

    def _repr_html_(self) -> str:
        return chain_html(self.exc)


def show(exc: BaseException) -> ChainView:
    """Return a view of ``exc`` that a notebook cell displays as its chain."""
    return ChainView(exc)
