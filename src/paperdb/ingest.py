"""Write parsed list entries into the database; the only module that writes data.

One import is one transaction (``BEGIN IMMEDIATE`` .. ``COMMIT``): a failure or a kill
leaves the database exactly as it was. Per file:

* same content as last time (by content hash) -> nothing changes;
* changed content -> that source's entries and warnings are replaced;
* each entry joins an existing paper by an exact key (same arXiv id, else same title key)
  or starts a new paper.

Afterwards the summary columns of every touched paper are recomputed from its entries
(:func:`refresh_papers`), and papers left without entries are deleted.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit

from paperdb import importers, normalize
from paperdb.db import backup, chunked, open_db, placeholders, seed_dir, translate_error
from paperdb.errors import DatabaseError, InputError
from paperdb.models import CodeLink, LineWarning, PaperRecord
from paperdb.papers import SUMMARY, refresh_papers, summarize
from paperdb.reader import collect_paths, read_list

if TYPE_CHECKING:
    from sqlite_utils import Database

Progress = Callable[[int, int, str], None]
"""Called as ``progress(done, total, name)`` before each file (``name`` is the file about
to be read, ``done`` the files finished) and once at the end with ``done == total``."""

T = TypeVar("T")


@dataclass(slots=True)
class FileReport:
    """What importing one file did."""

    path: Path
    name: str
    fmt: str
    entries: int = 0  # entries stored for this file (for an unchanged file: already stored)
    new_papers: int = 0  # papers this file's entries started
    linked: int = 0  # entries that joined a paper that already existed
    warnings: list[LineWarning] = field(default_factory=list)
    skipped: int = 0  # lines in non-paper sections passed over by the importer
    unchanged: bool = False  # same content as the last import: nothing was written
    replaced: bool = False  # imported before with other content: its entries were replaced
    notes: list[str] = field(default_factory=list)  # e.g. "decoded as GB18030"

    @property
    def status(self) -> str:
        """new | updated | unchanged"""
        return "unchanged" if self.unchanged else "updated" if self.replaced else "new"


@dataclass(slots=True)
class ImportReport:
    """What one ``import_paths`` call did, file by file."""

    files: list[FileReport] = field(default_factory=list)
    backup: Path | None = None  # <db>.bak written before entries were replaced

    @property
    def entries(self) -> int:
        return sum(f.entries for f in self.files)

    @property
    def new_papers(self) -> int:
        return sum(f.new_papers for f in self.files)

    @property
    def linked(self) -> int:
        return sum(f.linked for f in self.files)

    @property
    def warnings(self) -> list[LineWarning]:
        return [w for f in self.files for w in f.warnings]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def db_label(db: Database) -> str:
    """The database's file name for messages (``:memory:`` for an in-memory one)."""
    for _, name, file in db.conn.execute("PRAGMA database_list"):
        if name == "main":
            return str(file) or ":memory:"
    return ":memory:"


@contextmanager
def write_transaction(db: Database) -> Iterator[None]:
    """Hold the write lock for the whole block; commit at the end, roll back on any error.

    Raises:
        DatabaseBusyError: another process holds the write lock past the busy timeout.
    """
    conn = db.conn
    if conn.in_transaction:
        raise DatabaseError("internal error: an import cannot run inside another transaction")
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        raise translate_error(exc, db_label(db)) from exc
    try:
        yield
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    try:
        conn.execute("COMMIT")
    except sqlite3.Error as exc:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise translate_error(exc, db_label(db)) from exc


