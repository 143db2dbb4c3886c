"""Paper rows, built in one place: summaries for search, filter and the new-papers list,
full objects (the JSON export contract) for export and show.

Both start from the same paper columns, topics and code repositories; a full object adds
arXiv id, code details, tags and every mention. The shapes are contracts for scripts
(README: "Filters and output", "JSON export contract"): add keys, never rename them.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from itertools import groupby
from operator import itemgetter
from typing import Any

from paperdb.db import CHUNK, chunked, placeholders
from paperdb.links import web_url, web_urls

Row = dict[str, Any]


def _grouped(conn: sqlite3.Connection, sql: str, ids: Sequence[int]) -> dict[Any, list[Any]]:
    """The rows of ``sql`` grouped by their first column (a paper or entry id), in row
    order, without it: the rest of the row, or its one value when there is one.

    ``sql`` must order its rows by that first column (groups are runs of equal keys).
    """
    cursor = conn.execute(sql.format(marks=placeholders(len(ids))), tuple(ids))
    one = len(cursor.description) == 2
    return {
        key: [row[1] if one else row[1:] for row in rows]
        for key, rows in groupby(cursor, itemgetter(0))
    }


# A paper's own columns (what _base() reads), its topics, its code (url, framework, official).
_Base = tuple[tuple[Any, ...], list[str], list[tuple[str, str | None, int]]]


def _base(conn: sqlite3.Connection, ids: Sequence[int]) -> list[_Base]:
    """The papers' own columns (id, title, year, venue, venue_kind, presentation,
    authors, nickname, arxiv_id, paper_url, n_mentions as stored), topics and web-linked
    code repositories, in the order of ``ids``."""
    cursor = conn.execute(
        "SELECT p.id, p.title, p.year, p.venue, v.kind AS venue_kind, p.presentation,"
        " p.authors, p.nickname, p.arxiv_id, p.paper_url, p.n_mentions"
        " FROM papers p LEFT JOIN venues v ON v.name = p.venue"
        f" WHERE p.id IN ({placeholders(len(ids))})",
        tuple(ids),
    )
    by_id = {values[0]: values for values in cursor}
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
    return [
        (by_id[pid], topics.get(pid, []), [c for c in code.get(pid, ()) if web_url(c[0])])
        for pid in ids
        if pid in by_id
    ]


def _authors(stored: str | None) -> list[str]:
    return stored.split("; ") if stored else []


def summaries(conn: sqlite3.Connection, ids: Sequence[int]) -> list[Row]:
    """Summary rows for ``ids``, in that order (the search/filter row contract).

    Keys: id, title, year, venue, venue_kind, presentation, topics, authors, nickname,
    paper_url, code (urls), n_mentions.
    """
    rows: list[Row] = []
    for chunk in chunked(ids):
        for values, topics, code in _base(conn, chunk):
            pid, title, year, venue, kind, presentation, authors, nick, _, url, n = values
            rows.append(
                {
                    "id": pid,
                    "title": title,
                    "year": year,
                    "venue": venue,
                    "venue_kind": kind,
                    "presentation": presentation,
                    "topics": topics,
                    "authors": _authors(authors),
                    "nickname": nick,
                    "paper_url": web_url(url),
                    "code": [c[0] for c in code],
                    "n_mentions": n,
                }
            )
    return rows


def _mention(row: tuple[Any, ...], authors: list[str], code_urls: list[str]) -> Row:
    """One mention object: the entry's columns, plus its own authors and code links."""
    source, line, raw, title, venue, year, presentation, topic, stored, broken = row
    url = web_url(stored)
    return {
        "source": source,
        "line": line,
        "raw": raw,
        "title": title,
        "venue": venue,
        "year": year,
        "presentation": presentation,
        "topic": topic,
        "paper_url": url,
        "broken_link": bool(broken) or (stored is not None and url is None),
        "authors": authors,
        "code_urls": web_urls(code_urls),
    }


