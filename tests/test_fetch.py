"""The fetch layer against a fake web and a fake GitHub on 127.0.0.1, and local git."""

from __future__ import annotations

from pathlib import Path

import pytest

from paperdb import fetch, reader
from paperdb.errors import FetchError, GoneError, InputError
from paperdb.fetch import Known, git, http, parse_location, take
from tests.fakeweb import FakeGitHub, FakeWeb
from tests.gitrepo import GitRepo

LIST = (
    "# Pruning\n\n- 2019-ICLR-[The Lottery Ticket Hypothesis](https://arxiv.org/abs/1803.03635)\n"
)


def _take(url: str, known: Known | None = None) -> fetch.Snapshot:
    location = parse_location(url)
    assert location is not None
    return take(location, known)


# -- locations ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind", "origin"),
    [
        ("github:o/r", "github", "github:o/r"),
        ("github:o/r@dev/lists/", "github", "github:o/r@dev/lists"),
        ("https://github.com/o/r", "github", "github:o/r"),
        ("https://github.com/o/r.git", "github", "github:o/r"),
        ("https://github.com/o/r/tree/main/lists", "github", "github:o/r@main/lists"),
        ("https://example.org/x/list.md", "http", "https://example.org/x/list.md"),
        ("https://example.org/x/list.git", "git", "https://example.org/x/list.git"),
        ("ssh://git@example.org/x.git", "git", "ssh://git@example.org/x.git"),
        ("file:///tmp/x", "git", "file:///tmp/x"),
    ],
)
def test_parse_location(text: str, kind: str, origin: str) -> None:
    location = parse_location(text)
    assert location is not None
    assert (location.kind, location.origin) == (kind, origin)
    assert parse_location(location.origin) == location  # the origin parses back to itself


@pytest.mark.parametrize(
    "text",
    [
        "github:",
        "github:onlyowner",
        "ftp://example.org/x.md",
        "https://github.com/o",
        "https://github.com/o/r/issues",
    ],
)
def test_parse_location_refuses_malformed(text: str) -> None:
    with pytest.raises(InputError):
        parse_location(text)


def test_local_paths_are_not_locations(tmp_path: Path) -> None:
    (tmp_path / "plain").mkdir()
    assert parse_location(str(tmp_path / "plain")) is None
    assert parse_location(str(tmp_path / "missing.md")) is None
    repo = GitRepo(tmp_path / "checkout")
    location = parse_location(str(repo.root))
    assert location is not None and location.kind == "checkout" and not location.remote


# -- plain URLs -----------------------------------------------------------------------


def test_url_is_fetched_then_not_modified_by_etag(web: FakeWeb) -> None:
    route = web.file("/lists/pruning.md", LIST)
    first = _take(web.url("/lists/pruning.md"))
    [file] = first.files
    assert (file.name, file.data, file.etag) == ("pruning.md", LIST.encode(), route.etag)
    assert file.identity == web.url("/lists/pruning.md")
    again = _take(
        web.url("/lists/pruning.md"), Known(validators={file.identity: (file.etag, None)})
    )
    assert again.files[0].data is None  # 304: nothing downloaded
    assert web.seen[-1].headers["If-None-Match"] == route.etag


def test_url_is_not_modified_by_last_modified(web: FakeWeb) -> None:
    route = web.file("/l.md", LIST, etag=False, last_modified=True)
    url = web.url("/l.md")
    [file] = _take(url).files
    assert file.last_modified == route.last_modified and file.etag is None
    [again] = _take(url, Known(validators={url: (None, file.last_modified)})).files
    assert again.data is None


def test_changed_file_is_downloaded_again(web: FakeWeb) -> None:
    web.file("/l.md", LIST)
    [file] = _take(web.url("/l.md")).files
    web.file("/l.md", LIST + "- another\n")
    [again] = _take(web.url("/l.md"), Known(validators={file.identity: (file.etag, None)})).files
    assert again.data == (LIST + "- another\n").encode()


