"""paperdb's Datasette plugin (entry point ``datasette: paperdb``, the ``web`` extra).

It acts only on the database that paperdb's metadata names (``plugins.paperdb.database``,
see :func:`paperdb.web.metadata`), so other databases in the same Datasette are left as
they are:

* requests other than GET, HEAD and OPTIONS are refused (405): nothing is ever written;
* ``/`` redirects to the home page, the ``paper_list`` view;
* ``_search`` on the home page runs paperdb's own search (typos corrected, plurals,
  CJK substrings), and the search box is shown there;
* titles link to the paper page; JSON arrays of labels render as lists and links;
* the row page of ``papers`` is the paper page (templates/row.html): every field, every
  mention with ``file:line`` linked to its origin, code repositories and disagreements.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from datasette.filters import FilterArguments
from datasette.utils.asgi import Response
from markupsafe import Markup, escape
from pluggy import HookimplMarker

from paperdb.errors import QueryError
from paperdb.web import HOME, PLUGIN, SEARCH_LIMIT, paper_page

hookimpl = HookimplMarker("datasette")  # datasette.hookimpl itself, with pluggy's types


def _database(datasette: Any) -> str | None:
    config = datasette.plugin_config(PLUGIN) or {}
    name = config.get("database")
    return name if isinstance(name, str) else None


def _ours(datasette: Any, database: str | None) -> bool:
    return database is not None and database == _database(datasette)


READ_METHODS = ("GET", "HEAD", "OPTIONS")


@hookimpl
def asgi_wrapper(datasette: Any) -> Any:
    """Refuse every request that could change something (POST, PUT, ...) with 405."""

    def wrap(app: Any) -> Any:
        async def read_only(scope: dict[str, Any], receive: Any, send: Any) -> None:
            if (
                scope["type"] == "http"
                and scope["method"] not in READ_METHODS
                and _database(datasette) is not None
            ):
                refusal = Response.text(
                    "paperdb serves this database read-only\n",
                    status=405,
                    headers={"Allow": ", ".join(READ_METHODS)},
                )
                await refusal.asgi_send(send)
                return
            await app(scope, receive, send)

        return read_only

    return wrap


@hookimpl
def register_routes(datasette: Any) -> list[tuple[str, Any]]:
    if _database(datasette) is None:
        return []

    async def home(datasette: Any) -> Response:
        return Response.redirect(datasette.urls.table(_database(datasette), HOME))

    return [(r"^/$", home)]


def _search_ids(conn: sqlite3.Connection, query: str) -> tuple[list[int], str]:
    """The ids paperdb's search finds for ``query`` and a description of what it searched."""
    from paperdb.search import search

    try:
        result = search(conn, query, limit=SEARCH_LIMIT)
    except QueryError as exc:
        return [], str(exc)
    said = f'search matches "{query}"'
    if result.corrections:
        fixes = ", ".join(f"{typed} -> {searched}" for typed, searched in result.corrections)
        said += f" (searched for: {fixes})"
    if len(result.rows) == SEARCH_LIMIT:
        said += f", best {SEARCH_LIMIT}"
    return [row["id"] for row in result.rows], said


@hookimpl(trylast=True)
def filters_from_request(request: Any, database: str, table: str, datasette: Any) -> Any:
    # trylast: our extra_context (the search box) is applied after Datasette's own.
    if not _ours(datasette, database) or table != HOME:
        return None
    query = request.args.get("_search", "").strip()
    context: dict[str, Any] = {"supports_search": True, "search": query}
    if not query:
        return FilterArguments([], extra_context=context)

    async def inner() -> FilterArguments:
        db = datasette.get_database(database)
        ids, said = await db.execute_fn(lambda conn: _search_ids(conn, query))
        return FilterArguments(
            ["id IN (SELECT value FROM json_each(:paperdb_ids))"],
            params={"paperdb_ids": json.dumps(ids)},
            human_descriptions=[said],
            extra_context=context,
        )

    return inner


def _labels(value: Any) -> list[str] | None:
    try:
        items = json.loads(value) if isinstance(value, str) else None
    except ValueError:
        return None
    return [str(i) for i in items] if isinstance(items, list) else None


@hookimpl
def render_cell(
    row: Any, value: Any, column: str, table: str | None, database: str, datasette: Any
) -> Markup | None:
    if not _ours(datasette, database) or table != HOME:
        return None
    if column == "title":
        url = datasette.urls.row(database, "papers", row["id"])
        return Markup(f'<a href="{escape(url)}">{escape(value)}</a>')
    items = _labels(value) if column in ("topics", "sources", "code") else None
    if items is None:
        return None
    if column == "code":
        shown = " ".join(f'<a href="{escape(u)}">{escape(_short(u))}</a>' for u in items)
    else:
        shown = str(escape(", ".join(items)))
    # Datasette renders an empty value itself ("[]"): a no-break space shows nothing.
    return Markup(shown or "&nbsp;")


def _short(url: str) -> str:
    """``owner/repo`` for a repository URL.

    >>> _short("https://github.com/a/b/"), _short("x")
    ('a/b', 'x')
    """
    parts = url.rstrip("/").split("/")
    return "/".join(parts[3:5]) if len(parts) >= 5 else url


@hookimpl
def extra_template_vars(
    view_name: str, database: str | None, table: str | None, request: Any, datasette: Any
) -> Any:
    if view_name != "row" or table != "papers" or not _ours(datasette, database):
        return None
    try:
        paper_id = int(request.url_vars["pks"])
    except (KeyError, ValueError):
        return None

    async def inner() -> dict[str, Any]:
        db = datasette.get_database(database)
        try:
            paper = await db.execute_fn(lambda conn: paper_page(conn, paper_id))
        except QueryError:
            return {}
        mentions = datasette.urls.table(database, "mentions") + f"?paper_id={paper_id}"
        return {"paperdb_paper": paper, "paperdb_mentions_url": mentions}

    return inner
