"""CLI: import summary and exit codes, db-path, migrate, export contract."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlite_utils import Database
from typer.testing import CliRunner

from paperdb.cli import app
from paperdb.db import open_db, seed_dir
from paperdb.schema import migration_files
from tests.helpers import counts, paused_import

LIST = """\
# Pruning
- The Lottery Ticket Hypothesis | year=2019 | venue=ICLR | arxiv=1803.03635 | authors=Jonathan Frankle;Michael Carbin | topic=pruning | code=https://github.com/a/lth | tags=classic
* a line the importer cannot read
- Deep Compression | year=2016 | venue=ICLR | topic=quantization | url=https://arxiv.org/abs/1510.00149
"""
OTHER = "- the lottery ticket hypothesis | year=2019 | venue=ICLR | topic=pruning\n"

PAPER_KEYS = [
    "id",
    "title",
    "year",
    "venue",
    "venue_kind",
    "presentation",
    "topics",
    "authors",
    "nickname",
    "arxiv_id",
    "paper_url",
    "code",
    "tags",
    "mentions",
]
MENTION_KEYS = [
    "source",
    "line",
    "raw",
    "title",
    "venue",
    "year",
    "presentation",
    "topic",
    "paper_url",
    "broken_link",
    "authors",
    "code_urls",
]


@pytest.fixture
def lists(tmp_path: Path) -> list[Path]:
    folder = tmp_path / "lists"
    folder.mkdir()
    (folder / "a.md").write_text(LIST, encoding="utf-8")
    (folder / "b.md").write_text(OTHER, encoding="utf-8")
    return [folder / "a.md", folder / "b.md"]


@pytest.mark.parametrize("command", [[], ["import"], ["db-path"], ["migrate"], ["export"]])
def test_every_command_has_help(runner: CliRunner, command: list[str]) -> None:
    result = runner.invoke(app, [*command, "--help"], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    assert "Usage" in result.stdout


def test_db_path_follows_env_and_option(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["db-path"], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == os.environ["PAPERDB_DB"]
    result = runner.invoke(app, ["--db", str(tmp_path / "x.db"), "db-path"])
    assert result.stdout.strip() == str(tmp_path / "x.db")


@pytest.mark.usefixtures("fake_parser")
def test_import_summary_on_stderr(runner: CliRunner, lists: list[Path]) -> None:
    result = runner.invoke(app, ["import", str(lists[0].parent)], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    rows = {line.split()[0]: line.split() for line in result.stderr.splitlines() if line.strip()}
    # Issue 10: a folder's files are named by their path below it, the folder's name in front.
    a, b = (f"{lists[0].parent.name}/{name}" for name in ("a.md", "b.md"))
    assert rows[a] == [a, "fake", "new", "2", "2", "0", "1"]
    assert rows[b] == [b, "fake", "new", "1", "0", "1", "0"]
    assert rows["total"] == ["total", "3", "2", "1", "1"]
    assert "1 line(s) could not be read" in result.stderr and "--verbose" in result.stderr
    assert "a.md:3" not in result.stderr

    again = runner.invoke(app, ["import", "-v", *map(str, lists)], catch_exceptions=False)
    assert again.exit_code == 0, again.stderr
    assert "unchanged" in again.stderr
    assert "a.md:3: unreadable" in again.stderr


def test_import_errors_exit_1_with_one_line(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["import", str(tmp_path / "missing.md")])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.strip().splitlines() == [
        f"error: {tmp_path / 'missing.md'}: no such file or folder"
    ]
    (tmp_path / "bin.md").write_bytes(b"\x00\x01")
    result = runner.invoke(app, ["import", str(tmp_path / "bin.md")])
    assert result.exit_code == 1
    assert "binary" in result.stderr


@pytest.mark.usefixtures("fake_parser")
def test_import_unknown_format(runner: CliRunner, lists: list[Path]) -> None:
    result = runner.invoke(app, ["import", "--format", "nope", str(lists[0])])
    assert result.exit_code == 2  # a bad option value is a usage error (issue 13)
    assert "unknown format 'nope'" in result.stderr and "--format" in result.stderr


def test_import_usage_error_exits_2(runner: CliRunner) -> None:
    assert runner.invoke(app, ["import"]).exit_code == 2


def test_non_sqlite_db_is_refused(runner: CliRunner, tmp_path: Path, lists: list[Path]) -> None:
    bogus = tmp_path / "bogus.db"
    bogus.write_text("hello")
    result = runner.invoke(app, ["--db", str(bogus), "import", str(lists[0])])
    assert result.exit_code == 1
    assert "not a paperdb database" in result.stderr
    assert bogus.read_text() == "hello"


def test_migrate_list(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "m.db"
    result = runner.invoke(app, ["--db", str(path), "migrate", "--list"], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    pending = [word for f in migration_files() for word in ("pending", f.stem)]
    assert result.stdout.split() == pending
    assert pending[:4] == ["pending", "0001_initial", "pending", "0002_papers_fts"]
    assert not path.exists()
    result = runner.invoke(app, ["--db", str(path), "migrate"], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    result = runner.invoke(app, ["--db", str(path), "migrate", "--list"], catch_exceptions=False)
    assert [line.split()[:2] for line in result.stdout.splitlines()] == [
        ["applied", f.stem] for f in migration_files()
    ]


@pytest.mark.usefixtures("fake_parser")
def test_export_json_contract(runner: CliRunner, lists: list[Path]) -> None:
    assert runner.invoke(app, ["import", *map(str, lists)]).exit_code == 0
    result = runner.invoke(app, ["export", "--format", "json"], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    papers = json.loads(result.stdout)
    assert [p["id"] for p in papers] == [1, 2]
    for paper in papers:
        assert list(paper) == PAPER_KEYS
        for mention in paper["mentions"]:
            assert list(mention) == MENTION_KEYS
    lottery = papers[0]
    assert lottery["title"] == "The Lottery Ticket Hypothesis"
    assert lottery["topics"] == ["pruning"]
    assert lottery["authors"] == ["Jonathan Frankle", "Michael Carbin"]
    assert lottery["code"] == [
        {"url": "https://github.com/a/lth", "framework": "PyTorch", "official": True}
    ]
    assert lottery["tags"] == ["classic"]
    assert [(m["source"], m["line"]) for m in lottery["mentions"]] == [("a.md", 2), ("b.md", 1)]
    assert lottery["mentions"][0]["broken_link"] is False
    assert papers[1]["paper_url"] == "https://arxiv.org/abs/1510.00149"
    assert papers[1]["authors"] == [] and papers[1]["code"] == []
    assert result.stdout.startswith("[\n  {\n")


def test_export_empty_database(runner: CliRunner, db_path: Path) -> None:
    result = runner.invoke(
        app, ["--db", str(db_path), "export", "-f", "json"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == []


def test_export_to_file_refuses_overwrite(runner: CliRunner, db_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    args = ["--db", str(db_path), "export", "-f", "json", "-o", str(out)]
    result = runner.invoke(app, args, catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert json.loads(out.read_text(encoding="utf-8")) == []
    out.write_text("keep me")
    result = runner.invoke(app, args)
    assert result.exit_code == 1
    assert "--force" in result.stderr
    assert out.read_text() == "keep me"
    result = runner.invoke(app, [*args, "--force"], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    assert out.read_text(encoding="utf-8") == "[]\n"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".out")) == []


def test_export_unknown_format(runner: CliRunner, db_path: Path) -> None:
    result = runner.invoke(app, ["--db", str(db_path), "export", "-f", "yaml"])
    assert result.exit_code == 2  # a bad option value is a usage error (issue #3)
    assert "--format" in result.stderr and "yaml" in result.stderr


def test_first_use_builds_from_seeds(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The default location only (issue 13): a --db / PAPERDB_DB file starts empty.
    home = tmp_path / "user-data" / "paperdb.db"
    monkeypatch.delenv("PAPERDB_DB")
    monkeypatch.setattr("paperdb.db.default_db_path", lambda: home)
    result = runner.invoke(app, ["export", "-f", "json"], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    assert "from the bundled seed lists" in result.stderr
    papers = json.loads(result.stdout)
    seed_names = {path.name for path in seed_dir().iterdir()}
    assert papers and {m["source"] for p in papers for m in p["mentions"]} <= seed_names
    assert home.exists()


@pytest.mark.slow
def test_kill_mid_import_leaves_database_unchanged(tmp_path: Path) -> None:
    seeds = sorted(seed_dir().glob("*.txt"))[:3]
    db_file = tmp_path / "kill.db"
    env = {**os.environ, "PAPERDB_DB": str(db_file)}
    first = subprocess.run(
        [sys.executable, "-m", "paperdb", "import", str(seeds[0])],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert first.returncode == 0, first.stderr
    db = Database(open_db(db_file))
    before = counts(db)
    db.close()

    with paused_import(db_file, seeds, after=2) as proc:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL

    db = Database(open_db(db_file))
    assert counts(db) == before
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    db.close()
    raw = sqlite3.connect(db_file)
    assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    raw.close()
