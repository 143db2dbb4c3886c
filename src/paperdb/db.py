"""Open the paperdb SQLite database and keep its schema current.

Schema changes are numbered SQL files (``0001_initial.sql``, ...) in the package's
``migrations/`` folder (the repository's ``migrations/`` in a source checkout). They are
applied in order by a ``sqlite_utils.Migrations("paperdb")`` set, each file in one
transaction together with its record row, so a failing file leaves nothing behind.

``sqlite_utils`` is imported inside the functions that need it so that ``paperdb --help``
and ``paperdb db-path`` start fast.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from paperdb.errors import DatabaseBusyError, DatabaseError

if TYPE_CHECKING:
    from sqlite_utils import Database
    from sqlite_utils.migrations import Migrations

MIGRATION_SET = "paperdb"
MIGRATIONS_TABLE = "_sqlite_migrations"
BUSY_TIMEOUT_MS = 5000
_REPO_ROOT = Path(__file__).resolve().parents[2]

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


def _package_or_repo_dir(package_name: str, repo_relative: str) -> Path:
    """A data folder inside the installed package, else in the source checkout."""
    packaged = Path(str(resources.files("paperdb").joinpath(package_name)))
    if packaged.is_dir():
        return packaged
    return _REPO_ROOT / repo_relative


def migrations_dir() -> Path:
    """The folder holding the numbered ``NNNN_name.sql`` migration files."""
    return _package_or_repo_dir("migrations", "migrations")


def seed_dir() -> Path:
    """The folder holding the bundled seed paper lists."""
    return _package_or_repo_dir("seed", "data/seed")


def migration_files(directory: Path | None = None) -> list[Path]:
    """The migration files, in the order they are applied."""
    directory = migrations_dir() if directory is None else directory
    return sorted(directory.glob("[0-9][0-9][0-9][0-9]_*.sql"))


def split_statements(script: str) -> Iterator[str]:
    """Split an SQL script into complete statements (triggers' BEGIN..END stay whole).

    >>> list(split_statements("CREATE TABLE t (a);\\n-- note\\nINSERT INTO t VALUES (';');"))
    ['CREATE TABLE t (a);', "-- note\\nINSERT INTO t VALUES (';');"]
    """
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            statement = pending.strip()
            pending = ""
            if statement:
                yield statement
    if pending.strip() and not _only_comments(pending):
        yield pending.strip()


def _only_comments(sql: str) -> bool:
    return all(not line.strip() or line.strip().startswith("--") for line in sql.splitlines())


def _run_script(db: Database, script: str) -> None:
    # executescript() would COMMIT first and escape the migration's transaction, so run
    # the statements one by one on the open transaction instead.
    for statement in split_statements(script):
        db.conn.execute(statement)


def load_migrations(directory: Path | None = None) -> Migrations:
    """The ``paperdb`` migration set built from the numbered SQL files."""
    from sqlite_utils.migrations import Migrations

    migrations = Migrations(MIGRATION_SET)
    for path in migration_files(directory):
        script = path.read_text(encoding="utf-8")

        def apply(db: Database, script: str = script) -> None:
            _run_script(db, script)

        migrations(name=path.stem)(apply)
    return migrations


@dataclass(frozen=True, slots=True)
class MigrationStatus:
    """One migration name and whether (and when) it was applied."""

    name: str
    applied_at: str | None  # None: pending
    known: bool = True  # False: applied by a newer paperdb this code does not know


def migration_status(db: Database) -> list[MigrationStatus]:
    """Applied migrations (in order applied), then pending ones; read-only."""
    migrations = load_migrations()
    known = [path.stem for path in migration_files()]
    applied = migrations.applied(db)
    applied_names = {m.name for m in applied}
    status = [MigrationStatus(m.name, m.applied_at, m.name in known) for m in applied]
    status += [MigrationStatus(name, None) for name in known if name not in applied_names]
    return status


def _check_not_newer(db: Database, path: str) -> None:
    known = {p.stem for p in migration_files()}
    unknown = [s.name for s in migration_status(db) if not s.known]
    if unknown:
        raise DatabaseError(
            f"{path} was made by a newer paperdb (unknown migrations: "
            f"{', '.join(unknown)}); upgrade paperdb to use it"
        )
    if not known:
        raise DatabaseError("paperdb is installed without its migrations folder")


def _check_is_paperdb(db: Database, path: str) -> None:
    """Refuse an SQLite file that belongs to something else."""
    names = set(db.table_names()) | set(db.view_names())
    if not names or names == {MIGRATIONS_TABLE}:
        return
    applied = [] if MIGRATIONS_TABLE not in names else load_migrations().applied(db)
    if not applied:
        raise DatabaseError(f"{path} is an SQLite database but not a paperdb database")


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
        return DatabaseError(
            f"{path} is damaged (SQLite: {exc}); nothing was changed. Restore it from a"
            f" backup (paperdb keeps the previous state in {path}.bak before destructive"
            " commands)"
        )
    if name == "SQLITE_READONLY":
        return DatabaseError(f"{path} is read-only: cannot write to it; nothing was changed")
    if name in _FULL:
        return DatabaseError(f"disk is full: cannot write to {path}; nothing was changed")
    if name == "SQLITE_IOERR":
        return DatabaseError(f"cannot write to {path} (I/O error: {exc}); nothing was changed")
    return DatabaseError(f"{path}: {exc}")


def _writable(file: Path) -> bool:
    """Whether this process may write the database file and create its -wal/-shm files."""
    return os.access(file, os.W_OK) and os.access(file.parent, os.W_OK | os.X_OK)


def _connect(file: Path, *, read_only: bool) -> sqlite3.Connection:
    """A connection to ``file``; read-only (``mode=ro``) when it cannot be written.

    A WAL database in a folder we cannot write has no -shm file to share, so SQLite
    cannot read it normally; it is then opened as immutable (nobody can be writing it
    from here either, and we never write through this connection).
    """
    timeout = BUSY_TIMEOUT_MS / 1000
    if not read_only:
        return sqlite3.connect(file, timeout=timeout)
    uri = f"{file.resolve().as_uri()}?mode=ro"
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


def backup(path: str | Path, target: Path | None = None) -> Path:
    """Copy the committed state of the database at ``path`` to ``<path>.bak`` (one
    generation: an older ``.bak`` is replaced), or to ``target``. Call it before a
    destructive command; ``paperdb publish`` copies with it too.

    The copy is made by SQLite's online backup API from a separate connection, so it
    is consistent even while this process holds the write lock (it sees the last
    commit), and it is written under a temporary name and moved into place, so a
    crash never leaves a half-written ``.bak``.

    Raises:
        DatabaseError: the backup cannot be written (disk full, read-only folder).
    """
    file = Path(path)
    target = target if target is not None else file.with_name(file.name + ".bak")
    partial = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        source = sqlite3.connect(
            f"{file.resolve().as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000
        )
        try:
            dest = sqlite3.connect(partial)
            try:
                source.backup(dest)
                dest.execute("PRAGMA journal_mode = DELETE").fetchone()
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


def open_db(path: str | Path, *, migrate: bool = True) -> Database:
    """Open (creating if needed) the database at ``path`` and apply pending migrations.

    ``":memory:"`` gives a fresh in-memory database. The connection uses WAL, enforces
    foreign keys and waits up to 5 s for another writer.

    Raises:
        DatabaseError: the file is not an SQLite database (it is left untouched), belongs
            to another program, or was made by a newer paperdb.
        DatabaseBusyError: another process holds the write lock too long.
    """
    from sqlite_utils import Database

    label = str(path)
    memory = label == ":memory:"
    read_only = False
    if "\x00" in label:
        raise DatabaseError(f"{label!r}: a database path cannot contain a NUL character")
    if not memory:
        file = Path(path)
        if file.is_dir():
            raise DatabaseError(f"{file} is a folder, not a database file")
        try:
            file.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DatabaseError(f"cannot create the folder for {file}: {exc}") from exc
        read_only = file.exists() and not _writable(file)
    try:
        conn = sqlite3.connect(":memory:") if memory else _connect(file, read_only=read_only)
    except sqlite3.Error as exc:
        raise translate_error(exc, label) from exc
    try:
        # Read the header before anything can write: a foreign file fails here, unmodified.
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys = ON")
        db = Database(conn)
        _check_is_paperdb(db, label)
        if migrate:
            _check_not_newer(db, label)
            migrations = load_migrations()
            if read_only:
                # Reads work on a read-only file; writes fail later with a clear message.
                if migrations.pending(db):
                    raise DatabaseError(
                        f"{label} is read-only and needs a schema upgrade first"
                        " (run paperdb migrate as a user who can write it)"
                    )
            else:
                if not memory:
                    conn.execute("PRAGMA journal_mode = WAL").fetchone()
                if migrations.pending(db):
                    migrations.apply(db)
    except sqlite3.Error as exc:
        conn.close()
        raise translate_error(exc, label) from exc
    except DatabaseError:
        conn.close()
        raise
    return db


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
