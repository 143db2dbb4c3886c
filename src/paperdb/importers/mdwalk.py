"""The document's blocks as markdown-it reads them, for everything the line scanner leaves.

Beyond headings, items and table rows this reads what real lists add: paragraphs that
are entries, nested items (notes and author lines belong to their entry; a linkless item
whose children are papers is a sub-heading), ``<details><summary>`` wrappers (the
summary is a heading for what they hold) and HTML ``<table>`` blocks.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import cache
from typing import TYPE_CHECKING

from paperdb.importers import html
from paperdb.importers.context import Context, Heading
from paperdb.importers.labels import read_label
from paperdb.importers.structure import (
    ENTRY_PARAGRAPH_RE,
    MARKER_RE,
    Block,
    Document,
    Row,
    add_heading,
    join_lines,
    push_heading,
)

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

_QUOTE_RE = re.compile(r"^[\s>]*")
_LINK_HINT_RE = re.compile(r"\]\(|\]\[|https?://|<a\s", re.I)
_SUMMARY_RE = re.compile(r"<summary[^>]*>(.*?)</summary>", re.I | re.S)
_LONE_CR_RE = re.compile(r"\r(?!\n)")
SUMMARY_LEVEL = 7  # below every markdown heading


@cache
def parser() -> MarkdownIt:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable("table").disable("inline")


class _Walker:
    def __init__(self, text: str) -> None:
        self.lines = text.split("\n")
        self.doc = Document()
        self.stack: list[Heading] = []
        self.ordered: list[bool] = []
        self.depth = 0
        self.header: tuple[str, ...] = ()
        self.row: list[str] = []
        self.row_line = 0
        self.in_head = False
        self.entry_details = (
            0  # open <details> whose <summary> is an entry: items inside are its notes
        )

    def context(self) -> Context:
        return Context(tuple(self.stack))

    def add(self, block: Block | Row) -> None:
        if block.context.non_paper:
            self.doc.skipped += 1
        else:
            self.doc.items.append(block)

    def walk(self, tokens: list[Token]) -> Document:
        max_nesting = int(parser().options.get("maxNesting") or 20)
        for i, tok in enumerate(tokens):
            if tok.nesting == 1 and tok.map and tok.level + 1 >= max_nesting:
                self.too_deep(tok)
            handler = getattr(self, "on_" + tok.type, None)
            if handler is not None:
                handler(tok, tokens, i)
        return self.doc

    def too_deep(self, tok: Token) -> None:
        """The parser did not look inside this container: account for its lines."""
        assert tok.map is not None
        first = tok.map[0] + (1 if tok.type == "list_item_open" else 0)
        for number in range(first, tok.map[1]):
            inner = _QUOTE_RE.sub("", self.lines[number])
            if MARKER_RE.match(inner) or inner.startswith("|"):
                if self.context().non_paper:
                    self.doc.skipped += 1
                else:
                    reason = "list nested too deeply to read (more than 10 levels)"
                    self.doc.notes.append((number + 1, self.lines[number], reason))

    def on_heading_open(self, tok: Token, tokens: list[Token], i: int) -> None:
        if tok.map:
            line = tok.map[0]
            add_heading(
                self.doc,
                self.stack,
                int(tok.tag[1:]),
                tokens[i + 1].content,
                line + 1,
                self.lines[line],
            )

    def on_bullet_list_open(self, tok: Token, tokens: list[Token], i: int) -> None:
        self.ordered.append(tok.type == "ordered_list_open")

    on_ordered_list_open = on_bullet_list_open

    def on_bullet_list_close(self, tok: Token, tokens: list[Token], i: int) -> None:
        self.ordered.pop()

    on_ordered_list_close = on_bullet_list_close

    def on_list_item_open(self, tok: Token, tokens: list[Token], i: int) -> None:
        if not tok.map:
            return
        start, end = tok.map
        para = tokens[i + 1] if i + 1 < len(tokens) else None
        end = (
            para.map[1]
            if para is not None and para.type == "paragraph_open" and para.map
            else start + 1
        )
        own = self.lines[start:end]
        if own:
            own[0] = MARKER_RE.sub("", own[0], count=1)
        depth = len(self.ordered) - 1 + self.entry_details
        self.add(
            Block(
                start + 1,
                join_lines(own),
                "\n".join(self.lines[start:end]).rstrip(),
                bool(self.ordered and self.ordered[-1]),
                self.context(),
                depth=depth,
            )
        )

    def on_paragraph_open(self, tok: Token, tokens: list[Token], i: int) -> None:
        if not tok.map or self.ordered or tok.level > 1:
            return  # list items read their own paragraphs
        start, end = tok.map
        if not ENTRY_PARAGRAPH_RE.match(self.lines[start]):
            return
        own = self.lines[start:end]
        self.add(
            Block(
                start + 1,
                join_lines(own),
                "\n".join(own).rstrip(),
                False,
                self.context(),
                kind="paragraph",
            )
        )

    def on_html_block(self, tok: Token, tokens: list[Token], i: int) -> None:
        if not tok.map:
            return
        content = tok.content
        summary = _SUMMARY_RE.search(content)
        if summary and _LINK_HINT_RE.search(summary.group(1)):
            # <summary>Title (2022) [<a href=...>Paper</a>]</summary>: the summary is the entry
            line = tok.map[0] + content[: summary.start()].count("\n")
            text = summary.group(1).strip()
            self.add(Block(line + 1, text, self.lines[line], False, self.context()))
            self.entry_details += not re.search(r"</details\s*>", content, re.I)
            return
        if self.entry_details and re.search(r"</details\s*>", content, re.I):
            self.entry_details -= 1
            return
        if summary:
            push_heading(
                self.stack, Heading.read(SUMMARY_LEVEL, summary.group(1), tok.map[0] + 1), self.doc
            )
        elif re.search(r"</details\s*>", content, re.I):
            while self.stack and self.stack[-1].level >= SUMMARY_LEVEL:
                self.stack.pop()
        if re.search(r"<table\b", content, re.I):
            for row in html.table_rows(content, tok.map[0], self.context()):
                self.add(row)
        elif html.has_paper_links(content) and not self.context().non_paper:
            reason = "HTML block with paper links (not a <table>): not read"
            self.doc.notes.append((tok.map[0] + 1, self.lines[tok.map[0]], reason))

    def on_thead_open(self, tok: Token, tokens: list[Token], i: int) -> None:
        self.in_head, self.header = True, ()

    def on_thead_close(self, tok: Token, tokens: list[Token], i: int) -> None:
        self.in_head = False

    def on_tr_open(self, tok: Token, tokens: list[Token], i: int) -> None:
        if tok.map:
            self.row, self.row_line = [], tok.map[0] + 1

    def on_th_open(self, tok: Token, tokens: list[Token], i: int) -> None:
        self.row.append(tokens[i + 1].content if tokens[i + 1].type == "inline" else "")

    on_td_open = on_th_open

    def on_tr_close(self, tok: Token, tokens: list[Token], i: int) -> None:
        if self.in_head:
            self.header = tuple(self.row)
        else:
            line = self.row_line
            self.add(Row(line, tuple(self.row), self.header, self.lines[line - 1], self.context()))


def walk_markdown_it(text: str) -> Document:
    """The document's structure as markdown-it reads it (front matter already blanked)."""
    # markdown-it also breaks lines at a lone \r; line numbers here count \n only.
    text = _LONE_CR_RE.sub(" ", text)
    doc = _Walker(text).walk(parser().parse(text))
    doc.items = nest(doc.items)
    return doc


