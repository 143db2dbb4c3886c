"""Find papers that are probably the same work, merge them, and undo merges.

Modules: ``match`` (scoring two titles, the guards and the thresholds), ``blocking``
(candidate pairs, one function per rule), ``pairs`` (scored proposals and clusters, on
plain tuples), ``proposals`` (the same from the database, as rows), ``merges`` (merge,
apply, undo, the merge log, not-same marks).
"""

from __future__ import annotations

from paperdb.dedupe.blocking import Item
from paperdb.dedupe.match import (
    DEFAULT_MIN_SCORE,
    DEFAULT_THRESHOLD,
    UNMATCHED_PENALTY,
    YEAR_GAP_PENALTY,
    score_pair,
)
from paperdb.dedupe.merges import MergeResult, apply, list_merges, mark_not_same, merge, undo
from paperdb.dedupe.pairs import Pair, clusters, find_pairs
from paperdb.dedupe.proposals import iter_proposals, proposals

__all__ = [
    "DEFAULT_MIN_SCORE",
    "DEFAULT_THRESHOLD",
    "UNMATCHED_PENALTY",
    "YEAR_GAP_PENALTY",
    "Item",
    "MergeResult",
    "Pair",
    "apply",
    "clusters",
    "find_pairs",
    "iter_proposals",
    "list_merges",
    "mark_not_same",
    "merge",
    "proposals",
    "score_pair",
    "undo",
]
