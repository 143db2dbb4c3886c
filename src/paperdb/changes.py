"""What changed between two imports of one list: which mentions are new, gone or edited.

A re-imported mention keeps its identity (and so its first-seen time) when it is the
same text anywhere in the file (lines move when entries are added above), else when it
names the same paper: the same title key, else the same arXiv id (an edited venue, a
fixed link). Whatever is left over is new, or removed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Mention:
    """The parts of a mention that identify it across imports."""

    raw: str
    title_key: str
    arxiv_id: str | None = None


@dataclass(frozen=True, slots=True)
class Changes:
    """``previous[i]`` is the old mention the i-th new one continues (None: a new one)."""

    previous: tuple[int | None, ...]
    new: int
    removed: int
    changed: int

    @property
    def unchanged(self) -> int:
        return len(self.previous) - self.new - self.changed


def _pair(
    old: Sequence[Mention],
    new: Sequence[Mention],
    previous: list[int | None],
    key: str,
) -> int:
    """Pair still-unpaired mentions that agree on ``key``; returns how many were paired."""
    free: dict[object, list[int]] = {}
    taken = {i for i in previous if i is not None}
    for index, mention in enumerate(old):
        value = getattr(mention, key)
        if index not in taken and value:
            free.setdefault(value, []).append(index)
    paired = 0
    for index, mention in enumerate(new):
        value = getattr(mention, key)
        if previous[index] is None and value and free.get(value):
            previous[index] = free[value].pop(0)
            paired += 1
    return paired


def compare(old: Sequence[Mention], new: Sequence[Mention]) -> Changes:
    """Match the mentions of a list's new import to its previous one.

    >>> old = [Mention("- A (2019)", "a"), Mention("- B", "b"), Mention("- C", "c")]
    >>> new = [Mention("- N", "n"), Mention("- A (2019)", "a"), Mention("- B (ICLR)", "b")]
    >>> changes = compare(old, new)
    >>> changes.previous, changes.new, changes.removed, changes.changed, changes.unchanged
    ((None, 0, 1), 1, 1, 1, 1)
    """
    previous: list[int | None] = [None] * len(new)
    _pair(old, new, previous, "raw")
    changed = _pair(old, new, previous, "title_key") + _pair(old, new, previous, "arxiv_id")
    matched = sum(1 for i in previous if i is not None)
    return Changes(
        previous=tuple(previous),
        new=len(new) - matched,
        removed=len(old) - matched,
        changed=changed,
    )
