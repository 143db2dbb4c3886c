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

_STOP = {"a", "an", "the", "on", "of", "for", "in", "to", "and", "with", "via", "towards"}


def _ascii_word(text: str) -> str:
    """``Zoë`` -> ``zoe``, ``中文`` -> ``zhongwen``: letters and digits only."""
    from anyascii import anyascii

    return re.sub(r"[^a-z0-9]", "", anyascii(text).lower())


def base_key(title: str, year: int | None, authors: Sequence[str]) -> str:
    """The key before clash suffixes.

    >>> base_key("The Lottery Ticket Hypothesis", 2019, ["Jonathan Frankle"])
    'frankle2019lottery'
    >>> base_key("中文标题", 2020, []), base_key("", None, ["Zoë Ünal"])
    ('zhongwenbiaoti2020', 'unalpaper')
    """
    words = [w for w in (_ascii_word(w) for w in title.split()) if w]
    first = next((w for w in words if w not in _STOP), words[0] if words else "paper")
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
