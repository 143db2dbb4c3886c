"""Helpers shared by the test modules (fixtures live in conftest.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from sqlite_utils import Database

from paperdb.db import open_db
from paperdb.models import CodeLink, LineWarning, PaperRecord, ParsedList


def fake_parse(text: str, *, file: str, fmt: str | None = None) -> ParsedList:
    """A tiny, exact grammar so ingest tests do not depend on the real importers.

    ``- Title | year=2020 | venue=ICLR | arxiv=1803.03635 | authors=A;B | topic=pruning
    | code=URL | tags=x;y | url=URL | pres=oral`` is an entry; ``* text`` is a warning;
    ``# Heading`` sets the section; anything else is ignored.
    """
    parsed = ParsedList(file=file, fmt=fmt or "fake")
    section: tuple[str, ...] = ()
    for number, line in enumerate(text.split("\n"), start=1):
        if line.startswith("# "):
            section = (line[2:].strip(),)
        elif line.startswith("* "):
            parsed.warnings.append(LineWarning(file, number, "unreadable", line))
        elif line.startswith("- "):
            title, *pairs = [part.strip() for part in line[2:].split("|")]
            fields = dict(pair.split("=", 1) for pair in pairs)
            parsed.records.append(
                PaperRecord(
                    title=title,
                    line=number,
                    raw=line,
                    file=file,
                    section=section,
                    fmt=parsed.fmt,
                    year=int(fields["year"]) if "year" in fields else None,
                    venue=fields.get("venue"),
                    venue_raw=fields.get("venue"),
                    presentation=fields.get("pres"),
                    topic=fields.get("topic"),
                    paper_url=fields.get("url"),
                    arxiv_id=fields.get("arxiv"),
                    authors=tuple(fields["authors"].split(";")) if "authors" in fields else None,
                    nickname=fields.get("nick"),
                    code=tuple(
                        CodeLink(u, "PyTorch", True) for u in fields.get("code", "").split(";") if u
                    ),
                    tags=tuple(t for t in fields.get("tags", "").split(";") if t),
                )
            )
    return parsed


def counts(db: Database) -> dict[str, int]:
    """Row count of every table (FTS shadow tables included)."""
    return {name: db[name].count for name in db.table_names()}


@contextmanager
def paused_import(db: Path, paths: Sequence[Path], after: int) -> Iterator[subprocess.Popen[str]]:
    """A ``paperdb import`` in a child process, holding the write lock, paused after
    ``after`` files (the CLI's test hook); the child is killed when the block ends."""
    env = {**os.environ, "PAPERDB_DB": str(db), "PAPERDB_TEST_PAUSE_AFTER_FILES": str(after)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "paperdb", "import", *map(str, paths)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stderr is not None
        assert proc.stderr.readline().strip() == "paused"
        yield proc
    finally:
        proc.kill()
        proc.wait()


def cli(
    db: Path, *args: str, preexec: Callable[[], None] | None = None, **kwargs: object
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "PAPERDB_TEST_PAUSE_AFTER_FILES"}
    kwargs.setdefault("stdout", subprocess.PIPE)
    kwargs.setdefault("stderr", subprocess.PIPE)
    return subprocess.run(  # type: ignore[call-overload, no-any-return]
        [sys.executable, "-m", "paperdb", "--db", str(db), *args],
        env=env,
        text=True,
        timeout=120,
        preexec_fn=preexec,
        **kwargs,
    )


def snapshot(db_file: Path) -> tuple[dict[str, int], str]:
    """Row counts and a full dump: equal snapshots mean an unchanged database."""
    db = Database(open_db(db_file))
    try:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        dump = "\n".join(db.conn.iterdump())
        return counts(db), dump
    finally:
        db.close()


def one_line_error(result: subprocess.CompletedProcess[str], *needles: str) -> None:
    assert result.returncode == 1, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]
