"""Search's indexes for large databases (migration 0008): papers_rank, papers_cjk, the
bounded candidate set, and the bulk import path that rebuilds them."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from paperdb import search as module
from paperdb.db import open_db
from paperdb.filters import Filters
from paperdb.ingest import import_paths
from paperdb.reader import collect_paths
from paperdb.search import search


def add(conn: sqlite3.Connection, title: str, **columns: object) -> int:
    if columns.get("venue"):
        conn.execute("INSERT OR IGNORE INTO venues (name) VALUES (?)", (columns["venue"],))
    names = ["title", "title_key", "created_at", *columns]
    values = [title, title.lower(), "now", *columns.values()]
    marks = ", ".join("?" * len(names))
    cur = conn.execute(f"INSERT INTO papers ({', '.join(names)}) VALUES ({marks})", values)
    return int(cur.lastrowid or 0)


def rank_rows(conn: sqlite3.Connection, word: str) -> list[tuple[int, int]]:
    """(length, id) of the papers_rank rows matching ``word``."""
    return conn.execute(
        "SELECT rowid >> 32, rowid & 4294967295 FROM papers_rank WHERE papers_rank MATCH ?",
        (word,),
    ).fetchall()


def integrity(conn: sqlite3.Connection) -> None:
    conn.execute("INSERT INTO papers_rank (papers_rank) VALUES ('integrity-check')")


def test_rank_index_follows_papers() -> None:
    conn = open_db(":memory:")
    one = add(conn, "Channel Pruning", venue="CVPR")
    two = add(conn, "Post-training Channel Pruning for Detectors", authors="A. Smith; B. Jones")
    # The length is in characters, of the four columns.
    assert sorted(rank_rows(conn, "pruning")) == [(19, one), (61, two)]
    conn.execute("UPDATE papers SET authors = 'C. Wu' WHERE id = ?", (one,))
    conn.execute("UPDATE papers SET n_mentions = 3 WHERE id = ?", (two,))  # not indexed
    assert sorted(rank_rows(conn, "pruning")) == [(24, one), (61, two)]
    assert rank_rows(conn, "smith") == [(61, two)] and rank_rows(conn, "wu") == [(24, one)]
    integrity(conn)
    conn.execute("DELETE FROM papers WHERE id = ?", (two,))
    assert rank_rows(conn, "pruning") == [(24, one)] and rank_rows(conn, "smith") == []
    integrity(conn)


def grams(conn: sqlite3.Connection) -> set[tuple[str, int]]:
    return set(conn.execute("SELECT gram, paper_id FROM papers_cjk").fetchall())


def test_cjk_grams_follow_titles() -> None:
    conn = open_db(":memory:")
    latin = add(conn, "Binary Networks")
    cjk = add(conn, "基于量化 Networks")
    assert grams(conn) == {(g, cjk) for g in ("基", "于", "量", "化", "基于", "于量", "量化")}
    conn.execute("UPDATE papers SET title = '剪枝' WHERE id = ?", (cjk,))
    conn.execute("UPDATE papers SET title = '二值 Nets' WHERE id = ?", (latin,))
    assert grams(conn) == {
        ("剪", cjk),
        ("枝", cjk),
        ("剪枝", cjk),
        ("二", latin),
        ("值", latin),
        ("二值", latin),
    }
    conn.execute("DELETE FROM papers WHERE id = ?", (cjk,))
    assert grams(conn) == {("二", latin), ("值", latin), ("二值", latin)}


def test_short_cjk_words_match_title_substrings() -> None:
    conn = open_db(":memory:")
    hit = add(conn, "基于量化的剪枝")
    mixed = add(conn, "8位量化 Networks")
    add(conn, "量 and 化 apart")
    assert {r["id"] for r in search(conn, "量化").rows} == {hit, mixed}
    assert {r["id"] for r in search(conn, "剪").rows} == {hit}
    assert {r["id"] for r in search(conn, "位量").rows} == {mixed}
    assert {r["id"] for r in search(conn, "8位").rows} == {mixed}  # a digit and a CJK character
    assert search(conn, "9位").rows == []


def test_only_the_first_candidates_are_scored(monkeypatch: pytest.MonkeyPatch) -> None:
    conn = open_db(":memory:")
    ids = [add(conn, "Pruning " + " ".join(["Deep"] * n), venue="ICLR") for n in range(6)]
    assert [r["id"] for r in search(conn, "pruning").rows] == ids  # shortest first
    monkeypatch.setattr(module, "CANDIDATES", 3)
    assert [r["id"] for r in search(conn, "pruning").rows] == ids[:3]
    filtered = search(conn, "pruning", Filters(venues=("ICLR",))).rows
    assert [r["id"] for r in filtered] == ids[:3]
    # Without a limit (or sorted by another key) every match is returned.
    assert len(search(conn, "pruning", limit=None).rows) == 6
    assert len(search(conn, "pruning", sort="year").rows) == 6


def test_a_bulk_import_rebuilds_the_rank_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from paperdb.ingest import bulk

    monkeypatch.setattr(bulk, "BULK_MIN_NEW", 2)
    lines = ["# Pruning", "## CVPR 2020"]
    lines += [f"- 2020-CVPR-[Pruning Study Number {i}](https://x.org/{i})" for i in range(8)]
    lines += ["- 2020-CVPR-[剪枝 Study](https://x.org/cjk)"]
    (tmp_path / "l.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    conn = open_db(tmp_path / "t.db")
    import_paths(conn, collect_paths([tmp_path / "l.md"]))
    triggers = {
        name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
    }
    assert "papers_rank_ai" in triggers
    integrity(conn)
    assert len(rank_rows(conn, "study")) == 9
    assert [r["title"] for r in search(conn, "剪枝").rows] == ["剪枝 Study"]
    conn.close()


def test_the_trigram_fallback_ranks_a_bounded_set(monkeypatch: pytest.MonkeyPatch) -> None:
    """A typo in the first letter is corrected from titles sharing trigrams with it; only
    the first TRIGRAM_CANDIDATES such titles (in id order) are ranked."""
    conn = open_db(":memory:")
    add(conn, "Informer Networks")  # shares "for", "orm", "rme", "mer" with the typo
    add(conn, "Transformer Networks")
    assert search(conn, "rtansformer").corrections == [("rtansformer", "transformer")]
    monkeypatch.setattr(module, "TRIGRAM_CANDIDATES", 1)
    assert search(conn, "rtansformer").corrections == []
