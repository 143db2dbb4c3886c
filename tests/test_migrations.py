"""Schema: exact tables and columns, FTS triggers, idempotent apply, refusals."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlite_utils import Database

from paperdb.db import open_db
from paperdb.errors import DatabaseError
from paperdb.schema import load_migrations, migration_files, migration_status, split_statements

EXPECTED_COLUMNS = {
    "sources": [
        "id",
        "path",
        "name",
        "format",
        "content_hash",
        "n_entries",
        "n_warnings",
        "imported_at",
        # 0006_living_lists
        "origin",
        "revision",
        "etag",
        "last_modified",
    ],
    "venues": ["name", "kind"],
    "venue_aliases": ["alias", "venue"],
    "topics": ["slug", "name"],
    "topic_aliases": ["alias", "topic"],
    "authors": ["id", "name"],
    "code_repos": ["id", "url", "host", "framework", "official"],
    "tags": ["id", "name"],
    "papers": [
        "id",
        "title",
        "title_key",
        "year",
        "venue",
        "presentation",
        "arxiv_id",
        "paper_url",
        "nickname",
        "authors",
        "n_mentions",
        "has_code",
        "created_at",
    ],
    "entries": [
        "id",
        "source_id",
        "line",
        "raw",
        "section",
        "fmt",
        "title",
        "title_key",
        "year",
        "venue",
        "venue_raw",
        "presentation",
        "topic",
        "paper_url",
        "broken_link",
        "arxiv_id",
        "nickname",
        "paper_id",
        # 0006_living_lists
        "first_seen",
        "added",
    ],
    "entry_authors": ["entry_id", "author_id", "position"],
    "entry_code": ["entry_id", "repo_id"],
    "entry_tags": ["entry_id", "tag_id"],
    "import_warnings": ["id", "source_id", "line", "reason", "raw"],
    "papers_fts": ["title", "nickname", "authors", "venue"],
    # 0004_merges
    "merges": ["id", "paper_id", "rule", "score", "evidence", "created_at", "undone_at"],
    "merge_papers": ["merge_id", "paper_id", "title", "title_key", "created_at"],
    "merge_mentions": ["merge_id", "paper_id", "source_id", "source", "line", "raw"],
    "not_same": ["paper_a", "paper_b", "created_at"],
    # 0008_search_at_scale
    "papers_cjk": ["gram", "paper_id"],
}
EXPECTED_VIEWS = {
    "paper_topics": ["paper_id", "topic"],
    "paper_authors": ["paper_id", "author_id"],
    "paper_code": ["paper_id", "repo_id"],
    "paper_tags": ["paper_id", "tag_id"],
    # 0005_web_views
    "paper_list": [
        "id",
        "title",
        "year",
        "venue",
        "topics",
        "authors",
        "code",
        "lists",
        "sources",
        "has_code",
    ],
    "mentions": [
        "paper_id",
        "source",
        "line",
        "raw",
        "title",
        "year",
        "venue",
        "presentation",
        "topic",
        "paper_url",
    ],
    # 0008_search_at_scale: papers_rank's content (rowid: length in words, then id)
    "papers_rank_rows": ["rank_key", "id", "title", "nickname", "authors", "venue"],
}


def schema(db: Database) -> list[tuple[str, str, str]]:
    return list(db.execute("SELECT type, name, sql FROM sqlite_master ORDER BY name").fetchall())


def test_exact_tables_and_columns(db: Database) -> None:
    fts_shadow = {
        f"papers_{t}_{s}"
        for t in ("fts", "trigram", "rank")
        for s in ("data", "idx", "docsize", "config")
    }
    search = {"papers_trigram", "papers_vocab"}  # 0003_search_index
    search |= {"papers_rank"}  # 0008_search_at_scale
    assert set(db.table_names()) == {*EXPECTED_COLUMNS, "_sqlite_migrations", *fts_shadow, *search}
    for table, columns in EXPECTED_COLUMNS.items():
        assert list(db[table].columns_dict) == columns, table
    assert set(db.view_names()) == set(EXPECTED_VIEWS)
    for view, columns in EXPECTED_VIEWS.items():
        assert [c.name for c in db.view(view).columns] == columns, view


def test_filter_columns_are_indexed(db: Database) -> None:
    def indexed(table: str) -> set[str]:
        return {idx.columns[0] for idx in db[table].indexes} | set(db[table].pks)

    assert {"year", "venue", "title_key", "arxiv_id"} <= indexed("papers")
    assert {"paper_id", "source_id", "title_key", "arxiv_id", "topic"} <= indexed("entries")
    assert {"entry_id", "author_id"} <= indexed("entry_authors")
    assert {"entry_id", "repo_id"} <= indexed("entry_code")
    assert {"entry_id", "tag_id"} <= indexed("entry_tags")


def test_fts_index_and_triggers(db: Database) -> None:
    assert db["papers"].detect_fts() == "papers_fts"
    triggers = {t.name: t.table for t in db.triggers}
    assert triggers == {
        "papers_ai": "papers",
        "papers_ad": "papers",
        "papers_au": "papers",
        "papers_trigram_ai": "papers",
        "papers_trigram_ad": "papers",
        "papers_trigram_au": "papers",
        # 0008_search_at_scale
        "papers_rank_ai": "papers",
        "papers_rank_ad": "papers",
        "papers_rank_au": "papers",
        "papers_cjk_ai": "papers",
        "papers_cjk_ad": "papers",
        "papers_cjk_au": "papers",
    }
    sql = db.execute("SELECT sql FROM sqlite_master WHERE name = 'papers_fts'").fetchone()[0]
    assert "unicode61 remove_diacritics 2" in sql


def test_fts_follows_papers(db: Database) -> None:
    db.execute(
        "INSERT INTO papers (title, title_key, created_at) VALUES ('Lottery Tickets', 'x', 'now')"
    )
    db.execute("UPDATE papers SET authors = 'Jonathan Frankle' WHERE id = 1")
    hits = db.execute("SELECT rowid FROM papers_fts WHERE papers_fts MATCH 'frankle'").fetchall()
    assert hits == [(1,)]
    db.execute("DELETE FROM papers")
    assert (
        db.execute("SELECT rowid FROM papers_fts WHERE papers_fts MATCH 'lottery'").fetchall() == []
    )


def test_second_apply_changes_nothing(db_path: Path) -> None:
    db = Database(open_db(db_path))
    before = schema(db)
    applied = [s.name for s in migration_status(db.conn)]
    load_migrations().apply(db)
    db.close()
    db = Database(open_db(db_path))
    assert schema(db) == before
    assert [s.name for s in migration_status(db.conn)] == applied
    assert db["_sqlite_migrations"].count == len(migration_files())
    assert all(s.applied_at for s in migration_status(db.conn))


def test_migration_files_are_numbered_and_recorded(db: Database) -> None:
    names = [p.stem for p in migration_files()]
    assert names[:2] == ["0001_initial", "0002_papers_fts"]
    assert [s.name for s in migration_status(db.conn)] == names


def test_open_db_settings(db_path: Path) -> None:
    db = Database(open_db(db_path))
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute("PRAGMA busy_timeout").fetchone()[0] >= 1000


def test_failing_migration_leaves_nothing_and_stays_pending(tmp_path: Path) -> None:
    folder = tmp_path / "migrations"
    folder.mkdir()
    (folder / "0001_ok.sql").write_text("CREATE TABLE a (x);\n")
    (folder / "0002_bad.sql").write_text("CREATE TABLE b (x);\nINSERT INTO nowhere VALUES (1);\n")
    db = Database(memory=True)
    with pytest.raises(sqlite3.OperationalError):
        load_migrations(folder).apply(db)
    assert "b" not in db.table_names()
    assert [m.name for m in load_migrations(folder).pending(db)] == ["0002_bad"]


def test_split_statements_keeps_triggers_whole() -> None:
    script = (
        "CREATE TABLE t (a);\n"
        "CREATE TRIGGER t_ai AFTER INSERT ON t BEGIN\n"
        "  INSERT INTO t VALUES (1);\n  INSERT INTO t VALUES (2);\nEND;\n"
        "-- trailing comment\n"
    )
    statements = list(split_statements(script))
    assert len(statements) == 2
    assert statements[1].startswith("CREATE TRIGGER") and statements[1].endswith("END;")


def test_newer_database_is_refused(db_path: Path) -> None:
    db = Database(open_db(db_path))
    db["_sqlite_migrations"].insert(
        {"migration_set": "paperdb", "name": "9999_from_the_future", "applied_at": "later"}
    )
    db.close()
    with pytest.raises(DatabaseError, match="newer paperdb"):
        open_db(db_path)


@pytest.mark.parametrize(
    "content",
    [b"# just markdown\n" * 20, b"SQLite format 3\x00" + b"\xff" * 200],
    ids=["text", "corrupt-header"],
)
def test_non_sqlite_file_is_refused_and_unchanged(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "notes.db"
    path.write_bytes(content)
    with pytest.raises(DatabaseError, match="not a paperdb database"):
        open_db(path)
    assert path.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.db"]


def test_foreign_sqlite_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    other = sqlite3.connect(path)
    other.execute("CREATE TABLE things (x)")
    other.commit()
    other.close()
    with pytest.raises(DatabaseError, match="not a paperdb database"):
        open_db(path)
    assert sqlite3.connect(path).execute("SELECT name FROM sqlite_master").fetchall() == [
        ("things",)
    ]


def test_folder_as_database_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DatabaseError, match="folder"):
        open_db(tmp_path)


def test_living_lists_migration_gives_existing_mentions_their_import_time(
    tmp_path: Path,
) -> None:
    older = tmp_path / "older"
    older.mkdir()
    for file in migration_files():
        if file.stem < "0006":
            (older / file.name).write_text(file.read_text(encoding="utf-8"), encoding="utf-8")
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    load_migrations(older).apply(Database(conn))
    conn.execute(
        "INSERT INTO sources (path, name, content_hash, imported_at)"
        " VALUES ('/l.md', 'l.md', 'x', '2025-01-02T03:04:05+00:00')"
    )
    conn.execute("INSERT INTO papers (id, title, title_key, created_at) VALUES (1, 'T', 't', 'c')")
    conn.execute(
        "INSERT INTO entries (source_id, line, raw, title, title_key, paper_id)"
        " VALUES (1, 1, '- T', 'T', 't', 1)"
    )
    conn.commit()
    conn.close()
    db = Database(open_db(path))
    assert db.execute("SELECT first_seen, added FROM entries").fetchall() == [
        ("2025-01-02T03:04:05+00:00", 0)
    ]
    assert db.execute("SELECT origin FROM sources").fetchall() == [(None,)]
    db.close()
