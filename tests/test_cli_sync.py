"""paperdb import URL / sync / new through the CLI, against 127.0.0.1 and local git."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from paperdb.cli import app
from tests.fakeweb import FakeGitHub, FakeWeb
from tests.gitrepo import GitRepo
from tests.test_sync import ADDED, FIRST, SECOND


def _dump(db: Path) -> list[tuple[object, ...]]:
    """Every row of the tables a sync writes (FTS shadow tables follow papers)."""
    conn = sqlite3.connect(db)
    try:
        rows: list[tuple[object, ...]] = []
        for table in ("sources", "entries", "papers", "import_warnings"):
            rows += [(table, *r) for r in conn.execute(f"SELECT * FROM {table} ORDER BY 1")]
        return rows
    finally:
        conn.close()


def _run(runner: CliRunner, db: Path, *args: str) -> object:
    return runner.invoke(app, ["--db", str(db), *args])


def test_done_when_local_git_list(runner: CliRunner, tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "awesome")
    repo.commit({"README.md": FIRST})
    db = tmp_path / "x.db"
    result = runner.invoke(app, ["--db", str(db), "import", str(repo.root)])
    assert result.exit_code == 0, result.stderr
    repo.commit({"README.md": SECOND})

    result = runner.invoke(app, ["--db", str(db), "sync"], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    # Issue 10: a checkout is a folder import: its files are named with its name in front.
    assert result.stdout == "awesome/README.md: updated, 3 new, 1 removed, 0 changed entries\n"
    assert "3 new paper(s), list them with: paperdb new --since " in result.stderr

    result = runner.invoke(app, ["--db", str(db), "new", "--since", "1d", "-f", "json"])
    assert result.exit_code == 0, result.stderr
    titles = [row["title"] for row in json.loads(result.stdout)]
    assert sorted(titles) == sorted(line.split("[")[1].split("]")[0] for line in ADDED)
    assert {tuple(row["sources"]) for row in json.loads(result.stdout)} == {("awesome/README.md",)}

    digest = tmp_path / "new.md"
    args = ["--db", str(db), "new", "--since", "1d", "--topic", "pruning", "-f", "markdown"]
    result = runner.invoke(app, [*args, "-o", str(digest)])
    assert result.exit_code == 0, result.stderr
    assert digest.read_text().startswith("# New papers since ")
    assert all(t in digest.read_text() for t in titles)
    again = runner.invoke(app, [*args, "-o", str(digest)])
    assert again.exit_code == 1 and "pass --force" in again.stderr
    result = runner.invoke(app, ["--db", str(db), "new", "-f", "csl-json", "-o", "-"])
    assert result.exit_code == 0, result.stderr
    assert sorted(item["title"] for item in json.loads(result.stdout)) == sorted(titles)

    result = runner.invoke(app, ["--db", str(db), "sync"])
    assert (result.exit_code, result.stdout) == (0, "awesome/README.md: unchanged\n")
    assert "1 unchanged, 0 failed; 0 new paper(s)\n" in result.stderr


def test_new_lists_nothing_after_a_first_import(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "l.md").write_text(FIRST)
    db = tmp_path / "x.db"
    assert runner.invoke(app, ["--db", str(db), "import", str(tmp_path / "l.md")]).exit_code == 0
    result = runner.invoke(app, ["--db", str(db), "new", "-f", "csv"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("id,title,year")
    assert len(result.stdout.splitlines()) == 1
    assert "no new papers since" in result.stderr


def test_new_bad_since_is_a_usage_error(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["--db", str(tmp_path / "x.db"), "new", "--since", "lately"])
    assert result.exit_code == 2
    assert "--since" in result.stderr and "Traceback" not in result.stderr


def _fault(web: FakeWeb, kind: str) -> str:
    if kind == "404":
        web.status("/l.md", 404)
        return "not found (HTTP 404)"
    if kind == "500":
        web.status("/l.md", 500)
        return "server error (HTTP 500)"
    if kind == "slow":
        web.file("/l.md", SECOND).delay = 30
        return "timed out"
    web.redirect("/l.md", "/l.md")
    return "too many redirects"


@pytest.mark.parametrize("kind", ["404", "500", "slow", "redirect-loop"])
def test_http_faults_end_in_one_line_and_change_nothing(
    runner: CliRunner, tmp_path: Path, web: FakeWeb, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    monkeypatch.setenv("PAPERDB_HTTP_TIMEOUT", "0.3")
    db = tmp_path / "x.db"
    web.file("/l.md", FIRST)
    assert runner.invoke(app, ["--db", str(db), "import", web.url("/l.md")]).exit_code == 0
    before = _dump(db)
    message = _fault(web, kind)

    result = runner.invoke(app, ["--db", str(db), "sync"])
    assert result.exit_code == 1
    [error] = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert message in error and web.url("/l.md") in error and "l.md was left as it was" in error
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert _dump(db) == before

    result = runner.invoke(app, ["--db", str(db), "import", web.url("/l.md")])
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and message in result.stderr
    assert _dump(db) == before


def test_offline_refuses_urls_and_sync(
    runner: CliRunner, tmp_path: Path, web: FakeWeb, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "x.db"
    web.file("/l.md", FIRST)
    result = runner.invoke(app, ["--db", str(db), "import", "--offline", web.url("/l.md")])
    assert result.exit_code == 1 and "--offline" in result.stderr
    assert web.seen == [] and not db.exists()
    assert runner.invoke(app, ["--db", str(db), "import", web.url("/l.md")]).exit_code == 0
    monkeypatch.setenv("PAPERDB_OFFLINE", "1")
    result = runner.invoke(app, ["--db", str(db), "sync"])
    assert result.exit_code == 1 and "--offline" in result.stderr
    assert len(web.seen) == 1


def test_sync_without_sources(runner: CliRunner, tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    result = runner.invoke(app, ["--db", str(db), "sync"])
    assert result.exit_code == 1 and "no database yet" in result.stderr
    assert not db.exists()
    (tmp_path / "l.md").write_text(FIRST)
    runner.invoke(app, ["--db", str(db), "import", str(tmp_path / "l.md")])
    result = runner.invoke(app, ["--db", str(db), "sync"])
    assert result.exit_code == 0 and "nothing to sync" in result.stderr
    result = runner.invoke(app, ["--db", str(db), "sync", "l.md"])
    assert result.exit_code == 1 and "no origin to sync from" in result.stderr


def test_github_token_is_never_stored(
    runner: CliRunner, tmp_path: Path, hub: FakeGitHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_sekrit_token")
    hub.set_repo("lead", "awesome", {"README.md": FIRST})
    db = tmp_path / "x.db"
    result = runner.invoke(app, ["--db", str(db), "import", "github:lead/awesome"])
    assert result.exit_code == 0, result.stderr
    hub.set_repo("lead", "awesome", {"README.md": SECOND})
    assert runner.invoke(app, ["--db", str(db), "sync"]).exit_code == 0
    assert {s.headers.get("Authorization") for s in hub.seen} == {"Bearer ghp_sekrit_token"}
    for file in tmp_path.iterdir():
        assert b"sekrit" not in file.read_bytes(), file


@pytest.mark.slow
def test_kill_during_sync_leaves_the_database_as_before(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "awesome")
    repo.commit({"README.md": FIRST})
    db = tmp_path / "x.db"
    env = {**os.environ, "PAPERDB_DB": str(db)}
    subprocess.run(
        [sys.executable, "-m", "paperdb", "import", repo.url],
        env=env,
        check=True,
        capture_output=True,
    )
    repo.commit({"README.md": SECOND})
    before = _dump(db)
    proc = subprocess.Popen(
        [sys.executable, "-m", "paperdb", "sync"],
        env={**env, "PAPERDB_TEST_PAUSE_AFTER_FILES": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stderr is not None
        assert proc.stderr.readline().strip() == "paused"  # inside the write transaction
    finally:
        proc.kill()
        proc.wait()
    assert _dump(db) == before
    done = subprocess.run(
        [sys.executable, "-m", "paperdb", "sync"], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "README.md: updated, 3 new, 1 removed, 0 changed entries\n"


def test_sync_lines_for_a_repository_and_a_failing_url(
    runner: CliRunner, tmp_path: Path, hub: FakeGitHub, web: FakeWeb
) -> None:
    hub.set_repo("lead", "awesome", {"README.md": FIRST})
    web.file("/pruning/README.md", FIRST)
    db = tmp_path / "x.db"
    result = runner.invoke(
        app,
        [
            "--db",
            str(db),
            "import",
            "https://github.com/lead/awesome",
            web.url("/pruning/README.md"),
        ],
    )
    assert result.exit_code == 0, result.stderr
    hub.set_repo("lead", "awesome", {"README.md": SECOND, "lists/2022.md": FIRST + ADDED[1]})
    web.status("/pruning/README.md", 500)
    result = runner.invoke(app, ["--db", str(db), "sync"])
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "README.md: updated, 3 new, 1 removed, 0 changed entries",
        "2022.md: new upstream, 4 entries",
    ]
    [error] = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert "server error (HTTP 500)" in error and "was left as it was" in error
    assert "synced 3 source(s): 1 updated, 1 new, 1 failed; 3 new paper(s)" in result.stderr
