"""The database schema: numbered migration files, applying them, and their status.

Schema changes are numbered SQL files (``0001_initial.sql``, ...) in the package's
``migrations/`` folder (the repository's ``migrations/`` in a source checkout). They are
applied in order by a ``sqlite_utils.Migrations("paperdb")`` set, each file in one
transaction together with its record row, so a failing file leaves nothing behind.

``sqlite_utils`` is imported inside the functions that need it: the read path checks the
schema with plain ``sqlite3`` queries so query commands start fast.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from paperdb.errors import DatabaseError

if TYPE_CHECKING:
    from sqlite_utils import Database
    from sqlite_utils.migrations import Migrations

MIGRATION_SET = "paperdb"
MIGRATIONS_TABLE = "_sqlite_migrations"
_REPO_ROOT = Path(__file__).resolve().parents[2]


def package_dir(package_name: str, repo_relative: str) -> Path:
    """A data folder inside the installed package, else in the source checkout.

    The package is installed as files (a wheel, or an editable install of ``src``), so
    its folder is this module's: importlib.resources would cost every command ~5 ms to
    import for the same answer."""
    packaged = Path(__file__).resolve().parent / package_name
    if packaged.is_dir():
        return packaged
    return _REPO_ROOT / repo_relative


def migrations_dir() -> Path:
    """The folder holding the numbered ``NNNN_name.sql`` migration files."""
    return package_dir("migrations", "migrations")


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


def migration_status(conn: sqlite3.Connection) -> list[MigrationStatus]:
    """Applied migrations (in order applied), then pending ones; read-only."""
    from sqlite_utils import Database

    migrations = load_migrations()
    known = [path.stem for path in migration_files()]
    applied = migrations.applied(Database(conn))
    applied_names = {m.name for m in applied}
    status = [MigrationStatus(m.name, m.applied_at, m.name in known) for m in applied]
    status += [MigrationStatus(name, None) for name in known if name not in applied_names]
    return status


def schema_pending(conn: sqlite3.Connection, path: str, *, newer_ok: bool = False) -> bool:
    """Whether the database needs migrations (an empty file does); read-only.

    ``newer_ok`` lets a database made by a newer paperdb through (to list its migrations).

    Raises:
        DatabaseError: the file belongs to another program, was made by a newer paperdb,
            or paperdb is installed without its migrations.
        sqlite3.Error: the file is not a readable SQLite database.
    """
    names = {
        row[0]
        for row in conn.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")
    }
    known = {p.stem for p in migration_files()}
    if not known:
        raise DatabaseError("paperdb is installed without its migrations folder")
    if not names or names == {MIGRATIONS_TABLE}:
        return True
    applied: set[str] = set()
    if MIGRATIONS_TABLE in names:
        applied = {
            row[0]
            for row in conn.execute(
                f"SELECT name FROM {MIGRATIONS_TABLE} WHERE migration_set = ?", (MIGRATION_SET,)
            )
        }
    if not applied:
        raise DatabaseError(f"{path} is an SQLite database but not a paperdb database")
    unknown = sorted(applied - known)
    if unknown and not newer_ok:
        raise DatabaseError(
            f"{path} was made by a newer paperdb (unknown migrations: "
            f"{', '.join(unknown)}); upgrade paperdb to use it"
        )
    return bool(known - applied)
