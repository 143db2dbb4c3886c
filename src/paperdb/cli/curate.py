"""Curation commands: dedupe (propose, apply, review, list, undo merges) and check."""

from __future__ import annotations

import itertools
import sqlite3
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Annotated, Any

import typer

from paperdb.cli import app, err_console, open_for_query, open_for_write, state, user_errors
from paperdb.cli.options import FormatOpt
from paperdb.cli.values import SQLITE_MAX_INT, Number, WholeNumber
from paperdb.output import Format

PROPOSAL_COLUMNS = ("a", "b", "score", "a_title", "b_title", "evidence", "differs")
MERGE_COLUMNS = (
    "id",
    "paper_id",
    "absorbed",
    "mentions_moved",
    "rule",
    "score",
    "created_at",
    "undone_at",
)


def stdin_is_tty() -> bool:
    """Whether a person can answer prompts (tests replace this to feed answers)."""
    return sys.stdin.isatty()


def _say(message: str) -> None:
    err_console().print(message, soft_wrap=True, markup=False)


@app.command()
def dedupe(
    ctx: typer.Context,
    apply: Annotated[
        bool, typer.Option("--apply", help="Merge every proposal scoring >= --threshold.")
    ] = False,
    # Defaults live in paperdb.dedupe (which loads rapidfuzz): resolved in the body so that
    # other commands start without it; a test holds the help text to the real values.
    threshold: Annotated[
        float | None,
        typer.Option(
            "--threshold",
            "-t",
            click_type=Number(min=0, max=100),
            show_default=False,
            help="Score (0-100) a proposal needs for --apply.  [default: 90]",
        ),
    ] = None,
    min_score: Annotated[
        float | None,
        typer.Option(
            "--min-score",
            click_type=Number(min=0, max=100),
            show_default=False,
            help="Show or review proposals from this score.  [default: 75]",
        ),
    ] = None,
    interactive: Annotated[
        bool,
        typer.Option(
            "--interactive",
            "-i",
            help="Review proposals one by one: merge / not the same / skip / quit.",
        ),
    ] = False,
    list_: Annotated[bool, typer.Option("--list", help="Show the merge log.")] = False,
    undo: Annotated[
        int | None,
        typer.Option(
            "--undo",
            metavar="MERGE",
            click_type=WholeNumber(min=1, max=SQLITE_MAX_INT),
            help="Undo one merge exactly (see --list).",
            show_default=False,
        ),
    ] = None,
    not_same: Annotated[
        tuple[int, int] | None,
        typer.Option(
            "--not-same",
            metavar="ID ID",
            help="Remember that two papers are different works.",
            show_default=False,
        ),
    ] = None,
    limit: Annotated[
        int | None,
        typer.Option(
            "--limit",
            click_type=WholeNumber(min=1),
            help="Show at most this many proposals.",
            show_default=False,
        ),
    ] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Find papers that are probably the same work; merge them, reversibly.

    Without options, lists proposals (both titles, score, evidence, fields that differ).
    Example: paperdb dedupe --apply --threshold 92
    """
    actions = [apply, interactive, list_, undo is not None, not_same is not None]
    if sum(actions) > 1:
        raise typer.BadParameter(
            "use one of --apply, --interactive, --list, --undo, --not-same at a time"
        )
    if interactive and not stdin_is_tty():
        err_console().print(
            "[red]error:[/red] --interactive needs a terminal; use --apply or --format json",
            soft_wrap=True,
        )
        raise typer.Exit(code=1)
    if not_same is not None and not all(1 <= i <= SQLITE_MAX_INT for i in not_same):
        raise typer.BadParameter("paper ids are positive integers", param_hint="--not-same")
    with user_errors():
        from paperdb import dedupe as lib

        threshold = lib.DEFAULT_THRESHOLD if threshold is None else threshold
        min_score = lib.DEFAULT_MIN_SCORE if min_score is None else min_score
        writes = apply or interactive or undo is not None or not_same is not None
        db = open_for_write(ctx) if writes else open_for_query(ctx)
        try:
            if list_:
                _render(lib.list_merges(db), fmt, MERGE_COLUMNS, ("absorbed",))
            elif undo is not None:
                _undo(db, undo)
            elif not_same is not None:
                _not_same(db, not_same)
            elif apply:
                _apply(db, state(ctx).db, threshold, fmt)
            elif interactive:
                _review(db, lib.proposals(db, min_score=min_score)[:limit])
            else:
                _propose(db, min_score, threshold, limit, fmt)
        finally:
            db.close()


def _undo(db: sqlite3.Connection, merge_id: int) -> None:
    from paperdb import dedupe as lib

    result = lib.undo(db, merge_id)
    _say(
        f"undid merge {result.id}: restored paper(s)"
        f" {', '.join(map(str, result.absorbed))} from paper {result.paper_id}"
    )


def _not_same(db: sqlite3.Connection, ids: tuple[int, int]) -> None:
    from paperdb import dedupe as lib

    lib.mark_not_same(db, *ids)
    _say(f"papers {ids[0]} and {ids[1]} will not be proposed again")


def _apply(db: sqlite3.Connection, path: Path, threshold: float, fmt: Format) -> None:
    from paperdb import dedupe as lib
    from paperdb.db import backup

    _say(f"backed up the database to {backup(path)}")
    results = lib.apply(db, threshold=threshold)
    absorbed = sum(len(r.absorbed) for r in results)
    ids = {r.id for r in results}
    rows = [r for r in lib.list_merges(db) if r["id"] in ids]
    _render(rows, fmt, MERGE_COLUMNS, ("absorbed",))
    _say(
        f"{len(results)} merge(s), {absorbed} paper(s) absorbed at threshold"
        f" {threshold:g}; undo one with: paperdb dedupe --undo ID"
    )


def _propose(
    db: sqlite3.Connection, min_score: float, threshold: float, limit: int | None, fmt: Format
) -> None:
    from paperdb import dedupe as lib

    seen = ready = 0

    def counted() -> Iterator[dict[str, Any]]:  # rows are written as they come
        nonlocal seen, ready
        stop = None if limit is None else min(limit, sys.maxsize)  # --limit is unbounded
        for row in itertools.islice(lib.iter_proposals(db, min_score=min_score), stop):
            seen += 1
            ready += row["score"] >= threshold
            yield row

    _render(counted(), fmt, PROPOSAL_COLUMNS, ("a_title", "b_title", "evidence", "differs"))
    _say(f"{seen} proposal(s); {ready} at or above {threshold:g} would be merged by --apply")


def _render(
    rows: Iterable[dict[str, Any]], fmt: Format, columns: tuple[str, ...], wrap: tuple[str, ...]
) -> None:
    from paperdb.output import render

    render(rows, fmt, columns=columns, wrap=wrap)


def _review(db: sqlite3.Connection, rows: list[dict[str, Any]]) -> None:
    """Ask about each proposal: merge, not the same, skip or quit."""
    from paperdb import dedupe as lib

    merged_into: dict[int, int] = {}

    def current(paper_id: int) -> int:
        while paper_id in merged_into:
            paper_id = merged_into[paper_id]
        return paper_id

    merges = marked = 0
    for number, row in enumerate(rows, start=1):
        a, b = current(row["a"]), current(row["b"])
        if a == b:
            continue
        _say(f"\n[{number}/{len(rows)}] score {row['score']:g}")
        _say(f"  {row['a']}: {row['a_title']}")
        _say(f"  {row['b']}: {row['b_title']}")
        _say(f"  evidence: {'; '.join(row['evidence'])}")
        if row["differs"]:
            _say(f"  differs: {'; '.join(row['differs'])}")
        answer = (
            typer.prompt("merge (m), not the same (n), skip (s), quit (q)", default="s", err=True)
            .strip()
            .lower()[:1]
        )
        if answer == "q":
            break
        if answer == "m":
            result = lib.merge(
                db, [a, b], rule="interactive", score=row["score"], evidence=row["evidence"]
            )
            for absorbed in result.absorbed:
                merged_into[absorbed] = result.paper_id
            merges += 1
            _say(f"  merged as merge {result.id}")
        elif answer == "n":
            lib.mark_not_same(db, a, b)
            marked += 1
    _say(f"{merges} merge(s), {marked} pair(s) marked not the same")


@app.command()
def check(
    ctx: typer.Context,
    strict: Annotated[
        bool, typer.Option("--strict", help="Exit 1 when anything is found (for a list's CI).")
    ] = False,
    kind: Annotated[
        list[str] | None,
        typer.Option(
            "--kind",
            "-k",
            help="Only this kind of finding (repeatable): year-conflict,"
            " venue-conflict, duplicate, broken-link, missing-field, unreadable.",
            show_default=False,
        ),
    ] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Report problems in the imported lists, each with file:line.

    Example: paperdb check --strict --kind year-conflict --kind broken-link
    """
    from paperdb.check import KINDS

    unknown = [k for k in kind or () if k not in KINDS]
    if unknown:  # a bad option value is a usage error (exit 2), as everywhere
        raise typer.BadParameter(
            f"unknown check {unknown[0]!r}; choose from: {', '.join(KINDS)}", param_hint="--kind"
        )
    with user_errors():
        from paperdb.check import COLUMNS
        from paperdb.check import check as run_check

        db = open_for_query(ctx)
        try:
            rows = run_check(db, kind or None)
        finally:
            db.close()
    _render(rows, fmt, COLUMNS, ("message",))
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["kind"]] = counts.get(row["kind"], 0) + 1
    summary = ", ".join(f"{n} {k}" for k, n in counts.items())
    _say(f"{len(rows)} finding(s)" + (f": {summary}" if summary else ""))
    if strict and rows:
        raise typer.Exit(code=1)
