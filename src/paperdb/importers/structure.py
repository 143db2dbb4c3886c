"""Document structure: headings, list items, paragraphs and table rows with their lines.

A line scanner reads the flat documents most generated lists are; anything it cannot
reproduce exactly goes to markdown-it (:mod:`.mdwalk`), with inline parsing switched off:
the recognizers read an entry's text themselves, which is faster and more forgiving of
the broken links real lists contain.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from paperdb import normalize as nz
from paperdb.importers.context import Context, Heading

MARKER_RE = re.compile(r"^\s*(?:[-*+]|[0-9]{1,9}[.)])(?:\s+|$)")


@dataclass(frozen=True, slots=True)
class Block:
    """A list item or a paragraph: its first line, its text (marker removed), its source."""

    line: int  # 1-based
    text: str
    raw: str
    ordered: bool
    context: Context
    kind: str = "list"  # list | paragraph
    depth: int = 0  # nesting level of a list item (0: top level)
    labels: tuple[tuple[str, str], ...] = ()  # (role, value) of its labelled lines


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
    items: list[Block | Row] = field(default_factory=list)
    skipped: int = 0  # list lines in non-paper sections
    # (line, raw, reason) of lines that look like entries but cannot be read as blocks:
    # lines nested past the parser's limit, HTML blocks with paper links.
    notes: list[tuple[int, str, str]] = field(default_factory=list)
    headings: int = 0  # headings read so far


_QUOTE_RE = re.compile(r"^[\s>]*")


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


def join_lines(lines: list[str]) -> str:
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
        from paperdb.importers.mdwalk import walk_markdown_it

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
    """A table row's cells, split as markdown-it splits them: at each pipe not after a
    backslash; an escaped pipe stays in its cell as ``|``.

    >>> _split_row(r"| a \\| b | `c` |")
    ['a | b', '`c`']
    """
    line = line.strip()
    cells = (
        line.split("|")
        if "\\" not in line
        else [cell.replace("\\|", "|") for cell in _UNESCAPED_PIPE_RE.split(line)]
    )
    if cells and cells[0] == "":
        cells.pop(0)
    if cells and cells[-1] == "":
        cells.pop()
    return [c.strip() for c in cells]


_UNESCAPED_PIPE_RE = re.compile(r"(?<!\\)\|")


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


def _may_be_entry_paragraph(lines: list[str], i: int) -> bool:
    line = lines[i]
    return bool(
        ENTRY_PARAGRAPH_RE.match(line)
        and not _ITEM_RE.match(line)
        and not _ATX_RE.match(line)
        and _table_header(lines, i) is None
    )


def scan_lines(lines: list[str]) -> list[Event] | None:
    """Read a paper list's structure line by line; None when markdown-it must decide."""
    return _Scanner(lines).run()


class _StepAside(Exception):
    """The scanner cannot reproduce CommonMark's reading here: markdown-it decides."""


