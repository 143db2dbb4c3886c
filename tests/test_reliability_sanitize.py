"""Titles, file names and warnings carrying terminal escape sequences or markup are shown
inert and exported escaped."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from paperdb.cli import app
from paperdb.output import inert

EVIL_TITLE = "Evil\x1b[2J\x1b]0;pwned\x07 <script>alert(1)</script> **[x](javascript:alert(1))**"
LIST = f"""\
## ICLR 2019
- 2019-ICLR-[{EVIL_TITLE}](https://x.org/e)
- 2019-ICLR-[Fine Title](https://x.org/f)
- \x1b[31munreadable line\x1b[0m
"""


def test_escape_sequences_never_reach_the_terminal(tmp_path: Path) -> None:
    listed = tmp_path / "evil\x1b[31m.md"
    listed.write_text(LIST, encoding="utf-8")
    db = str(tmp_path / "s.db")
    result = CliRunner().invoke(app, ["--db", db, "import", "-v", str(listed)])
    assert result.exit_code == 0, result.stderr
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr
    assert "evil\ufffd[31m.md" in result.stderr

    export = CliRunner().invoke(app, ["--db", db, "export", "-f", "json"])
    assert export.exit_code == 0, export.stderr
    assert "\x1b" not in export.stdout and "\x07" not in export.stdout
    assert "\\u001b" in export.stdout  # escaped by JSON, the fact itself is kept
    titles = [p["title"] for p in json.loads(export.stdout)]
    assert any(t.startswith("Evil\x1b[2J") for t in titles)
    # Inline HTML is stripped from a title as a reader copies it; the mention's raw text
    # keeps it as text, and renderers escape it.
    assert not any("<script>" in t for t in titles)
    raws = [m["raw"] for p in json.loads(export.stdout) for m in p["mentions"]]
    assert any("<script>" in r for r in raws)


def test_error_messages_are_inert(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["--db", str(tmp_path / "x.db"), "import", str(tmp_path / "no\x1b[2Jpe.md")]
    )
    assert result.exit_code == 1
    assert "\x1b" not in result.stderr and "no\ufffd[2Jpe.md" in result.stderr


def test_inert_keeps_newline_and_tab_rules() -> None:
    assert inert("a\x1b[0m\x9bb\x00") == "a\ufffd[0m\ufffdb\ufffd"


def test_user_text_is_never_emoji_or_markup(tmp_path: Path) -> None:
    """Issue 13: rich turned the warning "x.md:100: ..." into "x.md💯 ..."."""
    lines = ["## ICLR 2019"] + [f"- 2019-ICLR-[Paper {i}](https://x.org/{i})" for i in range(98)]
    lines.append("- ???")  # line 100: no title (plain words under ICLR 2019 would be a paper)
    listed = tmp_path / "a:smile:[bold]b.md"
    listed.write_text("\n".join(lines) + "\n", encoding="utf-8")
    db = str(tmp_path / "s.db")
    result = CliRunner().invoke(app, ["--db", db, "import", "-v", str(listed)])
    assert result.exit_code == 0, result.stderr
    assert f"{listed.name}:100: " in result.stderr
    assert "a:smile:[bold]b.md" in result.stderr  # the file name in the summary table
    assert "💯" not in result.stderr and "😄" not in result.stderr
