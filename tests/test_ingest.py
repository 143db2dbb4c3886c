"""Ingest: idempotent re-import, replacement, exact-key linking, atomicity."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

from paperdb import importers
from paperdb.db import open_db
from paperdb.errors import DatabaseBusyError, InputError
from paperdb.ingest import import_paths
from paperdb.ingest.seed import ensure_seeded
from paperdb.models import ParsedList
from paperdb.papers import refresh_papers
from tests.helpers import counts, fake_parse

pytestmark = pytest.mark.usefixtures("fake_parser")

LIST_A = """\
# Pruning
- The Lottery Ticket Hypothesis | year=2019 | venue=ICLR | arxiv=1803.03635 | authors=Jonathan Frankle;Michael Carbin | topic=pruning | pres=oral
- Deep Compression | year=2016 | venue=ICLR | authors=Song Han | code=https://github.com/a/dc | tags=classic
* not a paper line
- deep compression! | year=2016 | venue=ICLR | topic=quantization
"""

LIST_B = """\
# Elsewhere
- Lottery tickets (renamed) | year=2019 | venue=ICLR | arxiv=1803.03635
- DEEP COMPRESSION | year=2015 | venue=arXiv
- Only In B | year=2020 | venue=NeurIPS | authors=Someone Else
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def papers(db: Database) -> dict[str, dict[str, Any]]:
    return {row["title_key"]: row for row in db.query("SELECT * FROM papers")}


def test_import_stores_entries_papers_and_links(db: Database, tmp_path: Path) -> None:
    report = import_paths(db.conn, [write(tmp_path, "a.md", LIST_A)])
    [file] = report.files
    assert (file.name, file.fmt, file.status) == ("a.md", "fake", "new")
    assert (file.entries, file.new_papers, file.linked) == (3, 2, 1)
    assert [(w.line, w.reason) for w in file.warnings] == [(4, "unreadable")]
    assert db["entries"].count == 3
    assert db["papers"].count == 2
    assert db["import_warnings"].count == 1
    lottery = papers(db)["thelotterytickethypothesis"]
    assert lottery["authors"] == "Jonathan Frankle; Michael Carbin"
    assert (lottery["year"], lottery["venue"], lottery["presentation"]) == (2019, "ICLR", "oral")
    assert lottery["n_mentions"] == 1 and lottery["has_code"] == 0
    compression = papers(db)["deepcompression"]
    assert compression["n_mentions"] == 2 and compression["has_code"] == 1
    topics = db.execute(
        "SELECT topic FROM paper_topics WHERE paper_id = ? ORDER BY topic", [compression["id"]]
    ).fetchall()
    assert topics == [("quantization",)]
    entry = next(db.query("SELECT * FROM entries WHERE line = 2"))
    assert entry["section"] == '["Pruning"]'
    assert entry["raw"].startswith("- The Lottery Ticket Hypothesis")
    assert db["sources"].get(1)["path"] == str((tmp_path / "a.md").resolve())


def test_reimporting_the_same_file_changes_nothing(db: Database, tmp_path: Path) -> None:
    paths = [write(tmp_path, "a.md", LIST_A), write(tmp_path, "b.md", LIST_B)]
    import_paths(db.conn, paths)
    before = counts(db)
    snapshot = list(db.query("SELECT * FROM papers ORDER BY id"))
    report = import_paths(db.conn, paths)
    assert [f.status for f in report.files] == ["unchanged", "unchanged"]
    assert [f.entries for f in report.files] == [3, 3]
    assert [len(f.warnings) for f in report.files] == [1, 0]
    assert counts(db) == before
    assert list(db.query("SELECT * FROM papers ORDER BY id")) == snapshot


def test_moved_file_is_the_same_source(db: Database, tmp_path: Path) -> None:
    import_paths(db.conn, [write(tmp_path, "a.md", LIST_A)])
    before = counts(db)
    (tmp_path / "moved").mkdir()
    moved = (tmp_path / "a.md").rename(tmp_path / "moved" / "a.md")
    [file] = import_paths(db.conn, [moved]).files
    assert file.unchanged
    assert counts(db) == before
    assert db["sources"].get(1)["path"] == str(moved.resolve())


