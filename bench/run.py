"""Benchmarks at scale: import, search, stats, export, dedupe and start-up, side by side
with ``grep -i`` over the same markdown files, in one run.

    .venv/bin/python bench/run.py [--sizes 1000,10000,100000] [--json OUT] [--out DIR]

For each size: generate (or reuse) a synthetic corpus with bench/corpus.py under
``--out`` (default bench/out/, git-ignored), import it into a fresh database there, then
time every command as a whole process of the installed ``paperdb`` (the console script
next to this Python, else ``python -m paperdb``), with peak memory from wait4(), plus
search latency in-process. A command that fails or does not exist is reported as n/a.
Prints a table and writes JSON (``--json``, default ``OUT/bench-<sizes>.json``).
Not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "src"))

import corpus  # noqa: E402

TIMEOUT = 1800  # seconds per command
GNU_TIME = "/usr/bin/time"  # reports a command's own peak RSS (see run())

# (label, kind, paperdb search arguments, grep pipeline for the same question)
QUERIES: list[tuple[str, str, list[str], str]] = [
    (
        "knowledge distillation",
        "typical",
        ["knowledge distillation"],
        "grep -riF 'knowledge distillation' {d}",
    ),
    (
        "vision transformers",
        "typical",
        ["vision transformers"],
        "grep -riF 'vision transformers' {d}",
    ),
    (
        "post-training quantization",
        "typical",
        ["post-training quantization"],
        "grep -riF 'post-training quantization' {d}",
    ),
    ("channel pruning", "typical", ["channel pruning"], "grep -riF 'channel pruning' {d}"),
    (
        "neural architecture search",
        "typical",
        ["neural architecture search"],
        "grep -riF 'neural architecture search' {d}",
    ),
    ("lottery tickets", "typical", ["lottery tickets"], "grep -riF 'lottery tickets' {d}"),
    (
        "large language models",
        "typical",
        ["large language models"],
        "grep -riF 'large language models' {d}",
    ),
    (
        "pruning graph neural",
        "typical",
        ["pruning graph neural"],
        "grep -riF pruning {d} | grep -iF 'graph neural'",
    ),
    (
        "mixture of experts edge",
        "typical",
        ["mixture of experts edge"],
        "grep -riF 'mixture of experts' {d} | grep -iF edge",
    ),
    ("binarization", "typical", ["binarization"], "grep -riF binarization {d}"),
    (
        '"data-free quantization"',
        "phrase",
        ['"data-free quantization"'],
        "grep -riF 'data-free quantization' {d}",
    ),
    ('"early exiting"', "phrase", ['"early exiting"'], "grep -riF 'early exiting' {d}"),
    (
        "pruning --venue CVPR",
        "filter",
        ["pruning", "--venue", "CVPR"],
        "grep -riF pruning {d} | grep -F CVPR",
    ),
    (
        "quantization --year 2020..2022",
        "filter",
        ["quantization", "--year", "2020..2022"],
        "grep -riF quantization {d} | grep -E '202[0-2]'",
    ),
    (
        "distillation --has-code",
        "filter",
        ["distillation", "--has-code"],
        "grep -riF distillation {d} | grep -iE 'github|code'",
    ),
    (
        "sparse training --venue ICLR --year 2021",
        "filter",
        ["sparse training", "--venue", "ICLR", "--year", "2021"],
        "grep -riF 'sparse training' {d} | grep -F ICLR | grep -F 2021",
    ),
    ("quantizaton (typo)", "typo", ["quantizaton"], "grep -riF quantizaton {d}"),
    (
        "knowlege distilation (typo)",
        "typo",
        ["knowlege distilation"],
        "grep -riF 'knowlege distilation' {d}",
    ),
    ("量化 (Chinese)", "chinese", ["量化"], "grep -rF 量化 {d}"),
    (
        "剪枝 边缘设备 (Chinese)",
        "chinese",
        ["剪枝 边缘设备"],
        "grep -rF 剪枝 {d} | grep -F 边缘设备",
    ),
]
TYPICAL = "knowledge distillation"  # the "typical query" of the targets table
KIND_GROUP = {"typo": "typo", "chinese": "cjk"}  # latency groups; the rest are "typical"

TARGETS = {  # measure: (100k target, 1M target, "<=" or ">="), issue 12
    "import_eps": (30000, 30000, ">="),
    "search_process_s": (0.12, 0.15, "<="),
    "help_s": (0.10, 0.10, "<="),
    "search_p95_typical_ms": (5, 20, "<="),
    "search_p95_typo_ms": (10, 50, "<="),
    "search_p95_cjk_ms": (10, 50, "<="),
    "stats_year_s": (0.15, 0.3, "<="),
    "filter_s": (0.15, 0.3, "<="),
    "dedupe_s": (6, 60, "<="),
    "dedupe_apply_s": (10, 90, "<="),
    "end_precision": (0.99, 0.99, ">="),
    "end_recall": (0.97, 0.95, ">="),
    "peak_rss_mib": (200, 500, "<="),
    "export_json_s": (None, 15, "<="),
    "export_markdown_s": (None, 10, "<="),
}


def paperdb_cmd() -> list[str]:
    script = Path(sys.executable).parent / "paperdb"
    if script.exists():
        return [str(script)]
    found = shutil.which("paperdb")
    return [found] if found else [sys.executable, "-m", "paperdb"]


def compile_package() -> None:
    """Write paperdb's bytecode, as ``pip install .`` does when it installs: an editable
    install has none, and where PYTHONDONTWRITEBYTECODE is set no run writes it, so every
    timed process would compile the package's source again (~0.03 s of each start-up)."""
    import compileall

    import paperdb

    compileall.compile_dir(Path(paperdb.__file__).parent, quiet=1)


