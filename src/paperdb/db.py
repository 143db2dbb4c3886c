"""Open the paperdb SQLite database: one read path, one write path.

* :func:`open_reader` is the read path: an existing file opened with a ``mode=ro`` URI,
  in one read transaction so a command sees one committed state from start to end. It
  never creates, replaces or writes a database (an older schema is first upgraded through
  the write path, as every open always did).
* :func:`open_db` is the write path: a symbolic link is followed to its target (a loop
  is refused), the file is checked with ``PRAGMA quick_check`` before the first write,
  and a damaged one is refused with the way back: ``<db>.bak`` or ``sqlite3 .recover``.
* :func:`backup` copies the committed state to ``<db>.bak`` and replaces an older
  backup only with a copy that passes the same check.

The schema (migration files, applying them) is :mod:`paperdb.schema`. ``sqlite_utils``
is imported inside the write path so that query commands start fast.
"""

from __future__ import annotations

import errno
import os
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from paperdb.errors import DatabaseBusyError, DatabaseError
from paperdb.schema import load_migrations, package_dir, schema_pending

if TYPE_CHECKING:
    pass

BUSY_TIMEOUT_MS = 5000

# SQLite primary error names (extended names such as SQLITE_BUSY_SNAPSHOT or
# SQLITE_READONLY_DIRECTORY are reduced to these first).
_NOT_A_DATABASE = {"SQLITE_NOTADB", "SQLITE_CANTOPEN"}
_CORRUPT = {"SQLITE_CORRUPT"}
_BUSY = {"SQLITE_BUSY", "SQLITE_LOCKED"}
_FULL = {"SQLITE_FULL"}


def default_db_path() -> Path:
    """Where the database lives unless ``--db`` / ``PAPERDB_DB`` say otherwise."""
    import platformdirs

    return platformdirs.user_data_path("paperdb") / "paperdb.db"


def seed_dir() -> Path:
    """The folder holding the bundled seed paper lists."""
    return package_dir("seed", "data/seed")


def damaged(path: str, detail: str) -> DatabaseError:
    """The one-line refusal for a damaged database, naming the ways back."""
    detail = " ".join(detail.split())  # quick_check reports span lines
    bak = (os.path.realpath(path) if os.path.lexists(path) else path) + ".bak"
    if os.path.exists(bak):
        back = f"restore {bak}, the copy paperdb made before its last destructive command,"
    else:
        back = f"paperdb has no backup of it ({bak});"
    return DatabaseError(
        f"{path} is damaged ({detail}); nothing was changed. To get it back: {back} or"
        f" salvage what is left with: sqlite3 {path} .recover | sqlite3 recovered.db"
    )


def translate_error(exc: sqlite3.Error, path: str) -> DatabaseError:
    """A user-facing error for an sqlite3 error, chosen by its SQLite error name.

    >>> err = sqlite3.OperationalError("database is locked")
    >>> err.sqlite_errorname = "SQLITE_BUSY_SNAPSHOT"
    >>> str(translate_error(err, "x.db"))
    'database is busy: another paperdb process is writing to x.db; try again'
    """
    full_name = str(getattr(exc, "sqlite_errorname", "") or "")
    name = "_".join(full_name.split("_")[:2])  # SQLITE_READONLY_DIRECTORY -> SQLITE_READONLY
    if name in _BUSY:
        return DatabaseBusyError(
            f"database is busy: another paperdb process is writing to {path}; try again"
        )
    if name in _NOT_A_DATABASE:
        return DatabaseError(f"{path} is not a paperdb database (not a readable SQLite file)")
    if name in _CORRUPT:
        return damaged(path, f"SQLite: {exc}")
    if name == "SQLITE_READONLY":
        return DatabaseError(f"{path} is read-only: cannot write to it; nothing was changed")
    if name in _FULL:
        return DatabaseError(f"disk is full: cannot write to {path}; nothing was changed")
    if name == "SQLITE_IOERR":
        return DatabaseError(f"cannot write to {path} (I/O error: {exc}); nothing was changed")
    return DatabaseError(f"{path}: {exc}")


def database_file(path: Path) -> Path:
    """The file a database path names: symbolic links followed to their target (which
    may not exist yet).

    Raises:
        DatabaseError: a link loop, a NUL in the path, a folder, or another file that is
            not a regular file (a device, a named pipe).
    """
    if "\x00" in str(path):
        raise DatabaseError(f"{str(path)!r}: a database path cannot contain a NUL character")
    try:
        os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise DatabaseError(f"{path}: symbolic link loop; nothing was changed") from None
    target = Path(os.path.realpath(path))
    if target.is_dir():
        raise DatabaseError(f"{path} is a folder, not a database file")
    if target.exists() and not target.is_file():
        raise DatabaseError(f"{path} is not a regular file (a device or pipe), not a database")
    return target


