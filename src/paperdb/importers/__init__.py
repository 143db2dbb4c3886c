"""Markdown list importers (being written; this stub keeps the interface stable)."""

from __future__ import annotations

from paperdb.models import ParsedList

FORMATS: tuple[str, ...] = ("numbered", "table", "blog", "dated", "nickname")


def parse_text(text: str, *, file: str, fmt: str | None = None) -> ParsedList:
    """Parse one markdown list into records and warnings."""
    return ParsedList(file=file, fmt=fmt or "numbered")
