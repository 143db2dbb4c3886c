"""JSON Lines export: one contract object (see export/json.py) per line, no array."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any


def render_chunks(papers: Iterable[dict[str, Any]]) -> Iterator[str]:
    for paper in papers:
        yield json.dumps(paper, ensure_ascii=False) + "\n"


def render(papers: Iterable[dict[str, Any]]) -> str:
    return "".join(render_chunks(papers))
