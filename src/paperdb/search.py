"""Ranked full-text search over titles, nicknames, authors and venues.

How a query becomes an FTS5 MATCH (without ``raw``):

* The query is split on whitespace; each word is split into the same tokens the index
  uses (unicode61: letters and digits), and each token is double-quoted, so ``"``,
  ``AND``, ``NEAR(``, ``*``, ``c++`` and ``a:b`` are just text. Words are ANDed; a word
  of several tokens (``a:b``) is a phrase.
* A single-token word also matches its plural/singular forms that exist in the
  vocabulary (``ticket`` finds "tickets"); nothing else is stemmed.
* A word that is not in the vocabulary is corrected: candidates are vocabulary terms with
  the same first letter (an indexed range scan of ``papers_vocab``), else words of titles
  found through the trigram index; rapidfuzz picks the closest (ties: the commoner term).
  Corrections come back in :attr:`SearchResult.corrections` for the CLI to report.
* A word with CJK characters is matched as a substring of the title (trigram index for
  three or more characters, the ``papers_cjk`` index of single and adjacent CJK
  characters for shorter ones) or of a tag name.

Ranking is bm25 with the title weighted 10, nickname 5, authors 2, venue 1. The best
``RERANK`` hits are then nudged by two signals a researcher expects: the title *starts*
with the query (after a leading article), and more lists mention the paper.

bm25 costs ~1-2 us a paper and a common word matches a tenth of a large database, so
only the first :data:`CANDIDATES` matches that pass the filters are scored, from
``papers_rank`` (migration 0008), whose rowids put shorter papers (bm25's best) first.
"""

from __future__ import annotations

import math
import re
import sqlite3
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from paperdb.errors import QueryError
from paperdb.filters import Filters, Where, build_where, like_escape, order_by
from paperdb.rows import summaries

WEIGHTS = (10.0, 5.0, 2.0, 1.0)  # title, nickname, authors, venue
RERANK = 50
CANDIDATES = 1000  # matches scored by bm25, shortest papers first (see the module notes)
# Filters that fewer than one paper in FEW_SHARE passes are applied as a set of ids;
# otherwise the first CANDIDATES matches that pass come soon enough to check one by one.
FEW_SHARE = 40
_ID = "r.rowid & 4294967295"  # a paper's id from its papers_rank rowid (migration 0008)
# Page cache for a search, KiB (default 2 MiB): a filtered search at 1M papers checks
# ~35k matches in a 30 MiB index and re-read its pages from the OS (52 -> 20 ms).
CACHE_KIB = 64 * 1024
MIN_CORRECT_LEN = 4  # shorter unknown words are left alone: too many near neighbours
CUTOFF = 75.0  # rapidfuzz ratio a correction must reach
SURE = 88.0  # a same-first-letter match this good skips the trigram fallback
TRIGRAM_CANDIDATES = 2000  # titles the trigram fallback ranks
_TOKEN_RE = re.compile(r"[^\W_]+")
_CJK_RE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_ARTICLES = {"the", "a", "an"}


@dataclass(slots=True)
class SearchResult:
    """Rows (see :func:`paperdb.rows.summaries`, plus ``score``) and what was corrected."""

    rows: list[dict[str, Any]]
    corrections: list[tuple[str, str]] = field(default_factory=list)  # (typed, searched)
    notes: list[str] = field(default_factory=list)  # what was left out of a long query


def tokens(text: str) -> list[str]:
    """The index's tokens of ``text``: lower case, diacritics removed.

    >>> tokens("Café c++ a:b \\"NEAR(x*")
    ['cafe', 'c', 'a', 'b', 'near', 'x']
    """
    if text.isascii():  # most titles: nothing to decompose
        return _TOKEN_RE.findall(text.lower())
    decomposed = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _TOKEN_RE.findall(plain)


def quote(token: str) -> str:
    """An FTS5 string literal."""
    return '"' + token.replace('"', '""') + '"'


def _variants(token: str) -> list[str]:
    """Plural/singular spellings of an English word to look up in the vocabulary.

    >>> _variants("ticket"), _variants("classes"), _variants("match"), _variants("nlp")
    (['ticket', 'tickets'], ['classes', 'classe', 'class'], ['match', 'matchs', 'matches'], ['nlp'])
    """
    if token.isdigit() or len(token) < 4:
        return [token]
    out = [token]
    if token.endswith("s"):
        out.append(token[:-1])
    else:
        out.append(token + "s")
    if token.endswith("es"):
        out.append(token[:-2])
    elif token.endswith(("x", "ch", "sh")):
        out.append(token + "es")
    return out


