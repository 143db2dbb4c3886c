"""What counts as a link: the one decision for every URL a list gave.

Only an ``http`` or ``https`` URL with a host is a link. Anything else a list puts where a
link goes (``javascript:``, ``data:``, ``file:``, ``mailto:``, a relative path, the title
written again) is never exported or shown as a link: :mod:`paperdb.check` reports it as a
``broken-link`` finding with its file and line, and the mention's raw text keeps it as
written. Stored values are judged when they are read, so databases imported before this
rule get it too; the importer may call :func:`web_url` to store only links.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

WEB_SCHEMES = ("http", "https")
# Whitespace or control characters inside a URL: browsers drop some of them
# ("java\tscript:"), so such a value is never trusted as a link.
_UNSAFE_RE = re.compile(r"[\x00-\x20\x7f-\x9f]")
# The shape of nearly every stored link: http(s), a plain ASCII host (and port), then a
# path, query, fragment or the end. Such a value is a link by the rule below without
# urlsplit(), which costs ~10 us (a third of exporting a paper with its mentions).
_PLAIN_WEB_RE = re.compile(r"https?://[a-z0-9.-]+(?::[0-9]*)?(?:[/?#]|\Z)", re.IGNORECASE)


def web_url(url: str | None) -> str | None:
    """``url`` (trimmed) when it is a web link, else None.

    >>> web_url(" https://arxiv.org/abs/1803.03635 ")
    'https://arxiv.org/abs/1803.03635'
    >>> [web_url(u) for u in ("javascript:alert(1)", "data:text/html,x", "papers/a.pdf")]
    [None, None, None]
    >>> [web_url(u) for u in ("//x.org/a", "https://", "https://x.org/a b", "HTTP://X.ORG")]
    [None, None, None, 'HTTP://X.ORG']
    """
    if url is None:
        return None
    text = url.strip()
    if not text or _UNSAFE_RE.search(text):
        return None
    if _PLAIN_WEB_RE.match(text):
        return text
    try:
        parts = urlsplit(text)
    except ValueError:  # e.g. an unbalanced [ in the host
        return None
    if parts.scheme.lower() not in WEB_SCHEMES or not parts.hostname:
        return None
    return text


def web_urls(urls: list[str]) -> list[str]:
    """The web links among ``urls``, in order."""
    return [url for url in urls if web_url(url) is not None]


def not_a_link(url: str) -> str:
    """Why a stored link target is not a link, for a ``broken-link`` finding.

    >>> not_a_link("javascript:alert(1)")
    "link target is not a web address (http/https): 'javascript:alert(1)'"
    """
    shown = url if len(url) <= 60 else url[:57] + "..."
    return f"link target is not a web address (http/https): {shown!r}"