def test_linking_across_files_by_arxiv_then_title(db: Database, tmp_path: Path) -> None:
    report = import_paths(
        db.conn, [write(tmp_path, "a.md", LIST_A), write(tmp_path, "b.md", LIST_B)]
    )
    b = report.files[1]
    assert (b.entries, b.new_papers, b.linked) == (3, 1, 2)
    assert db["papers"].count == 3
    by_key = papers(db)
    # Best-supported values: ICLR/2016 from two mentions beat arXiv/2015 from one.
    assert by_key["deepcompression"]["n_mentions"] == 3
    assert (by_key["deepcompression"]["venue"], by_key["deepcompression"]["year"]) == ("ICLR", 2016)
    # Linked by arXiv id despite a different title; tie on title -> the earliest mention.
    lottery = by_key["thelotterytickethypothesis"]
    assert lottery["n_mentions"] == 2 and lottery["arxiv_id"] == "1803.03635"
    assert lottery["title"] == "The Lottery Ticket Hypothesis"


def test_same_title_different_arxiv_ids_stay_apart(db: Database, tmp_path: Path) -> None:
    text = "- Same Title | arxiv=2001.00001\n- Same Title | arxiv=2002.00002\n- same title\n"
    [file] = import_paths(db.conn, [write(tmp_path, "a.md", text)]).files
    assert (file.new_papers, file.linked) == (2, 1)


def test_changed_file_replaces_its_entries(db: Database, tmp_path: Path) -> None:
    a = write(tmp_path, "a.md", LIST_A)
    b = write(tmp_path, "b.md", LIST_B)
    import_paths(db.conn, [a, b])
    ids = {key: row["id"] for key, row in papers(db).items()}
    write(tmp_path, "b.md", "- Deep Compression | year=2016 | venue=ICLR | authors=New Person\n")
    [file] = import_paths(db.conn, [b]).files
    assert (file.status, file.entries, file.linked, file.new_papers) == ("updated", 1, 1, 0)
    after = papers(db)
    assert set(after) == {"thelotterytickethypothesis", "deepcompression"}  # "Only In B" is gone
    assert {key: row["id"] for key, row in after.items()} == {key: ids[key] for key in after}
    assert after["thelotterytickethypothesis"]["n_mentions"] == 1
    source_b = next(db.query("SELECT * FROM sources WHERE name = 'b.md'"))
    assert source_b["n_entries"] == 1
    lines = db.execute("SELECT line FROM entries WHERE source_id = ?", [source_b["id"]]).fetchall()
    assert lines == [(1,)]
    names = {row["name"] for row in db.query("SELECT name FROM authors")}
    assert "Someone Else" not in names and "New Person" in names
    assert db.execute(
        "SELECT count(*) FROM papers_fts WHERE papers_fts MATCH 'only'"
    ).fetchone() == (0,)


def test_changed_sole_source_keeps_paper_ids(db: Database, tmp_path: Path) -> None:
    a = write(tmp_path, "a.md", LIST_A)
    import_paths(db.conn, [a])
    ids = {key: row["id"] for key, row in papers(db).items()}
    write(tmp_path, "a.md", LIST_A + "- Brand New | year=2024\n")
    import_paths(db.conn, [a])
    after = {key: row["id"] for key, row in papers(db).items()}
    assert {k: after[k] for k in ids} == ids
    assert db["papers"].count == 3


