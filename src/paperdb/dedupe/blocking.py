"""Candidate pairs for scoring, from blocking rules: never all pairs.

Each rule is a function of the titles that yields index pairs ``(i, j)`` that share its
key; :func:`candidate_pairs` records each pair once with the evidence bits of the rules
that found it. The rules: an exact loose key (the title's letters and digits with a
glued nickname removed), a sorted neighbourhood over the normalized titles read forwards
and backwards (a typo anywhere but at both ends keeps two titles next to each other in
one of the orders), a same-year main-title key (the part before a colon, for dropped
subtitles), the nickname, the arXiv id, and shared rare words and rare trigrams.
Rare-word and trigram blocks are capped in size, so the number of pairs grows linearly
with the collection, and their pairs are kept only when their raw ratio can reach the
minimum score (or another rule found them), which keeps memory flat at a million titles.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from rapidfuzz import fuzz

from paperdb.dedupe.match import main_title

WINDOW = 8  # sorted-neighbourhood window
BLOCK_CAP = 12  # rare-word / trigram / nickname blocks larger than this are not rare
TRIGRAM_LIMIT = 200_000  # above this many titles, skip trigram blocking (time and memory)

# Evidence bits: why a pair was a candidate.
EXACT, NEIGHBOUR, MAIN_TITLE, NICKNAME, ARXIV, RARE_WORD, TRIGRAM = (1 << i for i in range(7))
EVIDENCE_NAMES = {
    EXACT: "same normalized title",
    NEIGHBOUR: "sorted neighbours",
    MAIN_TITLE: "main title matches",
    NICKNAME: "same nickname",
    ARXIV: "same arXiv id",
    RARE_WORD: "shared rare word",
    TRIGRAM: "shared rare trigrams",
}

IndexPairs = Iterator[tuple[int, int]]


class Item(NamedTuple):
    """One title of one paper; a plain tuple works too."""

    id: int
    title: str
    year: int | None = None
    arxiv_id: str | None = None
    nickname: str | None = None


@dataclass(frozen=True, slots=True)
class Titles:
    """What the rules look at: the items, their normalized titles, and the filters."""

    items: Sequence[Item | tuple[Any, ...]]
    norms: Sequence[str]
    min_ratio: float
    window: int = WINDOW


def _block_pairs(members: list[int]) -> IndexPairs:
    """Every pair of a block, unless the block is too common to be evidence."""
    if len(members) <= BLOCK_CAP:
        for x in range(len(members)):
            for y in range(x + 1, len(members)):
                yield members[x], members[y]


def _group(keys: Iterable[tuple[object, int]]) -> Iterator[list[int]]:
    groups: dict[object, list[int]] = defaultdict(list)
    for key, index in keys:
        groups[key].append(index)
    for members in groups.values():
        if len(members) > 1:
            yield members


def exact(t: Titles) -> IndexPairs:
    """Same letters and digits (each title paired with the next BLOCK_CAP of its key)."""
    for members in _group((norm.replace(" ", ""), i) for i, norm in enumerate(t.norms)):
        for x in range(len(members)):
            for y in range(x + 1, min(len(members), x + 1 + BLOCK_CAP)):
                yield members[x], members[y]


def neighbours(t: Titles) -> IndexPairs:
    """Close in sorted order, forwards or backwards, with a raw ratio of ``min_ratio``."""
    ratio = fuzz.ratio
    for texts in (t.norms, [s[::-1] for s in t.norms]):
        order = sorted(range(len(texts)), key=texts.__getitem__)
        for pos, i in enumerate(order):
            ti = texts[i]
            for j in order[pos + 1 : pos + t.window]:
                if ratio(ti, texts[j], score_cutoff=t.min_ratio):
                    yield i, j
        del order


def main_titles(t: Titles) -> IndexPairs:
    """One title is another's main title, or two main titles agree within one year."""
    items = t.items
    mains = [(main_title(str(item[1])), i) for i, item in enumerate(items)]
    by_text: dict[str, list[int]] = defaultdict(list)
    for i, norm in enumerate(t.norms):
        by_text[norm].append(i)
    for head, i in mains:
        if head:
            for j in by_text.get(head, ())[:BLOCK_CAP]:
                yield i, j
    for members in _group(
        ((head, items[i][2]), i) for head, i in mains if head and items[i][2] is not None
    ):
        yield from _block_pairs(members)


