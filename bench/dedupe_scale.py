"""Measure ``paperdb.dedupe.find_pairs`` on synthetic titles with planted near-duplicates.

Usage:  .venv/bin/python bench/dedupe_scale.py [N ...] [--db]    (default: 10000 100000)
        .venv/bin/python bench/dedupe_scale.py --dedupe-only DB CORPUS   (writes DB: a copy!)

Titles are built in-process from a Zipf-weighted vocabulary of made-up words, 4-14 words
long, a third with a "Main: subtitle" shape. ``--dup-rate`` (2%) of them get a planted
near-duplicate: a one-letter typo, a case/punctuation change, a glued nickname
("ABC-title"), a dropped subtitle, or a plural; half of the copies are filed one year
off. Prints wall time of the whole proposal step (normalisation, blocking, scoring),
candidate counts, peak memory, and pairwise precision/recall of the pairs at or above the
default threshold against the planted pairs. Not a test: run it by hand or from bench/run.py.

``--dedupe-only DB CORPUS`` runs the two dedupe commands of bench/run.py on an imported
bench corpus (``paperdb dedupe --format json``, then ``--apply``, whole processes, peak
memory from wait4) and prints their times, the end-to-end pair precision and recall
against ``CORPUS/truth.tsv``, and the proposals at or above the threshold that join two
different works, counted by the evidence that admitted them (with a few examples).
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import resource
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from paperdb import dedupe

SYLLABLES = [
    "ka",
    "lo",
    "mi",
    "ne",
    "ru",
    "ta",
    "vi",
    "so",
    "den",
    "gra",
    "pli",
    "tor",
    "quan",
    "ti",
    "za",
    "tion",
    "net",
    "work",
    "prun",
    "ing",
    "deep",
    "spar",
    "se",
    "lat",
    "ent",
    "fu",
    "sion",
    "mo",
    "del",
    "com",
    "pres",
    "ar",
    "chi",
    "tec",
]


def vocabulary(rng: random.Random, size: int) -> list[str]:
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 4))))
    return sorted(words)


def make_title(rng: random.Random, words: list[str], cum_weights: list[float]) -> str:
    n = rng.randint(4, 14)
    chosen = rng.choices(words, cum_weights=cum_weights, k=n)
    chosen[0] = chosen[0].capitalize()
    if rng.random() < 0.33 and n >= 7:
        cut = rng.randint(3, n - 3)
        return " ".join(chosen[:cut]) + ": " + " ".join(chosen[cut:])
    return " ".join(chosen)


def variant(rng: random.Random, title: str) -> str:
    kind = rng.random()
    if kind < 0.35:  # one-letter typo: substitution, deletion or insertion
        pos = rng.randrange(len(title))
        op = rng.random()
        letter = rng.choice("abcdefghijklmnopqrstuvwxyz")
        if op < 0.4:
            return title[:pos] + letter + title[pos + 1 :]
        if op < 0.7:
            return title[:pos] + title[pos + 1 :]
        return title[:pos] + letter + title[pos:]
    if kind < 0.55:  # case and punctuation
        return title.lower().replace(":", "").replace(" ", "  ", 1) + "."
    if kind < 0.7:  # glued nickname made from initials
        words = title.replace(":", "").split()
        nick = "".join(w[0] for w in words[:4]).upper()
        return f"{nick}-{title}"
    if kind < 0.85 and ":" in title:  # dropped subtitle
        return title.split(":", 1)[0]
    words = title.split()  # plural of one word
    i = rng.randrange(len(words))
    words[i] = words[i] + "s"
    return " ".join(words)


def corpus(
    n: int, dup_rate: float, seed: int
) -> tuple[list[tuple[Any, ...]], set[tuple[int, int]]]:
    rng = random.Random(seed)
    words = vocabulary(rng, 30_000)
    cum_weights = list(itertools.accumulate(1 / (rank + 1) ** 0.8 for rank in range(len(words))))
    rng.shuffle(words)
    items: list[tuple[Any, ...]] = []
    planted: set[tuple[int, int]] = set()
    originals = int(n / (1 + dup_rate))
    for i in range(originals):
        year = rng.randint(1990, 2024)
        title = make_title(rng, words, cum_weights)
        items.append((i, title, year, None))
        if rng.random() < dup_rate and len(items) < n:
            copy_year = year + (rng.choice((-1, 1)) if rng.random() < 0.5 else 0)
            items.append((n + i, variant(rng, title), copy_year, None))
            planted.add((i, n + i))
    return items, planted


def measure(n: int, dup_rate: float, seed: int) -> dict[str, Any]:
    items, planted = corpus(n, dup_rate, seed)
    start = time.perf_counter()
    pairs = dedupe.find_pairs(items)
    elapsed = time.perf_counter() - start
    merged = {(p.a, p.b) for p in pairs if p.score >= dedupe.DEFAULT_THRESHOLD}
    true_positive = len(merged & planted)
    return {
        "titles": len(items),
        "planted_pairs": len(planted),
        "seconds": round(elapsed, 2),
        "proposals": len(pairs),
        "merged_pairs": len(merged),
        "precision": round(true_positive / len(merged), 4) if merged else None,
        "recall": round(true_positive / len(planted), 4) if planted else None,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def measure_db(n: int, dup_rate: float, seed: int) -> dict[str, Any]:
    """The same through a database: papers rows in a temporary file, ``dedupe.proposals``."""
    import tempfile

    from paperdb.db import open_db

    items, planted = corpus(n, dup_rate, seed)
    with tempfile.TemporaryDirectory() as folder:
        db = open_db(Path(folder) / "bench.db")
        with db:
            db.executemany(
                "INSERT INTO papers (id, title, title_key, year, created_at) VALUES (?, ?, '', ?, '')",
                [(i, title, year) for i, title, year, _arxiv in items],
            )
        start = time.perf_counter()
        rows = dedupe.proposals(db)
        elapsed = time.perf_counter() - start
        db.close()
    merged = {(r["a"], r["b"]) for r in rows if r["score"] >= dedupe.DEFAULT_THRESHOLD}
    return {
        "titles": len(items),
        "through_db": True,
        "seconds": round(elapsed, 2),
        "proposals": len(rows),
        "recall": round(len(merged & planted) / len(planted), 4) if planted else None,
    }


def _works_of_papers(
    db_path: Path, truth: dict[tuple[str, int], tuple[int, str]]
) -> dict[int, set[int]]:
    import sqlite3

    conn = sqlite3.connect(db_path)
    works: dict[int, set[int]] = {}
    for name, line, paper in conn.execute(
        "SELECT s.name, e.line, e.paper_id FROM entries e JOIN sources s ON s.id = e.source_id"
    ):
        found = truth.get((name.rsplit("/", 1)[-1], line))
        if found is not None:
            works.setdefault(int(paper), set()).add(found[0])
    conn.close()
    return works


def _rule(evidence: list[str]) -> str:
    """The evidence of a proposal without its numbers: which rules found and scored it."""
    kept = [e.split(" ratio ")[0].split(":")[0] for e in evidence if not e.startswith("years ")]
    return "; ".join(kept + ["years differ"] * any(e.startswith("years ") for e in evidence))


def dedupe_only(db: Path, corpus_dir: Path, out: Path) -> dict[str, Any]:
    """bench/run.py's dedupe step on an existing database, with the false pairs explained."""
    import collections

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import corpus as bench_corpus
    import run as bench_run

    truth = {(f, n): (w, k) for f, n, w, k, _ in bench_corpus.read_truth(corpus_dir)}
    before = bench_run.pair_counts(db, truth)
    works = _works_of_papers(db, truth)
    pdb = [*bench_run.paperdb_cmd(), "--db", str(db)]
    with out.open("wb") as fh:
        propose = bench_run.run([*pdb, "dedupe", "--format", "json"], stdout=fh)
    apply = bench_run.run([*pdb, "dedupe", "--apply"])
    after = bench_run.pair_counts(db, truth)
    rows = json.loads(out.read_text(encoding="utf-8")) if propose["ok"] else []
    false: collections.Counter[str] = collections.Counter()
    true: collections.Counter[str] = collections.Counter()
    examples: dict[str, list[str]] = collections.defaultdict(list)
    for r in rows:
        if r["score"] < dedupe.DEFAULT_THRESHOLD:
            continue
        rule = _rule(r["evidence"])
        if works.get(r["a"], set()) & works.get(r["b"], set()):
            true[rule] += 1
        else:
            false[rule] += 1
            if len(examples[rule]) < 3:
                examples[rule].append(f"{r['score']:g} {r['a_title']!r} / {r['b_title']!r}")
    new_pred = after["predicted"] - before["predicted"]
    new_tp = after["tp"] - before["tp"]
    return {
        "propose": {k: propose.get(k) for k in ("ok", "wall", "rss", "error")},
        "apply": {k: apply.get(k) for k in ("ok", "wall", "rss", "error")},
        "proposals": len(rows),
        "added_precision": round(new_tp / new_pred, 4) if new_pred else None,
        "end_precision": round(after["tp"] / after["predicted"], 4),
        "end_recall": round(after["tp"] / after["true"], 4),
        "recall_by_kind": after["recall_by_kind"],
        "false_by_rule": false.most_common(),
        "true_by_rule": true.most_common(),
        "false_examples": examples,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[10_000, 100_000])
    parser.add_argument("--dup-rate", type=float, default=0.02)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--db",
        action="store_true",
        help="Also time dedupe.proposals() reading the titles from a database.",
    )
    parser.add_argument(
        "--dedupe-only",
        nargs=2,
        type=Path,
        metavar=("DB", "CORPUS"),
        help="Run dedupe propose + --apply on DB (it is changed: use a copy) and score it.",
    )
    parser.add_argument(
        "--proposals",
        type=Path,
        default=Path(__file__).resolve().parent / "out" / "proposals.json",
        help="Where --dedupe-only keeps the proposals it scored.",
    )
    args = parser.parse_args()
    if args.dedupe_only:
        db, corpus_dir = args.dedupe_only
        print(json.dumps(dedupe_only(db, corpus_dir, args.proposals), indent=1, ensure_ascii=False))
        return
    for n in args.sizes:
        print(json.dumps(measure(n, args.dup_rate, args.seed)), flush=True)
        if args.db:
            print(json.dumps(measure_db(n, args.dup_rate, args.seed)), flush=True)


if __name__ == "__main__":
    main()