def test_error_rolls_everything_back(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_paths(db.conn, [write(tmp_path, "a.md", LIST_A)])
    before = counts(db)

    def failing(text: str, *, file: str, fmt: str | None = None) -> ParsedList:
        if file == "c.md":
            raise RuntimeError("parser bug")
        return fake_parse(text, file=file, fmt=fmt)

    monkeypatch.setattr(importers, "parse_text", failing)
    write(tmp_path, "a.md", LIST_B)  # a changed file, replaced before the failure
    paths = [tmp_path / "a.md", write(tmp_path, "b.md", LIST_B), write(tmp_path, "c.md", "x")]
    with pytest.raises(RuntimeError, match="parser bug"):
        import_paths(db.conn, paths)
    assert counts(db) == before
    assert not db.conn.in_transaction


def test_unreadable_file_rolls_back_and_names_the_file(db: Database, tmp_path: Path) -> None:
    paths = [write(tmp_path, "a.md", LIST_A), tmp_path / "z.md"]
    paths[1].write_bytes(b"\x00\x01binary")
    before = counts(db)
    with pytest.raises(InputError, match=r"z\.md"):
        import_paths(db.conn, paths)
    assert counts(db) == before


def test_busy_database(db_path: Path, tmp_path: Path) -> None:
    db = Database(open_db(db_path))
    db.conn.execute("PRAGMA busy_timeout = 50")
    other = sqlite3.connect(db_path)
    other.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(DatabaseBusyError, match="database is busy"):
            import_paths(db.conn, [write(tmp_path, "a.md", LIST_A)])
    finally:
        other.rollback()
        other.close()
    assert db["sources"].count == 0


def test_unknown_format_is_refused(db: Database, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="unknown format 'nope'"):
        import_paths(db.conn, [write(tmp_path, "a.md", LIST_A)], fmt="nope")


def test_two_entries_on_one_line_become_a_warning(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def doubled(text: str, *, file: str, fmt: str | None = None) -> ParsedList:
        parsed = fake_parse(text, file=file, fmt=fmt)
        parsed.records.append(parsed.records[0])
        return parsed

    monkeypatch.setattr(importers, "parse_text", doubled)
    [file] = import_paths(db.conn, [write(tmp_path, "a.md", LIST_A)]).files
    assert file.entries == 3
    assert any("second entry on this line" in w.reason for w in file.warnings)


def test_progress_callback(db: Database, tmp_path: Path) -> None:
    calls: list[tuple[int, int, str]] = []
    paths = [write(tmp_path, "a.md", LIST_A), write(tmp_path, "b.md", LIST_B)]
    import_paths(db.conn, paths, progress=lambda *args: calls.append(args))
    assert calls == [(0, 2, "a.md"), (1, 2, "b.md"), (2, 2, "")]


def test_refresh_deletes_papers_without_entries(db: Database, tmp_path: Path) -> None:
    import_paths(db.conn, [write(tmp_path, "a.md", LIST_A)])
    paper_id = papers(db)["thelotterytickethypothesis"]["id"]
    db.execute("DELETE FROM entries WHERE paper_id = ?", [paper_id])
    refresh_papers(db.conn, [paper_id])
    assert db.execute("SELECT count(*) FROM papers WHERE id = ?", [paper_id]).fetchone() == (0,)


def test_ensure_seeded_builds_once(tmp_path: Path) -> None:
    path = tmp_path / "data" / "paperdb.db"
    report = ensure_seeded(path)
    assert report is not None and len(report.files) == 5
    assert sorted(p.name for p in path.parent.iterdir()) == ["paperdb.db"]
    db = Database(open_db(path))
    assert db["sources"].count == 5
    db.close()
    assert ensure_seeded(path) is None


def test_reference_venues_and_topics_are_loaded(db: Database, tmp_path: Path) -> None:
    import_paths(db.conn, [write(tmp_path, "a.md", LIST_A)])
    assert db["venues"].get("NeurIPS")["kind"] == "conference"
    alias = db.execute("SELECT venue FROM venue_aliases WHERE alias = 'nips'").fetchone()
    assert alias == ("NeurIPS",)
    assert db["topics"].get("pruning")["name"] == "Pruning"
    assert db.execute("SELECT topic FROM topic_aliases WHERE alias = '剪枝'").fetchone() == (
        "pruning",
    )
