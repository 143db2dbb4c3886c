"""Document structure: headings, list items and table rows with their line numbers.

markdown-it-py reads the block structure (inline parsing is switched off: the
per-family grammars read an item's text themselves, which is both faster and
more forgiving of the broken links real lists contain).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING

from paperdb import normalize as nz

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

# Sections whose lists are not papers: people, venues, news, licences, tables of contents.
_NON_PAPER_RE = re.compile(
    r"^(?:people|researchers|venues?|conferences(?: and journals)?|news|copyright|licen[cs]e|"
    r"contribut\w*|how to contribute|(?:table of )?contents|toc|acknowledge?ments?|contacts?|"
    r"citation|cite|about|star history|changelog|to ?do|目录|联系\w*|致谢|更新日志)\b",
    re.IGNORECASE,
)
_MARKER_RE = re.compile(r"^\s*(?:[-*+]|[0-9]{1,9}[.)])(?:\s+|$)")


@dataclass(frozen=True, slots=True)
class Heading:
    level: int
    text: str
    line: int
    years: tuple[int, ...] = ()
    venue: str | None = None
    presentation: str | None = None
    topic: str | None = None
    non_paper: bool = False

    @classmethod
    def read(cls, level: int, raw: str, line: int) -> Heading:
        text = nz.clean_text(raw).strip("# ").strip()
        years = tuple(nz.years_in(text))
        venue = presentation = None
        bare = re.sub(r"(?<![0-9])(?:19|20)[0-9]{2}(?![0-9])", " ", text).strip(" -_:()")
        if re.match(r"^arxiv\s*[0-9]{4}$", text, re.IGNORECASE):
            venue = "arXiv"  # "arxiv2001": preprints of January 2020
        elif bare and nz.lookup_venue(bare) is not None:
            venue, presentation = nz.canonical_venue(bare)
        topic = None if venue else nz.canonical_topic(text)
        return cls(
            level=level,
            text=text,
            line=line,
            years=years,
            venue=venue,
            presentation=presentation,
            topic=topic,
            non_paper=bool(_NON_PAPER_RE.match(text)),
        )


@dataclass(frozen=True, slots=True)
class Context:
    """What the headings above an entry say about it."""

    path: tuple[Heading, ...]

    @property
    def section(self) -> tuple[str, ...]:
        return tuple(h.text for h in self.path)

    @property
    def non_paper(self) -> bool:
        return any(h.non_paper for h in self.path)

    @property
    def year(self) -> int | None:
        """The nearest heading naming a year; a heading naming several gives none."""
        for heading in reversed(self.path):
            if heading.years:
                return heading.years[0] if len(heading.years) == 1 else None
        return None

    @property
    def venue(self) -> str | None:
        return next((h.venue for h in reversed(self.path) if h.venue), None)

    @property
    def presentation(self) -> str | None:
        return next((h.presentation for h in reversed(self.path) if h.venue), None)

    @property
    def topic(self) -> str | None:
        return next((h.topic for h in reversed(self.path) if h.topic), None)


@dataclass(frozen=True, slots=True)
class Item:
    """A list item: its first line, its text without the marker, its source."""

    line: int  # 1-based
    text: str
    raw: str
    ordered: bool
    context: Context


@dataclass(frozen=True, slots=True)
class Row:
    """A table row, with the header cells of its table."""

    line: int
    cells: tuple[str, ...]
    header: tuple[str, ...]
    raw: str
    context: Context


@dataclass(slots=True)
class Document:
    items: list[Item | Row] = field(default_factory=list)
    skipped: int = 0  # list lines in non-paper sections
    # (line, raw) of list/table lines inside a list or quote nested past the parser's
    # nesting limit: markdown-it stops there, and such lines must not vanish silently.
    too_deep: list[tuple[int, str]] = field(default_factory=list)


_QUOTE_RE = re.compile(r"^[\s>]*")


@cache
def _parser() -> MarkdownIt:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable("table").disable("inline")


def blank_front_matter(text: str) -> str:
    """Replace YAML front matter by blank lines, so line numbers stay true.

    >>> blank_front_matter("---\\ntitle: x\\n---\\n# A").splitlines()
    ['', '', '', '# A']
    """
    if not text.startswith("---\n"):
        return text
    end = text.find("\n---", 4)
    if end < 0:
        return text
    close = text.find("\n", end + 1)
    close = len(text) if close < 0 else close
    return "\n" * text.count("\n", 0, close) + text[close:]


def _join_lines(lines: list[str]) -> str:
    """Join an item's lines; a line break inside a link target joins without a space."""
    out = ""
    for part in (line.strip() for line in lines):
        if not part:
            continue
        if out and out.count("(") > out.count(")") and out.rstrip().endswith(("/", "://", "-")):
            out += part
        else:
            out = f"{out} {part}" if out else part
    return out


