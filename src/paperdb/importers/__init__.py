"""Markdown paper-list importers.

``parse_text`` walks the document structure once (headings, list items, table
rows, with line numbers) and reads each item with the grammar of its family.
Families are detected per item, so a list that mixes them (tables and dated
bullets, say) is read section by section; ``fmt`` forces one grammar.

Every list item and table row in a paper section ends up as a record or as a
warning with its line; items of non-paper sections (People, News, a table of
contents) and non-paper tables (legends, statistics) are counted as skipped.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from functools import partial

from paperdb import normalize as nz
from paperdb.errors import InputError
from paperdb.importers import grammars as g
from paperdb.importers.structure import Context, Item, Row, walk
from paperdb.models import LineWarning, PaperRecord, ParsedList

FORMATS: tuple[str, ...] = ("numbered", "table", "blog", "dated", "nickname")
FORMAT_HELP = {
    "numbered": "1. Title [Authors + OpenReview tail] under ## Venue / ### Topic headings",
    "table": "| Title | Venue | Type | Notion/Code | tables under topic/year headings",
    "blog": "* 【CVPR2020】[Title](url) bullets under # topic / ## arxivYYMM headings",
    "dated": "- 2019-ICLRo-[Title](url) [[code](url)] bullets",
    "nickname": "- **[Nick]** Title, Venue Year, [[paper]](url), [[code(FW)]](url) bullets",
}

# A list line is a sentence or two; a line this long is an embedded image, minified
# HTML or a broken file. It is blanked (line numbers stay true) and reported, because
# reading it costs seconds per megabyte and it is never a paper entry.
MAX_LINE_CHARS = 100_000

_ANCHOR_ONLY_RE = re.compile(r"^(?:\s*\[[^\]]*\]\(#[^)]*\)\s*)+$")
_WORD_RE = re.compile(r"[A-Za-z][A-Za-z'\-]+")

Reader = Callable[[str], "g.Fields | None"]


def _vocabulary(items: list[Item | Row]) -> frozenset[str]:
    """Words seen in titles of this list, to tell a title's last word from a first name."""
    words: set[str] = set()
    for item in items:
        text = item.text if isinstance(item, Item) else " ".join(item.cells[:1])
        if "Readers:" in text or text.count(",") >= 2:
            continue  # lines with author lists would teach us names
        words.update(w.casefold() for w in _WORD_RE.findall(text))
    return frozenset(words)


def _reader_picker(fmt: str | None, vocab: frozenset[str]) -> Callable[[Item], list[Reader]]:
    """For one document: the grammars to try on an item, in order."""
    numbered: Reader = partial(g.read_numbered, title_words=vocab)
    if fmt is not None:
        by_name: dict[str, Reader] = {
            "dated": g.read_dated,
            "nickname": g.read_nickname,
            "blog": g.read_blog,
            "numbered": numbered,
        }
        forced = [by_name[fmt]] if fmt in by_name else []
        return lambda item: forced
    plain: list[Reader] = [g.read_dated, g.read_nickname, g.read_blog]
    with_numbered = [*plain, numbered]

    def pick(item: Item) -> list[Reader]:
        # A numbered plain-text line is a paper only under headings that say what it is
        # (a venue, a year or a topic): "1. Open a terminal" in a README is not.
        ctx = item.context
        return with_numbered if item.ordered and (ctx.venue or ctx.topic or ctx.year) else plain

    return pick


def _record(fields: g.Fields, item: Item | Row, file: str) -> PaperRecord:
    ctx: Context = item.context
    if fields.venue_given:
        venue, presentation = fields.venue, fields.presentation
    else:
        venue = ctx.venue
        presentation = fields.presentation or ctx.presentation
    paper_url = fields.paper_url
    return PaperRecord(
        title=fields.title,
        line=item.line,
        raw=item.raw,
        file=file,
        section=ctx.section,
        fmt=fields.fmt,
        year=fields.year if fields.year_given else ctx.year,
        venue=venue,
        venue_raw=fields.venue_raw,
        presentation=presentation,
        topic=ctx.topic,
        paper_url=paper_url,
        broken_link=fields.broken_link,
        arxiv_id=nz.arxiv_id(paper_url),
        authors=fields.authors,
        nickname=fields.nickname,
        code=tuple(dict.fromkeys(fields.code)),
        tags=tuple(dict.fromkeys(t for t in fields.tags if t)),
    )


def parse_text(text: str, *, file: str, fmt: str | None = None) -> ParsedList:
    """Parse one markdown list into records and warnings.

    Raises:
        InputError: ``fmt`` is not one of :data:`FORMATS`.
    """
    if fmt is not None and fmt not in FORMATS:
        raise InputError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    long_lines: list[LineWarning] = []
    if len(text) > MAX_LINE_CHARS:
        text, long_lines = _blank_long_lines(text, file)
    doc = walk(text)
    result = ParsedList(file=file, fmt="", skipped=doc.skipped)
    result.warnings.extend(long_lines)
    result.warnings.extend(
        LineWarning(file, line, "list nested too deeply to read (more than 10 levels)", raw)
        for line, raw in doc.too_deep
    )
    readers_for = _reader_picker(fmt, _vocabulary(doc.items))
    for item in doc.items:
        if isinstance(item, Row):
            columns = g.table_columns(item.header)
            if "title" not in columns or not any(nz.clean_text(c) for c in item.cells):
                result.skipped += 1  # a legend/statistics table, or an empty row
                continue
            fields = g.read_row(item.cells, columns) if fmt in (None, "table") else None
            if fields is None:
                reason = (
                    "table row has no title"
                    if fmt in (None, "table")
                    else f"table row is not a {fmt!r} entry"
                )
                result.warnings.append(LineWarning(file, item.line, reason, item.raw))
                continue
        else:
            if not item.text or _ANCHOR_ONLY_RE.match(item.text):
                result.skipped += 1  # table of contents, empty item
                continue
            fields = None
            for reader in readers_for(item):
                fields = reader(item.text)
                if fields is not None:
                    break
            if fields is None:
                result.warnings.append(LineWarning(file, item.line, _why(item, fmt), item.raw))
                continue
        result.records.append(_record(fields, item, file))
    counts = Counter(r.fmt for r in result.records)
    result.fmt = "+".join(name for name, _ in counts.most_common()) or "none"
    return result


def _blank_long_lines(text: str, file: str) -> tuple[str, list[LineWarning]]:
    """Blank lines longer than :data:`MAX_LINE_CHARS`, with a warning for each."""
    lines = text.split("\n")
    warnings = []
    for number, line in enumerate(lines, start=1):
        if len(line) > MAX_LINE_CHARS:
            warnings.append(
                LineWarning(
                    file,
                    number,
                    f"line is {len(line):,} characters long (limit {MAX_LINE_CHARS:,}): not read",
                    line[:200] + "…",
                )
            )
            lines[number - 1] = ""
    return ("\n".join(lines), warnings) if warnings else (text, warnings)


def _why(item: Item, fmt: str | None) -> str:
    if fmt is not None:
        return f"not a {fmt!r} entry: {FORMAT_HELP[fmt]}"
    if "[" not in item.text:
        if item.ordered:
            return "numbered plain-text item under headings that name no venue, year or topic"
        return "plain bullet with no link, venue or year: not read as a paper"
    return "could not find a title link, a 'Title, Venue Year' or a 'YYYY-VENUE-[Title](url)'"
