"""Shared fixtures: no test may touch a real database."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlite_utils import Database
from typer.testing import CliRunner

from paperdb import importers
from paperdb.db import open_db
from tests import strategies  # noqa: F401  (registers the hypothesis profiles)
from tests.fakeweb import hub, web  # noqa: F401  (the fake web and GitHub fixtures)
from tests.helpers import fake_parse


@pytest.fixture(autouse=True)
def _isolated_db(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point PAPERDB_DB at a fresh temporary path for every test."""
    monkeypatch.setenv("PAPERDB_DB", str(tmp_path_factory.mktemp("home") / "paperdb.db"))
    monkeypatch.delenv("PAPERDB_TEST_PAUSE_AFTER_FILES", raising=False)
    # Fetching settings of the person running the tests never reach them.
    for name in (
        "PAPERDB_OFFLINE",
        "GITHUB_TOKEN",
        "PAPERDB_HTTP_TIMEOUT",
        "PAPERDB_GIT_TIMEOUT",
        "PAPERDB_GITHUB_API",
        "PAPERDB_GITHUB_RAW",
    ):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def db() -> Iterator[Database]:
    """An in-memory, fully migrated database."""
    database = Database(open_db(":memory:"))
    yield database
    database.close()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """A migrated database file in tmp_path."""
    path = tmp_path / "test.db"
    open_db(path).close()
    return path


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def fake_parser(monkeypatch: pytest.MonkeyPatch) -> None:
    """Replace the real importers with :func:`fake_parse`."""
    monkeypatch.setattr(importers, "parse_text", fake_parse)
    monkeypatch.setattr(importers, "FORMATS", (*importers.FORMATS, "fake"))


@pytest.fixture(scope="module")
def seed_db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database file built from the bundled seed lists (per module), named paperdb.db."""
    from paperdb.db import seed_dir
    from paperdb.ingest import import_paths
    from paperdb.reader import collect_paths

    path = tmp_path_factory.mktemp("seeds") / "paperdb.db"
    db = Database(open_db(path))
    import_paths(db.conn, collect_paths([seed_dir()]))
    db.close()
    return path


@pytest.fixture(scope="module")
def seed_conn(seed_db_path: Path) -> Iterator[sqlite3.Connection]:
    """A read connection to :func:`seed_db_path` (per module)."""
    conn = sqlite3.connect(seed_db_path)
    yield conn
    conn.close()
