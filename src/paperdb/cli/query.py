"""Query and export commands: search, filter, show, stats, export.

The read path stays light: commands open the database with the stdlib ``sqlite3`` module
when its schema is current (``sqlite_utils`` costs ~0.3 s to import), and rich and
rapidfuzz are imported only when needed.
"""

from __future__ import annotations

import json
import sys
from typing import Annotated, Any

import typer

from paperdb.cli import app, output_file, reader, say, user_errors, write_output
from paperdb.cli.options import (
    ExportFormatOpt,
    ForceOpt,
    FormatOpt,
    LimitOpt,
    OutputOpt,
    PaperIdArg,
    SortOpt,
    StatsKeyOpt,
    filter_options,
)
from paperdb.filters import Filters  # evaluated at run time by filter_options
from paperdb.output import Format, render, write_out


def _compact(rows: list[dict[str, Any]], score: bool = False) -> list[dict[str, Any]]:
    """The columns a person scans: id (for `show`), title, year, venue, topics, code."""
    return [
        {
            "id": r["id"],
            "title": r["title"],
            "year": r["year"],
            "venue": r["venue"],
            "topics": r["topics"],
            "code": len(r["code"]) or None,
        }
        for r in rows
    ]


def _emit(rows: list[dict[str, Any]], fmt: Format) -> None:
    if not rows:
        say("no papers match")
        if fmt is Format.table:
            return
    render(rows if fmt is not Format.table else _compact(rows), fmt)


# -- commands ---------------------------------------------------------------------------


@app.command()
@filter_options
def search(
    ctx: typer.Context,
    *,
    query: Annotated[
        str, typer.Argument(help="Words to find (all of them), typos allowed.", show_default=False)
    ],
    filters: Filters,
    limit: LimitOpt = 20,
    sort: SortOpt = "relevance",
    raw: Annotated[bool, typer.Option("--raw", help="Pass FTS5 query syntax through.")] = False,
    fmt: FormatOpt = Format.table,
) -> None:
    """Ranked full-text search over titles, nicknames, authors and venues.

    Example: paperdb search "lottery ticket" --venue ICLR --year 2019..
    """
    with user_errors(), reader(ctx) as conn:
        from paperdb.search import search as run

        result = run(conn, query, filters, raw=raw, sort=sort, limit=limit)
    if result.corrections:
        fixed = ", ".join(f"{typed} -> {used}" for typed, used in result.corrections)
        say(f"searched for: {fixed}")
    for note in result.notes:
        say(f"note: {note}")
    _emit(result.rows, fmt)


@app.command("filter")
@filter_options
def filter_(
    ctx: typer.Context,
    *,
    filters: Filters,
    limit: LimitOpt = None,
    sort: SortOpt = "year",
    fmt: FormatOpt = Format.table,
) -> None:
    """List the papers that match the filters (no query).

    Example: paperdb filter --venue NeurIPS --year 2022 --topic pruning -f csv
    """
    with user_errors(), reader(ctx) as conn:
        from paperdb.filters import filter_papers

        rows = filter_papers(conn, filters, sort=sort, limit=limit)
    _emit(rows, fmt)


@app.command()
def show(
    ctx: typer.Context,
    paper_id: PaperIdArg,
    fmt: FormatOpt = Format.table,
) -> None:
    """One paper: every field, every mention (file:line), code, tags and disagreements.

    Example: paperdb show 389
    """
    with user_errors(), reader(ctx) as conn:
        from paperdb.show import show as run

        paper = run(conn, paper_id)
    if fmt is not Format.table:
        mentions = paper["mentions"]
        if fmt is Format.json:  # the contract object (README) plus conflicts, not a list
            write_out(json.dumps(paper, indent=2, ensure_ascii=False) + "\n")
        else:  # csv: one row per mention, the paper's fields repeated
            render(
                [
                    {
                        "id": paper["id"],
                        "title": paper["title"],
                        "year": paper["year"],
                        "venue": paper["venue"],
                        **{f"mention_{k}": v for k, v in m.items()},
                    }
                    for m in mentions
                ],
                fmt,
            )
        return
    _print_paper(paper)


