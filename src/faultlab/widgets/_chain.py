"""The chain viewer: an exception chain as an expandable tree."""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as w

from faultlab._report import chain_record

__all__ = ["ChainViewer", "chain_tree"]


def chain_tree(record: dict[str, Any]) -> list[dict[str, Any]]:
    """Turn a :func:`~faultlab.chain_record` into tree nodes, outermost link first.

    Each node is ``{"title", "body", "children"}``: ``title`` is ``Type: message``,
    ``body`` lists fields and notes. An exception group's node has one child per member,
    titled ``[i] Type: message``, whose own children are the member's group members (if
    it is a group too) and then the links of the member's own chain: a tree, not a list.
    """

    def node(rec: dict[str, Any], relation: str) -> dict[str, Any]:
        prefix = {"cause": "caused by ", "context": "while handling "}.get(relation, "")
        title = f"{prefix}{rec['type']}: {rec['message']}" if rec["message"] else f"{prefix}{rec['type']}"
        body = [f"{k} = {v!r}" for k, v in rec["fields"].items()] + [f"note: {n}" for n in rec["notes"]]
        return {
            "title": title,
            "body": body,
            "children": [member(i, sub) for i, sub in enumerate(rec.get("exceptions", []))],
        }

    def member(index: int, rec: dict[str, Any]) -> dict[str, Any]:
        head, *links = chain_tree(rec)
        return {"title": f"[{index}] {head['title']}", "body": head["body"], "children": head["children"] + links}

    return [node(record, "")] + [node(link, link["relation"]) for link in record["chain"]]


def _accordion(nodes: list[dict[str, Any]]) -> w.Accordion:
    children = []
    for n in nodes:
        parts: list[w.Widget] = [w.HTML("<br>".join(html.escape(b) for b in n["body"]) or "<i>no fields</i>")]
        if n["children"]:
            parts.append(_accordion(n["children"]))
        children.append(w.VBox(parts))
    acc = w.Accordion(children=children)
    for i, n in enumerate(nodes):
        acc.set_title(i, n["title"])
    return acc


class ChainViewer(w.VBox):  # type: ignore[misc]
    """Show ``exc`` and everything behind it; each link expands to its fields and notes.

    Args:
        exc: The exception to show.
    """

    def __init__(self, exc: BaseException) -> None:
        self.nodes = chain_tree(chain_record(exc))
        self.tree = _accordion(self.nodes)
        super().__init__([w.HTML("<b>Exception chain</b> (outermost first)"), self.tree])