def _mentions(conn: sqlite3.Connection, ids: Sequence[int]) -> dict[int, list[Row]]:
    """Every mention of these papers, ordered by source name and line."""
    mentions = _grouped(
        conn,
        "SELECT e.paper_id, e.id, s.name, e.line, e.raw, e.title, e.venue, e.year,"
        " e.presentation, e.topic, e.paper_url, e.broken_link"
        " FROM entries e JOIN sources s ON s.id = e.source_id"
        " WHERE e.paper_id IN ({marks}) ORDER BY e.paper_id, s.name, e.line, s.id",
        ids,
    )
    # By entry id, in (paper, entry) order: each entry's rows are one run.
    entry_authors = _grouped(
        conn,
        "SELECT ea.entry_id, a.name FROM entries e"
        " JOIN entry_authors ea ON ea.entry_id = e.id JOIN authors a ON a.id = ea.author_id"
        " WHERE e.paper_id IN ({marks}) ORDER BY e.paper_id, ea.entry_id, ea.position",
        ids,
    )
    entry_code = _grouped(
        conn,
        "SELECT ec.entry_id, r.url FROM entries e"
        " JOIN entry_code ec ON ec.entry_id = e.id JOIN code_repos r ON r.id = ec.repo_id"
        " WHERE e.paper_id IN ({marks}) ORDER BY e.paper_id, ec.entry_id, ec.rowid",
        ids,
    )
    return {
        pid: [
            _mention(row[1:], entry_authors.get(row[0], []), entry_code.get(row[0], []))
            for row in rows
        ]
        for pid, rows in mentions.items()
    }


def _full_chunk(conn: sqlite3.Connection, ids: Sequence[int], with_mentions: bool) -> list[Row]:
    tags = _grouped(
        conn,
        "SELECT DISTINCT pt.paper_id, t.name FROM paper_tags pt JOIN tags t"
        " ON t.id = pt.tag_id WHERE pt.paper_id IN ({marks}) ORDER BY pt.paper_id, t.name",
        ids,
    )
    mentions = _mentions(conn, ids) if with_mentions else {}
    papers = []
    for values, topics, code in _base(conn, ids):
        pid, title, year, venue, kind, presentation, authors, nick, arxiv_id, url, _ = values
        paper = {
            "id": pid,
            "title": title,
            "year": year,
            "venue": venue,
            "venue_kind": kind,
            "presentation": presentation,
            "topics": topics,
            "authors": _authors(authors),
            "nickname": nick,
            "arxiv_id": arxiv_id,
            "paper_url": web_url(url),
            "code": [
                {"url": repo, "framework": framework, "official": bool(official)}
                for repo, framework, official in code
            ],
            "tags": tags.get(pid, []),
        }
        if with_mentions:
            paper["mentions"] = mentions.get(pid, [])
        papers.append(paper)
    return papers


def iter_papers(
    conn: sqlite3.Connection, ids: Sequence[int] | None = None, *, with_mentions: bool = True
) -> Iterator[Row]:
    """Papers as full JSON-ready dicts, fetched in batches.

    Keys: id, title, year, venue, venue_kind, presentation, topics (sorted slugs), authors,
    nickname, arxiv_id, paper_url, code [{url, framework, official}], tags (sorted),
    mentions [{source, line, raw, title, venue, year, presentation, topic, paper_url,
    broken_link, authors, code_urls}] ordered by source name, line.
    ``ids`` gives the papers and their order (missing ids dropped); by default every
    paper, in id order. Without ``with_mentions`` the objects have no ``mentions`` key
    (for a writer that shows none: they are most of the reading and of the memory).
    """
    if ids is not None:
        for chunk in chunked(ids):
            yield from _full_chunk(conn, chunk, with_mentions)
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
        yield from _full_chunk(conn, chunk, with_mentions)


def full_papers(conn: sqlite3.Connection, ids: Sequence[int] | None = None) -> list[Row]:
    """:func:`iter_papers` as a list."""
    return list(iter_papers(conn, ids))
