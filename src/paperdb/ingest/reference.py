"""The bundled venue and topic tables (``paperdb/data/*.tsv``) and their aliases."""

from __future__ import annotations

import sqlite3
from importlib import resources


def _tsv_rows(name: str) -> list[list[str]]:
    """Rows of a bundled ``paperdb/data/*.tsv`` file (``#`` lines are comments)."""
    resource = resources.files("paperdb").joinpath("data", name)
    if not resource.is_file():
        return []
    rows = []
    for line in resource.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            cells = line.split("\t")
            rows.append(cells + [""] * (3 - len(cells)))
    return rows


def _aliases(aliases: str, target: str) -> list[tuple[str, str]]:
    return [(alias.strip(), target) for alias in aliases.split(",") if alias.strip()]


def load_reference_data(conn: sqlite3.Connection) -> None:
    """Add the bundled venues, topics and their aliases; rows already present are kept."""
    for name, kind, aliases in _tsv_rows("venues.tsv"):
        conn.execute(
            "INSERT OR IGNORE INTO venues (name, kind) VALUES (?, ?)", (name, kind or None)
        )
        conn.execute(
            "UPDATE venues SET kind = ? WHERE name = ? AND kind IS NULL", (kind or None, name)
        )
        conn.executemany(
            "INSERT OR IGNORE INTO venue_aliases (alias, venue) VALUES (?, ?)",
            _aliases(aliases, name),
        )
    for slug, display, aliases in _tsv_rows("topics.tsv"):
        conn.execute(
            "INSERT OR IGNORE INTO topics (slug, name) VALUES (?, ?)", (slug, display or None)
        )
        conn.execute(
            "UPDATE topics SET name = ? WHERE slug = ? AND name IS NULL", (display or None, slug)
        )
        conn.executemany(
            "INSERT OR IGNORE INTO topic_aliases (alias, topic) VALUES (?, ?)",
            _aliases(aliases, slug),
        )
