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
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit

from paperdb import importers, normalize
from paperdb.db import backup, open_db, seed_dir, translate_error
from paperdb.errors import DatabaseError, InputError
from paperdb.models import ImportWarning, PaperRecord
from paperdb.reader import collect_paths, read_list

if TYPE_CHECKING:
    from sqlite_utils import Database

Progress = Callable[[int, int, str], None]
"""Called as ``progress(done, total, name)`` before each file (``name`` is the file about
to be read, ``done`` the files finished) and once at the end with ``done == total``."""

T = TypeVar("T")
_CHUNK = 500  # ids per "IN (...)" query, well under SQLite's variable limit


@dataclass(slots=True)
class FileReport:
    """What importing one file did."""

    path: Path
    name: str
    fmt: str
    entries: int = 0  # entries stored for this file (for an unchanged file: already stored)
    new_papers: int = 0  # papers this file's entries started
    linked: int = 0  # entries that joined a paper that already existed
    warnings: list[ImportWarning] = field(default_factory=list)
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
    def warnings(self) -> list[ImportWarning]:
        return [w for f in self.files for w in f.warnings]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _chunks(items: Sequence[T], size: int = _CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _marks(n: int) -> str:
    return ",".join("?" * n)


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


class _Writer:
    """Per-invocation state: id caches and the set of papers whose summary is stale."""

    def __init__(self, db: Database) -> None:
        self.conn = db.conn
        self.label = db_label(db)
        self.backed_up: Path | None = None
        self.touched: set[int] = set()
        self.orphan_candidates: dict[str, set[int]] = {"authors": set(), "tags": set(),
                                                        "code_repos": set()}
        self._authors: dict[str, int] = {}
        self._tags: dict[str, int] = {}
        self._repos: dict[str, int] = {}
        self._venues: set[str] = set()
        self._topics: set[str] = set()
        # Keys of the entries a changed file had before, so its re-imported entries keep
        # their paper ids instead of starting new papers.
        self._previous: dict[tuple[str, str], int] = {}
        # Papers this import starts: id -> created_at. Their rows are inserted once, with
        # their summary, by refresh_papers() at the end (entries point at them meanwhile,
        # under PRAGMA defer_foreign_keys), so each new paper costs one FTS insert instead
        # of an insert plus a delete and an insert for the summary update.
        self.new_papers: dict[int, str] = {}
        self._next_paper_id = 0

    # -- reference rows ---------------------------------------------------------------

    def _named_id(self, table: str, cache: dict[str, int], name: str) -> int:
        found = cache.get(name)
        if found is None:
            row = self.conn.execute(f"SELECT id FROM {table} WHERE name = ?", (name,)).fetchone()
            if row is None:
                cur = self.conn.execute(f"INSERT INTO {table} (name) VALUES (?)", (name,))
                found = int(cur.lastrowid or 0)
            else:
                found = int(row[0])
            cache[name] = found
        return found

    def _repo_id(self, url: str, framework: str | None, official: bool) -> int:
        found = self._repos.get(url)
        if found is not None:
            return found
        row = self.conn.execute(
            "SELECT id, framework, official FROM code_repos WHERE url = ?", (url,)
        ).fetchone()
        if row is None:
            host = urlsplit(url).hostname
            cur = self.conn.execute(
                "INSERT INTO code_repos (url, host, framework, official) VALUES (?, ?, ?, ?)",
                (url, host.lower() if host else None, framework, int(official)),
            )
            found = int(cur.lastrowid or 0)
        else:
            found = int(row[0])
            if (row[1] is None and framework) or (official and not row[2]):
                self.conn.execute(
                    "UPDATE code_repos SET framework = coalesce(framework, ?),"
                    " official = max(official, ?) WHERE id = ?",
                    (framework, int(official), found),
                )
        self._repos[url] = found
        return found

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

    # -- linking ----------------------------------------------------------------------

    def _conflicting_arxiv(self, paper_id: int, arxiv_id: str | None) -> bool:
        if arxiv_id is None:
            return False
        row = self.conn.execute(
            "SELECT 1 FROM entries WHERE paper_id = ? AND arxiv_id IS NOT NULL"
            " AND arxiv_id != ? LIMIT 1",
            (paper_id, arxiv_id),
        ).fetchone()
        return row is not None

    def find_paper(self, arxiv_id: str | None, key: str) -> int | None:
        """The paper an entry with these exact keys belongs to, if any.

        Same arXiv id first; else the same title key, unless that paper's mentions carry
        a different arXiv id (then they are different works with one title).
        """
        if arxiv_id:
            row = self.conn.execute(
                "SELECT paper_id FROM entries WHERE arxiv_id = ? ORDER BY id LIMIT 1",
                (arxiv_id,),
            ).fetchone()
            if row is not None:
                return int(row[0])
        if key:
            rows = self.conn.execute(
                "SELECT paper_id FROM entries WHERE title_key = ?"
                " GROUP BY paper_id ORDER BY min(id) LIMIT 20",
                (key,),
            ).fetchall()
            for (paper_id,) in rows:
                if not self._conflicting_arxiv(paper_id, arxiv_id):
                    return int(paper_id)
        for previous in (("arxiv", arxiv_id or ""), ("title", key)):
            if previous[1] and previous in self._previous:
                return self._previous[previous]
        return None

    def _new_paper(self, record: PaperRecord, key: str) -> int:
        if not self._next_paper_id:
            self.conn.execute("PRAGMA defer_foreign_keys = ON")  # until this COMMIT
            row = self.conn.execute("SELECT coalesce(max(id), 0) FROM papers").fetchone()
            self._next_paper_id = int(row[0]) + 1
        paper_id = self._next_paper_id
        self._next_paper_id += 1
        self.new_papers[paper_id] = _now()
        return paper_id

    # -- sources ----------------------------------------------------------------------

    def _forget_entries(self, source_id: int) -> None:
        """Delete a changed source's entries (link rows cascade) and warnings."""
        self._previous.clear()
        for paper_id, key, arxiv_id in self.conn.execute(
            "SELECT paper_id, title_key, arxiv_id FROM entries WHERE source_id = ?"
            " ORDER BY line",
            (source_id,),
        ):
            self.touched.add(paper_id)
            if key:
                self._previous.setdefault(("title", key), paper_id)
            if arxiv_id:
                self._previous.setdefault(("arxiv", arxiv_id), paper_id)
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

    def _backup_once(self) -> None:
        """Keep ``<db>.bak`` (the state before this import) before the first replacement
        of stored entries: a changed list can drop mentions someone curated."""
        if self.backed_up is None and self.label != ":memory:" and Path(self.label).exists():
            self.backed_up = backup(self.label)

    def _stored_warnings(self, source_id: int, name: str) -> list[ImportWarning]:
        return [
            ImportWarning(file=name, line=line, reason=reason, raw=raw)
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
                path=path, name=name, fmt=row[2] or "", entries=row[3], unchanged=True,
                warnings=self._stored_warnings(row[0], name), notes=notes,
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
            path=path, name=name, fmt=parsed.fmt, warnings=list(parsed.warnings),
            skipped=parsed.skipped, notes=notes, replaced=row is not None,
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
        self, source_id: int, name: str, records: Iterable[PaperRecord], report: FileReport
    ) -> None:
        lines: set[int] = set()
        author_rows: list[tuple[int, int, int]] = []
        code_rows: list[tuple[int, int]] = []
        tag_rows: list[tuple[int, int]] = []
        for record in records:
            if record.line in lines:
                # One entry per (file, line) is the schema's identity of a mention.
                report.warnings.append(ImportWarning(
                    file=name, line=record.line, raw=record.raw,
                    reason=f"a second entry on this line was not stored: {record.title!r}",
                ))
                continue
            lines.add(record.line)
            key = normalize.title_key(record.title)
            paper_id = self.find_paper(record.arxiv_id, key)
            if paper_id is None:
                paper_id = self._new_paper(record, key)
                report.new_papers += 1
            else:
                report.linked += 1
            self.touched.add(paper_id)
            self._ensure_venue(record.venue)
            self._ensure_topic(record.topic)
            cur = self.conn.execute(
                "INSERT INTO entries (source_id, line, raw, section, fmt, title, title_key,"
                " year, venue, venue_raw, presentation, topic, paper_url, broken_link,"
                " arxiv_id, nickname, paper_id)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    source_id, record.line, record.raw,
                    json.dumps(list(record.section), ensure_ascii=False), record.fmt or None,
                    record.title, key, record.year, record.venue, record.venue_raw,
                    record.presentation, record.topic, record.paper_url,
                    int(record.broken_link), record.arxiv_id, record.nickname, paper_id,
                ),
            )
            entry_id = int(cur.lastrowid or 0)
            report.entries += 1
            for position, author in enumerate(record.authors or ()):
                author_rows.append(
                    (entry_id, self._named_id("authors", self._authors, author), position)
                )
            for link in record.code:
                code_rows.append((entry_id, self._repo_id(link.url, link.framework,
                                                          link.official)))
            for tag in record.tags:
                tag_rows.append((entry_id, self._named_id("tags", self._tags, tag)))
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

    def delete_orphans(self) -> None:
        """Authors, tags and repos only the replaced entries named."""
        for table, column, link in (
            ("authors", "author_id", "entry_authors"),
            ("tags", "tag_id", "entry_tags"),
            ("code_repos", "repo_id", "entry_code"),
        ):
            ids = sorted(self.orphan_candidates[table])
            for chunk in _chunks(ids):
                self.conn.execute(
                    f"DELETE FROM {table} WHERE id IN ({_marks(len(chunk))})"
                    f" AND NOT EXISTS (SELECT 1 FROM {link} WHERE {column} = {table}.id)",
                    tuple(chunk),
                )