class _Scanner:
    """One pass over the lines; ``state`` is what the previous line left open:
    "" | "para" | "quote" (a paragraph in a quote) | "item" (an item's first paragraph)
    | "after" (a blank line inside a list)."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.events: list[Event] = []
        self.state = ""
        self.item_start = 0
        self.item_ordered = False
        self.header: tuple[str, ...] = ()
        self.in_table = False
        self.skip_to = 0

    def run(self) -> list[Event] | None:
        try:
            for i, line in enumerate(self.lines):
                if i >= self.skip_to:
                    self.line(i, line)
        except _StepAside:
            return None
        if self.state == "item":
            self.close_item(len(self.lines))
        return self.events

    def close_item(self, end: int) -> None:
        self.events.append(("item", self.item_start, end, self.item_ordered))

    def line(self, i: int, line: str) -> None:
        if "\t" in line or "\r" in line or "\x00" in line:
            raise _StepAside
        stripped = line.strip()
        if self.in_table and self.table_row(i, line, stripped):
            return
        if self.state in ("", "after") and _may_be_entry_paragraph(self.lines, i):
            raise _StepAside  # a paragraph that may be an entry: markdown-it reads it
        if not stripped:
            self.blank(i)
            return
        indent = len(line) - len(line.lstrip(" "))
        if indent >= 4:
            self.indented(stripped)
            return
        for handler in (self.heading, self.rule, self.table, self.item, self.quote):
            if handler(i, line, indent):
                return
        if self.state == "after" and indent > 0:
            raise _StepAside  # maybe a later paragraph of the item
        if self.state not in ("item", "quote"):
            self.state = "para"

    def table_row(self, i: int, line: str, stripped: str) -> bool:
        if not stripped:
            self.in_table = False
            return True
        if not line.startswith("    ") and not (_starts_block(line) and "|" not in line):
            cells = _split_row(line)
            cells += [""] * (len(self.header) - len(cells))
            self.events.append(("row", i, tuple(cells[: len(self.header)]), self.header))
            return True
        self.in_table = False  # a block that ends the table: read it as such
        return False

    def blank(self, i: int) -> None:
        if self.state == "item":
            self.close_item(i)
            self.state = "after"
        elif self.state in ("para", "quote"):
            self.state = ""

    def indented(self, stripped: str) -> None:
        if self.state in ("para", "quote") or (
            self.state == "item" and not _starts_block(stripped)
        ):
            return  # continuation of the paragraph
        raise _StepAside  # code, a nested block or an item's later paragraph

    def heading(self, i: int, line: str, indent: int) -> bool:
        match = _ATX_RE.match(line)
        if not match:
            return False
        if self.state == "item":
            self.close_item(i)
        self.state = ""
        self.events.append(("heading", i, len(match.group(1)), _heading_text(match)))
        return True

    def rule(self, i: int, line: str, indent: int) -> bool:
        if _FENCE_OR_HTML_RE.match(line):
            raise _StepAside
        paragraph = self.state in ("para", "quote")
        if not (_HR_RE.match(line) or (paragraph and _SETEXT_RE.match(line))):
            return False
        if paragraph:
            raise _StepAside  # a setext heading underline: markdown-it decides
        if self.state == "item":
            self.close_item(i)
        self.state = ""
        return True

    def table(self, i: int, line: str, indent: int) -> bool:
        header = _table_header(self.lines, i)
        if header is None:
            return False
        if self.state in ("item", "quote") or (self.state == "after" and indent > 0):
            raise _StepAside  # lazy lines of the item, or a table inside it
        self.state, self.header, self.in_table, self.skip_to = "", tuple(header), True, i + 2
        return True

    def item(self, i: int, line: str, indent: int) -> bool:
        match = _ITEM_RE.match(line)
        if not match:
            return False
        ordered = match.group(3) is not None
        content = match.group(5) or ""
        if len(match.group(4) or "") >= 5 and content:
            raise _StepAside  # the content is an indented code block
        if self.state in ("para", "quote") and (not content or (ordered and match.group(3) != "1")):
            raise _StepAside  # may or may not interrupt the paragraph
        if self.state in ("item", "after") and indent > 0:
            raise _StepAside  # nested or lazy: depends on the parent's content offset
        if self.state == "item":
            self.close_item(i)
        self.state, self.item_start, self.item_ordered = "item", i, ordered
        if not content:
            self.close_item(i + 1)
            self.state = "after"
        return True

    def quote(self, i: int, line: str, indent: int) -> bool:
        if not _QUOTE_LINE_RE.match(line):
            return False
        inner = _QUOTE_RE.sub("", line)
        if self.state == "item" or _ITEM_RE.match(inner) or _ATX_RE.match(inner) or "|" in inner:
            raise _StepAside
        self.state = "quote"  # a paragraph in a quote; its lazy lines stay in the quote
        return True


def _build(events: list[Event], lines: list[str]) -> Document:
    doc = Document()
    stack: list[Heading] = []
    context = Context(())
    for event in events:
        if event[0] == "heading":
            _, line0, level, text = event
            assert isinstance(line0, int) and isinstance(level, int) and isinstance(text, str)
            # One context for the blocks up to the next heading.
            context = add_heading(doc, stack, level, text, line0 + 1, lines[line0])
            continue
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


_LINK_HEADING_RE = re.compile(r"^\s*\[([^\]]+)\]\((https?://[^)\s]+)\)\s*$")


def heading_entry(text: str, line: int, raw: str, context: Context) -> Block | None:
    """``### [Paper Title](https://arxiv.org/abs/...)``: a heading that is an entry."""
    match = _LINK_HEADING_RE.match(text)
    if match is None or len(match.group(1).split()) < 3:
        return None
    return Block(line, text.strip(), raw, False, context, kind="paragraph")


def add_heading(
    doc: Document, stack: list[Heading], level: int, text: str, line: int, raw: str
) -> Context:
    """A heading: a new section, and an entry too when it is a paper's link; returns the
    context of what follows it."""
    heading = Heading.read(level, text, line)
    entry = heading_entry(text, line, raw, Context(tuple(stack)))
    if entry is not None:
        heading = replace(heading, topic=None)  # a paper's title names no topic
    push_heading(stack, heading, doc)
    context = Context(tuple(stack))
    if entry is not None and not context.non_paper:
        doc.items.append(replace(entry, context=context))
    return context


def push_heading(stack: list[Heading], heading: Heading, doc: Document) -> None:
    """Make ``heading`` the innermost; the document's first ``#`` heading is its title."""
    if not doc.headings and heading.level == 1 and not nz.canonical_topic(heading.text):
        heading = replace(heading, topic=None)  # "# Awesome-Model-Compression" names the list
    doc.headings += 1
    while stack and stack[-1].level >= heading.level:
        stack.pop()
    stack.append(heading)


def _item(
    lines: list[str], start: int, end: int, ordered: bool, context: Context, depth: int = 0
) -> Block:
    own = lines[start:end]
    while len(own) > 1 and not own[-1].strip():
        own.pop()
    if own:
        own[0] = MARKER_RE.sub("", own[0], count=1)
    return Block(
        line=start + 1,
        text=join_lines(own),
        raw="\n".join(lines[start:end]).rstrip(),
        ordered=ordered,
        context=context,
        depth=depth,
    )


# Paragraphs outside lists that may be entries (``**[12]** Authors. "Title"``,
# ``**Title** [[paper](u)]``): the scanner leaves documents with such a paragraph to
# markdown-it, which reads them as blocks of kind "paragraph".
ENTRY_PARAGRAPH_RE = re.compile(
    r"^ {0,3}(?:\*\*|__|\[|!\[|\*[^*\s]|_[^_\s]|[0-9]{1,4}[.)]\S|<(?:b|strong|a)\b)", re.I
)
