"""Counts of papers by year, venue, topic, ...; one key or a cross table of two.

A paper counts once per value: once per year (its best-supported year), but once for
each of its topics, authors, frameworks and sources, so those columns can sum to more
than the number of papers. Papers without a value are counted under ``None`` (a cross
table's column for them is ``no <key>``).
"""

from __future__ import annotations

import sqlite3
from typing import Any

from paperdb.errors import QueryError
from paperdb.filters import Filters, Where, build_where

# Keys with one value per paper: (its SQL over `papers p`, the join that needs).
_PER_PAPER: dict[str, tuple[str, str]] = {
    "year": ("p.year", ""),
    "venue": ("p.venue", ""),
    "presentation": ("p.presentation", ""),
    "venue-kind": ("v.kind", " LEFT JOIN venues v ON v.name = p.venue"),
}


def _per_paper(key: str) -> str:
    value, join = _PER_PAPER[key]
    return f"SELECT p.id, {value} FROM papers p JOIN _ids USING (id){join}"


# key -> SQL giving (paper_id, value) rows for the papers in temp table `_ids`.
KEYS: dict[str, str] = {
    "year": _per_paper("year"),
    "venue": _per_paper("venue"),
    "topic": "SELECT _ids.id, t.topic FROM _ids LEFT JOIN"
    " (SELECT DISTINCT paper_id, topic FROM entries WHERE topic IS NOT NULL) t"
    " ON t.paper_id = _ids.id",
    "source": "SELECT _ids.id, s.name FROM _ids LEFT JOIN"
    " (SELECT DISTINCT paper_id, source_id FROM entries) e ON e.paper_id = _ids.id"
    " LEFT JOIN sources s ON s.id = e.source_id",
    "author": "SELECT _ids.id, a.name FROM _ids LEFT JOIN"
    " (SELECT DISTINCT e.paper_id, ea.author_id FROM entries e JOIN entry_authors ea"
    " ON ea.entry_id = e.id) pa ON pa.paper_id = _ids.id LEFT JOIN authors a"
    " ON a.id = pa.author_id",
    "framework": "SELECT _ids.id, r.framework FROM _ids LEFT JOIN"
    " (SELECT DISTINCT e.paper_id, r.framework FROM entries e JOIN entry_code ec"
    " ON ec.entry_id = e.id JOIN code_repos r ON r.id = ec.repo_id"
    " WHERE r.framework IS NOT NULL) r ON r.paper_id = _ids.id",
    "presentation": _per_paper("presentation"),
    "venue-kind": _per_paper("venue-kind"),
}


def _sort_key(key: str, value: Any, count: int) -> tuple[Any, ...]:
    if value is None:
        return (2, 0, "")
    if key == "year":
        return (0, -int(value), "")
    return (1, -count, str(value).casefold())


def stats(
    conn: sqlite3.Connection,
    by: list[str],
    filters: Filters | None = None,
    *,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """Paper counts by one key (rows ``{key: value, "count": n}``) or two (a cross table).

    A cross table has one row per value of the first key, one column per value of the
    second key (named ``str(value)``; ``"no <key>"``, e.g. ``"no year"``, for papers
    without one, as JSON object keys cannot be null), and a ``total`` column:
    the number of distinct papers in that row. Years sort newest first, other values by
    count; ``limit`` keeps the first rows.

    Raises:
        QueryError: an unknown key, or not one or two keys.
    """
    if not 1 <= len(by) <= 2:
        raise QueryError("give one --by for counts or two for a cross table")
    for key in by:
        if key not in KEYS:
            raise QueryError(f"cannot count by {key!r}; choose from {', '.join(KEYS)}")
    where = build_where(conn, filters or Filters())
    if len(by) == 1 and by[0] in _PER_PAPER:
        counts = _count_per_paper(conn, by[0], where)
    else:
        conn.execute("DROP TABLE IF EXISTS temp._ids")
        conn.execute("CREATE TEMP TABLE _ids (id INTEGER PRIMARY KEY)")
        try:
            conn.execute(
                f"INSERT INTO temp._ids SELECT p.id FROM papers p WHERE {where.sql()}",
                where.params,
            )
            if len(by) == 2:
                return _cross(conn, by[0], by[1], limit)
            counts = conn.execute(
                f"WITH k(pid, value) AS ({KEYS[by[0]]}) SELECT value, count(DISTINCT pid)"
                " FROM k GROUP BY value"
            ).fetchall()
        finally:
            conn.execute("DROP TABLE IF EXISTS temp._ids")
    rows = sorted(counts, key=lambda r: _sort_key(by[0], r[0], r[1]))
    if limit is not None:
        rows = rows[:limit]
    return [{by[0]: value, "count": n} for value, n in rows]


def _count_per_paper(conn: sqlite3.Connection, key: str, where: Where) -> list[Any]:
    """(value, papers) for a key with one value per paper: one pass over papers (its
    index, e.g. papers_year), with no temporary table of ids and no DISTINCT.
    At 1M papers: ~0.05 s instead of ~0.55 s."""
    value, join = _PER_PAPER[key]
    return conn.execute(
        f"SELECT {value}, count(*) FROM papers p{join} WHERE {where.sql()} GROUP BY 1",
        where.params,
    ).fetchall()


def _cross(
    conn: sqlite3.Connection, first: str, second: str, limit: int | None
) -> list[dict[str, Any]]:
    cells = conn.execute(
        f"WITH a(pid, av) AS ({KEYS[first]}), b(pid, bv) AS ({KEYS[second]})"
        " SELECT av, bv, count(DISTINCT a.pid) FROM a JOIN b USING (pid) GROUP BY av, bv"
    ).fetchall()
    totals = dict(
        conn.execute(
            f"WITH a(pid, av) AS ({KEYS[first]}) SELECT av, count(DISTINCT pid) FROM a GROUP BY av"
        ).fetchall()
    )
    col_totals: dict[Any, int] = {}
    for _, bv, n in cells:
        col_totals[bv] = col_totals.get(bv, 0) + n
    columns = sorted(col_totals, key=lambda v: _sort_key(second, v, col_totals[v]))
    if second == "year":  # a time axis reads left to right, oldest first
        columns = sorted((c for c in columns if c is not None), key=int) + (
            [None] if None in col_totals else []
        )
    row_values = sorted(totals, key=lambda v: _sort_key(first, v, totals[v]))
    if limit is not None:
        row_values = row_values[:limit]
    grid: dict[Any, dict[Any, int]] = {}
    for av, bv, n in cells:
        grid.setdefault(av, {})[bv] = n
    names = {bv: f"no {second}" if bv is None else str(bv) for bv in columns}
    return [
        {
            first: av,
            **{names[bv]: grid.get(av, {}).get(bv, 0) for bv in columns},
            "total": totals[av],
        }
        for av in row_values
    ]