def walk(text: str) -> Document:
    """Headings, list items and table rows of a markdown document, in order.

    Paper lists use a small part of markdown, which a line scanner reads about five
    times faster than markdown-it. The scanner gives up (returns None) on anything
    whose CommonMark reading it does not reproduce exactly (code blocks, HTML, nested
    containers, setext headings, ...) and markdown-it reads the document instead; a
    test holds the two to the same result on every fixture.
    """
    text = blank_front_matter(text)
    lines = text.split("\n")
    events = scan_lines(lines)
    if events is None:
        return walk_markdown_it(text)
    return _build(events, lines)


# -- the line scanner ------------------------------------------------------------------

_ATX_RE = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?[ \t]*$")
_HR_RE = re.compile(r"^ {0,3}(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,})$")
_SETEXT_RE = re.compile(r"^ {0,3}(?:=+|-+)[ \t]*$")
_ITEM_RE = re.compile(r"^( {0,3})(?:([-*+])|([0-9]{1,9})[.)])(?:( +)(.*?))?\s*$")
_FENCE_OR_HTML_RE = re.compile(r"^ {0,3}(?:```|~~~|<)")
_QUOTE_LINE_RE = re.compile(r"^ {0,3}>")
_DELIMITER_RE = re.compile(r"^ {0,3}[|:-][|:\- \t]*$")
_DELIMITER_CELL_RE = re.compile(r"^:?-+:?$")

# Events, with 0-based lines: ("heading", line, level, text) | ("item", start, end, ordered)
# | ("row", line, cells, header_cells)
Event = tuple[object, ...]


def _heading_text(match: re.Match[str]) -> str:
    content = (match.group(2) or "").strip()
    if set(content) <= {"#"}:
        return ""
    return re.sub(r"[ \t]+#+$", "", content)


def _table_header(lines: list[str], i: int) -> list[str] | None:
    """The header cells if a table starts at line i (header row + delimiter row)."""
    if i + 1 >= len(lines) or "|" not in lines[i]:
        return None
    delimiter = lines[i + 1]
    if not _DELIMITER_RE.match(delimiter) or delimiter.lstrip(" ")[:2] in ("- ", "-\t"):
        return None
    parts = delimiter.strip().split("|")
    aligns = 0
    for index, part in enumerate(parts):
        cell = part.strip()
        if not cell:
            if index in (0, len(parts) - 1):
                continue
            return None
        if not _DELIMITER_CELL_RE.match(cell):
            return None
        aligns += 1
    header = _split_row(lines[i])
    return header if header and len(header) == aligns else None


def _split_row(line: str) -> list[str]:
    from markdown_it.rules_block.table import escapedSplit

    cells = escapedSplit(line.strip())
    if cells and cells[0] == "":
        cells.pop(0)
    if cells and cells[-1] == "":
        cells.pop()
    return [c.strip() for c in cells]


def _starts_block(text: str) -> bool:
    """Whether unindented ``text`` would open a block (inside an item it may nest)."""
    return bool(
        _ATX_RE.match(text)
        or _ITEM_RE.match(text)
        or _HR_RE.match(text)
        or _FENCE_OR_HTML_RE.match(text)
        or _QUOTE_LINE_RE.match(text)
        or "|" in text
    )


