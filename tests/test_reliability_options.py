"""Junk in every option and argument of every command: exit 0, 1 or 2 with a short
message (never a traceback), and the database unchanged. Table-driven over the commands
registered on the Typer app, so commands added later are covered too."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import typer
from click.testing import CliRunner as ClickRunner
from sqlite_utils import Database
from typer.testing import CliRunner

from paperdb.cli import app
from paperdb.db import open_db, seed_dir
from paperdb.ingest import import_paths
from tests.helpers import counts

JUNK = [
    "",
    " ",
    "abc",
    "-1",
    "0",
    "1e999",
    "99999999999999999999",
    "2019..2018",
    "..",
    "20x9",
    "'; DROP TABLE papers; --",
    "' OR 1=1 --",
    '"',
    '"unclosed',
    "NEAR(",
    "title:*",
    "*",
    "a\x00b",
    "\x00",
    "😀" * 50,
    "\x1b[31mred\x1b[0m",
    "%s%s%n",
    "x" * 5000,
    "NaN",
    "٢٠١٩",
]
# Values for required parameters that are not the one under test.
VALID = {
    "fmt": "json",
    "format": "json",
    "paths": "SEED",
    "path": "SEED",
    "query": "pruning",
    "paper_id": "1",
    "id": "1",
    "ids": "1",
}
SEED = sorted(seed_dir().glob("*.txt"))[0]
# Options whose every printable value is a valid setting that is stored: `import --name`
# renames the source (issue 10). Junk in them must still never crash; the database may
# change.
WRITES = {(("import",), "name")}


@cache
def _root() -> Any:
    """The app's click command tree, built once: typer's CliRunner rebuilds it on every
    invoke, which cost most of this module's time (the invocations themselves are cheap)."""
    return typer.main.get_command(app)


def _commands(cmd: Any, prefix: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    subcommands = getattr(cmd, "commands", None)
    if subcommands:
        for name, sub in sorted(subcommands.items()):
            yield from _commands(sub, (*prefix, name))
    else:
        yield prefix, cmd


def _cases() -> list[tuple[tuple[str, ...], str]]:
    root = _root()
    cases = []
    for path, cmd in _commands(root):
        for param in cmd.params:
            if getattr(param, "is_flag", False) or param.name in ("help",):
                continue
            cases.append((path, param.name))
    return cases


def _argv(cmd: Any, param: Any, value: str) -> list[str]:
    if param.param_type_name == "argument":
        return [value]
    return [param.opts[0], value]


def _required(cmd: Any, skip: str) -> list[str]:
    argv: list[str] = []
    for param in cmd.params:
        if param.name == skip or not param.required:
            continue
        value = VALID.get(param.name or "", "1").replace("SEED", str(SEED))
        argv += _argv(cmd, param, value)
    return argv


def _find(path: tuple[str, ...]) -> Any:
    cmd: Any = _root()
    for name in path:
        cmd = cmd.commands[name]
    return cmd


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("opts") / "papers.db"
    db = Database(open_db(path))
    import_paths(db.conn, [SEED])
    db.close()
    return path


def _state(path: Path) -> tuple[dict[str, int], int]:
    db = Database(open_db(path))
    try:
        return counts(db), hash("\n".join(db.conn.iterdump()))
    finally:
        db.close()


def test_there_are_cases() -> None:
    commands = {" ".join(path) for path, _ in _commands(_root())}
    assert {"import", "export", "migrate", "db-path"} <= commands
    assert {" ".join(path) for path, _ in _cases()} >= {"import", "export"}


@pytest.mark.parametrize(
    ("path", "name"), _cases(), ids=lambda v: "-".join(v) if isinstance(v, tuple) else str(v)
)
def test_junk_in_every_option(
    path: tuple[str, ...],
    name: str,
    seeded: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # An option naming an output file writes here, not in the repo; and the junk path '..'
    # is tmp_path, which holds only this empty folder (not other tests' list files).
    (tmp_path / "cwd").mkdir()
    monkeypatch.chdir(tmp_path / "cwd")
    cmd = _find(path)
    param = next(p for p in cmd.params if p.name == name)
    before = _state(seeded)
    runner = ClickRunner()  # what typer's CliRunner does, minus the rebuild
    problems = []
    for value in JUNK:
        args = ["--db", str(seeded), *path, *_required(cmd, name), *_argv(cmd, param, value)]
        result = runner.invoke(_root(), args)
        shown = f"{' '.join(path)} {param.opts[0] if param.opts else name}={value[:30]!r}"
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            problems.append(
                f"{shown}: traceback {type(result.exception).__name__}: {result.exception}"
            )
            continue
        if result.exit_code not in (0, 1, 2):
            problems.append(f"{shown}: exit {result.exit_code}")
        elif result.exit_code == 1:
            lines = result.stderr.strip().splitlines()
            if len(lines) != 1 or not lines[0].startswith("error: ") or result.stdout:
                problems.append(f"{shown}: exit 1 without one error line: {result.stderr!r}")
        elif result.exit_code == 2 and "Error" not in result.stderr:
            problems.append(f"{shown}: exit 2 without a usage message")
        if "\x1b" in result.stderr:
            problems.append(f"{shown}: raw escape sequence echoed to stderr")
    if (path, name) not in WRITES:
        assert _state(seeded) == before, f"{' '.join(path)} {name}: database changed"
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("value", ["\x00", "a\x00b.db", "'; DROP TABLE papers; --.db"])
def test_junk_db_path(value: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["--db", value, "export", "-f", "json"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code in (0, 1, 2)