def _docs(conn: sqlite3.Connection, term: str, cap: int) -> int:
    """How many papers contain ``term``, counted up to ``cap``.

    A bounded MATCH stops at ``cap`` hits; papers_vocab counts the whole posting list
    (0.6 ms for "of" at 100k papers, ten times that at 1M).
    """
    return int(
        conn.execute(
            "SELECT count(*) FROM (SELECT 1 FROM papers_fts WHERE papers_fts MATCH ? LIMIT ?)",
            (quote(term), cap),
        ).fetchone()[0]
    )


def _closest(word: str, candidates: dict[str, int]) -> tuple[str, float] | None:
    from rapidfuzz import fuzz, process

    best = process.extract(word, list(candidates), scorer=fuzz.ratio, limit=5, score_cutoff=CUTOFF)
    if not best:
        return None
    best.sort(key=lambda hit: (-hit[1], -candidates[hit[0]], hit[0]))
    return str(best[0][0]), float(best[0][1])


def correct(conn: sqlite3.Connection, word: str, *, exclude: str = "") -> str | None:
    """The vocabulary term closest to ``word`` (other than ``exclude``), or None."""
    if len(word) < MIN_CORRECT_LEN or word.isdigit():
        return None
    lo, hi = len(word) - 2, len(word) + 2
    first = word[0]
    candidates = dict(
        conn.execute(
            "SELECT term, doc FROM papers_vocab WHERE term >= ? AND term < ?"
            " AND length(term) BETWEEN ? AND ?",
            (first, chr(ord(first) + 1), lo, hi),
        ).fetchall()
    )
    candidates.pop(exclude, None)
    found = _closest(word, candidates)
    if found is not None and found[1] >= SURE:
        return found[0]
    # The first letter may be the typo: words of the titles that share most trigrams with
    # the word, among the first TRIGRAM_CANDIDATES sharing any (ranking all of them took
    # 0.35 s for "hypothesis" at 1M papers: 228k titles).
    grams = {word[i : i + 3] for i in range(len(word) - 2)}
    match = " OR ".join(quote(g) for g in sorted(grams))
    words: dict[str, int] = {}
    for (title,) in conn.execute(
        "SELECT p.title FROM (SELECT rowid, rank FROM papers_trigram WHERE papers_trigram"
        " MATCH ? LIMIT ?) t JOIN papers p ON p.id = t.rowid ORDER BY t.rank, t.rowid LIMIT 200",
        (match, TRIGRAM_CANDIDATES),
    ):
        for token in tokens(title):
            if lo <= len(token) <= hi and token != exclude:
                words[token] = words.get(token, 0) + 1
    other = _closest(word, words)
    best = max((f for f in (found, other) if f is not None), key=lambda f: f[1], default=None)
    return best[0] if best else None


@dataclass(slots=True)
class _Plan:
    match: list[str] = field(default_factory=list)  # ANDed FTS5 groups
    cjk: list[str] = field(default_factory=list)  # substrings of title or tags
    leading: list[str] = field(default_factory=list)  # searched tokens, for the title boost
    corrections: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


# Bounds on the work one query can ask for: each word costs index lookups and each
# unknown word a fuzzy scan, so 5,000 pasted words would take many seconds. Beyond these
# a note says what was left out; no real query comes near them.
MAX_WORDS = 64
MAX_CORRECTIONS = 8
RARE_DOCS = 5  # a known word this rare may itself be a typo ...
RARE_RATIO = 20  # ... of a neighbour at least this many times commoner


