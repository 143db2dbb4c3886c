"""Store one import's files: link each entry to a paper by its exact keys and write it.

Per file:

* same content as last time (by content hash) -> nothing changes;
* changed content -> that source's entries and warnings are replaced;
* each entry joins an existing paper by an exact key (same arXiv id, else same title key)
  or starts a new paper.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from paperdb import changes, normalize
from paperdb.db import backup, chunked, placeholders, utc_now
from paperdb.errors import InputError
from paperdb.ingest.ahead import ParseAhead
from paperdb.ingest.keys import KeyIndex
from paperdb.ingest.lookups import Lookups
from paperdb.ingest.new_papers import NewPapers
from paperdb.ingest.report import FileReport
from paperdb.ingest.sources import (
    StoredSource,
    add_source,
    find_source,
    finish_source,
    name_for,
    remember_origin,
    stored_warnings,
)
from paperdb.models import LineWarning, ListFile, PaperRecord

# Reference rows an entry points at through a link table: (table, column, link table).
_LINKED = (
    ("authors", "author_id", "entry_authors"),
    ("tags", "tag_id", "entry_tags"),
    ("code_repos", "repo_id", "entry_code"),
)


@dataclass(frozen=True, slots=True)
class StoredMention:
    """A mention of a changed file as stored before it is replaced."""

    mention: changes.Mention
    first_seen: str | None
    added: int


@dataclass(slots=True)
class _Rows:
    """One file's rows for ``entries`` and its link tables, inserted in one go."""

    entries: list[tuple[Any, ...]] = field(default_factory=list)
    authors: list[tuple[int, int, int]] = field(default_factory=list)
    code: list[tuple[int, int]] = field(default_factory=list)
    tags: list[tuple[int, int]] = field(default_factory=list)

    def insert(self, conn: sqlite3.Connection) -> None:
        conn.executemany(
            "INSERT INTO entries (id, source_id, line, raw, section, fmt, title, title_key,"
            " year, venue, venue_raw, presentation, topic, paper_url, broken_link,"
            " arxiv_id, nickname, paper_id, first_seen, added)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            self.entries,
        )
        conn.executemany(
            "INSERT INTO entry_authors (entry_id, author_id, position) VALUES (?, ?, ?)",
            self.authors,
        )
        conn.executemany(
            "INSERT OR IGNORE INTO entry_code (entry_id, repo_id) VALUES (?, ?)", self.code
        )
        conn.executemany(
            "INSERT OR IGNORE INTO entry_tags (entry_id, tag_id) VALUES (?, ?)", self.tags
        )


def _entry_row(
    entry_id: int,
    source_id: int,
    record: PaperRecord,
    key: str,
    section: str,
    paper_id: int,
    seen: tuple[str, int],
) -> tuple[Any, ...]:
    return (
        entry_id,
        source_id,
        record.line,
        record.raw,
        section,
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
        record.arxiv_id,
        record.nickname,
        paper_id,
        *seen,
    )


def _one_per_line(
    records: Sequence[PaperRecord], name: str, report: FileReport
) -> list[PaperRecord]:
    """The records to store: one entry per (file, line) is the schema's identity of a
    mention, so a second entry on a line becomes a warning."""
    kept: list[PaperRecord] = []
    lines: set[int] = set()
    for record in records:
        if record.line in lines:
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
    return kept


class _Orphans:
    """Authors, tags and repos the replaced entries named: deleted at the end if unused."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.candidates: dict[str, set[int]] = {table: set() for table, _, _ in _LINKED}

    def note(self, source_id: int) -> None:
        """The reference rows a source's entries name, before they are deleted."""
        for table, column, link in _LINKED:
            self.candidates[table].update(
                row[0]
                for row in self.conn.execute(
                    f"SELECT DISTINCT l.{column} FROM {link} l JOIN entries e"
                    " ON e.id = l.entry_id WHERE e.source_id = ?",
                    (source_id,),
                )
            )

    def delete(self) -> None:
        for table, column, link in _LINKED:
            for chunk in chunked(sorted(self.candidates[table])):
                self.conn.execute(
                    f"DELETE FROM {table} WHERE id IN ({placeholders(len(chunk))})"
                    f" AND NOT EXISTS (SELECT 1 FROM {link} WHERE {column} = {table}.id)",
                    tuple(chunk),
                )


