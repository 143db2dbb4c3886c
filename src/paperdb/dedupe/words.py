"""What the collection says about words: how many titles use each, and glued nicknames.

Design choices:

* A near spelling ("conections" / "connections") is a typo only when one of the two
  words is rare next to the other. When both are words of the collection, used by
  comparable numbers of titles ("local" / "global", "structured" / "unstructured",
  "self" / "semi"), they are different words and the titles name different works. A
  word is *in use* when at least :data:`IN_USE` titles have it, and two words in use are
  comparable when the rarer is used by at least 1/:data:`COMPARABLE` as many titles: a
  typo, even one copied a few times, is far rarer than the word it misspells.
* A glued nickname is a leading token written like a name (two capitals, or a capital
  and a digit: ``LoSparse``, ``YVH``, ``AB-v2``) that few titles use (at most
  :data:`RARE` of them, so a model name such as ``BERT`` in a large collection is a word,
  not a nickname), followed by a title. ``LoSparse: Structured Compression of ...`` and
  ``Structured Compression of ...`` are then the same work; the import keeps such titles
  whole (``DoReFa-Net`` is a title), so dedupe does the matching.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from functools import lru_cache

IN_USE = 2
COMPARABLE = 5
RARE = 12  # the largest block of titles sharing a word that is still evidence
KNOWN_PAIRS = 1 << 16  # word pairs a vocabulary remembers (then starts again)

# A leading token and what separates it from the rest of the title.
_TOKEN_RE = re.compile(r"([A-Za-z0-9]+)(\s*:\s*|\s+|-)(?=\w)")


class Vocabulary:
    """How many titles use each word (a title counts once per word)."""

    __slots__ = ("any_rare", "counts", "known")

    def __init__(self, titles: Iterable[str] = ()) -> None:
        self.counts: Counter[str] = Counter()
        for norm in titles:
            self.add(norm)
        # Asked for each title many times in a row (sorted neighbours): remembered.
        self.any_rare = lru_cache(maxsize=1 << 14)(self._any_rare)
        self.known: dict[tuple[str, str], bool] = {}

    def remember(self, decide: Callable[[Vocabulary, str, str], bool], a: str, b: str) -> bool:
        """``decide(self, a, b)``, remembered for this vocabulary (titles share their
        words: the same pair of words meets again and again). Ask once the counts are
        complete."""
        found = self.known.get((a, b))
        if found is None:
            if len(self.known) >= KNOWN_PAIRS:
                self.known.clear()
            found = self.known[(a, b)] = decide(self, a, b)
        return found

    def _any_rare(self, words: tuple[str, ...]) -> bool:
        """Whether some of the words are used by at most RARE titles."""
        return any(self.counts.get(w, 0) <= RARE for w in words)

    def add(self, norm: str) -> None:
        """Count the words of one normalized title."""
        self.counts.update(set(norm.split()))

    def count(self, word: str) -> int:
        return self.counts.get(word, 0)

    def distinct_words(self, a: str, b: str) -> bool:
        """Whether two near spellings are both words in use, of comparable frequency.

        >>> v = Vocabulary(["local pruning"] * 5 + ["global pruning"] * 4 + ["prunig"])
        >>> v.distinct_words("local", "global"), v.distinct_words("prunig", "pruning")
        (True, False)
        """
        na, nb = self.counts.get(a, 0), self.counts.get(b, 0)
        return min(na, nb) >= IN_USE and min(na, nb) * COMPARABLE >= max(na, nb)


def _name_like(token: str) -> bool:
    capitals = sum(ch.isupper() for ch in token)
    return capitals >= 2 or (capitals == 1 and any(ch.isdigit() for ch in token))


def nickname_splits(title: str) -> list[tuple[str, str]]:
    """``(nickname, rest)`` for each way the title may start with a name-like token:
    up to its first separator, or its second when the first is a hyphen (``AB-v2``).

    Whether the token is rare enough to be a nickname is for the caller to check.

    >>> nickname_splits("LoSparse: Structured Compression of Large Language Models")
    [('LoSparse', 'Structured Compression of Large Language Models')]
    >>> nickname_splits("AB-v2 Towards Fast Pruning")
    [('AB', 'v2 Towards Fast Pruning'), ('AB-v2', 'Towards Fast Pruning')]
    >>> nickname_splits("Deep Compression: Pruning")
    []
    """
    first = _TOKEN_RE.match(title)
    if first is None or not first.group(1)[:1].isalpha():
        return []
    tail = first.group(1)[1:]
    if first.group(2) != "-" and tail.isalpha() and tail.islower():  # "Towards", "On"
        return []
    found = []
    rest = title[first.end() :]
    if _name_like(first.group(1)):
        found.append((first.group(1), rest))
    second = _TOKEN_RE.match(rest) if first.group(2) == "-" else None
    if second is not None:
        nick = f"{first.group(1)}-{second.group(1)}"
        if _name_like(nick):
            found.append((nick, rest[second.end() :]))
    return found
