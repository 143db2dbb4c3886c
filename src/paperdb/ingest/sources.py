"""The ``sources`` table: one row per imported list file, found again by path or content."""

from __future__ import annotations

import hashlib
import sqlite3
from dataclasses import dataclass

from paperdb.db import utc_now
from paperdb.ingest.report import FileReport
from paperdb.models import LineWarning, ListFile


def content_hash(text: str) -> str:
    """The identity of a file's content: sha256 of its decoded, newline-normalized text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class StoredSource:
    """A source as stored by an earlier import."""

    id: int
    content_hash: str
    fmt: str
    n_entries: int


def find_source(
    conn: sqlite3.Connection, file: ListFile, digest: str | None
) -> StoredSource | None:
    """The stored source of this file: same identity, else (a local file only) the same
    file moved: same name, same content; its path is updated."""
    columns = "id, content_hash, format, n_entries"
    row = conn.execute(f"SELECT {columns} FROM sources WHERE path = ?", (file.identity,)).fetchone()
    if row is None and file.path is not None and digest is not None:
        row = conn.execute(
            f"SELECT {columns} FROM sources WHERE name = ? AND content_hash = ? ORDER BY id LIMIT 1",
            (file.name, digest),
        ).fetchone()
        if row is not None:
            conn.execute("UPDATE sources SET path = ? WHERE id = ?", (file.identity, row[0]))
    return None if row is None else StoredSource(int(row[0]), row[1], row[2] or "", row[3])


def add_source(conn: sqlite3.Connection, file: ListFile, fmt: str, digest: str) -> int:
    """A new source row; returns its id."""
    cur = conn.execute(
        "INSERT INTO sources (path, name, format, content_hash, imported_at)"
        " VALUES (?, ?, ?, ?, ?)",
        (file.identity, file.name, fmt, digest, utc_now()),
    )
    return int(cur.lastrowid or 0)


def remember_origin(conn: sqlite3.Connection, source_id: int, file: ListFile) -> None:
    """Where the file was read from, for ``paperdb sync`` (a plain local file: nothing)."""
    if file.origin is None:
        return
    conn.execute(
        "UPDATE sources SET origin = ?, revision = ?, etag = ?, last_modified = ?"
        " WHERE id = ? AND (origin IS NOT ? OR revision IS NOT ? OR etag IS NOT ?"
        " OR last_modified IS NOT ?)",
        (
            file.origin,
            file.revision,
            file.etag,
            file.last_modified,
            source_id,
            file.origin,
            file.revision,
            file.etag,
            file.last_modified,
        ),
    )


def finish_source(
    conn: sqlite3.Connection, source_id: int, digest: str, report: FileReport
) -> None:
    """Store the file's warnings and its counts once its entries are stored."""
    conn.executemany(
        "INSERT INTO import_warnings (source_id, line, reason, raw) VALUES (?, ?, ?, ?)",
        [(source_id, w.line, w.reason, w.raw) for w in report.warnings],
    )
    conn.execute(
        "UPDATE sources SET format = ?, content_hash = ?, n_entries = ?, n_warnings = ?,"
        " imported_at = ? WHERE id = ?",
        (report.fmt, digest, report.entries, len(report.warnings), utc_now(), source_id),
    )


def stored_warnings(conn: sqlite3.Connection, source_id: int, name: str) -> list[LineWarning]:
    """The warnings an earlier import of this source reported."""
    return [
        LineWarning(file=name, line=line, reason=reason, raw=raw)
        for line, reason, raw in conn.execute(
            "SELECT line, reason, raw FROM import_warnings WHERE source_id = ? ORDER BY line, id",
            (source_id,),
        )
    ]
