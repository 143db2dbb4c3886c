"""Bad databases get a clear error and are never modified; destructive imports keep
``<db>.bak``."""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlite_utils import Database
from typer.testing import CliRunner

from paperdb.cli import app
from paperdb.db import backup, open_db
from tests.helpers import counts

LIST = """\
## ICLR 2019
- 2019-ICLR-[The Lottery Ticket Hypothesis](https://arxiv.org/abs/1803.03635)
- 2019-ICLR-[Rethinking the Value of Network Pruning](https://arxiv.org/abs/1810.05270)
- 2019-ICLR-[SNIP Single-shot Network Pruning](https://arxiv.org/abs/1810.02340)
"""


def _good(path: Path, tmp_path: Path) -> None:
    (tmp_path / "l.md").write_text(LIST, encoding="utf-8")
    result = CliRunner().invoke(app, ["--db", str(path), "import", str(tmp_path / "l.md")])
    assert result.exit_code == 0, result.stderr
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()


def text_file(path: Path, tmp_path: Path) -> None:
    path.write_text("my notes, not a database\n")


def truncated(path: Path, tmp_path: Path) -> None:
    _good(path, tmp_path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])


def corrupted(path: Path, tmp_path: Path) -> None:
    _good(path, tmp_path)
    data = bytearray(path.read_bytes())
    page = 4096
    data[page : len(data)] = bytes([0xA5]) * (len(data) - page)  # every page after the first
    path.write_bytes(bytes(data))


def bad_header(path: Path, tmp_path: Path) -> None:
    _good(path, tmp_path)
    data = bytearray(path.read_bytes())
    data[0:16] = b"NOT SQLITE FMT\x00\x00"
    path.write_bytes(bytes(data))


def other_program(path: Path, tmp_path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE recipes (name TEXT)")
    conn.commit()
    conn.close()


def newer_paperdb(path: Path, tmp_path: Path) -> None:
    _good(path, tmp_path)
    conn = sqlite3.connect(path)
    conn.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at)"
        " VALUES ('paperdb', '9999_from_the_future', '2099-01-01')"
    )
    conn.commit()
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()


BAD: dict[str, tuple[Callable[[Path, Path], None], str]] = {
    "text": (text_file, "not a paperdb database"),
    "truncated": (truncated, "paperdb"),
    "corrupted": (corrupted, "damaged"),
    "bad_header": (bad_header, "not a paperdb database"),
    "other_program": (other_program, "not a paperdb database"),
    "newer": (newer_paperdb, "newer paperdb"),
}
COMMANDS = [["export", "-f", "json"], ["import", "LIST"], ["migrate"], ["migrate", "--list"]]


@pytest.mark.parametrize("kind", BAD)
@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_bad_database_is_refused_and_untouched(
    tmp_path: Path, kind: str, command: list[str]
) -> None:
    make, needle = BAD[kind]
    path = tmp_path / "bad.db"
    make(path, tmp_path)
    before = path.read_bytes()
    listing = sorted(p.name for p in tmp_path.iterdir())
    args = [str(tmp_path / "l.md") if a == "LIST" else a for a in command]
    if not (tmp_path / "l.md").exists():
        (tmp_path / "l.md").write_text(LIST, encoding="utf-8")
        listing = sorted(p.name for p in tmp_path.iterdir())
    result = CliRunner().invoke(app, ["--db", str(path), *args])
    if kind == "newer" and command == ["migrate", "--list"]:
        # Listing is how one inspects such a file: it names the unknown migration.
        assert result.exit_code == 0, result.stderr
        assert "unknown  9999_from_the_future" in result.stdout
    elif kind == "corrupted" and command == ["migrate", "--list"]:
        # Listing reads only the migrations table, which may survive: any clean answer.
        assert result.exit_code in (0, 1), result.stderr
    else:
        assert result.exit_code == 1, (result.stdout, result.stderr)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
        assert needle in lines[0]
        assert result.stdout == ""
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == listing


def test_reimport_that_removes_mentions_keeps_one_backup(tmp_path: Path) -> None:
    path = tmp_path / "p.db"
    _good(path, tmp_path)
    listed = tmp_path / "l.md"
    runner = CliRunner()
    again = runner.invoke(app, ["--db", str(path), "import", str(listed)])
    assert again.exit_code == 0 and not Path(f"{path}.bak").exists()  # unchanged: no backup

    listed.write_text("\n".join(LIST.splitlines()[:2]) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["--db", str(path), "import", str(listed)])
    assert result.exit_code == 0, result.stderr
    assert "p.db.bak" in result.stderr
    old = Database(open_db(Path(f"{path}.bak")))
    assert old["entries"].count == 3
    old.close()
    new = Database(open_db(path))
    assert new["entries"].count == 1
    new.close()

    listed.write_text(LIST, encoding="utf-8")  # second generation replaces the first
    assert runner.invoke(app, ["--db", str(path), "import", str(listed)]).exit_code == 0
    old = Database(open_db(Path(f"{path}.bak")))
    assert old["entries"].count == 1
    old.close()
    assert sorted(p.name for p in tmp_path.iterdir() if ".bak" in p.name) == ["p.db.bak"]


def test_backup_helper_copies_committed_state_only(tmp_path: Path) -> None:
    path = tmp_path / "b.db"
    _good(path, tmp_path)
    db = Database(open_db(path))
    expected = counts(db)
    db.conn.execute("BEGIN IMMEDIATE")
    db.conn.execute("DELETE FROM entries")
    target = backup(path)  # while this connection holds uncommitted deletes
    db.conn.execute("ROLLBACK")
    db.close()
    assert target == tmp_path / "b.db.bak"
    copy = Database(open_db(target))
    assert counts(copy) == expected
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    copy.close()
    assert not [p for p in os.listdir(tmp_path) if p.endswith(".tmp")]


def test_failed_import_writes_nothing_into_a_good_database(tmp_path: Path) -> None:
    path = tmp_path / "g.db"
    _good(path, tmp_path)
    (tmp_path / "bin.md").write_bytes(b"\x00\x01\x02")
    db = Database(open_db(path))
    before = counts(db), list(db.conn.iterdump())
    db.close()
    result = CliRunner().invoke(
        app, ["--db", str(path), "import", str(tmp_path / "l.md"), str(tmp_path / "bin.md")]
    )
    assert result.exit_code == 1
    db = Database(open_db(path))
    assert (counts(db), list(db.conn.iterdump())) == before
    db.close()
    export = CliRunner().invoke(app, ["--db", str(path), "export", "-f", "json"])
    assert len(json.loads(export.stdout)) == 3
