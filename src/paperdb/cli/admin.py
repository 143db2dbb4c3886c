"""Database and import commands: import, db-path, migrate."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from paperdb.cli import app, err_console, state, user_errors

if TYPE_CHECKING:
    from paperdb.ingest import ImportReport, Progress
    from paperdb.models import ListFile
    from paperdb.schema import MigrationStatus

# Test hook for the kill-mid-import test: after N files, say "paused" and wait.
PAUSE_ENV = "PAPERDB_TEST_PAUSE_AFTER_FILES"
LARGE_INPUT_BYTES = 2 * 1024 * 1024  # show a progress bar for a single file this big


# -- import --------------------------------------------------------------------------


def _warn(message: str) -> None:
    """One ``warning:`` line on stderr (a file a folder walk left out)."""
    from paperdb.output import inert

    err_console().print(f"warning: {inert(message)}", soft_wrap=True, markup=False)


OfflineOpt = Annotated[
    bool,
    typer.Option(
        "--offline",
        envvar="PAPERDB_OFFLINE",
        help="Never touch the network: refuse URLs, GitHub and git remotes.",
    ),
]


def _pause() -> None:
    sys.stderr.write("paused\n")
    sys.stderr.flush()
    time.sleep(3600)


def pause_hook() -> Progress | None:
    """The test pause hook alone (commands that show no progress bar)."""
    pause_after = int(os.environ.get(PAUSE_ENV, "0") or 0)
    if not pause_after:
        return None

    def callback(done: int, total: int, name: str) -> None:
        if done == pause_after:
            _pause()

    return callback


def _no_nul(values: list[str]) -> list[str]:
    """A NUL cannot be in a path or URL: a usage error, as for any path option."""
    if any("\x00" in value for value in values):
        raise typer.BadParameter("embedded null byte")
    return values


def _source_name(value: str | None) -> str | None:
    """A --name is shown in every file:line: printable, not empty."""
    if value is not None and (not value.strip() or not value.isprintable()):
        raise typer.BadParameter("a source name is printable text, not empty")
    return value


def _named(files: list[ListFile], name: str) -> list[ListFile]:
    """The one list file of this import, given its name."""
    import dataclasses

    if len(files) != 1:
        raise typer.BadParameter(
            f"names one list file; these paths hold {len(files)}", param_hint="--name"
        )
    return [dataclasses.replace(files[0], name=name, named=True)]


@contextmanager
def _progress(files: list[ListFile]) -> Iterator[Progress | None]:
    """A progress callback: a bar on an interactive stderr, plus the test pause hook."""
    pause_after = int(os.environ.get(PAUSE_ENV, "0") or 0)
    size = sum(f.size for f in files)
    show_bar = sys.stderr.isatty() and (len(files) > 1 or size > LARGE_INPUT_BYTES)
    if not show_bar and not pause_after:
        yield None
        return

    from rich.markup import escape
    from rich.progress import Progress as Bar

    bar = Bar(console=err_console(), transient=True) if show_bar else None
    task = bar.add_task("importing", total=len(files)) if bar else None

    def callback(done: int, total: int, name: str) -> None:
        if bar is not None and task is not None:
            bar.update(task, completed=done, description=escape(name) or "finishing")
        if pause_after and done == pause_after:
            _pause()

    if bar is None:
        yield callback
        return
    with bar:
        yield callback


def _render_import(report: ImportReport, verbose: bool) -> None:
    from rich.table import Table
    from rich.text import Text

    from paperdb.output import inert

    console = err_console()
    table = Table(title=None, show_footer=True, box=None, pad_edge=False)
    table.add_column("file", footer="total", overflow="fold")
    table.add_column("format")
    table.add_column("status")
    table.add_column("entries", justify="right", footer=str(report.entries))
    table.add_column("new papers", justify="right", footer=str(report.new_papers))
    table.add_column("linked", justify="right", footer=str(report.linked))
    table.add_column("warnings", justify="right", footer=str(len(report.warnings)))
    for f in report.files:
        table.add_row(
            Text(inert(f.name)),  # a file name is text, never markup
            f.fmt,
            f.status,
            str(f.entries),
            str(f.new_papers),
            str(f.linked),
            str(len(f.warnings)),
        )
    console.print(table)
    for f in report.files:
        for note in f.notes:
            console.print(inert(f"{f.name}: {note}"), soft_wrap=True, markup=False)
    warnings = report.warnings
    if warnings and verbose:
        for w in warnings:
            console.print(inert(f"{w.file}:{w.line}: {w.reason}"), soft_wrap=True, markup=False)
    elif warnings:
        console.print(
            f"{len(warnings)} line(s) could not be read as entries;"
            " run with --verbose to list them",
            soft_wrap=True,
        )
    if report.backup is not None:
        console.print(
            inert(f"entries were replaced; the previous database is in {report.backup}"),
            soft_wrap=True,
            markup=False,
        )


def _check_format(fmt: str | None) -> None:
    """An unknown ``--format`` is a usage error (exit 2), found before any file is read."""
    from paperdb.importers import FORMATS

    if fmt is not None and fmt not in FORMATS:
        raise typer.BadParameter(
            f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}", param_hint="--format"
        )


@app.command("import")
def import_(
    ctx: typer.Context,
    paths: Annotated[
        list[str],
        typer.Argument(
            metavar="PATH",
            help="Markdown list files or folders (searched for *.md, *.markdown, *.txt), a URL of a"
            " markdown file, github:OWNER/REPO[/PATH] (or its https://github.com URL), a git"
            " URL, or a local git checkout.",
            show_default=False,
            callback=_no_nul,
        ),
    ],
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            help="Read only one kind of block: list (items), table (markdown and HTML"
            " rows) or paragraph (citation paragraphs); others become warnings.",
            show_default=False,
        ),
    ] = None,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="List every warning with file:line.")
    ] = False,
    offline: OfflineOpt = False,
    name: Annotated[
        str | None,
        typer.Option(
            "--name",
            callback=_source_name,
            help="Name the source (one list file): shown as NAME:line everywhere.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Import paper lists into the database; re-importing an unchanged file does nothing.

    A list imported from a URL, GitHub, a git remote or a local git checkout remembers
    where it came from, and `paperdb sync` re-reads it from there.

    Example: paperdb import awesome-compression.md lists/ github:OWNER/awesome-pruning
    """
    _check_format(fmt)
    with user_errors():
        from paperdb.db import open_db
        from paperdb.ingest import import_files
        from paperdb.sync import gather

        files = gather(paths, offline=offline, on_skip=_warn)
        if name is not None:
            files = _named(files, name)
        db = open_db(state(ctx).db)
        try:
            with _progress(files) as progress:
                report = import_files(db, files, fmt=fmt, progress=progress)
        finally:
            db.close()
    _render_import(report, verbose)


