"""One paper with every field, every mention, and where its mentions disagree."""

from __future__ import annotations

import sqlite3
from collections import Counter
from typing import Any

from paperdb.errors import QueryError

# Mention fields compared across a paper's mentions; the paper keeps the best-supported
# value and ``conflicts`` lists every value with the mentions that gave it.
CONFLICT_FIELDS = ("year", "venue", "presentation", "title")


def show(conn: sqlite3.Connection, paper_id: int) -> dict[str, Any]:
    """The JSON-contract object of one paper plus ``conflicts``.

    ``conflicts`` maps a field (year, venue, presentation, title) to
    ``[{"value": v, "mentions": ["file:line", ...]}, ...]``, most supported first; a
    field appears only when the mentions that name it disagree.

    Raises:
        QueryError: no paper has this id.
    """
    from paperdb.rows import full_papers

    papers = full_papers(conn, [paper_id])
    if not papers:
        raise QueryError(f"no paper with id {paper_id}")
    paper = papers[0]
    paper["conflicts"] = conflicts(paper["mentions"])
    return paper


def conflicts(mentions: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Disagreements between mentions, field by field (None values do not disagree).

    >>> m = [{"source": "a.md", "line": 1, "year": 2020, "venue": "ECCV"},
    ...      {"source": "b.md", "line": 9, "year": 2022, "venue": "ECCV"}]
    >>> conflicts(m)
    {'year': [{'value': 2020, 'mentions': ['a.md:1']}, {'value': 2022, 'mentions': ['b.md:9']}]}
    """
    found: dict[str, list[dict[str, Any]]] = {}
    for name in CONFLICT_FIELDS:
        where: dict[Any, list[str]] = {}
        for mention in mentions:
            value = mention.get(name)
            if value is None:
                continue
            key = value.casefold() if isinstance(value, str) and name == "title" else value
            where.setdefault(key, []).append(f"{mention['source']}:{mention['line']}")
        if len(where) > 1:
            counts = Counter({k: len(v) for k, v in where.items()})
            order = sorted(where, key=lambda k: (-counts[k], where[k][0]))
            found[name] = [{"value": k, "mentions": where[k]} for k in order]
    return found