def _print_paper(paper: dict[str, Any]) -> None:
    """A paper for people: fields, code, disagreements and mentions (plain text in pipes)."""
    from paperdb.output import cell_text

    fields = [
        (key, cell_text(paper[key]))
        for key in (
            "id",
            "title",
            "year",
            "venue",
            "venue_kind",
            "presentation",
            "topics",
            "authors",
            "nickname",
            "arxiv_id",
            "paper_url",
            "tags",
        )
    ]
    for repo in paper["code"]:
        extra = ", ".join(
            x for x in (repo["framework"], "official" if repo["official"] else "") if x
        )
        fields.append(("code", cell_text(repo["url"]) + (f" ({extra})" if extra else "")))
    for name, values in paper["conflicts"].items():
        said = "; ".join(f"{cell_text(v['value'])} ({', '.join(v['mentions'])})" for v in values)
        fields.append(("disagree", f"{name}: {said}"))
    mentions = [
        (f"{cell_text(m['source'])}:{m['line']}", cell_text(m["raw"])) for m in paper["mentions"]
    ]
    if not sys.stdout.isatty():
        lines = [f"{key}\t{value}" for key, value in fields]
        lines.append(f"mentions\t{len(mentions)}")
        lines.extend(f"  {where}\t{raw}" for where, raw in mentions)
        write_out("\n".join(lines) + "\n")
        return

    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from paperdb.output import use_color

    console = Console(no_color=not use_color(), highlight=False, emoji=False)
    about = Table(show_header=False, box=None, pad_edge=False)
    about.add_column(style="bold", no_wrap=True)
    about.add_column(overflow="fold")
    for key, value in fields:
        if value:
            about.add_row(key, Text(value, style="red" if key == "disagree" else ""))
    console.print(about)
    listed = Table(title=f"{len(mentions)} mention(s)", title_justify="left", header_style="bold")
    listed.add_column("where", no_wrap=True)
    listed.add_column("as written", overflow="fold")
    for where, raw in mentions:
        listed.add_row(Text(where), Text(raw))
    console.print(listed)


@app.command()
@filter_options
def stats(
    ctx: typer.Context,
    *,
    by: StatsKeyOpt,
    filters: Filters,
    limit: LimitOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Count papers by year, venue, topic, source, author, framework, presentation or venue-kind.

    Example: paperdb stats --by year --topic pruning
    """
    if len(by) > 2:
        raise typer.BadParameter("give --by once, or twice for a cross table", param_hint="--by")
    with user_errors(), reader(ctx) as conn:
        from paperdb.stats import stats as run

        rows = run(conn, list(by), filters, limit=limit)
    if not rows:
        say("no papers match")
    if fmt is Format.table and len(by) == 1 and rows:
        top = max(r["count"] for r in rows)
        width = 40
        rows = [{**r, "": "█" * max(1, round(width * r["count"] / top))} for r in rows]
    if fmt is not Format.table or rows:
        render(rows, fmt, wrap=())


@app.command()
@filter_options
def export(
    ctx: typer.Context,
    *,
    fmt: ExportFormatOpt,
    output: OutputOpt = None,
    force: ForceOpt = False,
    group_by: Annotated[
        str,
        typer.Option(
            "--group-by",
            help="markdown: headings by topic, venue or year; nest with a comma (topic,year).",
        ),
    ] = "topic",
    filters: Filters,
    limit: LimitOpt = None,
    sort: SortOpt = "relevance",
) -> None:
    """Export the papers matching the filters as markdown, BibTeX, CSV, JSON or JSON Lines.

    Example: paperdb export --topic pruning --format markdown --group-by year -o pruning.md
    """
    from paperdb.errors import QueryError
    from paperdb.export import ExportOptions, parse_group_by

    try:
        groups = parse_group_by(group_by)
    except QueryError as exc:
        raise typer.BadParameter(str(exc), param_hint="--group-by") from None
    with user_errors():
        from paperdb.export import export_chunks
        from paperdb.filters import filter_ids

        target = None if output is None else output_file(output, force=force)
        with reader(ctx) as conn:
            ids = filter_ids(conn, filters, sort=sort, limit=limit)
            if not ids:
                say("no papers match")
            options = ExportOptions(group_by=groups)
            chunks = export_chunks(conn, fmt, options=options, ids=ids)
            write_output(target, chunks)
