"""The ``paperdb`` command line: parse options, call one library function, render, exit.

Data goes to stdout; progress, summaries, warnings and errors go to stderr. Heavy modules
(sqlite_utils, the importers) are imported inside the commands so ``paperdb --help``
starts fast.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from paperdb import __version__
from paperdb.errors import PaperdbError

if TYPE_CHECKING:
    from rich.console import Console
    from sqlite_utils import Database

    from paperdb.ingest import ImportReport, Progress

app = typer.Typer(
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    help="Import markdown paper lists into one SQLite database and query it.",
)

# Test hook for the kill-mid-import test: after N files, say "paused" and wait.
PAUSE_ENV = "PAPERDB_TEST_PAUSE_AFTER_FILES"
LARGE_INPUT_BYTES = 2 * 1024 * 1024  # show a progress bar for a single file this big


@dataclass(slots=True)
class State:
    """What the root callback hands to every command."""

    db: Path


def err_console() -> Console:
    """A console on stderr (created per call so test runners' stream swaps are seen)."""
    from rich.console import Console

    # Not a terminal (logs, CI, test runners): wide enough that summaries never wrap.
    return Console(stderr=True, highlight=False, width=None if sys.stderr.isatty() else 200)


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn a PaperdbError into one red line on stderr and exit 1; Ctrl-C exits 130."""
    try:
        yield
    except PaperdbError as exc:
        from rich.markup import escape

        err_console().print(f"[red]error:[/red] {escape(str(exc))}", soft_wrap=True)
        raise typer.Exit(code=1) from None
    except KeyboardInterrupt:
        err_console().print("[red]interrupted[/red]", soft_wrap=True)
        raise typer.Exit(code=130) from None


def _version(value: bool) -> None:
    if value:
        typer.echo(f"paperdb {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    ctx: typer.Context,
    db: Annotated[
        Path | None,
        typer.Option(
            "--db",
            envvar="PAPERDB_DB",
            help="Database file. Default: paperdb.db in the user data folder.",
            show_default=False,
            dir_okay=False,
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """Import markdown paper lists into one SQLite database and query it."""
    from paperdb.db import default_db_path

    ctx.obj = State(db=db if db is not None else default_db_path())


def _state(ctx: typer.Context) -> State:
    state = ctx.obj
    assert isinstance(state, State)
    return state


def open_for_query(ctx: typer.Context) -> Database:
    """Open the database, first building it from the bundled seeds if it does not exist."""
    from paperdb.db import open_db
    from paperdb.ingest import ensure_seeded

    path = _state(ctx).db
    if not path.exists():
        err_console().print(f"building {path} from the bundled seed lists", soft_wrap=True)
        ensure_seeded(path)
    return open_db(path)


# -- import --------------------------------------------------------------------------


@contextmanager
def _progress(paths: list[Path]) -> Iterator[Progress | None]:
    """A progress callback: a bar on an interactive stderr, plus the test pause hook."""
    pause_after = int(os.environ.get(PAUSE_ENV, "0") or 0)
    size = sum(p.stat().st_size for p in paths)
    show_bar = sys.stderr.isatty() and (len(paths) > 1 or size > LARGE_INPUT_BYTES)
    if not show_bar and not pause_after:
        yield None
        return

    from rich.progress import Progress as Bar

    bar = Bar(console=err_console(), transient=True) if show_bar else None
    task = bar.add_task("importing", total=len(paths)) if bar else None

    def callback(done: int, total: int, name: str) -> None:
        if bar is not None and task is not None:
            bar.update(task, completed=done, description=name or "finishing")
        if pause_after and done == pause_after:
            sys.stderr.write("paused\n")
            sys.stderr.flush()
            time.sleep(3600)

    if bar is None:
        yield callback
        return
    with bar:
        yield callback


def _render_import(report: ImportReport, verbose: bool) -> None:
    from rich.table import Table

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
        table.add_row(f.name, f.fmt, f.status, str(f.entries), str(f.new_papers), str(f.linked),
                      str(len(f.warnings)))
    console.print(table)
    for f in report.files:
        for note in f.notes:
            console.print(f"{f.name}: {note}", soft_wrap=True, markup=False)
    warnings = report.warnings
    if warnings and verbose:
        for w in warnings:
            console.print(f"{w.file}:{w.line}: {w.reason}", soft_wrap=True, markup=False)
    elif warnings:
        console.print(
            f"{len(warnings)} line(s) could not be read as entries;"
            " run with --verbose to list them",
            soft_wrap=True,
        )


@app.command("import")
def import_(
    ctx: typer.Context,
    paths: Annotated[
        list[Path],
        typer.Argument(help="Markdown list files or folders (searched for *.md, *.txt).",
                       show_default=False),
    ],
    fmt: Annotated[
        str | None,
        typer.Option("--format", "-f", help="Force one list format instead of detecting it.",
                     show_default=False),
    ] = None,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="List every warning with file:line.")
    ] = False,
) -> None:
    """Import paper lists into the database; re-importing an unchanged file does nothing.

    Example: paperdb import awesome-compression.md lists/
    """
    with user_errors():
        from paperdb.db import open_db
        from paperdb.ingest import import_paths
        from paperdb.reader import collect_paths

        files = collect_paths(paths)
        db = open_db(_state(ctx).db)
        try:
            with _progress(files) as progress:
                report = import_paths(db, files, fmt=fmt, progress=progress)
        finally:
            db.close()
    _render_import(report, verbose)


# -- database housekeeping -------------------------------------------------------------


@app.command("db-path")
def db_path(ctx: typer.Context) -> None:
    """Print where the database file is (set it with --db or PAPERDB_DB).

    Example: paperdb db-path
    """
    typer.echo(str(_state(ctx).db))


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
        from paperdb.db import migration_files, migration_status, open_db

        path = _state(ctx).db
        if list_:
            if not path.exists():
                for file in migration_files():
                    typer.echo(f"pending  {file.stem}")
                return
            db = open_db(path, migrate=False)
            try:
                for status in migration_status(db):
                    if not status.known:
                        typer.echo(f"unknown  {status.name}  {status.applied_at}")
                    elif status.applied_at is None:
                        typer.echo(f"pending  {status.name}")
                    else:
                        typer.echo(f"applied  {status.name}  {status.applied_at}")
            finally:
                db.close()
            return
        existed = path.exists()
        before = 0
        if existed:
            probe = open_db(path, migrate=False)
            before = sum(1 for s in migration_status(probe) if s.applied_at is None)
            probe.close()
        db = open_db(path)
        db.close()
        applied = len(migration_files()) if not existed else before
    err_console().print(f"{path}: applied {applied} migration(s); schema is up to date",
                        soft_wrap=True, markup=False)


# -- export ------------------------------------------------------------------------------


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to a temporary file beside ``path``, then move it into place."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@app.command()
def export(
    ctx: typer.Context,
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="Output format: json.", show_default=False)
    ],
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write to this file instead of stdout.",
                     dir_okay=False, show_default=False),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite the --output file if it exists.")
    ] = False,
) -> None:
    """Export every paper with its mentions, for scripts and other tools.

    Example: paperdb export --format json -o papers.json
    """
    with user_errors():
        from paperdb.errors import InputError
        from paperdb.export import EXPORTERS, export

        if fmt not in EXPORTERS:
            raise InputError(f"unknown export format {fmt!r}; choose one of: "
                             f"{', '.join(EXPORTERS)}")
        if output is not None and output.exists() and not force:
            raise InputError(f"{output} exists; pass --force to overwrite it")
        if output is not None and not output.parent.is_dir():
            raise InputError(f"{output.parent}: no such folder")
        db = open_for_query(ctx)
        try:
            text = export(db, fmt)
        finally:
            db.close()
        if output is None:
            sys.stdout.write(text)
            sys.stdout.flush()
            return
        try:
            write_atomic(output, text)
        except OSError as exc:
            raise InputError(f"{output}: cannot write ({exc.strerror})") from None
    err_console().print(f"wrote {output}", soft_wrap=True, markup=False)
