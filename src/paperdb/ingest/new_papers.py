"""The papers an import starts, summarized from their mentions without reading them back.

Their rows are inserted once, with their summary, at the end of the import (entries
point at them meanwhile, under ``PRAGMA defer_foreign_keys``), so each new paper costs
one FTS insert instead of an insert plus a delete and an insert for the summary update.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass
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


def summarize_one(mention: Mention) -> tuple[Any, ...]:
    """:func:`paperdb.papers.summarize` of a single mention, as a row in ``SUMMARY`` order."""
    return (
        mention.title,
        mention.title_key,
        _value(mention.year),
        _value(mention.venue),
        _value(mention.presentation),
        _value(mention.arxiv_id),
        None if mention.broken_link else _value(mention.paper_url),
        _value(mention.nickname),
        "; ".join(mention.authors) if mention.authors else None,
        1,
        int(mention.has_code),
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


class NewPapers:
    """Ids, creation times and mentions of the papers this import starts."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.created: dict[int, str] = {}  # paper id -> created_at
        # Papers this import started whose entries changed since: refresh_papers() does them.
        self.from_sql: dict[int, str] = {}
        self._mentions: dict[int, Mention | list[Mention]] = {}
        self._next_id = 0
        self._stamp: tuple[int, str] = (-1, "")

    def __contains__(self, paper_id: int) -> bool:
        return paper_id in self.created

    def count(self) -> int:
        """How many papers this import started."""
        return len(self.created) + len(self.from_sql)

    def _created_at(self) -> str:
        """``utc_now()``, formatted once per second."""
        second = int(time.time())
        if second != self._stamp[0]:
            self._stamp = (second, utc_now())
        return self._stamp[1]

    def start(self) -> int:
        """A new paper's id (above every stored paper's)."""
        if not self._next_id:
            self.conn.execute("PRAGMA defer_foreign_keys = ON")  # until this COMMIT
            row = self.conn.execute("SELECT coalesce(max(id), 0) FROM papers").fetchone()
            self._next_id = int(row[0]) + 1
        paper_id = self._next_id
        self._next_id += 1
        self.created[paper_id] = self._created_at()
        return paper_id

    def add(self, paper_id: int, mention: Mention) -> None:
        """A mention of a paper this import started."""
        before = self._mentions.get(paper_id)
        if before is None:
            self._mentions[paper_id] = mention
        elif isinstance(before, list):
            before.append(mention)
        else:
            self._mentions[paper_id] = [before, mention]

    def lost_entries(self, papers: set[int]) -> None:
        """Entries of these papers were deleted: the new ones among them are summarized from SQL."""
        for paper_id in papers & self.created.keys():
            self._mentions.pop(paper_id, None)
            self.from_sql[paper_id] = self.created.pop(paper_id)

    def rows(self) -> Iterator[tuple[Any, ...]]:
        """Rows for ``papers``: id, the ``SUMMARY`` columns, created_at."""
        for paper_id, created_at in self.created.items():
            found = self._mentions.get(paper_id)
            if found is None:
                continue  # lost entries to a replaced file: refresh_papers() reads them
            summary = summarize_many(found) if isinstance(found, list) else summarize_one(found)
            yield (paper_id, *summary, created_at)
