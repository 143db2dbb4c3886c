"""Query and export commands."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from paperdb.cli import app, err_console, open_for_query, user_errors, write_atomic


@app.command()
def export(
    ctx: typer.Context,
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="Output format: json.", show_default=False)
    ],
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Write to this file instead of stdout.",
            dir_okay=False,
            show_default=False,
        ),
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
            raise InputError(
                f"unknown export format {fmt!r}; choose one of: {', '.join(EXPORTERS)}"
            )
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
