"""Trailing author names after a plain title: ``Title First Last, First Last, ...``.

Lists copied from OpenReview or written by hand put the authors right after a title with
no separator; this tells the title's last words from the first author's name.
"""

from __future__ import annotations

import re

# Lower-case words inside names ("Aaron van den Oord"); the author recognizers share them.
PARTICLES = frozenset(
    [
        "da",
        "de",
        "del",
        "della",
        "der",
        "den",
        "di",
        "do",
        "dos",
        "du",
        "la",
        "le",
        "van",
        "von",
        "bin",
        "al",
        "el",
        "ter",
        "y",
        "zu",
    ]
)
# Capitalised words that start or join title phrases, never a person's name.
_TITLE_FUNCTION_WORDS = {
    "a",
    "an",
    "and",
    "or",
    "the",
    "of",
    "in",
    "on",
    "for",
    "with",
    "to",
    "no",
    "not",
    "via",
    "by",
    "from",
    "at",
    "is",
    "are",
    "as",
    "into",
    "towards",
    "toward",
    "without",
    "using",
    "under",
    "over",
    "beyond",
    "do",
    "does",
    "can",
    "we",
    "you",
    "your",
    "all",
    "how",
    "what",
    "why",
    "when",
    "where",
    "which",
    "who",
    "its",
    "it",
    "be",
    "more",
    "less",
    "than",
    "through",
}
# Endings of English title words ("Convolutions", "Learning", "Efficiently"), rare in first names.
_TITLE_WORD_END_RE = re.compile(
    r"(?:s|ing|ion|ions|ed|ly|ity|al|ive|ic|ics|ous|ment|ness|ence|ance|ure|ise|ize|"
    r"ism|ist|ory|ary|ery|er|or|rt|ble|ful|less|work|ime|ck|nt|rk|ge)$"
)
_NAME_TOKEN_RE = re.compile(r"^(?:[A-Z\u00C0-\u024F][\w'’.\-]*|[A-Z]\.?)$")


def _is_name_token(token: str, *, strict: bool = False) -> bool:
    if strict and token.casefold() in _TITLE_FUNCTION_WORDS and len(token) > 1:
        return False
    return bool(_NAME_TOKEN_RE.match(token)) or token in PARTICLES


def is_person_name(text: str) -> bool:
    """Whether a comma-separated chunk reads as one person's name.

    >>> is_person_name("Luisa M Zintgraf"), is_person_name("Joost van Amersfoort")
    (True, True)
    >>> is_person_name("and Better Transferability"), is_person_name("Any-Sparsity")
    (False, False)
    >>> is_person_name("And No Retraining Lu Miao"), is_person_name("Can Qin")
    (False, True)
    """
    tokens = text.split()
    if not 2 <= len(tokens) <= 4:
        return False
    if tokens[0] in PARTICLES or tokens[-1] in PARTICLES:
        return False
    strict = len(tokens) > 2
    return all(
        _is_name_token(t, strict=strict) or (i and tokens[i - 1] in PARTICLES)
        for i, t in enumerate(tokens)
    )


def _sentence_case(tokens: list[str]) -> bool:
    """Most words after the first start lowercase ("Differentiable particle filtering ...")."""
    words = [t for t in tokens[1:] if t[:1].isalpha()]
    return bool(words) and sum(w[0].islower() for w in words) >= 0.6 * len(words)


def _could_be_first_name(token: str, title: list[str], title_words: frozenset[str]) -> bool:
    """Whether the word before a two-word name is the first of a three-word name."""
    return (
        bool(_NAME_TOKEN_RE.match(token))
        and _is_name_token(token, strict=True)
        and token.casefold() not in title_words
        and not token.isupper()
        and "-" not in token
        # In a sentence-case title a capitalised last word stands out as a name.
        and (not _TITLE_WORD_END_RE.search(token.casefold()) or _sentence_case(title))
    )


def split_title_authors(
    text: str, *, title_words: frozenset[str] = frozenset(), require_authors: bool = False
) -> tuple[str, tuple[str, ...] | None]:
    """Split ``Title First Author, Second Author, ...`` into (title, authors).

    Without ``require_authors`` (no OpenReview tail vouches for an author list) at
    least two trailing names are needed. The first author's name is cut from the
    end of the title chunk: two tokens, plus a middle initial or particle, plus
    one more capitalised word when it reads as a first name (not a word seen in
    the list's titles, not an English word ending such as -tions or -ing).

    >>> split_title_authors("Dual Lottery Ticket Hypothesis Yue Bai, Huan Wang, ZHIQIANG TAO")
    ('Dual Lottery Ticket Hypothesis', ('Yue Bai', 'Huan Wang', 'ZHIQIANG TAO'))
    >>> split_title_authors("Prototypical Contrastive Predictive Coding Kyungmin Lee", require_authors=True)
    ('Prototypical Contrastive Predictive Coding', ('Kyungmin Lee',))
    >>> split_title_authors("Spurious Correlations Aahlad Manas Puli, Lily H Zhang, Eric Karl Oermann")
    ('Spurious Correlations', ('Aahlad Manas Puli', 'Lily H Zhang', 'Eric Karl Oermann'))
    >>> split_title_authors("Faster Convergence, Higher Data-efficiency, and Better Transferability")
    ('Faster Convergence, Higher Data-efficiency, and Better Transferability', None)
    """
    chunks = [c.strip() for c in text.split(",")]
    names: list[str] = []
    while len(chunks) > 1 and is_person_name(chunks[-1]):
        names.insert(0, chunks.pop())
    while len(names) >= (0 if require_authors else 2):
        tokens = ", ".join(chunks).split()
        first = _first_author(tokens, title_words)
        if first:
            title = " ".join(tokens[: -len(first)]).rstrip(" ,")
            return title, (" ".join(first), *names)
        if not names:
            break
        # "Keep, Hide, Invert Nils Koster": the title's last chunk looked like a name.
        chunks.append(names.pop(0))
    return text, None


def _first_author(tokens: list[str], title_words: frozenset[str]) -> list[str] | None:
    """The first author's tokens at the end of ``Title First Author``, or None."""
    if len(tokens) < 3:
        return None
    take = 2
    while len(tokens) - take >= 2:
        prev, after = tokens[-take - 1], tokens[-take]
        particle_or_initial = prev in PARTICLES or re.fullmatch(r"[A-Z]\.?", after)
        if particle_or_initial or (
            take == 2 and _could_be_first_name(prev, tokens[: -take - 1], title_words)
        ):
            take += 1
        else:
            break
    first = tokens[-take:]
    return first if all(_is_name_token(t) for t in first) else None
