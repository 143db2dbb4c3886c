"""Import from where lists live and sync them: local git, a fake web and a fake GitHub.

Nothing here touches the internet: git repositories are built in tmp_path, HTTP is
served from 127.0.0.1 (tests/fakeweb.py).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlite_utils import Database

from paperdb import whatsnew
from paperdb.errors import InputError, QueryError
from paperdb.filters import Filters
from paperdb.ingest import import_files
from paperdb.sync import SourceSync, gather, sync
from tests.fakeweb import FakeGitHub, FakeWeb
from tests.gitrepo import GitRepo
from tests.helpers import counts

HEAD = "# Awesome Pruning\n\n## 2019\n\n"
LOTTERY = "- 2019-ICLR-[The Lottery Ticket Hypothesis: Finding Sparse, Trainable Neural Networks](https://arxiv.org/abs/1803.03635)\n"
RETHINK = (
    "- 2019-ICLR-[Rethinking the Value of Network Pruning](https://arxiv.org/abs/1810.05270)\n"
)
GEOMETRIC = "- 2019-CVPR-[Filter Pruning via Geometric Median for Deep Convolutional Neural Networks Acceleration](https://arxiv.org/abs/1811.00250)\n"
ADDED = [
    "- 2020-ICLR-[Comparing Rewinding and Fine-tuning in Neural Network Pruning](https://arxiv.org/abs/2003.02389)\n",
    "- 2020-NeurIPS-[Movement Pruning: Adaptive Sparsity by Fine-Tuning](https://arxiv.org/abs/2005.07683)\n",
    "- 2020-ICML-[Proving the Lottery Ticket Hypothesis: Pruning is All You Need](https://arxiv.org/abs/2002.00585)\n",
]
FIRST = HEAD + LOTTERY + RETHINK + GEOMETRIC
# three entries added, one (Rethinking) removed
SECOND = HEAD + LOTTERY + GEOMETRIC + "".join(ADDED)


def _import(db: Database, *texts: str, offline: bool = False) -> None:
    import_files(db.conn, gather(list(texts), offline=offline))


def _titles(db: Database, since: datetime) -> set[str]:
    found = whatsnew.new_papers(db.conn, since)
    return {row["title"] for row in whatsnew.new_rows(db.conn, found)}


def _an_hour_ago() -> datetime:
    return datetime.now(UTC) - timedelta(hours=1)


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    repo = GitRepo(tmp_path / "awesome-pruning")
    repo.commit({"README.md": FIRST})
    return repo


# -- local checkouts and git remotes ---------------------------------------------------


@pytest.mark.parametrize("how", ["checkout", "url"])
def test_commit_import_commit_sync(db: Database, repo: GitRepo, how: str) -> None:
    where = str(repo.root) if how == "checkout" else repo.url
    _import(db, where)
    assert _titles(db, _an_hour_ago()) == set()  # a list's first import is the baseline
    origin, revision = db.execute("SELECT origin, revision FROM sources").fetchone()
    assert origin == (str(repo.root.resolve()) if how == "checkout" else repo.url)
    assert revision == repo.git("rev-parse", "HEAD")

    sha = repo.commit({"README.md": SECOND})
    report = sync(db.conn)
    # Issue 10: a checkout is a folder import (its name in front); a remote file keeps its name.
    name = f"{repo.root.name}/README.md" if how == "checkout" else "README.md"
    assert report.sources == [SourceSync(name, "updated", new=3, removed=1, changed=0)]
    assert not report.failed and report.new_papers == 3
    assert _titles(db, report.started) == {line.split("[")[1].split("]")[0] for line in ADDED}
    assert db.execute("SELECT revision FROM sources").fetchone()[0] == sha

    before = counts(db)
    again = sync(db.conn)  # idempotent
    assert again.sources == [SourceSync(name, "unchanged")]
    assert again.new_papers == 0  # even within the same second as the sync before
    assert counts(db) == before


def test_checkout_import_reads_the_folder_as_a_folder_import_does(
    db: Database, repo: GitRepo
) -> None:
    (repo.root / "notes.txt").write_text("- 2019-ICLR-[Some Paper](https://x.org/a)\n")
    _import(db, str(repo.root))
    paths = [row[0] for row in db.execute("SELECT path FROM sources ORDER BY path")]
    assert paths == [str((repo.root / n).resolve()) for n in ("README.md", "notes.txt")]


def test_edited_entry_is_changed_and_keeps_its_first_seen(db: Database, repo: GitRepo) -> None:
    _import(db, repo.url)
    seen = dict(db.execute("SELECT title_key, first_seen FROM entries").fetchall())
    db.execute("UPDATE entries SET first_seen = '2020-01-01T00:00:00+00:00'")
    db.conn.commit()
    repo.commit({"README.md": FIRST.replace("2019-CVPR-", "2019-ICCV-")})
    [result] = sync(db.conn).sources
    assert (result.new, result.removed, result.changed) == (0, 0, 1)
    assert {v for (v,) in db.execute("SELECT first_seen FROM entries")} == {
        "2020-01-01T00:00:00+00:00"
    }
    assert len(seen) == 3


def test_file_gone_upstream_is_reported_and_kept(db: Database, repo: GitRepo) -> None:
    repo.commit({"lists/2020.md": HEAD + ADDED[0]})
    _import(db, repo.url)
    repo.commit({"lists/2020.md": None, "README.md": SECOND})
    report = sync(db.conn)
    assert SourceSync("2020.md", "gone") in report.sources
    assert report.failed
    kept = db.execute(
        "SELECT count(*) FROM entries e JOIN sources s ON s.id = e.source_id"
        " WHERE s.name = '2020.md'"
    ).fetchone()[0]
    assert kept == 1


def test_file_new_upstream_is_imported(db: Database, repo: GitRepo) -> None:
    _import(db, repo.url)
    repo.commit({"lists/2020.md": HEAD + ADDED[0]})
    report = sync(db.conn)
    assert SourceSync("2020.md", "new", new=0) in report.sources
    # a file added to a followed repository is part of that list: its papers are new
    assert _titles(db, report.started) == {ADDED[0].split("[")[1].split("]")[0]}


# -- plain URLs ----------------------------------------------------------------------


def test_url_sync_uses_conditional_requests(db: Database, web: FakeWeb) -> None:
    route = web.file("/pruning.md", FIRST)
    _import(db, web.url("/pruning.md"))
    before = counts(db)
    assert sync(db.conn).sources == [SourceSync("pruning.md", "unchanged")]
    assert web.seen[-1].headers.get("If-None-Match") == route.etag
    assert counts(db) == before
    web.file("/pruning.md", SECOND)
    assert sync(db.conn).sources == [SourceSync("pruning.md", "updated", new=3, removed=1)]


@pytest.mark.parametrize(
    ("code", "message"), [(404, "not found (HTTP 404)"), (500, "server error (HTTP 500)")]
)
def test_failing_source_is_left_as_it_was_and_others_sync(
    db: Database, web: FakeWeb, code: int, message: str
) -> None:
    web.file("/a.md", FIRST)
    web.file("/b.md", HEAD + ADDED[0])
    _import(db, web.url("/a.md"), web.url("/b.md"))
    web.status("/a.md", code)
    web.file("/b.md", HEAD + "".join(ADDED))
    a_before = db.execute("SELECT raw FROM entries WHERE source_id = 1 ORDER BY line").fetchall()
    report = sync(db.conn)
    assert report.failed
    [failure] = report.failures
    assert message in failure and "a.md was left as it was" in failure
    assert report.sources == [SourceSync("b.md", "updated", new=2)]
    assert (
        db.execute("SELECT raw FROM entries WHERE source_id = 1 ORDER BY line").fetchall()
        == a_before
    )


def test_url_that_empties_is_refused(db: Database, web: FakeWeb) -> None:
    web.file("/a.md", FIRST)
    _import(db, web.url("/a.md"))
    before = counts(db)
    web.file("/a.md", "# nothing here any more\n")
    report = sync(db.conn)
    assert report.failed and "holds no paper entries any more (it had 3)" in report.failures[0]
    assert counts(db) == before


# -- GitHub ---------------------------------------------------------------------------


def test_github_repository_import_and_sync(db: Database, hub: FakeGitHub) -> None:
    hub.set_repo("lead", "awesome", {"README.md": FIRST, "CONTRIBUTING.md": "# rules\n"})
    _import(db, "https://github.com/lead/awesome")
    assert [r[0] for r in db.execute("SELECT path FROM sources")] == [
        "github:lead/awesome/README.md"
    ]
    seen = len(hub.seen)
    assert sync(db.conn).sources == [SourceSync("README.md", "unchanged")]
    assert not any("/git/trees/" in p or "/raw/" in p for p in hub.paths()[seen:])
    hub.set_repo("lead", "awesome", {"README.md": SECOND, "lists/more.md": HEAD + ADDED[0]})
    report = sync(db.conn)
    assert report.sources == [
        SourceSync("README.md", "updated", new=3, removed=1),
        SourceSync("more.md", "new"),
    ]
    by_origin = whatsnew.new_papers(
        db.conn, report.started, Filters(sources=("github:lead/awesome",))
    )
    assert len(by_origin) == 3
    assert (
        whatsnew.new_papers(db.conn, report.started, Filters(sources=("github:lead/other",))) == []
    )


# -- choosing sources, offline -------------------------------------------------------


def test_sync_named_sources_only(db: Database, web: FakeWeb, tmp_path: Path) -> None:
    web.file("/a.md", FIRST)
    web.file("/b.md", FIRST)
    local = tmp_path / "local.md"
    local.write_text(FIRST)
    _import(db, web.url("/a.md"), web.url("/b.md"), str(local))
    web.file("/a.md", SECOND)
    web.file("/b.md", SECOND)
    assert [s.name for s in sync(db.conn, ["a.md"]).sources] == ["a.md"]
    with pytest.raises(QueryError, match="no source has this name"):
        sync(db.conn, ["nothing.md"])
    with pytest.raises(InputError, match="no origin to sync from"):
        sync(db.conn, ["local.md"])


def test_offline_refuses_the_network_only(db: Database, repo: GitRepo) -> None:
    with pytest.raises(InputError, match="--offline"):
        _import(db, "https://example.invalid/list.md", offline=True)
    with pytest.raises(InputError, match="--offline"):
        _import(db, "github:lead/awesome", offline=True)
    _import(db, str(repo.root), offline=True)  # a local checkout needs no network
    with pytest.raises(InputError, match="--offline"):
        sync(db.conn, offline=True)


def test_file_emptied_upstream_is_refused_not_emptied(db: Database, repo: GitRepo) -> None:
    repo.commit({"lists/2020.md": HEAD + ADDED[0]})
    _import(db, repo.url)
    before = counts(db)
    repo.commit({"lists/2020.md": "# 2020\n\nNothing yet.\n", "README.md": SECOND})
    report = sync(db.conn)
    [failure] = report.failures
    assert "#lists/2020.md: the list holds no paper entries any more (it had 1)" in failure
    assert "its 2 sources were left as they were" in failure
    assert counts(db) == before


def test_backup_keeps_the_state_from_before_the_whole_sync(web: FakeWeb, tmp_path: Path) -> None:
    from paperdb.db import open_db

    path = tmp_path / "x.db"
    conn = open_db(path)
    web.file("/a.md", FIRST)
    web.file("/b.md", FIRST)
    import_files(conn, gather([web.url("/a.md"), web.url("/b.md")]))
    hashes = conn.execute("SELECT content_hash FROM sources ORDER BY id").fetchall()
    web.file("/a.md", SECOND)
    web.file("/b.md", SECOND)
    report = sync(conn)
    conn.close()
    assert report.backup == tmp_path / "x.db.bak"
    backup = Database(str(report.backup))
    assert backup.execute("SELECT content_hash FROM sources ORDER BY id").fetchall() == hashes
    backup.close()
