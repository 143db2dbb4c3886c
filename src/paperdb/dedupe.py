"""Find papers that are probably the same work, merge them, and undo merges.

The core (:func:`find_pairs`) works on plain tuples ``(id, title, year, arxiv_id[,
nickname])`` so it can be measured on millions of synthetic titles without a database.

Design choices:

* Candidates come from blocking, never from all pairs: an exact loose key (the title's
  letters and digits with a glued nickname removed), a sorted neighbourhood over the
  normalized titles read forwards and backwards (a typo anywhere but at both ends keeps
  two titles next to each other in one of the orders), a same-year main-title key
  (the part before a colon, for dropped subtitles), the nickname, the arXiv id, and
  shared rare words and rare trigrams. Rare-word and trigram blocks are capped in size,
  so the number of pairs grows linearly with the collection.
* A pair is scored with ``rapidfuzz.fuzz.ratio`` on normalized titles. ``token_set_ratio``
  is not used: a title that is a subset of another ("Model compression" vs "Model
  compression via distillation and quantization") scores ~100 with it.
* Guards. Different arXiv ids never merge. Short titles (fewer than three content words or
  under 20 letters) need an exact key match. Every content word of one title needs a
  counterpart in the other (the same word, or a near spelling of four letters or more with
  the same digits); each word without one costs :data:`UNMATCHED_PENALTY`, so "A
  Systematic DNN Weight Pruning *Framework* ..." (ratio 91) stays apart from "Systematic
  Weight Pruning of DNNs ...", and "Network Pruning" from "Channel Pruning". A year gap of
  two or more is a signal, not a veto (lists file papers under the wrong year): it costs
  :data:`YEAR_GAP_PENALTY`.
* :data:`DEFAULT_THRESHOLD` (90) was tuned on the seed lists' gold duplicates: every true
  pair the exact import keys miss scores >= 96 (the "APoT-addive" typo scores 98), and the
  highest-scoring distinct look-alike scores 83 ("Systematic ... Framework ..."), so 90 sits
  in the middle of the gap.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any, NamedTuple

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from paperdb import normalize
from paperdb.db import placeholders, utc_now, write_transaction
from paperdb.errors import QueryError

if TYPE_CHECKING:
    from sqlite_utils import Database

DEFAULT_THRESHOLD = 90.0
"""``dedupe --apply`` merges proposals scoring at least this much (see the module doc)."""
DEFAULT_MIN_SCORE = 75.0
"""``dedupe`` shows proposals scoring at least this much, so near misses can be reviewed."""
UNMATCHED_PENALTY = 8.0
YEAR_GAP_PENALTY = 3.0
WINDOW = 8  # sorted-neighbourhood window
BLOCK_CAP = 12  # rare-word / trigram / nickname blocks larger than this are not rare
TRIGRAM_LIMIT = 200_000  # above this many titles, skip trigram blocking (time and memory)
SHORT_TOKENS = 3
SHORT_CHARS = 20

# Words that carry no identity; a title may gain or lose them freely.
STOPWORDS = frozenset(
    {
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "by",
        "for",
        "from",
        "in",
        "into",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "the",
        "to",
        "via",
        "with",
        "without",
        "using",
        "towards",
        "toward",
        "under",
        "over",
        "through",
    }
)

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

_NON_WORD_RE = re.compile(r"[\W_]+")


class Item(NamedTuple):
    """One title of one paper; a plain tuple works too."""

    id: int
    title: str
    year: int | None = None
    arxiv_id: str | None = None
    nickname: str | None = None


@dataclass(slots=True)
class Pair:
    """A proposal: papers ``a`` and ``b`` (a < b) are probably the same work."""

    a: int
    b: int
    score: float
    evidence: list[str] = field(default_factory=list)
    a_title: str = ""
    b_title: str = ""


def normalize_for_match(title: str) -> str:
    """Lower-case words separated by single spaces, glued nickname removed.

    >>> normalize_for_match("APoT-addive Powers-of-Two Quantization: an efficient ...")
    'addive powers of two quantization an efficient'
    >>> normalize_for_match("Deep  Compression: Pruning, Quantization & Huffman_Coding")
    'deep compression pruning quantization huffman coding'
    """
    _nick, rest = normalize.split_glued_nickname(title)
    text = unicodedata.normalize("NFKC", rest).casefold()
    return _NON_WORD_RE.sub(" ", text).strip()


def main_title(title: str) -> str | None:
    """The part before a colon (or " - "), normalized, when it is long enough to identify.

    >>> main_title("Proving the Lottery Ticket Hypothesis: Pruning is All You Need")
    'proving the lottery ticket hypothesis'
    >>> main_title("DoReFa-Net: Training Low Bitwidth Networks") is None
    True
    """
    for sep in (":", " - ", " — "):
        if sep in title:
            head = normalize_for_match(title.split(sep, 1)[0])
            if len(_content(head.split())) >= SHORT_TOKENS and len(head) >= SHORT_CHARS:
                return head
            return None
    return None


def _content(tokens: Iterable[str]) -> list[str]:
    return [t for t in tokens if t not in STOPWORDS]


@lru_cache(maxsize=1 << 16)  # title words repeat: each is looked at once per pair
def _digits(token: str) -> str:
    return "".join(ch for ch in token if ch.isdigit())


@lru_cache(maxsize=1 << 16)
def _singular(token: str) -> str:
    return token[:-1] if len(token) > 3 and token.endswith("s") else token


def _has_counterpart(token: str, others: Sequence[str]) -> bool:
    """A plural/singular form, or a near spelling: 4+ letters, same digits, and one edit
    apart or a ratio of 80 ("addive" / "additive")."""
    digits = _digits(token)
    for other in others:
        if _singular(token) == _singular(other):
            return True
        if (
            len(token) >= 4
            and len(other) >= 4
            and _digits(other) == digits
            and (
                Levenshtein.distance(token, other, score_cutoff=1) <= 1
                or fuzz.ratio(token, other, score_cutoff=80)
            )
        ):
            return True
    return False


def unmatched_words(a: str, b: str) -> tuple[list[str], list[str]]:
    """Content words of ``a`` with no counterpart in ``b``, and of ``b`` in ``a``.

    >>> unmatched_words("systematic weight pruning of dnns", "a systematic dnn weight pruning framework")
    ([], ['framework'])
    >>> unmatched_words("addive powers of two quantization", "additive powers of two quantization")
    ([], [])
    """
    ta, tb = _content(a.split()), _content(b.split())
    sa, sb = set(ta), set(tb)
    only_a = [t for t in dict.fromkeys(ta) if t not in sb]
    only_b = [t for t in dict.fromkeys(tb) if t not in sa]
    rest_b = [t for t in tb if t not in sa]
    rest_a = [t for t in ta if t not in sb]
    return (
        [t for t in only_a if not _has_counterpart(t, rest_b)],
        [t for t in only_b if not _has_counterpart(t, rest_a)],
    )


def _is_short(norm: str) -> bool:
    return len(_content(norm.split())) < SHORT_TOKENS or len(norm.replace(" ", "")) < SHORT_CHARS


def score_pair(
    a: str,
    b: str,
    *,
    year_a: int | None = None,
    year_b: int | None = None,
    arxiv_a: str | None = None,
    arxiv_b: str | None = None,
    main_a: str | None = None,
    main_b: str | None = None,
    floor: float = 0.0,
) -> tuple[float, list[str]] | None:
    """Score two normalized titles 0-100 with the reasons, or None when a guard forbids it.

    Guards only lower a ratio, so a ratio under ``floor`` is returned as it is, without
    the word-by-word check (most blocked candidates end there).

    >>> score_pair("addive powers of two quantization an efficient non uniform discretization",
    ...            "additive powers of two quantization an efficient non uniform discretization")[0]
    98.6
    >>> score_pair("model compression", "model compression via distillation") is None
    True
    >>> score_pair("same long title about pruning", "same long title about pruning",
    ...            arxiv_a="1803.03635", arxiv_b="1810.05270") is None
    True
    """
    if arxiv_a and arxiv_b and arxiv_a != arxiv_b:
        return None
    reasons: list[str] = []
    if a.replace(" ", "") == b.replace(" ", ""):
        score = 100.0
        reasons.append("same normalized title")
    elif _is_short(a) or _is_short(b):
        return None
    elif (main_a and main_a == b) or (main_b and main_b == a):
        # A dropped subtitle: only as strong as the year agreement.
        same_year = year_a is not None and year_a == year_b
        score = 93.0 if same_year else 85.0
        reasons.append("subtitle dropped" + ("" if same_year else ", year differs or unknown"))
        return score, reasons
    else:
        score = round(fuzz.ratio(a, b), 1)
        reasons.append(f"title ratio {score:g}")
        if score < floor:
            return score, reasons
        only_a, only_b = unmatched_words(a, b)
        missing = only_a + only_b
        if missing and _digits(a) == _digits(b) and Levenshtein.distance(a, b, score_cutoff=2) <= 2:
            # A typo that glues or splits words ("weightpruning") is still one edit.
            reasons.append("at most two edits apart")
        elif missing:
            score -= UNMATCHED_PENALTY * len(missing)
            reasons.append("words without counterpart: " + ", ".join(missing))
    if year_a is not None and year_b is not None and abs(year_a - year_b) >= 2:
        score -= YEAR_GAP_PENALTY
        reasons.append(f"years {year_a} and {year_b}")
    return max(round(score, 1), 0.0), reasons


# --------------------------------------------------------------------------- blocking


def _pairs_in_block(members: list[int], keep: Any, bit: int) -> None:
    """Every pair of a block, unless the block is too common to be evidence."""
    if len(members) <= BLOCK_CAP:
        for x in range(len(members)):
            for y in range(x + 1, len(members)):
                keep(members[x], members[y], bit)


def _group(keys: Iterable[tuple[object, int]]) -> Iterator[list[int]]:
    groups: dict[object, list[int]] = defaultdict(list)
    for key, index in keys:
        groups[key].append(index)
    for members in groups.values():
        if len(members) > 1:
            yield members


def candidate_pairs(
    items: Sequence[Item | tuple[Any, ...]],
    norms: Sequence[str],
    *,
    min_ratio: float,
    window: int = WINDOW,
) -> dict[tuple[int, int], int]:
    """Candidate index pairs (i < j) into ``items`` with their evidence bits.

    Sorted-neighbourhood pairs are kept only when their raw ratio reaches ``min_ratio``
    (the cheap first filter that keeps memory flat at a million titles).
    """
    n = len(items)
    pairs: dict[tuple[int, int], int] = {}
    ids = [item[0] for item in items]

    ratio = fuzz.ratio

    def keep(i: int, j: int, bit: int) -> None:
        if ids[i] == ids[j]:
            return
        key = (i, j) if i < j else (j, i)
        pairs[key] = pairs.get(key, 0) | bit

    def keep_similar(i: int, j: int, bit: int) -> None:
        # A fuzzy pair's final score never exceeds its raw ratio: filter before storing.
        if ids[i] == ids[j]:
            return
        key = (i, j) if i < j else (j, i)
        if key in pairs:
            pairs[key] |= bit
        elif ratio(norms[i], norms[j], score_cutoff=min_ratio):
            pairs[key] = bit

    for members in _group((norms[i].replace(" ", ""), i) for i in range(n)):
        for x in range(len(members)):
            for y in range(x + 1, min(len(members), x + 1 + BLOCK_CAP)):
                keep(members[x], members[y], EXACT)

    for texts in (norms, [s[::-1] for s in norms]):
        order = sorted(range(n), key=texts.__getitem__)
        for pos, i in enumerate(order):
            ti = texts[i]
            for j in order[pos + 1 : pos + window]:
                if ratio(ti, texts[j], score_cutoff=min_ratio):
                    keep(i, j, NEIGHBOUR)
        del order

    mains = [(main_title(str(items[i][1])), i) for i in range(n)]
    by_text: dict[str, list[int]] = defaultdict(list)
    for i in range(n):
        by_text[norms[i]].append(i)
    for head, i in mains:
        if head:
            for j in by_text.get(head, ())[:BLOCK_CAP]:
                keep(i, j, MAIN_TITLE)
    for members in _group(
        ((head, items[i][2]), i) for head, i in mains if head and items[i][2] is not None
    ):
        _pairs_in_block(members, keep, MAIN_TITLE)

    def nick(i: int) -> str | None:
        item = items[i]
        given = item[4] if len(item) > 4 else None
        return str(given).casefold() if given else None

    for bit, key_of in ((NICKNAME, nick), (ARXIV, lambda i: items[i][3] or None)):
        for members in _group((k, i) for i in range(n) if (k := key_of(i))):
            _pairs_in_block(members, keep, bit)

    _rare_blocks(norms, keep_similar, _words, RARE_WORD, 2)
    if n <= TRIGRAM_LIMIT:
        _rare_blocks(norms, keep_similar, _trigrams, TRIGRAM, 3, need=2)
    return pairs


def _words(norm: str) -> set[str]:
    return {t for t in norm.split() if len(t) >= 4}


def _trigrams(norm: str) -> set[str]:
    s = norm.replace(" ", "")
    return {s[k : k + 3] for k in range(len(s) - 2)}


def _rare_blocks(
    norms: Sequence[str],
    keep: Any,
    features: Any,
    bit: int,
    per_item: int,
    need: int = 1,
) -> None:
    """Pair titles sharing their rarest features (each shared by 2..BLOCK_CAP titles).

    With ``need`` > 1 a pair must share that many of its rare features.
    """
    # Two passes over the titles instead of keeping every feature set: flat memory.
    df: Counter[str] = Counter()
    for s in norms:
        df.update(features(s))
    blocks: dict[str, list[int]] = defaultdict(list)
    for i, s in enumerate(norms):
        rare = sorted((df[f], f) for f in features(s) if 2 <= df[f] <= BLOCK_CAP)[:per_item]
        for _count, f in rare:
            blocks[f].append(i)
    del df
    if need == 1:
        for members in blocks.values():
            _pairs_in_block(members, keep, bit)
        return
    shared: Counter[tuple[int, int]] = Counter()
    for members in blocks.values():
        for x in range(len(members)):
            for y in range(x + 1, len(members)):
                shared[(members[x], members[y])] += 1
    for (i, j), count in shared.items():
        if count >= need:
            keep(i, j, bit)


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
    mains: dict[int, str | None] = {}

    def main_of(i: int) -> str | None:
        if i not in mains:
            mains[i] = main_title(str(items[i][1]))
        return mains[i]

    for (i, j), bits in candidates.items():
        a, b = items[i], items[j]
        key = (a[0], b[0]) if a[0] < b[0] else (b[0], a[0])
        if key in excluded:
            continue
        scored = score_pair(
            norms[i],
            norms[j],
            year_a=a[2],
            year_b=b[2],
            arxiv_a=a[3],
            arxiv_b=b[3],
            main_a=main_of(i),
            main_b=main_of(j),
            floor=min_score,
        )
        if scored is None or scored[0] < min_score:
            continue
        score, reasons = scored
        previous = best.get(key)
        if previous is not None and previous.score >= score:
            continue
        evidence = [name for bit, name in EVIDENCE_NAMES.items() if bits & bit] + reasons
        first, second = (a, b) if a[0] < b[0] else (b, a)
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


# --------------------------------------------------------------------------- database


def not_same_pairs(db: Database) -> list[tuple[int, int]]:
    return [(int(a), int(b)) for a, b in db.conn.execute("SELECT paper_a, paper_b FROM not_same")]


def _items(db: Database) -> list[Item]:
    """One item per paper and distinct title of its mentions."""
    rows = db.conn.execute(
        "SELECT p.id, p.title, p.year, p.arxiv_id, p.nickname FROM papers p"
        " UNION SELECT e.paper_id, min(e.title), p.year, p.arxiv_id, p.nickname"
        " FROM entries e JOIN papers p ON p.id = e.paper_id"
        " WHERE e.title_key != p.title_key GROUP BY e.paper_id, e.title_key"
        " ORDER BY 1"
    )
    return [Item(int(r[0]), r[1], r[2], r[3], r[4]) for r in rows]


_DIFF_FIELDS = ("year", "venue", "presentation", "nickname", "arxiv_id", "authors")


def proposals(db: Database, *, min_score: float = DEFAULT_MIN_SCORE) -> list[dict[str, Any]]:
    """Proposed duplicate pairs as rows: ids, both titles, score, evidence, fields that differ."""
    pairs = find_pairs(_items(db), min_score=min_score, exclude=not_same_pairs(db))
    return _rows(db, pairs)


def _rows(db: Database, pairs: Sequence[Pair]) -> list[dict[str, Any]]:
    ids = sorted({p.a for p in pairs} | {p.b for p in pairs})
    papers: dict[int, dict[str, Any]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        cursor = db.conn.execute(
            f"SELECT id, title, {', '.join(_DIFF_FIELDS)} FROM papers"
            f" WHERE id IN ({','.join('?' * len(chunk))})",
            tuple(chunk),
        )
        columns = [d[0] for d in cursor.description]
        for values in cursor:
            papers[int(values[0])] = dict(zip(columns, values, strict=True))
    rows = []
    for p in pairs:
        a, b = papers[p.a], papers[p.b]
        differ = [
            f"{name} {a[name]} / {b[name]}"
            for name in _DIFF_FIELDS
            if a[name] is not None and b[name] is not None and a[name] != b[name]
        ]
        rows.append(
            {
                "a": p.a,
                "b": p.b,
                "score": p.score,
                "a_title": a["title"],
                "b_title": b["title"],
                "evidence": p.evidence,
                "differs": differ,
            }
        )
    return rows


def _pair_of(row: dict[str, Any]) -> Pair:
    return Pair(int(row["a"]), int(row["b"]), float(row["score"]), list(row["evidence"]))


@dataclass(slots=True)
class MergeResult:
    id: int
    paper_id: int
    absorbed: list[int]


def merge(
    db: Database,
    paper_ids: Sequence[int],
    *,
    rule: str = "manual",
    score: float | None = None,
    evidence: Sequence[str] = (),
) -> MergeResult:
    """Merge papers into the one with the smallest id, in one transaction, and log it.

    Mentions are moved, never deleted. Raises QueryError for an unknown paper, fewer than
    two distinct papers, or papers marked not the same.
    """

    ids = sorted(set(paper_ids))
    if len(ids) < 2:
        raise QueryError("a merge needs two different paper ids")
    with write_transaction(db):
        return _merge(db, ids, rule, score, evidence)


def _merge(
    db: Database, ids: list[int], rule: str, score: float | None, evidence: Sequence[str]
) -> MergeResult:
    from paperdb.papers import refresh_papers

    conn = db.conn
    marks = placeholders(len(ids))
    found = {
        int(r[0]): r
        for r in conn.execute(
            f"SELECT id, title, title_key, created_at FROM papers WHERE id IN ({marks})",
            tuple(ids),
        )
    }
    missing = [i for i in ids if i not in found]
    if missing:
        raise QueryError(f"no paper with id {missing[0]}")
    apart = conn.execute(
        f"SELECT paper_a, paper_b FROM not_same WHERE paper_a IN ({marks})"
        f" AND paper_b IN ({marks})",
        (*ids, *ids),
    ).fetchone()
    if apart is not None:
        raise QueryError(f"papers {apart[0]} and {apart[1]} are marked as not the same")
    target, absorbed = ids[0], ids[1:]
    cur = conn.execute(
        "INSERT INTO merges (paper_id, rule, score, evidence, created_at) VALUES (?, ?, ?, ?, ?)",
        (target, rule, score, json.dumps(list(evidence), ensure_ascii=False), utc_now()),
    )
    merge_id = int(cur.lastrowid or 0)
    for paper_id in absorbed:
        _id, title, key, created = found[paper_id]
        conn.execute(
            "INSERT INTO merge_papers (merge_id, paper_id, title, title_key, created_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (merge_id, paper_id, title, key, created),
        )
        conn.execute(
            "INSERT INTO merge_mentions (merge_id, paper_id, source_id, source, line, raw)"
            " SELECT ?, e.paper_id, e.source_id, s.name, e.line, e.raw FROM entries e"
            " JOIN sources s ON s.id = e.source_id WHERE e.paper_id = ?",
            (merge_id, paper_id),
        )
        conn.execute("UPDATE entries SET paper_id = ? WHERE paper_id = ?", (target, paper_id))
    refresh_papers(db, ids)  # deletes the absorbed papers: they have no entries left
    return MergeResult(merge_id, target, absorbed)


def apply(
    db: Database,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    rows: Sequence[dict[str, Any]] | None = None,
) -> list[MergeResult]:
    """Merge every cluster of proposals scoring at least ``threshold``; one merge each.

    Each cluster is merged (and logged) in its own transaction, so an interruption leaves
    every finished merge complete and undoable.
    """
    if rows is None:
        rows = proposals(db, min_score=min(threshold, DEFAULT_MIN_SCORE))
    pairs = list({(p.a, p.b): p for p in map(_pair_of, rows)}.values())
    by_paper: dict[int, list[Pair]] = defaultdict(list)  # each pair under its first id
    for pair in pairs:
        by_paper[pair.a].append(pair)
    results = []
    for group in clusters(pairs, threshold, not_same_pairs(db)):
        members = set(group)
        inside = [p for x in group for p in by_paper[x] if p.b in members]
        best = max(inside, key=lambda p: p.score)
        evidence = list(dict.fromkeys(e for p in inside for e in p.evidence))
        results.append(merge(db, group, rule="auto", score=best.score, evidence=evidence))
    return results


def undo(db: Database, merge_id: int) -> MergeResult:
    """Undo one merge exactly, in one transaction: recreate the absorbed papers with their
    ids and move their mentions back.

    Raises:
        QueryError: unknown or already undone merge, or the database changed since in a
            way that makes an exact undo impossible (a mention re-imported with other
            text, merged again, or an absorbed id reused); nothing is changed then.
    """
    from paperdb.papers import refresh_papers

    conn = db.conn
    with write_transaction(db):
        row = conn.execute(
            "SELECT paper_id, undone_at FROM merges WHERE id = ?", (merge_id,)
        ).fetchone()
        if row is None:
            raise QueryError(f"no merge with id {merge_id}; see paperdb dedupe --list")
        if row[1] is not None:
            raise QueryError(f"merge {merge_id} was already undone at {row[1]}")
        target = int(row[0])
        papers = conn.execute(
            "SELECT paper_id, title, title_key, created_at FROM merge_papers"
            " WHERE merge_id = ? ORDER BY paper_id",
            (merge_id,),
        ).fetchall()
        for paper_id, *_rest in papers:
            if conn.execute("SELECT 1 FROM papers WHERE id = ?", (paper_id,)).fetchone():
                raise QueryError(
                    f"cannot undo merge {merge_id}: paper id {paper_id} is in use again"
                )
        moves: list[tuple[int, int]] = []
        for paper_id, source_id, source, line, raw in conn.execute(
            "SELECT paper_id, source_id, source, line, raw FROM merge_mentions"
            " WHERE merge_id = ? ORDER BY source_id, line",
            (merge_id,),
        ).fetchall():
            entry = conn.execute(
                "SELECT id, raw, paper_id FROM entries WHERE source_id = ? AND line = ?",
                (source_id, line),
            ).fetchone()
            if entry is None or entry[1] != raw:
                raise QueryError(
                    f"cannot undo merge {merge_id}: {source}:{line} was re-imported with"
                    " other content since; nothing was changed"
                )
            if entry[2] != target:
                later = conn.execute(
                    "SELECT max(id) FROM merge_papers mp JOIN merges m ON m.id = mp.merge_id"
                    " WHERE mp.paper_id = ? AND m.undone_at IS NULL AND m.id > ?",
                    (target, merge_id),
                ).fetchone()[0]
                hint = f"; undo merge {later} first" if later else ""
                raise QueryError(
                    f"cannot undo merge {merge_id}: {source}:{line} is no longer on paper"
                    f" {target}{hint}; nothing was changed"
                )
            moves.append((int(paper_id), int(entry[0])))
        conn.executemany(
            "INSERT INTO papers (id, title, title_key, created_at) VALUES (?, ?, ?, ?)",
            [tuple(p) for p in papers],
        )
        conn.executemany("UPDATE entries SET paper_id = ? WHERE id = ?", moves)
        absorbed = [int(p[0]) for p in papers]
        refresh_papers(db, [target, *absorbed])
        conn.execute("UPDATE merges SET undone_at = ? WHERE id = ?", (utc_now(), merge_id))
    return MergeResult(merge_id, target, absorbed)


def list_merges(db: Database) -> list[dict[str, Any]]:
    """The merge log, newest first."""
    rows = []
    for mid, paper_id, rule, score, evidence, created, undone, absorbed, n in db.conn.execute(
        "SELECT m.id, m.paper_id, m.rule, m.score, m.evidence, m.created_at, m.undone_at,"
        " (SELECT group_concat(paper_id, ',') FROM"
        "   (SELECT paper_id FROM merge_papers WHERE merge_id = m.id ORDER BY paper_id)),"
        " (SELECT count(*) FROM merge_mentions WHERE merge_id = m.id)"
        " FROM merges m ORDER BY m.id DESC"
    ):
        rows.append(
            {
                "id": mid,
                "paper_id": paper_id,
                "absorbed": [int(x) for x in (absorbed or "").split(",") if x],
                "mentions_moved": n,
                "rule": rule,
                "score": score,
                "evidence": json.loads(evidence),
                "created_at": created,
                "undone_at": undone,
            }
        )
    return rows


def mark_not_same(db: Database, a: int, b: int) -> None:
    """Remember that papers ``a`` and ``b`` are different works (never proposed again)."""

    if a == b:
        raise QueryError("give two different paper ids")
    low, high = sorted((a, b))
    with write_transaction(db):
        for paper_id in (low, high):
            if not db.conn.execute("SELECT 1 FROM papers WHERE id = ?", (paper_id,)).fetchone():
                raise QueryError(f"no paper with id {paper_id}")
        db.conn.execute(
            "INSERT OR IGNORE INTO not_same (paper_a, paper_b, created_at) VALUES (?, ?, ?)",
            (low, high, utc_now()),
        )