def plan(conn: sqlite3.Connection, query: str, *, rare_as_typo: bool = False) -> _Plan:
    """Turn user text into FTS5 groups, CJK substrings and corrections.

    Unknown words are corrected. With ``rare_as_typo`` (a retry after a query found
    nothing), so is a known word found in at most :data:`RARE_DOCS` papers when a close
    word is :data:`RARE_RATIO` times commoner: large lists contain the typo too.
    """
    result = _Plan()
    words = query.split()
    if len(words) > MAX_WORDS:
        result.notes.append(
            f"the query has {len(words)} words: searched for the first {MAX_WORDS} only"
        )
        words = words[:MAX_WORDS]
    unknown = 0
    for word in words:
        if _CJK_RE.search(word):
            result.cjk.extend(t for t in _TOKEN_RE.findall(word) if t)
            continue
        parts = tokens(word)
        if not parts:
            continue
        searched = []
        for part in parts:
            fixed = part
            docs = _docs(conn, part, RARE_DOCS + 1)
            if not docs or (rare_as_typo and docs <= RARE_DOCS):
                unknown += 1
                if unknown > MAX_CORRECTIONS:
                    searched.append(fixed)
                    continue
                replacement = correct(conn, part, exclude=part)
                if replacement is not None and (
                    not docs or _docs(conn, replacement, docs * RARE_RATIO) >= docs * RARE_RATIO
                ):
                    result.corrections.append((part, replacement))
                    fixed = replacement
            searched.append(fixed)
        result.leading.extend(searched)
        if len(searched) > 1:
            result.match.append(quote(" ".join(searched)))
            continue
        forms = sorted({searched[0], *(f for f in _variants(searched[0]) if _docs(conn, f, 1))})
        group = " OR ".join(quote(f) for f in forms)
        result.match.append(f"({group})" if len(forms) > 1 else group)
    if unknown > MAX_CORRECTIONS:
        result.notes.append(
            f"{unknown} unknown words: corrected the first {MAX_CORRECTIONS},"
            " searched for the others as typed"
        )
    return result


def _title_starts(title: str, words: list[str]) -> bool:
    got = tokens(title)
    if got and got[0] in _ARTICLES and (not words or words[0] not in _ARTICLES):
        got = got[1:]
    return (
        bool(words)
        and len(got) >= len(words)
        and all(g == w or g.rstrip("s") == w.rstrip("s") for g, w in zip(got, words, strict=False))
    )


def search(
    conn: sqlite3.Connection,
    query: str,
    filters: Filters | None = None,
    *,
    raw: bool = False,
    sort: str = "relevance",
    limit: int | None = 20,
) -> SearchResult:
    """Papers matching ``query`` and ``filters``, best first (or in ``sort`` order).

    Raises:
        QueryError: nothing searchable in the query, or (``raw``) an FTS5 syntax error.
    """
    conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
    result = _search(conn, query, filters or Filters(), raw=raw, sort=sort, limit=limit)
    if not result.rows and not raw:
        retry = _search(
            conn, query, filters or Filters(), raw=raw, sort=sort, limit=limit, rare_as_typo=True
        )
        if retry.rows:
            return retry
    return result


def _title_contains(text: str) -> tuple[str, list[Any]]:
    """SQL (over ``papers p``) for "the title contains ``text``", through an index."""
    if len(text) >= 3:
        trigram = "SELECT rowid FROM papers_trigram WHERE papers_trigram MATCH ?"
        return f"p.id IN ({trigram})", [quote(text)]
    hit = "p.id IN (SELECT paper_id FROM papers_cjk WHERE gram = ?)"
    cjk = "".join(_CJK_RE.findall(text))
    if cjk == text:  # one or two CJK characters: exactly what papers_cjk holds
        return hit, [text]
    # A CJK character with a digit or letter ("a量"): papers_cjk finds the candidates.
    return f"({hit} AND p.title LIKE ? ESCAPE '\\')", [cjk[0], f"%{like_escape(text)}%"]


def _add_cjk(where: Where, texts: list[str]) -> None:
    """CJK runs (no word breaks for FTS5): a title that contains the run, or a tag that
    does (tags are few: their names are scanned, then their entries looked up)."""
    for text in texts:
        title_hit, title_params = _title_contains(text)
        where.add(
            f"({title_hit} OR p.id IN (SELECT e.paper_id FROM tags t CROSS JOIN entry_tags et"
            " ON et.tag_id = t.id CROSS JOIN entries e ON e.id = et.entry_id WHERE t.name LIKE ?"
            " ESCAPE '\\'))",
            *title_params,
            f"%{like_escape(text)}%",
        )


def _few_pass(conn: sqlite3.Connection, where: Where) -> bool:
    """Whether fewer than one paper in :data:`FEW_SHARE` passes the filters."""
    papers = conn.execute("SELECT max(id) FROM papers").fetchone()[0] or 0
    cap = papers // FEW_SHARE + 1
    passing = conn.execute(
        f"SELECT count(*) FROM (SELECT 1 FROM papers p WHERE {where.sql()} LIMIT ?)",
        [*where.params, cap],
    ).fetchone()[0]
    return bool(passing < cap)


