"""Concurrent dedupe (issue 14, item 1): a second `dedupe --apply`, or `dedupe` listing
proposals, while another `dedupe --apply` runs ended in ``KeyError: <paper id>``:
proposals were read in several queries while the other process merged between them.
Proposals are now read from one snapshot and each cluster is checked again under the
write lock, so both runs finish and every pair is merged exactly once."""

from __future__ import annotations

import importlib
import json
import os
import random
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from paperdb import dedupe
from paperdb.db import open_db, open_reader
from tests.helpers import cli

pytestmark = pytest.mark.slow

# The module, not the function the package exports under the same name.
proposals_module = importlib.import_module("paperdb.dedupe.proposals")
WORDS = [
    "adaptive",
    "sparse",
    "pruning",
    "quantized",
    "networks",
    "efficient",
    "transformer",
    "distillation",
    "lottery",
    "ticket",
    "gradient",
    "channel",
    "filter",
    "binary",
    "mixed",
    "precision",
    "search",
    "neural",
    "architecture",
    "compression",
    "robust",
    "federated",
    "graph",
    "attention",
    "vision",
    "language",
]


def _lists(folder: Path, n: int) -> list[Path]:
    """Two lists naming the same ``n`` papers, the second with one word misspelt in each
    title: the import keeps them apart, dedupe proposes every pair above 90."""
    rng = random.Random(7)
    a, b = ["## ICLR 2020"], ["## ICLR 2020"]
    for i in range(n):
        words = [w.capitalize() for w in rng.sample(WORDS, 6)] + [f"Model{i:03d}"]
        w = words[2]
        middle = len(w) // 2
        typo = [*words[:2], w[:middle] + w[middle + 1] + w[middle] + w[middle + 2 :], *words[3:]]
        a.append(f"- 2020-ICLR-[{' '.join(words)}](https://x.org/a{i})")
        b.append(f"- 2020-ICLR-[{' '.join(typo)}](https://x.org/b{i})")
    paths = [folder / "a.md", folder / "b.md"]
    for path, lines in zip(paths, (a, b), strict=True):
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return paths


@pytest.fixture
def dup_db(tmp_path: Path) -> Path:
    path = tmp_path / "dup.db"
    result = cli(path, "import", *map(str, _lists(tmp_path, 300)))
    assert result.returncode == 0, result.stderr
    return path


def _start(db: Path, *args: str) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if k != "PAPERDB_TEST_PAUSE_AFTER_FILES"}
    return subprocess.Popen(
        [sys.executable, "-m", "paperdb", "--db", str(db), *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _finished_cleanly(proc: subprocess.Popen[str]) -> str:
    out, err = proc.communicate(timeout=300)
    assert "Traceback" not in err, err
    if proc.returncode == 1:  # waiting for the lock may run out: one line says so
        lines = err.strip().splitlines()
        assert len(lines) == 1 and "database is busy" in lines[0], err
    else:
        assert proc.returncode == 0, err
    return out


def test_two_applies_and_a_listing_at_once(dup_db: Path) -> None:
    conn = open_reader(dup_db)
    expected = len(dedupe.proposals(conn))
    papers = conn.execute("SELECT count(*) FROM papers").fetchone()[0]
    conn.close()
    assert expected > 250

    runs = [_start(dup_db, "dedupe", "--apply", "-f", "json") for _ in range(2)]
    listing = _start(dup_db, "dedupe", "-f", "json")
    merged = [json.loads(_finished_cleanly(proc) or "[]") for proc in runs]
    json.loads(_finished_cleanly(listing))

    check = sqlite3.connect(dup_db)
    assert check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    merges = check.execute("SELECT count(*) FROM merges").fetchone()[0]
    left = check.execute("SELECT count(*) FROM papers").fetchone()[0]
    check.close()
    assert merges == expected == sum(len(rows) for rows in merged)  # each pair once
    assert left == papers - expected


def _merge_behind_their_back(monkeypatch: pytest.MonkeyPatch, path: Path) -> list[int]:
    """Make another connection merge the first proposed pair right after the pairs are
    found and before the papers are read: the window the other process hit."""
    real = proposals_module.find_pairs
    merged: list[int] = []

    def find_then_merge(*args: object, **kwargs: object) -> object:
        pairs = real(*args, **kwargs)  # type: ignore[arg-type]
        if pairs and not merged:
            other = open_db(path)
            dedupe.merge(other, [pairs[0].a, pairs[0].b])
            other.close()
            merged.extend([pairs[0].a, pairs[0].b])
        return pairs

    monkeypatch.setattr(proposals_module, "find_pairs", find_then_merge)
    return merged


def test_a_listing_reads_one_snapshot(dup_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    merged = _merge_behind_their_back(monkeypatch, dup_db)
    conn = open_reader(dup_db)
    rows = dedupe.proposals(conn)  # KeyError before: the absorbed paper was gone
    conn.close()
    assert merged and (rows[0]["a"], rows[0]["b"]) == tuple(merged)


def test_apply_leaves_a_cluster_merged_meanwhile_alone(
    dup_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    merged = _merge_behind_their_back(monkeypatch, dup_db)
    conn = open_db(dup_db)
    results = dedupe.apply(conn)
    total = conn.execute("SELECT count(*) FROM merges").fetchone()[0]
    conn.close()
    assert merged and all(merged[1] not in r.absorbed for r in results)
    assert total == len(results) + 1
