"""Markdown export: an awesome-list document that paperdb can import again.

Each paper is one line, ``- [Title](url) - Venue Year (presentation) [[code]](url)``,
under headings for its group (``--group-by topic``, ``venue``, ``year`` or a nesting such
as ``topic,year``). A paper with several topics appears under each of them, so importing
the document gives back the same papers with the same topics; a paper without a known
link is written ``[Title]()`` so the line keeps the shape the importer reads.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

GROUPS = ("topic", "venue", "year")
_NONE_LABEL = {"topic": "Uncategorized", "venue": "Unknown venue", "year": "Unknown year"}


def _escape(text: str) -> str:
    """Link text with the characters that would end or start markup escaped.

    >>> _escape("A [b] *c*")
    'A \\\\[b\\\\] \\\\*c\\\\*'
    """
    return re.sub(r"([\[\]*_`<>\\])", r"\\\1", text)


def paper_line(paper: dict[str, Any]) -> str:
    """One list line for a paper (see the module docstring)."""
    url = paper.get("paper_url") or ""
    line = f"- [{_escape(paper['title'])}]({url})"
    tail = " ".join(str(v) for v in (paper.get("venue"), paper.get("year")) if v)
    if tail:
        line += f" - {tail}"
    if paper.get("presentation") and paper.get("presentation") != "workshop":
        line += f" ({paper['presentation']})"
    elif paper.get("presentation") == "workshop":
        line += " (workshop)"
    for repo in paper.get("code", []):
        url = repo["url"] if isinstance(repo, dict) else repo
        line += f" [[code]]({url})"
    return line


def _labels(paper: dict[str, Any], key: str, topic_names: dict[str, str]) -> list[str]:
    if key == "topic":
        topics = paper.get("topics") or []
        return [topic_names.get(t, t) for t in topics] or [_NONE_LABEL["topic"]]
    value = paper.get(key)
    return [str(value)] if value is not None else [_NONE_LABEL[key]]


def _order(key: str, labels: Iterable[str]) -> list[str]:
    none = _NONE_LABEL[key]
    known = [label for label in labels if label != none]
    if key == "year":
        known.sort(key=int, reverse=True)
    else:
        known.sort(key=str.casefold)
    return known + ([none] if none in labels else [])


def _slug(text: str, used: dict[str, int]) -> str:
    """GitHub's heading anchor: lower case, punctuation dropped, spaces to dashes."""
    base = re.sub(r"[^\w\- ]", "", text.lower()).replace(" ", "-")
    count = used.get(base, 0)
    used[base] = count + 1
    return base if count == 0 else f"{base}-{count}"


def render(
    papers: Iterable[dict[str, Any]],
    group_by: Sequence[str] = ("topic",),
    *,
    title: str = "Papers",
    topic_names: dict[str, str] | None = None,
) -> str:
    """The markdown document: title, contents, then the grouped lines."""
    names = topic_names or {}
    tree: dict[Any, Any] = {}
    count = 0
    for paper in papers:
        count += 1
        nodes: list[dict[Any, Any]] = [tree]
        for key in group_by:
            nodes = [
                node.setdefault(label, {}) for node in nodes for label in _labels(paper, key, names)
            ]
        for node in nodes:
            node.setdefault(None, []).append(paper_line(paper))
    lines = [f"# {title}", "", f"{count} papers, exported by paperdb.", ""]
    body: list[str] = []
    contents: list[str] = []
    used: dict[str, int] = {"contents": 1}

    def walk(node: dict[Any, Any], depth: int) -> None:
        if None in node:
            body.extend([*node[None], ""])
        if depth >= len(group_by):
            return
        for label in _order(group_by[depth], [k for k in node if k is not None]):
            anchor = _slug(label, used)
            contents.append(f"{'  ' * depth}- [{label}](#{anchor})")
            body.extend([f"{'#' * (depth + 2)} {label}", ""])
            walk(node[label], depth + 1)

    walk(tree, 0)
    if contents:
        lines += ["## Contents", "", *contents, ""]
    lines += body
    while lines and lines[-1] == "":
        lines.pop()
    return "\n".join(lines) + "\n"
