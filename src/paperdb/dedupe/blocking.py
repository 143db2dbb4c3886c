"""Candidate pairs for scoring, from blocking rules: never all pairs.

Each rule is a function of the titles that yields index pairs ``(i, j)`` that share its
key; :func:`paperdb.dedupe.pairs.find_pairs` scores each pair as it comes and keeps only
the proposals, so no rule's pairs are ever held together. The rules: an exact loose key
(the title's letters and digits with a glued nickname removed), a sorted neighbourhood
over the normalized titles read forwards and backwards (a typo anywhere but at both ends
keeps two titles next to each other in one of the orders), a title with a rare leading
nickname removed against every title (``LoSparse: Structured ...`` / ``Structured ...``),
a same-year main-title key (the part before a colon, for dropped subtitles), the
nickname, the arXiv id, and shared rare words and rare trigrams. Rare-word and trigram
blocks are capped in size, so the number of pairs grows linearly with the collection.

Memory stays flat at a million titles: the titles are held once, normalized, with their
years in an array and the sparse fields (arXiv id, nickname, main title, glued rest) in
dictionaries of the titles that have one; each rule's own index is small or transient.
"""

from __future__ import annotations

import itertools
import re
from array import array
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from rapidfuzz import fuzz

from paperdb import normalize
from paperdb.dedupe.match import UNMATCHED_PENALTY, content_words, main_title, normalize_for_match
from paperdb.dedupe.words import RARE, Vocabulary, nickname_splits

WINDOW = 8  # sorted-neighbourhood window
BLOCK_CAP = RARE  # rare-word / trigram / nickname blocks larger than this are not rare
TRIGRAM_LIMIT = 50_000  # above this many titles, skip trigram blocking (see rare_trigrams)