def _missing(path: Path) -> DatabaseError:
    if os.path.islink(path):
        return DatabaseError(
            f"{path} is a symbolic link to {os.readlink(path)}, which does not exist;"
            " nothing was created (paperdb import creates it there)"
        )
    return DatabaseError(f"{path}: no such database; nothing was created")


def _writable(file: Path) -> bool:
    """Whether this process may write the database file and create its -wal/-shm files."""
    return os.access(file, os.W_OK) and os.access(file.parent, os.W_OK | os.X_OK)


def _connect_read_only(file: Path) -> sqlite3.Connection:
    """A ``mode=ro`` connection to an existing ``file``.

    A WAL database in a folder we cannot write has no -shm file to share, so SQLite
    cannot read it normally; it is then opened as immutable (nobody can be writing it
    from here either, and we never write through this connection).
    """
    timeout = BUSY_TIMEOUT_MS / 1000
    uri = f"{file.as_uri()}?mode=ro"
    conn = sqlite3.connect(uri, uri=True, timeout=timeout)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.Error as exc:
        conn.close()
        if not str(getattr(exc, "sqlite_errorname", "")).startswith(
            ("SQLITE_READONLY", "SQLITE_CANTOPEN")
        ):
            raise
        conn = sqlite3.connect(f"{uri}&immutable=1", uri=True, timeout=timeout)
    return conn


@contextmanager
def _closed_on_error(conn: sqlite3.Connection, label: str) -> Iterator[None]:
    """Close ``conn`` if opening fails; an sqlite3 error becomes the user-facing one."""
    try:
        yield
    except sqlite3.Error as exc:
        conn.close()
        raise translate_error(exc, label) from exc
    except BaseException:
        conn.close()
        raise


def open_reader(path: str | Path, *, migrate: bool = True) -> sqlite3.Connection:
    """Open an existing database for reading: ``mode=ro``, one read transaction.

    With ``migrate``, a writable database with pending migrations is first brought up to
    date through :func:`open_db`; a read-only one is refused. Nothing else is written.
    Without it the schema is left as it is, even a newer one (to list its migrations).

    Raises:
        DatabaseError: the file is missing (a dangling link is named with its target), a
            link loop, not a paperdb database, newer than this code, or needs an upgrade
            it cannot get.
    """
    given = Path(path)
    file = database_file(given)
    if not file.is_file():
        raise _missing(given)
    label = str(path)
    try:
        conn = _connect_read_only(file)
    except sqlite3.Error as exc:
        raise translate_error(exc, label) from exc
    with _closed_on_error(conn, label):
        pending = schema_pending(conn, label, newer_ok=not migrate)
        if pending and migrate:
            conn.close()
            if not _writable(file):
                raise DatabaseError(
                    f"{label} is read-only and needs a schema upgrade first"
                    " (run paperdb migrate as a user who can write it)"
                )
            open_db(given).close()
            return open_reader(given, migrate=False)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("BEGIN")  # one snapshot: every query sees the same committed state
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    return conn


def check_health(conn: sqlite3.Connection, path: str) -> None:
    """Refuse a damaged database before anything writes to it (``PRAGMA quick_check``:
    the structure of every page, without the index cross-check of ``integrity_check``).

    Raises:
        DatabaseError: the check reports a problem; the message names the way back.
    """
    try:
        rows = conn.execute("PRAGMA quick_check(3)").fetchall()
    except sqlite3.DatabaseError as exc:
        raise damaged(path, f"SQLite: {exc}") from exc
    if [row[0] for row in rows] != ["ok"]:
        raise damaged(path, "; ".join(str(row[0]) for row in rows))


