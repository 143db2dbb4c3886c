"""Bad input to `paperdb import`: each case gives a clear message (or a warning) and
writes nothing it should not."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlite_utils import Database
from typer.testing import CliRunner

from paperdb.cli import app
from paperdb.db import open_db
from paperdb.importers import MAX_LINE_CHARS
from paperdb.reader import MAX_BYTES
from tests.helpers import counts

GOOD = "## Pruning\n- 2019-ICLR-[The Lottery Ticket Hypothesis](https://arxiv.org/abs/1803.03635)\n"
README = """\
# fastgrep

A faster grep.

## Install

1. Open a terminal
2. Run `make install`

- Works on Linux and macOS
- See [the docs](https://example.org/docs)
"""


@pytest.fixture
def db_file(tmp_path: Path) -> Path:
    path = tmp_path / "papers.db"
    (tmp_path / "good.md").write_text(GOOD, encoding="utf-8")
    result = CliRunner().invoke(app, ["--db", str(path), "import", str(tmp_path / "good.md")])
    assert result.exit_code == 0, result.stderr
    return path


def run(db_file: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["--db", str(db_file), *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def fails(db_file: Path, *args: str) -> str:
    """Run a command expected to fail: exit 1, one error line, nothing on stdout, database
    unchanged. Returns the error line."""
    db = Database(open_db(db_file))
    before = counts(db)
    db.close()
    code, out, err = run(db_file, *args)
    assert code == 1, err
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    db = Database(open_db(db_file))
    assert counts(db) == before
    db.close()
    return lines[0]


def test_missing_path(db_file: Path, tmp_path: Path) -> None:
    assert "no such file or folder" in fails(db_file, "import", str(tmp_path / "nope.md"))


def test_unreadable_path(db_file: Path) -> None:
    # Root can read any file by mode; /proc/self/mem refuses a plain read() to everyone.
    assert "cannot read" in fails(db_file, "import", "/proc/self/mem")


def test_nul_in_path(db_file: Path) -> None:
    code, out, err = run(db_file, "import", "a\x00b.md")  # Typer's own check: a usage error
    assert code == 2 and out == "" and "embedded null byte" in err


def test_folder_with_no_lists(db_file: Path, tmp_path: Path) -> None:
    folder = tmp_path / "empty"
    folder.mkdir()
    (folder / "paper.pdf").write_bytes(b"%PDF-1.4")
    assert "no *.md" in fails(db_file, "import", str(folder))


def test_binary_file(db_file: Path, tmp_path: Path) -> None:
    (tmp_path / "x.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert "binary" in fails(db_file, "import", str(tmp_path / "x.md"))


def test_invalid_utf8_and_not_gb18030(db_file: Path, tmp_path: Path) -> None:
    (tmp_path / "x.md").write_bytes(GOOD.encode() + b"\xff\xfe\xfd broken\n")
    assert "cannot decode" in fails(db_file, "import", str(tmp_path / "x.md"))


@pytest.mark.parametrize("codec", ["gbk", "gb18030"])
def test_gbk_list_is_read_with_a_note(db_file: Path, tmp_path: Path, codec: str) -> None:
    text = "## 剪枝 2020\n- 2020-ICLR-[量化 剪枝 Paper](https://x.org/a)\n"
    (tmp_path / "cn.md").write_bytes(text.encode(codec))
    code, _, err = run(db_file, "import", str(tmp_path / "cn.md"))
    assert code == 0, err
    assert "decoded as GB18030" in err
    _, out, _ = run(db_file, "export", "-f", "json")
    assert "量化 剪枝 Paper" in {p["title"] for p in json.loads(out)}


def test_bom_and_crlf(db_file: Path, tmp_path: Path) -> None:
    text = "\ufeff## ICLR 2020\r\n- 2020-ICLR-[Bom Paper](https://x.org/b)\r\n"
    (tmp_path / "bom.md").write_bytes(text.encode("utf-8"))
    code, _, err = run(db_file, "import", str(tmp_path / "bom.md"))
    assert code == 0, err
    _, out, _ = run(db_file, "export", "-f", "json")
    mention = next(m for p in json.loads(out) for m in p["mentions"] if m["source"] == "bom.md")
    assert mention["title"] == "Bom Paper" and mention["line"] == 2
    assert "\r" not in mention["raw"]


def test_empty_file(db_file: Path, tmp_path: Path) -> None:
    (tmp_path / "empty.md").write_bytes(b"")
    assert "no paper entries found" in fails(db_file, "import", str(tmp_path / "empty.md"))


def test_readme_of_a_program_is_not_a_paper_list(db_file: Path, tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text(README, encoding="utf-8")
    message = fails(db_file, "import", str(tmp_path / "README.md"))
    assert "no paper entries found in README.md" in message
    assert "nothing was imported" in message


def test_readme_beside_a_list_is_a_note(db_file: Path, tmp_path: Path) -> None:
    folder = tmp_path / "lists"
    folder.mkdir()
    (folder / "README.md").write_text(README, encoding="utf-8")
    (folder / "papers.md").write_text(GOOD.replace("2019-ICLR", "2020-ICLR"), encoding="utf-8")
    code, _, err = run(db_file, "import", str(folder))
    assert code == 0, err
    assert "README.md: no paper entries found" in err


def test_ten_megabyte_line(db_file: Path, tmp_path: Path) -> None:
    huge = "- 2019-ICLR-[" + "a" * 10_000_000 + "](https://x.org)\n"
    (tmp_path / "huge.md").write_text(GOOD.replace("Lottery", "Big") + huge, encoding="utf-8")
    code, _, err = run(db_file, "import", "-v", str(tmp_path / "huge.md"))
    assert code == 0, err
    assert f"huge.md:3: line is 10,000,029 characters long (limit {MAX_LINE_CHARS:,})" in err
    _, out, _ = run(db_file, "export", "-f", "json")
    assert max(len(p["title"]) for p in json.loads(out)) < 1000


def test_file_over_the_size_cap(db_file: Path, tmp_path: Path) -> None:
    big = tmp_path / "big.md"
    with big.open("wb") as handle:
        handle.truncate(MAX_BYTES + 1)  # sparse: no need to write 20 MB
    assert "too large" in fails(db_file, "import", str(big))


def test_deeply_nested_list_lines_are_warnings(db_file: Path, tmp_path: Path) -> None:
    lines = [f"{'  ' * i}- 2019-ICLR-[Nested {i}](https://x.org/{i})" for i in range(30)]
    (tmp_path / "deep.md").write_text("## Papers\n" + "\n".join(lines) + "\n", encoding="utf-8")
    code, _, err = run(db_file, "import", "-v", str(tmp_path / "deep.md"))
    assert code == 0, err
    assert "deep.md:31: list nested too deeply" in err


def test_html_blocks_and_tables(db_file: Path, tmp_path: Path) -> None:
    text = """\
## Quantization

<table><tr><td>
- 2019-ICLR-[Inside Html](https://x.org/h)
</td></tr></table>

<details><summary>more</summary>

| Title | Venue | Code |
|---|---|---|
| [Table Paper](https://x.org/t) | ICLR 2020 | |
| <img src=x onerror=alert(1)> | CVPR | |

</details>
"""
    (tmp_path / "html.md").write_text(text, encoding="utf-8")
    code, _, err = run(db_file, "import", "-v", str(tmp_path / "html.md"))
    assert code == 0, err
    _, out, _ = run(db_file, "export", "-f", "json")
    titles = {p["title"] for p in json.loads(out)}
    assert "Table Paper" in titles
    assert "Traceback" not in err
