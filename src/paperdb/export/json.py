"""JSON export: one object per paper, in id order, with every mention.

The shape is a contract for scripts (see ``paper_rows``); add keys, never rename them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlite_utils import Database

_CHUNK = 500


def _marks(n: int) -> str:
    return ",".join("?" * n)


def _grouped(
    db: Database, sql: str, ids: Sequence[int]
) -> dict[int, list[dict[str, Any]]]:
    """Rows of ``sql`` (whose first column is ``paper_id``) grouped by paper id."""
    cursor = db.conn.execute(sql.format(marks=_marks(len(ids))), tuple(ids))
    columns = [d[0] for d in cursor.description]
    grouped: dict[int, list[dict[str, Any]]] = {}
    for values in cursor:
        row = dict(zip(columns, values, strict=True))
        grouped.setdefault(row.pop("paper_id"), []).append(row)
    return grouped


def iter_papers(db: Database) -> Iterator[dict[str, Any]]:
    """Every paper as a JSON-ready dict, in id order, fetched in batches.

    Keys: id, title, year, venue, venue_kind, presentation, topics (sorted slugs), authors,
    nickname, arxiv_id, paper_url, code [{url, framework, official}], tags (sorted),
    mentions [{source, line, raw, title, venue, year, presentation, topic, paper_url,
    broken_link}] ordered by source name, line.
    """
    last = 0
    while True:
        cursor = db.conn.execute(
            "SELECT p.id, p.title, p.year, p.venue, v.kind AS venue_kind, p.presentation,"
            " p.authors, p.nickname, p.arxiv_id, p.paper_url"
            " FROM papers p LEFT JOIN venues v ON v.name = p.venue"
            " WHERE p.id > ? ORDER BY p.id LIMIT ?",
            (last, _CHUNK),
        )
        columns = [d[0] for d in cursor.description]
        papers = [dict(zip(columns, values, strict=True)) for values in cursor]
        if not papers:
            return
        ids = [p["id"] for p in papers]
        last = ids[-1]
        topics = _grouped(
            db,
            "SELECT DISTINCT paper_id, topic FROM entries WHERE paper_id IN ({marks})"
            " AND topic IS NOT NULL ORDER BY paper_id, topic",
            ids,
        )
        code = _grouped(
            db,
            "SELECT DISTINCT pc.paper_id, r.url, r.framework, r.official FROM paper_code pc"
            " JOIN code_repos r ON r.id = pc.repo_id WHERE pc.paper_id IN ({marks})"
            " ORDER BY pc.paper_id, r.url",
            ids,
        )
        tags = _grouped(
            db,
            "SELECT DISTINCT pt.paper_id, t.name FROM paper_tags pt JOIN tags t"
            " ON t.id = pt.tag_id WHERE pt.paper_id IN ({marks}) ORDER BY pt.paper_id, t.name",
            ids,
        )
        mentions = _grouped(
            db,
            "SELECT e.paper_id, s.name AS source, e.line, e.raw, e.title, e.venue, e.year,"
            " e.presentation, e.topic, e.paper_url, e.broken_link"
            " FROM entries e JOIN sources s ON s.id = e.source_id"
            " WHERE e.paper_id IN ({marks}) ORDER BY e.paper_id, s.name, e.line, s.id",
            ids,
        )
        for paper in papers:
            pid = paper["id"]
            authors = paper.pop("authors")
            yield {
                "id": pid,
                "title": paper["title"],
                "year": paper["year"],
                "venue": paper["venue"],
                "venue_kind": paper["venue_kind"],
                "presentation": paper["presentation"],
                "topics": [row["topic"] for row in topics.get(pid, [])],
                "authors": authors.split("; ") if authors else [],
                "nickname": paper["nickname"],
                "arxiv_id": paper["arxiv_id"],
                "paper_url": paper["paper_url"],
                "code": [
                    {"url": r["url"], "framework": r["framework"], "official": bool(r["official"])}
                    for r in code.get(pid, [])
                ],
                "tags": [row["name"] for row in tags.get(pid, [])],
                "mentions": [
                    {**m, "broken_link": bool(m["broken_link"])} for m in mentions.get(pid, [])
                ],
            }


def paper_rows(db: Database) -> list[dict[str, Any]]:
    """Every paper as a JSON-ready dict (see :func:`iter_papers` for the keys)."""
    return list(iter_papers(db))


def export(db: Database) -> str:
    """The JSON array text of every paper, ``[]`` when there are none; ends with a newline."""
    return json.dumps(paper_rows(db), indent=2, ensure_ascii=False) + "\n"
