"""Author runs: the name-shaped lists entries give after (or before) a title.

``Zheng Wang and Michael O'Boyle``, ``Bengio, Yoshua, Ian J. Goodfellow, and Aaron
Courville``, ``Jieyu Lin, Jiajie Zou, Nai Ding et al.``, ``Le, Quoc V.; Mikolov, Tomas``.
A run is read from the left until a part is not a name; what follows (a venue, a year)
is returned to the caller. Affiliations in parentheses are never authors.
"""

from __future__ import annotations

import re
from functools import lru_cache

from paperdb import normalize as nz
from paperdb.importers.names import PARTICLES

_ET_AL_RE = re.compile(r",?\s*(?:et\s*al\.?|and others|等)\s*$", re.I)
_AND_RE = re.compile(r"\s+(?:and|&)\s+|\s*;\s*", re.I)
_NAME_WORD_RE = re.compile(
    r"^(?:[A-Z\u00C0-\u024F][\w'’\-]*\.?|[A-Z]\.(?:-?[A-Z]\.)*|[A-Z]{2,}[\w\-]*)$"
)
_PART_RE = re.compile(r",\s*(?:and\s+|&\s*)?|\s+(?:and|&)\s+|\s*;\s*")
_CJK_NAME_RE = re.compile(r"^[\u4e00-\u9fff]{2,4}$")
# Capitalised words that mark a venue, an organisation or a title, never a person.
_NOT_NAME_WORDS = frozenset(
    w.casefold()
    for w in [
        "University",
        "Institute",
        "Lab",
        "Labs",
        "Laboratory",
        "Research",
        "Inc",
        "Corp",
        "Ltd",
        "Team",
        "Group",
        "Academy",
        "Proceedings",
        "Conference",
        "Journal",
        "Transactions",
        "Workshop",
        "Symposium",
        "Advances",
        "Press",
        "Review",
        "Letters",
        "Systems",
        "Networks",
        "Learning",
        "Neural",
        "Vision",
        "Computer",
        "Machine",
        "Intelligence",
        "Association",
        "Society",
        "International",
        "IEEE",
        "ACM",
        "The",
        "A",
        "An",
        "In",
        "On",
        "Of",
        "For",
        "With",
        "Via",
        "Towards",
        "Deep",
        "Language",
        "Model",
        "Models",
        "Survey",
        "Benchmark",
        "Dataset",
        "Paper",
        "Arxiv",
        "Preprint",
        "Technical",
        "Report",
        "Blog",
        "Github",
        "Code",
        "Project",
        "Page",
        "Oral",
        "Spotlight",
        "Poster",
        "Highlight",
        "Findings",
        "Demo",
    ]
)


def is_name(part: str) -> bool:
    """Whether one comma/``and``-separated part reads as a person's name.

    >>> is_name("Ian J. Goodfellow"), is_name("Aaron van den Oord"), is_name("ZHIQIANG TAO"), is_name("张三")
    (True, True, True, True)
    >>> is_name("Proceedings of the IEEE"), is_name("MLSys 2020"), is_name("Chinese Academy of Sciences")
    (False, False, False)
    """
    part = part.strip()
    if _CJK_NAME_RE.match(part):
        return True
    words = part.split()
    if not 1 <= len(words) <= 5 or any(ch.isdigit() for ch in part):
        return False
    if words[0] in PARTICLES or (words[-1] in PARTICLES and len(words) < 3):
        return False
    if words[0] == "A" and len(words) > 2:
        return False  # "A Statistical Perspective": an article, not an initial
    for word in words:
        if word in PARTICLES:
            continue
        bare = word.casefold().strip(".")
        if (len(bare) > 1 and bare in _NOT_NAME_WORDS) or not _NAME_WORD_RE.match(word):
            return False
    return True


