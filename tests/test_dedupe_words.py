"""Dedupe evidence from the collection: words in use, repeated words, glued nicknames."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from paperdb import dedupe
from paperdb.dedupe import match
from paperdb.dedupe.words import Vocabulary, nickname_splits

TITLE = "Structured Compression of Large Language Models based on Low-Rank Approximation"


def merged(items: list[tuple[Any, ...]]) -> dict[tuple[int, int], float]:
    return {
        (p.a, p.b): p.score for p in dedupe.find_pairs(items) if p.score >= dedupe.DEFAULT_THRESHOLD
    }


def fillers(*words: str) -> list[tuple[Any, ...]]:
    """Titles that put each word in use (several titles each), ids from 100."""
    topics = ("Speech Recognition Models", "Image Segmentation Networks", "Graph Learning")
    titles = [f"{w} Attention for {t}" for w in words for t in topics]
    return [(100 + i, title, 2010, None) for i, title in enumerate(titles)]


def test_glued_nickname_is_found_when_year_venue_or_code_confirm_it() -> None:
    plain = (2, TITLE, 2023, None, None, "ICML")
    glued = (1, f"LoSparse: {TITLE}", 2023, None, None, "ICML")
    assert merged([glued, plain]) == {(1, 2): 94.0}
    assert merged([(1, f"AB-v2 {TITLE}", 2023, None, None, "ICML"), plain]) == {(1, 2): 94.0}
    # An arXiv listing or a missing venue confirms nothing; a shared repository does.
    unconfirmed = [(*glued[:5], "arXiv"), (*plain[:5], None)]
    assert merged(unconfirmed) == {}
    code = dedupe.find_pairs(unconfirmed, shared_code=lambda a, b: {a, b} == {1, 2})
    assert [(p.a, p.b, p.score) for p in code] == [(1, 2, 94.0)]
    # A later "NickNet: <earlier title>" is proposed for review, not merged.
    other_year = [(*glued[:2], 2021, *glued[3:]), plain]
    other_venue = [(1, f"LoSparse-{TITLE}", 2023, None, None, "ICML"), (*plain[:5], "ICLR")]
    assert merged(other_year) == merged(other_venue) == {}
    assert dedupe.find_pairs(other_year)[0].score == dedupe.match.GLUED_APART_SCORE


def test_a_leading_word_in_use_is_not_a_nickname() -> None:
    items = [
        (i, f"BERT Models for Task {i} of Reading Comprehension", 2020, None) for i in range(13)
    ]
    items += [
        (50, f"BERT {TITLE}", 2023, None, None, "ICML"),
        (51, TITLE, 2023, None, None, "ICML"),
    ]
    assert (50, 51) not in merged(items)


def test_nickname_splits_keep_real_titles_whole() -> None:
    assert nickname_splits("Deep Compression: Compressing Deep Neural Networks") == []
    assert nickname_splits("Towards Efficient Pruning") == []
    assert nickname_splits("YOLOv3: An Incremental Improvement")[0][0] == "YOLOv3"


def test_two_words_in_use_are_not_a_typo() -> None:
    items = fillers("Local", "Global", "Structured", "Unstructured")
    items += [
        (1, "Local Pruning for Recurrent Networks in Speech", 2020, None),
        (2, "Global Pruning for Recurrent Networks in Speech", 2020, None),
        (3, "Structured Distillation for Language Model Pre-training", 2020, None),
        (4, "Unstructured Distillation for Language Model Pre-training", 2020, None),
        (5, "Local Pruning for Recurrent Netwroks in Speech", 2020, None),
    ]
    assert set(merged(items)) == {(1, 5)}  # the typo is still found


def test_distinct_words_need_comparable_use() -> None:
    vocab = Vocabulary(["quantization of networks"] * 30 + ["quantizaton of networks"] * 2)
    assert not vocab.distinct_words("quantizaton", "quantization")
    assert vocab.distinct_words("networks", "networks")


def test_a_repeated_word_needs_two_counterparts() -> None:
    items = [
        (1, "Towards Unified Deep Neural Networks via Neural Architecture Search", 2020, None),
        (2, "Towards Unified Deep Neural Networks via Architecture Search", 2020, None),
    ]
    assert merged(items) == {}


def test_different_nicknames_on_one_title_are_not_a_typo() -> None:
    items = [
        (1, "WQDQ: Towards Contrastive Face Recognition via Architecture Search", 2020, None),
        (2, "IQD: Towards Contrastive Face Recognition via Architecture Search", 2020, None),
        (3, "Learning both Weights and Connections for Efficient NeuralNetworks", 2015, None),
        (4, "Learning both Weights and Connections for Efficient Neural Networks", 2015, None),
    ]
    assert set(merged(items)) == {(3, 4)}  # a glued pair of words is still a typo


@given(
    st.text("abcdefs0123", min_size=1, max_size=14), st.text("abcdefs0123", min_size=1, max_size=14)
)
def test_words_of_other_lengths_are_never_near(token: str, other: str) -> None:
    # The length test that spares the counterpart check (match._partner) never hides one.
    size, length = len(token), len(other)
    if not (-1 <= size - length <= 1 or 5 * min(size, length) >= 2 * (size + length)):
        assert not match._near(token, other)
        assert match._partner(token, [other], None) is None


def test_the_floor_only_cuts_short_scores_that_end_under_it() -> None:
    common = ("sparse", "dense", "vision", "speech", "graph", "kernel", "robust", "neural")
    vocab = Vocabulary(f"{w} {v} models" for w in common for v in common for _ in range(3))
    a = "sparse dense vision speech graph models"
    for b in (
        "sparse dense kernel robust neural models",
        "sparse dense vision speech kernel models",
    ):
        full = match.score_pair(a, b, vocab=vocab)
        assert full is not None
        for floor in (0.0, 50.0, 75.0, full[0]):
            cut = match.score_pair(a, b, vocab=vocab, floor=floor)
            assert cut is not None
            assert (cut[0] >= floor) == (full[0] >= floor)
            if cut[0] >= floor:
                assert cut == full
