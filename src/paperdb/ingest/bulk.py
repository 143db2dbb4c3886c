"""Loading many rows at once: full-text indexes and secondary indexes built after the load.

Both context managers run inside the import's transaction: a failure rolls back the
dropped triggers and indexes together with the rows.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

BULK_MIN_NEW = 5_000  # new papers from which indexing them in bulk pays off
BULK_MIN_BYTES = 1 << 20  # list files from which an empty database is loaded in bulk
# The full-text indexes over ``papers`` (migrations 0002, 0003 and 0008) and the trigger that
# feeds each one on insert.
FTS_INSERT_TRIGGERS = {
    "papers_fts": "papers_ai",
    "papers_trigram": "papers_trigram_ai",
    "papers_rank": "papers_rank_ai",
}
# Indexes kept while loading in bulk: entries_paper_id serves the foreign-key checks of
# the papers' inserts (deferred) and refresh_papers(); the rest are built after the load.
KEPT_INDEXES = {"entries_paper_id"}


def _stored_sql(conn: sqlite3.Connection, kind: str, names: Sequence[str]) -> list[tuple[str, str]]:
    marks = ",".join("?" * len(names))
    return [
        (str(name), str(sql))
        for name, sql in conn.execute(
            f"SELECT name, sql FROM sqlite_master WHERE type = ? AND name IN ({marks})"
            " ORDER BY rowid",
            (kind, *names),
        )
    ]


@contextmanager
def bulk_indexing(conn: sqlite3.Connection, new_papers: int) -> Iterator[None]:
    """Index many new papers' full text in one pass instead of row by row.

    FTS5 tables fed by AFTER INSERT triggers on ``papers`` cost ~100 us per row inside a
    large transaction, while a ``rebuild`` costs ~15 us per row of the whole table. When
    this import adds many papers (at least a quarter of all), the insert triggers are
    dropped for the block, the indexes rebuilt after it and the triggers re-created from
    their stored SQL.
    """
    existing = conn.execute("SELECT count(*) FROM papers").fetchone()[0] if new_papers else 0
    triggers = _stored_sql(conn, "trigger", list(FTS_INSERT_TRIGGERS.values()))
    if new_papers < BULK_MIN_NEW or new_papers * 3 < existing or not triggers:
        yield
        return
    for name, _ in triggers:
        conn.execute(f'DROP TRIGGER "{name}"')
    yield
    dropped = {name for name, _ in triggers}
    for table, trigger in sorted(FTS_INSERT_TRIGGERS.items()):
        if trigger in dropped:
            conn.execute(f'INSERT INTO "{table}" ("{table}") VALUES (\'rebuild\')')
    for _, sql in triggers:
        conn.execute(sql)


def _empty(conn: sqlite3.Connection, table: str) -> bool:
    return conn.execute(f"SELECT 1 FROM {table} LIMIT 1").fetchone() is None


@contextmanager
def deferred_indexes(conn: sqlite3.Connection, size: int) -> Iterator[None]:
    """Build the secondary indexes of ``entries`` and ``papers`` after a bulk load.

    Only when both tables are empty and the files (``size`` bytes) are large: inserting rows in random
    key order into seven indexes costs more than sorting once. The indexes are dropped
    and re-created from their stored SQL; the import reads none of them meanwhile (its
    key maps are complete on an empty database).
    """
    if size < BULK_MIN_BYTES or not _empty(conn, "entries") or not _empty(conn, "papers"):
        yield
        return
    indexes = [
        (str(name), str(sql))
        for name, sql in conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index'"
            " AND tbl_name IN ('entries', 'papers') AND sql IS NOT NULL ORDER BY rowid"
        )
        if name not in KEPT_INDEXES
    ]
    for name, _ in indexes:
        conn.execute(f'DROP INDEX "{name}"')
    yield
    for _, sql in indexes:
        conn.execute(sql)
