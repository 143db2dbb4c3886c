"""Database paths and damaged databases (issue 14, items 2 and 3).

A read command opens an existing file read-only and never creates or replaces anything:
a dangling link or a link loop is an error that names it. A write command follows a
link to its target or refuses a loop. Before the first write a database is checked
(``PRAGMA quick_check``); a damaged one is refused with the way back, and a good
``<db>.bak`` is never replaced by a damaged copy.
"""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from paperdb.cli import app
from paperdb.db import backup, open_db
from paperdb.errors import DatabaseError

LIST = """\
## ICLR 2019
- 2019-ICLR-[The Lottery Ticket Hypothesis](https://arxiv.org/abs/1803.03635)
- 2019-ICLR-[Rethinking the Value of Network Pruning](https://arxiv.org/abs/1810.05270)
- 2019-ICLR-[SNIP Single-shot Network Pruning](https://arxiv.org/abs/1810.02340)
"""
READS = [
    ["search", "lottery"],
    ["filter"],
    ["show", "1"],
    ["stats", "--by", "year"],
    ["export", "-f", "json"],
    ["check"],
    ["dedupe"],
    ["dedupe", "--list"],
    ["migrate", "--list"],
]
WRITES = [
    ["import", "LIST"],
    ["migrate"],
    ["dedupe", "--apply"],
    ["dedupe", "--not-same", "1", "2"],
    ["dedupe", "--undo", "1"],
    ["sync"],
]


def invoke(db: Path, *args: str) -> Result:
    return CliRunner().invoke(app, ["--db", str(db), *args])


def one_line_error(result: Result, *needles: str) -> str:
    assert result.exit_code == 1, (result.stdout, result.stderr)
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]
    return lines[0]


def listing(folder: Path) -> list[tuple[str, bool]]:
    return sorted((p.name, p.is_symlink()) for p in folder.iterdir())


def with_list(tmp_path: Path, command: list[str]) -> list[str]:
    listed = tmp_path / "l.md"
    if not listed.exists():
        listed.write_text(LIST, encoding="utf-8")
    return [str(listed) if a == "LIST" else a for a in command]


def make_db(path: Path, tmp_path: Path) -> None:
    result = invoke(path, *with_list(tmp_path, ["import", "LIST"]))
    assert result.exit_code == 0, result.stderr
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = DELETE")  # one self-contained file to damage
    conn.close()


# -- links ------------------------------------------------------------------------------


@pytest.mark.parametrize("command", READS, ids=" ".join)
def test_a_read_through_a_dangling_link_creates_nothing(tmp_path: Path, command: list[str]) -> None:
    link = tmp_path / "link.db"
    link.symlink_to("data/real.db")
    before = listing(tmp_path)
    result = invoke(link, *command)
    if command == ["migrate", "--list"]:  # as for any missing file: every one pending
        assert result.exit_code == 0 and "pending  0001_initial" in result.stdout
    else:
        one_line_error(result, str(link), "data/real.db", "nothing was created")
    assert listing(tmp_path) == before
    assert link.is_symlink()


@pytest.mark.parametrize("command", READS + WRITES, ids=" ".join)
def test_a_link_loop_is_refused_and_left_alone(tmp_path: Path, command: list[str]) -> None:
    loop = tmp_path / "loop.db"
    loop.symlink_to("loop.db")
    args = with_list(tmp_path, command)
    before = listing(tmp_path)
    one_line_error(invoke(loop, *args), str(loop), "symbolic link loop")
    assert listing(tmp_path) == before
    assert loop.is_symlink()


def test_a_write_through_a_dangling_link_creates_the_target(tmp_path: Path) -> None:
    link = tmp_path / "link.db"
    link.symlink_to("data/real.db")
    result = invoke(link, *with_list(tmp_path, ["import", "LIST"]))
    assert result.exit_code == 0, result.stderr
    assert link.is_symlink() and os.readlink(link) == "data/real.db"
    assert (tmp_path / "data" / "real.db").is_file()
    found = invoke(link, "search", "lottery", "-f", "json")
    assert found.exit_code == 0, found.stderr
    assert "Lottery Ticket" in found.stdout


def test_a_write_through_a_link_keeps_the_link_and_backs_up_the_target(tmp_path: Path) -> None:
    real = tmp_path / "data" / "real.db"
    real.parent.mkdir()
    make_db(real, tmp_path)
    link = tmp_path / "link.db"
    link.symlink_to(real)
    (tmp_path / "l.md").write_text("\n".join(LIST.splitlines()[:2]) + "\n", encoding="utf-8")
    result = invoke(link, *with_list(tmp_path, ["import", "LIST"]))  # replaces entries
    assert result.exit_code == 0, result.stderr
    assert link.is_symlink()
    assert (real.parent / "real.db.bak").is_file()
    applied = invoke(link, "dedupe", "--apply")
    assert applied.exit_code == 0, applied.stderr
    assert link.is_symlink()


