"""paperdb.links.web_url: its fast path for plain links says what urlsplit() says."""

from __future__ import annotations

from urllib.parse import urlsplit

from hypothesis import example, given, settings
from hypothesis import strategies as st

from paperdb.links import WEB_SCHEMES, web_url


def _by_urlsplit(url: str) -> str | None:
    """The rule written once, without the fast path: http(s) with a host."""
    text = url.strip()
    if not text or any(ord(c) <= 0x20 or 0x7F <= ord(c) <= 0x9F for c in text):
        return None
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    return text if parts.scheme.lower() in WEB_SCHEMES and parts.hostname else None


SCHEMES = ["http", "https", "HTTPS", "ftp", "javascript", ":", "//", "/", "?", "#", "@"]
HOSTS = ["[", "]", "a", "x.org", "-", ".", "8080", ":443", "ü", "例", " ", "%20", "\\", "u:p@"]
PIECES = st.sampled_from(SCHEMES + HOSTS)


@settings(max_examples=400)
@given(st.lists(PIECES, max_size=8).map("".join))
@example("https://x.org")
@example("http://x.org:")
@example("https://x.org:80/a?b#c")
@example("https://[::1]/a")
@example("https://user@x.org/")
@example("https://x.org\\@y.org/")
@example("https://:80/")
@example("https://./")
def test_web_url_agrees_with_urlsplit(url: str) -> None:
    assert web_url(url) == _by_urlsplit(url)
