"""How options read numbers and paths (paperdb.cli.values): digits 0-9, no NUL in a path,
ranges without SQLite's overflow guard."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from paperdb.cli import app


@pytest.mark.parametrize(
    ("argv", "option"),
    [
        (["search", "x", "--limit", "٢٠"], "'--limit'"),  # Arabic-Indic digits
        (["show", "１"], "'ID'"),  # a full-width digit
        (["dedupe", "--threshold", "٩٠"], "'--threshold'"),
        (["serve", "--port", "٢٠١٩"], "'--port'"),
    ],
)
def test_a_number_is_written_with_ascii_digits(
    runner: CliRunner, db_path: Path, argv: list[str], option: str
) -> None:
    result = runner.invoke(app, ["--db", str(db_path), *argv])
    assert result.exit_code == 2, result.output
    assert option in result.stderr
    assert "write it with the digits 0-9" in result.stderr


def test_ascii_numbers_still_work(runner: CliRunner, db_path: Path) -> None:
    result = runner.invoke(
        app, ["--db", str(db_path), "search", "x", "--limit", "20", "-f", "json"]
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "[]\n"


def test_a_range_error_leaves_out_sqlites_limit(runner: CliRunner, db_path: Path) -> None:
    result = runner.invoke(app, ["--db", str(db_path), "search", "x", "--limit", "0"])
    assert result.exit_code == 2
    assert "0 is not in the range x>=1" in result.stderr
    assert "9223372036854775807" not in result.stderr
    port = runner.invoke(app, ["--db", str(db_path), "serve", "--port", "70000"])
    assert port.exit_code == 2
    assert "1<=x<=65535" in port.stderr


@pytest.mark.parametrize("argv", [["--db", "a\x00b.db", "search", "x"], ["publish", "out\x00dir"]])
def test_a_nul_in_a_path_is_a_usage_error(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, argv: list[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, argv)
    assert result.exit_code == 2, result.output
    assert "a path cannot contain a NUL character" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_path_kinds_are_still_checked(runner: CliRunner, db_path: Path, tmp_path: Path) -> None:
    folder = runner.invoke(app, ["--db", str(tmp_path), "search", "x"])
    assert folder.exit_code == 2
    assert "is a directory" in folder.stderr
    file = runner.invoke(app, ["--db", str(db_path), "publish", str(db_path)])
    assert file.exit_code == 2
    assert "is a file" in file.stderr
