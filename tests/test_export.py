"""Export formats on the seed lists: markdown round trip and lint, BibTeX, CSV, JSONL."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

from paperdb.db import open_db
from paperdb.export import EXPORTERS, ExportOptions, export, parse_group_by
from paperdb.export.csv import COLUMNS
from paperdb.export.markdown import render
from paperdb.filters import Filters
from paperdb.ingest import import_paths
from paperdb.rows import full_papers


def _key(p: dict[str, Any]) -> tuple[Any, ...]:
    return (
        p["title"],
        p["venue"],
        p["year"],
        p["presentation"],
        p["paper_url"],
        tuple(p["authors"]),
        tuple(sorted((c["url"], c["framework"], c["official"]) for c in p["code"])),
        tuple(p["topics"]),
    )


def _reimport(seed_conn: sqlite3.Connection, tmp_path: Path, group_by: str = "topic") -> Any:
    path = tmp_path / "export.md"
    options = ExportOptions(group_by=parse_group_by(group_by))
    path.write_text(export(seed_conn, "markdown", options=options), encoding="utf-8")
    db = Database(open_db(tmp_path / "again.db"))
    report = import_paths(db.conn, [path])
    assert not report.warnings
    return db


@pytest.mark.parametrize("group_by", ["topic", "topic,year", "venue,topic", "year,venue,topic"])
def test_markdown_round_trip(seed_conn: sqlite3.Connection, tmp_path: Path, group_by: str) -> None:
    """The same papers come back: title, venue, year, authors, code (framework, official)..."""
    from paperdb.check import check

    db = _reimport(seed_conn, tmp_path, group_by)
    assert sorted(map(_key, full_papers(db.conn))) == sorted(map(_key, full_papers(seed_conn)))
    assert check(db.conn, ["duplicate", "broken-link"]) == []  # no [Title](), no repeats
    db.close()


def test_markdown_round_trip_nicknames_and_tags(
    seed_conn: sqlite3.Connection, tmp_path: Path
) -> None:
    db = _reimport(seed_conn, tmp_path)

    def said(conn: Any) -> list[tuple[Any, ...]]:
        return sorted((p["title"], p["nickname"], tuple(p["tags"])) for p in full_papers(conn))

    assert said(db) == said(seed_conn)
    db.close()


@pytest.mark.parametrize("group_by", ["topic", "topic,year"])
def test_markdown_passes_lint(seed_conn: sqlite3.Connection, tmp_path: Path, group_by: str) -> None:
    path = tmp_path / "export.md"
    options = ExportOptions(group_by=parse_group_by(group_by))
    path.write_text(export(seed_conn, "markdown", options=options), encoding="utf-8")
    # Every rule but MD013 (line length: titles and URLs are long).
    result = subprocess.run(
        [sys.executable, "-m", "pymarkdown", "--disable-rules", "md013", "scan", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_markdown_nested_groups() -> None:
    papers = [
        {
            "title": "A [x] | y",
            "year": 2020,
            "venue": "ICLR",
            "presentation": "oral",
            "paper_url": "https://a",
            "authors": ["Ann Lee", "Bo Chen"],
            "nickname": "AX",
            "code": [{"url": "https://github.com/a/a", "framework": "PyTorch", "official": True}],
            "tags": ["t1", "t2"],
            "topics": ["pruning", "quantization"],
        },
        {
            "title": "B",
            "year": None,
            "venue": None,
            "presentation": None,
            "paper_url": None,
            "code": [],
            "topics": [],
        },
    ]
    text = render(papers, ("topic", "year"), topic_names={"pruning": "Pruning"})
    row = (
        "| [A \\[x\\] \\| y](https://a) | AX | Ann Lee, Bo Chen | ICLR 2020 (oral)"
        " | [PyTorch(Author)](https://github.com/a/a) | t1; t2 |"
    )
    assert row in text
    assert text.count(row) == 2  # under both topics
    assert "| B |  |  |  |  |  |" in text  # no link: plain title, never []()
    assert "## Uncategorized" in text and "### Uncategorized / Unknown year" in text
    assert "### Pruning / 2020" in text and "### quantization / 2020" in text
    assert "  - [2020](#pruning--2020)" in text and "(#quantization--2020)" in text


def test_markdown_lists_a_paper_once_per_section() -> None:
    paper = {"title": "A", "topics": ["a", "b"], "code": []}
    text = render([paper], ("topic",), topic_names={"a": "Same", "b": "Same"})
    assert text.count("| A |") == 1
    assert render([paper], ("year",)).count("| A |") == 1


def test_bibtex_parses_with_unique_keys(seed_conn: sqlite3.Connection) -> None:
    from pybtex.database import parse_string

    text = export(seed_conn, "bibtex")
    data = parse_string(text, "bibtex")  # raises on any error, including duplicate keys
    assert len(data.entries) == seed_conn.execute("SELECT count(*) FROM papers").fetchone()[0]
    assert {e.type for e in data.entries.values()} == {"inproceedings", "article", "misc"}
    assert export(seed_conn, "bibtex") == text  # stable


def test_bibtex_text_is_latex_and_urls_are_verbatim() -> None:
    """Text fields read back (LaTeX -> text) to the stored text; url/eprint are verbatim."""
    from pybtex.database import parse_string
    from pylatexenc.latex2text import LatexNodes2Text

    from paperdb.export.bibtex import render as bib

    paper = {
        "id": 1,
        "title": "β-VAE: 50% of {R&D} costs $5 #1 a_b ~x \\o/",
        "year": 2020,
        "venue": "ICLR",
        "venue_kind": "conference",
        "authors": ["Zoë Ünal", "Ludwig van Beethoven"],
        "arxiv_id": "2001.00001",
        "paper_url": "https://example.org/a_b%20c?x=1&y=2#frag",
        "code": [{"url": "https://github.com/a/b_c"}],
        "presentation": "oral",
    }
    text = bib([paper], {1: "unal2020vae"})
    assert text.isascii()
    entry = parse_string(text, "bibtex").entries["unal2020vae"]
    to_text = LatexNodes2Text().latex_to_text
    assert to_text(entry.fields["title"]) == paper["title"]
    assert entry.fields["url"] == paper["paper_url"]
    assert entry.fields["eprint"] == "2001.00001"
    assert to_text(entry.fields["note"]) == "oral; code: https://github.com/a/b_c"
    names = [to_text(str(person)) for person in entry.persons["author"]]
    assert names == ["Ünal, Zoë", "van Beethoven, Ludwig"]
    assert "key" not in entry.fields
    bare = parse_string(bib([{**paper, "authors": []}], {1: "k"}), "bibtex").entries["k"]
    assert to_text(bare.fields["key"]) == paper["title"]


def test_csv_and_jsonl(seed_conn: sqlite3.Connection) -> None:
    rows = list(csv.DictReader(io.StringIO(export(seed_conn, "csv", Filters(has_code=True)))))
    assert rows and tuple(rows[0]) == COLUMNS
    assert all(r["code"] for r in rows)
    lines = export(seed_conn, "jsonl", limit=3).splitlines()
    assert [json.loads(line)["id"] for line in lines] == [1, 2, 3]
    assert (
        export(seed_conn, "json")
        == json.dumps(full_papers(seed_conn), indent=2, ensure_ascii=False) + "\n"
    )


@pytest.mark.parametrize("fmt", list(EXPORTERS))
def test_every_format_on_an_empty_database(db: Any, fmt: str) -> None:
    text = export(db.conn, fmt)
    assert isinstance(text, str)


def test_group_by_parsing() -> None:
    assert parse_group_by("topic, year") == ("topic", "year")
    with pytest.raises(Exception, match="cannot group"):
        parse_group_by("colour")


def test_json_chunks_are_byte_identical_to_one_dump() -> None:
    """Streaming the JSON export must not change a byte of the contract."""
    import json as std_json

    from paperdb.export.json import render_chunks

    papers = [{"id": 1, "title": 'A\nB "q"', "tags": ["x"], "code": []}, {"id": 2, "mentions": []}]
    assert (
        "".join(render_chunks(papers))
        == std_json.dumps(papers, indent=2, ensure_ascii=False) + "\n"
    )
    assert "".join(render_chunks([])) == "[]\n"


def test_csv_chunks_have_one_header() -> None:
    from paperdb.export.csv import COLUMNS, render_chunks

    papers = [{"id": i, "title": f"T{i}", "code": [], "mentions": []} for i in range(5)]
    text = "".join(render_chunks(papers, batch=2))
    lines = text.splitlines()
    assert lines[0] == ",".join(COLUMNS) and len(lines) == 6
    assert "".join(render_chunks([])) == ",".join(COLUMNS) + "\n"


def test_mentions_carry_their_own_authors_and_code(tmp_path: Path) -> None:
    """Each mention object says which authors and code links that line gave (issue 13)."""
    header = "| Title | Authors | Venue | Code |\n|---|---|---|---|\n"
    (tmp_path / "a.md").write_text(
        "# Pruning\n\n"
        + header
        + "| [Paper A](https://arxiv.org/abs/2001.00001) | Ann Lee, Bo Chen"
        " | ICLR 2020 | [PyTorch](https://github.com/a/one) [TF](https://github.com/a/two) |\n",
        encoding="utf-8",
    )
    (tmp_path / "b.md").write_text(
        "# Pruning\n\n" + header + "| [Paper A](https://arxiv.org/abs/2001.00001) | Cy Dunn | ICLR"
        " 2020 | - |\n",
        encoding="utf-8",
    )
    db = Database(open_db(tmp_path / "m.db"))
    import_paths(db.conn, [tmp_path / "a.md", tmp_path / "b.md"])
    (paper,) = json.loads(export(db.conn, "json"))
    db.close()
    said = {m["source"]: (m["authors"], m["code_urls"]) for m in paper["mentions"]}
    assert said == {
        "a.md": (["Ann Lee", "Bo Chen"], ["https://github.com/a/one", "https://github.com/a/two"]),
        "b.md": (["Cy Dunn"], []),
    }


def test_bibtex_survives_a_lone_brace() -> None:
    """A title with an unpaired brace stopped the export (pybtex: unmatched braces)."""
    from pybtex.database import parse_string

    from paperdb.export.bibtex import balanced
    from paperdb.export.bibtex import render as bib

    papers = [
        {"id": 1, "title": "Half { open", "code": []},
        {"id": 2, "title": "Half } shut", "code": [], "paper_url": "https://x.org/}{"},
    ]
    entries = parse_string(bib(papers, {1: "a", 2: "b"}), "bibtex").entries
    assert r"\textbraceleft{}" in entries["a"].fields["title"]
    assert r"\textbraceright{}" in entries["b"].fields["title"]
    assert entries["b"].fields["url"] == "https://x.org/%7D%7B"
    assert all(balanced(value) for e in entries.values() for value in e.fields.values())
