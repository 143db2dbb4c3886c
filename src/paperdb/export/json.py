"""JSON export: one object per paper, in id order, with every mention.

The objects are :func:`paperdb.rows.iter_papers`; the shape is a contract for scripts.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from typing import Any

from paperdb.output import json_pieces
from paperdb.rows import iter_papers


def render_chunks(papers: Iterable[dict[str, Any]]) -> Iterator[str]:
    """The JSON array text, one paper at a time; the same bytes as one ``json.dumps``."""
    return json_pieces(papers)


def export(conn: sqlite3.Connection) -> str:
    """The JSON array text of every paper, ``[]`` when there are none; ends with a newline."""
    return "".join(render_chunks(iter_papers(conn)))