def content_hash(text: str) -> str:
    """The identity of a file's content: sha256 of its decoded, newline-normalized text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


_Mention = tuple[Any, ...]
"""A stored entry as its paper's summary needs it: (source_id, line, title, title_key,
year, venue, presentation, arxiv_id, paper_url, broken_link, nickname, authors, has_code)."""


def _compact(ids: list[int]) -> int | list[int] | None:
    return None if not ids else ids[0] if len(ids) == 1 else ids


_UNKNOWN: Any = object()  # not looked up yet (the key maps load lazily until complete)
_PRELOAD_RATIO = 4  # load every entry's keys once the import has seen 1/4 as many entries


class _Writer:
    """Per-invocation state: id caches, the entries' keys, and the papers to summarize.

    Linking an entry needs, for its arXiv id, the paper of the first entry with that id,
    and for its title key, the papers with an entry of that key (in order of their first
    such entry) and the arXiv ids of those papers' entries. These live in dicts that are
    updated as entries are stored and deleted. On an empty database, or once an import
    has seen a fair share of the database's size in entries, they hold every entry
    (``_complete``: a key that is absent has no entries); before that, each key is looked
    up in SQL the first time it is needed.
    """

    def __init__(self, db: Database) -> None:
        self.conn = db.conn
        self.label = db_label(db)
        self.backed_up: Path | None = None
        # Papers that existed before this import and whose entries changed.
        self.touched: set[int] = set()
        self.orphan_candidates: dict[str, set[int]] = {
            "authors": set(),
            "tags": set(),
            "code_repos": set(),
        }
        self._authors: dict[str, int] = {}
        self._tags: dict[str, int] = {}
        self._repos: dict[str, int] = {}
        self._venues: set[str] = set()
        self._topics: set[str] = set()
        self._sections: dict[tuple[str, ...], str] = {}
        # Keys of the entries a changed file had before, so its re-imported entries keep
        # their paper ids instead of starting new papers.
        self._previous: dict[tuple[str, str], int] = {}
        # Papers this import starts: id -> created_at. Their rows are inserted once, with
        # their summary, at the end (entries point at them meanwhile, under PRAGMA
        # defer_foreign_keys), so each new paper costs one FTS insert instead of an
        # insert plus a delete and an insert for the summary update.
        self.new_papers: dict[int, str] = {}
        # Their mentions, as stored (see _Mention), to summarize them without reading back.
        self._mentions: dict[int, _Mention | list[_Mention]] = {}
        # Papers this import started whose entries changed since: refresh_papers() does them.
        self.sql_new_papers: dict[int, str] = {}
        self._next_paper_id = 0
        self._stamp: tuple[int, str] = (-1, "")
        # The keys of the stored entries (see the class docstring).
        self._complete = False
        self._existing = 0  # entries in the database when the import started
        self._seen = 0  # entries this import has stored
        self._by_key: dict[str, int | list[int] | None] = {}
        self._by_arxiv: dict[str, int | None] = {}
        self._arxivs: dict[int, str | set[str] | None] = {}

    def start(self) -> None:
        """Count the stored entries: on an empty database every key map starts complete."""
        self._existing = int(self.conn.execute("SELECT count(*) FROM entries").fetchone()[0])
        self._complete = self._existing == 0

    def _created_at(self) -> str:
        """``_now()``, formatted once per second."""
        second = int(time.time())
        if second != self._stamp[0]:
            self._stamp = (second, _now())
        return self._stamp[1]

    # -- reference rows ---------------------------------------------------------------

    def _resolve_names(self, table: str, cache: dict[str, int], names: Iterable[str]) -> None:
        """Put the ids of these authors or tags in ``cache``, adding the missing rows in
        the order the names first appear."""
        wanted = [name for name in dict.fromkeys(names) if name not in cache]
        for chunk in chunked(wanted):
            cache.update(
                (name, int(found))
                for name, found in self.conn.execute(
                    f"SELECT name, id FROM {table} WHERE name IN ({placeholders(len(chunk))})",
                    tuple(chunk),
                )
            )
        for name in wanted:
            if name not in cache:
                cur = self.conn.execute(f"INSERT INTO {table} (name) VALUES (?)", (name,))
                cache[name] = int(cur.lastrowid or 0)

    def _resolve_repos(self, links: Iterable[CodeLink]) -> None:
        """Put the ids of these repositories in ``self._repos``. The first link of a URL
        in this import adds its row, or fills in an existing row's framework and raises
        its official flag."""
        first: dict[str, CodeLink] = {}
        for link in links:
            if link.url not in self._repos and link.url not in first:
                first[link.url] = link
        stored: dict[str, tuple[int, str | None, int]] = {}
        urls = list(first)
        for chunk in chunked(urls):
            for found, url, framework, official in self.conn.execute(
                "SELECT id, url, framework, official FROM code_repos"
                f" WHERE url IN ({placeholders(len(chunk))})",
                tuple(chunk),
            ):
                stored[url] = (int(found), framework, official)
        for url, link in first.items():
            row = stored.get(url)
            if row is None:
                host = urlsplit(url).hostname
                cur = self.conn.execute(
                    "INSERT INTO code_repos (url, host, framework, official) VALUES (?, ?, ?, ?)",
                    (url, host.lower() if host else None, link.framework, int(link.official)),
                )
                self._repos[url] = int(cur.lastrowid or 0)
                continue
            found, framework, official = row
            if (framework is None and link.framework) or (link.official and not official):
                self.conn.execute(
                    "UPDATE code_repos SET framework = coalesce(framework, ?),"
                    " official = max(official, ?) WHERE id = ?",
                    (link.framework, int(link.official), found),
                )
            self._repos[url] = found

    def _ensure_venue(self, venue: str | None) -> None:
        if venue and venue not in self._venues:
            self.conn.execute(
                "INSERT OR IGNORE INTO venues (name, kind) VALUES (?, ?)",
                (venue, normalize.venue_kind(venue)),
            )
            self._venues.add(venue)

    def _ensure_topic(self, topic: str | None) -> None:
        if topic and topic not in self._topics:
            self.conn.execute("INSERT OR IGNORE INTO topics (slug) VALUES (?)", (topic,))
            self._topics.add(topic)

    def _section_json(self, section: tuple[str, ...]) -> str:
        found = self._sections.get(section)
        if found is None:
            found = self._sections[section] = json.dumps(list(section), ensure_ascii=False)
        return found

    # -- the entries' keys ------------------------------------------------------------

    def _papers_with_key(self, key: str) -> int | list[int] | None:
        """The papers with an entry of this title key, in order of their first such entry."""
        found = self._by_key.get(key, _UNKNOWN)
        if found is _UNKNOWN:
            if self._complete:
                return None
            ids = [
                int(row[0])
                for row in self.conn.execute(
                    "SELECT paper_id FROM entries WHERE title_key = ?"
                    " GROUP BY paper_id ORDER BY min(id)",
                    (key,),
                )
            ]
            found = self._by_key[key] = _compact(ids)
        return found  # type: ignore[no-any-return]

    def _first_with_arxiv(self, arxiv_id: str) -> int | None:
        """The paper of the first entry with this arXiv id."""
        found = self._by_arxiv.get(arxiv_id, _UNKNOWN)
        if found is _UNKNOWN:
            if self._complete:
                return None
            row = self.conn.execute(
                "SELECT paper_id FROM entries WHERE arxiv_id = ? ORDER BY id LIMIT 1",
                (arxiv_id,),
            ).fetchone()
            found = self._by_arxiv[arxiv_id] = None if row is None else int(row[0])
        return found  # type: ignore[no-any-return]

    def _arxivs_of(self, paper_id: int) -> str | set[str] | None:
        """The arXiv ids of a paper's entries (one as a string, more as a set)."""
        found = self._arxivs.get(paper_id, _UNKNOWN)
        if found is _UNKNOWN:
            if self._complete:
                return None
            ids = {
                str(row[0])
                for row in self.conn.execute(
                    "SELECT DISTINCT arxiv_id FROM entries WHERE paper_id = ?"
                    " AND arxiv_id IS NOT NULL",
                    (paper_id,),
                )
            }
            found = self._arxivs[paper_id] = (
                None if not ids else ids.pop() if len(ids) == 1 else ids
            )
        return found  # type: ignore[no-any-return]

    def _add_keys(self, paper_id: int, key: str, arxiv_id: str | None) -> None:
        """Record a new entry of ``paper_id`` (its id is above every stored entry's)."""
        if key:
            papers = self._papers_with_key(key)
            if papers is None:
                self._by_key[key] = paper_id
            elif isinstance(papers, int):
                if papers != paper_id:
                    self._by_key[key] = [papers, paper_id]
            elif paper_id not in papers:
                papers.append(paper_id)
        if arxiv_id is not None:
            if arxiv_id and self._first_with_arxiv(arxiv_id) is None:
                self._by_arxiv[arxiv_id] = paper_id
            ids = self._arxivs_of(paper_id)
            if ids is None:
                self._arxivs[paper_id] = arxiv_id
            elif isinstance(ids, str):
                if ids != arxiv_id:
                    self._arxivs[paper_id] = {ids, arxiv_id}
            else:
                ids.add(arxiv_id)

    def _load_keys(self) -> None:
        """Read every stored entry's keys once; from now on the maps are complete."""
        self._by_key.clear()
        self._by_arxiv.clear()
        self._arxivs.clear()
        self._complete = True
        for paper_id, key, arxiv_id in self.conn.execute(
            "SELECT paper_id, title_key, arxiv_id FROM entries ORDER BY id"
        ):
            self._add_keys(paper_id, key, arxiv_id)

    def _reload_keys(self, keys: set[str], arxiv_ids: set[str], paper_ids: set[int]) -> None:
        """Re-read these keys after entries were deleted."""
        for key in keys:
            self._by_key.pop(key, None)
        for arxiv_id in arxiv_ids:
            self._by_arxiv.pop(arxiv_id, None)
        for paper_id in paper_ids:
            self._arxivs.pop(paper_id, None)
        if not self._complete:
            return  # looked up again when needed
        for key_chunk in chunked(sorted(keys)):
            firsts: dict[str, list[tuple[int, int]]] = {}
            for key, paper_id, first in self.conn.execute(
                "SELECT title_key, paper_id, min(id) FROM entries"
                f" WHERE title_key IN ({placeholders(len(key_chunk))}) GROUP BY title_key, paper_id",
                tuple(key_chunk),
            ):
                firsts.setdefault(key, []).append((first, paper_id))
            for key, papers in firsts.items():
                self._by_key[key] = _compact([paper_id for _, paper_id in sorted(papers)])
        for arxiv_chunk in chunked(sorted(arxiv_ids)):
            for arxiv_id, paper_id, _ in self.conn.execute(
                "SELECT arxiv_id, paper_id, min(id) FROM entries"
                f" WHERE arxiv_id IN ({placeholders(len(arxiv_chunk))}) GROUP BY arxiv_id",
                tuple(arxiv_chunk),
            ):
                self._by_arxiv[arxiv_id] = paper_id
        for chunk in chunked(sorted(paper_ids)):
            for paper_id, arxiv_id in self.conn.execute(
                "SELECT DISTINCT paper_id, arxiv_id FROM entries"
                f" WHERE paper_id IN ({placeholders(len(chunk))}) AND arxiv_id IS NOT NULL",
                tuple(chunk),
            ):
                ids = self._arxivs.get(paper_id)
                if ids is None:
                    self._arxivs[paper_id] = arxiv_id
                elif isinstance(ids, str):
                    self._arxivs[paper_id] = {ids, arxiv_id}
                else:
                    ids.add(arxiv_id)

    # -- linking ----------------------------------------------------------------------

    def _conflicting_arxiv(self, paper_id: int, arxiv_id: str | None) -> bool:
        if arxiv_id is None:
            return False
        ids = self._arxivs_of(paper_id)
        if ids is None:
            return False
        if isinstance(ids, str):
            return ids != arxiv_id
        return any(other != arxiv_id for other in ids)

    def find_paper(self, arxiv_id: str | None, key: str) -> int | None:
        """The paper an entry with these exact keys belongs to, if any.

        Same arXiv id first; else the same title key, unless that paper's mentions carry
        a different arXiv id (then they are different works with one title).
        """
        if arxiv_id:
            found = self._first_with_arxiv(arxiv_id)
            if found is not None:
                return found
        if key:
            papers = self._papers_with_key(key)
            if isinstance(papers, int):
                if not self._conflicting_arxiv(papers, arxiv_id):
                    return papers
            elif papers:
                for paper_id in papers[:20]:
                    if not self._conflicting_arxiv(paper_id, arxiv_id):
                        return paper_id
        for previous in (("arxiv", arxiv_id or ""), ("title", key)):
            if previous[1] and previous in self._previous:
                return self._previous[previous]
        return None

    def _new_paper(self) -> int:
        if not self._next_paper_id:
            self.conn.execute("PRAGMA defer_foreign_keys = ON")  # until this COMMIT
            row = self.conn.execute("SELECT coalesce(max(id), 0) FROM papers").fetchone()
            self._next_paper_id = int(row[0]) + 1
        paper_id = self._next_paper_id
        self._next_paper_id += 1
        self.new_papers[paper_id] = self._created_at()
        if not self._complete:
            self._arxivs[paper_id] = None  # no entries in the database
        return paper_id

    # -- sources ----------------------------------------------------------------------

    def _forget_entries(self, source_id: int) -> None:
        """Delete a changed source's entries (link rows cascade) and warnings."""
        self._previous.clear()
        keys: set[str] = set()
        arxiv_ids: set[str] = set()
        papers: set[int] = set()
        for paper_id, key, arxiv_id in self.conn.execute(
            "SELECT paper_id, title_key, arxiv_id FROM entries WHERE source_id = ? ORDER BY line",
            (source_id,),
        ):
            papers.add(paper_id)
            if key:
                keys.add(key)
                self._previous.setdefault(("title", key), paper_id)
            if arxiv_id is not None:
                arxiv_ids.add(arxiv_id)
            if arxiv_id:
                self._previous.setdefault(("arxiv", arxiv_id), paper_id)
        for paper_id in papers & self.new_papers.keys():
            # A paper this import started that loses entries is summarized from SQL.
            self._mentions.pop(paper_id, None)
            self.sql_new_papers[paper_id] = self.new_papers.pop(paper_id)
        self.touched.update(papers)
        for table, column, link in (
            ("authors", "author_id", "entry_authors"),
            ("tags", "tag_id", "entry_tags"),
            ("code_repos", "repo_id", "entry_code"),
        ):
            self.orphan_candidates[table].update(
                row[0]
                for row in self.conn.execute(
                    f"SELECT DISTINCT l.{column} FROM {link} l JOIN entries e"
                    " ON e.id = l.entry_id WHERE e.source_id = ?",
                    (source_id,),
                )
            )
        self.conn.execute("DELETE FROM entries WHERE source_id = ?", (source_id,))
        self.conn.execute("DELETE FROM import_warnings WHERE source_id = ?", (source_id,))
        self._reload_keys(keys, arxiv_ids, papers)

    def _backup_once(self) -> None:
        """Keep ``<db>.bak`` (the state before this import) before the first replacement
        of stored entries: a changed list can drop mentions someone curated."""
        if self.backed_up is None and self.label != ":memory:" and Path(self.label).exists():
            self.backed_up = backup(self.label)

    def _stored_warnings(self, source_id: int, name: str) -> list[LineWarning]:
        return [
            LineWarning(file=name, line=line, reason=reason, raw=raw)
            for line, reason, raw in self.conn.execute(
                "SELECT line, reason, raw FROM import_warnings WHERE source_id = ?"
                " ORDER BY line, id",
                (source_id,),
            )
        ]

    def import_file(self, path: Path, fmt: str | None) -> FileReport:
        text, notes = read_list(path)
        digest = content_hash(text)
        resolved = str(path.resolve())
        name = path.name
        row = self.conn.execute(
            "SELECT id, content_hash, format, n_entries FROM sources WHERE path = ?",
            (resolved,),
        ).fetchone()
        if row is None:
            # The same file, moved: same name, same content.
            row = self.conn.execute(
                "SELECT id, content_hash, format, n_entries FROM sources"
                " WHERE name = ? AND content_hash = ? ORDER BY id LIMIT 1",
                (name, digest),
            ).fetchone()
            if row is not None:
                self.conn.execute("UPDATE sources SET path = ? WHERE id = ?", (resolved, row[0]))
        if row is not None and row[1] == digest:
            return FileReport(
                path=path,
                name=name,
                fmt=row[2] or "",
                entries=row[3],
                unchanged=True,
                warnings=self._stored_warnings(row[0], name),
                notes=notes,
            )

        parsed = importers.parse_text(text, file=name, fmt=fmt)
        if row is None:
            cur = self.conn.execute(
                "INSERT INTO sources (path, name, format, content_hash, imported_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (resolved, name, parsed.fmt, digest, _now()),
            )
            source_id = int(cur.lastrowid or 0)
        else:
            source_id = int(row[0])
            if row[3]:
                self._backup_once()
            self._forget_entries(source_id)

        report = FileReport(
            path=path,
            name=name,
            fmt=parsed.fmt,
            warnings=list(parsed.warnings),
            skipped=parsed.skipped,
            notes=notes,
            replaced=row is not None,
        )
        self._store_records(source_id, name, parsed.records, report)
        self._previous.clear()
        self.conn.executemany(
            "INSERT INTO import_warnings (source_id, line, reason, raw) VALUES (?, ?, ?, ?)",
            [(source_id, w.line, w.reason, w.raw) for w in report.warnings],
        )
        self.conn.execute(
            "UPDATE sources SET format = ?, content_hash = ?, n_entries = ?, n_warnings = ?,"
            " imported_at = ? WHERE id = ?",
            (parsed.fmt, digest, report.entries, len(report.warnings), _now(), source_id),
        )
        if not report.entries:
            report.notes.append("no paper entries found")
        return report

    def _store_records(
        self, source_id: int, name: str, records: Sequence[PaperRecord], report: FileReport
    ) -> None:
        """Link and store one file's records: one ``executemany`` per table."""
        kept: list[PaperRecord] = []
        lines: set[int] = set()
        for record in records:
            if record.line in lines:
                # One entry per (file, line) is the schema's identity of a mention.
                report.warnings.append(
                    LineWarning(
                        file=name,
                        line=record.line,
                        raw=record.raw,
                        reason=f"a second entry on this line was not stored: {record.title!r}",
                    )
                )
                continue
            lines.add(record.line)
            kept.append(record)
        if not kept:
            return
        if not self._complete and (self._seen + len(kept)) * _PRELOAD_RATIO >= self._existing:
            self._load_keys()
        self._seen += len(kept)
        authors, tags = self._authors, self._tags
        self._resolve_names("authors", authors, (a for r in kept for a in r.authors or ()))
        self._resolve_names("tags", tags, (t for r in kept for t in r.tags))
        self._resolve_repos(link for r in kept for link in r.code)
        repos = self._repos
        row = self.conn.execute("SELECT coalesce(max(id), 0) FROM entries").fetchone()
        entry_id = int(row[0])  # SQLite's choice of the next rowid, made explicit
        entry_rows: list[tuple[Any, ...]] = []
        author_rows: list[tuple[int, int, int]] = []
        code_rows: list[tuple[int, int]] = []
        tag_rows: list[tuple[int, int]] = []
        title_key = normalize.title_key
        mentions = self._mentions
        for record in kept:
            key = title_key(record.title)
            arxiv_id = record.arxiv_id
            paper_id = self.find_paper(arxiv_id, key)
            if paper_id is None:
                paper_id = self._new_paper()
                report.new_papers += 1
            else:
                report.linked += 1
            self._add_keys(paper_id, key, arxiv_id)
            if record.venue:
                self._ensure_venue(record.venue)
            if record.topic:
                self._ensure_topic(record.topic)
            entry_id += 1
            entry_rows.append(
                (
                    entry_id,
                    source_id,
                    record.line,
                    record.raw,
                    self._section_json(record.section),
                    record.fmt or None,
                    record.title,
                    key,
                    record.year,
                    record.venue,
                    record.venue_raw,
                    record.presentation,
                    record.topic,
                    record.paper_url,
                    int(record.broken_link),
                    arxiv_id,
                    record.nickname,
                    paper_id,
                )
            )
            report.entries += 1
            if record.authors:
                author_rows.extend(
                    (entry_id, authors[author], position)
                    for position, author in enumerate(record.authors)
                )
            if record.code:
                code_rows.extend((entry_id, repos[link.url]) for link in record.code)
            if record.tags:
                tag_rows.extend((entry_id, tags[tag]) for tag in record.tags)
            mention: _Mention = (
                source_id,
                record.line,
                record.title,
                key,
                record.year,
                record.venue,
                record.presentation,
                arxiv_id,
                record.paper_url,
                record.broken_link,
                record.nickname,
                tuple(record.authors) if record.authors else None,
                bool(record.code),
            )
            if paper_id in self.new_papers:
                before = mentions.get(paper_id)
                if before is None:
                    mentions[paper_id] = mention
                elif isinstance(before, list):
                    before.append(mention)
                else:
                    mentions[paper_id] = [before, mention]
            else:
                self.touched.add(paper_id)
        self.conn.executemany(
            "INSERT INTO entries (id, source_id, line, raw, section, fmt, title, title_key,"
            " year, venue, venue_raw, presentation, topic, paper_url, broken_link,"
            " arxiv_id, nickname, paper_id)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            entry_rows,
        )
        self.conn.executemany(
            "INSERT INTO entry_authors (entry_id, author_id, position) VALUES (?, ?, ?)",
            author_rows,
        )
        self.conn.executemany(
            "INSERT OR IGNORE INTO entry_code (entry_id, repo_id) VALUES (?, ?)", code_rows
        )
        self.conn.executemany(
            "INSERT OR IGNORE INTO entry_tags (entry_id, tag_id) VALUES (?, ?)", tag_rows
        )

    def summaries(self) -> Iterator[tuple[Any, ...]]:
        """Rows for the ``papers`` this import started, summarized from their mentions."""
        for paper_id, created_at in self.new_papers.items():
            found = self._mentions.get(paper_id)
            if found is None:
                continue  # lost entries to a replaced file: refresh_papers() reads them
            if isinstance(found, list):
                found.sort(key=lambda m: (m[0], m[1]))
                summary = summarize(
                    [
                        {
                            "id": index,
                            "title": m[2],
                            "year": m[4],
                            "venue": m[5],
                            "presentation": m[6],
                            "arxiv_id": m[7],
                            "paper_url": m[8],
                            "broken_link": m[9],
                            "nickname": m[10],
                        }
                        for index, m in enumerate(found)
                    ],
                    {index: m[11] for index, m in enumerate(found) if m[11]},
                    any(m[12] for m in found),
                )
                yield (paper_id, *(summary[c] for c in SUMMARY), created_at)
            else:
                yield (paper_id, *_summarize_one(found), created_at)

    def delete_orphans(self) -> None:
        """Authors, tags and repos only the replaced entries named."""
        for table, column, link in (
            ("authors", "author_id", "entry_authors"),
            ("tags", "tag_id", "entry_tags"),
            ("code_repos", "repo_id", "entry_code"),
        ):
            ids = sorted(self.orphan_candidates[table])
            for chunk in chunked(ids):
                self.conn.execute(
                    f"DELETE FROM {table} WHERE id IN ({placeholders(len(chunk))})"
                    f" AND NOT EXISTS (SELECT 1 FROM {link} WHERE {column} = {table}.id)",
                    tuple(chunk),
                )