# -- database housekeeping -------------------------------------------------------------


@app.command("db-path")
def db_path(ctx: typer.Context) -> None:
    """Print where the database file is (set it with --db or PAPERDB_DB).

    Example: paperdb db-path
    """
    from paperdb.output import write_out

    write_out(f"{state(ctx).db}\n")


def _migration_status(path: Path) -> list[MigrationStatus]:
    """Applied and pending migrations, read through the read path (nothing migrated)."""
    from paperdb.db import open_reader
    from paperdb.schema import migration_status

    conn = open_reader(path, migrate=False)
    try:
        return migration_status(conn)
    finally:
        conn.close()


@app.command()
def migrate(
    ctx: typer.Context,
    list_: Annotated[
        bool, typer.Option("--list", help="Show applied and pending migrations; change nothing.")
    ] = False,
) -> None:
    """Bring the database schema up to date (this also happens on every open).

    Example: paperdb migrate --list
    """
    with user_errors():
        from paperdb.db import database_file, open_db
        from paperdb.output import write_out
        from paperdb.schema import migration_files

        path = state(ctx).db
        existed = database_file(path).is_file()
        if list_:
            if not existed:
                for file in migration_files():
                    write_out(f"pending  {file.stem}\n")
                return
            for status in _migration_status(path):
                if not status.known:
                    write_out(f"unknown  {status.name}  {status.applied_at}\n")
                elif status.applied_at is None:
                    write_out(f"pending  {status.name}\n")
                else:
                    write_out(f"applied  {status.name}  {status.applied_at}\n")
            return
        before = 0
        if existed:
            before = sum(1 for s in _migration_status(path) if s.applied_at is None)
        open_db(path).close()
        applied = len(migration_files()) if not existed else before
    err_console().print(
        f"{path}: applied {applied} migration(s); schema is up to date",
        soft_wrap=True,
        markup=False,
    )
