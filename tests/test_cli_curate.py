"""CLI: paperdb dedupe (propose, apply, list, undo, not-same, interactive) and check."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from paperdb.cli import app
from paperdb.db import seed_dir


@pytest.fixture
def seeded(tmp_path: Path, runner: CliRunner) -> Path:
    path = tmp_path / "seed.db"
    result = runner.invoke(app, ["--db", str(path), "import", str(seed_dir())])
    assert result.exit_code == 0, result.stderr
    return path


def run(runner: CliRunner, db: Path, *args: str, code: int = 0, **kw: str) -> tuple[str, str]:
    result = runner.invoke(app, ["--db", str(db), *args], catch_exceptions=code != 0, **kw)
    assert result.exit_code == code, result.stderr
    return result.stdout, result.stderr


def test_proposals_as_json(runner: CliRunner, seeded: Path) -> None:
    out, err = run(runner, seeded, "dedupe", "--format", "json")
    rows = json.loads(out)
    assert list(rows[0]) == ["a", "b", "score", "a_title", "b_title", "evidence", "differs"]
    assert rows[0]["score"] >= 90 and "Additive" in rows[0]["b_title"]
    assert "would be merged by --apply" in err
    out, _ = run(runner, seeded, "dedupe", "-f", "csv", "--min-score", "95")
    assert out.splitlines()[0] == "a,b,score,a_title,b_title,evidence,differs"
    assert len(out.splitlines()) == 2


def test_apply_list_undo_gives_back_the_exact_export(runner: CliRunner, seeded: Path) -> None:
    before, _ = run(runner, seeded, "export", "--format", "json")
    out, err = run(runner, seeded, "dedupe", "--apply", "-f", "json")
    merges = json.loads(out)
    assert len(merges) == 1 and merges[0]["rule"] == "auto"
    assert "undo one with" in err
    after, _ = run(runner, seeded, "export", "--format", "json")
    assert len(json.loads(after)) == len(json.loads(before)) - 1
    listed, _ = run(runner, seeded, "dedupe", "--list", "-f", "json")
    assert json.loads(listed)[0]["id"] == merges[0]["id"]
    _, err = run(runner, seeded, "dedupe", "--undo", str(merges[0]["id"]))
    assert "undid merge" in err
    restored, _ = run(runner, seeded, "export", "--format", "json")
    assert restored == before
    _, err = run(runner, seeded, "dedupe", "--undo", str(merges[0]["id"]), code=1)
    assert "already undone" in err
    out, _ = run(runner, seeded, "dedupe", "--apply", "--threshold", "99.5", "-f", "json")
    assert json.loads(out) == []


def test_not_same_is_remembered(runner: CliRunner, seeded: Path) -> None:
    rows = json.loads(run(runner, seeded, "dedupe", "-f", "json")[0])
    a, b = rows[0]["a"], rows[0]["b"]
    _, err = run(runner, seeded, "dedupe", "--not-same", str(b), str(a))
    assert "will not be proposed again" in err
    again = json.loads(run(runner, seeded, "dedupe", "-f", "json")[0])
    assert (a, b) not in {(r["a"], r["b"]) for r in again}
    assert json.loads(run(runner, seeded, "dedupe", "--apply", "-f", "json")[0]) == []
    _, err = run(runner, seeded, "dedupe", "--not-same", "1", "999999", code=1)
    assert "no paper with id 999999" in err


def test_one_action_at_a_time(runner: CliRunner, seeded: Path) -> None:
    _, err = run(runner, seeded, "dedupe", "--apply", "--list", code=2)
    assert "one of" in err


def test_interactive_needs_a_terminal(runner: CliRunner, seeded: Path) -> None:
    out, err = run(runner, seeded, "dedupe", "--interactive", code=1)
    assert out == "" and "needs a terminal" in err


def test_interactive_review(
    runner: CliRunner, seeded: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("paperdb.cli.curate.stdin_is_tty", lambda: True)
    # First proposal (APoT): merge; second (the ADMM look-alikes): not the same.
    _, err = run(runner, seeded, "dedupe", "-i", input="m\nn\n")
    assert "merged as merge 1" in err and "1 merge(s), 1 pair(s) marked not the same" in err
    merges = json.loads(run(runner, seeded, "dedupe", "--list", "-f", "json")[0])
    assert [m["rule"] for m in merges] == ["interactive"]
    assert json.loads(run(runner, seeded, "dedupe", "-f", "json")[0]) == []
    _, err = run(runner, seeded, "dedupe", "-i", input="q\n")
    assert "0 merge(s)" in err


def test_check_json_and_strict(runner: CliRunner, seeded: Path) -> None:
    out, err = run(runner, seeded, "check", "-f", "json")
    rows = json.loads(out)
    assert list(rows[0]) == ["file", "line", "kind", "paper_id", "message"]
    assert {"year-conflict", "venue-conflict", "duplicate", "unreadable"} <= {
        r["kind"] for r in rows
    }
    assert f"{len(rows)} finding(s)" in err
    run(runner, seeded, "check", "--strict", "-f", "json", code=1)
    out, _ = run(runner, seeded, "check", "--strict", "--kind", "duplicate", "-f", "csv", code=1)
    assert {line.split(",")[2] for line in out.splitlines()[1:]} == {"duplicate"}
    _, err = run(runner, seeded, "check", "--kind", "nope", code=2)  # a bad value: usage
    assert "unknown check" in err and "--kind" in err


def test_check_strict_passes_on_a_clean_list(runner: CliRunner, tmp_path: Path) -> None:
    md = tmp_path / "clean.md"
    md.write_text(
        "- 2019-ICLR-[The Lottery Ticket Hypothesis](https://arxiv.org/abs/1803.03635)\n",
        encoding="utf-8",
    )
    db = tmp_path / "clean.db"
    run(runner, db, "import", str(md))
    out, err = run(runner, db, "check", "--strict", "-f", "json")
    assert json.loads(out) == [] and "0 finding(s)" in err


@pytest.mark.parametrize(
    "args",
    [
        ["--undo", "99999999999999999999"],
        ["--undo", "0"],
        ["--not-same", "1", "99999999999999999999"],
        ["--not-same", "-1", "2"],
    ],
)
def test_ids_out_of_range_are_usage_errors(
    runner: CliRunner, seeded: Path, args: list[str]
) -> None:
    out, err = run(runner, seeded, "dedupe", *args, code=2)
    assert out == "" and "Traceback" not in err


def test_help_states_the_real_defaults(runner: CliRunner) -> None:
    from paperdb import dedupe

    result = runner.invoke(app, ["dedupe", "--help"], terminal_width=200)
    assert result.exit_code == 0
    text = " ".join(result.stdout.split())
    assert f"[default: {dedupe.DEFAULT_THRESHOLD:g}]" in text
    assert f"[default: {dedupe.DEFAULT_MIN_SCORE:g}]" in text


def test_apply_keeps_a_backup(runner: CliRunner, tmp_path: Path) -> None:
    db = tmp_path / "b.db"
    result = runner.invoke(app, ["--db", str(db), "filter", "--limit", "1", "-f", "json"])
    assert result.exit_code == 0, result.stderr
    result = runner.invoke(app, ["--db", str(db), "dedupe", "--apply"])
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "b.db.bak").is_file() and "backed up" in result.stderr