# Evidence bits: why a pair was a candidate.
EXACT, NEIGHBOUR, MAIN_TITLE, NICKNAME, ARXIV, RARE_WORD, TRIGRAM, GLUED = (
    1 << i for i in range(8)
)
EVIDENCE_NAMES = {
    EXACT: "same normalized title",
    NEIGHBOUR: "sorted neighbours",
    MAIN_TITLE: "main title matches",
    GLUED: "title after a nickname",
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
    venue: str | None = None


_ARXIV_RE = re.compile(r"(\d{4})\.(\d{4,5})")


@dataclass(slots=True)
class Titles:
    """What the rules and the scoring look at, one column per field (index = title).

    Dense fields are arrays (a million titles: a few MB each); an arXiv id in the usual
    ``YYMM.NNNNN`` form is a number, others stay text in a dictionary; a glued nickname
    is the number of leading words to drop (a bit each), its rest read off the title."""

    ids: array[int] = field(default_factory=lambda: array("q"))
    years: array[int] = field(default_factory=lambda: array("H"))  # 0: no year
    norms: list[str] = field(default_factory=list)
    venues: array[int] = field(default_factory=lambda: array("H"))  # 0: none or a preprint
    venue_names: list[str | None] = field(default_factory=lambda: [None])
    arxiv_codes: array[int] = field(default_factory=lambda: array("q"))  # 0: none / text
    arxiv_text: dict[int, str] = field(default_factory=dict)
    nicknames: dict[int, str] = field(default_factory=dict)
    mains: dict[int, str] = field(default_factory=dict)
    glued: bytearray = field(default_factory=bytearray)  # bit k-1: drop k leading words
    words: array[int] = field(default_factory=lambda: array("B"))  # content words, <= 255
    plain: bytearray = field(default_factory=bytearray)  # 1: no rare content word
    vocab: Vocabulary = field(default_factory=Vocabulary)
    min_ratio: float = 0.0
    window: int = WINDOW

    def year(self, i: int) -> int | None:
        return self.years[i] or None

    def venue(self, i: int) -> str | None:
        """The published venue (a preprint server is no venue to disagree with)."""
        return self.venue_names[self.venues[i]]

    def arxiv(self, i: int) -> str | None:
        code = self.arxiv_codes[i]
        if not code:
            return self.arxiv_text.get(i)
        number, width = divmod(code % 10**7, 10)
        return f"{code // 10**7:04d}.{number:0{width}d}"

    def glued_rests(self, i: int) -> tuple[str, ...]:
        """The title without each of its glued nicknames."""
        mask = self.glued[i]
        if not mask:
            return ()
        norm = self.norms[i]
        return tuple(norm.split(" ", k)[k] for k in range(1, 9) if mask & (1 << (k - 1)))

    def add(self, i: int, item: Item | tuple[Any, ...], codes: dict[object, int]) -> None:
        """Append one item's dense fields (the title is the caller's)."""
        self.ids.append(int(item[0]))
        self.years.append(item[2] if isinstance(item[2], int) and 0 < item[2] < 65536 else 0)
        arxiv = str(item[3]) if item[3] else ""
        match = _ARXIV_RE.fullmatch(arxiv)
        if match:
            number = match.group(2)
            code = int(match.group(1)) * 10**7 + int(number) * 10 + len(number)
        self.arxiv_codes.append(code if match else 0)
        if arxiv and not match:
            self.arxiv_text[i] = arxiv
        if len(item) > 4 and item[4]:
            self.nicknames[i] = str(item[4]).casefold()
        venue = item[5] if len(item) > 5 else None
        if venue not in codes:
            info = normalize.lookup_venue(str(venue)) if venue else None
            published = bool(venue) and (info is None or info.kind != "preprint")
            codes[venue] = len(self.venue_names) if published else 0
            if published:
                self.venue_names.append(str(venue))
        self.venues.append(codes[venue])
        self.glued.append(0)


def titles_of(
    items: Iterable[Item | tuple[Any, ...]], *, min_ratio: float, window: int = WINDOW
) -> Titles:
    """Read ``(id, title, year, arxiv_id[, nickname[, venue]])`` tuples into columns, one
    at a time; then, with the word counts known, the glued nicknames and each title's
    content words."""
    t = Titles(min_ratio=min_ratio, window=window)
    leads: list[tuple[int, int]] = []  # (title, leading words of a possible nickname)
    codes: dict[object, int] = {}
    for i, item in enumerate(items):
        title, norm = str(item[1]), normalize_for_match(str(item[1]))
        t.add(i, item, codes)
        t.norms.append(norm)
        t.vocab.add(norm)
        if (head := main_title(title)) is not None:
            t.mains[i] = head
        for nick, _rest in nickname_splits(title):
            head = normalize_for_match(nick)  # words are normalized one by one
            if head and norm.startswith(head + " "):
                leads.append((i, head.count(" ") + 1))
    for i, k in leads:  # a nickname is a token few titles use: needs the counts
        if t.vocab.count(t.norms[i].split(" ", 1)[0]) <= RARE and k <= 8:
            t.glued[i] |= 1 << (k - 1)
    counts = t.vocab.counts
    for norm in t.norms:
        words = content_words(norm)
        t.words.append(min(len(words), 255))
        t.plain.append(all(counts.get(w, 0) > RARE for w in words))
    return t


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


def _compact(norm: str) -> str:
    return norm.replace(" ", "")


def _sorted(n: int, key: Callable[[int], str]) -> array[int]:
    """Title indexes in the order of ``key`` (4 bytes each, not a Python int each)."""
    return array("i", sorted(range(n), key=key))


def exact(t: Titles) -> IndexPairs:
    """Same letters and digits (each title paired with the next BLOCK_CAP of its key).

    Titles are grouped by a hash of the key (8 bytes a title, not a copy of each key),
    then each group by the key itself."""
    norms = t.norms
    hashes = array("q", (hash(_compact(norm)) for norm in norms))
    order = _sorted_by_number(hashes)
    start = 0
    while start < len(order):
        end = start + 1
        while end < len(order) and hashes[order[end]] == hashes[order[start]]:
            end += 1
        if end - start > 1:
            groups: dict[str, list[int]] = defaultdict(list)
            for x in order[start:end]:
                groups[_compact(norms[x])].append(x)
            for members in groups.values():
                for x in range(len(members)):
                    for y in range(x + 1, min(len(members), x + 1 + BLOCK_CAP)):
                        yield members[x], members[y]
        start = end


def _sorted_by_number(keys: array[int]) -> array[int]:
    return array("i", sorted(range(len(keys)), key=keys.__getitem__))


def _close(t: Titles, order: array[int], skip: array[int] | None) -> IndexPairs:
    """Pairs within the window of ``order`` with the raw ratio they need: the floor, plus
    what the content words one title has more than the other cost (none of them has a
    counterpart), unless a rare word may be a glued one (see ``match``). Pairs within
    the window of the order whose positions are ``skip`` were looked at already."""
    ratio, norms, words, plain = fuzz.ratio, t.norms, t.words, t.plain
    floor, window = t.min_ratio, t.window
    # ratio = 2 * matches / (len a + len b) <= 2 * shorter / (len a + len b)
    share = floor / (200 - floor) if floor < 100 else 1.0
    for pos, i in enumerate(order):
        ni, wi = norms[i], words[i]
        li = len(ni)
        for j in order[pos + 1 : pos + window]:
            nj = norms[j]
            lj = len(nj)
            if (li < lj * share if li < lj else lj < li * share) or (
                skip is not None and abs(skip[i] - skip[j]) < window
            ):
                continue
            wj = words[j]
            cutoff = floor
            if wi != wj and plain[i if wi < wj else j] and wi < 255 and wj < 255:
                cutoff += UNMATCHED_PENALTY * abs(wi - wj)
            if cutoff <= 100 and ratio(ni, nj, score_cutoff=cutoff):
                yield i, j


def neighbours(t: Titles) -> IndexPairs:
    """Close in sorted order, forwards or backwards, with the raw ratio they need.

    A pair close in both orders comes out once (from the forward order)."""
    norms = t.norms
    order = _sorted(len(norms), norms.__getitem__)
    position = array("i", bytes(4 * len(norms)))
    for pos, i in enumerate(order):
        position[i] = pos
    yield from _close(t, order, None)
    del order
    yield from _close(t, _sorted_backwards(norms), position)


def _sorted_backwards(norms: list[str]) -> array[int]:
    """Title indexes in the order of their reversed text: by the last 16 characters
    first, then each group of equal endings by the whole text (the same order, without a
    reversed copy of every title at once)."""
    order = sorted(range(len(norms)), key=lambda i: norms[i][:-17:-1])
    out = array("i")
    start = 0
    while start < len(order):
        end_of = norms[order[start]][:-17:-1]
        end = start + 1
        while end < len(order) and norms[order[end]][:-17:-1] == end_of:
            end += 1
        group = order[start:end]
        if len(group) > 1:
            group.sort(key=lambda i: norms[i][::-1])
        out.extend(group)
        start = end
    return out


def glued_nicknames(t: Titles) -> IndexPairs:
    """A title whose rest after a rare leading nickname is another title."""
    rests: dict[int, list[int]] = defaultdict(list)  # by a hash of the rest's key
    for i, mask in enumerate(t.glued):
        if mask:
            for rest in t.glued_rests(i):
                rests[hash(_compact(rest))].append(i)
    for j, norm in enumerate(t.norms):
        found = rests.get(hash(key := _compact(norm)))
        if found is not None:
            same = [i for i in found if key in map(_compact, t.glued_rests(i))]
            for i in same[:BLOCK_CAP]:
                yield i, j


def main_titles(t: Titles) -> IndexPairs:
    """One title is another's main title, or two main titles agree within one year."""
    heads: dict[str, list[int]] = defaultdict(list)
    for i, head in t.mains.items():
        heads[head].append(i)
    for j, norm in enumerate(t.norms):
        for i in heads.get(norm, ())[:BLOCK_CAP]:
            yield i, j
    for members in _group(((head, t.years[i]), i) for i, head in t.mains.items() if t.years[i]):
        yield from _block_pairs(members)


def nicknames(t: Titles) -> IndexPairs:
    """The same nickname, ignoring case."""
    for members in _group((nick, i) for i, nick in t.nicknames.items()):
        yield from _block_pairs(members)


def arxiv_ids(t: Titles) -> IndexPairs:
    """The same arXiv id."""
    keys = ((code, i) for i, code in enumerate(t.arxiv_codes) if code)
    for members in _group(itertools.chain(keys, ((a, i) for i, a in t.arxiv_text.items()))):
        yield from _block_pairs(members)


def _words(norm: str) -> set[str]:
    return {t for t in norm.split() if len(t) >= 4}


def _trigrams(norm: str) -> set[str]:
    s = norm.replace(" ", "")
    return {s[k : k + 3] for k in range(len(s) - 2)}


def _rare_blocks(
    t: Titles, features: Callable[[str], set[str]], df: Callable[[str], int], per_item: int
) -> dict[str, list[int]]:
    """Titles by their ``per_item`` rarest features (each shared by 2..BLOCK_CAP titles)."""
    blocks: dict[str, list[int]] = defaultdict(list)
    for i, s in enumerate(t.norms):
        rare = sorted((n, f) for f in features(s) if 2 <= (n := df(f)) <= BLOCK_CAP)
        for _count, f in rare[:per_item]:
            blocks[f].append(i)
    return blocks


def rare_words(t: Titles) -> IndexPairs:
    """A shared word of four letters or more that is rare (each title's two rarest)."""
    for members in _rare_blocks(t, _words, t.vocab.count, 2).values():
        yield from _block_pairs(members)


def rare_trigrams(t: Titles) -> IndexPairs:
    """At least two shared rare trigrams (each title's three rarest); skipped above
    TRIGRAM_LIMIT titles, where it costs seconds and found no pair the other rules
    missed on the 100k bench corpus (typos at both ends of a title are what it is for)."""
    if len(t.norms) > TRIGRAM_LIMIT:
        return
    df: Counter[str] = Counter()
    for s in t.norms:
        df.update(_trigrams(s))
    shared: Counter[tuple[int, int]] = Counter()
    for members in _rare_blocks(t, _trigrams, df.__getitem__, 3).values():
        for x in range(len(members)):
            for y in range(x + 1, len(members)):
                shared[(members[x], members[y])] += 1
    for pair, count in shared.items():
        if count >= 2:
            yield pair


# In this order: the evidence of a pair lists every rule that found it.
RULES: tuple[tuple[int, Callable[[Titles], IndexPairs]], ...] = (
    (EXACT, exact),
    (NEIGHBOUR, neighbours),
    (MAIN_TITLE, main_titles),
    (GLUED, glued_nicknames),
    (NICKNAME, nicknames),
    (ARXIV, arxiv_ids),
    (RARE_WORD, rare_words),
    (TRIGRAM, rare_trigrams),
)