def scan_lines(lines: list[str]) -> list[Event] | None:
    """Read a paper list's structure line by line; None when markdown-it must decide."""
    events: list[Event] = []
    # "" | "para" | "quote" (a paragraph in a quote) | "item" (an item's first paragraph)
    # | "after" (a blank line inside a list)
    state = ""
    item_start = 0
    item_ordered = False
    header: tuple[str, ...] = ()
    in_table = False
    skip_to = 0

    def close_item(end: int) -> None:
        events.append(("item", item_start, end, item_ordered))

    for i, line in enumerate(lines):
        if i < skip_to:
            continue
        if "\t" in line or "\r" in line or "\x00" in line:
            return None
        stripped = line.strip()
        if in_table:
            if not stripped:
                in_table = False
                continue
            if not line.startswith("    ") and not (_starts_block(line) and "|" not in line):
                cells = _split_row(line)
                cells += [""] * (len(header) - len(cells))
                events.append(("row", i, tuple(cells[: len(header)]), header))
                continue
            in_table = False  # a block that ends the table: read it below
        if not stripped:
            if state == "item":
                close_item(i)
                state = "after"
            elif state in ("para", "quote"):
                state = ""
            continue
        indent = len(line) - len(line.lstrip(" "))
        if indent >= 4:
            if state in ("para", "quote") or (state == "item" and not _starts_block(stripped)):
                continue  # continuation of the paragraph
            return None  # code, a nested block or an item's later paragraph
        heading = _ATX_RE.match(line)
        if heading:
            if state == "item":
                close_item(i)
            state = ""
            events.append(("heading", i, len(heading.group(1)), _heading_text(heading)))
            continue
        if _FENCE_OR_HTML_RE.match(line):
            return None
        if _HR_RE.match(line) or (state in ("para", "quote") and _SETEXT_RE.match(line)):
            if state in ("para", "quote"):
                return None  # a setext heading underline: markdown-it decides
            if state == "item":
                close_item(i)
            state = ""
            continue
        table = _table_header(lines, i)
        if table is not None:
            if state in ("item", "quote") or (state == "after" and indent > 0):
                return None  # lazy lines of the item, or a table inside it
            state, header, in_table, skip_to = "", tuple(table), True, i + 2
            continue
        item = _ITEM_RE.match(line)
        if item:
            ordered = item.group(3) is not None
            content = item.group(5) or ""
            if len(item.group(4) or "") >= 5 and content:
                return None  # the content is an indented code block
            if state in ("para", "quote") and (not content or (ordered and item.group(3) != "1")):
                return None  # may or may not interrupt the paragraph
            if state == "item":
                if indent > 0:
                    return None  # nested or lazy: depends on the parent's content offset
                close_item(i)
            state, item_start, item_ordered = "item", i, ordered
            if not content:
                close_item(i + 1)
                state = "after"
            continue
        if _QUOTE_LINE_RE.match(line):
            inner = _QUOTE_RE.sub("", line)
            if state == "item" or _ITEM_RE.match(inner) or _ATX_RE.match(inner) or "|" in inner:
                return None
            state = "quote"  # a paragraph in a quote; its lazy lines stay in the quote
            continue
        if state == "after" and indent > 0:
            return None  # maybe a later paragraph of the item
        if state not in ("item", "quote"):
            state = "para"
    if state == "item":
        close_item(len(lines))
    return events


def _build(events: list[Event], lines: list[str]) -> Document:
    doc = Document()
    stack: list[Heading] = []
    for event in events:
        if event[0] == "heading":
            _, line0, level, text = event
            assert isinstance(line0, int) and isinstance(level, int) and isinstance(text, str)
            heading = Heading.read(level, text, line0 + 1)
            while stack and stack[-1].level >= level:
                stack.pop()
            stack.append(heading)
            continue
        context = Context(tuple(stack))
        if context.non_paper:
            doc.skipped += 1
        elif event[0] == "item":
            _, start, end, ordered = event
            assert isinstance(start, int) and isinstance(end, int)
            doc.items.append(_item(lines, start, end, bool(ordered), context))
        else:
            _, line0, cells, header = event
            assert isinstance(line0, int) and isinstance(cells, tuple)
            assert isinstance(header, tuple)
            doc.items.append(Row(line0 + 1, cells, header, lines[line0], context))
    return doc


