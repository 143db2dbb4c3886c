"""The first-run database, built from the bundled seed lists."""

from __future__ import annotations

import os
from pathlib import Path

from paperdb.db import open_db, seed_dir
from paperdb.ingest import ImportReport, import_paths
from paperdb.reader import collect_paths

_SIDE_FILES = ("", "-wal", "-shm", "-journal")


def _remove(building: Path) -> None:
    for suffix in _SIDE_FILES:
        Path(f"{building}{suffix}").unlink(missing_ok=True)


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
    _remove(building)
    try:
        conn = open_db(building)
        try:
            report = import_paths(conn, collect_paths([seed_dir()]))
            # Leave one self-contained file (no -wal) to move; open_db sets WAL again.
            conn.execute("PRAGMA journal_mode = DELETE").fetchone()
        finally:
            conn.close()
        os.replace(building, db_path)
    finally:
        _remove(building)
    return report