def _value(value: T | None) -> T | None:
    return None if value is None or value == "" else value


def _summarize_one(mention: _Mention) -> tuple[Any, ...]:
    """:func:`paperdb.papers.summarize` of a single mention, as a row in ``SUMMARY`` order."""
    (
        _,
        _,
        title,
        key,
        year,
        venue,
        presentation,
        arxiv_id,
        paper_url,
        broken_link,
        nickname,
        authors,
        has_code,
    ) = mention
    return (
        title,
        key,
        _value(year),
        _value(venue),
        _value(presentation),
        _value(arxiv_id),
        None if broken_link else _value(paper_url),
        _value(nickname),
        "; ".join(authors) if authors else None,
        1,
        int(has_code),
    )


_BULK_MIN_NEW = 5_000  # new papers from which indexing them in bulk pays off


@contextmanager
def _bulk_indexing(db: Database, new_papers: int) -> Iterator[None]:
    """Index many new papers' full text in one pass instead of row by row.

    FTS5 tables fed by AFTER INSERT triggers on ``papers`` cost ~100 us per row inside a
    large transaction, while a ``rebuild`` costs ~15 us per row of the whole table. When
    this import adds many papers (at least a quarter of all), the insert triggers are
    dropped for the block, the indexes rebuilt after it and the triggers re-created from
    their stored SQL, all inside the caller's transaction (a failure rolls it all back).
    """
    conn = db.conn
    existing = conn.execute("SELECT count(*) FROM papers").fetchone()[0] if new_papers else 0
    if new_papers < _BULK_MIN_NEW or new_papers * 3 < existing:
        yield
        return
    fts = {
        name
        for name, sql in conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND sql LIKE"
            " 'CREATE VIRTUAL TABLE%USING fts5%'"
        )
        if re.search(r"content\s*=\s*[\"']?papers[\"']?[\s,)]", sql, re.IGNORECASE)
    }
    triggers = []
    for name, sql in conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'papers'"
    ):
        targets = set(re.findall(r"INSERT\s+INTO\s+[\"']?(\w+)", sql, re.IGNORECASE))
        if re.search(r"AFTER\s+INSERT\s+ON", sql, re.IGNORECASE) and targets and targets <= fts:
            triggers.append((name, sql))
    if not triggers:
        yield
        return
    for name, _ in triggers:
        conn.execute(f'DROP TRIGGER "{name}"')
    yield
    for table in sorted(fts):
        conn.execute(f'INSERT INTO "{table}" ("{table}") VALUES (\'rebuild\')')
    for _, sql in triggers:
        conn.execute(sql)


