"""CSL-JSON export: the citation data pandoc ``--citeproc``, Zotero and citeproc-py read.

One item per paper with the same ``id`` as the BibTeX key (:mod:`paperdb.export.keys`).
Types: ``paper-conference`` for conferences and workshops, ``article-journal`` for
journals, ``article`` (CSL's preprint) otherwise. Names are split into ``family`` /
``given`` (and a ``non-dropping-particle`` such as "van") by pybtex's BibTeX name rules;
a single-word name is a ``literal``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

_TYPES = {"conference": "paper-conference", "workshop": "paper-conference",
          "journal": "article-journal"}  # fmt: skip


def csl_name(name: str) -> dict[str, str]:
    """One author as a CSL name.

    >>> csl_name("Jonathan Frankle"), csl_name("Ludwig van Beethoven"), csl_name("Kaiming")
    ({'family': 'Frankle', 'given': 'Jonathan'}, {'family': 'Beethoven', 'given': 'Ludwig', 'non-dropping-particle': 'van'}, {'literal': 'Kaiming'})
    """
    from pybtex.database import Person

    person = Person(name)
    family = " ".join(person.last_names)
    given = " ".join([*person.first_names, *person.middle_names])
    if not family or not given:
        return {"literal": name}
    out = {"family": family, "given": given}
    if person.prelast_names:
        out["non-dropping-particle"] = " ".join(person.prelast_names)
    if person.lineage_names:
        out["suffix"] = " ".join(person.lineage_names)
    return out


def item(paper: dict[str, Any], key: str) -> dict[str, Any]:
    """One CSL-JSON item for a contract paper."""
    out: dict[str, Any] = {
        "id": key,
        "citation-key": key,
        "type": _TYPES.get(paper.get("venue_kind") or "", "article"),
        "title": paper["title"],
    }
    if paper.get("authors"):
        out["author"] = [csl_name(name) for name in paper["authors"]]
    if paper.get("year"):
        out["issued"] = {"date-parts": [[paper["year"]]]}
    if paper.get("venue"):
        out["container-title"] = paper["venue"]
    if paper.get("paper_url"):
        out["URL"] = paper["paper_url"]
    if paper.get("arxiv_id"):
        out["archive"] = "arXiv"
        out["archive_location"] = paper["arxiv_id"]
    notes = [paper["presentation"]] if paper.get("presentation") else []
    notes += [f"code: {repo['url']}" for repo in paper.get("code", [])]
    if notes:
        out["note"] = "; ".join(notes)
    return out


def render(papers: Iterable[dict[str, Any]], keys: Mapping[int, str]) -> str:
    """The CSL-JSON array text (``[]`` when empty), items in the order given."""
    items = [item(p, keys[p["id"]]) for p in papers]
    return json.dumps(items, indent=2, ensure_ascii=False) + "\n"
