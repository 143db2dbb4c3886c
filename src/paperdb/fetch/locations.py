"""Where a list lives: parse what the user typed into a :class:`Location`.

A location is one of

* ``http``: any ``http(s)://`` URL of one markdown file (served raw);
* ``github``: ``github:OWNER/REPO[@REF][/PATH]``, or ``https://github.com/OWNER/REPO``
  (also ``/tree/REF/PATH`` and ``/blob/REF/PATH``), read through GitHub's API;
* ``git``: a URL git clones (``https://host/x.git``, ``ssh://``, ``git://``,
  ``file://``, ``user@host:path``);
* ``checkout``: a local folder that is the top of a git work tree, read from disk as a
  plain folder import is (its files keep their paths as identities).

Anything else is a plain local path (:func:`parse_location` returns ``None``).
The location's ``origin`` is what ``sources.origin`` stores; parsing it again gives the
same location, so ``paperdb sync`` needs nothing else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import unquote, urlsplit

from paperdb.errors import InputError

Kind = Literal["http", "github", "git", "checkout"]

_NAME = r"[A-Za-z0-9_.-]+"
_GITHUB_SHORT = re.compile(rf"^github:({_NAME})/({_NAME}?)(?:@([^/\s]+))?(?:/(.*))?$")
_SCP_LIKE = re.compile(r"^[A-Za-z0-9_.-]+@[A-Za-z0-9_.-]+:(?!//).+$")
_GITHUB_HOSTS = {"github.com", "www.github.com"}


@dataclass(frozen=True, slots=True)
class Location:
    """A parsed location; ``origin`` is its canonical text."""

    kind: Kind
    origin: str
    url: str = ""  # http: the file; git: what git clones; checkout: the folder
    owner: str = ""  # github
    repo: str = ""  # github
    ref: str | None = None  # github: branch or tag; None: the default branch
    path: str = ""  # github: a file or folder in the repository; "" for all of it

    @property
    def remote(self) -> bool:
        """Whether reading it needs the network (``--offline`` refuses those)."""
        return self.kind in ("http", "github") or (
            self.kind == "git" and not self.url.startswith("file:")
        )


def github(owner: str, repo: str, ref: str | None = None, path: str = "") -> Location:
    """A GitHub location with its canonical origin.

    >>> github("o", "r", "dev", "lists/a.md").origin
    'github:o/r@dev/lists/a.md'
    """
    path = path.strip("/")
    origin = f"github:{owner}/{repo}" + (f"@{ref}" if ref else "") + (f"/{path}" if path else "")
    return Location("github", origin, owner=owner, repo=repo, ref=ref, path=path)


def _github_short(text: str) -> Location:
    match = _GITHUB_SHORT.match(text)
    if match is None or not match.group(2):
        raise InputError(f"{text}: expected github:OWNER/REPO[/PATH]")
    owner, repo, ref, path = match.groups()
    return github(owner, repo.removesuffix(".git"), ref, path or "")


def _github_url(text: str, path: str) -> Location:
    parts = [unquote(p) for p in path.strip("/").split("/") if p]
    if len(parts) < 2:
        raise InputError(f"{text}: expected https://github.com/OWNER/REPO")
    owner, repo = parts[0], parts[1].removesuffix(".git")
    if len(parts) == 2:
        return github(owner, repo)
    if parts[2] in ("tree", "blob") and len(parts) >= 4:
        return github(owner, repo, parts[3], "/".join(parts[4:]))
    raise InputError(
        f"{text}: not a repository, folder or file URL"
        " (expected https://github.com/OWNER/REPO[/tree|blob/REF/PATH])"
    )


def _url(text: str) -> Location | None:
    split = urlsplit(text)
    scheme = split.scheme.lower()
    if scheme in ("http", "https"):
        if not split.hostname:
            raise InputError(f"{text}: a URL needs a host")
        if split.hostname.lower() in _GITHUB_HOSTS:
            return _github_url(text, split.path)
        if split.path.endswith(".git") or split.path.endswith(".git/"):
            return Location("git", text, url=text)
        return Location("http", text, url=text)
    if scheme in ("git", "ssh", "file"):
        return Location("git", text, url=text)
    if "://" in text:
        raise InputError(f"{text}: unsupported URL scheme {split.scheme!r}; use https, git or ssh")
    return None


def parse_location(text: str) -> Location | None:
    """The location ``text`` names, or None for a plain local path.

    >>> parse_location("github:lead/awesome-pruning/lists").origin
    'github:lead/awesome-pruning/lists'
    >>> parse_location("https://github.com/lead/awesome-pruning/blob/main/README.md").origin
    'github:lead/awesome-pruning@main/README.md'
    >>> parse_location("https://example.org/lists/pruning.md").kind
    'http'
    >>> parse_location("git@example.org:lead/list.git").kind
    'git'
    >>> parse_location("notes/pruning.md") is None
    True

    Raises:
        InputError: a URL with an unsupported scheme, or a malformed GitHub address.
    """
    if text.startswith("github:"):
        return _github_short(text)
    found = _url(text)
    if found is not None:
        return found
    if _SCP_LIKE.match(text) and not Path(text).exists():
        return Location("git", text, url=text)
    folder = Path(text)
    if folder.is_dir() and (folder / ".git").exists():
        root = str(folder.resolve())
        return Location("checkout", root, url=root)
    return None
