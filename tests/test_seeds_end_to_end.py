"""End to end on the bundled seed lists: the foundation's acceptance test."""

from __future__ import annotations

import json
from pathlib import Path

from sqlite_utils import Database
from typer.testing import CliRunner

from paperdb.cli import app
from paperdb.db import open_db
from paperdb.normalize import title_key
from tests.gold_score import GOLD, SEEDS
from tests.helpers import counts


def _import(runner: CliRunner, db: Path) -> str:
    result = runner.invoke(app, ["--db", str(db), "import", str(SEEDS)], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""  # the summary is for people: stderr
    return result.stderr


def test_seeds_import_reports_707_entries(runner: CliRunner, tmp_path: Path) -> None:
    db_file = tmp_path / "seeds.db"
    summary = _import(runner, db_file)
    expected = json.loads((GOLD / "counts.json").read_text(encoding="utf-8"))["per_file"]
    for name, n in expected.items():
        # Issue 10: files of a folder import are named with the folder's name in front.
        row = next(line for line in summary.splitlines() if line.startswith(f"seed/{name}"))
        assert row.split()[3] == str(n), row
    total = next(line for line in summary.splitlines() if line.startswith("total"))
    assert total.split()[1] == "707"
    assert "error" not in summary.lower()

    db = Database(open_db(db_file))
    assert db["entries"].count == 707
    # Mentions with the same normalized title are one paper.
    papers_by_key: dict[str, set[int]] = {}
    for title, paper_id in db.execute("SELECT title, paper_id FROM entries").fetchall():
        papers_by_key.setdefault(title_key(title), set()).add(paper_id)
    assert all(len(ids) == 1 for ids in papers_by_key.values())
    # 640 distinct works in the gold; the 'addive' typo pair is left to `dedupe`.
    assert db["papers"].count == 641
    db.close()


def test_second_seed_import_changes_no_table(runner: CliRunner, tmp_path: Path) -> None:
    db_file = tmp_path / "seeds.db"
    _import(runner, db_file)
    db = Database(open_db(db_file))
    before = counts(db)
    db.close()
    summary = _import(runner, db_file)
    assert "unchanged" in summary
    db = Database(open_db(db_file))
    assert counts(db) == before
    db.close()


def test_seed_paper_json_has_every_mention(runner: CliRunner, tmp_path: Path) -> None:
    db_file = tmp_path / "seeds.db"
    _import(runner, db_file)
    result = runner.invoke(app, ["--db", str(db_file), "export", "--format", "json"])
    assert result.exit_code == 0, result.stderr
    papers = json.loads(result.stdout)
    assert sum(len(p["mentions"]) for p in papers) == 707
    lth = next(p for p in papers if p["title"].startswith("The Lottery Ticket Hypothesis: Finding"))
    assert (lth["venue"], lth["year"], lth["presentation"]) == ("ICLR", 2019, "best")
    assert lth["arxiv_id"] == "1803.03635" and lth["topics"] == ["lottery-ticket"]
    assert [(m["source"][:8], m["line"]) for m in lth["mentions"]] == [
        ("seed/001", 138),
        ("seed/001", 241),
    ]
    bnn = next(p for p in papers if p["nickname"] == "BNN")
    assert [c["framework"] for c in bnn["code"]] == ["Theano", "Torch-7", "PyTorch", "TensorFlow"]
