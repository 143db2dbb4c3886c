"""JSON Lines export: one contract object (see export/json.py) per line, no array."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any


def render(papers: Iterable[dict[str, Any]]) -> str:
    return "".join(json.dumps(p, ensure_ascii=False) + "\n" for p in papers)