_BULK_MIN_BYTES = 1 << 20  # list files from which an empty database is loaded in bulk
# Indexes kept while loading in bulk: entries_paper_id serves the foreign-key checks of
# the papers' inserts (deferred) and refresh_papers(); the rest are built after the load.
_KEPT_INDEXES = {"entries_paper_id"}


@contextmanager
def _deferred_indexes(db: Database, files: Sequence[Path]) -> Iterator[None]:
    """Build the secondary indexes of ``entries`` and ``papers`` after a bulk load.

    Only when both tables are empty and the files are large: inserting rows in random
    key order into seven indexes costs more than sorting once. The indexes are dropped
    and re-created from their stored SQL inside the caller's transaction (a failure
    rolls it all back); the import reads none of them meanwhile (its key maps are
    complete on an empty database).
    """
    conn = db.conn
    if (
        sum(path.stat().st_size for path in files) < _BULK_MIN_BYTES
        or conn.execute("SELECT 1 FROM entries LIMIT 1").fetchone() is not None
        or conn.execute("SELECT 1 FROM papers LIMIT 1").fetchone() is not None
    ):
        yield
        return
    indexes = [
        (str(name), str(sql))
        for name, sql in conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index'"
            " AND tbl_name IN ('entries', 'papers') AND sql IS NOT NULL ORDER BY rowid"
        )
        if name not in _KEPT_INDEXES
    ]
    for name, _ in indexes:
        conn.execute(f'DROP INDEX "{name}"')
    yield
    for _, sql in indexes:
        conn.execute(sql)


