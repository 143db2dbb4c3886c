"""JSON export: one object per paper, in id order, with every mention.

The shape is a contract for scripts (see ``paper_rows``); add keys, never rename them.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from paperdb.db import CHUNK, chunked, placeholders


def _grouped(
    conn: sqlite3.Connection, sql: str, ids: Sequence[int]
) -> dict[int, list[dict[str, Any]]]:
    """Rows of ``sql`` (whose first column is ``paper_id``) grouped by paper id."""
    cursor = conn.execute(sql.format(marks=placeholders(len(ids))), tuple(ids))
    columns = [d[0] for d in cursor.description]
    grouped: dict[int, list[dict[str, Any]]] = {}
    for values in cursor:
        row = dict(zip(columns, values, strict=True))
        grouped.setdefault(row.pop("paper_id"), []).append(row)
    return grouped


def _by_entry(
    grouped: dict[int, list[dict[str, Any]]], key: str, column: str
) -> dict[tuple[int, str], list[str]]:
    """``{(entry_id, key): [column values in row order]}``."""
    out: dict[tuple[int, str], list[str]] = {}
    for rows in grouped.values():
        for row in rows:
            out.setdefault((row["entry_id"], key), []).append(row[column])
    return out


def _mention(row: dict[str, Any], said: dict[tuple[int, str], list[str]]) -> dict[str, Any]:
    """One mention object: the entry's columns, plus its own authors and code links."""
    entry_id = row.pop("entry_id")
    return {
        **row,
        "broken_link": bool(row["broken_link"]),
        "authors": said.get((entry_id, "authors"), []),
        "code_urls": said.get((entry_id, "code_urls"), []),
    }


def fetch_papers(conn: sqlite3.Connection, ids: Sequence[int]) -> list[dict[str, Any]]:
    """The JSON-ready dicts of these papers, in the order of ``ids`` (missing ids dropped).

    Keys: id, title, year, venue, venue_kind, presentation, topics (sorted slugs), authors,
    nickname, arxiv_id, paper_url, code [{url, framework, official}], tags (sorted),
    mentions [{source, line, raw, title, venue, year, presentation, topic, paper_url,
    broken_link, authors, code_urls}] ordered by source name, line.
    """
    out: list[dict[str, Any]] = []
    for chunk in chunked(ids):
        out.extend(_fetch_chunk(conn, list(chunk)))
    return out


def _fetch_chunk(conn: sqlite3.Connection, ids: list[int]) -> list[dict[str, Any]]:
    cursor = conn.execute(
        "SELECT p.id, p.title, p.year, p.venue, v.kind AS venue_kind, p.presentation,"
        " p.authors, p.nickname, p.arxiv_id, p.paper_url"
        " FROM papers p LEFT JOIN venues v ON v.name = p.venue"
        f" WHERE p.id IN ({placeholders(len(ids))})",
        tuple(ids),
    )
    columns = [d[0] for d in cursor.description]
    by_id = {values[0]: dict(zip(columns, values, strict=True)) for values in cursor}
    papers = [by_id[i] for i in ids if i in by_id]
    topics = _grouped(
        conn,
        "SELECT DISTINCT paper_id, topic FROM entries WHERE paper_id IN ({marks})"
        " AND topic IS NOT NULL ORDER BY paper_id, topic",
        ids,
    )
    code = _grouped(
        conn,
        "SELECT DISTINCT pc.paper_id, r.url, r.framework, r.official FROM paper_code pc"
        " JOIN code_repos r ON r.id = pc.repo_id WHERE pc.paper_id IN ({marks})"
        " ORDER BY pc.paper_id, r.url",
        ids,
    )
    tags = _grouped(
        conn,
        "SELECT DISTINCT pt.paper_id, t.name FROM paper_tags pt JOIN tags t"
        " ON t.id = pt.tag_id WHERE pt.paper_id IN ({marks}) ORDER BY pt.paper_id, t.name",
        ids,
    )
    mentions = _grouped(
        conn,
        "SELECT e.paper_id, e.id AS entry_id, s.name AS source, e.line, e.raw, e.title,"
        " e.venue, e.year, e.presentation, e.topic, e.paper_url, e.broken_link"
        " FROM entries e JOIN sources s ON s.id = e.source_id"
        " WHERE e.paper_id IN ({marks}) ORDER BY e.paper_id, s.name, e.line, s.id",
        ids,
    )
    entry_authors = _grouped(
        conn,
        "SELECT e.paper_id, ea.entry_id, a.name FROM entries e"
        " JOIN entry_authors ea ON ea.entry_id = e.id JOIN authors a ON a.id = ea.author_id"
        " WHERE e.paper_id IN ({marks}) ORDER BY e.paper_id, ea.entry_id, ea.position",
        ids,
    )
    entry_code = _grouped(
        conn,
        "SELECT e.paper_id, ec.entry_id, r.url FROM entries e"
        " JOIN entry_code ec ON ec.entry_id = e.id JOIN code_repos r ON r.id = ec.repo_id"
        " WHERE e.paper_id IN ({marks}) ORDER BY e.paper_id, ec.entry_id, ec.rowid",
        ids,
    )
    said = _by_entry(entry_authors, "authors", "name") | _by_entry(entry_code, "code_urls", "url")
    out = []
    for paper in papers:
        pid = paper["id"]
        authors = paper.pop("authors")
        out.append(
            {
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
                "mentions": [_mention(m, said) for m in mentions.get(pid, [])],
            }
        )
    return out


def iter_papers(
    conn: sqlite3.Connection, ids: Sequence[int] | None = None
) -> Iterator[dict[str, Any]]:
    """Papers as JSON-ready dicts (see :func:`fetch_papers`), fetched in batches.

    ``ids`` gives the papers and their order; by default every paper, in id order.
    """
    if ids is not None:
        for chunk in chunked(ids):
            yield from _fetch_chunk(conn, list(chunk))
        return
    last = 0
    while True:
        chunk = [
            row[0]
            for row in conn.execute(
                "SELECT id FROM papers WHERE id > ? ORDER BY id LIMIT ?", (last, CHUNK)
            )
        ]
        if not chunk:
            return
        last = chunk[-1]
        yield from _fetch_chunk(conn, chunk)


def paper_rows(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    """Every paper as a JSON-ready dict (see :func:`iter_papers` for the keys)."""
    return list(iter_papers(conn))


def render_chunks(papers: Iterable[dict[str, Any]]) -> Iterator[str]:
    """The JSON array text, one paper at a time; the same bytes as one ``json.dumps``."""
    first = True
    for paper in papers:
        text = json.dumps(paper, indent=2, ensure_ascii=False).replace("\n", "\n  ")
        yield ("[\n  " if first else ",\n  ") + text
        first = False
    yield "[]\n" if first else "\n]\n"


def export(conn: sqlite3.Connection) -> str:
    """The JSON array text of every paper, ``[]`` when there are none; ends with a newline."""
    return "".join(render_chunks(iter_papers(conn)))
