"""Export registry: format name -> function turning papers into text.

Each format is a small module rendering the JSON-contract paper dicts of
:mod:`paperdb.export.json`; :func:`export_chunks` picks the papers (filters, sort,
limit) and yields the text in pieces, so json, jsonl and csv exports of a million
papers never hold them all in memory; the CLI decides where the text goes.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from paperdb.errors import QueryError

if TYPE_CHECKING:
    from paperdb.filters import Filters

Papers = Iterable[dict[str, Any]]


@dataclass(frozen=True, slots=True)
class ExportOptions:
    group_by: tuple[str, ...] = ("topic",)  # markdown only
    title: str = "Papers"  # markdown only


Exporter = Callable[[Papers, sqlite3.Connection, ExportOptions], Iterator[str]]


def _json(papers: Papers, conn: sqlite3.Connection, options: ExportOptions) -> Iterator[str]:
    from paperdb.export import json

    return json.render_chunks(papers)


def _jsonl(papers: Papers, conn: sqlite3.Connection, options: ExportOptions) -> Iterator[str]:
    from paperdb.export import jsonl

    return jsonl.render_chunks(papers)


def _csv(papers: Papers, conn: sqlite3.Connection, options: ExportOptions) -> Iterator[str]:
    from paperdb.export import csv

    return csv.render_chunks(papers)


def _bibtex(papers: Papers, conn: sqlite3.Connection, options: ExportOptions) -> Iterator[str]:
    from paperdb.export import bibtex
    from paperdb.export.keys import cite_keys

    papers = list(papers)
    yield bibtex.render(papers, cite_keys(conn, papers))


def _csl_json(papers: Papers, conn: sqlite3.Connection, options: ExportOptions) -> Iterator[str]:
    from paperdb.export import csl_json
    from paperdb.export.keys import cite_keys

    papers = list(papers)
    yield csl_json.render(papers, cite_keys(conn, papers))


def _markdown(papers: Papers, conn: sqlite3.Connection, options: ExportOptions) -> Iterator[str]:
    from paperdb.export import markdown

    names = dict(conn.execute("SELECT slug, coalesce(name, slug) FROM topics").fetchall())
    yield from markdown.render_chunks(
        papers, options.group_by, title=options.title, topic_names=names
    )


EXPORTERS: dict[str, Exporter] = {
    "markdown": _markdown,
    "bibtex": _bibtex,
    "csl-json": _csl_json,
    "csv": _csv,
    "json": _json,
    "jsonl": _jsonl,
}
"""Known formats, in the order ``--help`` lists them."""
WITH_MENTIONS = frozenset({"json", "jsonl", "csv"})
"""The formats that write mentions; the others get papers without them."""


def parse_group_by(text: str) -> tuple[str, ...]:
    """``topic,year`` -> ``("topic", "year")``.

    Raises:
        QueryError: an unknown or repeated group.
    """
    from paperdb.export.markdown import GROUPS

    groups = tuple(part.strip() for part in text.split(",") if part.strip())
    bad = [g for g in groups if g not in GROUPS]
    if bad or not groups or len(set(groups)) != len(groups):
        raise QueryError(
            f"cannot group by {text!r}; use one or more of {', '.join(GROUPS)}, e.g. topic,year"
        )
    return groups


def export_chunks(
    conn: sqlite3.Connection,
    fmt: str,
    filters: Filters | None = None,
    *,
    sort: str = "relevance",
    limit: int | None = None,
    options: ExportOptions | None = None,
    ids: Sequence[int] | None = None,
) -> Iterator[str]:
    """The papers matching ``filters`` (default: every paper, in id order) in ``fmt``, in pieces.

    ``ids`` (from :func:`paperdb.filters.filter_ids`) gives the papers instead, for a
    caller that needs to know how many there are first.

    Raises:
        QueryError: ``fmt`` is not a known export format, or a filter value is unusable
            (raised before the first piece).
    """
    from paperdb.filters import Filters, filter_ids
    from paperdb.rows import iter_papers

    exporter = EXPORTERS.get(fmt)
    if exporter is None:
        raise QueryError(f"unknown export format {fmt!r}; choose one of: {', '.join(EXPORTERS)}")
    if ids is None:
        ids = filter_ids(conn, filters or Filters(), sort=sort, limit=limit)
    papers = iter_papers(conn, ids, with_mentions=fmt in WITH_MENTIONS)
    return exporter(papers, conn, options or ExportOptions())


def export(
    conn: sqlite3.Connection,
    fmt: str,
    filters: Filters | None = None,
    *,
    sort: str = "relevance",
    limit: int | None = None,
    options: ExportOptions | None = None,
) -> str:
    """:func:`export_chunks` as one string."""
    return "".join(export_chunks(conn, fmt, filters, sort=sort, limit=limit, options=options))
