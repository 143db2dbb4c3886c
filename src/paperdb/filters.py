"""Filters shared by search, filter, stats and export, and the paper rows they return.

Semantics (chosen to match tests/gold/queries.json, which was built on papers):

* ``venue``, ``year`` and ``presentation`` test the paper's *best-supported* value (the
  summary columns of ``papers``). A paper that one list calls ICLR 2019 and two lists
  call NeurIPS 2019 is a NeurIPS paper; ``paperdb show`` reports the disagreement. This
  keeps "papers at ICLR" a partition: every paper is counted under one venue and year.
* ``topic``, ``author``, ``framework`` and ``source`` are sets: a paper matches when any
  of its mentions has the value (gold: a paper listed under both Pruning and
  Quantization is returned for either topic).
* Repeating an option ORs its values; different options are ANDed.

Every user value reaches SQL as a parameter; only fixed fragments are formatted in.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from paperdb.db import placeholders
from paperdb.errors import QueryError

PRESENTATIONS = ("oral", "spotlight", "poster", "workshop", "best")
SORTS = ("relevance", "year", "title", "venue")

_ORDER = {
    "relevance": "p.id",
    "year": "p.year IS NULL, p.year DESC, p.title COLLATE NOCASE, p.id",
    "title": "p.title COLLATE NOCASE, p.id",
    "venue": "p.venue IS NULL, p.venue COLLATE NOCASE, p.year DESC, p.id",
}


@dataclass(frozen=True, slots=True)
class YearRange:
    """Inclusive year bounds; ``None`` leaves that side open."""

    start: int | None = None
    end: int | None = None

    def __str__(self) -> str:
        if self.start == self.end and self.start is not None:
            return str(self.start)
        return f"{self.start or ''}..{self.end or ''}"


_YEAR_RE = re.compile(r"^\s*(\d{4})?\s*(\.\.)?\s*(\d{4})?\s*$")


def parse_year(text: str) -> YearRange:
    """``2020``, ``2019..2022``, ``2019..`` or ``..2018`` as a :class:`YearRange`.

    >>> parse_year("2019..2022"), parse_year("2019.."), parse_year("..2018"), str(parse_year("2020"))
    (YearRange(start=2019, end=2022), YearRange(start=2019, end=None), YearRange(start=None, end=2018), '2020')
    >>> parse_year("20x")
    Traceback (most recent call last):
    paperdb.errors.QueryError: '20x' is not a year or range (use 2020, 2019..2022, 2019.. or ..2018)
    """
    match = _YEAR_RE.match(text)
    hint = f"{text!r} is not a year or range (use 2020, 2019..2022, 2019.. or ..2018)"
    if not match or not (match.group(1) or match.group(3)):
        raise QueryError(hint)
    first, dots, last = match.groups()
    if not dots:
        if first and last:
            raise QueryError(hint)
        year = int(first or last)
        return YearRange(year, year)
    start, end = (int(first) if first else None), (int(last) if last else None)
    if start is not None and end is not None and start > end:
        raise QueryError(f"year range {text!r} ends before it starts")
    return YearRange(start, end)


@dataclass(frozen=True, slots=True)
class Filters:
    """What the user narrowed the papers to; empty tuples and None mean "any"."""

    venues: tuple[str, ...] = ()
    year: YearRange | None = None
    topics: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    has_code: bool = False
    frameworks: tuple[str, ...] = ()
    presentations: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for value in self.presentations:
            if value not in PRESENTATIONS:
                raise QueryError(
                    f"unknown presentation {value!r}; choose from {', '.join(PRESENTATIONS)}"
                )


@dataclass(slots=True)
class Where:
    """SQL conditions over ``papers p`` and their parameters."""

    clauses: list[str] = field(default_factory=list)
    params: list[Any] = field(default_factory=list)

    def add(self, clause: str, *params: Any) -> None:
        self.clauses.append(clause)
        self.params.extend(params)

    def sql(self) -> str:
        return " AND ".join(self.clauses) if self.clauses else "1"


def like_escape(text: str) -> str:
    r"""``text`` with LIKE wildcards escaped (use with ``ESCAPE '\'``).

    >>> like_escape("50%_a\\b")
    '50\\%\\_a\\\\b'
    """
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def resolve_venues(conn: sqlite3.Connection, names: Iterable[str]) -> list[str]:
    """Canonical venue names for names or aliases, case-insensitively (unknown: as given)."""
    resolved: list[str] = []
    for name in names:
        row = conn.execute(
            "SELECT name FROM venues WHERE name = ? COLLATE NOCASE"
            " UNION ALL SELECT venue FROM venue_aliases WHERE alias = ? LIMIT 1",
            (name.strip(), name.strip()),
        ).fetchone()
        resolved.append(row[0] if row else name.strip())
    return resolved


def resolve_topics(conn: sqlite3.Connection, names: Iterable[str]) -> list[str]:
    """Topic slugs for slugs, display names or aliases (量化 -> quantization)."""
    resolved: list[str] = []
    for name in names:
        text = name.strip()
        row = conn.execute(
            "SELECT slug FROM topics WHERE slug = ? COLLATE NOCASE OR name = ? COLLATE NOCASE"
            " UNION ALL SELECT topic FROM topic_aliases WHERE lower(alias) = lower(?) LIMIT 1",
            (text, text, text),
        ).fetchone()
        resolved.append(row[0] if row else text.lower())
    return resolved


def build_where(conn: sqlite3.Connection, filters: Filters) -> Where:
    """The conditions for ``filters`` over ``papers p``."""
    where = Where()
    if filters.venues:
        venues = resolve_venues(conn, filters.venues)
        where.add(f"p.venue COLLATE NOCASE IN ({placeholders(len(venues))})", *venues)
    if filters.year is not None:
        if filters.year.start is not None:
            where.add("p.year >= ?", filters.year.start)
        if filters.year.end is not None:
            where.add("p.year <= ?", filters.year.end)
    if filters.presentations:
        where.add(
            f"p.presentation IN ({placeholders(len(filters.presentations))})",
            *filters.presentations,
        )
    if filters.has_code:
        where.add("p.has_code = 1")
    if filters.topics:
        topics = resolve_topics(conn, filters.topics)
        where.add(
            f"p.id IN (SELECT paper_id FROM entries WHERE topic IN ({placeholders(len(topics))}))",
            *topics,
        )
    for author in filters.authors:  # each --author must match (usually given once)
        where.add(
            "p.id IN (SELECT e.paper_id FROM authors a JOIN entry_authors ea"
            " ON ea.author_id = a.id JOIN entries e ON e.id = ea.entry_id"
            " WHERE a.name LIKE ? ESCAPE '\\')",
            f"%{like_escape(author.strip())}%",
        )
    if filters.frameworks:
        ors = " OR ".join(
            "('+' || lower(r.framework) || '+') LIKE ? ESCAPE '\\'" for _ in filters.frameworks
        )
        where.add(
            "p.id IN (SELECT e.paper_id FROM code_repos r JOIN entry_code ec"
            f" ON ec.repo_id = r.id JOIN entries e ON e.id = ec.entry_id WHERE {ors})",
            *(f"%+{like_escape(f.strip().lower())}+%" for f in filters.frameworks),
        )
    if filters.sources:
        ors = " OR ".join(
            "s.name = ? OR s.path = ? OR s.origin = ? OR s.name LIKE ? ESCAPE '\\'"
            for _ in filters.sources
        )
        params: list[str] = []
        for source in filters.sources:
            params += [source, source, source, f"{like_escape(source)}%"]
        where.add(
            "p.id IN (SELECT e.paper_id FROM sources s JOIN entries e ON e.source_id = s.id"
            f" WHERE {ors})",
            *params,
        )
    return where


def order_by(sort: str) -> str:
    """The ORDER BY terms for a sort name (``relevance`` without a query: id order)."""
    if sort not in _ORDER:
        raise QueryError(f"unknown sort {sort!r}; choose from {', '.join(SORTS)}")
    return _ORDER[sort]


def filter_ids(
    conn: sqlite3.Connection,
    filters: Filters,
    *,
    sort: str = "relevance",
    limit: int | None = None,
) -> list[int]:
    """Ids of the papers matching ``filters``, sorted, at most ``limit``."""
    where = build_where(conn, filters)
    sql = f"SELECT p.id FROM papers p WHERE {where.sql()} ORDER BY {order_by(sort)}"
    params = list(where.params)
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    return [row[0] for row in conn.execute(sql, params)]


def filter_papers(
    conn: sqlite3.Connection,
    filters: Filters,
    *,
    sort: str = "relevance",
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """Summary rows (:func:`paperdb.rows.summaries`) of the papers matching ``filters``."""
    from paperdb.rows import summaries

    return summaries(conn, filter_ids(conn, filters, sort=sort, limit=limit))
