"""--help / -h in words a person reads, for every command (issue 13)."""

from __future__ import annotations

import re

import pytest
import typer.main
from typer.testing import CliRunner

from paperdb.cli import app

COMMANDS = sorted(typer.main.get_command(app).commands)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "command", [[]] + [[c] for c in COMMANDS], ids=lambda c: c[0] if c else "paperdb"
)
def test_help_shows_metavars_not_python_types(runner: CliRunner, command: list[str]) -> None:
    result = runner.invoke(app, [*command, "-h"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert result.stdout == runner.invoke(app, [*command, "--help"]).stdout
    text = result.stdout
    assert not re.search(r"<[a-z][a-z\[\]| ]*>", text), text  # <str>, <list[str]>, <int range>
    assert not re.search(r"\{[a-zA-Z_.]+\}", text), text  # {query}
    assert "9223372036854775807" not in text


@pytest.mark.parametrize(
    ("command", "wanted"),
    [
        (["search"], ["search [OPTIONS] QUERY", "-n, --limit N", "--venue VENUE"]),
        (["import"], ["import [OPTIONS] PATH...", "*.markdown"]),
        (["show"], ["show [OPTIONS] ID"]),
        (["export"], ["-o, --output FILE", "[markdown|bibtex|csl-json|csv|json|jsonl]"]),
        ([], ["--db FILE", "-h, --help"]),
    ],
)
def test_help_reads_like_a_manual(runner: CliRunner, command: list[str], wanted: list[str]) -> None:
    text = runner.invoke(app, [*command, "-h"], catch_exceptions=False).stdout
    for needle in wanted:
        assert needle in text
