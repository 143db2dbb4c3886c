"""Dedupe: blocking, scoring guards, gold precision/recall, merge log, undo, not-same."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

from paperdb import dedupe
from paperdb import papers as summaries
from paperdb.db import seed_dir
from paperdb.errors import QueryError
from paperdb.export import export
from paperdb.ingest import import_paths
from paperdb.reader import collect_paths
from tests.helpers import counts, fake_parse

GOLD = Path(__file__).parent / "gold" / "duplicates.json"


# --------------------------------------------------------------------------- core on tuples


def test_find_pairs_works_on_plain_tuples() -> None:
    items = [
        (
            1,
            "Additive Powers-of-Two Quantization: An Efficient Non-uniform Discretization",
            2020,
            None,
        ),
        (
            2,
            "APoT-addive powers-of-two quantization an efficient non-uniform discretization",
            2020,
            None,
        ),
        (3, "Learning both Weights and Connections for Efficient Neural Networks", 2015, None),
        (4, "Learning both Weights and Conections for Efficient Neural Network", 2015, None),
        (5, "Something Entirely Different About Graph Transformers", 2021, None),
    ]
    pairs = dedupe.find_pairs(items)
    assert [(p.a, p.b) for p in pairs if p.score >= dedupe.DEFAULT_THRESHOLD] == [(1, 2), (3, 4)]


def test_token_set_subset_is_not_a_duplicate() -> None:
    # token_set_ratio would score these ~100; they are different papers.
    items = [
        (1, "Model compression", 2006, None),
        (2, "Model compression via distillation and quantization", 2018, None),
        (3, "Proving the Lottery Ticket Hypothesis for Convolutional Neural Networks", 2022, None),
        (4, "Proving the Lottery Ticket Hypothesis: Pruning is All You Need", 2020, None),
    ]
    assert [p for p in dedupe.find_pairs(items) if p.score >= dedupe.DEFAULT_THRESHOLD] == []


def test_different_arxiv_ids_never_merge() -> None:
    title = "A Long Enough Title About Structured Pruning of Transformers"
    items = [(1, title, 2020, "2001.00001"), (2, title + "!", 2020, "2001.00002")]
    assert dedupe.find_pairs(items, min_score=0) == []
    assert (
        dedupe.find_pairs([(1, title, 2020, "2001.00001"), (2, title, 2020, None)])[0].score == 100
    )


def test_short_titles_need_an_exact_match() -> None:
    assert (
        dedupe.find_pairs(
            [(1, "Born again trees", 1997, None), (2, "Born-again tree", 1997, None)], min_score=0
        )
        == []
    )
    exact = dedupe.find_pairs(
        [(1, "Born again trees", 1997, None), (2, "Born-Again Trees.", 1997, None)]
    )
    assert [(p.a, p.b, p.score) for p in exact] == [(1, 2, 100.0)]


def test_year_gap_is_a_signal_not_a_veto() -> None:
    a = "Learning both Weights and Connections for Efficient Neural Networks"
    b = "Learning both Weights and Conections for Efficient Neural Networks"
    same = dedupe.find_pairs([(1, a, 2015, None), (2, b, 2015, None)])[0]
    apart = dedupe.find_pairs([(1, a, 2015, None), (2, b, 2019, None)])[0]
    assert apart.score == same.score - dedupe.YEAR_GAP_PENALTY
    assert apart.score >= dedupe.DEFAULT_THRESHOLD
    assert any("years 2015 and 2019" in e for e in apart.evidence)


def test_extra_content_word_blocks_a_merge() -> None:
    pairs = dedupe.find_pairs(
        [
            (
                1,
                "Systematic Weight Pruning of DNNs using Alternating Direction Method of Multipliers",
                2018,
                None,
            ),
            (
                2,
                "A Systematic DNN Weight Pruning Framework using Alternating Direction Method of Multipliers",
                2018,
                None,
            ),
            (3, "Discrimination-aware Network Pruning for Deep Model Compression", 2020, None),
            (4, "Discrimination-aware Channel Pruning for Deep Neural Networks", 2018, None),
        ],
        min_score=0,
    )
    assert all(p.score < dedupe.DEFAULT_THRESHOLD for p in pairs)
    assert any("framework" in e for p in pairs for e in p.evidence)


def test_dropped_subtitle_same_year() -> None:
    items = [
        (1, "Deep Compression: Compressing Deep Neural Networks with Pruning", 2016, None),
        (2, "Deep compression", 2016, None),  # main title too short: not proposed
        (
            3,
            "Trained Quantization and Huffman Coding for Efficient Inference: a subtitle",
            2016,
            None,
        ),
        (4, "Trained quantization and Huffman coding for efficient inference", 2016, None),
    ]
    pairs = dedupe.find_pairs(items)
    assert [(p.a, p.b) for p in pairs] == [(3, 4)]
    assert "subtitle dropped" in pairs[0].evidence[-1]


def test_planted_typos_found_by_blocking() -> None:
    import random

    rng = random.Random(7)
    words = [f"w{a}{b}{c}" for a in "abcdefgh" for b in "ijklmnop" for c in "qrstuvwx"]
    items: list[tuple[Any, ...]] = []
    planted = set()
    for i in range(3000):
        title = " ".join(rng.sample(words, 8))
        items.append((i, title, 2000 + i % 20, None))
        if i % 50 == 0:
            pos = rng.randrange(len(title))
            typo = title[:pos] + "z" + title[pos + 1 :]
            items.append((100_000 + i, typo, 2000 + i % 20, None))
            planted.add((i, 100_000 + i))
    found = {(p.a, p.b) for p in dedupe.find_pairs(items) if p.score >= dedupe.DEFAULT_THRESHOLD}
    assert len(found & planted) >= 0.95 * len(planted)
    assert found <= planted


def test_backward_order_is_the_order_of_reversed_titles() -> None:
    import random

    from paperdb.dedupe.blocking import _sorted_backwards

    rng = random.Random(3)
    words = ["a", "ab", "net", "networks", "neural", "deep", "x"]
    norms = [" ".join(rng.choices(words, k=rng.randint(0, 6))) for _ in range(3000)]
    order = sorted(range(len(norms)), key=lambda i: norms[i][::-1])
    assert list(_sorted_backwards(norms)) == order


def test_clusters_respect_not_same() -> None:
    pairs = [dedupe.Pair(1, 2, 99), dedupe.Pair(2, 3, 98), dedupe.Pair(1, 3, 97)]
    assert dedupe.clusters(pairs, 90) == [[1, 2, 3]]
    assert dedupe.clusters(pairs, 90, not_same=[(2, 3)]) == [[1, 2]]


# --------------------------------------------------------------------------- the gold


@pytest.fixture
def seeded(db: Database) -> Database:
    import_paths(db.conn, collect_paths([seed_dir()]))  # each seed named by its file name
    return db


def mention_papers(db: Database) -> dict[str, int]:
    return {
        f"{name}:{line}": pid
        for name, line, pid in db.conn.execute(
            "SELECT s.name, e.line, e.paper_id FROM entries e JOIN sources s ON s.id = e.source_id"
        )
    }


def pairwise(groups: dict[str, int]) -> set[tuple[str, str]]:
    by_paper: dict[int, list[str]] = {}
    for ref, pid in groups.items():
        by_paper.setdefault(pid, []).append(ref)
    return {pair for refs in by_paper.values() for pair in itertools.combinations(sorted(refs), 2)}


def test_seeds_after_apply_match_the_gold(seeded: Database) -> None:
    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    before = counts(seeded)["entries"]
    results = dedupe.apply(seeded.conn)
    assert results, "the APoT typo pair should be merged"
    assert counts(seeded)["entries"] == before  # merges never delete a mention

    refs = mention_papers(seeded)
    gold_pairs = {
        pair
        for group in gold["groups"]
        for pair in itertools.combinations(sorted(m for m in group["members"] if m in refs), 2)
    }
    got = pairwise(refs)
    true_positive = len(got & gold_pairs)
    precision, recall = true_positive / len(got), true_positive / len(gold_pairs)
    assert precision >= 0.99, sorted(got - gold_pairs)
    assert recall >= 0.97, sorted(gold_pairs - got)
    for look in gold["distinct_lookalikes"]:
        for a, b in itertools.product(look["a"], look["b"]):
            assert refs[a] != refs[b], (look["a_title"], look["b_title"])


def test_seed_proposals_show_titles_score_evidence_and_differences(seeded: Database) -> None:
    rows = dedupe.proposals(seeded.conn)
    assert rows[0]["score"] >= dedupe.DEFAULT_THRESHOLD
    assert set(rows[0]) == {"a", "b", "score", "a_title", "b_title", "evidence", "differs"}
    assert "Additive Powers-of-two" in rows[0]["b_title"]
    near_miss = [r for r in rows if "Systematic" in r["a_title"]]
    assert near_miss and near_miss[0]["score"] < dedupe.DEFAULT_THRESHOLD
    assert "venue ICLR / ECCV" in near_miss[0]["differs"]


# --------------------------------------------------------------------------- merge / undo

LIST = """\
# Quantization
- Additive Powers-of-Two Quantization: An Efficient Non-uniform Discretization | year=2020 | venue=ICLR | authors=Yuhang Li | code=https://github.com/y/apot | tags=x
- Learning both Weights and Connections for Efficient Neural Networks | year=2015 | venue=NeurIPS
"""
OTHER = """\
# Lists
- APoT-addive powers-of-two quantization an efficient non-uniform discretization | year=2019 | venue=arXiv | authors=Yuhang Li;Xin Dong
- Learning both Weights and Conections for Efficient Neural Network | year=2015 | topic=pruning
"""


@pytest.fixture
def small(db: Database, tmp_path: Path, fake_parser: None) -> tuple[Database, Path]:
    (tmp_path / "a.md").write_text(LIST, encoding="utf-8")
    (tmp_path / "b.md").write_text(OTHER, encoding="utf-8")
    import_paths(db.conn, [tmp_path / "a.md", tmp_path / "b.md"])
    return db, tmp_path


def snapshot(db: Database) -> tuple[str, list[Any]]:
    papers = db.conn.execute("SELECT * FROM papers ORDER BY id").fetchall()
    return export(db.conn, "json"), papers


def test_apply_then_undo_restores_exactly(small: tuple[Database, Path]) -> None:
    db, _ = small
    before = snapshot(db)
    results = dedupe.apply(db.conn)
    assert len(results) == 2 and db["papers"].count == 2
    assert snapshot(db) != before
    log = dedupe.list_merges(db.conn)
    assert [r["undone_at"] for r in log] == [None, None]
    for result in reversed(results):
        dedupe.undo(db.conn, result.id)
    assert snapshot(db) == before
    assert all(r["undone_at"] for r in dedupe.list_merges(db.conn))
    with pytest.raises(QueryError, match="already undone"):
        dedupe.undo(db.conn, results[0].id)


def test_undo_refuses_after_the_mention_changed(small: tuple[Database, Path]) -> None:
    db, folder = small
    result = dedupe.merge(db.conn, [1, 3])
    (folder / "b.md").write_text(OTHER.replace("year=2019", "year=2020"), encoding="utf-8")
    import_paths(db.conn, [folder / "b.md"])
    before = snapshot(db)
    with pytest.raises(QueryError, match=r"b\.md:2 was re-imported"):
        dedupe.undo(db.conn, result.id)
    assert snapshot(db) == before


def test_undo_survives_reimport_of_unchanged_mentions(small: tuple[Database, Path]) -> None:
    db, folder = small
    before = snapshot(db)
    result = dedupe.merge(db.conn, [1, 3])
    # Change another line of b.md: its entries are re-created with new ids.
    (folder / "b.md").write_text(
        OTHER.replace("topic=pruning", "topic=quantization"), encoding="utf-8"
    )
    import_paths(db.conn, [folder / "b.md"])
    dedupe.undo(db.conn, result.id)
    (folder / "b.md").write_text(OTHER, encoding="utf-8")
    import_paths(db.conn, [folder / "b.md"])
    assert snapshot(db)[0] == before[0]


def test_undo_order_is_enforced(small: tuple[Database, Path]) -> None:
    db, _ = small
    first = dedupe.merge(db.conn, [2, 4])
    second = dedupe.merge(db.conn, [1, 2])
    with pytest.raises(QueryError, match=f"undo merge {second.id} first"):
        dedupe.undo(db.conn, first.id)
    dedupe.undo(db.conn, second.id)
    dedupe.undo(db.conn, first.id)
    assert db["papers"].count == 4


def test_merge_is_one_transaction(
    small: tuple[Database, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    db, _ = small
    before = snapshot(db), counts(db)

    def boom(*_args: Any) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("paperdb.papers.refresh_papers", boom)
    with pytest.raises(RuntimeError):
        dedupe.merge(db.conn, [1, 3])
    assert (snapshot(db), counts(db)) == before


def test_interrupted_apply_keeps_the_finished_batches(
    small: tuple[Database, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    db, _ = small
    monkeypatch.setattr("paperdb.dedupe.merges.APPLY_BATCH", 1)
    refresh = summaries.refresh_papers
    calls = []

    def second_fails(*args: Any) -> None:
        calls.append(args)
        if len(calls) == 2:
            raise RuntimeError("power cut")
        refresh(*args)

    monkeypatch.setattr("paperdb.papers.refresh_papers", second_fails)
    with pytest.raises(RuntimeError):
        dedupe.apply(db.conn)
    (done,) = dedupe.list_merges(db.conn)  # the first batch is complete, the second undone
    assert db["papers"].count == 3 and done["mentions_moved"] == 1
    monkeypatch.setattr("paperdb.papers.refresh_papers", refresh)
    dedupe.undo(db.conn, done["id"])
    assert db["papers"].count == 4


def test_not_same_is_remembered(small: tuple[Database, Path]) -> None:
    db, _ = small
    assert {(r["a"], r["b"]) for r in dedupe.proposals(db.conn)} == {(1, 3), (2, 4)}
    dedupe.mark_not_same(db.conn, 3, 1)
    assert {(r["a"], r["b"]) for r in dedupe.proposals(db.conn)} == {(2, 4)}
    with pytest.raises(QueryError, match="not the same"):
        dedupe.merge(db.conn, [1, 3])
    assert [r.absorbed for r in dedupe.apply(db.conn)] == [[4]]


def test_merge_errors(small: tuple[Database, Path]) -> None:
    db, _ = small
    with pytest.raises(QueryError, match="no paper with id 99"):
        dedupe.merge(db.conn, [1, 99])
    with pytest.raises(QueryError, match="two different"):
        dedupe.merge(db.conn, [1, 1])
    with pytest.raises(QueryError, match="no merge with id 5"):
        dedupe.undo(db.conn, 5)
    with pytest.raises(QueryError, match="two different"):
        dedupe.mark_not_same(db.conn, 2, 2)


def test_fake_parse_is_the_grammar_used_here() -> None:
    assert fake_parse(LIST, file="a.md").records[0].year == 2020
