"""Hostile links (issue 14, item 5): only http(s) URLs are exported or shown as links;
``javascript:``, ``data:``, ``file:``, relative paths and the like are ``broken-link``
findings with file:line, kept only in the mention's raw text. The decision is
:func:`paperdb.links.web_url`, applied where stored URLs are read, so it also holds for
values an older import stored."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from paperdb.cli import app
from paperdb.links import web_url

HOSTILE = """\
## ICLR 2019
- 2019-ICLR-[Hostile Paper One](javascript:alert(1)) [[code]](javascript:alert(2))
- 2019-ICLR-[Hostile Paper Two](data:text/html;base64,PHNjcmlwdD4=)
- 2019-ICLR-[Relative Paper Three](papers/three.pdf)
- 2019-ICLR-[Fine Paper Four](https://x.org/four) [[code]](https://github.com/a/four)

| Title | Venue | Code |
| --- | --- | --- |
| [Table Hostile Paper](vbscript:msgbox) | ICLR 2019 | [code](data:text/html,x) |
"""
BAD_SCHEMES = ("javascript:", "data:", "vbscript:", "file:")
EXPORTS = ["markdown", "bibtex", "csl-json", "csv", "json", "jsonl"]


def invoke(db: Path, *args: str) -> str:
    result = CliRunner().invoke(app, ["--db", str(db), *args], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    return result.stdout


@pytest.fixture
def db(tmp_path: Path) -> Path:
    (tmp_path / "hostile.md").write_text(HOSTILE, encoding="utf-8")
    path = tmp_path / "h.db"
    invoke(path, "import", str(tmp_path / "hostile.md"))
    return path


def stored_by_an_older_import(db: Path) -> None:
    """Put hostile targets where an importer without the rule stored them."""
    conn = sqlite3.connect(db)
    conn.execute("UPDATE entries SET paper_url = 'javascript:alert(7)', broken_link = 0")
    conn.execute("UPDATE papers SET paper_url = 'data:text/html,<script>x</script>'")
    conn.execute("UPDATE code_repos SET url = 'javascript:alert(8)'")
    conn.commit()
    conn.close()


def linked_urls(papers: list[dict[str, object]]) -> list[object]:
    """Every value the JSON contract offers as a link (raw text aside)."""
    urls: list[object] = []
    for paper in papers:
        urls.append(paper["paper_url"])
        urls.extend(c["url"] for c in paper["code"])  # type: ignore[attr-defined]
        for m in paper["mentions"]:  # type: ignore[attr-defined]
            urls.append(m["paper_url"])
            urls.extend(m["code_urls"])
    return [u for u in urls if u is not None]


@pytest.mark.parametrize("older", [False, True], ids=["imported", "stored-earlier"])
def test_only_web_links_are_exported(db: Path, older: bool) -> None:
    if older:
        stored_by_an_older_import(db)
    papers = json.loads(invoke(db, "export", "-f", "json"))
    assert all(web_url(str(u)) == u for u in linked_urls(papers))
    assert any("javascript:" in m["raw"] for p in papers for m in p["mentions"])  # kept as text
    for fmt in EXPORTS:
        text = invoke(db, "export", "-f", fmt)
        if fmt in ("json", "jsonl"):  # raw mention text is the only place they remain
            records = [json.loads(line) for line in text.splitlines()] if fmt == "jsonl" else None
            assert records is None or all(web_url(str(u)) == u for u in linked_urls(records))
            continue
        for scheme in BAD_SCHEMES:
            assert scheme not in text, (fmt, scheme)
    rows = json.loads(invoke(db, "filter", "-f", "json"))
    assert all(web_url(u) == u for r in rows for u in [r["paper_url"], *r["code"]] if u)


@pytest.mark.parametrize("older", [False, True], ids=["imported", "stored-earlier"])
def test_hostile_links_are_broken_link_findings(db: Path, older: bool) -> None:
    if older:
        stored_by_an_older_import(db)
    findings = json.loads(invoke(db, "check", "--kind", "broken-link", "-f", "json"))
    lines = {f["line"] for f in findings if f["file"] == "hostile.md"}
    expected = {2, 3, 4, 5, 9} if older else {2, 3, 4, 9}
    assert expected <= lines, findings
    if older:  # stored code links are judged too, each with its mention's place
        code = [f for f in findings if f["message"].startswith("code link target")]
        assert code and all(f["file"] == "hostile.md" for f in code)


def test_show_and_search_never_offer_a_hostile_link(db: Path) -> None:
    stored_by_an_older_import(db)
    shown = json.loads(invoke(db, "show", "1", "-f", "json"))
    assert all(web_url(str(u)) == u for u in linked_urls([shown]))
    found = json.loads(invoke(db, "search", "hostile", "-f", "json"))
    assert found and all(r["paper_url"] is None and r["code"] == [] for r in found)
