"""The papers an import starts, summarized from their mentions without reading them back.

Their rows are inserted once, with their summary, at the end of the import (entries
point at them meanwhile, under ``PRAGMA defer_foreign_keys``), so each new paper costs
one FTS insert instead of an insert plus a delete and an insert for the summary update.
The summaries are made from the stored entries, read back in one pass.
"""

from __future__ import annotations

import itertools
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass
from operator import itemgetter
from typing import Any, TypeVar

from paperdb.db import utc_now
from paperdb.papers import SUMMARY, summarize

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Mention:
    """A stored entry as its paper's summary needs it."""

    source_id: int
    line: int
    title: str
    title_key: str
    year: int | None
    venue: str | None
    presentation: str | None
    arxiv_id: str | None
    paper_url: str | None
    broken_link: bool
    nickname: str | None
    authors: tuple[str, ...] | None
    has_code: bool


def _value(value: T | None) -> T | None:
    return None if value is None or value == "" else value


def summarize_one(row: tuple[Any, ...]) -> tuple[Any, ...]:
    """:func:`paperdb.papers.summarize` of a paper with one mention (a row of
    ``_MENTIONS_SQL``), as a row in ``SUMMARY`` order."""
    _, _, _, title, key, year, venue, presentation, arxiv_id, url, broken, nickname = row[:12]
    authors = row[12]
    return (
        title,
        key,
        _value(year),
        _value(venue),
        _value(presentation),
        _value(arxiv_id),
        None if broken else _value(url),
        _value(nickname),
        authors.replace("\x1f", "; ") if authors else None,
        1,
        int(row[13]),
    )


def summarize_many(mentions: list[Mention]) -> tuple[Any, ...]:
    """:func:`paperdb.papers.summarize` of a paper's mentions, in ``SUMMARY`` order."""
    mentions.sort(key=lambda m: (m.source_id, m.line))
    summary = summarize(
        [
            {
                "id": index,
                "title": m.title,
                "year": m.year,
                "venue": m.venue,
                "presentation": m.presentation,
                "arxiv_id": m.arxiv_id,
                "paper_url": m.paper_url,
                "broken_link": m.broken_link,
                "nickname": m.nickname,
            }
            for index, m in enumerate(mentions)
        ],
        {index: m.authors for index, m in enumerate(mentions) if m.authors},
        any(m.has_code for m in mentions),
    )
    return tuple(summary[c] for c in SUMMARY)


# A new paper's mentions as its summary needs them, read back in summary order.
_MENTIONS_SQL = """
SELECT e.paper_id, e.source_id, e.line, e.title, e.title_key, e.year, e.venue,
       e.presentation, e.arxiv_id, e.paper_url, e.broken_link, e.nickname,
       (SELECT group_concat(name, char(31)) FROM (
           SELECT a.name AS name FROM entry_authors x JOIN authors a ON a.id = x.author_id
           WHERE x.entry_id = e.id ORDER BY x.position)),
       EXISTS (SELECT 1 FROM entry_code c WHERE c.entry_id = e.id)
FROM entries e WHERE e.paper_id >= ? ORDER BY e.paper_id, e.source_id, e.line
"""


def _stored_mention(row: tuple[Any, ...]) -> Mention:
    (_, source_id, line, title, key, year, venue, presentation, arxiv_id, url) = row[:10]
    authors = row[12]
    return Mention(
        source_id=source_id,
        line=line,
        title=title,
        title_key=key,
        year=year,
        venue=venue,
        presentation=presentation,
        arxiv_id=arxiv_id,
        paper_url=url,
        broken_link=bool(row[10]),
        nickname=row[11],
        authors=tuple(authors.split("\x1f")) if authors else None,
        has_code=bool(row[13]),
    )


class NewPapers:
    """Ids and creation times of the papers this import starts.

    New ids are consecutive and above every stored paper's, so a paper is new when its
    id is in that range; nothing else is held per paper (at a million entries their
    mentions would not fit in memory): the rows are summarized at the end from the
    entries just stored, read back in one ordered pass.
    """

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        # Papers this import started whose entries changed since: refresh_papers() does them.
        self.from_sql: dict[int, str] = {}
        self._first_id = 0  # 0: none started yet
        self._next_id = 0
        self._created: list[str] = []  # created_at of paper _first_id + i
        self._stamp: tuple[int, str] = (-1, "")

    def __contains__(self, paper_id: int) -> bool:
        return self._first_id <= paper_id < self._next_id and paper_id not in self.from_sql

    def count(self) -> int:
        """How many papers this import started."""
        return self._next_id - self._first_id

    def _created_at(self) -> str:
        """``utc_now()``, formatted once per second."""
        second = int(time.time())
        if second != self._stamp[0]:
            self._stamp = (second, utc_now())
        return self._stamp[1]

    def start(self) -> int:
        """A new paper's id (above every stored paper's)."""
        if not self._first_id:
            self.conn.execute("PRAGMA defer_foreign_keys = ON")  # until this COMMIT
            row = self.conn.execute("SELECT coalesce(max(id), 0) FROM papers").fetchone()
            self._first_id = self._next_id = int(row[0]) + 1
        paper_id = self._next_id
        self._next_id += 1
        self._created.append(self._created_at())
        return paper_id

    def lost_entries(self, papers: set[int]) -> None:
        """Entries of these papers were deleted: the new ones among them are summarized from SQL."""
        for paper_id in papers:
            if paper_id in self:
                self.from_sql[paper_id] = self._created[paper_id - self._first_id]

    def rows(self) -> Iterator[tuple[Any, ...]]:
        """Rows for ``papers``: id, the ``SUMMARY`` columns, created_at."""
        if not self._first_id:
            return
        cursor = self.conn.execute(_MENTIONS_SQL, (self._first_id,))
        for paper_id, group in itertools.groupby(cursor, key=itemgetter(0)):
            if paper_id in self.from_sql:
                continue  # lost entries to a replaced file: refresh_papers() reads them
            rows = list(group)
            summary = (
                summarize_one(rows[0])
                if len(rows) == 1
                else summarize_many([_stored_mention(row) for row in rows])
            )
            yield (paper_id, *summary, self._created[paper_id - self._first_id])
