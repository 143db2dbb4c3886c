"""Read lists from where they live: a URL, a GitHub repository, a git remote.

:func:`take` turns a :class:`~paperdb.fetch.locations.Location` into a
:class:`Snapshot`: the revision read (a git commit, when there is one) and the list
files' bytes, each with the identity its source keeps in the database. Given what the
database remembers (:class:`Known`), it asks as little as it can: an unchanged commit
ends the fetch before any file is read, and a plain URL is fetched conditionally
(``If-None-Match`` / ``If-Modified-Since``). Bytes are decoded by the ingest layer,
exactly like a local file's. This package never touches the database.

Local git checkouts are read from disk by the ingest layer, like any folder.
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from paperdb import reader
from paperdb.errors import FetchError, GoneError
from paperdb.fetch import git, github
from paperdb.fetch.http import Http
from paperdb.fetch.locations import Location, parse_location

__all__ = ["Fetched", "Known", "Location", "Snapshot", "is_repo_list", "parse_location", "take"]

MAX_FILES = 200  # list files read from one repository; more is not a paper list
REPO_SUFFIXES = (".md", ".markdown")
# Markdown files every repository has that are not paper lists.
NOT_LISTS = frozenset(
    {
        "authors",
        "changelog",
        "changes",
        "citation",
        "code_of_conduct",
        "code-of-conduct",
        "codeowners",
        "contributing",
        "contributors",
        "funding",
        "governance",
        "history",
        "issue_template",
        "licence",
        "license",
        "maintainers",
        "pull_request_template",
        "security",
        "support",
    }
)
HTML_TYPES = ("text/html", "application/xhtml+xml")


@dataclass(frozen=True, slots=True)
class Fetched:
    """One list file as fetched."""

    identity: str  # the source's identity (sources.path): stable across imports and syncs
    name: str  # file name, for messages
    data: bytes | None  # None: not modified since the validators were given (HTTP 304)
    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True, slots=True)
class Known:
    """What the database remembers about a location's sources."""

    revision: str | None = None  # the commit read last time
    validators: Mapping[str, tuple[str | None, str | None]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Snapshot:
    """A location's list files at one revision."""

    location: Location
    revision: str | None
    files: Sequence[Fetched] = ()
    unchanged: bool = False  # the revision is the one read last time: nothing was fetched


def is_repo_list(path: str) -> bool:
    """Whether a file in a repository is taken as a paper list.

    Markdown files outside hidden folders, except the files every project has.

    >>> [p for p in ("README.md", "lists/2021.markdown", "CONTRIBUTING.md",
    ...              ".github/x.md", "setup.py") if is_repo_list(p)]
    ['README.md', 'lists/2021.markdown']
    """
    parts = path.split("/")
    if any(part.startswith(".") for part in parts):
        return False
    stem, suffix = posixpath.splitext(parts[-1])
    return suffix.lower() in REPO_SUFFIXES and stem.lower() not in NOT_LISTS


def select(paths: Sequence[tuple[str, int]], subpath: str, origin: str) -> list[str]:
    """The list files of a repository (``(path, size)`` pairs) under ``subpath``.

    A ``subpath`` naming one file takes it whatever its name.

    Raises:
        GoneError: nothing is at ``subpath``.
        FetchError: no list files, too many, or one too large.
    """
    sizes = dict(paths)
    if subpath in sizes:
        chosen = [subpath]
    else:
        prefix = f"{subpath}/" if subpath else ""
        under = [p for p in sizes if p.startswith(prefix)]
        if subpath and not under:
            raise GoneError(f"{origin}: no file or folder {subpath!r} in the repository")
        chosen = sorted(p for p in under if is_repo_list(p[len(prefix) :]))
    if not chosen:
        raise FetchError(f"{origin}: no markdown list files (*.md) in the repository")
    if len(chosen) > MAX_FILES:
        raise FetchError(
            f"{origin}: {len(chosen)} markdown files, more than the {MAX_FILES} paperdb reads"
            " from one repository; import a folder of it (github:OWNER/REPO/PATH)"
        )
    for path in chosen:
        if sizes[path] > reader.MAX_BYTES:
            raise FetchError(
                f"{origin}: {path} is larger than the {reader.MAX_BYTES // 1024 // 1024} MB limit"
                " for a paper list"
            )
    return chosen


def _http(location: Location, known: Known) -> Snapshot:
    etag, last_modified = known.validators.get(location.origin, (None, None))
    with Http() as http:
        response = http.get(location.url, etag=etag, last_modified=last_modified)
    if response.content_type.split(";")[0].strip().lower() in HTML_TYPES:
        raise FetchError(
            f"{location.url}: the server sent a web page, not a markdown file (give the raw"
            " file's URL; for a GitHub repository, https://github.com/OWNER/REPO)"
        )
    name = posixpath.basename(unquote(urlsplit(location.url).path)) or location.url
    fetched = Fetched(location.origin, name, response.data, response.etag, response.last_modified)
    return Snapshot(location, None, [fetched])


def _github(location: Location, known: Known) -> Snapshot:
    with github.client() as http:
        _, sha = github.head_commit(http, location)
        if known.revision == sha:
            return Snapshot(location, sha, unchanged=True)
        blobs = github.tree(http, location, sha)
        chosen = select([(b.path, b.size) for b in blobs], location.path, location.origin)
        files = [
            Fetched(
                github.github_file(location, path),
                posixpath.basename(path),
                github.raw(http, location, sha, path),
            )
            for path in chosen
        ]
    return Snapshot(location, sha, files)


def _git(location: Location, known: Known) -> Snapshot:
    if known.revision is not None and git.remote_head(location.url) == known.revision:
        return Snapshot(location, known.revision, unchanged=True)
    with git.Clone(location.url) as clone:
        sha = clone.head()
        by_path = {f.path: f for f in clone.files()}
        chosen = select([(f.path, f.size) for f in by_path.values()], "", location.origin)
        files = [
            Fetched(f"{location.url}#{path}", posixpath.basename(path), clone.read(by_path[path]))
            for path in chosen
        ]
    return Snapshot(location, sha, files)


def take(location: Location, known: Known | None = None) -> Snapshot:
    """Fetch a remote location's list files.

    Raises:
        GoneError: the file, path or repository is no longer there.
        FetchError: the network, the server or git failed, or a file is too large.
    """
    known = known or Known()
    if location.kind == "http":
        return _http(location, known)
    if location.kind == "github":
        return _github(location, known)
    if location.kind == "git":
        return _git(location, known)
    raise FetchError(f"{location.origin}: a local checkout is read from disk, not fetched")
