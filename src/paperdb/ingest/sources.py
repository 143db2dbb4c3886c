"""The ``sources`` table: one row per imported list file, found again by path or content."""

from __future__ import annotations

import hashlib
import itertools
import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass

from paperdb.db import utc_now
from paperdb.errors import InputError
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
    name: str


def find_source(
    conn: sqlite3.Connection, file: ListFile, digest: str | None
) -> StoredSource | None:
    """The stored source of this file: same identity, else (a local file only) the same
    file moved: same name, same content; its path is updated."""
    columns = "id, content_hash, format, n_entries, name"
    row = conn.execute(f"SELECT {columns} FROM sources WHERE path = ?", (file.identity,)).fetchone()
    if row is None and file.path is not None and digest is not None:
        row = conn.execute(
            f"SELECT {columns} FROM sources WHERE name = ? AND content_hash = ? ORDER BY id LIMIT 1",
            (file.name, digest),
        ).fetchone()
        if row is not None:
            conn.execute("UPDATE sources SET path = ? WHERE id = ?", (file.identity, row[0]))
    return None if row is None else StoredSource(int(row[0]), row[1], row[2] or "", row[3], row[4])


def _holder(conn: sqlite3.Connection, name: str) -> str | None:
    """The path (identity) of the source that has this name, if any."""
    row = conn.execute("SELECT path FROM sources WHERE name = ?", (name,)).fetchone()
    return None if row is None else str(row[0])


def _candidates(file: ListFile) -> Iterator[str]:
    """Names for a new source, best first: the wanted name, then the folders above it in
    front one by one (``b/README.md``, ``repo/b/README.md``), then a number."""
    yield file.name
    wanted = file.name.split("/")
    parts = [part for part in re.split(r"[/\\#]", file.identity) if part]
    if parts[-len(wanted) :] == wanted:
        above = parts[: -len(wanted)]
        for depth in range(1, len(above) + 1):
            yield "/".join([*above[-depth:], *wanted])
    for number in itertools.count(2):
        yield f"{file.name} ({number})"


def source_name(conn: sqlite3.Connection, file: ListFile) -> str:
    """The unique name of a new source (a name is shown wherever a mention is).

    The wanted name if no other source has it, else the first free one of
    :func:`_candidates`: the same files imported in the same order get the same names.

    Raises:
        InputError: the name was given (``--name``) and another source has it.
    """
    if file.named:
        holder = _holder(conn, file.name)
        if holder is not None and holder != file.identity:
            raise InputError(f"--name {file.name}: another source has this name ({holder})")
        return file.name
    return next(name for name in _candidates(file) if _holder(conn, name) is None)


def rename_source(conn: sqlite3.Connection, source_id: int, file: ListFile) -> str:
    """Give a stored source the name given with ``--name``; returns the name."""
    source_name(conn, file)  # refuses a name another source has
    conn.execute("UPDATE sources SET name = ? WHERE id = ?", (file.name, source_id))
    return file.name


def name_for(conn: sqlite3.Connection, file: ListFile, stored: StoredSource | None) -> str:
    """The source's name: kept when the file was imported before (unless ``--name``
    gives another), else a new unique one."""
    if stored is None:
        return source_name(conn, file)
    if file.named and file.name != stored.name:
        return rename_source(conn, stored.id, file)
    return stored.name


def add_source(conn: sqlite3.Connection, file: ListFile, name: str, fmt: str, digest: str) -> int:
    """A new source row; returns its id."""
    cur = conn.execute(
        "INSERT INTO sources (path, name, format, content_hash, imported_at)"
        " VALUES (?, ?, ?, ?, ?)",
        (file.identity, name, fmt, digest, utc_now()),
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