def nest(items: list[Block | Row]) -> list[Block | Row]:
    """Fold nested items into their entry, or make a linkless parent their sub-heading.

    A nested item without a link is part of the entry above it (an author line, a venue,
    a note); a linkless item whose nested items have links names a group of papers.
    """
    out: list[Block | Row] = []
    parents: list[int] = []  # indexes in out of the open items, by depth
    for block in items:
        if not isinstance(block, Block) or block.kind != "list":
            out.append(block)
            parents.clear()
            continue
        del parents[block.depth :]
        parent = out[parents[-1]] if parents else None
        if isinstance(parent, Block) and parent.depth < block.depth:
            if read_label(block.text) is not None:
                out.append(block)  # a labelled line: labels.attach gives it to its entry
                continue
            if not _LINK_HINT_RE.search(block.text):
                out[parents[-1]] = replace(
                    parent, text=f"{parent.text} | {block.text}", raw=f"{parent.raw}\n{block.raw}"
                )
                continue
            if not _LINK_HINT_RE.search(parent.text):
                heading = Heading.read(SUMMARY_LEVEL + parent.depth + 1, parent.text, parent.line)
                block = replace(block, context=Context((*block.context.path, heading)))
                out[parents[-1]] = replace(parent, kind="group")
        parents.append(len(out))
        out.append(block)
    return [b for b in out if not (isinstance(b, Block) and b.kind == "group")]