def backup(path: str | Path, target: Path | None = None) -> Path:
    """Copy the committed state of the database at ``path`` to ``<path>.bak`` (one
    generation: an older ``.bak`` is replaced), or to ``target``. Call it before a
    destructive command; ``paperdb publish`` copies with it too.

    The copy is made by SQLite's online backup API from a separate connection, so it
    is consistent even while this process holds the write lock (it sees the last
    commit); it is written under a temporary name, checked, and only then moved into
    place, so neither a crash nor a damaged database can replace a good ``.bak``.

    Raises:
        DatabaseError: the copy fails its check (the database is damaged), or the backup
            cannot be written (disk full, read-only folder).
    """
    file = database_file(Path(path))
    target = target if target is not None else file.with_name(file.name + ".bak")
    partial = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        source = _connect_read_only(file)
        try:
            dest = sqlite3.connect(partial)
            try:
                source.backup(dest)
                dest.execute("PRAGMA journal_mode = DELETE").fetchone()
                check_health(dest, str(path))
            finally:
                dest.close()
        finally:
            source.close()
        os.replace(partial, target)
    except sqlite3.Error as exc:
        raise translate_error(exc, str(target)) from exc
    except OSError as exc:
        raise DatabaseError(f"cannot write the backup {target}: {exc.strerror}") from exc
    finally:
        for suffix in ("", "-journal", "-wal", "-shm"):
            Path(f"{partial}{suffix}").unlink(missing_ok=True)
    return target


def _write_target(path: Path) -> Path:
    """The file the write path opens: links followed, its folder created if missing."""
    file = database_file(path)
    if file.exists() and not _writable(file):
        raise DatabaseError(f"{path} is read-only: cannot write to it; nothing was changed")
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DatabaseError(f"cannot create the folder for {path}: {exc.strerror}") from exc
    return file


def open_db(path: str | Path) -> sqlite3.Connection:
    """Open the database at ``path`` for writing (creating it if needed) and apply
    pending migrations; the write path of every command that changes the database.

    ``":memory:"`` gives a fresh in-memory database. A symbolic link is followed to its
    target. An existing file is checked (:func:`check_health`) before anything writes
    to it. The connection uses WAL, enforces foreign keys and waits up to 5 s for
    another writer.

    Raises:
        DatabaseError: the file is not an SQLite database (it is left untouched), belongs
            to another program, was made by a newer paperdb, is damaged or read-only, or
            the path is a link loop.
        DatabaseBusyError: another process holds the write lock too long.
    """
    from sqlite_utils import Database

    label = str(path)
    memory = label == ":memory:"
    file = None if memory else _write_target(Path(path))
    existing = file is not None and file.is_file() and file.stat().st_size > 0
    try:
        conn = sqlite3.connect(":memory:" if file is None else file, timeout=BUSY_TIMEOUT_MS / 1000)
    except sqlite3.Error as exc:
        raise translate_error(exc, label) from exc
    with _closed_on_error(conn, label):
        # Read the header before anything can write: a foreign file fails here, unmodified.
        pending = schema_pending(conn, label)
        if existing:
            check_health(conn, label)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys = ON")
        if not memory:
            conn.execute("PRAGMA journal_mode = WAL").fetchone()
        if pending:
            load_migrations().apply(Database(conn))
    return conn


T = TypeVar("T")
CHUNK = 500  # values per "IN (...)" query, well under SQLite's variable limit


def placeholders(n: int) -> str:
    """``?,?,?`` for an ``IN (...)`` list of ``n`` parameters.

    >>> placeholders(3)
    '?,?,?'
    """
    return ",".join("?" * n)


def chunked(items: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    """``items`` in slices of at most ``size`` (for ``IN (...)`` queries)."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def utc_now() -> str:
    """The current time as stored in the database: ISO 8601 UTC, to the second."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def db_label(conn: sqlite3.Connection) -> str:
    """The database's file name for messages (``:memory:`` for an in-memory one)."""
    for _, name, file in conn.execute("PRAGMA database_list"):
        if name == "main":
            return str(file) or ":memory:"
    return ":memory:"


@contextmanager
def write_transaction(conn: sqlite3.Connection) -> Iterator[None]:
    """Hold the write lock for the whole block; commit at the end, roll back on any error.

    Raises:
        DatabaseBusyError: another process holds the write lock past the busy timeout.
    """
    if conn.in_transaction:
        raise DatabaseError("internal error: an import cannot run inside another transaction")
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        raise translate_error(exc, db_label(conn)) from exc
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
        raise translate_error(exc, db_label(conn)) from exc


@contextmanager
def read_snapshot(conn: sqlite3.Connection) -> Iterator[None]:
    """Read one committed state for the whole block, whatever other processes commit
    meanwhile (a no-op inside a transaction already open, as on the read path).

    Several queries that belong together (candidate pairs, then the papers they name)
    must not see a merge another process committed between them.
    """
    if conn.in_transaction:
        yield
        return
    conn.execute("BEGIN")
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()  # the snapshot starts
        yield
    finally:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
