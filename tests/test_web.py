"""paperdb serve and publish: a real Datasette on 127.0.0.1, its JSON API and pages.

The seed database's file is named paperdb.db, so Datasette serves it as /paperdb.
Every test starts its own server on a free port and stops it at the end (``running``
asserts that nothing listens afterwards). Values come from the seed database through
paperdb's own commands, never typed in, so importer changes do not break these tests.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import sys
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from paperdb.cli import app
from tests.web_server import Server, free_port, paperdb_serve, running

pytest.importorskip("datasette", reason="the web extra is not installed: pip install '.[web]'")
pytestmark = pytest.mark.slow


@pytest.fixture
def server(seed_db_path: Path, tmp_path: Path) -> Iterator[Server]:
    with paperdb_serve(seed_db_path, tmp_path / "serve.log") as running_server:
        yield running_server


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def lottery_paper(seed_db_path: Path) -> dict[str, object]:
    """The Lottery Ticket Hypothesis paper as `paperdb search` finds it."""
    result = CliRunner().invoke(
        app,
        [
            "--db",
            str(seed_db_path),
            "search",
            "lottery ticket hypothesis",
            "-f",
            "json",
            "--limit",
            "1",
        ],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.stderr
    row: dict[str, object] = json.loads(result.stdout)[0]
    assert "Lottery Ticket Hypothesis" in str(row["title"])
    return row


def test_home_page_search_and_facets(server: Server, seed_db_path: Path) -> None:
    home = server.get("/")
    assert home.status == 302 and home.headers["location"].endswith("/paperdb/paper_list")

    exact = server.get("/paperdb/papers.json?_search=lottery&_shape=array").json()
    assert exact and all("lottery" in row["title"].lower() for row in exact)

    typo = server.get("/paperdb/paper_list.json?_search=lotery&_shape=objects").json()
    titles = [row["title"] for row in typo["rows"]]
    assert lottery_paper(seed_db_path)["title"] in titles
    assert all("lottery" in t.lower() for t in titles)
    assert "lotery -> lottery" in typo["human_description_en"]
    years = [row["year"] for row in typo["rows"] if row["year"] is not None]
    assert years == sorted(years, reverse=True)

    facets = server.get("/paperdb/paper_list.json").json()["facet_results"]
    assert set(facets) == {"venue", "year", "topics", "sources", "has_code"}
    sources = {item["value"] for item in facets["sources"]["results"]}
    assert sources == {p.name for p in (Path(__file__).parents[1] / "data" / "seed").iterdir()}
    topic = facets["topics"]["results"][0]
    narrowed = server.get(
        "/paperdb/paper_list.json?_shape=objects&topics__arraycontains="
        + urllib.parse.quote(topic["value"])
    ).json()
    assert narrowed["filtered_table_rows_count"] == topic["count"]
    assert all(topic["value"] in json.loads(row["topics"]) for row in narrowed["rows"])


def test_paper_page_shows_every_mention(server: Server, seed_db_path: Path) -> None:
    paper = lottery_paper(seed_db_path)
    mentions = server.get(f"/paperdb/mentions.json?paper_id={paper['id']}&_shape=array").json()
    assert len(mentions) == paper["n_mentions"] >= 1

    page = server.get(f"/paperdb/papers/{paper['id']}")
    assert page.status == 200
    assert "<h1" in page.body and str(paper["title"]) in page.body
    for mention in mentions:
        assert f"{mention['source']}:{mention['line']}" in page.body
    row = server.get(f"/paperdb/papers/{paper['id']}.json?_shape=objects").json()
    assert row["rows"][0]["title"] == paper["title"]

    listing = server.get("/paperdb/paper_list?_search=lotery").body
    assert f'href="/paperdb/papers/{paper["id"]}"' in listing

    with_code = server.get("/paperdb/paper_list.json?has_code=yes&_shape=array").json()
    page = server.get("/paperdb/paper_list?has_code=yes").body
    for url in json.loads(with_code[0]["code"]):
        assert f'<a href="{url}">' in page

    assert server.get("/paperdb/papers/999999").status == 404


def test_mentions_link_to_their_origin(seed_db_path: Path, tmp_path: Path) -> None:
    from paperdb.db import backup
    from paperdb.web import paper_page

    copy = backup(seed_db_path, tmp_path / "paperdb.db")
    conn = sqlite3.connect(copy)
    paper_id, source_id, name = conn.execute(
        "SELECT e.paper_id, s.id, s.name FROM entries e JOIN sources s ON s.id = e.source_id"
        " ORDER BY e.id LIMIT 1"
    ).fetchone()
    conn.execute(
        "UPDATE sources SET origin = 'github:lab/list', path = 'github:lab/list/lists/a.md',"
        " revision = 'c0ffee' WHERE id = ?",
        (source_id,),
    )
    for mention in paper_page(conn, paper_id)["mentions"]:
        expected = f"https://github.com/lab/list/blob/c0ffee/lists/a.md#L{mention['line']}"
        assert mention["link"] == (expected if mention["source"] == name else None)


def test_nothing_can_be_written(server: Server, seed_db_path: Path) -> None:
    before = digest(seed_db_path)
    for path in ("/paperdb/papers", "/paperdb", "/paperdb/papers/1", "/-/logout"):
        for method in ("POST", "PUT", "DELETE", "PATCH"):
            reply = server.get(path, method=method, data=b"sql=DELETE+FROM+papers")
            assert reply.status == 405, (method, path, reply.status)
    sql = urllib.parse.quote("DELETE FROM papers")
    assert server.get(f"/paperdb.json?sql={sql}").status in (400, 403)  # not a SELECT
    assert server.get("/paperdb.json?sql=select+1").status == 403  # no SQL without --sql
    assert server.get("/paperdb/papers.json?_where=1").status == 403
    assert digest(seed_db_path) == before
    assert sqlite3.connect(seed_db_path).execute("SELECT count(*) FROM papers").fetchone()[0] > 0


def test_sql_flag_allows_reading_only(seed_db_path: Path, tmp_path: Path) -> None:
    before = digest(seed_db_path)
    with paperdb_serve(seed_db_path, tmp_path / "serve.log", "--sql") as server:
        count = server.get(
            "/paperdb.json?_shape=array&sql="
            + urllib.parse.quote("select count(*) as n from papers")
        ).json()
        assert count[0]["n"] > 0
        for statement in ("DELETE FROM papers", "UPDATE papers SET title = 'x'"):
            reply = server.get("/paperdb.json?sql=" + urllib.parse.quote(statement))
            assert reply.status == 400, statement
    assert digest(seed_db_path) == before


def test_publish_serves_the_same_pages(seed_db_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app, ["--db", str(seed_db_path), "publish", str(out)], catch_exceptions=False
    )
    assert result.exit_code == 0, result.stderr
    assert {p.name for p in out.iterdir()} == {"paperdb.db", "metadata.json", "templates"}
    meta = json.loads((out / "metadata.json").read_text())
    assert meta["allow_sql"] is False and "paperdb" in meta["databases"]
    assert not (out / "paperdb.db-wal").exists()
    copied = sqlite3.connect(out / "paperdb.db")
    assert copied.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    paths = copied.execute("SELECT path, name FROM sources").fetchall()
    assert paths and all(path == name for path, name in paths)  # no local folders published
    assert (
        copied.execute("SELECT count(*) FROM papers").fetchone()[0]
        == sqlite3.connect(seed_db_path).execute("SELECT count(*) FROM papers").fetchone()[0]
    )

    paper = lottery_paper(seed_db_path)
    port = free_port()
    datasette = [
        sys.executable,
        "-m",
        "datasette",
        "serve",
        "--immutable",
        str(out / "paperdb.db"),
        "--metadata",
        str(out / "metadata.json"),
        "--port",
        str(port),
    ]
    with running(datasette, port, tmp_path / "datasette.log") as server:
        typo = server.get("/paperdb/paper_list.json?_search=lotery&_shape=array").json()
        assert paper["title"] in [row["title"] for row in typo]
        page = server.get(f"/paperdb/papers/{paper['id']}").body
        assert "Mentions (" in page and str(paper["title"]) in page


def test_publish_metadata_only_and_into_itself(seed_db_path: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "meta"
    result = runner.invoke(
        app,
        ["--db", str(seed_db_path), "publish", str(out), "--metadata-only"],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.stderr
    assert {p.name for p in out.iterdir()} == {"metadata.json", "templates"}

    result = runner.invoke(app, ["--db", str(seed_db_path), "publish", str(seed_db_path.parent)])
    assert result.exit_code == 1
    assert "is the database itself" in result.stderr and "Traceback" not in result.stderr


def test_serve_without_the_extra_says_how_to_install(
    monkeypatch: pytest.MonkeyPatch, seed_db_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "datasette.cli", None)
    result = CliRunner().invoke(app, ["--db", str(seed_db_path), "serve"])
    assert result.exit_code == 1
    assert "pip install 'paperdb[web]'" in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize(
    "args", [["--port", "70000"], ["--port", "0"], ["--port", "x"], ["--host", "abc"]]
)
def test_serve_bad_port_is_a_usage_error(args: list[str], seed_db_path: Path) -> None:
    result = CliRunner().invoke(app, ["--db", str(seed_db_path), "serve", *args])
    assert result.exit_code == 2
    assert args[0] in result.stderr


def test_a_file_that_cannot_be_written_is_served_immutable(
    seed_db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    from paperdb.cli.web import datasette_args

    meta = tmp_path / "metadata.json"
    args = datasette_args(seed_db_path, meta, host="127.0.0.1", port=8001, open_browser=False)
    assert str(seed_db_path) in args and "--immutable" not in args
    # Tests run as root, for whom every file is writable: ask os.access as another user would.
    monkeypatch.setattr(os, "access", lambda path, mode: not mode & os.W_OK)
    args = datasette_args(seed_db_path, meta, host="127.0.0.1", port=8001, open_browser=True)
    assert args[args.index("--immutable") + 1] == str(seed_db_path) and "--open" in args
