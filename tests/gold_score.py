"""Score the importer against the hand-checked gold entries (used by tests and by hand)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from paperdb.importers import parse_text
from paperdb.models import PaperRecord

GOLD = Path(__file__).parent / "gold"
SEEDS = Path(__file__).parent.parent / "data" / "seed"
FIELDS = (
    "title",
    "venue",
    "year",
    "presentation",
    "topic",
    "paper_url",
    "code_urls",
    "authors",
    "nickname",
)


def parse_seeds(seed_dir: Path = SEEDS) -> dict[str, list[PaperRecord]]:
    out = {}
    for path in sorted(seed_dir.iterdir()):
        out[path.name] = parse_text(path.read_text(encoding="utf-8"), file=path.name).records
    return out


def value(record: PaperRecord, name: str) -> Any:
    if name == "code_urls":
        return [c.url for c in record.code]
    if name == "authors":
        return list(record.authors) if record.authors is not None else None
    return getattr(record, name)


def score(parsed: dict[str, list[PaperRecord]]) -> tuple[dict[str, float], list[str]]:
    by_loc = {(f, r.line): r for f, rs in parsed.items() for r in rs}
    gold = [json.loads(line) for line in (GOLD / "entries.jsonl").open(encoding="utf-8")]
    right: Counter[str] = Counter()
    misses = []
    for g in gold:
        rec = by_loc.get((g["file"], g["line"]))
        for name in FIELDS:
            ok_values = [g[name], *g.get("alt", {}).get(name, [])]
            got = value(rec, name) if rec else "<missing>"
            if got in ok_values:
                right[name] += 1
            else:
                misses.append(f"{g['file'][:3]}:{g['line']} {name}: got {got!r} want {g[name]!r}")
    return {name: right[name] / len(gold) for name in FIELDS}, misses


if __name__ == "__main__":
    parsed = parse_seeds()
    print({f: len(r) for f, r in parsed.items()})
    acc, misses = score(parsed)
    print("\n".join(misses))
    print({k: round(v, 3) for k, v in acc.items()})