def _tsv_rows(name: str) -> list[list[str]]:
    """Rows of a bundled ``paperdb/data/*.tsv`` file (``#`` lines are comments)."""
    resource = resources.files("paperdb").joinpath("data", name)
    if not resource.is_file():
        return []
    rows = []
    for line in resource.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            cells = line.split("\t")
            rows.append(cells + [""] * (3 - len(cells)))
    return rows


def load_reference_data(db: Database) -> None:
    """Add the bundled venues, topics and their aliases; rows already present are kept."""
    conn = db.conn
    for name, kind, aliases in _tsv_rows("venues.tsv"):
        conn.execute(
            "INSERT OR IGNORE INTO venues (name, kind) VALUES (?, ?)", (name, kind or None)
        )
        conn.execute(
            "UPDATE venues SET kind = ? WHERE name = ? AND kind IS NULL", (kind or None, name)
        )
        conn.executemany(
            "INSERT OR IGNORE INTO venue_aliases (alias, venue) VALUES (?, ?)",
            [(alias.strip(), name) for alias in aliases.split(",") if alias.strip()],
        )
    for slug, display, aliases in _tsv_rows("topics.tsv"):
        conn.execute(
            "INSERT OR IGNORE INTO topics (slug, name) VALUES (?, ?)", (slug, display or None)
        )
        conn.execute(
            "UPDATE topics SET name = ? WHERE slug = ? AND name IS NULL", (display or None, slug)
        )
        conn.executemany(
            "INSERT OR IGNORE INTO topic_aliases (alias, topic) VALUES (?, ?)",
            [(alias.strip(), slug) for alias in aliases.split(",") if alias.strip()],
        )


