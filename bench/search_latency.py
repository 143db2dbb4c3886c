"""In-process search latency on an existing database, without a full bench run.

    .venv/bin/python bench/search_latency.py DB [--reps 20] [--json OUT] [--compare OLD.json]

Runs bench/run.py's 20 fixed queries through ``paperdb.search.search()`` on one open
connection (one warm-up, then ``--reps`` runs each) and prints p50/p95 per query and per
kind (typical, typo, cjk). ``--json`` keeps every figure and each query's top 10 paper
ids; ``--compare`` prints, per query, how many of an earlier run's top 10 are still in
the top 10 and whether the first hit is the same (ranking before/after a change).

Opening the database applies pending migrations: run it on a copy under bench/out/,
never on a shared read-only database. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from run import QUERIES, in_process_search


def _table(res: dict[str, Any], old: dict[str, Any] | None) -> list[str]:
    lines = ["query\tkind\thits\tp50_ms\tp95_ms" + ("\ttop10_kept\tsame_first" if old else "")]
    for label, kind, _, _ in QUERIES:
        q = res["per_query"][label]
        if "error" in q:
            lines.append(f"{label}\t{kind}\terror: {q['error']}")
            continue
        line = f"{label}\t{kind}\t{q['hits']}\t{q['p50_ms']:.2f}\t{q['p95_ms']:.2f}"
        if old is not None:
            before = old["per_query"].get(label, {}).get("top", [])
            kept = len(set(before) & set(q["top"]))
            first = bool(before) and bool(q["top"]) and before[0] == q["top"][0]
            line += f"\t{kept}/{len(before)}\t{'yes' if first or not before else 'NO'}"
        lines.append(line)
    for kind, s in res["summary"].items():
        lines.append(f"[{kind}]\t\t\t{s['p50_ms']:.2f}\t{s['p95_ms']:.2f}")
    return lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("db", type=Path)
    ap.add_argument("--reps", type=int, default=20, help="timed runs per query")
    ap.add_argument("--json", type=Path, default=None, help="write every figure here")
    ap.add_argument("--compare", type=Path, default=None, help="an earlier --json to diff")
    args = ap.parse_args(argv)
    if not args.db.is_file():
        print(f"no database at {args.db}", file=sys.stderr)
        return 1
    res = in_process_search(args.db, args.reps)
    if not res.get("ok"):
        print(res.get("error"), file=sys.stderr)
        return 1
    old = json.loads(args.compare.read_text()) if args.compare else None
    print("\n".join(_table(res, old)))
    if args.json:
        args.json.write_text(json.dumps(res, indent=2, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
