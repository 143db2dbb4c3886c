"""Proposals from the database: every paper's titles in, rows for people and scripts out."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from typing import Any

from paperdb.db import chunked, placeholders
from paperdb.dedupe.match import DEFAULT_MIN_SCORE
from paperdb.dedupe.pairs import Pair, find_pairs

ROWS_CHUNK = 1000  # pairs whose papers are read at once
_DIFF_FIELDS = ("year", "venue", "presentation", "nickname", "arxiv_id", "authors")


def not_same_pairs(conn: sqlite3.Connection) -> list[tuple[int, int]]:
    """The pairs marked as different works (``paperdb dedupe --not-same``)."""
    return [(int(a), int(b)) for a, b in conn.execute("SELECT paper_a, paper_b FROM not_same")]


def _items(conn: sqlite3.Connection) -> Iterator[tuple[Any, ...]]:
    """One item ``(id, title, year, arxiv_id, nickname, venue)`` per paper and distinct title of
    its mentions, streamed from the cursor (never all in a list)."""
    return conn.execute(
        "SELECT p.id, p.title, p.year, p.arxiv_id, p.nickname, p.venue FROM papers p"
        " UNION SELECT e.paper_id, min(e.title), p.year, p.arxiv_id, p.nickname, p.venue"
        " FROM entries e JOIN papers p ON p.id = e.paper_id"
        " WHERE e.title_key != p.title_key GROUP BY e.paper_id, e.title_key"
        " ORDER BY 1"
    )


def proposals(
    conn: sqlite3.Connection, *, min_score: float = DEFAULT_MIN_SCORE
) -> list[dict[str, Any]]:
    """Proposed duplicate pairs as rows: ids, both titles, score, evidence, fields that differ."""
    return list(iter_proposals(conn, min_score=min_score))


def iter_proposals(
    conn: sqlite3.Connection, *, min_score: float = DEFAULT_MIN_SCORE
) -> Iterator[dict[str, Any]]:
    """:func:`proposals`, a row at a time: the papers are read a chunk of pairs at a time
    (a million papers may give hundreds of thousands of proposals). Read it inside one
    read transaction, as the CLI does, so the rows match the pairs."""
    pairs = proposed_pairs(conn, min_score=min_score)
    for start in range(0, len(pairs), ROWS_CHUNK):
        yield from _rows(conn, pairs[start : start + ROWS_CHUNK])


def proposed_pairs(conn: sqlite3.Connection, *, min_score: float) -> list[Pair]:
    """The proposals as pairs of ids with score and evidence, without the papers' rows."""
    return find_pairs(
        _items(conn),
        min_score=min_score,
        exclude=not_same_pairs(conn),
        shared_code=lambda a, b: _shared_code(conn, a, b),
    )


def _shared_code(conn: sqlite3.Connection, a: int, b: int) -> bool:
    return (
        conn.execute(
            "SELECT 1 FROM entries ea JOIN entry_code ca ON ca.entry_id = ea.id"
            " JOIN entry_code cb ON cb.repo_id = ca.repo_id"
            " JOIN entries eb ON eb.id = cb.entry_id"
            " WHERE ea.paper_id = ? AND eb.paper_id = ? LIMIT 1",
            (a, b),
        ).fetchone()
        is not None
    )


def _papers(conn: sqlite3.Connection, ids: list[int]) -> dict[int, dict[str, Any]]:
    papers: dict[int, dict[str, Any]] = {}
    for chunk in chunked(ids):
        cursor = conn.execute(
            f"SELECT id, title, {', '.join(_DIFF_FIELDS)} FROM papers"
            f" WHERE id IN ({placeholders(len(chunk))})",
            tuple(chunk),
        )
        columns = [d[0] for d in cursor.description]
        for values in cursor:
            papers[int(values[0])] = dict(zip(columns, values, strict=True))
    return papers


def _rows(conn: sqlite3.Connection, pairs: Sequence[Pair]) -> Iterator[dict[str, Any]]:
    papers = _papers(conn, sorted({p.a for p in pairs} | {p.b for p in pairs}))
    for p in pairs:
        a, b = papers[p.a], papers[p.b]
        differ = [
            f"{name} {a[name]} / {b[name]}"
            for name in _DIFF_FIELDS
            if a[name] is not None and b[name] is not None and a[name] != b[name]
        ]
        yield {
            "a": p.a,
            "b": p.b,
            "score": p.score,
            "a_title": a["title"],
            "b_title": b["title"],
            "evidence": p.evidence,
            "differs": differ,
        }