def _item(lines: list[str], start: int, end: int, ordered: bool, context: Context) -> Item:
    own = lines[start:end]
    while len(own) > 1 and not own[-1].strip():
        own.pop()
    if own:
        own[0] = _MARKER_RE.sub("", own[0], count=1)
    return Item(
        line=start + 1,
        text=_join_lines(own),
        raw="\n".join(lines[start:end]).rstrip(),
        ordered=ordered,
        context=context,
    )


# -- markdown-it, for everything else ---------------------------------------------------


def walk_markdown_it(text: str) -> Document:
    """The document's structure as markdown-it reads it (front matter already blanked)."""
    lines = text.split("\n")
    tokens = _parser().parse(text)
    doc = Document()
    stack: list[Heading] = []
    ordered_stack: list[bool] = []
    header: tuple[str, ...] = ()
    row: list[str] = []
    row_line = 0
    in_head = False
    max_nesting = int(_parser().options.get("maxNesting") or 20)
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        kind = tok.type
        if tok.nesting == 1 and tok.map and tok.level + 1 >= max_nesting:
            # The parser did not look inside this container: account for its lines.
            first = tok.map[0] + (1 if kind == "list_item_open" else 0)
            for number in range(first, tok.map[1]):
                inner = _QUOTE_RE.sub("", lines[number])
                if _MARKER_RE.match(inner) or inner.startswith("|"):
                    if Context(tuple(stack)).non_paper:
                        doc.skipped += 1
                    else:
                        doc.too_deep.append((number + 1, lines[number]))
        if kind == "heading_open" and tok.map:
            level = int(tok.tag[1:])
            heading = Heading.read(level, tokens[i + 1].content, tok.map[0] + 1)
            while stack and stack[-1].level >= level:
                stack.pop()
            stack.append(heading)
        elif kind in ("bullet_list_open", "ordered_list_open"):
            ordered_stack.append(kind == "ordered_list_open")
        elif kind in ("bullet_list_close", "ordered_list_close"):
            ordered_stack.pop()
        elif kind == "list_item_open" and tok.map:
            context = Context(tuple(stack))
            start, end = tok.map
            # The item's own text is its first paragraph (nested lists are items of their own).
            para = tokens[i + 1] if i + 1 < len(tokens) else None
            if para is not None and para.type == "paragraph_open" and para.map:
                end = para.map[1]
            else:
                end = start + 1
            own = lines[start:end]
            if own:
                own[0] = _MARKER_RE.sub("", own[0], count=1)
            if context.non_paper:
                doc.skipped += 1
            else:
                doc.items.append(
                    Item(
                        line=start + 1,
                        text=_join_lines(own),
                        raw="\n".join(lines[start:end]).rstrip(),
                        ordered=bool(ordered_stack and ordered_stack[-1]),
                        context=context,
                    )
                )
        elif kind == "thead_open":
            in_head, header = True, ()
        elif kind == "thead_close":
            in_head = False
        elif kind == "tr_open" and tok.map:
            row, row_line = [], tok.map[0] + 1
        elif kind in ("th_open", "td_open"):
            row.append(tokens[i + 1].content if tokens[i + 1].type == "inline" else "")
        elif kind == "tr_close":
            if in_head:
                header = tuple(row)
            else:
                context = Context(tuple(stack))
                if context.non_paper:
                    doc.skipped += 1
                else:
                    doc.items.append(
                        Row(
                            line=row_line,
                            cells=tuple(row),
                            header=header,
                            raw=lines[row_line - 1],
                            context=context,
                        )
                    )
        i += 1
    return doc
