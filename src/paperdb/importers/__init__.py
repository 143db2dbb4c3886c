"""Markdown paper-list importer: one set of recognizers for every list.

``parse_text`` walks the document's blocks once (headings, list items with their
continuation lines and notes, table rows, HTML tables, citation paragraphs), reads each
with the same field recognizers (:mod:`.entry`, :mod:`.tables`) and lets the headings
above it (and the file name) supply what the entry leaves out: entry beats column beats
section beats file name. See DESIGN.md, "Reading real lists".

Every block in a paper section ends up as a record or as a warning with its line;
blocks of non-paper sections (contents, tools, people, news...) are counted as skipped.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable

from paperdb import normalize as nz
from paperdb.errors import InputError
from paperdb.importers import labels, urls
from paperdb.importers import links as lk
from paperdb.importers.context import Context
from paperdb.importers.entry import Fields, read_entry, words
from paperdb.importers.structure import Block, Row, walk
from paperdb.importers.tables import read_row, table_columns
from paperdb.models import LineWarning, PaperRecord, ParsedList

# Kinds of block ``--format`` can restrict an import to (default: all of them).
FORMATS: tuple[str, ...] = ("list", "table", "paragraph")
FORMAT_HELP = {
    "list": "list items (- Title ..., 1. Title ...), with their continuation lines",
    "table": "markdown and HTML table rows",
    "paragraph": 'citation paragraphs (**[1]** Authors. "Title". Venue Year.)',
}

# A list line is a sentence or two; a line this long is an embedded image, minified
# HTML or a broken file. It is blanked (line numbers stay true) and reported, because
# reading it costs seconds per megabyte and it is never a paper entry.
MAX_LINE_CHARS = 100_000

_ANCHOR_ONLY_RE = re.compile(
    r"^(?:[\s,|•·*-]*(?:\[[^\]]*\]\(#[^)]*\)|\[[^\]]*\]\[[^\]]*\]))+[\s,|•·*-]*$"
)
_FILE_YEAR_RE = re.compile(r"(?<![0-9])((?:19|20)[0-9]{2})(?![0-9])")


def file_year(file: str) -> int | None:
    """The year a file name gives (``2021.md``, ``papers-2019.md``), or None.

    >>> file_year("lists/2021.md"), file_year("papers-2019.markdown"), file_year("README.md")
    (2021, 2019, None)
    """
    stem = re.sub(r"\.[A-Za-z]+$", "", file.replace("\\", "/").rsplit("/", 1)[-1])
    years = _FILE_YEAR_RE.findall(stem)
    return int(years[0]) if len(years) == 1 else None


def _record(fields: Fields, block: Block | Row, file: str, year_of_file: int | None) -> PaperRecord:
    ctx: Context = block.context
    venue, presentation = fields.venue, fields.presentation
    if venue is None:
        venue = ctx.venue
        presentation = presentation or ctx.presentation
    year = fields.final_year
    if year is None:
        year = ctx.year if ctx.year is not None else year_of_file
    return PaperRecord(
        title=fields.title,
        line=block.line,
        raw=block.raw,
        file=file,
        section=ctx.section,
        fmt=fields.shape,
        year=year,
        venue=venue,
        venue_raw=fields.venue_raw,
        presentation=presentation,
        topic=ctx.topic,
        paper_url=fields.paper_url,
        broken_link=fields.broken_link,
        arxiv_id=urls.arxiv_id(fields.paper_url),
        authors=fields.authors,
        nickname=fields.nickname,
        code=tuple(dict.fromkeys(fields.code)),
        tags=tuple(dict.fromkeys(t for t in fields.tags if t)),
    )


def parse_text(text: str, *, file: str, fmt: str | None = None) -> ParsedList:
    """Parse one markdown list into records and warnings.

    ``fmt`` restricts the import to one kind of block (:data:`FORMATS`).

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
    result.warnings.extend(LineWarning(file, line, reason, raw) for line, raw, reason in doc.notes)
    defs = lk.definitions(text)
    vocab = _Vocabulary(doc.items)
    year_of_file = file_year(file)
    for block in labels.attach(doc.items):
        kind = "table" if isinstance(block, Row) else block.kind
        if fmt is not None and kind != fmt:
            reason = f"not a {fmt!r} entry (--format {fmt}): {FORMAT_HELP[fmt]}"
            result.warnings.append(LineWarning(file, block.line, reason, block.raw))
            continue
        if isinstance(block, Row):
            read, reason = _read_row(block, defs)
        else:
            read, reason = _read(block, defs, vocab)
        if reason:
            result.warnings.append(LineWarning(file, block.line, reason, block.raw))
        elif not read:
            result.skipped += 1
        result.records.extend(_record(fields, block, file, year_of_file) for fields in read)
    counts = Counter(r.fmt for r in result.records)
    result.fmt = "+".join(name for name, _ in counts.most_common(2)) or "none"
    return result


