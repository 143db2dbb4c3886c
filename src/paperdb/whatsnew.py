"""What is new: the papers that arrived with a change to a list paperdb already had.

Every mention records when paperdb first saw it (``entries.first_seen``) and whether it
came with its list's first import or appeared later (``entries.added``: a sync, or a
re-import of a changed file). A paper is new in a window when its first mention
anywhere falls in the window and at least one of its mentions there was added to a
followed list: following a new list does not make its whole history new, and a paper
already known from another list is not new when a second list adds it.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from paperdb.errors import QueryError
from paperdb.filters import Filters, build_where
from paperdb.rows import summaries

# The rows of `paperdb new -f json|csv`: the search/filter row contract plus two keys.
COLUMNS = (
    "id",
    "title",
    "year",
    "venue",
    "venue_kind",
    "presentation",
    "topics",
    "authors",
    "nickname",
    "paper_url",
    "code",
    "n_mentions",
    "first_seen",
    "sources",
)
_AGO = re.compile(r"^\s*(\d{1,6})\s*([hdw])\s*$", re.IGNORECASE)
_UNITS = {"h": "hours", "d": "days", "w": "weeks"}


def stamp(moment: datetime) -> str:
    """The stored form of a time (ISO 8601, UTC, seconds), comparable as text.

    >>> stamp(datetime(2026, 12, 3, 15, 4, 5, 999, tzinfo=UTC))
    '2026-12-03T15:04:05+00:00'
    """
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def parse_since(text: str, now: datetime | None = None) -> datetime:
    """``7d``, ``12h``, ``2w`` (ago), a date ``2026-11-01`` (midnight UTC) or an ISO time.

    >>> now = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
    >>> stamp(parse_since("7d", now)), stamp(parse_since("2026-11-01"))
    ('2026-11-26T12:00:00+00:00', '2026-11-01T00:00:00+00:00')
    >>> stamp(parse_since("2026-12-03T10:30:00Z"))
    '2026-12-03T10:30:00+00:00'

    Raises:
        QueryError: anything else.
    """
    now = now or datetime.now(UTC)
    match = _AGO.match(text)
    if match:
        amount, unit = int(match.group(1)), match.group(2).lower()
        return now - timedelta(**{_UNITS[unit]: amount})
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise QueryError(
            f"cannot read {text!r} as a time; use 7d, 12h, 2w, a date (2026-11-01)"
            " or an ISO time (2026-11-01T09:00:00Z)"
        ) from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


@dataclass(frozen=True, slots=True)
class NewPaper:
    id: int
    first_seen: str
    sources: tuple[str, ...]  # the lists that added it in the window


def new_papers(
    conn: sqlite3.Connection,
    since: datetime,
    filters: Filters | None = None,
    *,
    limit: int | None = None,
) -> list[NewPaper]:
    """The papers first seen since ``since`` through a change to a list, newest first."""
    where = build_where(conn, filters or Filters())
    after = stamp(since)
    # INDEXED BY: left alone, SQLite walks every entry in paper_id order for the GROUP BY
    # (~1 s at 1M entries) instead of reading the few added ones from the partial index.
    sql = (
        "WITH fresh AS (SELECT e.paper_id, min(e.first_seen) AS seen,"
        " group_concat(DISTINCT s.name) AS lists FROM entries e INDEXED BY entries_added"
        " JOIN sources s ON s.id = e.source_id"
        " WHERE e.added = 1 AND e.first_seen >= ? GROUP BY e.paper_id)"
        " SELECT p.id, f.seen, f.lists FROM fresh f JOIN papers p ON p.id = f.paper_id"
        " WHERE NOT EXISTS (SELECT 1 FROM entries o WHERE o.paper_id = p.id"
        " AND o.first_seen < ?)"
        f" AND {where.sql()} ORDER BY f.seen DESC, p.id DESC"
    )
    params: list[Any] = [after, after, *where.params]
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    return [
        NewPaper(int(pid), str(seen), tuple(sorted(set(str(lists or "").split(",")))))
        for pid, seen, lists in conn.execute(sql, params)
    ]


def new_rows(conn: sqlite3.Connection, found: Sequence[NewPaper]) -> list[dict[str, Any]]:
    """The search/filter rows of these papers plus ``first_seen`` and ``sources``."""
    by_id = {row["id"]: row for row in summaries(conn, [p.id for p in found])}
    return [
        {**by_id[p.id], "first_seen": p.first_seen, "sources": list(p.sources)}
        for p in found
        if p.id in by_id
    ]


def export_new(
    conn: sqlite3.Connection, fmt: str, found: Sequence[NewPaper], title: str
) -> Iterator[str]:
    """These papers in an export format (markdown, bibtex, csv, json, ...), newest first.

    Raises:
        QueryError: ``fmt`` is not an export format.
    """
    from paperdb.export import ExportOptions, export_chunks

    options = ExportOptions(group_by=("topic",), title=title)
    return export_chunks(conn, fmt, options=options, ids=[p.id for p in found])
