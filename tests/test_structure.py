"""The fast line scanner must read every document exactly as markdown-it does, or step aside."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from paperdb.importers.mdwalk import walk_markdown_it
from paperdb.importers.structure import (
    Document,
    _build,
    blank_front_matter,
    scan_lines,
)

ROOT = Path(__file__).parent
# Flat lists the scanner must read itself (tests/fixtures/shapes/ holds HTML and citation
# paragraphs, which are markdown-it's on purpose).
DOCUMENTS = sorted((ROOT.parent / "data" / "seed").iterdir()) + sorted(
    (ROOT / "fixtures" / "families").rglob("*.md")
)


def _both(text: str) -> tuple[Document | None, Document]:
    text = blank_front_matter(text)
    lines = text.split("\n")
    events = scan_lines(lines)
    fast = None if events is None else _build(events, lines)
    return fast, walk_markdown_it(text)


def _same(fast: Document, slow: Document) -> None:
    assert fast.items == slow.items
    assert fast.skipped == slow.skipped


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.name)
def test_scanner_reads_real_lists_like_markdown_it(path: Path) -> None:
    fast, slow = _both(path.read_text(encoding="utf-8"))
    assert fast is not None, "the seed lists and fixtures should not need the fallback"
    _same(fast, slow)


LINES = st.sampled_from(
    [
        "",
        "# Quantization",
        "## CVPR 2020",
        "### 剪枝 2019 ###",
        "#NotAHeading",
        "1. A Numbered Paper Title",
        "2. Another Paper, With Commas",
        "3) Paren marker item",
        "- 2019-ICLR-[A Dated Paper](https://arxiv.org/abs/1803.03635) [[code](https://github.com/a/b)]",
        "* 【CVPR2020】[Blog Paper](Blog Paper)",
        "+ **[NICK]** Nick Paper, CVPR 2019, [[paper]](https://x.org)",
        "-",
        "- ",
        "  - nested bullet",
        "   2. indented ordered",
        "    four-space indented text",
        "      - deep bullet",
        "lazy continuation text",
        "https://example.org/a-plain-url",
        "---",
        "***",
        "- - -",
        "===",
        "> a quote",
        "> - a quoted item",
        "```",
        "<div>html</div>",
        "| Title | Venue | Type |",
        "| :--- | :---: | :--: |",
        "|---|---|",
        "| [Row Paper](https://arxiv.org/abs/2001.00001) | `CVPR`**(oral)** | `F` |",
        "| only | two |",
        "plain | pipe | text",
        "-foo",
        "2019.05-not-a-marker",
        "-     five spaces after marker",
        "## People",
        "- [Someone](https://x.org) @ Somewhere",
        "目录：",
        "- [CVPR](#CVPR)",
    ]
)


@given(st.lists(LINES, max_size=30))
def test_scanner_agrees_with_markdown_it_or_steps_aside(lines: list[str]) -> None:
    fast, slow = _both("\n".join(lines))
    if fast is not None:
        _same(fast, slow)