def test_a_first_use_read_of_a_plain_missing_path_makes_an_empty_database(
    tmp_path: Path,
) -> None:
    """Issue 13: only the default location is built from the seeds; --db makes it empty."""
    result = invoke(tmp_path / "new.db", "stats", "--by", "year", "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert "building" not in result.stderr and result.stdout == "[]\n"
    assert (tmp_path / "new.db").is_file()


def test_the_default_location_is_built_from_the_seeds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "data" / "paperdb" / "paperdb.db"
    monkeypatch.delenv("PAPERDB_DB")
    monkeypatch.setattr("paperdb.db.default_db_path", lambda: home)
    result = CliRunner().invoke(app, ["stats", "--by", "year", "-f", "json"])
    assert result.exit_code == 0, result.stderr
    assert "building" in result.stderr and home.is_file()
    assert sum(row["count"] for row in json.loads(result.stdout)) == 641


@pytest.mark.parametrize("how", ["--db", "PAPERDB_DB"])
@pytest.mark.parametrize("command", [["search", "x"], ["import", "LIST"], ["db-path"]])
def test_a_db_in_a_missing_folder_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str, command: list[str]
) -> None:
    """Issue 13: a mistyped --db used to create the folders and a seeded database."""
    typo = tmp_path / "typo" / "dir" / "new.db"
    (tmp_path / "l.md").write_text(LIST, encoding="utf-8")
    args = [str(tmp_path / "l.md") if a == "LIST" else a for a in command]
    if how == "--db":
        result = CliRunner().invoke(app, ["--db", str(typo), *args])
    else:
        monkeypatch.setenv("PAPERDB_DB", str(typo))
        result = CliRunner().invoke(app, args)
    assert result.exit_code == 2, result.output
    assert "no such folder" in result.stderr
    assert not (tmp_path / "typo").exists()


# -- damaged databases ------------------------------------------------------------------


def damage(path: Path) -> None:
    """Swap the first two cell pointers of the entries table's root page: every byte is
    still there, but the b-tree's keys are out of order (found by quick_check only)."""
    conn = sqlite3.connect(path)
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'entries'").fetchone()[0]
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    data = bytearray(path.read_bytes())
    start = (root - 1) * page_size
    header = 12 if data[start] in (2, 5) else 8  # interior pages have a longer header
    first, second = start + header, start + header + 2
    data[first : first + 2], data[second : second + 2] = (
        data[second : second + 2],
        data[first : first + 2],
    )
    path.write_bytes(bytes(data))


@pytest.fixture
def damaged_db(tmp_path: Path) -> Path:
    """A damaged database beside a good ``.bak`` (made by a re-import that replaced
    entries)."""
    path = tmp_path / "p.db"
    make_db(path, tmp_path)
    (tmp_path / "l.md").write_text("\n".join(LIST.splitlines()[:3]) + "\n", encoding="utf-8")
    assert invoke(path, "import", str(tmp_path / "l.md")).exit_code == 0
    assert (tmp_path / "p.db.bak").is_file()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    damage(path)
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA quick_check").fetchone()[0] != "ok"
    conn.close()
    return path


@pytest.mark.parametrize("command", WRITES, ids=" ".join)
def test_a_damaged_database_is_never_written(
    damaged_db: Path, tmp_path: Path, command: list[str]
) -> None:
    (tmp_path / "l.md").write_text(LIST + "- 2020-ICLR-[A New Paper](https://x.org/a)\n")
    bak = tmp_path / "p.db.bak"
    before, good_backup = damaged_db.read_bytes(), bak.read_bytes()
    files = listing(tmp_path)
    line = one_line_error(invoke(damaged_db, *with_list(tmp_path, command)), str(damaged_db))
    assert "damaged" in line and str(bak) in line and ".recover" in line
    assert damaged_db.read_bytes() == before
    assert bak.read_bytes() == good_backup
    assert listing(tmp_path) == files


@pytest.mark.parametrize("command", READS, ids=" ".join)
def test_reading_a_damaged_database_gives_no_traceback(
    damaged_db: Path, command: list[str]
) -> None:
    before = damaged_db.read_bytes()
    result = invoke(damaged_db, *command)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    if result.exit_code:
        one_line_error(result)
    assert damaged_db.read_bytes() == before


def test_backup_never_replaces_a_good_copy_with_a_damaged_one(damaged_db: Path) -> None:
    bak = damaged_db.with_name("p.db.bak")
    good = bak.read_bytes()
    with pytest.raises(DatabaseError, match="damaged"):
        backup(damaged_db)
    assert bak.read_bytes() == good
    assert sorted(p.name for p in damaged_db.parent.iterdir() if p.name.endswith(".tmp")) == []


def test_the_write_path_checks_before_writing(damaged_db: Path) -> None:
    before = damaged_db.read_bytes()
    with pytest.raises(DatabaseError, match="damaged"):
        open_db(damaged_db)
    assert damaged_db.read_bytes() == before


@pytest.mark.parametrize("command", [READS[0], WRITES[0], WRITES[1]], ids=" ".join)
def test_a_database_path_that_is_a_device_or_pipe_is_refused(
    tmp_path: Path, command: list[str]
) -> None:
    fifo = tmp_path / "pipe.db"
    os.mkfifo(fifo)  # opening it would block; writing /dev/null would lose everything
    for path in (Path("/dev/null"), fifo):
        one_line_error(invoke(path, *with_list(tmp_path, command)), "not a regular file")
    assert fifo.is_fifo()