def import_paths(
    db: Database,
    paths: Iterable[Path | str],
    fmt: str | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Import list files and folders in one transaction and report what each file did.

    Before the first changed file replaces stored entries, the committed database is
    copied to ``<db>.bak`` (:func:`paperdb.db.backup`).

    Raises:
        InputError: a path is missing or unreadable, ``fmt`` is not a known format, or
            no file holds a paper entry (then nothing is written).
        DatabaseBusyError: another process is writing to the database.
    """
    if fmt is not None and fmt not in importers.FORMATS:
        raise InputError(f"unknown format {fmt!r}; choose one of: {', '.join(importers.FORMATS)}")
    files = collect_paths(paths)
    report = ImportReport()
    writer = _Writer(db)
    with write_transaction(db):
        load_reference_data(db)
        writer.start()
        with _deferred_indexes(db, files):
            for done, path in enumerate(files):
                if progress is not None:
                    progress(done, len(files), path.name)
                report.files.append(writer.import_file(path, fmt))
            if progress is not None:
                progress(len(files), len(files), "")
            if files and not report.entries:
                raise InputError(_nothing_found(report))
            with _bulk_indexing(db, len(writer.new_papers) + len(writer.sql_new_papers)):
                db.conn.executemany(
                    f"INSERT INTO papers (id, {', '.join(SUMMARY)}, created_at)"
                    f" VALUES ({placeholders(len(SUMMARY) + 2)})",
                    writer.summaries(),
                )
                refresh_papers(db, writer.touched, writer.sql_new_papers)
        writer.delete_orphans()
    report.backup = writer.backed_up
    return report


def _nothing_found(report: ImportReport) -> str:
    """The one-line error for an import in which no file held a paper entry."""
    names = [f.name for f in report.files]
    where = names[0] if len(names) == 1 else f"{len(names)} files ({', '.join(names[:3])}"
    where += "" if len(names) <= 3 else ", ..."
    where += "" if len(names) == 1 else ")"
    warnings = report.warnings
    if warnings:
        first = warnings[0]
        detail = (
            f"{len(warnings)} list line(s) could not be read as papers, e.g."
            f" {first.file}:{first.line}: {first.reason}"
        )
    else:
        detail = "it holds no list items or table rows that look like papers"
    return f"no paper entries found in {where}: {detail}; nothing was imported"


def ensure_seeded(db_path: Path) -> ImportReport | None:
    """Build the database from the bundled seed lists if ``db_path`` does not exist yet.

    The database is built beside ``db_path`` under a temporary name and moved into place
    only when complete, so an interrupted build leaves no half-seeded database behind.
    Returns the import report, or None when the database already existed.
    """
    if db_path.exists():
        return None
    db_path.parent.mkdir(parents=True, exist_ok=True)
    building = db_path.with_name(f".{db_path.name}.{os.getpid()}.building")
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{building}{suffix}").unlink(missing_ok=True)
    try:
        db = open_db(building)
        try:
            report = import_paths(db, [seed_dir()])
            # Leave one self-contained file (no -wal) to move; open_db sets WAL again.
            db.conn.execute("PRAGMA journal_mode = DELETE").fetchone()
        finally:
            db.close()
        os.replace(building, db_path)
    finally:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{building}{suffix}").unlink(missing_ok=True)
    return report
