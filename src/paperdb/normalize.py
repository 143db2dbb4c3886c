"""Pure normalization functions (being written; stub keeps the interface stable)."""

from __future__ import annotations

import unicodedata


def title_key(title: str) -> str:
    """Exact-match key: NFKC, casefolded, only letters and digits.

    >>> title_key("Deep  Compression: Pruning!")
    'deepcompressionpruning'
    """
    return "".join(ch for ch in unicodedata.normalize("NFKC", title).casefold() if ch.isalnum())


def venue_kind(venue: str | None) -> str | None:
    """conference | journal | workshop | preprint, or None when unknown."""
    return None
