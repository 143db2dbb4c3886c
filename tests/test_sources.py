"""Issue 10, sources: a source's name is unique and is what every file:line shows."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path

import pytest
from sqlite_utils import Database
from typer.testing import CliRunner

from paperdb.cli import app
from paperdb.db import open_db
from paperdb.schema import load_migrations, migration_files
from tests.helpers import counts

A = """\
- 2019-ICLR-[The Lottery Ticket Hypothesis](https://arxiv.org/abs/1803.03635)
- 2020-ICML-[Pruning Filters Only This List Has](https://arxiv.org/abs/2001.00001)
"""
B = """\
- 2018-ICLR-[The Lottery Ticket Hypothesis](https://openreview.net/forum?id=rJl-b3RcF7)
- 2021-CVPR-[A Broken Link Here](not a url)
"""


@pytest.fixture
def lists(tmp_path: Path) -> Path:
    """lists/a/README.md and lists/b/README.md: two repositories' lists, one file name."""
    for folder, text in (("a", A), ("b", B)):
        (tmp_path / "lists" / folder).mkdir(parents=True)
        (tmp_path / "lists" / folder / "README.md").write_text(text, encoding="utf-8")
    return tmp_path / "lists"


def _ok(runner: CliRunner, db: Path, *args: str) -> str:
    """stdout of a command that succeeds (for import: its summary, on stderr)."""
    result = runner.invoke(app, ["--db", str(db), *args], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    return result.stderr if args[0] == "import" else result.stdout


def test_a_folder_of_readmes_gives_distinct_sources_everywhere(
    runner: CliRunner, lists: Path, tmp_path: Path
) -> None:
    db = tmp_path / "x.db"
    summary = _ok(runner, db, "import", str(lists))
    assert "lists/a/README.md" in summary and "lists/b/README.md" in summary

    found = json.loads(_ok(runner, db, "search", "lottery ticket", "-f", "json"))
    [paper] = [p for p in found if p["title"] == "The Lottery Ticket Hypothesis"]
    shown = json.loads(_ok(runner, db, "show", str(paper["id"]), "-f", "json"))
    assert [(m["source"], m["line"]) for m in shown["mentions"]] == [
        ("lists/a/README.md", 1),
        ("lists/b/README.md", 1),
    ]
    assert shown["conflicts"]["year"] == [
        {"value": 2019, "mentions": ["lists/a/README.md:1"]},
        {"value": 2018, "mentions": ["lists/b/README.md:1"]},
    ]
    text = _ok(runner, db, "show", str(paper["id"]))
    assert "lists/a/README.md:1\t" in text and "lists/b/README.md:1\t" in text

    checked = json.loads(_ok(runner, db, "check", "-f", "json"))
    assert {(f["file"], f["line"], f["kind"]) for f in checked} >= {
        ("lists/a/README.md", 1, "year-conflict"),
        ("lists/b/README.md", 1, "year-conflict"),
        ("lists/b/README.md", 2, "broken-link"),
    }
    exported = list(csv.DictReader(io.StringIO(_ok(runner, db, "export", "-f", "csv"))))
    assert {row["mentions"] for row in exported} == {
        "lists/a/README.md:1; lists/b/README.md:1",
        "lists/a/README.md:2",
        "lists/b/README.md:2",
    }
    by_source = json.loads(_ok(runner, db, "filter", "--source", "lists/b", "-f", "json"))
    assert {p["title"] for p in by_source} == {
        "The Lottery Ticket Hypothesis",
        "A Broken Link Here",
    }

    conn = Database(open_db(db))
    before = counts(conn), list(conn.execute("SELECT id, path, name FROM sources"))
    conn.close()
    again = _ok(runner, db, "import", str(lists))
    assert again.count("unchanged") == 2
    _ok(runner, db, "import", str(lists / "a" / "README.md"))  # the same path, named alone
    conn = Database(open_db(db))
    assert (counts(conn), list(conn.execute("SELECT id, path, name FROM sources"))) == before
    conn.close()


def test_a_taken_file_name_gets_its_folders_in_front(
    runner: CliRunner, lists: Path, tmp_path: Path
) -> None:
    db = tmp_path / "x.db"
    _ok(runner, db, "import", str(lists / "a" / "README.md"))
    summary = _ok(runner, db, "import", str(lists / "b" / "README.md"))
    assert "b/README.md" in summary
    (tmp_path / "other" / "b").mkdir(parents=True)
    (tmp_path / "other" / "b" / "README.md").write_text(B + "- [One More](https://x.org/1)\n")
    _ok(runner, db, "import", str(tmp_path / "other" / "b" / "README.md"))
    conn = sqlite3.connect(db)
    names = [row[0] for row in conn.execute("SELECT name FROM sources ORDER BY id")]
    conn.close()
    assert names == ["README.md", "b/README.md", "other/b/README.md"]


def test_name_option(runner: CliRunner, lists: Path, tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    _ok(runner, db, "import", "--name", "pruning-list.md", str(lists / "a" / "README.md"))
    shown = json.loads(_ok(runner, db, "export", "-f", "json"))
    assert {m["source"] for p in shown for m in p["mentions"]} == {"pruning-list.md"}

    two = runner.invoke(app, ["--db", str(db), "import", "--name", "x.md", str(lists)])
    assert two.exit_code == 2 and "--name" in two.stderr and not two.stdout
    taken = runner.invoke(
        app,
        ["--db", str(db), "import", "--name", "pruning-list.md", str(lists / "b" / "README.md")],
    )
    assert taken.exit_code == 1, taken.stderr
    assert taken.stderr.startswith("error: --name pruning-list.md: another source has this name")
    blank = runner.invoke(app, ["--db", str(db), "import", "--name", " ", str(lists / "b")])
    assert blank.exit_code == 2

    # --name on an imported path renames its source; nothing else changes.
    _ok(runner, db, "import", "--name", "a.md", str(lists / "a" / "README.md"))
    shown = json.loads(_ok(runner, db, "export", "-f", "json"))
    assert {m["source"] for p in shown for m in p["mentions"]} == {"a.md"}


def test_migration_renames_existing_duplicate_names(tmp_path: Path) -> None:
    older = tmp_path / "older"
    older.mkdir()
    for file in migration_files():
        if file.stem < "0007":
            (older / file.name).write_text(file.read_text(encoding="utf-8"), encoding="utf-8")
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    load_migrations(older).apply(Database(conn))
    conn.executemany(
        "INSERT INTO sources (path, name, content_hash, imported_at) VALUES (?, ?, 'x', 't')",
        [
            ("/r/lists/a/README.md", "README.md"),
            ("/r/lists/b/README.md", "README.md"),
            ("/s/b/README.md", "README.md"),
            ("/r/notes.md", "notes.md"),
        ],
    )
    conn.commit()
    conn.close()
    conn = open_db(path)
    names = [row[0] for row in conn.execute("SELECT name FROM sources ORDER BY id")]
    conn.close()
    assert names == ["README.md", "b/README.md", "b/README.md (3)", "notes.md"]
