"""Markdown export: an awesome-list document that paperdb can import again.

Under headings for its group (``--group-by topic``, ``venue``, ``year`` or a nesting such
as ``topic,year``), each section is one table, a paper per row::

    | Title | Nickname | Authors | Venue | Code | Notes |
    | --- | --- | --- | --- | --- | --- |
    | [Title](url) | BNN | Ann Lee, Bo Chen | ICLR 2020 (oral) | [PyTorch(Author)](url) | tag; tag |

A table, not bullets, because its header names every field: a reader (paperdb's table
reader, or a person) never has to guess where the authors end and the venue starts. A
paper without a link has its title as plain text, never an empty link. A paper with
several topics appears once under each of its topics when grouped by topic, and never
twice in one section, so the document passes ``paperdb check --kind duplicate``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

GROUPS = ("topic", "venue", "year")
COLUMNS = ("Title", "Nickname", "Authors", "Venue", "Code", "Notes")
_NONE_LABEL = {"topic": "Uncategorized", "venue": "Unknown venue", "year": "Unknown year"}
_ESCAPES = str.maketrans({c: "\\" + c for c in "[]*_`<>|\\"})  # a backslash before each
_MARKUP_RE = re.compile(r"[\[\]*_`<>|\\]")  # most cells have none: no translate


def _escape(text: str) -> str:
    """Cell text with the characters that would start markup or end the cell escaped.

    >>> _escape("A [b] *c* | d")
    'A \\\\[b\\\\] \\\\*c\\\\* \\\\| d'
    """
    text = " ".join(text.split())
    return text.translate(_ESCAPES) if _MARKUP_RE.search(text) else text


def _code_cell(code: Sequence[Any]) -> str:
    """``[PyTorch(Author)](url)`` per repository: framework, official mark, link."""
    links = []
    for repo in code:
        repo = repo if isinstance(repo, dict) else {"url": repo}
        label = repo.get("framework") or "code"
        if repo.get("official"):
            label += "(Author)"
        links.append(f"[{_escape(label)}]({repo['url']})")
    return " ".join(links)


def paper_row(paper: dict[str, Any]) -> str:
    """One table row for a paper (see the module docstring)."""
    title = _escape(paper["title"])
    if paper.get("paper_url"):
        title = f"[{title}]({paper['paper_url']})"
    venue = " ".join(str(v) for v in (paper.get("venue"), paper.get("year")) if v)
    if paper.get("presentation"):
        venue = f"{venue} ({paper['presentation']})".strip()
    cells = [
        title,
        _escape(paper.get("nickname") or ""),
        _escape(", ".join(paper.get("authors") or [])),
        _escape(venue),
        _code_cell(paper.get("code") or []),
        _escape("; ".join(paper.get("tags") or [])),
    ]
    return "| " + " | ".join(cells) + " |"


def _table(rows: list[str]) -> list[str]:
    header = "| " + " | ".join(COLUMNS) + " |"
    rule = "| " + " | ".join("---" for _ in COLUMNS) + " |"
    return [header, rule, *rows, ""]


def _labels(paper: dict[str, Any], key: str, topic_names: dict[str, str]) -> list[str]:
    if key == "topic":
        topics = paper.get("topics") or []
        names = dict.fromkeys(topic_names.get(t, t) for t in topics)  # once per section
        return list(names) or [_NONE_LABEL["topic"]]
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
    return "".join(render_chunks(papers, group_by, title=title, topic_names=topic_names))


def render_chunks(
    papers: Iterable[dict[str, Any]],
    group_by: Sequence[str] = ("topic",),
    *,
    title: str = "Papers",
    topic_names: dict[str, str] | None = None,
) -> Iterator[str]:
    """:func:`render`'s text in pieces: the contents need every section first, so the
    rows are held (one string per paper, shared by its sections), never the document."""
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
        row = paper_row(paper)
        for node in nodes:
            node.setdefault(None, []).append(row)
    lines = [f"# {title}", "", f"{count} papers, exported by paperdb.", ""]
    body: list[str] = []
    contents: list[str] = []
    used: dict[str, int] = {"contents": 1}

    def walk(node: dict[Any, Any], path: tuple[str, ...]) -> None:
        if None in node:
            body.extend(_table(node[None]))
        depth = len(path)
        if depth >= len(group_by):
            return
        for label in _order(group_by[depth], [k for k in node if k is not None]):
            # A nested heading names its whole path ("Pruning / 2020"): every heading is
            # unique (markdownlint MD024) and says what it holds on its own.
            heading = " / ".join((*path, label))
            anchor = _slug(heading, used)
            contents.append(f"{'  ' * depth}- [{_escape(label)}](#{anchor})")
            body.extend([f"{'#' * (depth + 2)} {_escape(heading)}", ""])
            walk(node[label], (*path, label))

    walk(tree, ())
    if contents:
        lines += ["## Contents", "", *contents, ""]
    lines += body
    while lines and lines[-1] == "":
        lines.pop()
    for start in range(0, len(lines), 10_000):
        yield "\n".join(lines[start : start + 10_000]) + "\n"
