"""Output faults (issue 14, items 6 and 7), through the real CLI in child processes:
every command writing to a full device ends in one line and exit 1 (``--help`` too);
``-o`` naming a folder is refused; a terminal never receives control characters from
the data, while files and pipes keep the bytes as written."""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import cli, one_line_error

pytestmark = pytest.mark.slow

# Balanced brackets (ESC [ ... ESC ]) so the importer reads the title link.
EVIL = "Evil\x1b[2J\x1b]0;pwned\x07 Title with CSI\u009b6n"
LIST = f"""\
## ICLR 2019
- 2019-ICLR-[{EVIL}](https://x.org/e) [[code]](https://github.com/a/b)
- 2019-ICLR-[Fine Pruning Title](https://x.org/f)
"""
COMMANDS = [
    ["search", "pruning"],
    ["search", "pruning", "-f", "json"],
    ["filter"],
    ["filter", "-f", "csv"],
    ["show", "1"],
    ["show", "1", "-f", "json"],
    ["stats", "--by", "year"],
    ["check", "-f", "json"],
    ["export", "-f", "json"],
    ["export", "-f", "markdown"],
    ["export", "-f", "bibtex"],
    ["dedupe", "-f", "json"],
    ["migrate", "--list"],
    ["db-path"],
    ["--help"],
    ["search", "--help"],
    ["--version"],
]


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("out")
    (folder / "evil.md").write_text(LIST, encoding="utf-8")
    path = folder / "papers.db"
    result = cli(path, "import", str(folder / "evil.md"))
    assert result.returncode == 0, result.stderr
    return path


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_a_full_device_is_one_line_for_every_command(db: Path, command: list[str]) -> None:
    with open("/dev/full", "w") as full:
        result = cli(db, *command, stdout=full)
    one_line_error(result, "cannot write output: No space left on device")
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("value", ["adir/", "DB_FOLDER", "DB_FOLDER/"])
def test_output_naming_a_folder_is_refused(db: Path, value: str) -> None:
    folder = db.parent
    target = value.replace("DB_FOLDER", str(folder))
    before = sorted(os.listdir(folder))
    result = cli(db, "export", "-f", "json", "-o", target, cwd=folder)
    one_line_error(result, target, "names a folder")
    assert sorted(os.listdir(folder)) == before
    assert not (folder / "adir").exists()


def on_a_terminal(db: Path, *args: str) -> bytes:
    """What the command writes to a pseudo-terminal as its stdout."""
    leader, follower = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k != "PAPERDB_TEST_PAUSE_AFTER_FILES"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "paperdb", "--db", str(db), *args],
        stdout=follower,
        stderr=subprocess.PIPE,
        env={**env, "COLUMNS": "200"},
    )
    os.close(follower)
    data = b""
    while True:
        ready, _, _ = select.select([leader], [], [], 60)
        if not ready:
            break
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        data += chunk
    os.close(leader)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    return data


TERMINAL = [
    ["export", "-f", "json"],
    ["export", "-f", "jsonl"],
    ["export", "-f", "markdown"],
    ["export", "-f", "bibtex"],
    ["export", "-f", "csv"],
    ["search", "evil", "-f", "json"],
    ["filter", "-f", "csv"],
    ["show", "1"],
    ["show", "1", "-f", "json"],
]


@pytest.mark.parametrize("command", TERMINAL, ids=" ".join)
def test_a_terminal_never_gets_control_characters(db: Path, command: list[str]) -> None:
    shown = on_a_terminal(db, *command).decode("utf-8", errors="replace")
    assert "Evil" in shown
    assert "\x1b]0;" not in shown and "\x07" not in shown and "\x1b[2J" not in shown
    assert "\u009b" not in shown


def test_files_and_pipes_keep_the_bytes(db: Path, tmp_path: Path) -> None:
    piped = cli(db, "export", "-f", "bibtex")
    assert piped.returncode == 0, piped.stderr
    assert EVIL in piped.stdout  # a pipe is data: exactly as the list wrote it
    out = tmp_path / "papers.json"
    assert cli(db, "export", "-f", "json", "-o", str(out)).returncode == 0
    text = out.read_text(encoding="utf-8")
    assert "\\u001b" in text and "\x1b" not in text  # JSON escapes C0 controls
    assert any(p["title"] == EVIL for p in json.loads(text))
    csv_out = tmp_path / "papers.csv"
    assert cli(db, "export", "-f", "csv", "-o", str(csv_out)).returncode == 0
    assert EVIL in csv_out.read_text(encoding="utf-8")  # a CSV file is data too


def test_a_closed_stdout_is_one_line(db: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "PAPERDB_TEST_PAUSE_AFTER_FILES"}
    result = subprocess.run(
        [sys.executable, "-m", "paperdb", "--db", str(db), "search", "pruning"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        timeout=120,
        preexec_fn=lambda: os.close(1),
    )
    one_line_error(result, "cannot write output: standard output is closed")
