"""Property tests: parsers and normalizers never raise, account for every list line, and
normalizers are idempotent. Run deeper with ``pytest --hypothesis-profile=long``."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from paperdb import normalize as nz
from paperdb.errors import InputError
from paperdb.importers import FORMATS, MAX_LINE_CHARS, parse_text, urls
from paperdb.importers.structure import walk
from paperdb.output import inert
from paperdb.reader import decode, normalize_newlines
from tests.strategies import any_text, huge_line, item_text

FORMAT_CHOICES = st.sampled_from([None, *FORMATS])


@given(text=any_text, fmt=FORMAT_CHOICES)
def test_parse_text_never_raises(text: str, fmt: str | None) -> None:
    parsed = parse_text(text, file="x.md", fmt=fmt)
    n_lines = normalize_newlines(text).count("\n") + 1
    for record in parsed.records:
        assert record.title
        assert 1 <= record.line <= text.count("\n") + text.count("\r") + 1 + n_lines
        assert "\x00" not in record.title
    for warning in parsed.warnings:
        assert warning.line >= 1 and warning.reason


@given(text=any_text)
def test_walk_never_raises(text: str) -> None:
    walk(text)


@given(line=huge_line, before=item_text)
def test_huge_line_is_a_warning_not_a_hang(line: str, before: str) -> None:
    text = f"## ICLR 2019\n- 2019-ICLR-[{before}](https://x.org/a)\n- {line}\n"
    parsed = parse_text(text, file="big.md")
    lines = {r.line for r in parsed.records} | {w.line for w in parsed.warnings}
    assert 3 in lines or (len(line) + 2 <= MAX_LINE_CHARS and not line.strip("*"))
    if len(line) + 2 > MAX_LINE_CHARS:
        assert any("characters long" in w.reason and w.line == 3 for w in parsed.warnings)


@given(
    texts=st.lists(item_text, min_size=1, max_size=15),
    heading=st.sampled_from(["## ICLR 2019", "## Pruning", "# Papers", "", "## 量化 2018"]),
    marker=st.sampled_from(["-", "*", "+", "1."]),
    fmt=FORMAT_CHOICES,
)
def test_every_list_line_is_an_entry_or_a_warning(
    texts: list[str], heading: str, marker: str, fmt: str | None
) -> None:
    lines = [heading, *(f"{marker} {t}" for t in texts)]
    parsed = parse_text("\n".join(lines) + "\n", file="l.md", fmt=fmt)
    seen = {r.line for r in parsed.records} | {w.line for w in parsed.warnings}
    expected = set(range(2, len(texts) + 2))
    assert expected <= seen, (expected - seen, parsed)


@given(
    rows=st.lists(
        st.lists(item_text.map(lambda t: t.replace("|", "/")), min_size=3, max_size=3),
        min_size=1,
        max_size=10,
    ),
    fmt=st.sampled_from([None, "table", "list"]),
)
def test_every_table_row_is_an_entry_or_a_warning(rows: list[list[str]], fmt: str | None) -> None:
    lines = ["## 剪枝 2020", "", "| Title | Venue | Code |", "|---|---|---|"]
    lines += ["| " + " | ".join(cells) + " |" for cells in rows]
    parsed = parse_text("\n".join(lines) + "\n", file="t.md", fmt=fmt)
    seen = {r.line for r in parsed.records} | {w.line for w in parsed.warnings}
    assert set(range(5, len(rows) + 5)) <= seen


@given(depth=st.integers(1, 40), quote=st.booleans())
def test_deep_nesting_loses_no_line(depth: int, quote: bool) -> None:
    prefix = "> " if quote else ""
    lines = [f"{prefix}{'  ' * i}- 2019-ICLR-[Title {i}](https://x.org/{i})" for i in range(depth)]
    parsed = parse_text("## Papers\n" + "\n".join(lines) + "\n", file="deep.md")
    seen = {r.line for r in parsed.records} | {w.line for w in parsed.warnings}
    assert set(range(2, depth + 2)) <= seen


@given(data=st.binary(max_size=2000))
def test_decode_raises_only_input_error(data: bytes) -> None:
    try:
        text, _notes = decode(data, name="f.md")
    except InputError as exc:
        assert "f.md" in str(exc)
        return
    assert "\r" not in text and not text.startswith("\ufeff")


def _some(f: Callable[[str], str | None]) -> Callable[[str], str]:
    return lambda s: f(s) or ""


IDEMPOTENT: dict[str, Callable[[str], str]] = {
    "clean_text": nz.clean_text,
    "strip_markdown": nz.strip_markdown,
    "normalize_title": nz.normalize_title,
    "title_key": nz.title_key,
    "normalize_newlines": normalize_newlines,
    "canonical_framework": _some(urls.canonical_framework),
    "canonical_venue": lambda s: nz.canonical_venue(s)[0] or "",
    "inert": inert,
}


@pytest.mark.parametrize("name", IDEMPOTENT)
@given(text=any_text)
def test_normalizers_are_idempotent(name: str, text: str) -> None:
    f = IDEMPOTENT[name]
    once = f(text)
    assert f(once) == once


@given(text=any_text)
def test_other_normalizers_never_raise(text: str) -> None:
    for year in nz.years_in(text):
        assert 1950 <= year <= 2099
    nz.canonical_topic(text)
    nz.split_glued_nickname(text)
    nz.parse_presentation(text)
    urls.is_url(text)
    urls.arxiv_id(text)
    nz.venue_kind(text)
    nz.lookup_venue(text)


@given(digits=st.text(st.sampled_from("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹०१२३४५६७८९"), min_size=4, max_size=8))
def test_only_ascii_digits_are_years(digits: str) -> None:
    assert nz.years_in(f"Papers {digits}") == []
    assert urls.arxiv_id(f"https://arxiv.org/abs/{digits}.{digits}") is None
    assert not re.search(r"[^\x00-\x7f]", str(nz.years_in(digits)))
