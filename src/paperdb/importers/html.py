"""HTML ``<table>`` blocks of paper rows, read with the standard library's HTML parser.

Each ``<tr>`` becomes a :class:`Row` whose cells keep their inner HTML (links, images,
``<br>``), so the same cell and entry recognizers read them as markdown tables.
"""

from __future__ import annotations

from html.parser import HTMLParser

from paperdb.importers.context import Context
from paperdb.importers.links import PAPER_HOST_RE
from paperdb.importers.structure import Row

# A synthetic header for tables without one: the first cell is the work, the rest links.
_NO_HEADER = ("Title", "Links")


def has_paper_links(content: str) -> bool:
    """Whether an HTML block links a paper host (and so should not be passed over silently)."""
    return bool(PAPER_HOST_RE.search(content))


class _Rows(HTMLParser):
    def __init__(self, content: str) -> None:
        super().__init__(convert_charrefs=False)
        self.content = content
        self.offsets = [0]
        for line in content.split("\n"):
            self.offsets.append(self.offsets[-1] + len(line) + 1)
        self.rows: list[tuple[int, list[str], bool]] = []  # (line offset, cells, all th)
        self.cell_start: int | None = None
        self.cells: list[str] = []
        self.all_th = True
        self.row_line = 0

    def _pos(self) -> int:
        line, col = self.getpos()
        return self.offsets[line - 1] + col

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tr":
            self.cells, self.all_th, self.row_line = [], True, self.getpos()[0] - 1
        elif tag in ("td", "th"):
            self._close_cell()
            self.all_th = self.all_th and tag == "th"
            text = self.get_starttag_text() or ""
            self.cell_start = self._pos() + len(text)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th"):
            self._close_cell(end=self._pos())
        elif tag == "tr":
            self._close_cell()
            if self.cells:
                self.rows.append((self.row_line, self.cells, self.all_th))
            self.cells = []

    def _close_cell(self, end: int | None = None) -> None:
        if self.cell_start is None:
            return
        stop = end if end is not None else self._pos()
        self.cells.append(self.content[self.cell_start : stop].strip())
        self.cell_start = None


def table_rows(content: str, line0: int, context: Context) -> list[Row]:
    """The rows of the ``<table>`` in an HTML block that starts on 0-based line ``line0``."""
    from paperdb.importers.tables import table_columns

    parser = _Rows(content)
    parser.feed(content)
    parser.close()
    lines = content.split("\n")
    header: tuple[str, ...] = _NO_HEADER
    out = []
    for index, (offset, cells, all_th) in enumerate(parser.rows):
        if index == 0 and all_th and table_columns(tuple(cells)):
            header = tuple(cells)
            continue
        out.append(Row(line0 + offset + 1, tuple(cells), header, lines[offset], context))
    return out
