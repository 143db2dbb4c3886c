"""Papers are conclusions: a paper's summary columns derived from its mentions.

A paper row holds the best-supported value of each field among its entries (the most
common non-null value; ties go to the earliest mention, by source and line). Import,
merge and undo only move entries between papers and call :func:`refresh_papers`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from paperdb import normalize
from paperdb.db import chunked, placeholders

T = TypeVar("T")


def best(values: Iterable[T | None]) -> T | None:
    """The best-supported value: most common non-null one, ties to the first seen.

    >>> best([None, "ECCV", "CVPR", "CVPR", "ECCV"])
    'ECCV'
    >>> best([2020, 2022, 2022]), best([None, ""])
    (2022, None)
    """
    counts: dict[T, int] = {}
    for value in values:
        if value is not None and value != "":
            counts[value] = counts.get(value, 0) + 1
    winner: T | None = None
    top = 0
    for value, count in counts.items():
        if count > top:
            winner, top = value, count
    return winner


SUMMARY = (
    "title",
    "title_key",
    "year",
    "venue",
    "presentation",
    "arxiv_id",
    "paper_url",
    "nickname",
    "authors",
    "n_mentions",
    "has_code",
)


def summarize(
    mentions: list[dict[str, Any]], authors: dict[int, tuple[str, ...]], has_code: bool
) -> dict[str, Any]:
    """A paper's summary columns from its mentions (ordered by source id, line)."""
    title = best(m["title"] for m in mentions) or mentions[0]["title"]
    venue = best(m["venue"] for m in mentions)
    # Year and presentation come from the mentions that agree on the chosen venue when
    # any of them gives one, so "ECCV 2020" and "NeurIPS 2022" never blend into "ECCV 2022".
    agreeing = [m for m in mentions if venue is None or m["venue"] in (venue, None)]
    year = best(m["year"] for m in agreeing) or best(m["year"] for m in mentions)
    presentation = best(m["presentation"] for m in agreeing)
    author_lists = best(authors.get(m["id"]) or None for m in mentions)
    return {
        "title": title,
        "title_key": normalize.title_key(title),
        "year": year,
        "venue": venue,
        "presentation": presentation,
        "arxiv_id": best(m["arxiv_id"] for m in mentions),
        "paper_url": best(m["paper_url"] for m in mentions if not m["broken_link"]),
        "nickname": best(m["nickname"] for m in mentions),
        "authors": "; ".join(author_lists) if author_lists else None,
        "n_mentions": len(mentions),
        "has_code": int(has_code),
    }


def refresh_papers(
    conn: sqlite3.Connection, paper_ids: Iterable[int], new: Mapping[int, str] | None = None
) -> None:
    """Recompute the summary columns of these papers from their entries.

    Papers left with no entries are deleted. Runs on the caller's transaction, if any.
    ``new`` maps ids of papers that have entries but no row yet to their ``created_at``:
    their rows are inserted here, summary included.
    """
    new = new or {}
    conn = conn
    ids = sorted(set(paper_ids))
    for chunk in chunked(ids):
        marks = placeholders(len(chunk))
        params = tuple(chunk)
        cursor = conn.execute(
            "SELECT id, paper_id, title, year, venue, presentation, arxiv_id, paper_url,"
            f" broken_link, nickname FROM entries WHERE paper_id IN ({marks})"
            " ORDER BY paper_id, source_id, line",
            params,
        )
        columns = [d[0] for d in cursor.description]
        mentions: dict[int, list[dict[str, Any]]] = {}
        for values in cursor:
            mention = dict(zip(columns, values, strict=True))
            mentions.setdefault(mention["paper_id"], []).append(mention)
        authors: dict[int, list[str]] = {}
        for entry_id, name in conn.execute(
            "SELECT ea.entry_id, a.name FROM entry_authors ea"
            " JOIN authors a ON a.id = ea.author_id JOIN entries e ON e.id = ea.entry_id"
            f" WHERE e.paper_id IN ({marks}) ORDER BY ea.entry_id, ea.position",
            params,
        ):
            authors.setdefault(entry_id, []).append(name)
        author_tuples = {entry_id: tuple(names) for entry_id, names in authors.items()}
        with_code = {
            row[0]
            for row in conn.execute(
                "SELECT DISTINCT e.paper_id FROM entry_code ec JOIN entries e"
                f" ON e.id = ec.entry_id WHERE e.paper_id IN ({marks})",
                params,
            )
        }
        current = {
            row[0]: tuple(row[1:])
            for row in conn.execute(
                f"SELECT id, {', '.join(SUMMARY)} FROM papers WHERE id IN ({marks})", params
            )
        }
        updates: list[tuple[Any, ...]] = []
        deletes: list[tuple[int]] = []
        inserts: list[tuple[Any, ...]] = []
        for paper_id in chunk:
            if paper_id not in current:
                if paper_id in new and paper_id in mentions:
                    summary = summarize(mentions[paper_id], author_tuples, paper_id in with_code)
                    inserts.append((paper_id, *(summary[c] for c in SUMMARY), new[paper_id]))
                continue
            if paper_id not in mentions:
                deletes.append((paper_id,))
                continue
            summary = summarize(mentions[paper_id], author_tuples, paper_id in with_code)
            values = tuple(summary[c] for c in SUMMARY)
            if values != current[paper_id]:  # skip no-op updates: each one rewrites FTS rows
                updates.append((*values, paper_id))
        conn.executemany(
            f"INSERT INTO papers (id, {', '.join(SUMMARY)}, created_at)"
            f" VALUES ({placeholders(len(SUMMARY) + 2)})",
            inserts,
        )
        conn.executemany("DELETE FROM papers WHERE id = ?", deletes)
        conn.executemany(
            f"UPDATE papers SET {', '.join(c + ' = ?' for c in SUMMARY)} WHERE id = ?", updates
        )
