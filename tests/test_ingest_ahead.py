"""Parsing ahead in worker processes stores exactly what parsing in one process stores."""

from __future__ import annotations

import shutil
import signal
import sqlite3
import time
from collections.abc import Callable
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import pytest

from paperdb import importers
from paperdb.db import open_db
from paperdb.errors import InputError
from paperdb.ingest import ahead, import_files, import_paths
from paperdb.models import ListFile, ParsedList
from tests.helpers import cli, paused_import, snapshot

SEED = Path(__file__).resolve().parent.parent / "data" / "seed"


def dump(conn: sqlite3.Connection) -> list[tuple[object, ...]]:
    """Every stored mention with its paper, in a stable order (ids aside)."""
    return conn.execute(
        "SELECT s.name, e.line, e.raw, e.title, e.venue, e.year, e.topic, e.paper_url,"
        " e.presentation, e.nickname, e.arxiv_id, p.title_key,"
        " (SELECT group_concat(a.name, ';') FROM entry_authors x JOIN authors a"
        "  ON a.id = x.author_id WHERE x.entry_id = e.id)"
        " FROM entries e JOIN sources s ON s.id = e.source_id JOIN papers p ON p.id = e.paper_id"
        " ORDER BY s.name, e.line"
    ).fetchall()


def counting(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Names of the files parsed in this process (workers are other processes)."""
    seen: list[str] = []
    real: Callable[..., ParsedList] = importers.parse_text

    def parse_text(text: str, *, file: str, fmt: str | None = None) -> ParsedList:
        seen.append(file)
        return real(text, file=file, fmt=fmt)

    monkeypatch.setattr(importers, "parse_text", parse_text)
    return seen


def imported(path: Path, files: list[ListFile]) -> list[tuple[object, ...]]:
    conn = open_db(path)
    try:
        import_files(conn, files)
        return dump(conn)
    finally:
        conn.close()


def test_workers_parse_the_files_after_the_first_and_store_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = [ListFile.local(p) for p in sorted(SEED.glob("*.txt"))]
    assert len(files) == 5
    alone = imported(tmp_path / "alone.db", files)  # under MIN_BYTES: parsed here
    monkeypatch.setattr(ahead, "MIN_BYTES", 0)
    seen = counting(monkeypatch)
    pooled = imported(tmp_path / "pooled.db", files)
    assert seen == [files[0].name]  # the other four came from the workers
    assert pooled == alone
    assert len(alone) > 500


def test_a_name_the_writer_changes_is_parsed_again_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        for seed in sorted(SEED.glob("*.txt"))[:2]:
            text = seed.read_text(encoding="utf-8")
            (tmp_path / folder / seed.name).write_text(f"{text}\n<!-- {folder} -->\n")
    # The same names twice: the second folder's sources are named b/NAME.
    files = [ListFile.local(p) for p in sorted(tmp_path.glob("?/*.txt"))]
    alone = imported(tmp_path / "alone.db", files)
    monkeypatch.setattr(ahead, "MIN_BYTES", 0)
    seen = counting(monkeypatch)
    pooled = imported(tmp_path / "pooled.db", files)
    assert pooled == alone
    assert {name for name, *_ in pooled} >= {"b/" + files[0].name}
    assert [name for name in seen if name.startswith("b/")] == [
        "b/" + files[0].name,
        "b/" + files[1].name,
    ]


def test_unchanged_files_are_not_parsed_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ahead, "MIN_BYTES", 0)
    conn = open_db(tmp_path / "p.db")
    import_paths(conn, [SEED])
    seen = counting(monkeypatch)
    pool_started: list[int] = []
    monkeypatch.setattr(ahead.ParseAhead, "_submit", lambda self, file: pool_started.append(1))
    report = import_paths(conn, [SEED])
    conn.close()
    assert all(file.unchanged for file in report.files)
    assert seen == [] and pool_started == []


def test_an_unreadable_file_fails_the_import_as_before(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ahead, "MIN_BYTES", 0)
    for seed in sorted(SEED.glob("*.txt"))[:3]:
        shutil.copy(seed, tmp_path / seed.name)
    (tmp_path / "zz-binary.md").write_bytes(b"# List\x00\x01\x02")
    conn = open_db(tmp_path / "p.db")
    with pytest.raises(InputError, match="binary"):
        import_paths(conn, [tmp_path])
    assert conn.execute("SELECT count(*) FROM entries").fetchone()[0] == 0
    conn.close()


class _BrokenPool:
    """A pool whose workers died before taking any work."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        pass

    def submit(self, *args: object) -> None:
        raise BrokenProcessPool("a child process terminated abruptly")

    def shutdown(self, **kwargs: object) -> None:
        pass


def test_without_workers_every_file_is_parsed_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = [ListFile.local(p) for p in sorted(SEED.glob("*.txt"))]
    alone = imported(tmp_path / "alone.db", files)
    monkeypatch.setattr(ahead, "MIN_BYTES", 0)
    monkeypatch.setattr(ahead, "ProcessPoolExecutor", _BrokenPool)
    seen = counting(monkeypatch)
    assert imported(tmp_path / "broken.db", files) == alone
    assert seen == [file.name for file in files]


def _processes_naming(marker: str) -> list[int]:
    """Ids of the live processes whose command line contains ``marker``."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            if proc.name.isdigit() and marker in (proc / "cmdline").read_bytes().decode():
                status = (proc / "status").read_text()
                if "\nState:\tZ" not in status:  # a zombie has already exited
                    found.append(int(proc.name))
        except OSError:
            continue
    return found


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="needs /proc to see workers")
@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGINT])
def test_a_stopped_import_leaves_the_database_and_no_workers(
    tmp_path: Path, how: signal.Signals
) -> None:
    seeds = "\n".join(p.read_text(encoding="utf-8") for p in sorted(SEED.glob("*.txt")))
    folder = tmp_path / "big-lists"
    folder.mkdir()
    for number in range(3):  # 3 x ~0.4 MiB: large enough to be parsed in workers
        (folder / f"list-{number}.md").write_text("\n".join([seeds] * 4), encoding="utf-8")
    assert sum(p.stat().st_size for p in folder.iterdir()) >= ahead.MIN_BYTES
    db_file = tmp_path / "p.db"
    assert cli(db_file, "import", str(SEED)).returncode == 0
    before = snapshot(db_file)
    with paused_import(db_file, sorted(folder.iterdir()), after=1) as proc:
        workers = [pid for pid in _processes_naming(str(folder)) if pid != proc.pid]
        assert workers  # the next files were handed to worker processes
        proc.send_signal(how)
        assert proc.wait(timeout=30) != 0
        assert proc.stderr is not None
        assert "Traceback" not in proc.stderr.read()
    deadline = time.monotonic() + 20
    while _processes_naming(str(folder)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _processes_naming(str(folder)) == []
    assert snapshot(db_file) == before