def nicknames(t: Titles) -> IndexPairs:
    """The same nickname, ignoring case."""
    keys = (
        (str(item[4]).casefold(), i) for i, item in enumerate(t.items) if len(item) > 4 and item[4]
    )
    for members in _group(keys):
        yield from _block_pairs(members)


def arxiv_ids(t: Titles) -> IndexPairs:
    """The same arXiv id."""
    for members in _group((item[3], i) for i, item in enumerate(t.items) if item[3]):
        yield from _block_pairs(members)


def _words(norm: str) -> set[str]:
    return {t for t in norm.split() if len(t) >= 4}


def _trigrams(norm: str) -> set[str]:
    s = norm.replace(" ", "")
    return {s[k : k + 3] for k in range(len(s) - 2)}


def _rare_blocks(
    norms: Sequence[str], features: Callable[[str], set[str]], per_item: int
) -> dict[str, list[int]]:
    """Titles by their ``per_item`` rarest features (each shared by 2..BLOCK_CAP titles)."""
    # Two passes over the titles instead of keeping every feature set: flat memory.
    df: Counter[str] = Counter()
    for s in norms:
        df.update(features(s))
    blocks: dict[str, list[int]] = defaultdict(list)
    for i, s in enumerate(norms):
        rare = sorted((df[f], f) for f in features(s) if 2 <= df[f] <= BLOCK_CAP)[:per_item]
        for _count, f in rare:
            blocks[f].append(i)
    return blocks


def rare_words(t: Titles) -> IndexPairs:
    """A shared word of four letters or more that is rare (each title's two rarest)."""
    for members in _rare_blocks(t.norms, _words, 2).values():
        yield from _block_pairs(members)


def rare_trigrams(t: Titles) -> IndexPairs:
    """At least two shared rare trigrams (each title's three rarest); skipped above
    TRIGRAM_LIMIT titles."""
    if len(t.norms) > TRIGRAM_LIMIT:
        return
    shared: Counter[tuple[int, int]] = Counter()
    for members in _rare_blocks(t.norms, _trigrams, 3).values():
        for x in range(len(members)):
            for y in range(x + 1, len(members)):
                shared[(members[x], members[y])] += 1
    for pair, count in shared.items():
        if count >= 2:
            yield pair


# (evidence bit, rule, whether its pairs must reach the raw ratio unless already found)
RULES: tuple[tuple[int, Callable[[Titles], IndexPairs], bool], ...] = (
    (EXACT, exact, False),
    (NEIGHBOUR, neighbours, False),
    (MAIN_TITLE, main_titles, False),
    (NICKNAME, nicknames, False),
    (ARXIV, arxiv_ids, False),
    (RARE_WORD, rare_words, True),
    (TRIGRAM, rare_trigrams, True),
)


def candidate_pairs(
    items: Sequence[Item | tuple[Any, ...]],
    norms: Sequence[str],
    *,
    min_ratio: float,
    window: int = WINDOW,
) -> dict[tuple[int, int], int]:
    """Candidate index pairs (i < j) into ``items`` with their evidence bits.

    Pairs of two titles of one paper are left out. Rules run in :data:`RULES` order;
    a rule marked as filtered adds a new pair only when its raw ratio reaches
    ``min_ratio`` (a fuzzy pair's final score never exceeds its raw ratio).
    """
    titles = Titles(items, norms, min_ratio, window)
    ids = [item[0] for item in items]
    ratio = fuzz.ratio
    pairs: dict[tuple[int, int], int] = {}
    for bit, rule, filtered in RULES:
        for i, j in rule(titles):
            if ids[i] == ids[j]:
                continue
            key = (i, j) if i < j else (j, i)
            if key in pairs:
                pairs[key] |= bit
            elif not filtered or ratio(norms[i], norms[j], score_cutoff=min_ratio):
                pairs[key] = bit
    return pairs