def _candidates(conn: sqlite3.Connection, where: Where) -> tuple[str, list[Any]]:
    """FROM and WHERE (after the MATCH) of the bounded candidate query over papers_rank."""
    if not where.clauses:
        return "papers_rank r WHERE papers_rank MATCH ?", []
    if _few_pass(conn, where):
        # Few pass (ICLR 2021): collect their ids once, then test each match against them.
        return (
            f"papers_rank r WHERE papers_rank MATCH ? AND {_ID} IN"
            f" (SELECT p.id FROM papers p WHERE {where.sql()})",
            list(where.params),
        )
    # Many pass: the first CANDIDATES come soon; look each match up (CROSS JOIN keeps the
    # index as the outer loop) in the small index that holds every filtered column.
    return (
        f"papers_rank r CROSS JOIN papers p INDEXED BY papers_filters ON p.id = {_ID}"
        f" WHERE papers_rank MATCH ? AND {where.sql()}",
        list(where.params),
    )


def _sql(
    conn: sqlite3.Connection, steps: _Plan, where: Where, sort: str, limit: int | None
) -> tuple[str, list[Any]]:
    """The hits query: (id, bm25 score, title, n_mentions) rows, ordered and limited."""
    relevance = sort == "relevance"
    fetch = None if limit is None else (max(limit, RERANK) if relevance else limit)
    weights = ", ".join(str(w) for w in WEIGHTS)
    if steps.match and relevance and fetch is not None:
        # Score only the first CANDIDATES matches that pass the filters (shortest first),
        # and read papers for the best `fetch` of them only.
        source, params = _candidates(conn, where)
        sql = (
            "SELECT c.id, c.score, p.title, p.n_mentions FROM (SELECT id, score FROM"
            f" (SELECT {_ID} AS id, bm25(papers_rank, {weights}) AS score FROM {source}"
            " LIMIT ?) ORDER BY score, id LIMIT ?) c JOIN papers p ON p.id = c.id"
        )
        params = [" AND ".join(steps.match), *params, CANDIDATES, fetch]
        order = "c.score, c.id"
    elif steps.match:
        sql = (
            f"SELECT p.id, bm25(papers_fts, {weights}) AS score, p.title, p.n_mentions"
            " FROM papers_fts JOIN papers p ON p.id = papers_fts.rowid"
            f" WHERE papers_fts MATCH ? AND {where.sql()}"
        )
        params = [" AND ".join(steps.match), *where.params]
        order = "score, p.id" if relevance else order_by(sort)
    else:
        sql = f"SELECT p.id, 0.0, p.title, p.n_mentions FROM papers p WHERE {where.sql()}"
        params = list(where.params)
        order = order_by("year" if relevance else sort)
    sql += f" ORDER BY {order}"
    if fetch is not None:
        sql += " LIMIT ?"
        params.append(fetch)
    return sql, params


def _search(
    conn: sqlite3.Connection,
    query: str,
    filters: Filters,
    *,
    raw: bool,
    sort: str,
    limit: int | None,
    rare_as_typo: bool = False,
) -> SearchResult:
    where = build_where(conn, filters)
    steps = _Plan(match=[query]) if raw else plan(conn, query, rare_as_typo=rare_as_typo)
    if not steps.match and not steps.cjk:
        raise QueryError(f"nothing to search for in {query!r}")
    _add_cjk(where, steps.cjk)
    sql, params = _sql(conn, steps, where, sort, limit)
    try:
        hits = conn.execute(sql, params).fetchall()
    except sqlite3.OperationalError as exc:
        if raw:
            raise QueryError(
                f"invalid FTS5 query {query!r} ({exc}); drop --raw to search the words as text"
            ) from None
        raise
    scores = {h[0]: _boosted(h, steps.leading) for h in hits}
    if sort == "relevance" and steps.match:
        hits = sorted(hits, key=lambda h: (scores[h[0]], h[0]))
    if limit is not None:
        hits = hits[:limit]
    rows = summaries(conn, [h[0] for h in hits])
    for row in rows:
        row["score"] = round(-scores[row["id"]], 3)
    return SearchResult(rows, steps.corrections, steps.notes)


def _boosted(hit: tuple[Any, ...], words: list[str]) -> float:
    """bm25 (negative: lower is better) scaled by the title-prefix and mention signals."""
    _, score, title, mentions = hit
    boost = 1.0 + (0.5 if _title_starts(title, words) else 0.0)
    boost += 0.2 * math.log(max(mentions or 1, 1))
    return float(score) * boost
