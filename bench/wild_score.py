#!/usr/bin/env python3
"""Score the importer on real lists with hand-checked gold (../shared/wild by default).

usage: wild_score.py [--wild DIR] [--paperdb BIN] [--misses] [--json OUT] [LIST...]

Each list is imported alone into a fresh database through the real command line
(``paperdb --db TMP import FILE``) and read back with ``export --format json``, as the
wild README prescribes. Gold entries are matched to the exported mentions by line; a
field counts as right when it equals the gold value or one of its ``alt`` values (titles
after collapsing whitespace, venues case-insensitively, code URLs as a set, authors as an
ordered list). ``authors`` and ``code_urls`` are read from the mention when the export
carries them, else from its paper. Prints one row per list, the total, and with
``--misses`` every wrong field.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

FIELDS = ("title", "venue", "year", "presentation", "paper_url", "code_urls", "topic", "authors")
TARGETS = {"title": 97, "venue": 93, "year": 93, "paper_url": 97, "code_urls": 93, "authors": 85}
HERE = Path(__file__).resolve().parent
DEFAULT_WILD = HERE.parent.parent / "shared" / "wild"
DEFAULT_BIN = HERE.parent / ".venv" / "bin" / "paperdb"


def true_counts(wild: Path) -> dict[str, int]:
    """Entry counts per list from the table in SOURCES.md."""
    counts = {}
    for line in (wild / "SOURCES.md").read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if len(cells) == 8 and cells[0].isdigit():
            counts[cells[1].replace("/", "+")] = int(cells[7])
    return counts


def run_list(paperdb: str, path: Path) -> tuple[dict[int, dict[str, Any]], int, str]:
    """Mentions of one imported list by line, the number stored, and the import's stderr."""
    env = dict(os.environ, NO_COLOR="1")
    env.pop("PAPERDB_DB", None)
    with tempfile.TemporaryDirectory() as tmp:
        db = os.path.join(tmp, "w.db")
        imp = subprocess.run(
            [paperdb, "--db", db, "import", str(path)], capture_output=True, text=True, env=env
        )
        exp = subprocess.run(
            [paperdb, "--db", db, "export", "--format", "json"],
            capture_output=True,
            text=True,
            env=env,
        )
    papers = json.loads(exp.stdout) if exp.returncode == 0 and exp.stdout.strip() else []
    by_line: dict[int, dict[str, Any]] = {}
    stored = 0
    for paper in papers:
        for mention in paper["mentions"]:
            stored += 1
            row = dict(mention)
            row.setdefault("authors", paper.get("authors") or [])
            row.setdefault("code_urls", [c["url"] for c in paper.get("code") or []])
            by_line[int(mention["line"])] = row
    return by_line, stored, imp.stderr


def same(name: str, got: Any, want: Any) -> bool:
    if name == "title" and isinstance(got, str) and isinstance(want, str):
        return " ".join(got.split()) == " ".join(want.split())
    if name == "venue" and isinstance(got, str) and isinstance(want, str):
        return got.casefold() == want.casefold()
    if name == "code_urls" and isinstance(got, list) and isinstance(want, list):
        return set(got) == set(want)
    if name == "authors":
        return list(got or []) == list(want or [])
    return bool(got == want)


def score_list(paperdb: str, wild: Path, name: str) -> dict[str, Any]:
    gold = [
        json.loads(line)
        for line in (wild / "gold" / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    by_line, stored, stderr = run_list(paperdb, wild / "lists" / name / "README.md")
    right: Counter[str] = Counter()
    given = Counter()
    misses = []
    for entry in gold:
        mention = by_line.get(entry["line"])
        for field in FIELDS:
            if field == "authors" and not entry["authors"]:
                continue  # "authors (where the list gives them)"
            given[field] += 1
            ok = [entry[field], *entry.get("alt", {}).get(field, [])]
            got = mention.get(field) if mention else "<missing>"
            if mention is not None and any(same(field, got, w) for w in ok):
                right[field] += 1
            else:
                misses.append(f"{name}:{entry['line']} {field}: got {got!r} want {entry[field]!r}")
    return {
        "list": name,
        "stored": stored,
        "right": dict(right),
        "given": dict(given),
        "misses": misses,
        "stderr_tail": stderr.strip().splitlines()[-2:],
    }


def pct(right: int, given: int) -> str:
    return f"{100.0 * right / given:5.1f}" if given else "    -"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("lists", nargs="*")
    ap.add_argument("--wild", type=Path, default=DEFAULT_WILD)
    ap.add_argument("--paperdb", default=str(DEFAULT_BIN))
    ap.add_argument("--misses", action="store_true")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    counts = true_counts(args.wild)
    names = args.lists or sorted(counts)
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        rows = list(pool.map(lambda n: score_list(args.paperdb, args.wild, n), names))
    head = f"{'list':44} {'stored':>6} {'true':>5} " + " ".join(f"{f[:7]:>7}" for f in FIELDS)
    print(head)
    total_right: Counter[str] = Counter()
    total_given: Counter[str] = Counter()
    for row in rows:
        total_right.update(row["right"])
        total_given.update(row["given"])
        cells = " ".join(
            f"{pct(row['right'].get(f, 0), row['given'].get(f, 0)):>7}" for f in FIELDS
        )
        print(f"{row['list'][:44]:44} {row['stored']:>6} {counts[row['list']]:>5} {cells}")
    stored = sum(r["stored"] for r in rows)
    true = sum(counts[r["list"]] for r in rows)
    cells = " ".join(f"{pct(total_right[f], total_given[f]):>7}" for f in FIELDS)
    print(f"{'total':44} {stored:>6} {true:>5} {cells}")
    print(
        "targets: "
        + ", ".join(f"{f} >= {t}" for f, t in TARGETS.items())
        + f"; stored/true {100.0 * stored / true:.1f}%"
    )
    if args.misses:
        for row in rows:
            print("\n".join(row["misses"]))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