def best(values: Iterable[T | None]) -> T | None:
    """The best-supported value: most common non-null one, ties to the first seen.

    >>> best([None, "ECCV", "CVPR", "CVPR", "ECCV"])
    'ECCV'
    >>> best([2020, 2022, 2022]), best([None, ""])
    (2022, None)
    """
    counts: dict[T, int] = {}
    for value in values:
        if value is not None and value != "":
            counts[value] = counts.get(value, 0) + 1
    winner: T | None = None
    top = 0
    for value, count in counts.items():
        if count > top:
            winner, top = value, count
    return winner


_SUMMARY = ("title", "title_key", "year", "venue", "presentation", "arxiv_id", "paper_url",
            "nickname", "authors", "n_mentions", "has_code")


def _summarize(
    mentions: list[dict[str, Any]], authors: dict[int, tuple[str, ...]], has_code: bool
) -> dict[str, Any]:
    """A paper's summary columns from its mentions (ordered by source id, line)."""
    title = best(m["title"] for m in mentions) or mentions[0]["title"]
    venue = best(m["venue"] for m in mentions)
    # Year and presentation come from the mentions that agree on the chosen venue when
    # any of them gives one, so "ECCV 2020" and "NeurIPS 2022" never blend into "ECCV 2022".
    agreeing = [m for m in mentions if venue is None or m["venue"] in (venue, None)]
    year = best(m["year"] for m in agreeing) or best(m["year"] for m in mentions)
    presentation = best(m["presentation"] for m in agreeing)
    author_lists = best(authors.get(m["id"]) or None for m in mentions)
    return {
        "title": title,
        "title_key": normalize.title_key(title),
        "year": year,
        "venue": venue,
        "presentation": presentation,
        "arxiv_id": best(m["arxiv_id"] for m in mentions),
        "paper_url": best(m["paper_url"] for m in mentions if not m["broken_link"]),
        "nickname": best(m["nickname"] for m in mentions),
        "authors": "; ".join(author_lists) if author_lists else None,
        "n_mentions": len(mentions),
        "has_code": int(has_code),
    }


