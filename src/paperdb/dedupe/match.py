"""Scoring two titles: are they the same work?

Design choices:

* A pair is scored with ``rapidfuzz.fuzz.ratio`` on normalized titles. ``token_set_ratio``
  is not used: a title that is a subset of another ("Model compression" vs "Model
  compression via distillation and quantization") scores ~100 with it.
* Guards. Different arXiv ids never merge. Short titles (fewer than three content words or
  under 20 letters) need an exact key match. Every content word of one title needs a
  counterpart in the other (the same word, or a near spelling of four letters or more with
  the same digits); each word without one costs :data:`UNMATCHED_PENALTY`, so "A
  Systematic DNN Weight Pruning *Framework* ..." (ratio 91) stays apart from "Systematic
  Weight Pruning of DNNs ...", and "Network Pruning" from "Channel Pruning". A word used
  twice needs two counterparts, and two near spellings that are both words in use in the
  collection ("local" / "global", "structured" / "unstructured") are not counterparts
  (:mod:`paperdb.dedupe.words`). A year gap of two or more is a signal, not a veto (lists
  file papers under the wrong year): it costs :data:`YEAR_GAP_PENALTY`.
* A nickname glued in front of a title (``LoSparse: <title>`` / ``<title>``) scores
  :data:`GLUED_SCORE` when the data confirms it: the years and the published venues do
  not disagree where both are known (an arXiv listing is no venue), and the papers share
  a published venue or a code repository. Otherwise it scores :data:`GLUED_APART_SCORE`
  (proposed, not merged): a later work may well be called "SomethingNet: <an earlier
  title>", and on the 1M bench corpus short titles recur under other nicknames (year
  and venue agreement alone left 1,500 false merges next to 9,400 true ones).
* :data:`DEFAULT_THRESHOLD` (90) was tuned on the seed lists' gold duplicates: every true
  pair the exact import keys miss scores >= 96 (the "APoT-addive" typo scores 98), and the
  highest-scoring distinct look-alike scores 83 ("Systematic ... Framework ..."), so 90 sits
  in the middle of the gap.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from paperdb import normalize
from paperdb.dedupe.words import RARE, Vocabulary

DEFAULT_THRESHOLD = 90.0
"""``dedupe --apply`` merges proposals scoring at least this much (see the module doc)."""
DEFAULT_MIN_SCORE = 75.0
"""``dedupe`` shows proposals scoring at least this much, so near misses can be reviewed."""
UNMATCHED_PENALTY = 8.0
YEAR_GAP_PENALTY = 3.0
GLUED_SCORE = 94.0
GLUED_APART_SCORE = 85.0
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

_NON_WORD_RE = re.compile(r"[\W_]+")


def normalize_for_match(title: str) -> str:
    """Lower-case words separated by single spaces, glued nickname removed.

    >>> normalize_for_match("APoT-addive Powers-of-Two Quantization: an efficient ...")
    'addive powers of two quantization an efficient'
    >>> normalize_for_match("Deep  Compression: Pruning, Quantization & Huffman_Coding")
    'deep compression pruning quantization huffman coding'
    """
    _nick, rest = normalize.split_glued_nickname(title)
    text = rest.lower() if rest.isascii() else unicodedata.normalize("NFKC", rest).casefold()
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


@lru_cache(maxsize=1 << 16)  # word pairs repeat across the candidate pairs
def _near(token: str, other: str) -> bool:
    """A plural/singular form, or a near spelling: 4+ letters, same digits, and one edit
    apart or a ratio of 80 ("addive" / "additive")."""
    if _singular(token) == _singular(other):
        return True
    return (
        len(token) >= 4
        and len(other) >= 4
        and _digits(other) == _digits(token)
        and (
            Levenshtein.distance(token, other, score_cutoff=1) <= 1
            or bool(fuzz.ratio(token, other, score_cutoff=80))
        )
    )


def _counterparts(token: str, other: str, vocab: Vocabulary | None) -> bool:
    """A near form of the token that is not a different word in use."""
    if vocab is None:
        return _near(token, other)
    return vocab.remember(_counterparts_in, token, other)


def _counterparts_in(vocab: Vocabulary, token: str, other: str) -> bool:
    return _near(token, other) and (
        _singular(token) == _singular(other) or not vocab.distinct_words(token, other)
    )


def content_words(norm: str) -> list[str]:
    """The words of a normalized title that carry identity (no stopwords)."""
    return _content(norm.split())


@lru_cache(maxsize=1 << 14)  # a title meets its sorted neighbours one after another
def _words_of(norm: str) -> tuple[str, ...]:
    return tuple(_content(norm.split()))


@lru_cache(maxsize=1 << 14)
def _word_set(norm: str) -> frozenset[str] | None:
    """The content words as a set, or None when one is repeated."""
    words = _words_of(norm)
    found = frozenset(words)
    return found if len(found) == len(words) else None


def _surpluses(a: str, b: str) -> tuple[list[str], list[str]]:
    """The content words each title has more of than the other."""
    sa, sb = _word_set(a), _word_set(b)
    if sa is not None and sb is not None:
        return [t for t in _words_of(a) if t not in sb], [t for t in _words_of(b) if t not in sa]
    ta, tb = _words_of(a), _words_of(b)
    return _surplus(ta, tb), _surplus(tb, ta)


def _surplus(ta: Sequence[str], tb: Sequence[str]) -> list[str]:
    """Words of ``ta`` that ``tb`` lacks, as often as ``ta`` has them more."""
    if len(set(ta)) == len(ta):
        sb = set(tb)
        return [t for t in ta if t not in sb]
    left = Counter(ta)
    left.subtract(tb)
    return [t for t, n in left.items() for _ in range(n)]


def unmatched_words(a: str, b: str, vocab: Vocabulary | None = None) -> tuple[list[str], list[str]]:
    """Content words of ``a`` with no counterpart in ``b``, and of ``b`` in ``a``.

    Each word is the counterpart of one word at most, so a word used twice needs two;
    with a vocabulary, two words both in use are never counterparts (see
    :mod:`paperdb.dedupe.words`).

    >>> unmatched_words("systematic weight pruning of dnns", "a systematic dnn weight pruning framework")
    ([], ['framework'])
    >>> unmatched_words("addive powers of two quantization", "additive powers of two quantization")
    ([], [])
    >>> unmatched_words("deep neural networks via neural architecture search",
    ...                 "deep neuarl networks via architecture search")
    (['neural'], [])
    """
    only_a, pool = _surpluses(a, b)
    missing_a, _complete = _unmatched(only_a, pool, vocab, None)
    return missing_a, pool


def _unmatched(
    only_a: list[str], pool: list[str], vocab: Vocabulary | None, most: int | None
) -> tuple[list[str], bool]:
    """The words of ``only_a`` without a counterpart in ``pool`` (the counterparts are
    taken out of ``pool``), and whether the count is complete: it gives up once more
    than ``most`` words are sure to lack one (``pool`` can lose one word per word left)."""
    missing_a: list[str] = []
    left = len(only_a)
    for token in only_a:
        left -= 1
        partner = _partner(token, pool, vocab)
        if partner is None:
            missing_a.append(token)
        else:
            pool.remove(partner)
        if most is not None and len(missing_a) + max(len(pool) - left, 0) > most:
            return missing_a, False
    return missing_a, True


def _partner(token: str, pool: list[str], vocab: Vocabulary | None) -> str | None:
    """The first word of ``pool`` that is a counterpart of ``token``.

    Lengths first: a near form is one letter longer or shorter (a plural, one edit) or
    has a ratio of 80, which two words reach only when ``5 * shorter >= 2 * (la + lb)``
    (ratio <= 200 * shorter / (la + lb)); the other words are not asked at all, and a
    word that is no near form is not asked about the vocabulary."""
    size = len(token)
    for other in pool:
        length = len(other)
        if (
            (-1 <= size - length <= 1 or 5 * min(size, length) >= 2 * (size + length))
            and _near(token, other)  # cached: most pairs of words end here
            and _counterparts(token, other, vocab)
        ):
            return other
    return None


@lru_cache(maxsize=1 << 14)
def _is_short(norm: str) -> bool:
    return len(_words_of(norm)) < SHORT_TOKENS or len(norm.replace(" ", "")) < SHORT_CHARS


def _surplus_cost(a: str, b: str, vocab: Vocabulary | None) -> float:
    """What the content words one title has more than the other cost at least (each has
    no counterpart), or 0 when a rare token may be a glued word that excuses them."""
    wa, wb = _words_of(a), _words_of(b)
    shorter = wa if len(wa) < len(wb) else wb
    if vocab is None or vocab.any_rare(shorter):
        return 0.0
    return UNMATCHED_PENALTY * abs(len(wa) - len(wb))


def _word_penalty(
    a: str, b: str, reasons: list[str], vocab: Vocabulary | None, budget: float
) -> float:
    """What the content words without a counterpart cost (the reason is appended).

    When no word either title has more is rare, no glued word can excuse them: the
    count stops once they cost more than ``budget`` (the score is then sure to end under
    the floor, and what it ends at does not matter)."""
    only_a, only_b = _surpluses(a, b)
    most = None
    # A Counter's own lookup (0 for a word it lacks) is C code for the words it has.
    counts = vocab.counts if vocab is not None else None
    if counts is not None and min(map(counts.__getitem__, (*only_a, *only_b)), default=0) > RARE:
        most = int((budget + 0.05) // UNMATCHED_PENALTY)  # 0.05: rounding to a tenth
    only_a, complete = _unmatched(only_a, only_b, vocab, most)
    if not complete and most is not None:
        reasons.append("words without counterpart")
        return UNMATCHED_PENALTY * (most + 1)
    missing = only_a + only_b
    if not missing:
        return 0.0
    glued_a, glued_b = "".join(only_a), "".join(only_b)
    if (
        _may_be_glued(only_a, only_b, vocab)
        and _digits(glued_a) == _digits(glued_b)
        and Levenshtein.distance(glued_a, glued_b, score_cutoff=2) <= 2
        and fuzz.ratio(glued_a, glued_b) >= 80
    ):
        # A typo that glues or splits words leaves a rare token ("weightpruning") and
        # nearly the same letters on both sides; two different nicknames ("WQDQ" /
        # "IQD") do not, and one word for another ("self" / "semi") or a word in use
        # ("FON Structured" / "Unstructured") is not a glued or split word.
        reasons.append("at most two edits apart")
        return 0.0
    reasons.append("words without counterpart: " + ", ".join(missing))
    return UNMATCHED_PENALTY * len(missing)


def _may_be_glued(only_a: list[str], only_b: list[str], vocab: Vocabulary | None) -> bool:
    """Whether the words each side lacks may be one glued or split word: a different
    number on each side, the fewer all rare tokens."""
    if not only_a or not only_b or len(only_a) == len(only_b):
        return False
    fewer = only_a if len(only_a) < len(only_b) else only_b
    return vocab is None or all(vocab.count(t) <= RARE for t in fewer)


def _year_gap(year_a: int | None, year_b: int | None) -> bool:
    return year_a is not None and year_b is not None and abs(year_a - year_b) >= 2


def _confirmed(
    years: tuple[int | None, int | None],
    venues: tuple[str | None, str | None],
    shared_code: Callable[[], bool] | None,
) -> bool:
    """No disagreement on the year or the published venue where both are known, and a
    confirmation: the same published venue, or a code repository both papers link."""
    if None not in years and years[0] != years[1]:
        return False
    if None not in venues and venues[0] != venues[1]:
        return False
    return (venues[0] is not None and venues[0] == venues[1]) or bool(shared_code and shared_code())


def _glued(
    a: str, b: str, glued_a: Sequence[str], glued_b: Sequence[str], confirmed: Callable[[], bool]
) -> tuple[float, list[str]] | None:
    """One title is the other with a nickname glued in front: only as strong as the year,
    the venue and the code confirm it (a later work may be named "NickNet: <an earlier
    title>", and at a million titles short ones recur under other nicknames)."""
    for rests, other in ((glued_a, b), (glued_b, a)):
        key = other.replace(" ", "")
        if any(rest.replace(" ", "") == key for rest in rests) and not _is_short(other):
            if confirmed():
                return GLUED_SCORE, ["nickname glued to the title, year and venue or code agree"]
            return GLUED_APART_SCORE, ["nickname glued to the title, not confirmed"]
    return None


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
    glued_a: Sequence[str] = (),
    glued_b: Sequence[str] = (),
    venue_a: str | None = None,
    venue_b: str | None = None,
    shared_code: Callable[[], bool] | None = None,
    vocab: Vocabulary | None = None,
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
    elif (glued_a or glued_b) and (
        glued := _glued(
            a,
            b,
            glued_a,
            glued_b,
            lambda: _confirmed((year_a, year_b), (venue_a, venue_b), shared_code),
        )
    ) is not None:
        return glued
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
        if (surplus := _surplus_cost(a, b, vocab)) > score - floor:
            reasons.append("words without counterpart")
            return score - surplus, reasons
        score -= _word_penalty(a, b, reasons, vocab, score - floor)
    if _year_gap(year_a, year_b):
        score -= YEAR_GAP_PENALTY
        reasons.append(f"years {year_a} and {year_b}")
    return max(round(score, 1), 0.0), reasons
