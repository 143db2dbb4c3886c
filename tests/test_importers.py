"""The importers against the hand-checked gold, and against lists they have never seen."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from paperdb.importers import FORMATS, parse_text
from paperdb.models import PaperRecord
from paperdb.normalize import title_key
from tests.gold_score import FIELDS, GOLD, SEEDS, parse_seeds, score

FAMILIES = Path(__file__).parent / "fixtures" / "families"


@pytest.fixture(scope="module")
def seeds() -> dict[str, list[PaperRecord]]:
    return parse_seeds()


def test_entry_counts_match_gold(seeds: dict[str, list[PaperRecord]]) -> None:
    counts = json.loads((GOLD / "counts.json").read_text(encoding="utf-8"))
    assert {name: len(records) for name, records in seeds.items()} == counts["per_file"]
    assert sum(len(r) for r in seeds.values()) == counts["total"] == 707


@pytest.mark.parametrize("field", FIELDS)
def test_field_accuracy_on_annotated_entries(
    seeds: dict[str, list[PaperRecord]], field: str
) -> None:
    accuracy, misses = score(seeds)
    assert accuracy[field] >= 0.98, [m for m in misses if f" {field}:" in m]


def test_every_entry_matches_the_reviewed_index(seeds: dict[str, list[PaperRecord]]) -> None:
    by_line = {(f, r.line): r for f, records in seeds.items() for r in records}
    wrong = []
    for line in (GOLD / "index_all.jsonl").open(encoding="utf-8"):
        gold = json.loads(line)
        record = by_line[(gold["file"], gold["line"])]
        for name in ("title", "venue", "year", "presentation", "topic"):
            if getattr(record, name) != gold[name]:
                wrong.append((gold["file"], gold["line"], name, getattr(record, name), gold[name]))
    assert len(wrong) <= 7, wrong  # 99% of 707 x 5 fields; today it is 0


def test_every_seed_line_is_an_entry_or_a_warning(seeds: dict[str, list[PaperRecord]]) -> None:
    """Lines outside paper sections are skipped; the rest are accounted for."""
    result = parse_text((SEEDS / "003_31adad6165a3194f.txt").read_text(), file="003.txt")
    # The five method bullets at the top of 003 are not papers: each is a warning with its line.
    assert [(w.line, w.file) for w in result.warnings] == [(n, "003.txt") for n in range(3, 8)]
    for name, records in seeds.items():
        assert all(r.file == name and r.line > 0 and r.raw for r in records)


def test_same_normalized_title_means_same_key_as_gold_groups(
    seeds: dict[str, list[PaperRecord]],
) -> None:
    """Exact keys find every gold duplicate pair but the 'addive' typo, and no false pair."""
    duplicates = json.loads((GOLD / "duplicates.json").read_text(encoding="utf-8"))
    key_of = {f"{f}:{r.line}": title_key(r.title) for f, rs in seeds.items() for r in rs}
    gold_pairs = {
        (a, b)
        for group in duplicates["groups"]
        for a in group["members"]
        for b in group["members"]
        if a < b
    }
    by_key: dict[str, list[str]] = {}
    for ref, key in key_of.items():
        by_key.setdefault(key, []).append(ref)
    key_pairs = {(a, b) for refs in by_key.values() for a in refs for b in refs if a < b}
    assert key_pairs <= gold_pairs
    assert len(gold_pairs - key_pairs) == 1


def _one(records: list[PaperRecord], line: int) -> PaperRecord:
    return next(r for r in records if r.line == line)


def test_unseen_numbered_list() -> None:
    result = parse_text((FAMILIES / "numbered.md").read_text(), file="n.md")
    assert not result.warnings and result.skipped == 2
    assert len(result.records) == 7
    first = _one(result.records, 10)
    assert (first.venue, first.year, first.topic) == ("NeurIPS", 2021, "pruning")
    kd = _one(result.records, 23)
    assert kd.title.endswith("A Bias-Variance Tradeoff Perspective")
    assert kd.authors == ("Helong Zhou", "Liangchen Song")
    assert (kd.venue, kd.year, kd.presentation) == ("ICLR", 2021, "spotlight")
    assert (
        _one(result.records, 29).title == "Parameter-Efficient Transfer Learning with Diff Pruning"
    )


def test_unseen_table_list() -> None:
    result = parse_text((FAMILIES / "table.md").read_text(), file="t.md")
    assert result.fmt.startswith("table")
    assert [str(w) for w in result.warnings] == ["t.md:23: table row has no title"]
    growing = _one(result.records, 13)
    assert (growing.venue, growing.year, growing.presentation) == ("ICLR", 2021, "spotlight")
    assert growing.topic == "pruning" and growing.arxiv_id == "2012.09243"
    assert growing.code[0].framework == "PyTorch" and growing.code[0].official
    assert growing.tags == ("F",)
    assert _one(result.records, 14).code == ()
    nppm = _one(result.records, 15)
    assert (nppm.nickname, nppm.title) == ("NPPM", "Network Pruning via Performance Maximization")
    rkd = _one(result.records, 22)
    assert (rkd.venue, rkd.year, rkd.presentation, rkd.topic) == (
        "CVPR",
        2019,
        "oral",
        "distillation",
    )
    assert rkd.tags == ("经典",)
    multi = _one(result.records, 27)
    assert (multi.venue, multi.presentation, multi.topic) == ("ICLR", "spotlight", "lottery-ticket")
    elastic = _one(result.records, 28)
    assert (elastic.venue, elastic.year) == (None, 2021)


def test_unseen_blog_list() -> None:
    result = parse_text((FAMILIES / "blog.md").read_text(), file="b.md")
    assert len(result.records) == 4
    iccv = _one(result.records, 15)
    assert (iccv.venue, iccv.year, iccv.topic) == ("ICCV", 2021, "distillation")
    google = _one(result.records, 16)
    assert (google.venue, google.year, google.tags) == ("arXiv", 2021, ("Google",))
    broken = _one(result.records, 17)
    assert broken.paper_url is None and broken.broken_link
    workshop = _one(result.records, 23)
    assert (workshop.venue, workshop.presentation, workshop.topic) == (
        "NeurIPS",
        "workshop",
        "quantization",
    )
    assert workshop.tags == ("CCF-A",) and workshop.arxiv_id == "2104.00002"


def test_unseen_dated_list() -> None:
    result = parse_text((FAMILIES / "dated.md").read_text(), file="d.md")
    assert len(result.records) == 5 and result.skipped == 2  # People and News are not papers
    assert _one(result.records, 6).presentation == "spotlight"
    best = _one(result.records, 7)
    assert (best.venue, best.presentation, best.code[0].url) == (
        "ECCV",
        "best",
        "https://github.com/a/best",
    )
    preprint = _one(result.records, 8)
    assert (preprint.venue, preprint.year, preprint.tags) == (None, 2019, ("by Someone Famous",))
    assert _one(result.records, 9).venue == "TPAMI"
    assert _one(result.records, 12).topic == "distillation"


def test_unseen_nickname_list() -> None:
    result = parse_text((FAMILIES / "nickname.md").read_text(), file="k.md")
    assert len(result.records) == 4
    fitnets = _one(result.records, 6)
    assert (fitnets.nickname, fitnets.venue, fitnets.year) == ("FitNets", "ICLR", 2015)
    assert fitnets.code[0].framework == "Theano" and fitnets.topic == "distillation"
    assert _one(result.records, 7).nickname is None
    ghost = _one(result.records, 10)
    assert [c.framework for c in ghost.code] == ["PyTorch", "MindSpore"]
    assert ghost.topic == "efficient-architecture"
    assert _one(result.records, 11).venue == "arXiv"


def test_a_readme_is_not_a_paper_list() -> None:
    result = parse_text((FAMILIES / "not_a_list.md").read_text(), file="README.md")
    assert result.records == []
    assert [w.line for w in result.warnings] == [7, 8, 12, 13]


def test_forced_format_reads_only_that_kind_of_block() -> None:
    text = (FAMILIES / "table.md").read_text()
    forced = parse_text(text, file="t.md", fmt="list")
    assert {r.fmt for r in forced.records} == {"link"}  # the two dated bullets
    assert len(forced.records) == 2
    assert forced.warnings and all("not a 'list' entry" in w.reason for w in forced.warnings)


def test_unknown_format_is_an_input_error() -> None:
    from paperdb.errors import InputError

    with pytest.raises(InputError, match="unknown format"):
        parse_text("", file="x.md", fmt="yaml")
    assert FORMATS == ("list", "table", "paragraph")


def test_front_matter_keeps_line_numbers() -> None:
    text = "---\ntitle: x\n---\n# CVPR 2020\n### Pruning\n1. A Paper About Pruning Things\n"
    result = parse_text(text, file="x.md")
    record = result.records[0]
    assert (record.line, record.venue, record.year, record.topic) == (6, "CVPR", 2020, "pruning")
