"""CLI: search, filter, show, stats, export; exit codes, streams and formats."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from sqlite_utils import Database
from typer.testing import CliRunner

from paperdb.cli import app
from paperdb.db import open_db, seed_dir
from paperdb.ingest import import_paths
from paperdb.reader import collect_paths


@pytest.fixture(scope="module")
def seed_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "seed.db"
    db = Database(open_db(path))
    import_paths(db.conn, collect_paths([seed_dir()]))
    db.close()
    return path


def run(runner: CliRunner, db: Path, *args: str) -> object:
    return runner.invoke(app, ["--db", str(db), *args])


def test_search_json_and_corrections(runner: CliRunner, seed_db: Path) -> None:
    result = runner.invoke(
        app,
        ["--db", str(seed_db), "search", "lotery tiket hypothesis", "-f", "json"],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)
    assert rows[0]["title"].startswith("The Lottery Ticket Hypothesis")
    assert "lotery -> lottery" in result.stderr


def test_search_pipe_is_tsv_with_ids(runner: CliRunner, seed_db: Path) -> None:
    result = runner.invoke(
        app,
        ["--db", str(seed_db), "search", "lottery", "--venue", "iclr", "-n", "2"],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split("\t")[:2] == ["id", "title"] and len(lines) == 3


def test_filter_csv(runner: CliRunner, seed_db: Path) -> None:
    result = runner.invoke(
        app,
        [
            "--db",
            str(seed_db),
            "filter",
            "--venue",
            "NeurIPS",
            "--year",
            "2022",
            "--topic",
            "pruning",
            "-f",
            "csv",
        ],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.stderr
    assert len(list(csv.DictReader(io.StringIO(result.stdout)))) == 14


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["filter", "--year", "20x"], "--year"),
        (["filter", "--presentation", "talk"], "--presentation"),
        (["stats", "--by", "colour"], "--by"),
        (["filter", "--limit", "0"], "--limit"),
        (["export", "-f", "pdf"], "--format"),
        (["export", "-f", "markdown", "--group-by", "colour"], "--group-by"),
        (["search", "x", "--sort", "date"], "--sort"),
    ],
)
def test_bad_values_exit_2_naming_the_option(
    runner: CliRunner, seed_db: Path, args: list[str], option: str
) -> None:
    result = runner.invoke(app, ["--db", str(seed_db), *args])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert option in result.stderr


def test_no_match_and_user_errors(runner: CliRunner, seed_db: Path) -> None:
    result = runner.invoke(app, ["--db", str(seed_db), "filter", "--venue", "Nowhere"])
    assert result.exit_code == 0
    assert result.stdout == "" and "no papers match" in result.stderr
    result = runner.invoke(app, ["--db", str(seed_db), "search", "NEAR(", "--raw"])
    assert result.exit_code == 1
    assert result.stdout == "" and "drop --raw" in result.stderr
    result = runner.invoke(app, ["--db", str(seed_db), "show", "999999"])
    assert result.exit_code == 1 and "no paper with id 999999" in result.stderr


def test_show_mentions_and_disagreements(runner: CliRunner, seed_db: Path) -> None:
    found = runner.invoke(
        app, ["--db", str(seed_db), "search", "lottery ticket hypothesis", "-f", "json", "-n", "1"]
    )
    paper_id = json.loads(found.stdout)[0]["id"]
    result = runner.invoke(
        app, ["--db", str(seed_db), "show", str(paper_id)], catch_exceptions=False
    )
    assert result.exit_code == 0, result.stderr
    assert "001_0e89bc637d566673.txt:138" in result.stdout
    assert "001_0e89bc637d566673.txt:241" in result.stdout
    shown = json.loads(
        runner.invoke(app, ["--db", str(seed_db), "show", str(paper_id), "-f", "json"]).stdout
    )
    # Issue 13: the JSON contract object of `export -f json` (plus conflicts), not a list.
    exported = json.loads(
        runner.invoke(app, ["--db", str(seed_db), "export", "-f", "json", "--limit", "700"]).stdout
    )
    contract = next(p for p in exported if p["id"] == paper_id)
    assert shown == {**contract, "conflicts": shown["conflicts"]}
    assert list(shown)[: len(contract)] == list(contract)


def test_stats_json_sums_to_papers(runner: CliRunner, seed_db: Path) -> None:
    result = runner.invoke(
        app, ["--db", str(seed_db), "stats", "--by", "year", "-f", "json"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.stderr
    assert sum(r["count"] for r in json.loads(result.stdout)) == 641
    cross = runner.invoke(
        app, ["--db", str(seed_db), "stats", "--by", "venue", "--by", "year", "-f", "csv"]
    )
    assert cross.exit_code == 0 and cross.stdout.startswith("venue,")


def test_export_refuses_overwrite_then_forces(
    runner: CliRunner, seed_db: Path, tmp_path: Path
) -> None:
    out = tmp_path / "papers.bib"
    out.write_text("keep", encoding="utf-8")
    result = runner.invoke(app, ["--db", str(seed_db), "export", "-f", "bibtex", "-o", str(out)])
    assert result.exit_code == 1 and "--force" in result.stderr
    assert out.read_text(encoding="utf-8") == "keep"
    result = runner.invoke(
        app,
        [
            "--db",
            str(seed_db),
            "export",
            "-f",
            "bibtex",
            "-o",
            str(out),
            "--force",
            "--venue",
            "ICLR",
        ],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "" and out.read_text(encoding="utf-8").startswith("@")
    assert [p.name for p in tmp_path.iterdir()] == ["papers.bib"]  # no temporary left


@pytest.mark.parametrize(
    "args",
    [
        ["search", "lottery"],
        ["filter"],
        ["stats", "--by", "venue", "--by", "year"],
        ["stats", "--by", "author"],
        ["export", "-f", "markdown"],
        ["export", "-f", "bibtex"],
        ["export", "-f", "csv"],
        ["export", "-f", "jsonl"],
        ["export", "-f", "json"],
    ],
)
def test_every_command_on_an_empty_database(
    runner: CliRunner, db_path: Path, args: list[str]
) -> None:
    result = runner.invoke(app, ["--db", str(db_path), *args], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr


@pytest.mark.parametrize("command", ["search", "filter", "show", "stats", "export"])
def test_help_has_an_example(runner: CliRunner, command: str) -> None:
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0
    assert "Example: paperdb " + command in result.stdout


def test_stats_cross_table_names_the_no_value_column(runner: CliRunner, seed_db: Path) -> None:
    """Issue 13: one key gives null for no value; two keys name that column, never "None"."""
    args = ["--db", str(seed_db), "stats", "--by", "venue", "--by", "year", "-f", "json"]
    result = runner.invoke(app, args, catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)
    assert all("None" not in row for row in rows)
    assert sum(row["no year"] for row in rows) == 9  # the seed papers without a year
    assert any(row["venue"] is None for row in rows)


def test_a_very_long_query_says_what_it_left_out(seed_db_path: Path) -> None:
    query = " ".join(f"prunnig{i:04d}x" for i in range(500))
    result = CliRunner().invoke(app, ["--db", str(seed_db_path), "search", query, "-f", "json"])
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == []
    notes = [line for line in result.stderr.splitlines() if line.startswith("note: ")]
    assert len(notes) == 2, result.stderr
    assert "500 words" in notes[0] and "unknown words" in notes[1]
