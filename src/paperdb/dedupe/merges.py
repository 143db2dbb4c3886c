"""Merging papers, undoing merges, and the merge log.

A merge moves mentions to the paper with the smallest id and records, per absorbed
paper, its id, title and creation time and where each moved mention was (source, line,
raw text), so :func:`undo` can recreate it exactly or refuse when that is impossible.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from paperdb import papers as summaries
from paperdb.db import placeholders, read_snapshot, utc_now, write_transaction
from paperdb.dedupe.match import DEFAULT_THRESHOLD
from paperdb.dedupe.pairs import Pair, clusters
from paperdb.dedupe.proposals import not_same_pairs, proposed_pairs
from paperdb.errors import QueryError

APPLY_BATCH = 500  # merges per transaction in apply()


@dataclass(slots=True)
class MergeResult:
    id: int
    paper_id: int
    absorbed: list[int]


def merge(
    conn: sqlite3.Connection,
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
    with write_transaction(conn):
        return _merge(conn, ids, rule, score, evidence)


def _mergeable(conn: sqlite3.Connection, ids: list[int]) -> dict[int, Any]:
    """The papers' rows (id, title, title_key, created_at), after checking the merge may be done."""
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
    return found


def _merge(
    conn: sqlite3.Connection,
    ids: list[int],
    rule: str,
    score: float | None,
    evidence: Sequence[str],
) -> MergeResult:
    result = _move(conn, ids, rule, score, evidence)
    summaries.refresh_papers(conn, ids)  # deletes the absorbed papers: they have no entries left
    return result


def _move(
    conn: sqlite3.Connection,
    ids: list[int],
    rule: str,
    score: float | None,
    evidence: Sequence[str],
) -> MergeResult:
    """Log the merge and move the mentions; the papers' summaries are the caller's to
    refresh (once per batch in :func:`apply`)."""
    found = _mergeable(conn, ids)
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
    return MergeResult(merge_id, target, absorbed)


def _pair_of(row: dict[str, Any]) -> Pair:
    return Pair(int(row["a"]), int(row["b"]), float(row["score"]), list(row["evidence"]))


def apply(
    conn: sqlite3.Connection,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    rows: Sequence[dict[str, Any]] | None = None,
) -> list[MergeResult]:
    """Merge every cluster of proposals scoring at least ``threshold``; one merge each.

    Clusters are merged (and logged) :data:`APPLY_BATCH` to a transaction, so an
    interruption leaves every finished batch complete and undoable merge by merge, and
    the rest as it was (``paperdb dedupe --apply`` backs the database up first). One
    transaction per merge cost ~2.5 ms each, minutes at a million papers; a batch holds
    the write lock for a fraction of a second. The proposals are read from one snapshot,
    and each cluster is checked again under the write lock: a cluster that another
    process merged or marked meanwhile is left alone (run again to look further).
    """
    with read_snapshot(conn):
        # Only pairs at the threshold can merge: scoring stops under it (fast at 1M).
        if rows is None:
            pairs = proposed_pairs(conn, min_score=threshold)
        else:
            pairs = list({(p.a, p.b): p for p in map(_pair_of, rows)}.values())
        apart = not_same_pairs(conn)
    by_paper: dict[int, list[Pair]] = defaultdict(list)  # each pair under its first id
    for pair in pairs:
        by_paper[pair.a].append(pair)
    groups = clusters(pairs, threshold, apart)
    results = []
    for start in range(0, len(groups), APPLY_BATCH):
        with write_transaction(conn):
            touched: list[int] = []
            for group in groups[start : start + APPLY_BATCH]:
                members = set(group)
                inside = [p for x in group for p in by_paper[x] if p.b in members]
                best = max(inside, key=lambda p: p.score)
                evidence = list(dict.fromkeys(e for p in inside for e in p.evidence))
                if _still_mergeable(conn, group):
                    results.append(_move(conn, group, "auto", best.score, evidence))
                    touched.extend(group)
            summaries.refresh_papers(conn, touched)  # deletes the absorbed papers
    return results


def _still_mergeable(conn: sqlite3.Connection, ids: list[int]) -> bool:
    """Whether a cluster computed earlier can still be merged as it is (every paper still
    there, none marked not the same since)."""
    try:
        _mergeable(conn, ids)
    except QueryError:
        return False
    return True


def _undoable(conn: sqlite3.Connection, merge_id: int) -> tuple[int, list[Any]]:
    """The merge's target paper and absorbed papers' rows, if it can still be undone."""
    row = conn.execute(
        "SELECT paper_id, undone_at FROM merges WHERE id = ?", (merge_id,)
    ).fetchone()
    if row is None:
        raise QueryError(f"no merge with id {merge_id}; see paperdb dedupe --list")
    if row[1] is not None:
        raise QueryError(f"merge {merge_id} was already undone at {row[1]}")
    papers = conn.execute(
        "SELECT paper_id, title, title_key, created_at FROM merge_papers"
        " WHERE merge_id = ? ORDER BY paper_id",
        (merge_id,),
    ).fetchall()
    for paper_id, *_rest in papers:
        if conn.execute("SELECT 1 FROM papers WHERE id = ?", (paper_id,)).fetchone():
            raise QueryError(f"cannot undo merge {merge_id}: paper id {paper_id} is in use again")
    return int(row[0]), papers


def _moves_back(conn: sqlite3.Connection, merge_id: int, target: int) -> list[tuple[int, int]]:
    """(absorbed paper id, entry id) for every moved mention, if each is still as moved."""
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
    return moves


def undo(conn: sqlite3.Connection, merge_id: int) -> MergeResult:
    """Undo one merge exactly, in one transaction: recreate the absorbed papers with their
    ids and move their mentions back.

    Raises:
        QueryError: unknown or already undone merge, or the database changed since in a
            way that makes an exact undo impossible (a mention re-imported with other
            text, merged again, or an absorbed id reused); nothing is changed then.
    """
    conn = conn
    with write_transaction(conn):
        target, papers = _undoable(conn, merge_id)
        moves = _moves_back(conn, merge_id, target)
        conn.executemany(
            "INSERT INTO papers (id, title, title_key, created_at) VALUES (?, ?, ?, ?)",
            [tuple(p) for p in papers],
        )
        conn.executemany("UPDATE entries SET paper_id = ? WHERE id = ?", moves)
        absorbed = [int(p[0]) for p in papers]
        summaries.refresh_papers(conn, [target, *absorbed])
        conn.execute("UPDATE merges SET undone_at = ? WHERE id = ?", (utc_now(), merge_id))
    return MergeResult(merge_id, target, absorbed)


def list_merges(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    """The merge log, newest first."""
    rows = []
    for mid, paper_id, rule, score, evidence, created, undone, absorbed, n in conn.execute(
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


def mark_not_same(conn: sqlite3.Connection, a: int, b: int) -> None:
    """Remember that papers ``a`` and ``b`` are different works (never proposed again)."""
    if a == b:
        raise QueryError("give two different paper ids")
    low, high = sorted((a, b))
    with write_transaction(conn):
        for paper_id in (low, high):
            if not conn.execute("SELECT 1 FROM papers WHERE id = ?", (paper_id,)).fetchone():
                raise QueryError(f"no paper with id {paper_id}")
        conn.execute(
            "INSERT OR IGNORE INTO not_same (paper_a, paper_b, created_at) VALUES (?, ?, ?)",
            (low, high, utc_now()),
        )