def run(
    cmd: list[str] | str, *, shell: bool = False, stdout: Any = subprocess.DEVNULL
) -> dict[str, Any]:
    """Run one whole process; wall time, exit code and peak RSS (MiB) of that process.

    A child's ``ru_maxrss`` counts the memory of this process it was forked from (the
    high-water mark of the address space it had until ``exec``), and this process holds
    a million-entry truth table by the time dedupe runs; so a command's peak is read by
    GNU time, a small program whose child starts from its few pages, where it exists.
    """
    rss_path = None
    if not shell and Path(GNU_TIME).exists():
        fd, name = tempfile.mkstemp(prefix="bench-rss-")
        os.close(fd)
        rss_path = Path(name)
        cmd = [GNU_TIME, "-f", "%M", "-o", name, *cmd]
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd,
        shell=shell,
        stdout=stdout,
        stderr=subprocess.PIPE,
        executable="/bin/bash" if shell else None,
    )
    deadline = start + TIMEOUT
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            proc.kill()
            pid, status, usage = os.wait4(proc.pid, 0)
            return {"ok": False, "wall": None, "rss": None, "error": "timeout"}
        time.sleep(0.002)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
    if proc.stderr:
        proc.stderr.close()
    # grep exits 1 for "no match": that is an answer, not an error.
    ok = proc.returncode == 0 or (shell and proc.returncode == 1)
    rss = usage.ru_maxrss / 1024
    if rss_path is not None:
        rss = _read_kib(rss_path) / 1024 or rss
    return {
        "ok": ok,
        "wall": wall,
        "rss": rss,
        "code": proc.returncode,
        "error": None if ok else err.strip().splitlines()[-1:],
    }


def _read_kib(path: Path) -> float:
    """The KiB GNU time wrote (its last line); 0 when it wrote none."""
    try:
        lines = path.read_text().split()
        return float(lines[-1]) if lines else 0.0
    except (OSError, ValueError):
        return 0.0
    finally:
        path.unlink(missing_ok=True)


def timed(cmd: list[str] | str, repeat: int, **kw: Any) -> dict[str, Any]:
    """Median wall time of ``repeat`` runs (n/a when any fails) and the largest peak RSS."""
    results = [run(cmd, **kw) for _ in range(repeat)]
    if not all(r["ok"] for r in results):
        bad = next(r for r in results if not r["ok"])
        return {"ok": False, "median": None, "rss": None, "error": bad.get("error")}
    walls = [r["wall"] for r in results]
    return {
        "ok": True,
        "median": statistics.median(walls),
        "min": min(walls),
        "rss": max(r["rss"] for r in results),
    }


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    k = max(0, min(len(values) - 1, round(q * (len(values) - 1))))
    return values[k]


