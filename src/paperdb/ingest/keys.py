"""The exact keys that link a new entry to a paper: arXiv id, else title key.

Linking an entry needs, for its arXiv id, the paper of the first entry with that id,
and for its title key, the papers with an entry of that key (in order of their first
such entry) and the arXiv ids of those papers' entries. :class:`KeyIndex` keeps these in
dicts that are updated as entries are stored and deleted. On an empty database, or once
an import has seen a fair share of the database's size in entries, they hold every
entry (``complete``: a key that is absent has no entries); before that, each key is
looked up in SQL the first time it is needed and remembered (``None``: no entry).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass

from paperdb.db import chunked, placeholders

PRELOAD_RATIO = 4  # load every entry's keys once the import has seen 1/4 as many entries
MAX_TITLE_CANDIDATES = 20  # papers sharing a title key tried before starting a new one

Papers = int | list[int] | None  # one paper, several in order, or none
ArxivIds = str | set[str] | None  # one id, several, or none


def _compact(ids: list[int]) -> Papers:
    return None if not ids else ids[0] if len(ids) == 1 else ids


def _papers_by_key(conn: sqlite3.Connection, keys: list[str]) -> dict[str, Papers]:
    """The papers with an entry of each of these title keys (keys without any left out)."""
    found: dict[str, Papers] = {}
    for chunk in chunked(keys):
        firsts: dict[str, list[tuple[int, int]]] = {}
        for key, paper_id, first in conn.execute(
            "SELECT title_key, paper_id, min(id) FROM entries"
            f" WHERE title_key IN ({placeholders(len(chunk))}) GROUP BY title_key, paper_id",
            tuple(chunk),
        ):
            firsts.setdefault(key, []).append((first, paper_id))
        for key, papers in firsts.items():
            found[key] = _compact([paper_id for _, paper_id in sorted(papers)])
    return found


def _first_by_arxiv(conn: sqlite3.Connection, arxiv_ids: list[str]) -> dict[str, int | None]:
    """The paper of the first entry with each of these arXiv ids (ids without any left out)."""
    found: dict[str, int | None] = {}
    for chunk in chunked(arxiv_ids):
        for arxiv_id, paper_id, _ in conn.execute(
            "SELECT arxiv_id, paper_id, min(id) FROM entries"
            f" WHERE arxiv_id IN ({placeholders(len(chunk))}) GROUP BY arxiv_id",
            tuple(chunk),
        ):
            found[arxiv_id] = paper_id
    return found


def _paper_arxivs(conn: sqlite3.Connection, paper_ids: list[int]) -> Iterator[tuple[int, str]]:
    """(paper id, arXiv id) for each distinct arXiv id of these papers' entries."""
    for chunk in chunked(paper_ids):
        yield from conn.execute(
            "SELECT DISTINCT paper_id, arxiv_id FROM entries"
            f" WHERE paper_id IN ({placeholders(len(chunk))}) AND arxiv_id IS NOT NULL",
            tuple(chunk),
        )


@dataclass(frozen=True, slots=True)
class Forgotten:
    """The keys and papers of a source's entries that were just deleted."""

    keys: set[str]
    arxiv_ids: set[str]
    papers: set[int]


