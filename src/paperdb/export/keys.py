"""Citation keys that name the same paper in every export of one database.

The rule (README, "Citation keys"): ``<first author's last name><year><first title word>``,
or ``<first title word><year>`` for a paper without authors, transliterated to ASCII
(anyascii) and lower-cased, small words such as "the" or "on" skipped. When several
papers *of the whole database* share that key, the one with the lowest id keeps it and
the others get ``-2``, ``-3``, ... in id order. A filter therefore never changes a key:
it is derived from every paper with the same year, not from the exported ones.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any

_NOT_ALNUM_RE = re.compile(r"[^a-z0-9]")
_STOP = {"a", "an", "the", "on", "of", "for", "in", "to", "and", "with", "via", "towards"}


def _ascii_word(text: str) -> str:
    """``Zoë`` -> ``zoe``, ``中文`` -> ``zhongwen``: letters and digits only."""
    if not text.isascii():  # most words are: skip the transliteration table
        from anyascii import anyascii

        text = anyascii(text)
    return _NOT_ALNUM_RE.sub("", text.lower())


def base_key(title: str, year: int | None, authors: Sequence[str]) -> str:
    """The key before clash suffixes.

    >>> base_key("The Lottery Ticket Hypothesis", 2019, ["Jonathan Frankle"])
    'frankle2019lottery'
    >>> base_key("中文标题", 2020, []), base_key("", None, ["Zoë Ünal"]), base_key("On", 2020, [])
    ('zhongwenbiaoti2020', 'unalpaper', 'on2020')
    """
    words = (w for w in map(_ascii_word, title.split()) if w)  # lazily: the first few suffice
    first = stopped = None
    for word in words:
        if word not in _STOP:
            first = word
            break
        stopped = stopped or word
    first = first or stopped or "paper"
    names = authors[0].split() if authors else []
    last = _ascii_word(names[-1]) if names else ""
    year_text = str(year) if year else ""
    return f"{last}{year_text}{first}" if last else f"{first}{year_text}"


def cite_keys(conn: sqlite3.Connection, papers: Iterable[dict[str, Any]]) -> dict[int, str]:
    """``{paper id: key}`` for these papers (contract dicts), by the rule above.

    Clashes are looked for among every paper of the database with one of these papers'
    years (a key holds its year, so no paper of another year can clash).
    """
    papers = list(papers)
    wanted = {p["id"]: base_key(p["title"], p["year"], p["authors"]) for p in papers}
    holders: dict[str, list[int]] = {key: [] for key in wanted.values()}
    for year in {p["year"] for p in papers}:
        where, args = ("year IS NULL", ()) if year is None else ("year = ?", (year,))
        for pid, title, authors in conn.execute(
            f"SELECT id, title, authors FROM papers WHERE {where} ORDER BY id", args
        ):
            key = base_key(title, year, authors.split("; ") if authors else [])
            if key in holders:
                holders[key].append(pid)
    keys = {}
    for pid, key in wanted.items():
        rank = holders[key].index(pid)
        keys[pid] = key if rank == 0 else f"{key}-{rank + 1}"
    return keys