@pytest.mark.parametrize(
    ("setup", "error", "message"),
    [
        (lambda w: w.status("/l.md", 404), GoneError, "not found (HTTP 404)"),
        (lambda w: w.status("/l.md", 410), GoneError, "not found (HTTP 410)"),
        (lambda w: w.status("/l.md", 500), FetchError, "server error (HTTP 500)"),
        (lambda w: w.status("/l.md", 403), FetchError, "access denied (HTTP 403)"),
        (lambda w: w.redirect("/l.md", "/l.md"), FetchError, "too many redirects (more than 5)"),
        (
            lambda w: w.file("/l.md", "<html></html>", content_type="text/html"),
            FetchError,
            "the server sent a web page, not a markdown file",
        ),
    ],
)
def test_url_faults_are_one_line(web: FakeWeb, setup, error, message) -> None:  # type: ignore[no-untyped-def]
    setup(web)
    with pytest.raises(error) as caught:
        _take(web.url("/l.md"))
    assert message in str(caught.value)
    assert web.url("/l.md") in str(caught.value)
    assert "\n" not in str(caught.value)


def test_slow_server_times_out(web: FakeWeb, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAPERDB_HTTP_TIMEOUT", "0.3")
    web.file("/l.md", LIST).delay = 30
    with pytest.raises(FetchError, match=r"timed out \(limit 0.3 s\)"):
        _take(web.url("/l.md"))


def test_unreachable_server_is_one_line(web: FakeWeb) -> None:
    url = web.url("/l.md")
    web.close()
    with pytest.raises(FetchError, match="cannot connect"):
        _take(url)


def test_busy_server_is_tried_once_more(web: FakeWeb, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(http, "RETRY_PAUSE", 0)
    web.file("/l.md", LIST).fail_first = 1
    assert _take(web.url("/l.md")).files[0].data == LIST.encode()
    web.file("/l.md", LIST).fail_first = 2
    with pytest.raises(FetchError, match="server is unavailable"):
        _take(web.url("/l.md"))


@pytest.mark.parametrize("chunked", [False, True])
def test_body_over_the_size_limit_is_refused(
    web: FakeWeb, monkeypatch: pytest.MonkeyPatch, chunked: bool
) -> None:
    monkeypatch.setattr(reader, "MAX_BYTES", 4096)
    web.file("/big.md", "x" * 10_000).chunked = chunked
    with pytest.raises(FetchError, match="larger than the 0 MB limit"):
        _take(web.url("/big.md"))


def test_bad_timeout_setting_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAPERDB_HTTP_TIMEOUT", "soon")
    with pytest.raises(FetchError, match="PAPERDB_HTTP_TIMEOUT='soon'"):
        http.timeout_seconds()


def test_token_is_sent_to_plain_urls_never(web: FakeWeb, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", "sekrit")
    web.file("/l.md", LIST)
    _take(web.url("/l.md"))
    assert "Authorization" not in web.seen[-1].headers


# -- GitHub ---------------------------------------------------------------------------

REPO = {
    "README.md": LIST,
    "lists/2021.md": "# 2021\n- [A](https://arxiv.org/abs/2101.00001)\n",
    "CONTRIBUTING.md": "# How to contribute\n",
    ".github/PULL_REQUEST_TEMPLATE.md": "x\n",
    "setup.py": "print()\n",
}


def test_github_repository_lists_its_markdown_lists(hub: FakeGitHub) -> None:
    sha = hub.set_repo("lead", "awesome", REPO)
    snap = _take("https://github.com/lead/awesome")
    assert snap.revision == sha
    assert [(f.identity, f.name) for f in snap.files] == [
        ("github:lead/awesome/README.md", "README.md"),
        ("github:lead/awesome/lists/2021.md", "2021.md"),
    ]
    assert snap.files[0].data == LIST.encode()


def test_github_same_commit_reads_nothing_more(hub: FakeGitHub) -> None:
    sha = hub.set_repo("lead", "awesome", REPO)
    before = len(hub.seen)
    snap = _take("github:lead/awesome", Known(revision=sha))
    assert snap.unchanged and not snap.files
    assert [p for p in hub.paths()[before:] if "/git/trees/" in p or "/raw/" in p] == []


def test_github_path_selects_a_file_or_folder(hub: FakeGitHub) -> None:
    hub.set_repo("lead", "awesome", REPO)
    assert [f.identity for f in _take("github:lead/awesome/lists").files] == [
        "github:lead/awesome/lists/2021.md"
    ]
    # a file named explicitly is taken whatever its name
    assert [f.name for f in _take("github:lead/awesome/CONTRIBUTING.md").files] == [
        "CONTRIBUTING.md"
    ]
    with pytest.raises(GoneError, match=r"no file or folder 'gone\.md'"):
        _take("github:lead/awesome/gone.md")


def test_github_missing_repository(hub: FakeGitHub) -> None:
    with pytest.raises(GoneError, match="not found"):
        _take("github:lead/nothing")


def test_github_repository_without_lists(hub: FakeGitHub) -> None:
    hub.set_repo("lead", "code", {"main.py": "x", "LICENSE.md": "MIT"})
    with pytest.raises(FetchError, match="no markdown list files"):
        _take("github:lead/code")


def test_github_token_goes_to_github_hosts_only(
    hub: FakeGitHub, web: FakeWeb, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", "sekrit")
    sha = hub.set_repo("lead", "awesome", REPO)
    # the raw host sends one file on to another origin: the token must not follow
    web.file("/moved.md", "# moved\n")
    hub.redirect(f"/raw/lead/awesome/{sha}/lists/2021.md", web.url("/moved.md"))
    snap = _take("github:lead/awesome")
    assert snap.files[1].data == b"# moved\n"
    assert {s.headers.get("Authorization") for s in hub.seen} == {"Bearer sekrit"}
    assert [s.headers.get("Authorization") for s in web.seen] == [None]


def test_repository_file_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fetch, "MAX_FILES", 2)
    with pytest.raises(FetchError, match="3 markdown files, more than the 2"):
        fetch.select([("a.md", 1), ("b.md", 1), ("c.md", 1)], "", "github:o/r")
    monkeypatch.setattr(reader, "MAX_BYTES", 10)
    with pytest.raises(FetchError, match=r"b\.md is larger than"):
        fetch.select([("a.md", 1), ("b.md", 11)], "", "github:o/r")


# -- git ------------------------------------------------------------------------------


def test_git_url_is_read_from_the_commit(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "list")
    sha = repo.commit({"README.md": LIST, "CONTRIBUTING.md": "x", "notes.txt": "y"})
    (repo.root / "README.md").write_text("uncommitted\n")  # not read: only the commit is
    (repo.root / "leak.md").symlink_to("/etc/hostname")
    repo.git("add", "leak.md")
    repo.git("commit", "-q", "-m", "a symlink")
    sha = repo.git("rev-parse", "HEAD")
    snap = _take(repo.url)
    assert snap.revision == sha
    assert [(f.identity, f.data) for f in snap.files] == [(f"{repo.url}#README.md", LIST.encode())]


def test_git_same_commit_is_not_cloned(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = GitRepo(tmp_path / "list")
    sha = repo.commit({"README.md": LIST})

    def no_clone(url: str) -> None:
        raise AssertionError("cloned")

    monkeypatch.setattr(git, "Clone", no_clone)
    assert _take(repo.url, Known(revision=sha)).unchanged


def test_git_failure_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(FetchError) as caught:
        _take((tmp_path / "nothing").as_uri())
    assert (tmp_path / "nothing").as_uri() in str(caught.value)
    assert "\n" not in str(caught.value)


def test_local_head(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "list")
    assert git.local_head(repo.root) is None  # no commits yet
    sha = repo.commit({"README.md": LIST})
    assert git.local_head(repo.root) == sha
