"""Git repositories through the ``git`` command.

A git URL is cloned shallowly into a temporary folder that is deleted afterwards, and
its files are read from git's objects (``ls-tree`` / ``cat-file``), never from a checked
out work tree: a symlink in someone else's repository cannot make paperdb read a local
file. ``ls-remote`` tells whether the remote moved before anything is cloned. Git runs
without prompts (``GIT_TERMINAL_PROMPT=0``), without the ``ext::`` transport, and within
``PAPERDB_GIT_TIMEOUT`` seconds (default 300).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from paperdb.errors import FetchError
from paperdb.fetch.http import seconds_from_env

TIMEOUT_ENV = "PAPERDB_GIT_TIMEOUT"
DEFAULT_TIMEOUT = 300.0
_SAFE = ("-c", "protocol.ext.allow=never", "-c", "core.askPass=", "-c", "credential.helper=")


@dataclass(frozen=True, slots=True)
class GitFile:
    path: str
    size: int
    sha: str


def _timeout() -> float:
    return seconds_from_env(TIMEOUT_ENV, DEFAULT_TIMEOUT)


def _git(args: list[str], *, what: str, cwd: Path | None = None) -> bytes:
    """Run git; its first error line becomes a FetchError naming ``what``."""
    if shutil.which("git") is None:
        raise FetchError(f"{what}: the git command is not installed")
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_ASKPASS": "", "SSH_ASKPASS": ""}
    try:
        done = subprocess.run(
            ["git", *_SAFE, *args],
            cwd=cwd,
            env=env,
            capture_output=True,
            timeout=_timeout(),
            stdin=subprocess.DEVNULL,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise FetchError(f"{what}: git timed out (limit {_timeout():g} s)") from None
    if done.returncode != 0:
        lines = [ln for ln in done.stderr.decode("utf-8", "replace").splitlines() if ln.strip()]
        reason = lines[-1].strip() if lines else f"git exited with {done.returncode}"
        raise FetchError(f"{what}: {reason.removeprefix('fatal: ')}")
    return done.stdout


def _check_url(url: str) -> None:
    if url.startswith("-"):
        raise FetchError(f"{url}: not a git URL")


def remote_head(url: str) -> str:
    """The commit the remote's HEAD points at, without cloning."""
    _check_url(url)
    out = _git(["ls-remote", "--", url, "HEAD"], what=url).decode("ascii", "replace")
    for line in out.splitlines():
        sha, _, ref = line.partition("\t")
        if ref.strip() == "HEAD" and sha:
            return sha.strip()
    raise FetchError(f"{url}: the repository has no commits")


def local_head(root: Path) -> str | None:
    """The commit checked out in a local work tree (None: no commits yet, or no git)."""
    try:
        return (
            _git(["rev-parse", "--verify", "-q", "HEAD"], what=str(root), cwd=root)
            .decode("ascii")
            .strip()
            or None
        )
    except FetchError:
        return None


class Clone:
    """A shallow clone in a temporary folder, deleted when the block ends."""

    def __init__(self, url: str) -> None:
        _check_url(url)
        self.url = url
        self._dir = Path(tempfile.mkdtemp(prefix="paperdb-git-"))

    def __enter__(self) -> Clone:
        try:
            _git(
                [
                    "clone",
                    "--quiet",
                    "--depth",
                    "1",
                    "--no-checkout",
                    "--",
                    self.url,
                    str(self._dir / "repo"),
                ],
                what=self.url,
            )
        except BaseException:
            shutil.rmtree(self._dir, ignore_errors=True)
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        shutil.rmtree(self._dir, ignore_errors=True)

    @property
    def _repo(self) -> Path:
        return self._dir / "repo"

    def head(self) -> str:
        return _git(["rev-parse", "HEAD"], what=self.url, cwd=self._repo).decode().strip()

    def files(self) -> list[GitFile]:
        """Every regular file at HEAD (symlinks and submodules left out)."""
        out = _git(
            ["ls-tree", "-r", "-l", "-z", "--full-tree", "HEAD"], what=self.url, cwd=self._repo
        )
        found = []
        for record in out.split(b"\0"):
            if not record:
                continue
            meta, _, path = record.partition(b"\t")
            mode, kind, sha, size = meta.split()
            if kind == b"blob" and mode in (b"100644", b"100755"):
                found.append(GitFile(path.decode("utf-8", "replace"), int(size), sha.decode()))
        return found

    def read(self, file: GitFile) -> bytes:
        return _git(["cat-file", "blob", file.sha], what=self.url, cwd=self._repo)