def refresh_papers(
    db: Database, paper_ids: Iterable[int], new: Mapping[int, str] | None = None
) -> None:
    """Recompute the summary columns of these papers from their entries.

    Papers left with no entries are deleted. Runs on the caller's transaction, if any.
    ``new`` maps ids of papers that have entries but no row yet to their ``created_at``:
    their rows are inserted here, summary included.
    """
    new = new or {}
    conn = db.conn
    ids = sorted(set(paper_ids))
    for chunk in _chunks(ids):
        marks = _marks(len(chunk))
        params = tuple(chunk)
        cursor = conn.execute(
            "SELECT id, paper_id, title, year, venue, presentation, arxiv_id, paper_url,"
            f" broken_link, nickname FROM entries WHERE paper_id IN ({marks})"
            " ORDER BY paper_id, source_id, line",
            params,
        )
        columns = [d[0] for d in cursor.description]
        mentions: dict[int, list[dict[str, Any]]] = {}
        for values in cursor:
            mention = dict(zip(columns, values, strict=True))
            mentions.setdefault(mention["paper_id"], []).append(mention)
        authors: dict[int, list[str]] = {}
        for entry_id, name in conn.execute(
            "SELECT ea.entry_id, a.name FROM entry_authors ea"
            " JOIN authors a ON a.id = ea.author_id JOIN entries e ON e.id = ea.entry_id"
            f" WHERE e.paper_id IN ({marks}) ORDER BY ea.entry_id, ea.position",
            params,
        ):
            authors.setdefault(entry_id, []).append(name)
        author_tuples = {entry_id: tuple(names) for entry_id, names in authors.items()}
        with_code = {
            row[0]
            for row in conn.execute(
                "SELECT DISTINCT e.paper_id FROM entry_code ec JOIN entries e"
                f" ON e.id = ec.entry_id WHERE e.paper_id IN ({marks})",
                params,
            )
        }
        current = {
            row[0]: tuple(row[1:])
            for row in conn.execute(
                f"SELECT id, {', '.join(_SUMMARY)} FROM papers WHERE id IN ({marks})", params
            )
        }
        updates: list[tuple[Any, ...]] = []
        deletes: list[tuple[int]] = []
        inserts: list[tuple[Any, ...]] = []
        for paper_id in chunk:
            if paper_id not in current:
                if paper_id in new and paper_id in mentions:
                    summary = _summarize(mentions[paper_id], author_tuples, paper_id in with_code)
                    inserts.append((paper_id, *(summary[c] for c in _SUMMARY), new[paper_id]))
                continue
            if paper_id not in mentions:
                deletes.append((paper_id,))
                continue
            summary = _summarize(mentions[paper_id], author_tuples, paper_id in with_code)
            values = tuple(summary[c] for c in _SUMMARY)
            if values != current[paper_id]:  # skip no-op updates: each one rewrites FTS rows
                updates.append((*values, paper_id))
        conn.executemany(
            f"INSERT INTO papers (id, {', '.join(_SUMMARY)}, created_at)"
            f" VALUES ({_marks(len(_SUMMARY) + 2)})",
            inserts,
        )
        conn.executemany("DELETE FROM papers WHERE id = ?", deletes)
        conn.executemany(
            f"UPDATE papers SET {', '.join(c + ' = ?' for c in _SUMMARY)} WHERE id = ?", updates
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
        conn.execute("INSERT OR IGNORE INTO venues (name, kind) VALUES (?, ?)",
                     (name, kind or None))
        conn.execute("UPDATE venues SET kind = ? WHERE name = ? AND kind IS NULL",
                     (kind or None, name))
        conn.executemany(
            "INSERT OR IGNORE INTO venue_aliases (alias, venue) VALUES (?, ?)",
            [(alias.strip(), name) for alias in aliases.split(",") if alias.strip()],
        )
    for slug, display, aliases in _tsv_rows("topics.tsv"):
        conn.execute("INSERT OR IGNORE INTO topics (slug, name) VALUES (?, ?)",
                     (slug, display or None))
        conn.execute("UPDATE topics SET name = ? WHERE slug = ? AND name IS NULL",
                     (display or None, slug))
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
        for done, path in enumerate(files):
            if progress is not None:
                progress(done, len(files), path.name)
            report.files.append(writer.import_file(path, fmt))
        if progress is not None:
            progress(len(files), len(files), "")
        if files and not report.entries:
            raise InputError(_nothing_found(report))
        with _bulk_indexing(db, len(writer.new_papers)):
            refresh_papers(db, writer.touched, writer.new_papers)
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
