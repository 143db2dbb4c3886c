"""Scored proposals from candidate pairs, and clusters of the proposals to merge.

:func:`find_pairs` works on plain tuples ``(id, title, year, arxiv_id[, nickname])`` so it
can be measured on millions of synthetic titles without a database.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from paperdb.dedupe.blocking import EVIDENCE_NAMES, RULES, Item, Titles, titles_of
from paperdb.dedupe.match import DEFAULT_MIN_SCORE, score_pair


@dataclass(slots=True)
class Pair:
    """A proposal: papers ``a`` and ``b`` (a < b) are probably the same work."""

    a: int
    b: int
    score: float
    evidence: list[str] = field(default_factory=list)


@dataclass(slots=True)
class _Found:
    """The best-scoring title pair of two papers so far, and the rules that found it."""

    i: int
    j: int
    score: float
    reasons: str  # joined by "\x1f": one string a proposal (235k of them at 1M)
    bits: int


SharedCode = Callable[[int, int], bool]
"""Whether papers ``a`` and ``b`` link a common code repository."""


def _score(
    t: Titles, i: int, j: int, floor: float, shared_code: SharedCode | None
) -> tuple[float, list[str]] | None:
    ids, codes, years, venues, names = t.ids, t.arxiv_codes, t.years, t.venues, t.venue_names
    # Only two ids can disagree; most titles have no glued nickname. The columns are read
    # in place (what Titles.year and Titles.venue do, without two calls each a pair).
    both = (codes[i] or i in t.arxiv_text) and (codes[j] or j in t.arxiv_text)
    return score_pair(
        t.norms[i],
        t.norms[j],
        year_a=years[i] or None,
        year_b=years[j] or None,
        arxiv_a=t.arxiv(i) if both else None,
        arxiv_b=t.arxiv(j) if both else None,
        main_a=t.mains.get(i),
        main_b=t.mains.get(j),
        glued_a=t.glued_rests(i) if t.glued[i] else (),
        glued_b=t.glued_rests(j) if t.glued[j] else (),
        venue_a=names[venues[i]],
        venue_b=names[venues[j]],
        shared_code=(lambda: shared_code(ids[i], ids[j])) if shared_code else None,
        vocab=t.vocab,
        floor=floor,
    )


def find_pairs(
    items: Iterable[Item | tuple[Any, ...]],
    *,
    min_score: float = DEFAULT_MIN_SCORE,
    exclude: Iterable[tuple[int, int]] = (),
    shared_code: SharedCode | None = None,
) -> list[Pair]:
    """Pairs of ids whose titles probably name the same work, best first.

    ``items`` are ``(id, title, year, arxiv_id[, nickname])``, read once; one id may
    appear several times (one per title variant), and the best-scoring variant pair
    counts. Pairs in ``exclude`` (``(a, b)`` with a < b) are never proposed;
    ``shared_code`` is asked only to confirm a glued nickname (see ``match``). Candidate
    pairs are scored as the rules yield them and only those reaching ``min_score`` are
    kept (a fuzzy pair's final score never exceeds its raw ratio, so neighbours under
    it are not even yielded).
    """
    titles = titles_of(items, min_ratio=min_score)
    ids = titles.ids
    excluded = {(min(a, b), max(a, b)) for a, b in exclude}
    best: dict[tuple[int, int], _Found] = {}
    for bit, rule in RULES:
        for i, j in rule(titles):
            a, b = ids[i], ids[j]
            if a == b:
                continue
            key = (a, b) if a < b else (b, a)
            found = best.get(key)
            if found is not None and {found.i, found.j} == {i, j}:
                found.bits |= bit
                continue
            if key in excluded:
                continue
            scored = _score(titles, min(i, j), max(i, j), min_score, shared_code)
            if scored is None or scored[0] < min_score:
                continue
            if found is None or scored[0] > found.score:
                best[key] = _Found(i, j, scored[0], "\x1f".join(scored[1]), bit)
    del titles  # the columns go before the pairs are made (flat memory at 1M)
    pairs = []
    while best:  # each found pair is freed as its Pair is made
        (a, b), f = best.popitem()
        names = [n for bit, n in EVIDENCE_NAMES.items() if f.bits & bit]
        pairs.append(Pair(a, b, f.score, names + f.reasons.split("\x1f")))
    pairs.sort(key=lambda p: (-p.score, p.a, p.b))
    return pairs


def clusters(
    pairs: Iterable[Pair], threshold: float, not_same: Iterable[tuple[int, int]] = ()
) -> list[list[int]]:
    """Groups of ids joined by pairs scoring at least ``threshold`` (best pairs first).

    Two groups are not joined when a not-same pair would end up inside one group.

    >>> clusters([Pair(1, 2, 99), Pair(2, 3, 95), Pair(4, 5, 80)], 90)
    [[1, 2, 3]]
    >>> clusters([Pair(1, 2, 99), Pair(2, 3, 95)], 90, not_same=[(1, 3)])
    [[1, 2]]
    """
    parent: dict[int, int] = {}
    members: dict[int, set[int]] = {}
    apart: dict[int, set[int]] = defaultdict(set)
    for x, y in not_same:
        apart[x].add(y)
        apart[y].add(x)

    def root(x: int) -> int:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for pair in sorted(pairs, key=lambda p: (-p.score, p.a, p.b)):
        if pair.score < threshold:
            continue
        ra, rb = root(pair.a), root(pair.b)
        if ra == rb:
            continue
        group_a, group_b = members.get(ra, {ra}), members.get(rb, {rb})
        if any(apart[x] & group_b for x in group_a):
            continue
        parent[rb] = ra
        members[ra] = group_a | group_b
        members.pop(rb, None)
    return sorted(sorted(group) for group in members.values())
