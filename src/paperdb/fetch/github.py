"""GitHub repositories through the REST API (the commit and tree) and raw file URLs.

The base URLs come from ``PAPERDB_GITHUB_API`` and ``PAPERDB_GITHUB_RAW`` when set: for a
GitHub Enterprise host, or a fake GitHub on 127.0.0.1 in the tests. ``GITHUB_TOKEN``, when
set, is sent to those two origins only and never stored.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from paperdb.errors import FetchError, GoneError
from paperdb.fetch.http import Http
from paperdb.fetch.locations import Location
from paperdb.fetch.locations import github as github_location

API_ENV = "PAPERDB_GITHUB_API"
RAW_ENV = "PAPERDB_GITHUB_RAW"
TOKEN_ENV = "GITHUB_TOKEN"
DEFAULT_API = "https://api.github.com"
DEFAULT_RAW = "https://raw.githubusercontent.com"
API_ACCEPT = "application/vnd.github+json"


def api_base() -> str:
    return os.environ.get(API_ENV, "").rstrip("/") or DEFAULT_API


def raw_base() -> str:
    return os.environ.get(RAW_ENV, "").rstrip("/") or DEFAULT_RAW


def client() -> Http:
    """An HTTP client that sends ``GITHUB_TOKEN`` (if set) to the GitHub hosts only."""
    token = os.environ.get(TOKEN_ENV, "").strip() or None
    return Http(token=token, token_origins=frozenset({api_base(), raw_base()}))


@dataclass(frozen=True, slots=True)
class Blob:
    """A file in a repository tree."""

    path: str
    size: int


def _repo_url(location: Location) -> str:
    return f"{api_base()}/repos/{quote(location.owner)}/{quote(location.repo)}"


def _object(value: Any, url: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise FetchError(f"{url}: unexpected answer from the GitHub API")
    return value


def head_commit(http: Http, location: Location) -> tuple[str, str]:
    """The branch (the default one unless the location names a ref) and its commit.

    Raises:
        GoneError: the repository or ref does not exist (or is private without a token).
    """
    ref = location.ref
    if ref is None:
        url = _repo_url(location)
        ref = str(_object(http.json(url, accept=API_ACCEPT), url).get("default_branch") or "")
        if not ref:
            raise FetchError(f"{url}: the repository has no default branch (is it empty?)")
    url = f"{_repo_url(location)}/commits/{quote(ref, safe='')}"
    sha = _object(http.json(url, accept=API_ACCEPT), url).get("sha")
    if not isinstance(sha, str) or not sha:
        raise FetchError(f"{url}: the GitHub API gave no commit")
    return ref, sha


def tree(http: Http, location: Location, sha: str) -> list[Blob]:
    """Every file of the repository at commit ``sha``."""
    url = f"{_repo_url(location)}/git/trees/{sha}?recursive=1"
    answer = _object(http.json(url, accept=API_ACCEPT), url)
    if answer.get("truncated"):
        raise FetchError(
            f"{location.origin}: the repository is too large to list in one request;"
            " import its list files by path (github:OWNER/REPO/PATH)"
        )
    entries = answer.get("tree")
    if not isinstance(entries, list):
        raise FetchError(f"{url}: unexpected answer from the GitHub API")
    return [
        Blob(str(e["path"]), int(e.get("size") or 0))
        for e in entries
        if isinstance(e, dict) and e.get("type") == "blob" and e.get("mode") != "120000"
    ]


def raw(http: Http, location: Location, sha: str, path: str) -> bytes:
    """One file's bytes at commit ``sha``."""
    url = f"{raw_base()}/{quote(location.owner)}/{quote(location.repo)}/{sha}/{quote(path)}"
    data = http.get(url).data
    if data is None:
        raise GoneError(f"{url}: the server gave no content")
    return data


def github_file(location: Location, path: str) -> str:
    """The identity of one file of a GitHub location: its own ``github:`` origin.

    >>> from paperdb.fetch.locations import github
    >>> github_file(github("o", "r", None, "lists"), "lists/a.md")
    'github:o/r/lists/a.md'
    """
    return github_location(location.owner, location.repo, location.ref, path).origin
