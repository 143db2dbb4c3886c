"""check: list-quality findings with file:line, and the gold conflicts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlite_utils import Database

from paperdb import dedupe
from paperdb.check import KINDS, check
from paperdb.db import seed_dir
from paperdb.errors import QueryError
from paperdb.ingest import import_paths
from paperdb.reader import collect_paths

GOLD = Path(__file__).parent / "gold" / "conflicts.json"


@pytest.mark.parametrize("merged", [False, True], ids=["imported", "after-apply"])
def test_every_gold_conflict_is_reported(db: Database, merged: bool) -> None:
    import_paths(db.conn, collect_paths([seed_dir()]))  # each seed named by its file name
    if merged:
        dedupe.apply(db.conn)
    found = {(f"{f['file']}:{f['line']}", f["kind"]) for f in check(db.conn)}
    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    assert len(gold["conflicts"]) == gold["n_conflicts"]
    for conflict in gold["conflicts"]:
        for field in conflict["kind"].split("+"):
            refs = [m["ref"] for m in conflict["mentions"] if m[field] is not None]
            assert len(refs) >= 2
            for ref in refs:
                assert (ref, f"{field}-conflict") in found, (conflict["title"], ref)


LIST = """\
# Pruning
- Deep Compression | year=2016 | venue=ICLR | url=Deep Compression
- Pruning Filters | year=2017 | venue=ICLR | url=https://arxiv.org/abs/1608.08710
* an unreadable line
- deep compression! | year=2015 | venue=ICLR
- No Venue Here | year=2020
"""
OTHER = """\
- Pruning Filters | year=2017 | venue=NeurIPS
"""


@pytest.fixture
def small(db: Database, tmp_path: Path, fake_parser: None) -> Database:
    (tmp_path / "a.md").write_text(LIST, encoding="utf-8")
    (tmp_path / "b.md").write_text(OTHER, encoding="utf-8")
    import_paths(db.conn, [tmp_path / "a.md", tmp_path / "b.md"])
    db.conn.execute(
        "UPDATE entries SET broken_link = 1 WHERE line = 2 AND title = 'Deep Compression'"
    )
    db.conn.commit()
    return db


def test_each_kind_with_file_and_line(small: Database) -> None:
    rows = [(f["file"], f["line"], f["kind"]) for f in check(small.conn)]
    assert rows == [
        ("a.md", 2, "year-conflict"),
        ("a.md", 2, "broken-link"),
        ("a.md", 3, "venue-conflict"),
        ("a.md", 4, "unreadable"),
        ("a.md", 5, "year-conflict"),
        ("a.md", 5, "duplicate"),
        ("a.md", 6, "missing-field"),
        ("b.md", 1, "venue-conflict"),
    ]
    by_line = {(f["file"], f["line"], f["kind"]): f for f in check(small.conn)}
    assert by_line[("a.md", 2, "year-conflict")]["message"] == "year 2016 here, but 2015 at a.md:5"
    assert by_line[("a.md", 5, "duplicate")]["message"] == "same paper as line 2 of this list"
    assert by_line[("a.md", 6, "missing-field")]["message"] == "no venue"


def test_kinds_filter_and_unknown_kind(small: Database) -> None:
    assert {f["kind"] for f in check(small.conn, ["duplicate"])} == {"duplicate"}
    assert set(KINDS) >= {f["kind"] for f in check(small.conn)}
    with pytest.raises(QueryError, match="unknown check 'typo'"):
        check(small.conn, ["typo"])


def test_empty_link_is_reported(db: Database, tmp_path: Path, fake_parser: None) -> None:
    (tmp_path / "a.md").write_text(
        "- [A Paper About Things]() | year=2020 | venue=ICLR\n", encoding="utf-8"
    )
    import_paths(db.conn, [tmp_path / "a.md"])
    assert [(f["kind"], f["message"]) for f in check(db.conn)] == [("broken-link", "empty link")]


def test_a_paper_under_two_topics_is_cross_listed_not_duplicated(
    db: Database, tmp_path: Path
) -> None:
    """Issue 13: a list (paperdb's own markdown export) may file one paper under two topics."""
    line = "- 2019-ICLR-[The Lottery Ticket Hypothesis](https://arxiv.org/abs/1803.03635)\n"
    text = f"# Pruning\n\n{line}\n# Quantization\n\n{line}\n# Pruning again\n\n## Pruning\n\n{line}"
    (tmp_path / "a.md").write_text(text, encoding="utf-8")
    import_paths(db.conn, [tmp_path / "a.md"])
    found = [(f["line"], f["message"]) for f in check(db.conn, ["duplicate"])]
    assert found == [(13, "same paper as line 3 of this list")]
