"""Special files given to `paperdb import` (issue 14, item 4): devices, named pipes,
sockets, link loops and broken links are refused by type or skipped in a folder walk,
never read without bound and never waited on. Each case runs the real CLI in a child
process with a timeout, so a hang fails the test instead of stalling the suite."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from paperdb import reader
from paperdb.errors import InputError
from paperdb.reader import collect_paths, read_list
from tests.helpers import cli, one_line_error, snapshot

pytestmark = pytest.mark.slow

GOOD = "## Pruning\n- 2019-ICLR-[The Lottery Ticket Hypothesis](https://arxiv.org/abs/1803.03635)\n"


@pytest.fixture
def db_file(tmp_path: Path) -> Path:
    path = tmp_path / "papers.db"
    (tmp_path / "good.md").write_text(GOOD, encoding="utf-8")
    assert cli(path, "import", str(tmp_path / "good.md")).returncode == 0
    return path


@pytest.fixture
def unix_socket(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "lists" / "sock.md"
    path.parent.mkdir(exist_ok=True)
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    yield path
    server.close()


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom", "/dev/null"])
def test_a_device_is_refused_by_type(db_file: Path, device: str) -> None:
    before = snapshot(db_file)
    result = cli(db_file, "import", device)
    one_line_error(result, device, "character device", "only regular files")
    assert snapshot(db_file) == before


def test_a_named_pipe_is_refused_without_waiting(db_file: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "list.md"
    os.mkfifo(fifo)  # nobody ever writes to it: opening it for reading would block
    one_line_error(cli(db_file, "import", str(fifo)), "named pipe")


def test_a_socket_is_refused(db_file: Path, unix_socket: Path) -> None:
    one_line_error(cli(db_file, "import", str(unix_socket)), "socket")


def test_a_link_loop_is_named(db_file: Path, tmp_path: Path) -> None:
    loop = tmp_path / "loop.md"
    loop.symlink_to(loop.name)
    one_line_error(cli(db_file, "import", str(loop)), str(loop), "symbolic link loop")


def test_a_broken_link_is_named(db_file: Path, tmp_path: Path) -> None:
    link = tmp_path / "gone.md"
    link.symlink_to("elsewhere/list.md")
    one_line_error(cli(db_file, "import", str(link)), str(link), "broken symbolic link")


def test_folder_walk_skips_special_files_with_a_warning(
    db_file: Path, tmp_path: Path, unix_socket: Path
) -> None:
    folder = unix_socket.parent
    (folder / "real.md").write_text(GOOD.replace("Pruning", "Sparsity"), encoding="utf-8")
    os.mkfifo(folder / "list.md")
    (folder / "loop.md").symlink_to("loop.md")
    (folder / "broken.md").symlink_to("missing.md")
    (folder / "zero.md").symlink_to("/dev/zero")
    result = cli(db_file, "import", str(folder))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning: ")]
    expected = {
        "list.md": "named pipe",
        "loop.md": "symbolic link loop",
        "broken.md": "broken symbolic link",
        "zero.md": "character device",
        "sock.md": "socket",
    }
    assert len(warnings) == len(expected), result.stderr
    for name, why in expected.items():
        assert any(str(folder / name) in w and why in w and "skipped" in w for w in warnings)
    assert "real.md" in result.stderr  # the regular list was imported


def test_read_is_bounded_whatever_stat_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cap is enforced on the bytes read, not on st_size (0 for a device, and stale
    for a file that grows)."""
    path = tmp_path / "grows.md"
    path.write_text("x" * 100)
    monkeypatch.setattr(reader, "MAX_BYTES", 10)
    real_stat = os.stat

    def lying_stat(p: object, *args: object, **kwargs: object) -> os.stat_result:
        result = real_stat(p, *args, **kwargs)  # type: ignore[arg-type]
        values = list(result)
        values[6] = 0  # st_size
        return os.stat_result(values)

    monkeypatch.setattr(os, "stat", lying_stat)
    with pytest.raises(InputError, match=r"grows\.md.*too large"):
        read_list(path)


def test_collect_paths_reports_skips_to_its_caller(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text(GOOD)
    os.mkfifo(tmp_path / "b.md")
    skipped: list[str] = []
    assert collect_paths([tmp_path], on_skip=skipped.append) == [tmp_path / "a.md"]
    assert len(skipped) == 1 and "b.md: a named pipe" in skipped[0]