def in_process_search(db_path: Path, reps: int) -> dict[str, Any]:
    """Time paperdb.search.search() per query (after one warm-up run)."""
    try:
        from paperdb.db import open_db
        from paperdb.filters import Filters, parse_year
        from paperdb.search import search
    except ImportError as exc:
        return {"ok": False, "error": str(exc)}
    conn = open_db(db_path)
    per_query: dict[str, Any] = {}
    by_kind: dict[str, list[float]] = defaultdict(list)
    for label, kind, args, _ in QUERIES:
        query, opts = args[0], args[1:]
        kw: dict[str, Any] = {}
        i = 0
        while i < len(opts):
            if opts[i] == "--venue":
                kw["venues"] = (opts[i + 1],)
                i += 2
            elif opts[i] == "--year":
                kw["year"] = parse_year(opts[i + 1])
                i += 2
            elif opts[i] == "--has-code":
                kw["has_code"] = True
                i += 1
            else:
                i += 1
        filters = Filters(**kw)
        try:
            result = search(conn, query, filters)
            samples = []
            for _ in range(reps):
                t = time.perf_counter()
                result = search(conn, query, filters)
                samples.append((time.perf_counter() - t) * 1000)
        except Exception as exc:  # a query the engine refuses: report, go on
            per_query[label] = {"error": f"{type(exc).__name__}: {exc}"}
            continue
        per_query[label] = {
            "kind": kind,
            "hits": len(result.rows),
            "p50_ms": pct(samples, 0.5),
            "p95_ms": pct(samples, 0.95),
            "corrections": result.corrections,
            "top": [row["id"] for row in result.rows[:10]],  # to compare rankings
        }
        by_kind[KIND_GROUP.get(kind, "typical")].extend(samples)
        by_kind["all"].extend(samples)
    conn.close()
    summary = {k: {"p50_ms": pct(v, 0.5), "p95_ms": pct(v, 0.95)} for k, v in by_kind.items()}
    return {"ok": True, "per_query": per_query, "summary": summary}


