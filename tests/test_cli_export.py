"""export on the command line: where the text goes and what is said (issue 13)."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from paperdb.cli import app
from paperdb.db import open_db, seed_dir
from paperdb.ingest import import_paths
from paperdb.reader import collect_paths


@pytest.fixture(scope="module")
def seed_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "seed.db"
    db = open_db(path)
    import_paths(db, collect_paths([seed_dir()]))
    db.close()
    return path


@pytest.fixture
def umask() -> Iterator[None]:
    old = os.umask(0o022)
    yield
    os.umask(old)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_output_file_gets_the_umask_mode(
    runner: CliRunner, seed_db: Path, tmp_path: Path, umask: None
) -> None:
    out = tmp_path / "a.csv"
    result = runner.invoke(app, ["--db", str(seed_db), "export", "-f", "csv", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert _mode(out) == 0o644  # not mkstemp's 0o600
    os.umask(0o027)
    other = tmp_path / "b.csv"
    result = runner.invoke(app, ["--db", str(seed_db), "export", "-f", "csv", "-o", str(other)])
    assert result.exit_code == 0, result.output
    assert _mode(other) == 0o640


def test_force_keeps_the_existing_mode(
    runner: CliRunner, seed_db: Path, tmp_path: Path, umask: None
) -> None:
    out = tmp_path / "a.bib"
    out.write_text("old", encoding="utf-8")
    out.chmod(0o664)
    args = ["--db", str(seed_db), "export", "-f", "bibtex", "-o", str(out), "--force"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert _mode(out) == 0o664 and out.read_text(encoding="utf-8").startswith("@")


def test_dash_is_stdout(
    runner: CliRunner, seed_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    args = ["--db", str(seed_db), "export", "-f", "jsonl", "--limit", "2", "-o", "-"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert len(result.stdout.splitlines()) == 2
    assert not (tmp_path / "-").exists()
    assert "wrote" not in result.stderr


@pytest.mark.parametrize("fmt", ["json", "csv", "bibtex", "csl-json", "markdown", "jsonl"])
def test_an_empty_export_says_so(runner: CliRunner, seed_db: Path, fmt: str) -> None:
    result = runner.invoke(app, ["--db", str(seed_db), "export", "-f", fmt, "--year", "1900"])
    assert result.exit_code == 0, result.output
    assert result.stderr == "no papers match\n"
    assert result.stdout == {"json": "[]\n", "csl-json": "[]\n"}.get(fmt, result.stdout)
