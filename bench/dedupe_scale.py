"""Measure ``paperdb.dedupe.find_pairs`` on synthetic titles with planted near-duplicates.

Usage:  .venv/bin/python bench/dedupe_scale.py [N ...] [--db]    (default: 10000 100000)

Titles are built in-process from a Zipf-weighted vocabulary of made-up words, 4-14 words
long, a third with a "Main: subtitle" shape. ``--dup-rate`` (2%) of them get a planted
near-duplicate: a one-letter typo, a case/punctuation change, a glued nickname
("ABC-title"), a dropped subtitle, or a plural; half of the copies are filed one year
off. Prints wall time of the whole proposal step (normalisation, blocking, scoring),
candidate counts, peak memory, and pairwise precision/recall of the pairs at or above the
default threshold against the planted pairs. Not a test: run it by hand or from bench/run.py.
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
        with db.conn:
            db.conn.executemany(
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
    args = parser.parse_args()
    for n in args.sizes:
        print(json.dumps(measure(n, args.dup_rate, args.seed)), flush=True)
        if args.db:
            print(json.dumps(measure_db(n, args.dup_rate, args.seed)), flush=True)


if __name__ == "__main__":
    main()
