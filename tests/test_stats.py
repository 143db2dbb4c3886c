"""stats: single counts and cross tables on a small fixture."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlite_utils import Database

from paperdb.errors import QueryError
from paperdb.filters import Filters
from paperdb.ingest import import_paths
from paperdb.stats import stats

LIST = """\
# Pruning
- A | year=2020 | venue=ICLR | topic=pruning | code=https://github.com/a/a
- B | year=2020 | venue=NeurIPS | topic=pruning
- C | year=2021 | venue=ICLR | topic=pruning
# Quantization
- C | year=2021 | venue=ICLR | topic=quantization
- D | venue=ICLR | topic=quantization
"""


@pytest.fixture
def small(db: Database, tmp_path: Path, fake_parser: None) -> Database:
    path = tmp_path / "list.md"
    path.write_text(LIST, encoding="utf-8")
    import_paths(db.conn, [path], fmt="fake")
    return db


def test_counts_by_year_sum_to_papers(small: Database) -> None:
    rows = stats(small.conn, ["year"])
    assert rows == [
        {"year": 2021, "count": 1},
        {"year": 2020, "count": 2},
        {"year": None, "count": 1},
    ]
    assert sum(r["count"] for r in rows) == 4


def test_topic_counts_a_paper_once_per_topic(small: Database) -> None:
    assert stats(small.conn, ["topic"]) == [
        {"topic": "pruning", "count": 3},
        {"topic": "quantization", "count": 2},
    ]


def test_cross_table(small: Database) -> None:
    assert stats(small.conn, ["venue", "year"]) == [
        {"venue": "ICLR", "2020": 1, "2021": 1, "no year": 1, "total": 3},
        {"venue": "NeurIPS", "2020": 1, "2021": 0, "no year": 0, "total": 1},
    ]


def test_filters_apply(small: Database) -> None:
    assert stats(small.conn, ["venue"], Filters(has_code=True)) == [{"venue": "ICLR", "count": 1}]


def test_bad_keys(small: Database) -> None:
    with pytest.raises(QueryError):
        stats(small.conn, ["colour"])
    with pytest.raises(QueryError):
        stats(small.conn, [])


def test_empty_database(db: Database) -> None:
    assert stats(db.conn, ["year"]) == []
    assert stats(db.conn, ["venue", "year"]) == []
