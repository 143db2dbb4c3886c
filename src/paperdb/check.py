"""List-quality findings for curators, each pointing at a file and line.

Kinds of finding (:data:`KINDS`):

* ``year-conflict`` / ``venue-conflict``: mentions of one paper that give different
  years or venues (every mention that gives a value is reported, with the others' values);
* ``duplicate``: the same paper twice in one topic of one list (the second and later
  mentions); a paper filed under two topics of a list is cross-listed, not duplicated;
* ``broken-link``: a link whose target is not a URL (often the title again), is empty,
  or is not a web address (``javascript:``, ``data:``, a relative path: :mod:`paperdb.links`);
* ``missing-field``: a mention without a venue or a year;
* ``unreadable``: a line the importer could not read as an entry.

"The same paper" is the database's current conclusion, so findings follow merges made
with ``paperdb dedupe``.
"""

from __future__ import annotations

import re
import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Any

from paperdb.errors import QueryError
from paperdb.links import not_a_link, web_url

KINDS = (
    "year-conflict",
    "venue-conflict",
    "duplicate",
    "broken-link",
    "missing-field",
    "unreadable",
)
COLUMNS = ("file", "line", "kind", "paper_id", "message")

_EMPTY_LINK_RE = re.compile(r"\]\(\s*\)")


def _finding(file: str, line: int, kind: str, paper_id: int | None, message: str) -> dict[str, Any]:
    return {"file": file, "line": line, "kind": kind, "paper_id": paper_id, "message": message}


def _conflicts(mentions: list[dict[str, Any]], field: str) -> Iterable[dict[str, Any]]:
    given = [m for m in mentions if m[field] is not None]
    if len({m[field] for m in given}) < 2:
        return
    for m in given:
        others = "; ".join(
            f"{o[field]} at {o['file']}:{o['line']}" for o in given if o[field] != m[field]
        )
        yield _finding(
            m["file"],
            m["line"],
            f"{field}-conflict",
            m["paper_id"],
            f"{field} {m[field]} here, but {others}",
        )


def _mention_findings(m: dict[str, Any], wanted: set[str]) -> Iterator[dict[str, Any]]:
    """A mention's own problems: a broken or empty link, a missing venue or year."""
    if "broken-link" in wanted:
        if m["broken_link"]:
            yield _finding(
                m["file"], m["line"], "broken-link", m["paper_id"], "link target is not a URL"
            )
        elif m["paper_url"] is not None and web_url(m["paper_url"]) is None:
            yield _finding(
                m["file"], m["line"], "broken-link", m["paper_id"], not_a_link(m["paper_url"])
            )
        elif _EMPTY_LINK_RE.search(m["raw"]):
            yield _finding(m["file"], m["line"], "broken-link", m["paper_id"], "empty link")
    if "missing-field" in wanted and (m["venue"] is None or m["year"] is None):
        missing = " or ".join(name for name in ("venue", "year") if m[name] is None)
        yield _finding(m["file"], m["line"], "missing-field", m["paper_id"], f"no {missing}")


def _code_link_findings(conn: sqlite3.Connection) -> Iterator[dict[str, Any]]:
    """Code links that are not web addresses (a ``javascript:`` "code" link), per mention."""
    for paper_id, file, line, url in conn.execute(
        "SELECT e.paper_id, s.name, e.line, r.url FROM entry_code ec"
        " JOIN entries e ON e.id = ec.entry_id JOIN sources s ON s.id = e.source_id"
        " JOIN code_repos r ON r.id = ec.repo_id"
    ):
        if web_url(url) is None:
            yield _finding(file, line, "broken-link", paper_id, f"code {not_a_link(url)}")


def _duplicates(mentions: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Mentions of one paper twice in one list under the same topic (cross-listing a
    paper under two topics is not a duplicate)."""
    first: dict[tuple[int, str | None], dict[str, Any]] = {}
    for m in mentions:
        earlier = first.setdefault((m["source_id"], m["topic"]), m)
        if earlier is not m:
            yield _finding(
                m["file"],
                m["line"],
                "duplicate",
                m["paper_id"],
                f"same paper as line {earlier['line']} of this list",
            )


def _paper_findings(mentions: list[dict[str, Any]], wanted: set[str]) -> Iterator[dict[str, Any]]:
    """Problems between the mentions of one paper: conflicts and duplicates."""
    if len(mentions) < 2:
        return
    for field in ("year", "venue"):
        if f"{field}-conflict" in wanted:
            yield from _conflicts(mentions, field)
    if "duplicate" in wanted:
        yield from _duplicates(mentions)


def check(conn: sqlite3.Connection, kinds: Iterable[str] | None = None) -> list[dict[str, Any]]:
    """All findings, ordered by file, line and kind; ``kinds`` limits which are looked for.

    Raises:
        QueryError: an unknown kind.
    """
    wanted = set(kinds or KINDS)
    unknown = wanted - set(KINDS)
    if unknown:
        raise QueryError(f"unknown check {sorted(unknown)[0]!r}; choose from: {', '.join(KINDS)}")
    findings: list[dict[str, Any]] = []
    cursor = conn.execute(
        "SELECT e.paper_id, s.name AS file, e.source_id, e.line, e.year, e.venue, e.topic, e.raw,"
        " e.broken_link, e.paper_url FROM entries e JOIN sources s ON s.id = e.source_id"
        " ORDER BY e.paper_id, s.name, e.line"
    )
    columns = [d[0] for d in cursor.description]
    by_paper: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for values in cursor:
        m = dict(zip(columns, values, strict=True))
        by_paper[m["paper_id"]].append(m)
        findings.extend(_mention_findings(m, wanted))
    for mentions in by_paper.values():
        findings.extend(_paper_findings(mentions, wanted))
    if "broken-link" in wanted:
        findings.extend(_code_link_findings(conn))
    if "unreadable" in wanted:
        for file, line, reason in conn.execute(
            "SELECT s.name, w.line, w.reason FROM import_warnings w"
            " JOIN sources s ON s.id = w.source_id"
        ):
            findings.append(_finding(file, line, "unreadable", None, reason))
    order = {kind: i for i, kind in enumerate(KINDS)}
    findings.sort(key=lambda f: (f["file"], f["line"], order[f["kind"]]))
    return findings