class KeyIndex:
    """The stored entries' keys, loaded lazily until complete (see the module docstring)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.complete = False
        self._existing = 0  # entries in the database when the import started
        self._seen = 0  # entries this import has stored
        self._by_key: dict[str, Papers] = {}
        self._by_arxiv: dict[str, int | None] = {}
        self._arxivs: dict[int, ArxivIds] = {}
        # Keys of the entries a changed file had before, so its re-imported entries keep
        # their paper ids instead of starting new papers.
        self._previous: dict[tuple[str, str], int] = {}

    def start(self) -> None:
        """Count the stored entries: on an empty database every map starts complete."""
        self._existing = int(self.conn.execute("SELECT count(*) FROM entries").fetchone()[0])
        self.complete = self._existing == 0

    def expect(self, entries: int) -> None:
        """The import is about to store ``entries`` more: load every key once it pays."""
        if not self.complete and (self._seen + entries) * PRELOAD_RATIO >= self._existing:
            self._load_all()
        self._seen += entries

    # -- lookups ----------------------------------------------------------------------

    def papers_with_key(self, key: str) -> Papers:
        """The papers with an entry of this title key, in order of their first such entry."""
        if key in self._by_key or self.complete:
            return self._by_key.get(key)
        ids = [
            int(row[0])
            for row in self.conn.execute(
                "SELECT paper_id FROM entries WHERE title_key = ? GROUP BY paper_id ORDER BY min(id)",
                (key,),
            )
        ]
        found = self._by_key[key] = _compact(ids)
        return found

    def first_with_arxiv(self, arxiv_id: str) -> int | None:
        """The paper of the first entry with this arXiv id."""
        if arxiv_id in self._by_arxiv or self.complete:
            return self._by_arxiv.get(arxiv_id)
        row = self.conn.execute(
            "SELECT paper_id FROM entries WHERE arxiv_id = ? ORDER BY id LIMIT 1", (arxiv_id,)
        ).fetchone()
        found = self._by_arxiv[arxiv_id] = None if row is None else int(row[0])
        return found

    def arxivs_of(self, paper_id: int) -> ArxivIds:
        """The arXiv ids of a paper's entries (one as a string, more as a set)."""
        if paper_id in self._arxivs or self.complete:
            return self._arxivs.get(paper_id)
        ids = {
            str(row[0])
            for row in self.conn.execute(
                "SELECT DISTINCT arxiv_id FROM entries WHERE paper_id = ? AND arxiv_id IS NOT NULL",
                (paper_id,),
            )
        }
        found = self._arxivs[paper_id] = None if not ids else ids.pop() if len(ids) == 1 else ids
        return found

    def _conflicting_arxiv(self, paper_id: int, arxiv_id: str | None) -> bool:
        if arxiv_id is None:
            return False
        ids = self.arxivs_of(paper_id)
        if ids is None:
            return False
        if isinstance(ids, str):
            return ids != arxiv_id
        return any(other != arxiv_id for other in ids)

    def _by_title(self, key: str, arxiv_id: str | None) -> int | None:
        papers = self.papers_with_key(key)
        if isinstance(papers, int):
            return None if self._conflicting_arxiv(papers, arxiv_id) else papers
        for paper_id in (papers or [])[:MAX_TITLE_CANDIDATES]:
            if not self._conflicting_arxiv(paper_id, arxiv_id):
                return paper_id
        return None

    def find_paper(self, arxiv_id: str | None, key: str) -> int | None:
        """The paper an entry with these exact keys belongs to, if any.

        Same arXiv id first; else the same title key, unless that paper's mentions carry
        a different arXiv id (then they are different works with one title); else the
        paper an entry with this key had before its file changed.
        """
        found = self.first_with_arxiv(arxiv_id) if arxiv_id else None
        if found is None and key:
            found = self._by_title(key, arxiv_id)
        if found is not None:
            return found
        for previous in (("arxiv", arxiv_id or ""), ("title", key)):
            if previous[1] and previous in self._previous:
                return self._previous[previous]
        return None

    # -- updates ----------------------------------------------------------------------

    def new_paper(self, paper_id: int) -> None:
        """A paper this import starts: it has no stored entries."""
        if not self.complete:
            self._arxivs[paper_id] = None

    def add(self, paper_id: int, key: str, arxiv_id: str | None) -> None:
        """Record a new entry of ``paper_id`` (its id is above every stored entry's)."""
        if key:
            papers = self.papers_with_key(key)
            if papers is None:
                self._by_key[key] = paper_id
            elif isinstance(papers, int):
                if papers != paper_id:
                    self._by_key[key] = [papers, paper_id]
            elif paper_id not in papers:
                papers.append(paper_id)
        if arxiv_id is not None:
            if arxiv_id and self.first_with_arxiv(arxiv_id) is None:
                self._by_arxiv[arxiv_id] = paper_id
            self._add_arxiv(paper_id, arxiv_id, self.arxivs_of(paper_id))

    def _add_arxiv(self, paper_id: int, arxiv_id: str, ids: ArxivIds) -> None:
        if ids is None:
            self._arxivs[paper_id] = arxiv_id
        elif isinstance(ids, str):
            if ids != arxiv_id:
                self._arxivs[paper_id] = {ids, arxiv_id}
        else:
            ids.add(arxiv_id)

    def _load_all(self) -> None:
        """Read every stored entry's keys once; from now on the maps are complete."""
        self._by_key.clear()
        self._by_arxiv.clear()
        self._arxivs.clear()
        self.complete = True
        for paper_id, key, arxiv_id in self.conn.execute(
            "SELECT paper_id, title_key, arxiv_id FROM entries ORDER BY id"
        ):
            self.add(paper_id, key, arxiv_id)

    def forget_source(self, source_id: int) -> Forgotten:
        """Note the keys of a source's entries before they are deleted (see :meth:`reload`)."""
        self._previous.clear()
        forgotten = Forgotten(set(), set(), set())
        for paper_id, key, arxiv_id in self.conn.execute(
            "SELECT paper_id, title_key, arxiv_id FROM entries WHERE source_id = ? ORDER BY line",
            (source_id,),
        ):
            forgotten.papers.add(paper_id)
            if key:
                forgotten.keys.add(key)
                self._previous.setdefault(("title", key), paper_id)
            if arxiv_id is not None:
                forgotten.arxiv_ids.add(arxiv_id)
            if arxiv_id:
                self._previous.setdefault(("arxiv", arxiv_id), paper_id)
        return forgotten

    def forget_previous(self) -> None:
        """The changed file is stored again: its old keys link nothing more."""
        self._previous.clear()

    def reload(self, forgotten: Forgotten) -> None:
        """Re-read these keys after their entries were deleted."""
        for key in forgotten.keys:
            self._by_key.pop(key, None)
        for arxiv_id in forgotten.arxiv_ids:
            self._by_arxiv.pop(arxiv_id, None)
        for paper_id in forgotten.papers:
            self._arxivs.pop(paper_id, None)
        if not self.complete:
            return  # looked up again when needed
        self._by_key.update(_papers_by_key(self.conn, sorted(forgotten.keys)))
        self._by_arxiv.update(_first_by_arxiv(self.conn, sorted(forgotten.arxiv_ids)))
        for paper_id, arxiv_id in _paper_arxivs(self.conn, sorted(forgotten.papers)):
            self._add_arxiv(paper_id, arxiv_id, self._arxivs.get(paper_id))
