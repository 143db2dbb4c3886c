"""The database as a web page, on Datasette: metadata, the paper page's data, publishing.

Datasette does the serving; paperdb contributes what makes its tables a paper browser:

* the views ``paper_list`` (the home page) and ``mentions`` (migrations/0005_web_views.sql);
* :func:`metadata`: titles, facets, sort order, labels and permissions for Datasette;
* the plugin in :mod:`paperdb.web.plugin` (installed with the ``web`` extra through the
  ``datasette`` entry point): typo-tolerant search on the home page, title links, the
  paper page and its template.

Nothing here imports Datasette, so ``paperdb publish`` works without the extra.
"""

from __future__ import annotations

import re
import shutil
import sqlite3
from pathlib import Path
from typing import Any

from paperdb.errors import InputError

HOME = "paper_list"  # the view that is the home page
PLUGIN = "paperdb"  # the plugin's name in Datasette's metadata
SEARCH_LIMIT = 1000  # the home page lists at most this many search hits (best first)
TEMPLATES = Path(__file__).parent / "plugin" / "templates"

# Internal tables a reader has no use for; Datasette still serves them by URL.
_HIDDEN = (
    "entries",
    "entry_authors",
    "entry_code",
    "entry_tags",
    "import_warnings",
    "merges",
    "merge_papers",
    "merge_mentions",
    "not_same",
    "venue_aliases",
    "topic_aliases",
    "_sqlite_migrations",
    "papers_cjk",  # a search index (migration 0008)
)
_LABELS = {
    "papers": "title",
    "venues": "name",
    "topics": "name",
    "authors": "name",
    "sources": "name",
    "code_repos": "url",
    "tags": "name",
}


def metadata(database: str, *, sql: bool = False) -> dict[str, Any]:
    """Datasette metadata for a paperdb database served under the name ``database``.

    >>> m = metadata("paperdb")
    >>> m["allow_sql"], m["plugins"], m["databases"]["paperdb"]["tables"]["paper_list"]["sort_desc"]
    (False, {'paperdb': {'database': 'paperdb'}}, 'year')
    >>> "allow_sql" in metadata("paperdb", sql=True)
    False
    """
    tables: dict[str, dict[str, Any]] = {
        HOME: {
            "title": "Papers",
            "description": "Every paper the imported lists mention; lists: how many lists"
            " mention it. Search forgives typos (lotery finds lottery); a title opens the"
            " paper with every mention.",
            "sort_desc": "year",
            "size": 50,
            "facet_size": 8,
            "facets": ["venue", "year", {"array": "topics"}, {"array": "sources"}, "has_code"],
        },
        "mentions": {
            "title": "Mentions",
            "description": "Every list entry: file, line and the text as written.",
            "sort": "source",
            "facets": ["source", "topic", "venue"],
        },
        "papers": {"sort_desc": "year", "fts_table": "papers_fts", "fts_pk": "id"},
    }
    for table, column in _LABELS.items():
        tables.setdefault(table, {})["label_column"] = column
    for table in _HIDDEN:
        tables[table] = {"hidden": True}
    meta: dict[str, Any] = {
        "title": "paperdb",
        "description": "Papers from hand-curated markdown lists, with every mention.",
        "plugins": {PLUGIN: {"database": database}},
        "databases": {database: {"tables": tables}},
    }
    if not sql:
        meta["allow_sql"] = False  # no SQL editor, no ?sql= and no _where=
    return meta


_GITHUB = re.compile(r"github:(?P<repo>[^/@]+/[^/@]+)(?:@(?P<ref>[^/]+))?(?:/(?P<path>.+))?")


def origin_url(identity: str, line: int, revision: str | None = None) -> str | None:
    """A link to ``line`` of a fetched source (``sources.path`` of a source with an
    origin, and the commit it was read at), or None where there is no web page to show.

    >>> origin_url("github:lead/awesome/lists/a.md", 7, "abc123")
    'https://github.com/lead/awesome/blob/abc123/lists/a.md#L7'
    >>> origin_url("github:lead/awesome@dev/README.md", 3)
    'https://github.com/lead/awesome/blob/dev/README.md#L3'
    >>> origin_url("https://example.org/list.md", 3), origin_url("/home/me/list.md", 3)
    ('https://example.org/list.md', None)
    """
    found = _GITHUB.fullmatch(identity)
    if found:
        ref = revision or found["ref"] or "HEAD"
        path = found["path"] or "README.md"
        return f"https://github.com/{found['repo']}/blob/{ref}/{path}#L{line}"
    if identity.startswith(("https://github.com/", "http://github.com/")) and "/blob/" in identity:
        return f"{identity}#L{line}"
    if identity.startswith(("https://", "http://")):
        return identity
    return None


def _links(conn: sqlite3.Connection) -> dict[str, tuple[str, str | None]]:
    """Source name -> (identity, revision) of the sources fetched from an origin."""
    rows = conn.execute("SELECT name, path, revision FROM sources WHERE origin IS NOT NULL")
    return {name: (path, revision) for name, path, revision in rows}


def paper_page(conn: sqlite3.Connection, paper_id: int) -> dict[str, Any]:
    """What the paper page shows: :func:`paperdb.show.show` plus topic names and a
    ``link`` to each mention's line at its origin (None for a local file).

    Raises:
        QueryError: no paper has this id.
    """
    from paperdb.show import show

    paper = show(conn, paper_id)
    links = _links(conn)
    topics = dict(conn.execute("SELECT slug, coalesce(name, slug) FROM topics").fetchall())
    for mention in paper["mentions"]:
        where = links.get(mention["source"])
        mention["link"] = origin_url(where[0], mention["line"], where[1]) if where else None
        mention["topic_name"] = topics.get(mention["topic"], mention["topic"])
    paper["topic_names"] = [topics.get(slug, slug) for slug in paper["topics"]]
    return paper


def publish(db_path: Path, out_dir: Path, *, metadata_only: bool = False) -> list[Path]:
    """Write ``paperdb.db`` (an online-backup copy), ``metadata.json`` and ``templates/``.

    The copy is a single file (rollback journal, not WAL) so ``datasette serve
    --immutable`` and ``datasette publish`` can take it as it is; the templates are the
    plugin's, for ``--template-dir`` where they are to be changed. A local list's path
    (``/home/me/...``) becomes its file name in the copy: a published page should not show
    the folders of the machine it was made on. Returns the paths written.

    Raises:
        InputError: ``out_dir`` holds the database itself.
        DatabaseError: the copy cannot be written.
    """
    import json

    from paperdb.db import backup

    copy = out_dir / "paperdb.db"
    if not metadata_only and copy.resolve() == db_path.resolve():
        raise InputError(f"{copy} is the database itself; publish into another folder")
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    if not metadata_only:
        written.append(backup(db_path, copy))
        _forget_local_paths(copy)
    meta = out_dir / "metadata.json"
    meta.write_text(json.dumps(metadata("paperdb"), indent=2) + "\n", encoding="utf-8")
    templates = out_dir / "templates"
    shutil.copytree(TEMPLATES, templates, dirs_exist_ok=True)
    return [*written, meta, templates]


def _forget_local_paths(copy: Path) -> None:
    # Names are unique among sources, so they can stand in for the paths (sources.path is
    # UNIQUE); a fetched source keeps its URL or github: identity, which is public anyway.
    conn = sqlite3.connect(copy)
    try:
        with conn:
            conn.execute("UPDATE sources SET path = name WHERE origin IS NULL")
    finally:
        conn.close()
