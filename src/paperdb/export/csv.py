"""CSV export: a header row, one paper per row, lists joined with ``"; "``.

Columns (a contract: only ever added at the end): id, title, year, venue, venue_kind,
presentation, topics, authors, nickname, arxiv_id, paper_url, code (repository urls),
frameworks, tags, mentions (``file:line`` of every mention).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any

from paperdb.output import to_csv

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
    "arxiv_id",
    "paper_url",
    "code",
    "frameworks",
    "tags",
    "mentions",
)


def flat(paper: dict[str, Any]) -> dict[str, Any]:
    """A contract paper as one CSV row."""
    row = {c: paper.get(c) for c in COLUMNS}
    code = paper.get("code", [])
    row["code"] = [r["url"] for r in code]
    row["frameworks"] = sorted({r["framework"] for r in code if r.get("framework")})
    row["mentions"] = [f"{m['source']}:{m['line']}" for m in paper.get("mentions", [])]
    return row


def render_chunks(papers: Iterable[dict[str, Any]], batch: int = 500) -> Iterator[str]:
    """The header row, then the rows in batches."""
    papers = iter(papers)
    header = True
    while rows := [flat(p) for p in islice(papers, batch)]:
        text = to_csv(rows, COLUMNS)
        yield text if header else text.split("\n", 1)[1]
        header = False
    if header:
        yield to_csv([], COLUMNS)


def render(papers: Iterable[dict[str, Any]]) -> str:
    return "".join(render_chunks(papers))