@lru_cache(maxsize=8192)  # segments repeat ("ICML 2022"); a run is read twice
def split_author_run(text: str) -> tuple[tuple[str, ...], str]:
    """(authors, the rest) of text that starts with a list of names; ((), text) otherwise.

    >>> split_author_run("Zheng Wang and Michael O'Boyle, Proceedings of the IEEE, 2018")
    (('Zheng Wang', "Michael O'Boyle"), 'Proceedings of the IEEE, 2018')
    >>> split_author_run("Bengio, Yoshua, Ian J. Goodfellow, and Aaron Courville")
    (('Bengio, Yoshua', 'Ian J. Goodfellow', 'Aaron Courville'), '')
    >>> split_author_run("Oord, Aaron van den, et al")
    (('Oord, Aaron van den',), '')
    >>> split_author_run("Le, Quoc V.; Mikolov, Tomas")
    (('Le, Quoc V.', 'Mikolov, Tomas'), '')
    >>> split_author_run("Jieyu Lin, Jiajie Zou, Nai Ding et al. ACL 2021")
    (('Jieyu Lin', 'Jiajie Zou', 'Nai Ding'), 'ACL 2021')
    >>> split_author_run("Deep learning for anomaly detection")
    ((), 'Deep learning for anomaly detection')
    """
    body = _drop_period(text.strip())
    et_al = re.search(r"\s*,?\s*\bet\s*al\b\.?\s*", body, re.I)
    rest_after = ""
    if et_al:
        body, rest_after = body[: et_al.start()], body[et_al.end() :].strip(" ,.")
    chunks = [c.strip() for c in _AND_RE.split(body)]
    if len(chunks) > 1 and all(_surname_first(c) for c in chunks if c):
        return tuple(c for c in chunks if c), rest_after
    parts = [p.strip() for p in _PART_RE.split(body)]
    taken, used = _leading_names(_pair_surnames(parts))
    if not taken or (len(taken) == 1 and len(taken[0].split()) < 2 and not et_al):
        return (), text.strip()
    rest = ", ".join(p for p in parts[used:] if p)
    rest = ", ".join(x for x in (rest, rest_after) if x)
    return tuple(taken), rest


def _leading_names(pairs: list[tuple[str, int]]) -> tuple[list[str], int]:
    """The names at the start of a run, and how many parts they used."""
    taken: list[str] = []
    used = 0
    for name, count in pairs:
        if name and not is_name(name.replace(",", " ")):
            break
        if name:
            taken.append(name)
        used += count
    return taken, used


def _surname_first(chunk: str) -> bool:
    """``Le, Quoc V.``: one surname, a comma, given names."""
    if chunk.count(",") != 1:
        return False
    last, given = (p.strip() for p in chunk.split(","))
    return is_name(last) and len(last.split()) == 1 and is_name(given)


def _pair_surnames(parts: list[str]) -> list[tuple[str, int]]:
    """Join ``Surname, Given`` pairs; (name, parts used).

    Every pair when the parts alternate surname and given names (``Dai, J., He, K.``),
    else only a leading one (``Bengio, Yoshua, Ian J. Goodfellow``).
    """
    out: list[tuple[str, int]] = []
    pairs = [p for p in parts if p]
    if (
        len(pairs) >= 4
        and len(pairs) % 2 == 0
        and all(
            len(pairs[i].split()) == 1 and is_name(pairs[i]) and _given(pairs[i + 1])
            for i in range(0, len(pairs), 2)
        )
    ):
        return [(f"{pairs[i]}, {pairs[i + 1]}", 2) for i in range(0, len(pairs), 2)]
    if (
        len(parts) >= 2
        and len(parts[0].split()) == 1
        and is_name(parts[0])
        and is_name(parts[1])
        and (_given(parts[1]) or parts[1].split()[-1] in PARTICLES)
    ):
        out.append((f"{parts[0]}, {parts[1]}", 2))
        parts = parts[2:]
    out.extend((p, 1) for p in parts)
    return out


def _given(part: str) -> bool:
    """Given names after a surname: ``K.``, ``Abhinav``, ``Alexei A.``, ``Daniel L.``."""
    words = part.split()
    return (
        1 <= len(words) <= 3
        and is_name(part)
        and (len(words) == 1 or len(words[-1].strip(".")) == 1)
    )


def clean_run(text: str) -> str:
    """An author run without emphasis, a closing period or ``et al.``."""
    return _ET_AL_RE.sub("", _drop_period(nz.clean_text(text).strip())).strip()


def _drop_period(text: str) -> str:
    """The closing period of a run, kept after an initial (``Alexei A.``).

    >>> _drop_period("Jiajie Zou."), _drop_period("Efros, Alexei A.")
    ('Jiajie Zou', 'Efros, Alexei A.')
    """
    if text.endswith(".") and not re.search(r"(?:^|[\s,])[A-Z]\.$", text):
        return text[:-1].rstrip()
    return text


def split_names(run: str) -> tuple[str, ...]:
    """The names of a field that holds only authors (an Authors column or label).

    The field vouches for them, so a name the shape test would doubt stays a name.

    >>> split_names("Yaxing Wang, Joost van de weijer, Lu Yu, SHANGLING JUI")
    ('Yaxing Wang', 'Joost van de weijer', 'Lu Yu', 'SHANGLING JUI')
    >>> split_names("Doersch, Carl and Gupta, Abhinav")
    ('Doersch, Carl', 'Gupta, Abhinav')
    """
    names, rest = split_author_run(run)
    if names and not rest:
        return names
    return tuple(p.strip() for p in _PART_RE.split(clean_run(run)) if p and p.strip())
