"""BibTeX export: one entry per paper with a unique, stable key.

Entry type by venue kind: ``@inproceedings`` for conferences and workshops,
``@article`` for journals, ``@misc`` for preprints and unknown venues. Values are
escaped for LaTeX (``& % $ # _ { } ~ ^ \\``), so every value has balanced braces; the
title is double-braced to keep its capitalisation. Keys are ``<first author's last
name><year><first title word>`` (``<first title word><year>`` without authors), ASCII, lower case; a clash gets
``b``, ``c``, ... in paper-id order, so keys only change when the papers do.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any

_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_SPECIAL_RE = re.compile(r"[\\{}&%$#_~^]")
_STOP = {"a", "an", "the", "on", "of", "for", "in", "to", "and", "with", "via", "towards"}


def escape(text: str) -> str:
    r"""LaTeX-escape a value.

    >>> escape("R&D: 50% of {x}_1 ~ $5")
    'R\\&D: 50\\% of \\{x\\}\\_1 \\textasciitilde{} \\$5'
    """
    return _SPECIAL_RE.sub(lambda m: _SPECIAL[m.group(0)], text)


def _ascii_word(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", plain.lower())


def base_key(paper: dict[str, Any]) -> str:
    """The key before clash suffixes.

    >>> base_key({"title": "The Lottery Ticket Hypothesis", "year": 2019, "authors": ["Jonathan Frankle"]})
    'frankle2019lottery'
    """
    words = [_ascii_word(w) for w in paper["title"].split()]
    words = [w for w in words if w]
    first = next((w for w in words if w not in _STOP), words[0] if words else "paper")
    authors = paper.get("authors") or []
    last = _ascii_word(authors[0].split()[-1]) if authors and authors[0].split() else ""
    year = str(paper["year"]) if paper.get("year") else ""
    return f"{last}{year}{first}" if last else f"{first}{year}"


def entry_type(kind: str | None) -> str:
    return {"conference": "inproceedings", "workshop": "inproceedings", "journal": "article"}.get(
        kind or "", "misc"
    )


def render(papers: Iterable[dict[str, Any]]) -> str:
    """The .bib text; empty when there are no papers."""
    papers = sorted(papers, key=lambda p: p["id"])  # keys are assigned in id order
    used: set[str] = set()
    chunks: list[str] = []
    for paper in papers:
        key = base_key(paper)
        suffix = 0
        while key + (chr(ord("a") + suffix) if suffix else "") in used:
            suffix += 1
            if suffix > 25:
                key, suffix = f"{key}x{paper['id']}", 0
        key += chr(ord("a") + suffix) if suffix else ""
        used.add(key)
        kind = entry_type(paper.get("venue_kind"))
        fields: list[tuple[str, str]] = [("title", "{" + escape(paper["title"]) + "}")]
        if paper.get("authors"):
            fields.append(("author", " and ".join(escape(a) for a in paper["authors"])))
        if paper.get("venue"):
            place = {"inproceedings": "booktitle", "article": "journal"}.get(kind)
            fields.append((place or "howpublished", escape(paper["venue"])))
        if paper.get("year"):
            fields.append(("year", str(paper["year"])))
        if paper.get("arxiv_id"):
            fields += [("eprint", escape(paper["arxiv_id"])), ("archiveprefix", "arXiv")]
        if paper.get("paper_url"):
            fields.append(("url", escape(paper["paper_url"])))
        notes = []
        if paper.get("presentation"):
            notes.append(paper["presentation"])
        notes += [repo["url"] for repo in paper.get("code", [])]
        if notes:
            fields.append(("note", escape("; ".join(notes))))
        body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
        chunks.append(f"@{kind}{{{key},\n{body}\n}}\n")
    return "\n".join(chunks)