def pair_counts(db_path: Path, truth: dict[tuple[str, int], tuple[int, str]]) -> dict[str, int]:
    """Entry pairs on one paper (predicted), about one work (true), and both."""
    import sqlite3

    conn = sqlite3.connect(db_path)
    rows = conn.execute(
        "SELECT s.path, e.line, e.paper_id FROM entries e JOIN sources s ON s.id = e.source_id"
    ).fetchall()
    conn.close()
    by_paper: Counter[int] = Counter()
    by_work: Counter[int] = Counter()
    by_both: Counter[tuple[int, int]] = Counter()
    paper_of: dict[tuple[str, int], int] = {}
    for path, line, paper in rows:
        name = Path(path).name  # truth.tsv names files by their base name
        found = truth.get((name, line))
        if found is None:
            continue
        work = found[0]
        paper_of[(name, line)] = paper
        by_paper[paper] += 1
        by_work[work] += 1
        by_both[(paper, work)] += 1

    def pairs(c: Counter[Any]) -> int:
        return sum(n * (n - 1) // 2 for n in c.values())

    # Fuzzy-only planted duplicates (glued nickname, typo): on the first mention's paper?
    first: dict[int, int] = {}
    for key, (work, kind) in truth.items():
        if kind == "orig" and key in paper_of:
            first[work] = paper_of[key]
    found = Counter()
    total = Counter()
    for key, (work, kind) in truth.items():
        if kind in corpus.NEAR_KINDS and key in paper_of:
            total[kind] += 1
            found[kind] += int(paper_of[key] == first.get(work))
    return {
        "predicted": pairs(by_paper),
        "true": pairs(by_work),
        "tp": pairs(by_both),
        "papers": len(by_paper),
        "works": len(by_work),
        "recall_by_kind": {k: round(found[k] / total[k], 3) for k in sorted(total)},
    }


def bench_size(size: int, out: Path, reps: int) -> dict[str, Any]:
    res: dict[str, Any] = {"size": size}
    cdir = out / f"corpus-{size}"
    meta = cdir / "corpus.json"
    t = time.perf_counter()
    cached = json.loads(meta.read_text()) if meta.exists() else {}
    if (cached.get("entries"), cached.get("generator")) != (size, corpus.generator_version()):
        corpus.generate(cdir, size)
    res["corpus_s"] = time.perf_counter() - t
    res["corpus"] = json.loads(meta.read_text())
    res["corpus_bytes"] = sum(p.stat().st_size for p in cdir.glob("*/*.md"))
    db = out / f"bench-{size}.db"
    for suffix in ("", "-wal", "-shm", ".bak"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    pdb = [*paperdb_cmd(), "--db", str(db)]
    say = lambda msg: print(f"[{size}] {msg}", file=sys.stderr, flush=True)  # noqa: E731

    say("import")
    r = run([*pdb, "import", str(cdir)])
    res["import"] = r
    if not r["ok"]:
        say(f"import failed: {r.get('error')}")
        return res
    res["import_eps"] = size / r["wall"]
    res["db_bytes"] = sum(
        Path(f"{db}{s}").stat().st_size for s in ("", "-wal") if Path(f"{db}{s}").exists()
    )
    res["help"] = timed([*paperdb_cmd(), "--help"], reps)

    say("search (whole process)")
    res["search_process"] = {}
    for label, _, args, grep in QUERIES:
        p = timed([*pdb, "search", *args], reps)
        g = timed(grep.format(d=cdir), reps, shell=True)
        ratio = p["median"] / g["median"] if p["ok"] and g["ok"] and g["median"] else None
        res["search_process"][label] = {"paperdb": p, "grep": g, "ratio": ratio}
    say("search (in-process)")
    res["search_inprocess"] = in_process_search(db, max(reps * 4, 20))

    say("filter, stats, show")
    res["filter"] = timed([*pdb, "filter", "--venue", "CVPR", "--year", "2020..2022"], reps)
    res["stats_year"] = timed([*pdb, "stats", "--by", "year"], reps)
    res["stats_venue"] = timed([*pdb, "stats", "--by", "venue"], reps)
    res["show"] = timed([*pdb, "show", str(max(1, res["corpus"]["works"] // 2))], reps)
    res["grep_count_year"] = timed(
        f"grep -rhoE '(19|20)[0-9]{{2}}' {cdir} | sort | uniq -c", reps, shell=True
    )

    say("export")
    for fmt in ("json", "markdown"):
        target = out / f"export-{size}.{fmt}"
        target.unlink(missing_ok=True)
        res[f"export_{fmt}"] = run([*pdb, "export", "--format", fmt, "-o", str(target), "--force"])
        target.unlink(missing_ok=True)

    say("dedupe")
    truth = {(f, line): (work, kind) for f, line, work, kind, _ in corpus.read_truth(cdir)}
    before = pair_counts(db, truth)
    res["dedupe"] = run([*pdb, "dedupe", "--format", "json"])
    res["dedupe_apply"] = run([*pdb, "dedupe", "--apply"])
    after = pair_counts(db, truth)
    res["pairs_import"] = before
    res["pairs_dedupe"] = after
    new_pred = after["predicted"] - before["predicted"]
    new_tp = after["tp"] - before["tp"]
    res["dedupe_precision"] = new_tp / new_pred if new_pred else None
    res["dedupe_recall"] = (
        new_tp / (after["true"] - before["tp"]) if after["true"] > before["tp"] else None
    )
    res["end_precision"] = after["tp"] / after["predicted"] if after["predicted"] else None
    res["end_recall"] = after["tp"] / after["true"] if after["true"] else None

    rss = [v.get("rss") for v in _walk(res) if isinstance(v, dict) and v.get("rss")]
    res["peak_rss_mib"] = max(rss) if rss else None
    say("done")
    return res


def _walk(obj: Any) -> list[Any]:
    found = [obj]
    if isinstance(obj, dict):
        for v in obj.values():
            found.extend(_walk(v))
    return found


# --------------------------------------------------------------------------- report


def headline(res: dict[str, Any]) -> dict[str, Any]:
    """The figures of the targets table (None: not measured / failed)."""
    sp = res.get("search_process", {}).get(TYPICAL, {})
    inproc = res.get("search_inprocess", {}).get("summary", {})
    dd = res.get("dedupe") or {}
    return {
        "import_eps": res.get("import_eps"),
        "search_process_s": (sp.get("paperdb") or {}).get("median"),
        "help_s": (res.get("help") or {}).get("median"),
        "search_p95_typical_ms": inproc.get("typical", {}).get("p95_ms"),
        "search_p95_typo_ms": inproc.get("typo", {}).get("p95_ms"),
        "search_p95_cjk_ms": inproc.get("cjk", {}).get("p95_ms"),
        "stats_year_s": (res.get("stats_year") or {}).get("median"),
        "filter_s": (res.get("filter") or {}).get("median"),
        "dedupe_s": dd.get("wall") if dd.get("ok") else None,
        "dedupe_apply_s": _ok_wall(res.get("dedupe_apply")),
        "end_precision": res.get("end_precision"),
        "end_recall": res.get("end_recall"),
        "peak_rss_mib": res.get("peak_rss_mib"),
        "export_json_s": _ok_wall(res.get("export_json")),
        "export_markdown_s": _ok_wall(res.get("export_markdown")),
    }


def verdicts(results: list[dict[str, Any]]) -> str:
    """Each issue-12 target against the size it names (100k, 1M) when that size ran."""
    lines = ["| target | 100k | 1M |", "| --- | --- | --- |"]
    by_size = {r["size"]: headline(r) for r in results}
    for name, (t100k, t1m, op) in TARGETS.items():
        cells = []
        for size, target in ((100_000, t100k), (1_000_000, t1m)):
            value = by_size.get(size, {}).get(name)
            if target is None or size not in by_size:
                cells.append("")
                continue
            ok = value is not None and (value >= target if op == ">=" else value <= target)
            cells.append(f"{fmt(value)} {op} {fmt(float(target))}: {'ok' if ok else '**miss**'}")
        lines.append(f"| {name} | {cells[0]} | {cells[1]} |")
    return "\n".join(lines)


def fmt(v: Any, digits: int = 3) -> str:
    if v is None:
        return "n/a"
    if isinstance(v, float):
        if abs(v) >= 1000:
            return f"{v:,.0f}"
        return (
            f"{v:.{digits}g}" if abs(v) < 1 else f"{v:.{digits}g}" if abs(v) < 100 else f"{v:.0f}"
        )
    return str(v)


def report(results: list[dict[str, Any]]) -> str:
    sizes = [r["size"] for r in results]
    head = "| measure | " + " | ".join(f"{s:,}" for s in sizes) + " | target 100k / 1M |"
    lines = [head, "|" + " --- |" * (len(sizes) + 2)]

    def row(name: str, values: list[Any], target: str = "") -> None:
        lines.append(f"| {name} | " + " | ".join(fmt(v) for v in values) + f" | {target} |")

    def get(r: dict[str, Any], *path: str) -> Any:
        for p in path:
            r = r.get(p) if isinstance(r, dict) else None
            if r is None:
                return None
        return r

    heads = [headline(r) for r in results]
    row("import, entries/s (whole process)", [h["import_eps"] for h in heads], ">= 30,000")
    row("import wall, s", [get(r, "import", "wall") for r in results])
    row("import peak RSS, MiB", [get(r, "import", "rss") for r in results])
    row("database size, MiB", [(r.get("db_bytes") or 0) / 2**20 or None for r in results])
    row("corpus size, MiB", [r["corpus_bytes"] / 2**20 for r in results])
    row("`paperdb --help`, s", [h["help_s"] for h in heads], "<= 0.10")
    row(
        f'`paperdb search "{TYPICAL}"`, s', [h["search_process_s"] for h in heads], "<= 0.12 / 0.15"
    )
    row(
        f'`grep -ri "{TYPICAL}"`, s',
        [get(r, "search_process", TYPICAL, "grep", "median") for r in results],
    )
    row(
        "search process, median of 20 queries, s",
        [
            _median([get(q, "paperdb", "median") for q in r.get("search_process", {}).values()])
            for r in results
        ],
    )
    row(
        "grep, median of the same 20 questions, s",
        [
            _median([get(q, "grep", "median") for q in r.get("search_process", {}).values()])
            for r in results
        ],
    )
    row(
        "ratio paperdb/grep, median of 20",
        [_median([q.get("ratio") for q in r.get("search_process", {}).values()]) for r in results],
    )
    row(
        "search in-process p50, ms (typical)",
        [get(r, "search_inprocess", "summary", "typical", "p50_ms") for r in results],
    )
    row(
        "search in-process p95, ms (typical)",
        [h["search_p95_typical_ms"] for h in heads],
        "<= 5 / 20",
    )
    row(
        "search in-process p50, ms (typo)",
        [get(r, "search_inprocess", "summary", "typo", "p50_ms") for r in results],
    )
    row("search in-process p95, ms (typo)", [h["search_p95_typo_ms"] for h in heads], "<= 10 / 50")
    row("search in-process p95, ms (CJK)", [h["search_p95_cjk_ms"] for h in heads], "<= 10 / 50")
    row(
        "`filter --venue CVPR --year 2020..2022`, s",
        [h["filter_s"] for h in heads],
        "<= 0.15 / 0.3",
    )
    row("`stats --by year`, s", [h["stats_year_s"] for h in heads], "<= 0.15 / 0.3")
    row("grep+sort+uniq count of years, s", [get(r, "grep_count_year", "median") for r in results])
    row("`stats --by venue`, s", [get(r, "stats_venue", "median") for r in results])
    row("`show ID`, s", [get(r, "show", "median") for r in results])
    row("`export --format json` (all), s", [h["export_json_s"] for h in heads], "- / <= 15")
    row("`export --format markdown` (all), s", [h["export_markdown_s"] for h in heads], "- / <= 10")
    row("`dedupe` (propose), s", [h["dedupe_s"] for h in heads], "<= 6 / 60")
    row("`dedupe --apply`, s", [h["dedupe_apply_s"] for h in heads], "<= 10 / 90")
    row("dedupe precision (pairs it added)", [r.get("dedupe_precision") for r in results])
    row("dedupe recall (true pairs import left)", [r.get("dedupe_recall") for r in results])
    row(
        "end-to-end pair precision / recall",
        [f"{fmt(r.get('end_precision'))} / {fmt(r.get('end_recall'))}" for r in results],
        ">= 0.99 / 0.97; 0.99 / 0.95",
    )
    row(
        "recall: glued nickname / typo",
        [
            " / ".join(fmt(get(r, "pairs_dedupe", "recall_by_kind", k)) for k in ("glued", "typo"))
            for r in results
        ],
    )
    row("peak RSS any command, MiB", [h["peak_rss_mib"] for h in heads], "<= 200 / 500")
    return "\n".join(lines)


def _median(values: list[Any]) -> float | None:
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def _ok_wall(r: dict[str, Any] | None) -> float | None:
    return r["wall"] if r and r.get("ok") else None


def machine() -> dict[str, Any]:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import sqlite3

    return {
        "cpu": cpu,
        "nproc": os.cpu_count(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "platform": platform.platform(),
        "mem_total": _meminfo(),
        "load_avg": os.getloadavg(),
        "when": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
    }


def _meminfo() -> str:
    try:
        return Path("/proc/meminfo").read_text().splitlines()[0].split(":", 1)[1].strip()
    except (OSError, IndexError):
        return ""


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="1000,10000,100000")
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument("--out", type=Path, default=HERE / "out")
    ap.add_argument("--repeat", type=int, default=5, help="runs per whole-process timing")
    args = ap.parse_args(argv)
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s]
    args.out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    results = []
    info = machine()
    info["paperdb"] = " ".join(paperdb_cmd())
    compile_package()
    for size in sizes:
        results.append(bench_size(size, args.out, args.repeat))
    info["bench_wall_s"] = time.perf_counter() - started
    info["load_avg_end"] = os.getloadavg()
    table = report(results) + "\n\n" + verdicts(results)
    print(table)
    print(
        f"\nmachine: {info['cpu']}, {info['nproc']} cores, Python {info['python']}, "
        f"SQLite {info['sqlite']}; load average at start {info['load_avg'][0]:.2f}; "
        f"bench wall {info['bench_wall_s']:.0f} s"
    )
    out_json = args.json or args.out / f"bench-{'-'.join(map(str, sizes))}.json"
    out_json.write_text(
        json.dumps(
            {
                "machine": info,
                "results": results,
                "headline": {r["size"]: headline(r) for r in results},
                "table": table,
            },
            indent=2,
            default=str,
        )
        + "\n"
    )
    print(f"json: {out_json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
