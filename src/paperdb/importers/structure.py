"""Document structure: headings, list items and table rows with their line numbers.

markdown-it-py reads the block structure (inline parsing is switched off: the
per-family grammars read an item's text themselves, which is both faster and
more forgiving of the broken links real lists contain).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
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
    """Headings, list items and table rows of a markdown document, in order."""
    text = blank_front_matter(text)
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


def iter_items(doc: Document) -> Iterator[Item | Row]:
    yield from doc.items
