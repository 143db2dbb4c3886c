"""Paper rows, built in one place: summaries for search, filter and the new-papers list,
full objects (the JSON export contract) for export and show.

Both start from the same paper columns, topics and code repositories; a full object adds
arXiv id, code details, tags and every mention. The shapes are contracts for scripts
(README: "Filters and output", "JSON export contract"): add keys, never rename them.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from typing import Any

from paperdb.db import CHUNK, chunked, placeholders
from paperdb.links import web_url, web_urls

Row = dict[str, Any]


def _grouped(conn: sqlite3.Connection, sql: str, ids: Sequence[int]) -> dict[int, list[Row]]:
    """Rows of ``sql`` (whose first column is ``paper_id``) grouped by paper id."""
    cursor = conn.execute(sql.format(marks=placeholders(len(ids))), tuple(ids))
    columns = [d[0] for d in cursor.description]
    grouped: dict[int, list[Row]] = {}
    for values in cursor:
        row = dict(zip(columns, values, strict=True))
        grouped.setdefault(row.pop("paper_id"), []).append(row)
    return grouped


def _base(conn: sqlite3.Connection, ids: Sequence[int]) -> list[Row]:
    """The papers' own columns, topics and code repositories, in the order of ``ids``."""
    cursor = conn.execute(
        "SELECT p.id, p.title, p.year, p.venue, v.kind AS venue_kind, p.presentation,"
        " p.authors, p.nickname, p.arxiv_id, p.paper_url, p.n_mentions"
        " FROM papers p LEFT JOIN venues v ON v.name = p.venue"
        f" WHERE p.id IN ({placeholders(len(ids))})",
        tuple(ids),
    )
    columns = [d[0] for d in cursor.description]
    by_id = {values[0]: dict(zip(columns, values, strict=True)) for values in cursor}
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
    papers = []
    for pid in ids:
        paper = by_id.get(pid)
        if paper is None:
            continue
        paper["topics"] = [row["topic"] for row in topics.get(pid, [])]
        paper["authors"] = paper["authors"].split("; ") if paper["authors"] else []
        paper["paper_url"] = web_url(paper["paper_url"])
        paper["code"] = [c for c in code.get(pid, []) if web_url(c["url"]) is not None]
        papers.append(paper)
    return papers


def summaries(conn: sqlite3.Connection, ids: Sequence[int]) -> list[Row]:
    """Summary rows for ``ids``, in that order (the search/filter row contract).

    Keys: id, title, year, venue, venue_kind, presentation, topics, authors, nickname,
    paper_url, code (urls), n_mentions.
    """
    rows: list[Row] = []
    for chunk in chunked(ids):
        rows.extend(
            {
                "id": p["id"],
                "title": p["title"],
                "year": p["year"],
                "venue": p["venue"],
                "venue_kind": p["venue_kind"],
                "presentation": p["presentation"],
                "topics": p["topics"],
                "authors": p["authors"],
                "nickname": p["nickname"],
                "paper_url": p["paper_url"],
                "code": [c["url"] for c in p["code"]],
                "n_mentions": p["n_mentions"],
            }
            for p in _base(conn, chunk)
        )
    return rows


def _by_entry(
    grouped: dict[int, list[Row]], key: str, column: str
) -> dict[tuple[int, str], list[str]]:
    """``{(entry_id, key): [column values in row order]}``."""
    out: dict[tuple[int, str], list[str]] = {}
    for rows in grouped.values():
        for row in rows:
            out.setdefault((row["entry_id"], key), []).append(row[column])
    return out


def _mention(row: Row, said: dict[tuple[int, str], list[str]]) -> Row:
    """One mention object: the entry's columns, plus its own authors and code links."""
    entry_id = row.pop("entry_id")
    stored = row["paper_url"]
    return {
        **row,
        "paper_url": web_url(stored),
        "broken_link": bool(row["broken_link"]) or (stored is not None and not web_url(stored)),
        "authors": said.get((entry_id, "authors"), []),
        "code_urls": web_urls(said.get((entry_id, "code_urls"), [])),
    }


def _mentions(conn: sqlite3.Connection, ids: Sequence[int]) -> dict[int, list[Row]]:
    """Every mention of these papers, ordered by source name and line."""
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
    return {pid: [_mention(m, said) for m in rows] for pid, rows in mentions.items()}


def _full_chunk(conn: sqlite3.Connection, ids: Sequence[int]) -> list[Row]:
    tags = _grouped(
        conn,
        "SELECT DISTINCT pt.paper_id, t.name FROM paper_tags pt JOIN tags t"
        " ON t.id = pt.tag_id WHERE pt.paper_id IN ({marks}) ORDER BY pt.paper_id, t.name",
        ids,
    )
    mentions = _mentions(conn, ids)
    return [
        {
            "id": p["id"],
            "title": p["title"],
            "year": p["year"],
            "venue": p["venue"],
            "venue_kind": p["venue_kind"],
            "presentation": p["presentation"],
            "topics": p["topics"],
            "authors": p["authors"],
            "nickname": p["nickname"],
            "arxiv_id": p["arxiv_id"],
            "paper_url": p["paper_url"],
            "code": [
                {"url": c["url"], "framework": c["framework"], "official": bool(c["official"])}
                for c in p["code"]
            ],
            "tags": [row["name"] for row in tags.get(p["id"], [])],
            "mentions": mentions.get(p["id"], []),
        }
        for p in _base(conn, ids)
    ]


def iter_papers(conn: sqlite3.Connection, ids: Sequence[int] | None = None) -> Iterator[Row]:
    """Papers as full JSON-ready dicts, fetched in batches.

    Keys: id, title, year, venue, venue_kind, presentation, topics (sorted slugs), authors,
    nickname, arxiv_id, paper_url, code [{url, framework, official}], tags (sorted),
    mentions [{source, line, raw, title, venue, year, presentation, topic, paper_url,
    broken_link, authors, code_urls}] ordered by source name, line.
    ``ids`` gives the papers and their order (missing ids dropped); by default every
    paper, in id order.
    """
    if ids is not None:
        for chunk in chunked(ids):
            yield from _full_chunk(conn, chunk)
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
        yield from _full_chunk(conn, chunk)


def full_papers(conn: sqlite3.Connection, ids: Sequence[int] | None = None) -> list[Row]:
    """:func:`iter_papers` as a list."""
    return list(iter_papers(conn, ids))
