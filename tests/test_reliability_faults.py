"""Faults, each driving the real CLI in a subprocess: a kill mid re-import, a reader and a
second writer during an import, a read-only database, a full disk."""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from paperdb.db import seed_dir
from tests.helpers import cli, one_line_error, snapshot
from tests.helpers import paused_import as paused

pytestmark = pytest.mark.slow

SEEDS = sorted(seed_dir().glob("*.txt"))


@pytest.fixture
def seeded(tmp_path: Path) -> Path:
    db_file = tmp_path / "db" / "papers.db"
    db_file.parent.mkdir()  # --db never creates folders (issue 13)
    first = cli(db_file, "import", str(SEEDS[0]))
    assert first.returncode == 0, first.stderr
    return db_file


@pytest.fixture
def paused_import(seeded: Path) -> Iterator[subprocess.Popen[str]]:
    """An import of the other seed lists, holding the write lock, paused after one file."""
    with paused(seeded, SEEDS[1:], after=1) as proc:
        yield proc


def test_reader_sees_old_state_while_an_import_runs(
    seeded: Path, paused_import: subprocess.Popen[str]
) -> None:
    result = cli(seeded, "export", "--format", "json")
    assert result.returncode == 0, result.stderr
    papers = json.loads(result.stdout)
    # Only the list imported before: the running import's first file is not visible.
    assert papers and {m["source"] for p in papers for m in p["mentions"]} == {SEEDS[0].name}


def test_second_writer_waits_then_says_busy(
    seeded: Path, paused_import: subprocess.Popen[str]
) -> None:
    result = cli(seeded, "import", str(SEEDS[-1]))
    one_line_error(result, "database is busy")
    assert "Traceback" not in result.stderr


def test_kill_mid_reimport_keeps_database_and_backup(seeded: Path, tmp_path: Path) -> None:
    changed = tmp_path / SEEDS[0].name
    shutil.copy(SEEDS[0], seeded.parent / "orig.txt")
    # The same file (same path) with one mention dropped: re-importing it replaces entries.
    original = SEEDS[0].read_text(encoding="utf-8")
    lines = original.split("\n")
    changed.write_text(original, encoding="utf-8")
    db_file = tmp_path / "re.db"
    assert cli(db_file, "import", str(changed)).returncode == 0
    before = snapshot(db_file)
    victim = next(i for i, line in enumerate(lines) if line.startswith(("1.", "- ", "* ", "|")))
    changed.write_text("\n".join(lines[:victim] + lines[victim + 1 :]), encoding="utf-8")

    with paused(db_file, [changed, SEEDS[1]], after=1) as proc:
        proc.send_signal(signal.SIGKILL)
    assert snapshot(db_file) == before
    backup = db_file.with_name("re.db.bak")
    assert backup.exists()
    assert snapshot(backup)[0] == before[0]


def _user_namespace_works() -> bool:
    if shutil.which("unshare") is None:
        return False
    return subprocess.run(["unshare", "-U", "true"], capture_output=True).returncode == 0


def test_read_only_database_reads_work_writes_fail(seeded: Path) -> None:
    """The file and its folder are read-only. As root (CI here) permissions do not bind,
    so the CLI runs in a user namespace, where root's DAC override is gone."""
    assert cli(seeded, "migrate").returncode == 0  # no -wal left behind: a clean file
    for extra in seeded.parent.glob("papers.db-*"):
        extra.unlink()
    before = seeded.read_bytes()
    folder = seeded.parent
    seeded.chmod(0o444)
    folder.chmod(0o555)
    prefix: list[str] = []
    if os.geteuid() == 0:
        if not _user_namespace_works():
            pytest.skip("running as root without user namespaces: cannot make a file read-only")
        prefix = ["unshare", "-U"]

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*prefix, sys.executable, "-m", "paperdb", "--db", str(seeded), *args],
            capture_output=True,
            text=True,
            timeout=120,
        )

    try:
        export = run("export", "--format", "json")
        assert export.returncode == 0, export.stderr
        assert json.loads(export.stdout)
        listed = run("migrate", "--list")
        assert listed.returncode == 0, listed.stderr
        one_line_error(run("import", str(SEEDS[1])), "read-only")
        assert seeded.read_bytes() == before
        assert sorted(p.name for p in folder.iterdir()) == ["papers.db"]
    finally:
        folder.chmod(0o755)
        seeded.chmod(0o644)


def _file_size_limit(limit: int) -> Callable[[], None]:
    def preexec() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # get EFBIG instead of being killed
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return preexec


def test_disk_full_during_import_leaves_database_intact(seeded: Path) -> None:
    assert cli(seeded, "migrate").returncode == 0
    before = snapshot(seeded)
    result = cli(seeded, "import", *map(str, SEEDS[1:]), preexec=_file_size_limit(64 * 1024))
    one_line_error(result, "nothing was changed")
    assert "Traceback" not in result.stderr
    assert snapshot(seeded) == before


def test_export_to_a_full_disk(seeded: Path, tmp_path: Path) -> None:
    before = snapshot(seeded)
    with open("/dev/full", "w") as full:
        result = cli(seeded, "export", "--format", "json", stdout=full)
    one_line_error(result, "No space left on device")

    out = tmp_path / "out" / "papers.json"
    out.parent.mkdir()
    result = cli(
        seeded, "export", "--format", "json", "-o", str(out), preexec=_file_size_limit(4096)
    )
    one_line_error(result, "cannot write")
    assert list(out.parent.iterdir()) == []  # no partial file, no temporary file
    assert snapshot(seeded) == before


def test_export_to_a_pipe_writes_through_it(seeded: Path, tmp_path: Path) -> None:
    """-o naming a pipe (like /dev/stdout) writes into it; it is not replaced by a file."""
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    env = {k: v for k, v in os.environ.items() if k != "PAPERDB_TEST_PAUSE_AFTER_FILES"}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "paperdb",
            "--db",
            str(seeded),
            "export",
            "-f",
            "json",
            "-o",
            str(fifo),
            "--force",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    with open(fifo, encoding="utf-8") as reader:
        data = reader.read()
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert json.loads(data)
    assert fifo.is_fifo()


def test_sqlite_itself_agrees_after_faults(seeded: Path) -> None:
    raw = sqlite3.connect(seeded)
    assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    raw.close()
