"""Web commands: serve (the database in Datasette) and publish (files for Datasette).

Datasette comes with the ``web`` extra and is imported only inside ``serve``.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

import typer

from paperdb.cli import app, err_console, open_for_query, print_error, state, user_errors
from paperdb.cli.values import FilePath, WholeNumber

INSTALL_HINT = "paperdb serve needs Datasette: pip install 'paperdb[web]'"


def _address(value: str) -> str:
    """An IP address or localhost: a host name would need a DNS look-up to bind."""
    import ipaddress

    if value == "localhost":
        return value
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        raise typer.BadParameter("not an IP address (e.g. 127.0.0.1 or 0.0.0.0)") from None


@app.command()
def serve(
    ctx: typer.Context,
    port: Annotated[
        int,
        typer.Option("--port", click_type=WholeNumber(min=1, max=65535), help="Port to listen on."),
    ] = 8001,
    host: Annotated[
        str,
        typer.Option(
            "--host", callback=_address, help="IP address to listen on (0.0.0.0: every interface)."
        ),
    ] = "127.0.0.1",
    open_browser: Annotated[
        bool, typer.Option("--open", help="Open the page in a browser.")
    ] = False,
    sql: Annotated[
        bool, typer.Option("--sql", help="Also allow arbitrary read-only SQL queries.")
    ] = False,
) -> None:
    """Browse the database in a web page, on Datasette, read-only.

    The home page lists the papers with search (typos forgiven) and facets; a title opens
    the paper with every mention. Stop with Ctrl-C.  Example: paperdb serve --open
    """
    try:
        from datasette.cli import cli as datasette_cli
    except ImportError:
        print_error(INSTALL_HINT)
        raise typer.Exit(code=1) from None
    import json

    from paperdb.web import metadata

    with user_errors():
        open_for_query(ctx).close()  # builds or migrates it (the web views) before serving
    path = state(ctx).db
    _register_plugin()
    with tempfile.TemporaryDirectory(prefix="paperdb-serve-") as tmp:
        meta = Path(tmp) / "metadata.json"
        meta.write_text(json.dumps(metadata(path.stem, sql=sql)), encoding="utf-8")
        args = datasette_args(path, meta, host=host, port=port, open_browser=open_browser)
        datasette_cli.main(args=args, prog_name="datasette", standalone_mode=False)


def datasette_args(
    path: Path, meta: Path, *, host: str, port: int, open_browser: bool
) -> list[str]:
    """``datasette serve`` arguments for the database at ``path``.

    A file this process may write is opened with ``mode=ro`` (nothing is written, and an
    import while serving shows on the next page load); one it may not write cannot be
    written from here at all, so it is served ``--immutable``, which also reads a WAL
    database in a folder where SQLite cannot create its -shm file.
    """
    import os

    from paperdb.db import database_file

    file = database_file(path)
    writable = os.access(file, os.W_OK) and os.access(file.parent, os.W_OK | os.X_OK)
    database = [str(path)] if writable else ["--immutable", str(path)]
    browser = ["--open"] if open_browser else []
    return ["serve", *database, "--metadata", str(meta), "--host", host, "--port", str(port),
            "--setting", "suggest_facets", "off", *browser]  # fmt: skip


def _register_plugin() -> None:
    """Load paperdb's plugin even where the entry point is not installed (a stale install)."""
    from datasette.plugins import pm

    from paperdb.web import PLUGIN, plugin

    if pm.get_plugin(PLUGIN) is None and not pm.is_registered(plugin):
        pm.register(plugin, PLUGIN)


@app.command()
def publish(
    ctx: typer.Context,
    out_dir: Annotated[
        Path,
        typer.Argument(click_type=FilePath(file_okay=False), help="Folder to write into."),
    ],
    metadata_only: Annotated[
        bool,
        typer.Option(
            "--metadata-only",
            help="Write metadata.json and templates/ only, no database copy.",
        ),
    ] = False,
) -> None:
    """Write paperdb.db (a consistent copy), metadata.json and templates/ for Datasette.

    Example: paperdb publish out/ && datasette serve --immutable out/paperdb.db --metadata out/metadata.json
    """
    from paperdb.web import publish as write

    with user_errors():
        open_for_query(ctx).close()
        written = write(state(ctx).db, out_dir, metadata_only=metadata_only)
    from paperdb.output import inert

    shown = ", ".join(inert(str(p)) for p in written)
    err_console().print(f"wrote {shown}", soft_wrap=True, markup=False)
