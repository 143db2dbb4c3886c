"""Following living lists: sync (re-read sources from where they live) and new."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from paperdb.cli import (
    app,
    err_console,
    output_file,
    print_error,
    reader,
    state,
    user_errors,
    write_output,
)
from paperdb.cli.admin import OfflineOpt, pause_hook
from paperdb.cli.options import (
    ROW_FORMATS,
    ForceOpt,
    LimitOpt,
    NewFormatOpt,
    OutputOpt,
    filter_options,
)
from paperdb.filters import Filters  # evaluated at run time by filter_options
from paperdb.output import inert

if TYPE_CHECKING:
    from paperdb.sync import SourceSync, SyncReport


# -- sync -------------------------------------------------------------------------------


def _line(result: SourceSync) -> str:
    if result.status == "updated":
        return (
            f"{result.name}: updated, {result.new} new, {result.removed} removed,"
            f" {result.changed} changed entries"
        )
    if result.status == "new":
        noun = "entry" if result.entries == 1 else "entries"
        return f"{result.name}: new upstream, {result.entries} {noun}"
    return f"{result.name}: {result.status}"


def _summary(report: SyncReport) -> str:
    statuses = [s.status for s in report.sources]
    failed = len(report.failures) + statuses.count("gone")
    parts = [f"{statuses.count(k)} {k}" for k in ("updated", "new", "unchanged") if k in statuses]
    parts.append(f"{failed} failed")
    since = report.started.strftime("%Y-%m-%dT%H:%M:%SZ")
    found = f"{report.new_papers} new paper(s)"
    if report.new_papers:
        found += f", list them with: paperdb new --since {since}"
    return f"synced {len(statuses) + len(report.failures)} source(s): {', '.join(parts)}; {found}"


def _render_sync(report: SyncReport) -> None:
    for result in report.sources:
        if result.status == "gone":
            print_error(f"{result.name}: no longer at {result.origin}; kept as it was")
        else:
            typer.echo(inert(_line(result)))
    for failure in report.failures:
        print_error(failure)
    console = err_console()
    if report.backup is not None:
        message = f"entries were replaced; the previous database is in {report.backup}"
        console.print(inert(message), soft_wrap=True, markup=False)
    console.print(inert(_summary(report)), soft_wrap=True, markup=False)


@app.command()
def sync(
    ctx: typer.Context,
    sources: Annotated[
        list[str] | None,
        typer.Argument(
            help="Source names, paths or origins to sync (default: every source with an origin).",
            show_default=False,
        ),
    ] = None,
    offline: OfflineOpt = False,
) -> None:
    """Re-read lists from where they were imported from, and say what changed.

    Each origin is fetched (conditionally where the server allows) and re-imported in
    one transaction; one that fails is left as it was and the exit code is 1.

    Example: paperdb sync && paperdb new --since 1d
    """
    path = state(ctx).db
    with user_errors():
        from paperdb.db import database_file, open_db
        from paperdb.errors import InputError
        from paperdb.sync import sync as run

        if offline:
            raise InputError(
                "--offline: sync reads lists from where they live; nothing was changed"
            )
        if not database_file(path).is_file():  # a link loop or a device is named as such
            raise InputError(f"{path}: no database yet; import a list first (paperdb import URL)")
        db = open_db(path)
        try:
            report = run(db, sources or (), progress=pause_hook())
        finally:
            db.close()
    if not report.sources and not report.failures:
        err_console().print(
            "nothing to sync: no source has an origin (import one with"
            " paperdb import URL|github:OWNER/REPO|GIT-CHECKOUT)",
            soft_wrap=True,
            markup=False,
        )
        return
    _render_sync(report)
    if report.failed:
        raise typer.Exit(code=1)


# -- new --------------------------------------------------------------------------------


def _since(value: str) -> Any:
    from paperdb.errors import QueryError
    from paperdb.whatsnew import parse_since

    try:
        return parse_since(value)
    except QueryError as exc:
        raise typer.BadParameter(str(exc), param_hint="--since") from None


def _table(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "id": r["id"],
            "first_seen": r["first_seen"][:10],
            "title": r["title"],
            "year": r["year"],
            "venue": r["venue"],
            "sources": r["sources"],
        }
        for r in rows
    ]


def _rows_text(rows: list[dict[str, Any]], fmt: str) -> str:
    from paperdb.output import to_csv, to_json, to_tsv
    from paperdb.whatsnew import COLUMNS

    if fmt == "json":
        return to_json(rows)
    if fmt == "csv":
        return to_csv(rows, COLUMNS)
    return to_tsv(_table(rows)) if rows else ""


@app.command()
@filter_options
def new(
    ctx: typer.Context,
    *,
    since: Annotated[
        str,
        typer.Option(
            "--since", help="A time ago (7d, 12h, 2w), a date (2026-11-01) or an ISO time."
        ),
    ] = "7d",
    fmt: NewFormatOpt = "table",
    output: OutputOpt = None,
    force: ForceOpt = False,
    filters: Filters,
    limit: LimitOpt = None,
) -> None:
    """Papers that lists you follow added since a time, newest first.

    A paper counts when paperdb first saw it in the window through a change to a list it
    already had (a sync, or a re-import of a changed file); a list's first import is the
    baseline. Example: paperdb new --since 30d --topic pruning -f markdown -o new.md
    """
    moment = _since(since)
    with user_errors():
        target = None if output is None else output_file(output, force=force)
    with user_errors(), reader(ctx) as conn:
        from paperdb.output import render
        from paperdb.whatsnew import COLUMNS, export_new, new_papers, new_rows, stamp

        found = new_papers(conn, moment, filters, limit=limit)
        if fmt not in ROW_FORMATS:
            title = f"New papers since {stamp(moment)[:10]}"
            write_output(target, export_new(conn, fmt, found, title))
        else:
            rows = new_rows(conn, found)
            if target is not None:
                write_output(target, [_rows_text(rows, fmt)])
            elif fmt == "table":
                if rows:
                    render(_table(rows), "table")
            else:
                render(rows, fmt, columns=COLUMNS)
    if not found:
        err_console().print(f"no new papers since {stamp(moment)}", soft_wrap=True)