def _stored_mentions(conn: sqlite3.Connection, source_id: int) -> list[StoredMention]:
    """What identifies a source's stored entries across imports (text, keys, first seen)."""
    return [
        StoredMention(changes.Mention(raw, key, arxiv_id), first_seen, added)
        for raw, key, arxiv_id, first_seen, added in conn.execute(
            "SELECT raw, title_key, arxiv_id, first_seen, added FROM entries"
            " WHERE source_id = ? ORDER BY line",
            (source_id,),
        )
    ]


class Writer:
    """Per-invocation state: reference ids, the entries' keys, and the papers to summarize."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        label: str,
        *,
        following: bool = False,
        backed_up: Path | None = None,
    ) -> None:
        self.conn = conn
        self.label = label
        # Files re-read from a followed origin (sync): a changed file that holds no entry
        # any more is refused instead of emptied, and a file new upstream is part of a
        # list paperdb already had, so its mentions count as added.
        self.following = following
        self.backed_up = backed_up
        self.keys = KeyIndex(conn)
        self.lookups = Lookups(conn)
        self.new_papers = NewPapers(conn)
        # Papers that existed before this import and whose entries changed.
        self.touched: set[int] = set()
        self.orphans = _Orphans(conn)

    def start(self) -> None:
        self.keys.start()

    def import_file(self, file: ListFile, parser: ParseAhead) -> FileReport:
        """Import one list file (see the module docstring)."""
        if file.not_modified:
            return self._not_modified(file)
        text, notes, digest = parser.read(file)
        stored = find_source(self.conn, file, digest)
        name = name_for(self.conn, file, stored)
        if stored is not None and stored.content_hash == digest:
            remember_origin(self.conn, stored.id, file)
            return self._unchanged(file, stored, name, notes)
        parsed = parser.parse(file, text, digest, name)
        if self.following and stored is not None and stored.n_entries and not parsed.records:
            raise InputError(
                f"{file.identity}: the list holds no paper entries any more"
                f" (it had {stored.n_entries})"
            )
        previous: list[StoredMention] | None = None
        if stored is None:
            source_id = add_source(self.conn, file, name, parsed.fmt, digest)
        else:
            source_id = stored.id
            if stored.n_entries:
                self._backup_once()
            previous = self._forget_entries(source_id)
        remember_origin(self.conn, source_id, file)
        report = FileReport(
            identity=file.identity,
            name=name,
            fmt=parsed.fmt,
            warnings=list(parsed.warnings),
            skipped=parsed.skipped,
            notes=notes,
            replaced=stored is not None,
        )
        self.store_records(source_id, name, parsed.records, report, previous)
        self.keys.forget_previous()
        finish_source(self.conn, source_id, digest, report)
        if not report.entries:
            report.notes.append("no paper entries found")
        return report

    def _unchanged(
        self, file: ListFile, stored: StoredSource, name: str, notes: list[str]
    ) -> FileReport:
        return FileReport(
            identity=file.identity,
            name=name,
            fmt=stored.fmt,
            entries=stored.n_entries,
            unchanged=True,
            warnings=stored_warnings(self.conn, stored.id, name),
            notes=notes,
        )

    def _not_modified(self, file: ListFile) -> FileReport:
        """The server said the file did not change since it was fetched last."""
        stored = find_source(self.conn, file, None)
        if stored is None:
            raise InputError(f"{file.identity}: not modified upstream, but not in the database")
        remember_origin(self.conn, stored.id, file)
        return self._unchanged(file, stored, stored.name, [])

    def _link(self, record: PaperRecord, key: str, report: FileReport) -> int:
        """The paper this record joins, or a new one."""
        paper_id = self.keys.find_paper(record.arxiv_id, key)
        if paper_id is None:
            paper_id = self.new_papers.start()
            self.keys.new_paper(paper_id)
            report.new_papers += 1
        else:
            report.linked += 1
        self.keys.add(paper_id, key, record.arxiv_id)
        return paper_id

    def store_records(
        self,
        source_id: int,
        name: str,
        records: Sequence[PaperRecord],
        report: FileReport,
        previous: Sequence[StoredMention] | None = None,
    ) -> None:
        """Link and store one file's records: one ``executemany`` per table.

        ``previous`` are the mentions an earlier import of this file stored: a record
        that continues one of them keeps its first-seen time (:mod:`paperdb.changes`).
        """
        kept = _one_per_line(records, name, report)
        keys = [normalize.title_key(record.title) for record in kept]
        seen = self._first_seen(kept, keys, previous, report)
        if not kept:
            return
        self.keys.expect(len(kept))
        lookups = self.lookups
        lookups.resolve_authors(a for r in kept for a in r.authors or ())
        lookups.resolve_tags(t for r in kept for t in r.tags)
        lookups.resolve_repos(link for r in kept for link in r.code)
        row = self.conn.execute("SELECT coalesce(max(id), 0) FROM entries").fetchone()
        entry_id = int(row[0])  # SQLite's choice of the next rowid, made explicit
        rows = _Rows()
        for index, record in enumerate(kept):
            key = keys[index]
            paper_id = self._link(record, key, report)
            lookups.ensure_venue(record.venue)
            lookups.ensure_topic(record.topic)
            entry_id += 1
            section = lookups.section_json(record.section)
            first_seen, added, arrived = seen[index]
            rows.entries.append(
                _entry_row(entry_id, source_id, record, key, section, paper_id, (first_seen, added))
            )
            if arrived and added and paper_id in self.new_papers:
                report.arrivals.add(paper_id)
            report.entries += 1
            if record.authors:
                rows.authors.extend(
                    (entry_id, lookups.authors[author], position)
                    for position, author in enumerate(record.authors)
                )
            rows.code.extend((entry_id, lookups.repos[link.url]) for link in record.code)
            rows.tags.extend((entry_id, lookups.tags[tag]) for tag in record.tags)
            if paper_id not in self.new_papers:
                self.touched.add(paper_id)
        rows.insert(self.conn)

    def _first_seen(
        self,
        kept: Sequence[PaperRecord],
        keys: Sequence[str],
        previous: Sequence[StoredMention] | None,
        report: FileReport,
    ) -> list[tuple[str, int, bool]]:
        """(first_seen, added, new here) per record: inherited from the mention it
        continues, else now, marked as added when the list was imported before."""
        now = utc_now()
        if previous is None:
            return [(now, int(self.following), True)] * len(kept)
        found = changes.compare(
            [m.mention for m in previous],
            [changes.Mention(r.raw, key, r.arxiv_id) for r, key in zip(kept, keys, strict=True)],
        )
        report.added, report.removed, report.changed = found.new, found.removed, found.changed
        return [
            (now, 1, True)
            if i is None
            else (previous[i].first_seen or now, previous[i].added, False)
            for i in found.previous
        ]

    def _forget_entries(self, source_id: int) -> list[StoredMention]:
        """Delete a changed source's entries (link rows cascade) and warnings; returns
        what identifies them across imports."""
        previous = _stored_mentions(self.conn, source_id)
        forgotten = self.keys.forget_source(source_id)
        self.new_papers.lost_entries(forgotten.papers)
        self.touched.update(forgotten.papers)
        self.orphans.note(source_id)
        self.conn.execute("DELETE FROM entries WHERE source_id = ?", (source_id,))
        self.conn.execute("DELETE FROM import_warnings WHERE source_id = ?", (source_id,))
        self.keys.reload(forgotten)
        return previous

    def _backup_once(self) -> None:
        """Keep ``<db>.bak`` (the state before this import) before the first replacement
        of stored entries: a changed list can drop mentions someone curated."""
        if self.backed_up is None and self.label != ":memory:" and Path(self.label).exists():
            self.backed_up = backup(self.label)

    def delete_orphans(self) -> None:
        """Authors, tags and repos only the replaced entries named."""
        self.orphans.delete()
