"""Scored proposals from candidate pairs, and clusters of the proposals to merge.

:func:`find_pairs` works on plain tuples ``(id, title, year, arxiv_id[, nickname])`` so it
can be measured on millions of synthetic titles without a database.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from paperdb.dedupe.blocking import EVIDENCE_NAMES, Item, candidate_pairs
from paperdb.dedupe.match import DEFAULT_MIN_SCORE, main_title, normalize_for_match, score_pair


@dataclass(slots=True)
class Pair:
    """A proposal: papers ``a`` and ``b`` (a < b) are probably the same work."""

    a: int
    b: int
    score: float
    evidence: list[str] = field(default_factory=list)
    a_title: str = ""
    b_title: str = ""


class _MainTitles:
    """Main titles of the items, computed the first time a pair needs one."""

    def __init__(self, items: Sequence[Item | tuple[Any, ...]]) -> None:
        self.items = items
        self.found: dict[int, str | None] = {}

    def __getitem__(self, i: int) -> str | None:
        if i not in self.found:
            self.found[i] = main_title(str(self.items[i][1]))
        return self.found[i]


def find_pairs(
    items: Sequence[Item | tuple[Any, ...]],
    *,
    min_score: float = DEFAULT_MIN_SCORE,
    exclude: Iterable[tuple[int, int]] = (),
) -> list[Pair]:
    """Pairs of ids whose titles probably name the same work, best first.

    ``items`` are ``(id, title, year, arxiv_id[, nickname])``; one id may appear several
    times (one per title variant), and the best-scoring variant pair counts. Pairs in
    ``exclude`` (``(a, b)`` with a < b) are never proposed.
    """
    norms = [normalize_for_match(str(item[1])) for item in items]
    # Neighbours below this raw ratio cannot reach min_score after the guards.
    candidates = candidate_pairs(items, norms, min_ratio=min_score)
    excluded = {(min(a, b), max(a, b)) for a, b in exclude}
    best: dict[tuple[int, int], Pair] = {}
    mains = _MainTitles(items)
    for (i, j), bits in candidates.items():
        first, second = (items[i], items[j]) if items[i][0] < items[j][0] else (items[j], items[i])
        key = (first[0], second[0])
        if key in excluded:
            continue
        scored = score_pair(
            norms[i],
            norms[j],
            year_a=items[i][2],
            year_b=items[j][2],
            arxiv_a=items[i][3],
            arxiv_b=items[j][3],
            main_a=mains[i],
            main_b=mains[j],
            floor=min_score,
        )
        if scored is None or scored[0] < min_score:
            continue
        score, reasons = scored
        previous = best.get(key)
        if previous is not None and previous.score >= score:
            continue
        evidence = [name for bit, name in EVIDENCE_NAMES.items() if bits & bit] + reasons
        best[key] = Pair(key[0], key[1], score, evidence, str(first[1]), str(second[1]))
    return sorted(best.values(), key=lambda p: (-p.score, p.a, p.b))


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
