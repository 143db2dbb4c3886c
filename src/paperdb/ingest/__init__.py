"""Write parsed list entries into the database; the only package that writes entries.

One import is one transaction (``BEGIN IMMEDIATE`` .. ``COMMIT``): a failure or a kill
leaves the database exactly as it was. :mod:`~paperdb.ingest.writer` stores each file;
afterwards the summary columns of every touched paper are recomputed from its entries
(:func:`paperdb.papers.refresh_papers`), and papers left without entries are deleted.

Modules: ``writer`` (one file's entries), ``keys`` (the exact keys that link entries to
papers), ``new_papers`` (the papers an import starts), ``lookups`` (ids of authors, tags,
repos), ``sources`` (the sources table), ``bulk`` (index rebuilds for large loads),
``reference`` (the bundled venue and topic tables), ``seed`` (the first-run database).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path

from paperdb import importers
from paperdb.db import db_label, placeholders, write_transaction
from paperdb.errors import InputError
from paperdb.ingest.ahead import ParseAhead
from paperdb.ingest.bulk import bulk_indexing, deferred_indexes
from paperdb.ingest.reference import load_reference_data
from paperdb.ingest.report import FileReport, ImportReport, Progress, nothing_found
from paperdb.ingest.writer import Writer
from paperdb.models import ListFile
from paperdb.papers import SUMMARY, refresh_papers
from paperdb.reader import collect_named

__all__ = ["FileReport", "ImportReport", "Progress", "import_files", "import_paths"]


def _store_files(
    writer: Writer, files: Sequence[ListFile], fmt: str | None, progress: Progress | None
) -> ImportReport:
    report = ImportReport()
    with ParseAhead(writer.conn, files, fmt) as parser:
        for done, file in enumerate(files):
            if progress is not None:
                progress(done, len(files), file.name)
            parser.advance(done)
            report.files.append(writer.import_file(file, parser))
    if progress is not None:
        progress(len(files), len(files), "")
    if files and not report.entries:
        raise InputError(nothing_found(report))
    return report


def import_paths(
    conn: sqlite3.Connection,
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
    files = [ListFile.local(path, name=name) for path, name in collect_named(paths)]
    return import_files(conn, files, fmt, progress)


def import_files(
    conn: sqlite3.Connection,
    files: Sequence[ListFile],
    fmt: str | None = None,
    progress: Progress | None = None,
    *,
    following: bool = False,
    backed_up: Path | None = None,
) -> ImportReport:
    """Import these list files (local or fetched) in one transaction; see :func:`import_paths`.

    ``following`` is for files re-read from a followed origin (sync): a changed file that
    no longer holds any entry is refused (a list is never silently emptied), and the
    mentions of a file new upstream count as added to a list paperdb already had; ``backed_up`` says ``<db>.bak`` was already written by
    this run, so it keeps the state from before the run.

    Raises:
        InputError: a file is unreadable, ``fmt`` is not a known format, no file holds
            a paper entry, or (``following``) a file lost all of its entries; then
            nothing is written.
        DatabaseBusyError: another process is writing to the database.
    """
    if fmt is not None and fmt not in importers.FORMATS:
        raise InputError(f"unknown format {fmt!r}; choose one of: {', '.join(importers.FORMATS)}")
    writer = Writer(conn, db_label(conn), following=following, backed_up=backed_up)
    with write_transaction(conn):
        load_reference_data(conn)
        writer.start()
        with deferred_indexes(conn, sum(file.size for file in files)):
            report = _store_files(writer, files, fmt, progress)
            new = writer.new_papers
            with bulk_indexing(conn, new.count()):
                conn.executemany(
                    f"INSERT INTO papers (id, {', '.join(SUMMARY)}, created_at)"
                    f" VALUES ({placeholders(len(SUMMARY) + 2)})",
                    new.rows(),
                )
                refresh_papers(conn, writer.touched, new.from_sql)
        writer.delete_orphans()
    report.backup = writer.backed_up
    return report