_WORD_RE = re.compile(r"[A-Za-z][A-Za-z'\-]+")


class _Vocabulary:
    """Words of this list's titles, to tell a title's last word from a first name.

    Built on first use: only plain-text titles followed by names ask.
    """

    def __init__(self, items: list[Block | Row]) -> None:
        self.items = items
        self.words: frozenset[str] | None = None

    def __call__(self) -> frozenset[str]:
        if self.words is None:
            found: set[str] = set()
            for item in self.items:
                text = item.text if isinstance(item, Block) else " ".join(item.cells[:1])
                if "Readers:" in text or text.count(",") >= 2:
                    continue  # lines with author lists would teach us names
                found.update(w.casefold() for w in _WORD_RE.findall(text))
            self.words = frozenset(found)
        return self.words


def _read(
    block: Block, defs: dict[str, str], vocab: Callable[[], frozenset[str]]
) -> tuple[list[Fields], str]:
    """The block's fields, or ([], why); an empty reason means "skip, not a paper"."""
    text = block.text
    if not text or _ANCHOR_ONLY_RE.match(text):
        return [], ""  # a table of contents, an empty item
    if block.kind == "paragraph" and not (_paragraph_entry(text) or block.labels):
        return [], ""
    fields = read_entry(text, defs, vocab)
    if fields is not None and block.labels:
        labels.apply_labels(block.labels, fields)
    if fields is None or not _evidence(fields, block):
        return [], _why(block)
    if block.context.kind == "soft" and not _paper_host(fields):
        return [], ""  # a tool, blog or course in a section of them
    return [fields], ""


def _read_row(row: Row, defs: dict[str, str]) -> tuple[list[Fields], str]:
    """The entries of a table row (two when the header repeats side by side)."""
    maps = table_columns(row.header)
    if not maps or not any(nz.clean_text(c) for c in row.cells):
        return [], ""  # a legend/statistics table, or an empty row
    found = [f for f in (read_row(row.cells, columns, defs) for columns in maps) if f is not None]
    if not found:
        return [], "table row has no title"
    if row.context.kind == "soft" and not _paper_table(maps):
        found = [f for f in found if _paper_host(f)]
    return found, ""


def _paper_table(maps: tuple[dict[str, int], ...]) -> bool:
    """A table whose header names a venue, date, authors or paper links lists papers,
    whatever its section is called (a "Frameworks" table of papers and their code)."""
    return any({"venue", "year", "authors", "links"} & set(columns) for columns in maps)


def _paper_host(fields: Fields) -> bool:
    return bool(fields.paper_url and lk.PAPER_HOST_RE.match(fields.paper_url))


_PARAGRAPH_START_RE = re.compile(
    r"^(?:\*\*\[?\d{1,4}\]?\.?\*\*|\[\d{1,4}\]|\*\*\d{1,4}[.)]|\d{1,4}[.)]\s)"
)


def _paragraph_entry(text: str) -> bool:
    """A paragraph outside lists is an entry when it is numbered, or starts with a title
    (bold, or a link) and links a paper, its code, or a paper host; prose is not.
    """
    if _PARAGRAPH_START_RE.match(text):
        return True
    if len(text) > 800 or not text.lstrip().startswith(("**", "__", "[", "*", "<")):
        return False
    found = lk.find_links(lk.html_to_markdown(text))
    return any(k.kind in ("paper", "code") or lk.PAPER_HOST_RE.match(k.url) for k in found)


def _evidence(fields: Fields, block: Block) -> bool:
    """Whether an entry reads as a paper: a link, a venue or year, authors, or a paper section."""
    if fields.paper_url or fields.code or fields.broken_link or fields.venue or fields.final_year:
        return True
    if fields.authors:
        return True
    ctx = block.context
    named_topic = ctx.topic is not None and nz.canonical_topic(ctx.topic) is not None
    return bool(ctx.venue or ctx.year or named_topic) and words(fields.title) >= 2


def _why(block: Block) -> str:
    if "[" not in block.text and "http" not in block.text:
        if block.ordered:
            return "numbered plain-text item under headings that name no venue, year or topic"
        return "plain text with no link, venue or year under a heading that names none: not read as a paper"
    return "no title found (a title link, a bold or quoted title, or leading text before the links)"


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
