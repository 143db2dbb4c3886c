"""Export registry: format name -> function turning the database into text.

Each exporter is a small module with ``export(db) -> str``; the CLI decides where the text
goes (stdout or a file).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from paperdb.errors import QueryError

if TYPE_CHECKING:
    from sqlite_utils import Database

Exporter = Callable[["Database"], str]


def _json(db: Database) -> str:
    from paperdb.export import json

    return json.export(db)


EXPORTERS: dict[str, Exporter] = {"json": _json}
"""Known formats, in the order ``--help`` lists them."""


def export(db: Database, fmt: str) -> str:
    """Render every paper in ``fmt``.

    Raises:
        QueryError: ``fmt`` is not a known export format.
    """
    exporter = EXPORTERS.get(fmt)
    if exporter is None:
        raise QueryError(f"unknown export format {fmt!r}; choose one of: {', '.join(EXPORTERS)}")
    return exporter(db)
